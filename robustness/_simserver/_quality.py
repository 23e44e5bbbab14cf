"""Image quality as an MLLM would react to it: blur, darkness, low contrast, tiny size.

Measures are taken on the grey image resized to ``WORK_SIDE`` px on its longer side, so that a
face crop and a full photo of the same sharpness score alike. The Laplacian variance grows with
the square of contrast, so it is rescaled to a reference contrast (grey sd 60): a dark or flat
image is penalised for being dark or flat, not counted as blurry too. Each problem adds a
refusal penalty that grows linearly (in log space for blur) from its threshold to its floor:

============  =====================================  =================  ===============
problem       measure                                penalty starts     full penalty
============  =====================================  =================  ===============
blurry        rescaled Laplacian variance            below 150          0.45 at <= 10
dark          mean grey level (0-255)                below 50           0.40 at <= 10
low contrast  standard deviation of grey             below 25           0.40 at <= 5
tiny          shorter side of the original, px       below 64           0.50 at <= 16
============  =====================================  =================  ===============

Penalties combine as independent chances: ``1 - prod(1 - p)``. On the clean ``astronaut``
portrait every penalty is 0; ImageNet-C Gaussian blur severity 3 on a face crop gives ~0.3.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from PIL import Image

__all__ = ["WORK_SIDE", "Quality", "measure_quality"]

WORK_SIDE = 128
_REFERENCE_CONTRAST = 60.0

# A problem is named to the user (in "too blurry" refusals) once its penalty passes this.
_NAMED_PENALTY = 0.15


@dataclass(frozen=True, slots=True)
class Quality:
    """What the server measured on an image, and what it implies for refusals."""

    sharpness: float
    brightness: float
    contrast: float
    min_side: int

    @property
    def penalties(self) -> dict[str, float]:
        """Each problem's refusal penalty in [0, 1]; zero when the image is fine on that count."""
        blur = _ramp(math.log(max(self.sharpness, 1e-6)), math.log(150), math.log(10))
        return {
            "blurry": 0.45 * blur,
            "dark": 0.40 * _ramp(self.brightness, 50, 10),
            "low in contrast": 0.40 * _ramp(self.contrast, 25, 5),
            "small": 0.50 * _ramp(self.min_side, 64, 16),
        }

    @property
    def refusal_penalty(self) -> float:
        """The chance that quality alone makes the simulated model decline."""
        keep = 1.0
        for penalty in self.penalties.values():
            keep *= 1 - penalty
        return 1 - keep

    @property
    def worst_problem(self) -> str | None:
        """The problem a "too blurry"-style refusal names, or ``None`` for an acceptable image."""
        name, penalty = max(self.penalties.items(), key=lambda item: item[1])
        return name if penalty >= _NAMED_PENALTY else None


def measure_quality(image: Image.Image) -> Quality:
    """Measure ``image`` (any mode) at the working size."""
    grey = image.convert("L")
    scale = WORK_SIDE / max(grey.size)
    size = (max(3, round(grey.width * scale)), max(3, round(grey.height * scale)))
    pixels = np.asarray(grey.resize(size, Image.Resampling.BILINEAR), dtype=np.float32)
    laplacian = (
        4 * pixels[1:-1, 1:-1]
        - pixels[:-2, 1:-1] - pixels[2:, 1:-1] - pixels[1:-1, :-2] - pixels[1:-1, 2:]
    )
    contrast = float(pixels.std())
    return Quality(
        sharpness=float(laplacian.var()) * (_REFERENCE_CONTRAST / max(contrast, 1.0)) ** 2,
        brightness=float(pixels.mean()),
        contrast=contrast,
        min_side=min(image.size),
    )


def _ramp(value: float, start: float, full: float) -> float:
    """0 at or above ``start``, 1 at or below ``full``, linear between."""
    return min(1.0, max(0.0, (start - value) / (start - full)))

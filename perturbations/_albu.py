"""Running one albumentations 2.0.8 transform as a pure, seeded function.

Two traps (FIELD.md §7) are closed here once for every family that uses albumentations:

* a 1.x argument name only *warns* and falls back to defaults unless ``strict=True`` — callers build
  their transform with ``strict=True`` and the ``Compose`` is strict as well, so a typo raises;
* ``Compose(seed=...)`` fixes a sequence across calls, not each call — we build a fresh ``Compose``
  per call and seed it from the caller's generator, so the output depends only on (image, rng
  state) and never on what ran before. Building one costs ~0.1 ms, far below any transform here,
  and keeps the function thread-safe (no shared, mutable RNG).

albumentations is imported on first use, not with the package: it costs ~0.5 s and pulls in
pydantic, and most users of the engine (listing models, reading results) never perturb an image.
On that first import, 2.0.8 also asks PyPI for a newer version (a network call with a 2 s timeout,
and a warning when offline) unless ``NO_ALBUMENTATIONS_UPDATE`` is set; the suite runs offline, so
we set it first, keeping any value the user chose.
"""

from __future__ import annotations

import importlib
import os
from functools import cache
from types import ModuleType
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    import albumentations as A  # noqa: N812  (the library's own convention)

__all__ = ["albumentations", "run_transform"]


@cache
def albumentations() -> ModuleType:
    """The albumentations module, imported on first call without its online version check."""
    os.environ.setdefault("NO_ALBUMENTATIONS_UPDATE", "1")
    return importlib.import_module("albumentations")


def run_transform(
    transform: A.BasicTransform, image: np.ndarray, rng: np.random.Generator
) -> np.ndarray:
    """Apply ``transform`` (already built with ``p=1.0, strict=True``) to ``image``.

    The transform's own RNGs are seeded from one draw of ``rng``; the input is never modified and
    the result is always a new uint8 array of the input's shape.
    """
    if transform.p != 1.0:
        raise ValueError(f"albumentations transform must have p=1.0, got p={transform.p!r}")
    seed = int(rng.integers(2**31))
    compose = albumentations().Compose([transform], p=1.0, strict=True, seed=seed)
    out = compose(image=image)["image"]
    if out.dtype != np.uint8 or out.shape != image.shape:
        raise RuntimeError(
            f"{type(transform).__name__} returned {out.dtype} {out.shape}, "
            f"expected uint8 {image.shape}"
        )
    # albumentations may hand back its input (e.g. adding zero noise); we promise a new array.
    return out.copy() if np.may_share_memory(out, image) else np.ascontiguousarray(out)

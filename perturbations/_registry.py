"""The registry: names -> functionals, severity lookup, validation, and the public entry points.

Each family is one small adapter that pulls its parameters out of the looked-up dict and calls a
pure functional. Everything a call needs — severity validation, face-size scaling, the table row —
is resolved here, so the functionals never see a severity and the table is the only place values
live.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from functools import cache

import numpy as np

from . import _blur, _geometry, _pixel
from ._boxes import IMAGENET_C_SIZE, Box, Boxes, check_boxes, check_image, face_region, face_size
from ._severity import SEVERITIES, TABLE, Parameter

__all__ = ["FAMILIES", "INVARIANCES", "apply", "parameters", "severities_of", "severity_table"]

Params = Mapping[str, float]
Origin = tuple[int, int]  # where the image an adapter gets sits in the frame: (x, y)
Adapter = Callable[
    [np.ndarray, Boxes, Params, np.random.Generator, Origin], tuple[np.ndarray, Boxes]
]


def _image_only(run: Callable[[np.ndarray, Params, np.random.Generator], np.ndarray]) -> Adapter:
    """Adapt a functional that leaves the boxes where they are."""

    def adapter(
        image: np.ndarray, boxes: Boxes, p: Params, rng: np.random.Generator, origin: Origin
    ) -> tuple[np.ndarray, Boxes]:
        return run(image, p, rng), boxes

    return adapter


def _positional(
    run: Callable[[np.ndarray, Params, np.random.Generator, Origin], np.ndarray],
) -> Adapter:
    """Adapt a functional whose pixels depend on their position in the frame (the noise field)."""

    def adapter(
        image: np.ndarray, boxes: Boxes, p: Params, rng: np.random.Generator, origin: Origin
    ) -> tuple[np.ndarray, Boxes]:
        return run(image, p, rng, origin), boxes

    return adapter


def _occlusion(
    image: np.ndarray, boxes: Boxes, p: Params, rng: np.random.Generator, origin: Origin
) -> tuple[np.ndarray, Boxes]:
    # The patch goes over the face box (the whole image without one), where it hides identity cues.
    region = face_region(image.shape, boxes)
    return _geometry.occlusion(image, region, p["side"], int(p["fill"]), rng), boxes


# Display order: blur, compression/noise, photometric, resolution/geometry, then invariances.
_ADAPTERS: dict[str, Adapter] = {
    "gaussian_blur": _image_only(lambda im, p, rng: _blur.gaussian_blur(im, p["sigma"], rng)),
    "motion_blur": _image_only(
        lambda im, p, rng: _blur.motion_blur(im, p["radius"], p["sigma"], p["max_angle"], rng)
    ),
    "defocus_blur": _image_only(
        lambda im, p, rng: _blur.defocus_blur(im, p["radius"], p["alias_sigma"])
    ),
    "jpeg": _image_only(lambda im, p, rng: _pixel.jpeg(im, int(p["quality"]))),
    "gaussian_noise": _positional(
        lambda im, p, rng, origin: _pixel.gaussian_noise(im, p["std"], rng, origin)
    ),
    "brightness_up": _image_only(lambda im, p, rng: _pixel.shift_value(im, p["v_shift"])),
    "brightness_down": _image_only(lambda im, p, rng: _pixel.shift_value(im, p["v_shift"])),
    "contrast": _image_only(lambda im, p, rng: _pixel.contrast(im, p["factor"])),
    "gamma": _image_only(lambda im, p, rng: _pixel.gamma(im, p["gamma"])),
    "downscale": _image_only(lambda im, p, rng: _geometry.downscale(im, p["scale"])),
    "crop_jitter": lambda im, boxes, p, rng, origin: _geometry.crop_jitter(
        im, boxes, p["shift"], p["scale"], rng
    ),
    "occlusion": _occlusion,
    "hflip": lambda im, boxes, p, rng, origin: _geometry.hflip(im, boxes),
    "grayscale": _image_only(lambda im, p, rng: _pixel.grayscale(im)),
}

# Families whose output pixel reads only the input within ``reach`` px of it (and, for the noise,
# its own position): ``apply`` computes a ``region`` of them from a window around it, with the
# very values the whole frame would have there. The others read the whole image (contrast's
# means, JPEG's 8x8 blocks, downscale's sampling grid) or move the boxes; they are cheap.
_REACH: dict[str, Callable[[Params], int]] = {
    "gaussian_blur": lambda p: _blur.gaussian_reach(p["sigma"]),
    "motion_blur": lambda p: _blur.motion_reach(p["radius"]),
    "defocus_blur": lambda p: _blur.defocus_reach(p["radius"]),
    "gaussian_noise": lambda p: 0,
    "brightness_up": lambda p: 0,
    "brightness_down": lambda p: 0,
    "gamma": lambda p: 0,
    "grayscale": lambda p: 0,
}

FAMILIES: tuple[str, ...] = tuple(_ADAPTERS)
"""Every registered perturbation, in a stable display order."""

INVARIANCES: tuple[str, ...] = ("hflip", "grayscale")
"""Perturbations whose ideal effect on a prediction is none. They have one strength: severity 1."""


def severities_of(name: str) -> tuple[int, ...]:
    """The severities ``name`` accepts besides 0: ``(1,)`` for invariances, else 1-5."""
    _check_name(name)
    return (1,) if name in INVARIANCES else SEVERITIES


def _check_name(name: object) -> str:
    if not isinstance(name, str) or name not in _ADAPTERS:
        raise ValueError(f"unknown perturbation {name!r}; valid: {', '.join(FAMILIES)}")
    return name


def _check_severity(name: str, severity: object) -> int:
    valid = (0, *severities_of(name))
    if (
        isinstance(severity, bool)
        or not isinstance(severity, (int, np.integer))
        or (int(severity) not in valid)
    ):
        hint = " (an invariance has a single strength)" if name in INVARIANCES else ""
        raise ValueError(
            f"severity {severity!r} is not valid for {name!r}{hint}; "
            f"valid: {', '.join(map(str, valid))}"
        )
    return int(severity)


@cache
def _rows_by_family() -> dict[str, tuple[Parameter, ...]]:
    """The table grouped by family, checked against the registry on first use (not at import)."""
    grouped: dict[str, list[Parameter]] = {}
    for row in TABLE:
        if row.family not in _ADAPTERS:
            raise RuntimeError(f"severity table row for unregistered family {row.family!r}")
        grouped.setdefault(row.family, []).append(row)
    for name in FAMILIES:
        rows = grouped.get(name, [])
        expected = len(severities_of(name))
        if not rows or any(len(row.values) != expected for row in rows):
            raise RuntimeError(f"severity table needs {expected} values per parameter of {name!r}")
    return {name: tuple(rows) for name, rows in grouped.items()}


def parameters(name: str, severity: int, *, face_size: float) -> dict[str, float]:
    """The concrete parameters ``apply`` uses for ``name`` at ``severity`` on a face of that size.

    Pixel-unit ImageNet-C values are multiplied by ``face_size / 224``. ``downscale`` adds the
    derived ``scale`` (image shrink factor, at most 1). Severity 0 (identity) has no parameters.
    """
    _check_name(name)
    level = _check_severity(name, severity)
    if (
        isinstance(face_size, bool)
        or not isinstance(face_size, (int, float, np.number))
        or not (math.isfinite(float(face_size)) and float(face_size) > 0)
    ):
        raise ValueError(f"face_size must be a positive finite number of pixels, got {face_size!r}")
    if level == 0:
        return {}
    factor = float(face_size) / IMAGENET_C_SIZE
    out = {
        row.name: float(row.values[level - 1]) * (factor if row.scaled else 1.0)
        for row in _rows_by_family()[name]
    }
    if name == "downscale":
        out["scale"] = min(1.0, out["face_px"] / float(face_size))
    return out


def apply(
    name: str, image: np.ndarray, boxes: Boxes, severity: int, rng: np.random.Generator, *,
    region: Box | None = None,
) -> tuple[np.ndarray, Boxes]:
    """Perturb a full image and move its boxes accordingly.

    Args:
        name: A name from ``FAMILIES``.
        image: HxWx3 uint8 RGB full image (not a crop). Never modified.
        boxes: The image's face and person boxes; the face box sets the scale of pixel-unit
            parameters and the region ``occlusion`` covers.
        severity: 0 (identity: a copy, same boxes) or 1-5; invariances accept only 0 and 1.
        rng: The item's generator; the result depends only on (image, boxes, severity, rng state).
        region: The part of the result the caller will read (e.g. the face crop): pixels inside
            it (whole pixels covering the box) are those of the whole frame's result; outside it
            the image may be left clean. Families that only filter locally compute just a window
            around it; the others, and ``None``, compute the whole frame. Motion and defocus
            blur convolve large kernels through a DFT sized by what they are given, so a region
            may differ from the whole frame's by one level on a few pixels (float rounding); the
            window is a function of the region, so a region's bytes never vary.

    Returns:
        A new uint8 array of the input's shape, and the boxes after the perturbation: mirrored by
        ``hflip``, moved and clipped to the image by ``crop_jitter``, unchanged otherwise.

    Raises:
        ValueError: An unknown name, an invalid severity, a malformed image or box.
        TypeError: ``rng`` is not a ``numpy.random.Generator``.
    """
    _check_name(name)
    level = _check_severity(name, severity)
    check_image(image)
    check_boxes(boxes)
    if not isinstance(rng, np.random.Generator):
        raise TypeError(f"rng must be a numpy.random.Generator, got {type(rng).__name__}")
    if level == 0:
        return image.copy(), boxes
    params = parameters(name, level, face_size=face_size(image.shape, boxes))
    reach = _REACH.get(name)
    if region is None or reach is None:
        return _ADAPTERS[name](image, boxes, params, rng, (0, 0))
    return _in_region(name, image, boxes, params, rng, region, reach(params)), boxes


def _in_region(
    name: str, image: np.ndarray, boxes: Boxes, params: Params, rng: np.random.Generator,
    region: Box, reach: int,
) -> np.ndarray:
    """The whole frame, clean except ``region``, computed from a window ``reach`` px wider.

    A pixel of the region reads only the window (its filter never reaches the window's edge
    unless that edge is the frame's own, where the frame's border rule applies as well).
    """
    height, width = image.shape[:2]
    x0, y0, x1, y1 = region
    left = min(width - 1, max(0, math.floor(x0)))
    top = min(height - 1, max(0, math.floor(y0)))
    right = max(left + 1, min(width, math.ceil(x1)))
    bottom = max(top + 1, min(height, math.ceil(y1)))
    w_left, w_top = max(0, left - reach), max(0, top - reach)
    w_right, w_bottom = min(width, right + reach), min(height, bottom + reach)
    window, _ = _ADAPTERS[name](
        image[w_top:w_bottom, w_left:w_right], boxes, params, rng, (w_left, w_top)
    )
    out = image.copy()
    out[top:bottom, left:right] = window[top - w_top :, left - w_left :][
        : bottom - top, : right - left
    ]
    return out


def severity_table() -> list[dict[str, str | int | float]]:
    """One row per (family, severity, parameter): the unscaled value, its unit and source."""
    rows = _rows_by_family()
    return [
        {
            "family": name,
            "severity": level,
            "parameter": row.name,
            "value": float(row.values[level - 1]),
            "unit": row.unit,
            "source": row.source,
        }
        for name in FAMILIES
        for level in severities_of(name)
        for row in rows[name]
    ]

"""The severity table: every parameter of every perturbation, per severity, with its source.

Plain data, read by the registry (to build each call's parameters), by ``severity_table()`` (for the
CLI and docs) and by the coverage test (which fails when a registered family has no rows here).

Pixel-unit ImageNet-C values were defined for 224-px images; rows marked ``scaled`` are multiplied
by ``face_size / 224`` at lookup, where ``face_size`` is the face box's longer side (or min(H, W)
without a face box). Values chosen by this suite say why in their source.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["SEVERITIES", "TABLE", "Parameter"]

SEVERITIES: tuple[int, ...] = (1, 2, 3, 4, 5)

IMAGENET_C = "ImageNet-C"
IMAGENET_C_SCALED = "ImageNet-C scaled to face size (value * face_size / 224)"
INVARIANCE = "this suite: invariance, single strength; the ideal effect on a prediction is none"


@dataclass(frozen=True, slots=True)
class Parameter:
    """One parameter of one family across its severities.

    Attributes:
        family: The registered perturbation name.
        name: The parameter's key in ``parameters()``.
        values: One value per severity, severity 1 first.
        unit: What the number measures (before scaling).
        source: Where the value comes from, and why where this suite chose it.
        scaled: Whether the value is multiplied by ``face_size / 224`` at lookup.
    """

    family: str
    name: str
    values: tuple[float, ...]
    unit: str
    source: str
    scaled: bool = False


TABLE: tuple[Parameter, ...] = (
    # --- blur (ImageNet-C: Hendrycks & Dietterich 2019, make_imagenet_c.py) ---
    Parameter("gaussian_blur", "sigma", (1, 2, 3, 4, 6), "px at 224", IMAGENET_C_SCALED, True),
    Parameter("motion_blur", "radius", (10, 15, 15, 15, 20), "px at 224", IMAGENET_C_SCALED, True),
    Parameter("motion_blur", "sigma", (3, 5, 8, 12, 15), "px at 224", IMAGENET_C_SCALED, True),
    Parameter("motion_blur", "max_angle", (45, 45, 45, 45, 45), "degrees, uniform ±", IMAGENET_C),
    Parameter("defocus_blur", "radius", (3, 4, 6, 8, 10), "px at 224", IMAGENET_C_SCALED, True),
    Parameter(
        "defocus_blur",
        "alias_sigma",
        (0.1, 0.5, 0.5, 0.5, 0.5),
        "px at 224",
        IMAGENET_C_SCALED,
        True,
    ),
    # --- compression and noise ---
    Parameter("jpeg", "quality", (25, 18, 15, 10, 7), "JPEG quality 1-100", IMAGENET_C),
    Parameter(
        "gaussian_noise", "std", (0.08, 0.12, 0.18, 0.26, 0.38), "fraction of 255", IMAGENET_C
    ),
    # --- photometric ---
    Parameter(
        "brightness_up",
        "v_shift",
        (0.1, 0.2, 0.3, 0.4, 0.5),
        "added to HSV V in [0, 1]",
        IMAGENET_C,
    ),
    Parameter(
        "brightness_down",
        "v_shift",
        (-0.1, -0.2, -0.3, -0.4, -0.5),
        "added to HSV V in [0, 1]",
        "ImageNet-C magnitudes, subtracted (this suite: under-exposed faces are as common as"
        " over-exposed ones)",
    ),
    Parameter(
        "contrast", "factor", (0.4, 0.3, 0.2, 0.1, 0.05), "scale about per-channel mean", IMAGENET_C
    ),
    Parameter(
        "gamma",
        "gamma",
        (1.5, 2.0, 2.5, 3.0, 3.5),
        "exponent: out = in ** gamma",
        "this suite: a darkening tone curve (mid-grey 0.5 -> 0.35 ... 0.09); one direction so"
        " strength grows with severity, brightening is brightness_up's job",
    ),
    # --- resolution and geometry ---
    Parameter(
        "downscale",
        "face_px",
        (64, 48, 32, 24, 16),
        "px of the face's longer side after shrinking",
        "this suite: shrink so the face is this many px (area-averaged), then restore the size"
        " (bilinear); 64 px is a typical low-res face, 16 px barely a face",
    ),
    Parameter(
        "crop_jitter",
        "shift",
        (0.03, 0.06, 0.09, 0.12, 0.15),
        "fraction of box width/height, random direction",
        "this suite: detector boxes move by a few % of their size between detectors and frames;"
        " such minor variations changed MLLM answers in the study",
    ),
    Parameter(
        "crop_jitter",
        "scale",
        (0.03, 0.06, 0.09, 0.12, 0.15),
        "fraction of box size, random grow/shrink",
        "this suite: as shift; box sizes from different detectors differ by the same order",
    ),
    Parameter(
        "occlusion",
        "side",
        (0.2, 0.3, 0.4, 0.5, 0.6),
        "fraction of face box width and height",
        "this suite: covers 4 % to 36 % of the face (up to a hand or sunglasses); a fraction of"
        " the face box, so it scales with the face",
    ),
    Parameter(
        "occlusion",
        "fill",
        (128, 128, 128, 128, 128),
        "uint8 grey level",
        "this suite: mid-grey removes content without shifting overall brightness",
    ),
    # --- invariances: one strength each ---
    Parameter("hflip", "mirror", (1,), "flag (horizontal)", INVARIANCE),
    Parameter("grayscale", "saturation", (0.0,), "fraction kept (BT.601 luma)", INVARIANCE),
)

"""Blur functionals: gaussian, defocus and motion blur, as pure functions of explicit parameters.

All sizes here are in pixels of the image being processed; the registry has already scaled the
ImageNet-C values (defined for 224-px images) to the face. Defocus and motion blur are written with
OpenCV rather than albumentations because their ImageNet-C definitions take non-integer radii after
scaling (albumentations' ``Defocus`` takes an int radius) and ImageNet-C's motion kernel is a
one-sided Gaussian-weighted streak, not albumentations' uniform line.
"""

from __future__ import annotations

import math

import cv2
import numpy as np

from ._albu import albumentations, run_transform

__all__ = [
    "defocus_blur", "defocus_reach", "disk_kernel", "gaussian_blur", "gaussian_reach",
    "motion_blur", "motion_kernel", "motion_reach",
]


# The reach of each blur: how far (px) from an output pixel the input it reads can lie. Each is
# at least the half-size of the kernel the blur builds, so a window that much wider than a region
# blurs the region exactly as the whole frame would.
def gaussian_reach(sigma: float) -> int:
    return int(sigma * 3.5) + 1  # albumentations' kernel: int(3.5 sigma) * 2 + 1, made odd


def motion_reach(radius: float) -> int:
    return max(1, round(2 * radius + 1))  # the streak's length, whatever its angle


def defocus_reach(radius: float) -> int:
    return min(max(8, math.ceil(radius)), math.ceil(radius) + 3)  # disk_kernel's grid


def gaussian_blur(image: np.ndarray, sigma: float, rng: np.random.Generator) -> np.ndarray:
    """Gaussian blur with standard deviation ``sigma`` px (albumentations ``GaussianBlur``).

    ``blur_limit=0`` lets albumentations derive the kernel from sigma (``int(3.5 sigma) * 2 + 1``,
    PIL's rule), so the kernel never truncates a large sigma. ``rng`` only seeds albumentations;
    the result does not depend on it.
    """
    transform = albumentations().GaussianBlur(
        sigma_limit=(sigma, sigma), blur_limit=0, p=1.0, strict=True
    )
    return run_transform(transform, image, rng)


def disk_kernel(radius: float, alias_sigma: float) -> np.ndarray:
    """ImageNet-C's defocus kernel: a flat disk of ``radius`` px, anti-aliased by a small Gaussian.

    Matches ``imagecorruptions.disk`` for integer radii. Its grid reaches ``max(8, radius)`` px
    from the centre; from radius 8 up the disk touches the grid's edge, where the anti-aliasing
    blur reflects, and that is part of the published kernel, so we keep its grid whenever a
    3-px margin would not be smaller. For small radii that margin already holds every non-zero
    weight, and trimming the empty rest makes them several times cheaper to convolve.
    Non-integer radii (after scaling) keep an integer grid.
    """
    half = min(max(8, math.ceil(radius)), math.ceil(radius) + 3)
    coords = np.arange(-half, half + 1)
    xx, yy = np.meshgrid(coords, coords)
    disk = (xx**2 + yy**2 <= radius**2).astype(np.float32)
    disk /= disk.sum()
    ksize = (3, 3) if radius <= 8 else (5, 5)  # ImageNet-C's rule
    return cv2.GaussianBlur(disk, ksize=ksize, sigmaX=alias_sigma)


def defocus_blur(image: np.ndarray, radius: float, alias_sigma: float) -> np.ndarray:
    """Defocus (lens) blur: convolution with :func:`disk_kernel`. Deterministic.

    The kernel's all-zero border rows and columns are cut off first: the same sum, but OpenCV
    convolves a kernel of 11x11 or more through a DFT of the whole image, so a small disk in a
    13x13 grid cost as much as a large one (~10x the direct sum on a 256-px image). Where the cut
    moves the kernel from the DFT to the direct path, a few pixels round one level differently
    (the DFT's float error): at most 1 level, on under 0.1 % of pixels (tests pin both bounds).
    """
    kernel = disk_kernel(radius, alias_sigma)
    rows, cols = np.flatnonzero(kernel.any(axis=1)), np.flatnonzero(kernel.any(axis=0))
    centre = kernel.shape[0] // 2
    trimmed = kernel[rows[0] : rows[-1] + 1, cols[0] : cols[-1] + 1]
    anchor = (centre - int(cols[0]), centre - int(rows[0]))
    # OpenCV rounds and saturates the uint8 result; the border is ImageNet-C's (reflect 101).
    return cv2.filter2D(image, -1, trimmed, anchor=anchor, borderType=cv2.BORDER_REFLECT_101)


def motion_kernel(radius: float, sigma: float, angle: float) -> tuple[np.ndarray, tuple[int, int]]:
    """ImageNet-C's motion-blur kernel and its anchor, for ``cv2.filter2D``.

    ImageNet-C (Wand's ``motion_blur``, as re-implemented in ``imagecorruptions._motion_blur``)
    averages ``2 * radius + 1`` copies of the image shifted by ``i`` px (``i = 0, 1, ...``) along
    ``angle``, weighted by a one-sided Gaussian ``exp(-i^2 / 2 sigma^2)``, shifts rounded to whole
    pixels.
    We build that same sum as a correlation kernel cropped to its non-zero bounding box (a streak
    is sparse, so cropping keeps the convolution cheap) and return the anchor at the zero shift.

    Returns:
        The float32 kernel and the ``(x, y)`` anchor of the unshifted sample within it.
    """
    width = max(1, round(2 * radius + 1))
    steps = np.arange(width, dtype=np.float64)
    weights = np.exp(-(steps**2) / (2 * sigma**2))
    weights /= weights.sum()
    # The direction is computed the way imagecorruptions does (a point `width` px away, divided by
    # its hypot) and each shift rounded with ceil(v - 0.5), so that integer radii match it exactly,
    # float ties at angles like -30 degrees included.
    point_y = width * math.sin(math.radians(angle))
    point_x = width * math.cos(math.radians(angle))
    hypot = math.hypot(point_y, point_x)
    dx = np.ceil(steps * point_x / hypot - 0.5).astype(int)
    dy = np.ceil(steps * point_y / hypot - 0.5).astype(int)
    x_min, y_min = int(dx.min()), int(dy.min())
    kernel = np.zeros((int(dy.max()) - y_min + 1, int(dx.max()) - x_min + 1), dtype=np.float64)
    np.add.at(kernel, (dy - y_min, dx - x_min), weights)
    return kernel.astype(np.float32), (-x_min, -y_min)


def motion_blur(
    image: np.ndarray, radius: float, sigma: float, max_angle: float, rng: np.random.Generator
) -> np.ndarray:
    """Motion blur along an angle drawn uniformly from ``[-max_angle, max_angle]`` degrees.

    Borders replicate the edge pixel, as ImageNet-C's shifts do.
    """
    angle = float(rng.uniform(-max_angle, max_angle))
    kernel, anchor = motion_kernel(radius, sigma, angle)
    return cv2.filter2D(image, -1, kernel, anchor=anchor, borderType=cv2.BORDER_REPLICATE)

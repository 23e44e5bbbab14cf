"""Pixel-level functionals: JPEG, brightness, contrast, gamma, Gaussian noise, grayscale.

Pure functions of an HxWx3 uint8 RGB image and explicit parameters; each returns a new array.
Float intermediate results are rounded to the nearest integer (ImageNet-C truncates; rounding is
unbiased and changes no value by more than 1).
"""

from __future__ import annotations

import cv2
import numpy as np

from ._noise import noise_levels

__all__ = ["contrast", "gamma", "gaussian_noise", "grayscale", "jpeg", "shift_value"]


def _to_uint8(values: np.ndarray) -> np.ndarray:
    clipped: np.ndarray = np.clip(np.rint(values), 0, 255)
    return clipped.astype(np.uint8)


def jpeg(image: np.ndarray, quality: int) -> np.ndarray:
    """A real JPEG encode and decode at ``quality`` (in memory), as ImageNet-C does.

    ImageNet-C round-trips through Pillow; we call libjpeg-turbo through OpenCV instead, with the
    same settings Pillow uses (4:2:0 chroma subsampling, baseline, integer DCT, fancy upsampling):
    the bytes decoded are identical to Pillow's (checked on every London photo at 256 px, 675 px
    and full size, every severity, and on odd sizes down to 1x1 — tests pin it) and a round trip
    costs about half as much, with no PIL image or ``BytesIO`` in between. The RGB->BGR swap is
    OpenCV's channel order, not a change of colour space: the encoder still sees the true RGB.

    Not albumentations' ``ImageCompression``: in 2.0.8 it hands the RGB array to ``cv2.imencode``
    without that swap, so the encoder's luma/chroma split weights red and blue the wrong way
    round and the artefacts are not those of a real JPEG of the photo.
    """
    bgr = cv2.cvtColor(image, cv2.COLOR_RGB2BGR)
    ok, encoded = cv2.imencode(".jpg", bgr, [cv2.IMWRITE_JPEG_QUALITY, int(quality)])
    if not ok:
        raise RuntimeError(f"JPEG encoding failed for a {image.shape} image")
    # IMREAD_COLOR_RGB would save the swap back but needs OpenCV >= 4.11; we support >= 4.8.
    decoded = cv2.imdecode(encoded, cv2.IMREAD_COLOR)
    if decoded is None:
        raise RuntimeError(f"JPEG decoding failed for a {image.shape} image")
    rgb: np.ndarray = cv2.cvtColor(decoded, cv2.COLOR_BGR2RGB)
    return rgb


def shift_value(image: np.ndarray, v_shift: float) -> np.ndarray:
    """Add ``v_shift`` to the HSV value channel (V in [0, 1]), keeping hue and saturation.

    ImageNet-C's brightness goes RGB -> HSV -> RGB. In HSV every RGB channel is ``V`` times a
    factor that depends only on H and S, so changing V to V' is exactly scaling the pixel by V'/V.
    With 8-bit input both V and each channel take 256 values, so the whole map is one exact
    256x256 table ``[V, channel]``: no 8-bit HSV round trip quantising the hue, and ~5x faster
    than float arithmetic per pixel. A black pixel (V = 0, no hue) becomes the grey V'.
    """
    levels = np.arange(256, dtype=np.float64)
    new_value = np.clip(levels / 255.0 + v_shift, 0.0, 1.0) * 255.0
    ratio = np.divide(new_value, levels, out=np.zeros(256), where=levels > 0)
    table = _to_uint8(ratio[:, np.newaxis] * levels[np.newaxis, :])
    table[0, 0] = _to_uint8(new_value[:1])[0]
    # V = max(R, G, B); cv2.max on channel planes is ~25x faster than numpy's max over axis 2.
    value = cv2.max(cv2.max(image[..., 0], image[..., 1]), image[..., 2])
    index = np.left_shift(value, 8, dtype=np.uint16)[..., np.newaxis] | image  # 256 * V + channel
    shifted: np.ndarray = np.take(table.ravel(), index)
    return shifted


def contrast(image: np.ndarray, factor: float) -> np.ndarray:
    """Scale each channel's deviation from its whole-image mean by ``factor`` (ImageNet-C).

    Once the means are known the map is per channel and per level, so it runs as one 256-entry
    lookup table per channel (~30x faster than float arithmetic per pixel, same values).
    """
    means = np.array(cv2.mean(image)[:3], dtype=np.float64)
    levels = np.arange(256, dtype=np.float64)[:, np.newaxis]
    table = _to_uint8((levels - means) * factor + means).reshape(256, 1, 3)
    return cv2.LUT(image, table)


def gamma(image: np.ndarray, gamma: float) -> np.ndarray:
    """Tone curve ``out = 255 * (in / 255) ** gamma`` through a rounded 256-entry lookup table.

    Not albumentations' ``RandomGamma``: its uint8 table truncates instead of rounding, which
    darkens every level by half a step on average on top of the intended curve.
    """
    levels = np.arange(256, dtype=np.float64) / 255.0
    table = _to_uint8(255.0 * levels**gamma)
    return cv2.LUT(image, table)


def gaussian_noise(
    image: np.ndarray, std: float, rng: np.random.Generator, origin: tuple[int, int] = (0, 0)
) -> np.ndarray:
    """Additive Gaussian noise, independent per pixel and channel, ``std`` as a fraction of 255.

    ImageNet-C's ``clip(x + N(0, std))``, its noise drawn through ``_noise`` (a field addressed by
    pixel position, rounded to whole levels: the same as rounding the sum, ties aside), so that
    ``image`` may be a window of the frame whose top-left pixel sits at ``origin`` = (x, y).
    Not albumentations' ``GaussNoise``: 2.0.8 draws with ``cv2.randn`` after ``cv2.setRNGSeed``
    on one of only 2**16 seeds (so a few hundred items already share noise fields), resets
    OpenCV's RNG as a side effect, and measured a std of 20.0 here for a requested 0.08 * 255 =
    20.4.
    """
    noisy = noise_levels(image.shape, std * 255.0, rng, origin)
    noisy += image  # int16: no level is lost before the clip
    np.clip(noisy, 0, 255, out=noisy)
    return noisy.astype(np.uint8)


def grayscale(image: np.ndarray) -> np.ndarray:
    """BT.601 luma (OpenCV's RGB->GRAY weights) repeated into three identical channels."""
    luma = cv2.cvtColor(image, cv2.COLOR_RGB2GRAY)
    return np.repeat(luma[:, :, np.newaxis], 3, axis=2)

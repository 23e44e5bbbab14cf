"""load_image: each failure is an ImageError naming the file and kind; each mode becomes RGB."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest
from PIL import Image

from robustness._datasets import load_image
from robustness._exceptions import ImageError


def _load(path: Path) -> np.ndarray:
    return load_image(path, root=path.parent)


# --- failures -----------------------------------------------------------------------------------

def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(ImageError, match=r"gone\.jpg: file not found"):
        _load(tmp_path / "gone.jpg")


def test_zero_byte_file(tmp_path: Path) -> None:
    (tmp_path / "empty.jpg").write_bytes(b"")
    with pytest.raises(ImageError, match=r"empty\.jpg: empty file \(zero-byte\)"):
        _load(tmp_path / "empty.jpg")


def test_random_bytes_named_jpg(tmp_path: Path) -> None:
    (tmp_path / "noise.jpg").write_bytes(np.random.default_rng(0).bytes(4096))
    with pytest.raises(ImageError, match=r"noise\.jpg: not a readable image"):
        _load(tmp_path / "noise.jpg")


@pytest.mark.parametrize("keep", [0.5, 0.1])
def test_truncated_jpeg(tmp_path: Path, astronaut: np.ndarray, keep: float) -> None:
    whole = tmp_path / "whole.jpg"
    Image.fromarray(astronaut).save(whole, quality=90)
    data = whole.read_bytes()
    (tmp_path / "cut.jpg").write_bytes(data[: int(len(data) * keep)])
    with pytest.raises(ImageError, match=r"cut\.jpg: truncated file"):
        _load(tmp_path / "cut.jpg")


def test_directory_is_not_an_image(tmp_path: Path) -> None:
    (tmp_path / "dir.jpg").mkdir()
    with pytest.raises(ImageError, match="not a regular file"):
        _load(tmp_path / "dir.jpg")


def test_decompression_bomb(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    Image.new("L", (64, 64)).save(tmp_path / "big.png")
    Image.new("L", (40, 40)).save(tmp_path / "large.png")
    monkeypatch.setattr(Image, "MAX_IMAGE_PIXELS", 1000)
    # Over twice the limit Pillow itself refuses; between 1x and 2x it only warns, and we refuse.
    with pytest.raises(ImageError, match=r"big\.png: decompression bomb"):
        _load(tmp_path / "big.png")
    with pytest.warns(Image.DecompressionBombWarning), pytest.raises(
        ImageError, match=r"large\.png: decompression bomb: 40x40 = 1600 pixels"
    ):
        _load(tmp_path / "large.png")


# --- conversions --------------------------------------------------------------------------------

def _roundtrip(tmp_path: Path, image: Image.Image, name: str, **save: Any) -> np.ndarray:
    image.save(tmp_path / name, **save)
    assert Image.open(tmp_path / name).mode == image.mode  # the file really is in that mode
    out = _load(tmp_path / name)
    assert out.dtype == np.uint8 and out.ndim == 3 and out.shape[2] == 3
    assert out.flags.writeable
    return out


def test_rgb_is_unchanged(tmp_path: Path, astronaut: np.ndarray) -> None:
    out = _roundtrip(tmp_path, Image.fromarray(astronaut[:32, :48]), "rgb.png")
    np.testing.assert_array_equal(out, astronaut[:32, :48])


def test_grayscale_l(tmp_path: Path) -> None:
    out = _roundtrip(tmp_path, Image.new("L", (5, 4), 77), "l.png")
    assert out.shape == (4, 5, 3) and (out == 77).all()


def test_bilevel_1(tmp_path: Path) -> None:
    image = Image.new("1", (4, 2), 0)
    image.putpixel((1, 0), 1)
    out = _roundtrip(tmp_path, image, "one.png")
    assert out[0, 1].tolist() == [255, 255, 255] and out[0, 0].tolist() == [0, 0, 0]


def test_la_composites_on_white(tmp_path: Path) -> None:
    image = Image.new("LA", (3, 1), (100, 255))
    image.putpixel((1, 0), (100, 0))
    image.putpixel((2, 0), (100, 128))
    out = _roundtrip(tmp_path, image, "la.png")
    assert out[0, 0].tolist() == [100] * 3  # opaque: the grey itself
    assert out[0, 1].tolist() == [255] * 3  # transparent: the white background
    assert abs(int(out[0, 2, 0]) - round(100 * 128 / 255 + 255 * 127 / 255)) <= 1


def test_rgba_composites_on_white(tmp_path: Path) -> None:
    image = Image.new("RGBA", (2, 1), (10, 20, 30, 255))
    image.putpixel((1, 0), (10, 20, 30, 0))
    out = _roundtrip(tmp_path, image, "rgba.png")
    assert out[0].tolist() == [[10, 20, 30], [255, 255, 255]]


def test_rgb_with_a_transparent_colour_key(tmp_path: Path) -> None:
    image = Image.new("RGB", (2, 1), (10, 20, 30))
    image.putpixel((1, 0), (1, 2, 3))
    out = _roundtrip(tmp_path, image, "keyed.png", transparency=(1, 2, 3))
    assert out[0].tolist() == [[10, 20, 30], [255, 255, 255]]


def _palette_image() -> Image.Image:
    image = Image.new("P", (2, 1), 0)
    image.putpalette([200, 100, 50, 1, 2, 3] + [0, 0, 0] * 254)
    image.putpixel((1, 0), 1)
    return image


def test_palette_without_transparency(tmp_path: Path) -> None:
    out = _roundtrip(tmp_path, _palette_image(), "p.png")
    assert out[0].tolist() == [[200, 100, 50], [1, 2, 3]]


def test_palette_with_transparent_index_composites_on_white(tmp_path: Path) -> None:
    out = _roundtrip(tmp_path, _palette_image(), "pt.png", transparency=0)
    assert out[0].tolist() == [[255, 255, 255], [1, 2, 3]]


def test_cmyk(tmp_path: Path) -> None:
    image = Image.new("CMYK", (2, 1), (0, 0, 0, 0))
    image.putpixel((1, 0), (255, 0, 0, 0))
    out = _roundtrip(tmp_path, image, "cmyk.tif")
    assert out[0].tolist() == [[255, 255, 255], [0, 255, 255]]  # no ink = white; cyan ink = cyan


def test_16_bit_range_is_scaled_not_clipped(tmp_path: Path) -> None:
    ramp = np.linspace(0, 4095, 64 * 4).astype(np.uint16).reshape(4, 64)  # 12-bit data
    out = _roundtrip(tmp_path, Image.fromarray(ramp), "i16.png")
    expected = np.rint(ramp * (255 / 4095)).astype(np.uint8)
    np.testing.assert_array_equal(out[..., 0], expected)
    assert out.min() == 0 and out.max() == 255
    assert len(np.unique(out)) > 200  # the gradient survives; clipping would leave it all white


def test_16_bit_big_endian(tmp_path: Path) -> None:
    values = np.array([[0, 1000, 2000]], dtype=np.uint16)
    image = Image.frombytes("I;16B", (3, 1), values.astype(">u2").tobytes())
    out = _roundtrip(tmp_path, image, "i16b.tif")
    assert out[0, :, 0].tolist() == [0, 128, 255]


def test_32_bit_integer_with_negative_values(tmp_path: Path) -> None:
    values = np.array([[-100, 0, 300]], dtype=np.int32)
    out = _roundtrip(tmp_path, Image.fromarray(values), "i32.tif")
    assert out[0, :, 0].tolist() == [0, 64, 255]  # the lowest value, not 0, is black


def test_float_with_nan(tmp_path: Path) -> None:
    values = np.array([[0.0, 0.5, 1.0, np.nan]], dtype=np.float32)
    out = _roundtrip(tmp_path, Image.fromarray(values), "f.tif")
    assert out[0, :, 0].tolist() == [0, 128, 255, 0]


def test_exif_orientation_6_is_applied(tmp_path: Path) -> None:
    stored = np.zeros((20, 40, 3), dtype=np.uint8)  # 40 wide, 20 tall as stored
    stored[:8, :8] = (255, 0, 0)  # red marker in the stored top-left corner
    exif = Image.Exif()
    exif[0x0112] = 6  # "rotate 90° clockwise to display"
    Image.fromarray(stored).save(tmp_path / "rot.jpg", quality=95, exif=exif)
    out = _load(tmp_path / "rot.jpg")
    assert out.shape == (40, 20, 3)  # displayed: 20 wide, 40 tall
    # A clockwise quarter turn takes the top-left corner to the top-right.
    assert out[:8, -8:, 0].mean() > 200 and out[:8, -8:, 1:].mean() < 60
    assert out[:8, :8].mean() < 30 and out[-8:, -8:].mean() < 30

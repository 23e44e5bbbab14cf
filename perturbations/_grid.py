"""A contact sheet of perturbations: what the model sees at each severity, side by side.

Each cell shows the face crop (after the perturbation moved the boxes, so crop jitter shows the
jittered crop) letterboxed into a square, with a one-line label over its top edge. Cells are seeded
from (seed, family, severity) alone, so a grid of a subset shows the same cells as the full grid.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

import cv2
import numpy as np

from ._boxes import Boxes, check_boxes, check_image, face_region
from ._registry import INVARIANCES, apply, severities_of
from ._severity import SEVERITIES

__all__ = ["render_grid"]

_BACKGROUND = (40, 40, 40)  # letterbox padding and "n/a" cells: dark, so it never reads as image
_MIN_CELL = 32


def _cell_rng(seed: int, family: str, severity: int) -> np.random.Generator:
    digest = hashlib.sha256(f"render_grid\x1f{seed}\x1f{family}\x1f{severity}".encode()).digest()
    return np.random.default_rng(
        [int.from_bytes(digest[i : i + 4], "big") for i in range(0, 16, 4)]
    )


def _label(canvas: np.ndarray, text: str) -> None:
    """Write ``text`` in white on a black band across the top of ``canvas`` (in place)."""
    cell = canvas.shape[0]
    scale = cell / 420
    (_, text_h), baseline = cv2.getTextSize(text, cv2.FONT_HERSHEY_SIMPLEX, scale, 1)
    band = min(cell, text_h + baseline + 4)
    canvas[:band] = 0
    cv2.putText(
        canvas,
        text,
        (3, band - baseline - 2),
        cv2.FONT_HERSHEY_SIMPLEX,
        scale,
        (255, 255, 255),
        1,
        cv2.LINE_AA,
    )


def _cell(image: np.ndarray, boxes: Boxes, cell: int, text: str) -> np.ndarray:
    """The face crop of ``image`` letterboxed into a ``cell`` x ``cell`` square, labelled."""
    x0, y0, x1, y1 = face_region(image.shape, boxes)
    crop = image[y0:y1, x0:x1]
    factor = cell / max(crop.shape[0], crop.shape[1])
    new_w = max(1, min(cell, round(crop.shape[1] * factor)))
    new_h = max(1, min(cell, round(crop.shape[0] * factor)))
    interpolation = cv2.INTER_AREA if factor < 1 else cv2.INTER_LINEAR
    resized = cv2.resize(crop, (new_w, new_h), interpolation=interpolation)
    canvas = np.full((cell, cell, 3), _BACKGROUND, dtype=np.uint8)
    top, left = (cell - new_h) // 2, (cell - new_w) // 2
    canvas[top : top + new_h, left : left + new_w] = resized
    _label(canvas, text)
    return canvas


def _blank(cell: int, text: str) -> np.ndarray:
    canvas = np.full((cell, cell, 3), _BACKGROUND, dtype=np.uint8)
    _label(canvas, text)
    return canvas


def render_grid(
    image: np.ndarray,
    boxes: Boxes,
    *,
    families: Sequence[str],
    severities: Sequence[int],
    seed: int,
    cell: int = 160,
) -> np.ndarray:
    """Render one row per family and one column for clean plus one per severity.

    Args:
        image: HxWx3 uint8 RGB full image.
        boxes: Its boxes; each cell shows the face box (the whole image without one).
        families: Row order; names from ``FAMILIES``.
        severities: Column order after the clean column; each in 0-5. An invariance (which has
            only severity 1) shows a dark "n/a" cell in the columns of other non-zero severities.
        seed: Seeds every cell through a hash of (seed, family, severity).
        cell: Side of each square cell in px (at least 32). Labels are drawn over the cell's top
            edge, so they add no area.

    Returns:
        A uint8 RGB array of shape ``(len(families) * cell, (1 + len(severities)) * cell, 3)``.
    """
    check_image(image)
    check_boxes(boxes)
    if not families or isinstance(families, str):
        raise ValueError(f"families must be a non-empty sequence of names, got {families!r}")
    if not severities:
        raise ValueError(f"severities must be a non-empty sequence, got {severities!r}")
    for family in families:
        severities_of(family)  # raises ValueError on an unknown name, listing valid ones
    for level in severities:
        if (
            isinstance(level, bool)
            or not isinstance(level, (int, np.integer))
            or not (0 <= level <= SEVERITIES[-1])
        ):
            raise ValueError(f"severity {level!r} is not valid; valid: 0, 1, 2, 3, 4, 5")
    if isinstance(cell, bool) or not isinstance(cell, int) or cell < _MIN_CELL:
        raise ValueError(f"cell must be an int >= {_MIN_CELL}, got {cell!r}")
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)):
        raise ValueError(f"seed must be an int, got {seed!r}")

    rows = []
    for family in families:
        cells = [_cell(image, boxes, cell, f"{family}: clean")]
        for level in severities:
            if family in INVARIANCES and level not in (0, 1):
                cells.append(_blank(cell, f"s{level} n/a"))
                continue
            out, moved = apply(
                family, image, boxes, int(level), _cell_rng(int(seed), family, level)
            )
            cells.append(_cell(out, moved, cell, f"s{level}"))
        rows.append(np.concatenate(cells, axis=1))
    return np.concatenate(rows, axis=0)

"""Seeded image perturbations at five severities, for stress-testing age/gender estimators.

Each perturbation is a pure function of (full image, boxes, severity, ``numpy.random.Generator``):
the same generator state gives byte-identical output, in any order and in any process. Severity 0
is the identity; 1-5 grow in strength, with every value in one table (``severity_table()``) that
names its source — ImageNet-C where one applies, with pixel-unit values scaled from 224 px to the
face size. ``hflip`` and ``grayscale`` are invariances (ideal effect: none) with a single strength,
severity 1.

Example:
    >>> import numpy as np, perturbations as P
    >>> image = np.zeros((64, 64, 3), np.uint8)
    >>> out, boxes = P.apply("jpeg", image, P.Boxes(face=(16, 16, 48, 48)), 3,
    ...                      np.random.default_rng(0))
"""

from __future__ import annotations

from ._boxes import Box, Boxes
from ._change import Change, apply_change
from ._grid import render_grid
from ._registry import FAMILIES, INVARIANCES, apply, parameters, severity_table
from ._severity import SEVERITIES

__all__ = [
    "FAMILIES",
    "INVARIANCES",
    "SEVERITIES",
    "Box",
    "Boxes",
    "Change",
    "apply",
    "apply_change",
    "parameters",
    "render_grid",
    "severity_table",
]

"""Escaping, number formatting and the (model, prompt) series every figure shares.

Every string that came from data (a model's answer, a dataset's name, a sample id) goes through
``esc`` before it reaches the page: the report is opened from disk in a browser, so an answer
reading ``<script>…`` must show as text and never run.
"""

from __future__ import annotations

import html
import math
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, TypeGuard

__all__ = [
    "CLEAN",
    "PALETTE",
    "Series",
    "esc",
    "fmt_ci",
    "fmt_num",
    "fmt_pct",
    "is_number",
    "series_of",
]

CLEAN = "none"

# Okabe & Ito's colour-blind-safe palette (black moved last: it reads as an axis).
PALETTE = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#D55E00", "#56B4E9", "#F0E442",
           "#000000")
DASHES = ("", "6 3", "2 2", "8 3 2 3")  # one per prompt of a model: its lines look related

# C0/C1 controls other than tab and newlines are not valid HTML text (the prompts carry one).
_CONTROLS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def esc(value: object) -> str:
    """``value`` as text that is safe in HTML and SVG content and in quoted attributes."""
    return html.escape(_CONTROLS.sub("", str(value)), quote=True)


def is_number(value: object) -> TypeGuard[int | float]:
    """Whether ``value`` is a finite int or float (not a bool)."""
    return (isinstance(value, int | float) and not isinstance(value, bool)
            and math.isfinite(value))


def fmt_num(value: object, digits: int = 1) -> str:
    """A number rounded for reading, ``–`` when undefined."""
    if not is_number(value):
        return "–"
    return f"{value:,.{digits}f}" if isinstance(value, float) else f"{value:,}"


def fmt_pct(value: object, digits: int = 1) -> str:
    """A fraction as a percentage, ``–`` when undefined."""
    return f"{value * 100:.{digits}f} %" if is_number(value) else "–"


def fmt_ci(interval: object, *, pct: bool = False, digits: int = 1) -> str:
    """A ``[low, high]`` interval as text, empty when there is none."""
    if not isinstance(interval, list | tuple) or len(interval) != 2:
        return ""
    low, high = interval
    fmt = fmt_pct if pct else fmt_num
    return f"[{fmt(low, digits)}, {fmt(high, digits)}]"


@dataclass(frozen=True, slots=True)
class Series:
    """One line of every chart: a model under one prompt, with its colour and dash."""

    model: str
    prompt: str
    colour: str
    dash: str
    simulated: bool

    @property
    def label(self) -> str:
        return f"{self.model} · {self.prompt}" if self.prompt else self.model


def series_of(summary: Mapping[str, Any]) -> list[Series]:
    """The (model, prompt) pairs of a summary, in its order, each with its own colour."""
    found: list[Series] = []
    for model, block in (summary.get("models") or {}).items():
        prompts: Iterable[str] = (block.get("clean_by_prompt") or {}).keys() or [
            str((block.get("clean") or {}).get("prompt", ""))
        ]
        for index, prompt in enumerate(prompts):
            colour = PALETTE[len(found) % len(PALETTE)]
            found.append(Series(str(model), str(prompt), colour, DASHES[index % len(DASHES)],
                                bool(block.get("simulated"))))
    return found

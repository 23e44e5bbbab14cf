"""The slices check: the gap between a model's best and worst slice, against its threshold.

Gaps in years (MAE, mean |Δage|) compare with ``slice_gap_max``, gaps in a share (gender
accuracy, flip rate, refusal rate) with ``slice_rate_gap_max``; ``robustness._slices`` defines
the slices, the gaps and their intervals.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .._metrics import metric
from ._thresholds import Thresholds

__all__ = ["slice_bounds"]

Bound = tuple[str, str, str | None, float, str, str]


def slice_bounds(table: Mapping[str, Any], thresholds: Thresholds
                 ) -> tuple[dict[str, Any], list[Bound]]:
    """The figures and bounds ``_verdicts`` compares for one model, prompt and slice column."""
    block: dict[str, Any] = {}
    bounds: list[Bound] = []
    for name, gap in table["gaps"].items():
        years = metric(name).unit == "years"
        block[f"{name}_gap"], block[f"{name}_gap_ci"] = gap["gap"], gap["gap_ci"]
        label = f"{metric(name).label} gap, {gap['worst']} vs {gap['best']} (n={gap['n']})"
        bounds.append((f"{name}_gap", label, f"{name}_gap_ci",
                       thresholds.slice_gap_max if years else thresholds.slice_rate_gap_max,
                       "max", "slice_gap_max" if years else "slice_rate_gap_max"))
    if not bounds:
        # No two slices had enough items: says so rather than passing in silence.
        block["gap"] = None
        bounds.append(("gap", f"gap by {table['column']} (fewer than two slices of "
                              f"≥ {table['min_slice_n']} items)", None,
                       thresholds.slice_gap_max, "max", "slice_gap_max"))
    return block, bounds

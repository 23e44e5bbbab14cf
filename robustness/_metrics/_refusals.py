"""Coverage, errors, unparseable answers and refusals by kind, per group of rows (``FIELD.md`` §8).

What counts, exactly (``n`` = every row of the group, ``asked`` = rows − error rows):

- ``coverage`` = answered / n, answered meaning outcome ``answer`` or ``partial``.
- ``error_rate`` = error rows / n: the pipeline failed, the model was never really asked.
- ``unparseable_rate`` = unparseable rows / asked, the denominator of ``refusal_rate``.
- ``refusal_by_kind`` = {kind: rows of that ``refusal_kind`` / asked}, over **refusal and partial**
  rows that carry a kind, so an answer that withheld the gender "for policy reasons" shows under
  its kind. ``refusal_rate`` stays full refusals only: the kinds can add up to more than it (a
  partial with a kind) or less (a refusal without a kind is in ``refusal_rate`` and no kind). A
  kind on any other outcome is ignored. Kinds are sorted by name; ``{}`` when none.
- ``refusal_rate_ci`` bootstraps 1.0 / 0.0 (refused or not) per asked row, clustered like every
  other interval.

A rate is ``None`` when its denominator is zero.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import numpy as np

from robustness._metrics._accuracy import Interval, Observations, answered_count
from robustness._metrics._bootstrap import cluster_key
from robustness._types import ItemResult

__all__ = [
    "coverage",
    "error_rate",
    "refusal_by_kind",
    "refusal_figures",
    "refusal_indicators",
    "refusal_table",
    "unparseable_rate",
]

_KIND_OUTCOMES = frozenset({"refusal", "partial"})


def _ratio(count: int, total: int) -> float | None:
    return count / total if total else None


def _asked(rows: Sequence[ItemResult]) -> int:
    return sum(row.outcome != "error" for row in rows)


def coverage(rows: Sequence[ItemResult]) -> float | None:
    """Answered (fully or partly) / rows; ``None`` for no rows."""
    return _ratio(answered_count(rows), len(rows))


def error_rate(rows: Sequence[ItemResult]) -> float | None:
    """Error rows / rows; ``None`` for no rows."""
    return _ratio(sum(row.outcome == "error" for row in rows), len(rows))


def unparseable_rate(rows: Sequence[ItemResult]) -> float | None:
    """Unparseable rows / (rows − error rows); ``None`` when nothing was asked."""
    return _ratio(sum(row.outcome == "unparseable" for row in rows), _asked(rows))


def refusal_by_kind(rows: Sequence[ItemResult]) -> dict[str, float]:
    """{kind: share of asked rows refused or partly answered with that kind}, sorted by kind."""
    asked = _asked(rows)
    counts = Counter(
        row.refusal_kind
        for row in rows
        if row.outcome in _KIND_OUTCOMES and row.refusal_kind is not None
    )
    return {kind: counts[kind] / asked for kind in sorted(counts)} if asked else {}


def refusal_indicators(rows: Sequence[ItemResult]) -> Observations:
    """1.0 / 0.0 per asked row, refused or not: the values whose mean is ``refusal_rate``."""
    asked = [row for row in rows if row.outcome != "error"]
    values = np.asarray([float(row.outcome == "refusal") for row in asked], dtype=float)
    return Observations(values, tuple(cluster_key(row) for row in asked))


def refusal_figures(rows: Sequence[ItemResult], interval: Interval) -> dict[str, Any]:
    """The coverage and refusal keys of one summary block (clean or condition)."""
    return {
        "coverage": coverage(rows),
        "refusal_by_kind": refusal_by_kind(rows),
        "error_rate": error_rate(rows),
        "unparseable_rate": unparseable_rate(rows),
        "refusal_rate_ci": interval(refusal_indicators(rows), "refusal_rate"),
    }


def refusal_table(blocks: Iterable[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """One flat row per (block, kind) for reports; a clean block is perturbation ``"none"``, 0."""
    return [
        {
            "perturbation": block.get("perturbation", "none"),
            "severity": block.get("severity", 0),
            "prompt": block["prompt"],
            "kind": kind,
            "rate": rate,
        }
        for block in blocks
        for kind, rate in block["refusal_by_kind"].items()
    ]

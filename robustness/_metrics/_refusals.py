"""Refusals by kind, per group of rows, and the flat refusal table (``FIELD.md`` §8).

The rates themselves (coverage, refusal, unparseable and error rates, with their intervals and
counts) are rows of the metric table (``_definitions``); what is here has no single value:

- ``refusal_by_kind`` = {kind: rows of that ``refusal_kind`` / asked}, asked = rows − error rows,
  over **refusal and partial** rows that carry a kind, so an answer that withheld the gender "for
  policy reasons" shows under its kind. ``refusal_rate`` stays full refusals only: the kinds can
  add up to more than it (a partial with a kind) or less (a refusal without a kind is in
  ``refusal_rate`` and no kind). A kind on any other outcome is ignored. Kinds are sorted by name;
  ``{}`` when none.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from typing import Any

from robustness._metrics._results import ConditionFigures
from robustness._types import ItemResult

__all__ = ["refusal_by_kind", "refusal_table"]

_KIND_OUTCOMES = frozenset({"refusal", "partial"})


def refusal_by_kind(rows: Sequence[ItemResult]) -> dict[str, float]:
    """{kind: share of asked rows refused or partly answered with that kind}, sorted by kind."""
    asked = sum(row.outcome != "error" for row in rows)
    counts = Counter(
        row.refusal_kind
        for row in rows
        if row.outcome in _KIND_OUTCOMES and row.refusal_kind is not None
    )
    return {kind: counts[kind] / asked for kind in sorted(counts)} if asked else {}


def refusal_table(blocks: Iterable[ConditionFigures]) -> list[dict[str, Any]]:
    """One flat row per (block, kind) for reports; a clean block is perturbation ``"none"``, 0."""
    return [
        {"perturbation": block.perturbation, "severity": block.severity, "prompt": block.prompt,
         "kind": kind, "rate": rate}
        for block in blocks
        for kind, rate in block.refusal_by_kind.items()
    ]

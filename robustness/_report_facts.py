"""What a run's report reads from all of its rows besides the summary, kept in the store.

The header's counts (items, samples, requests, refusals, errors, tokens, answers the judge read),
the gallery's columns (each model and prompt, in plan order) and its picks: the least stable
samples, each with the conditions that moved it most. Like the summary it is kept under the
store's generation (``robustness._summaries``), so a report on an unchanged store reads only the
picked samples' rows; a run keeps it for the default gallery while its rows are in memory, so the
report after a run reads none of the others either.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

from ._metrics import Move, least_stable_samples, pairs_instability
from ._store import Store
from ._summaries import RunRows, kept_key

__all__ = ["GALLERY_SAMPLES", "MAX_CELLS", "PER_FAMILY", "Condition", "least_stable",
           "report_facts"]

GALLERY_SAMPLES = 8  # samples in a report's gallery unless asked otherwise
MAX_CELLS = 12  # per gallery sample, clean included: bounds the page whatever the run's size
PER_FAMILY = 3  # cells per perturbation family in one sample's strip
REPORT = "report"  # its name among what the store keeps for a run

Condition = tuple[str, int, int]  # (perturbation, severity, replicate)


def report_facts(store: Store, run_id: str, source: RunRows, gallery_samples: int
                 ) -> dict[str, Any]:
    """The run's report facts (JSON values) with a gallery of ``gallery_samples``: the kept ones
    while the store is unchanged, else computed from ``source``."""
    key = kept_key(store, run_id, gallery_samples=gallery_samples)
    kept = store.kept(run_id, REPORT, key)
    if kept is None:
        kept = json.dumps(_facts(source, gallery_samples))
        store.keep(run_id, REPORT, key, kept)
    facts: dict[str, Any] = json.loads(kept)
    return facts


def _facts(source: RunRows, gallery_samples: int) -> dict[str, Any]:
    """What the report reads from all of a run's rows besides its summary: the header's counts,
    the gallery's picks and its columns (each model and prompt, in plan order)."""
    results, rows = source.results, source.rows
    answered: dict[str, Mapping[str, Any]] = {
        str(r["request_key"]): r for r in rows
        if r["request_key"] is not None and r["outcome"] != "error"}
    return {
        "counts": {"samples": len({r.sample_id for r in results}), "items": len(results),
                   "model requests": len(answered),
                   "refusals": sum(r.outcome == "refusal" for r in results),
                   "errors": sum(r.outcome == "error" for r in results)},
        "tokens": {side: sum(int(r[f"tokens_{side}"] or 0) for r in answered.values())
                   for side in ("in", "out")},
        "judged": sum(str(row.get("parsed_by") or "").startswith("judge:") for row in rows),
        "picked": least_stable(source.pairing.all, gallery_samples),
        "series": list(dict.fromkeys((r.model, r.prompt) for r in results)),
    }


def least_stable(
    pairs: Sequence[Move], count: int
) -> list[tuple[str, float, list[Condition]]]:
    """The ``count`` samples the metrics rank least stable, each with the conditions that moved
    it most (the same instability score, over that condition's pairs). Samples with no usable
    pair (refused or errored under every perturbation) follow at score 0: a refusal is worth
    seeing too."""
    by_sample: dict[str, dict[Condition, list[Move]]] = {}
    order: dict[Condition, int] = {}
    for move in pairs:
        row = move.row
        condition = (row.perturbation, row.severity, row.replicate)
        order.setdefault(condition, len(order))
        by_sample.setdefault(row.sample_id, {}).setdefault(condition, []).append(move)
    ranked = least_stable_samples(pairs)
    scored = {sample for sample, _ in ranked}
    ranked += [(sample, 0.0) for sample in sorted(by_sample) if sample not in scored]
    return [(sample, score, _spread(by_sample[sample], order)) for sample, score in ranked[:count]]


def _spread(conds: Mapping[Condition, Sequence[Move]], order: Mapping[Condition, int]
            ) -> list[Condition]:
    """The conditions that moved a sample most, in plan order.

    One replicate per severity and at most ``PER_FAMILY`` per family, so a strip shows several
    perturbations rather than three replicates of one.
    """
    chosen: list[Condition] = []
    families: dict[str, int] = {}
    for condition in sorted(conds, key=lambda c: (-(pairs_instability(conds[c]) or 0.0),
                                                  order[c])):
        family, severity, _ = condition
        if len(chosen) == MAX_CELLS - 1:
            break
        if families.get(family, 0) < PER_FAMILY and not any(
            c[:2] == (family, severity) for c in chosen
        ):
            chosen.append(condition)
            families[family] = families.get(family, 0) + 1
    return sorted(chosen, key=order.__getitem__)

"""The summary's slices, cost and the one comparison table of quality against cost.

``with_slices_and_cost`` writes a typed ``RunSummary`` as JSON and adds to each model
``slices`` / ``slices_by_prompt`` (``robustness._slices``) and ``cost`` / ``cost_by_prompt``
(``robustness._cost``), the first prompt's block and every prompt's, as ``clean`` and
``clean_by_prompt`` are; and ``comparison``, one row per model and prompt: clean MAE, gender
accuracy and refusal rate (the summary's own clean estimates), stability as mean |Δage| and gender
flip rate over every perturbed item pooled (``_slices.group_figures`` over the whole arm), then
latency, tokens and cost: the specialist against the generalist, measured.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from ._cost import COST_KEYS, CostFigures, Prices, cost_figures
from ._metrics import Estimate, Pairing, RunSummary
from ._slices import group_figures, slice_tables
from ._types import ItemResult

__all__ = ["COMPARISON_FIGURES", "with_slices_and_cost"]

# (figure, where it comes from): the clean block, or the pooled perturbed items.
COMPARISON_FIGURES = (("mae", "clean"), ("gender_acc", "clean"), ("refusal_rate", "clean"),
                      ("age_shift_mean", "perturbed"), ("gender_flip_rate", "perturbed"))


def with_slices_and_cost(
    summary: RunSummary, rows: Sequence[Mapping[str, Any]], results: Sequence[ItemResult],
    extras: Mapping[str, Mapping[str, str]], *, slice_by: Sequence[str] = (),
    prices: Mapping[str, Prices] | None = None, prompt_texts: Mapping[str, str] | None = None,
    seed: int = 0, n_boot: int = 1000, pairing: Pairing | None = None,
) -> dict[str, Any]:
    """``summary`` as JSON, with slices (when ``slice_by``), cost and the comparison added;
    ``pairing``: of ``results``, when the caller has it."""
    data = summary.to_json()
    pairing = pairing if pairing is not None else Pairing(results)
    costs = cost_figures(rows, prices or {}, prompt_texts or {})
    sliced = slice_tables(results, extras, slice_by, seed=seed, n_boot=n_boot,
                          pairing=pairing) if slice_by else {}
    for model, block in data["models"].items():
        block["cost_by_prompt"] = {p: c.to_json() for p, c in costs.get(model, {}).items()}
        block["cost"] = next(iter(block["cost_by_prompt"].values()), None)
        if slice_by:
            block["slices_by_prompt"] = {p: {c: t.to_json() for c, t in by_column.items()}
                                         for p, by_column in sliced.get(model, {}).items()}
            block["slices"] = next(iter(block["slices_by_prompt"].values()), {})
    data["comparison"] = _comparison(summary, results, costs, pairing, seed=seed, n_boot=n_boot)
    return data


def _comparison(summary: RunSummary, results: Sequence[ItemResult],
                costs: Mapping[str, Mapping[str, CostFigures]], pairing: Pairing, *, seed: int,
                n_boot: int) -> list[dict[str, Any]]:
    by_arm: dict[tuple[str, str], list[ItemResult]] = {}
    for item in results:
        by_arm.setdefault((item.model, item.prompt), []).append(item)
    table = []
    for model, figures in summary.models.items():
        for prompt, clean in figures.clean_by_prompt.items():
            _, pooled = group_figures(by_arm.get((model, prompt), []), pairing, seed=seed,
                                      n_boot=n_boot, key=(model, prompt, "pooled"))
            row: dict[str, Any] = {"model": model, "prompt": prompt,
                                   "simulated": model in summary.simulated}
            for name, source in COMPARISON_FIGURES:
                estimate: Estimate = clean.estimate(name) if source == "clean" else pooled[name]
                row[name] = estimate.value
                row[f"{name}_ci"] = list(estimate.ci) if estimate.ci else None
                row[f"{name}_n"] = estimate.n
            cost = costs.get(model, {}).get(prompt)
            cost_json = cost.to_json() if cost is not None else {}
            row.update({key: cost_json.get(key) for key in COST_KEYS})
            table.append(row)
    return table

"""The summary's slices, cost and the one comparison table of quality against cost.

``extend_summary`` adds to each model of a run's JSON summary ``slices`` / ``slices_by_prompt``
(``robustness._slices``) and ``cost`` / ``cost_by_prompt`` (``robustness._cost``), the first
prompt's block and every prompt's, as ``clean`` and ``clean_by_prompt`` are. ``comparison`` is one
row per model and prompt: clean MAE, gender accuracy and refusal rate (the summary's own clean
figures), stability as mean |Δage| and gender flip rate over every perturbed item pooled
(``_slices.group_figures`` over the whole arm), then latency, tokens and cost: the specialist
against the generalist, measured.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from ._cost import COST_KEYS, Prices, cost_figures
from ._metrics import clean_references, metric
from ._slices import group_figures, slice_tables
from ._types import ItemResult

__all__ = ["COMPARISON_FIGURES", "extend_summary"]

# (figure, where it comes from): the clean block, or the pooled perturbed items.
COMPARISON_FIGURES = (("mae", "clean"), ("gender_acc", "clean"), ("refusal_rate", "clean"),
                      ("age_shift_mean", "perturbed"), ("gender_flip_rate", "perturbed"))


def extend_summary(
    models: dict[str, dict[str, Any]], rows: Sequence[Mapping[str, Any]],
    results: Sequence[ItemResult], extras: Mapping[str, Mapping[str, str]], *,
    slice_by: Sequence[str] = (), prices: Mapping[str, Prices] | None = None,
    prompt_texts: Mapping[str, str] | None = None, seed: int = 0, n_boot: int = 1000,
) -> list[dict[str, Any]]:
    """Add slices and cost to ``models`` (the summary's "models"); return the comparison rows."""
    costs = cost_figures(rows, prices or {}, prompt_texts or {})
    sliced = slice_tables(results, extras, slice_by, seed=seed, n_boot=n_boot) if slice_by else {}
    for model, figures in models.items():
        by_prompt = costs.get(model, {})
        figures["cost_by_prompt"] = {p: c.to_json() for p, c in by_prompt.items()}
        figures["cost"] = next(iter(figures["cost_by_prompt"].values()), None)
        if slice_by:
            tables = sliced.get(model, {})
            figures["slices_by_prompt"] = {p: {c: t.to_json() for c, t in by_column.items()}
                                           for p, by_column in tables.items()}
            figures["slices"] = next(iter(figures["slices_by_prompt"].values()), {})
    return _comparison(models, results, seed=seed, n_boot=n_boot)


def _comparison(models: Mapping[str, Mapping[str, Any]], results: Sequence[ItemResult], *,
                seed: int, n_boot: int) -> list[dict[str, Any]]:
    references = clean_references(results)
    by_arm: dict[tuple[str, str], list[ItemResult]] = {}
    for item in results:
        by_arm.setdefault((item.model, item.prompt), []).append(item)
    table = []
    for model, figures in models.items():
        for prompt, clean in figures["clean_by_prompt"].items():
            _, pooled = group_figures(by_arm.get((model, prompt), []), references, seed=seed,
                                      n_boot=n_boot, key=(model, prompt, "pooled"))
            row: dict[str, Any] = {"model": model, "prompt": prompt,
                                   "simulated": bool(figures.get("simulated"))}
            for name, source in COMPARISON_FIGURES:
                if source == "clean":
                    row[name], row[f"{name}_ci"] = clean.get(name), clean.get(f"{name}_ci")
                    row[f"{name}_n"] = clean.get(metric(name).n_key)
                else:
                    estimate = pooled[name]
                    row[name] = estimate.value
                    row[f"{name}_ci"] = list(estimate.ci) if estimate.ci else None
                    row[f"{name}_n"] = estimate.n
            cost = figures["cost_by_prompt"].get(prompt) or {}
            row.update({key: cost.get(key) for key in COST_KEYS})
            table.append(row)
    return table

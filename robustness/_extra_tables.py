"""Terminal tables for the summary's slices and its one quality-against-cost comparison.

Both are ``StackedTable``s (``robustness._tables``): on a wide terminal the comparison is one
table with quality and cost side by side; on a narrow one its columns stack into blocks, the
model column repeated, and no figure is ever cut.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ._metrics import metric
from ._slices import SLICE_METRICS
from ._tables import StackedTable

__all__ = ["comparison_table", "extra_tables", "slice_table"]

_COST = (("latency_p50_ms", "p50 ms"), ("latency_p95_ms", "p95 ms"), ("requests_per_s", "req/s"),
         ("tokens_in", "tok in"), ("tokens_out", "tok out"))


def extra_tables(summary: Mapping[str, Any]) -> list[StackedTable]:
    """Every slice table of every model and prompt, then the comparison."""
    tables = []
    for model, figures in summary["models"].items():
        for prompt, by_column in (figures.get("slices_by_prompt") or {}).items():
            tables += [slice_table(model, prompt, table) for table in by_column.values()]
    if summary.get("comparison"):
        tables.append(comparison_table(summary["comparison"]))
    return tables


def _cell(name: str, value: float | None, ci: list[float] | None = None) -> str:
    if value is None:
        return "–"
    share = metric(name).unit == "share"
    text = f"{100 * value:.1f}%" if share else f"{value:.2f}"
    if ci:
        low, high = (100 * ci[0], 100 * ci[1]) if share else ci
        text += f" [{low:.1f}, {high:.1f}]" if share else f" [{low:.2f}, {high:.2f}]"
    return text


def slice_table(model: str, prompt: str, table: Mapping[str, Any]) -> StackedTable:
    """One model and prompt by one column: each slice's figures and n, then the gaps."""
    arm = f"{model}, prompt {prompt}" if prompt else model
    gaps = [f"{metric(name).label} {_cell(name, gap['gap'], gap['gap_ci'])} "
            f"({gap['worst']} vs {gap['best']}, n={gap['n']})"
            for name, gap in table["gaps"].items()]
    counts = list(dict.fromkeys(metric(name).n_key for name in SLICE_METRICS))
    headers = ["slice", "n", "samples", *(metric(n).label for n in SLICE_METRICS), *counts]
    out = StackedTable(
        title=f"Who is affected: {arm}, by {table['column']}", headers=headers,
        right=frozenset(headers[1:]),
        caption=("Clean figures (MAE, gender, refused) over each slice's clean items, |Δage| "
                 "and flips over its perturbed items pooled; 95 % intervals. Gap, worst minus "
                 f"best slice of ≥ {table['min_slice_n']} items: "
                 + ("; ".join(gaps) if gaps else "none (too few items per slice)")))
    for group in table["groups"]:
        out.add_row(group["value"], str(group["n"]), str(group["samples"]),
                    *(_cell(n, group[n], group.get(f"{n}_ci")) for n in SLICE_METRICS),
                    *(str(group[key]) for key in counts))
    return out


def comparison_table(rows: list[Mapping[str, Any]]) -> StackedTable:
    """Quality and cost side by side, one row per model and prompt."""
    quality = SLICE_METRICS
    headers = ["model", *(metric(n).label for n in quality), *(h for _, h in _COST), "cost/1k"]
    table = StackedTable(
        title="Quality and cost: clean MAE, gender accuracy and refusals; |Δage| and flips over "
              "every perturbed item; latency, requests/s per request slot, mean tokens per "
              "prediction, cost per 1,000 predictions (your prices)",
        headers=headers, right=frozenset(headers[1:]))
    for row in rows:
        label = row["model"] + (f" {row['prompt']}" if row["prompt"] else "") + (
            " (SIMULATED)" if row["simulated"] else "")
        table.add_row(label, *(_cell(n, row[n], row.get(f"{n}_ci")) for n in quality),
                      *("–" if row[key] is None else f"{row[key]:.1f}" for key, _ in _COST),
                      "unknown" if row["cost_per_1k"] is None else f"{row['cost_per_1k']:.4g}")
    return table

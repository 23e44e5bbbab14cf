"""Terminal tables for the summary's slices and its quality-against-cost comparison.

Each table fits an 80-column terminal whole: an interval sits under its figure in the same cell,
and the comparison is printed as two stacked blocks (quality, then cost) of the same rows.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from rich import box
from rich.table import Table

from ._metrics import metric
from ._slices import SLICE_METRICS

__all__ = ["comparison_tables", "extra_tables", "slice_table"]

_RATES = {name for name in SLICE_METRICS if metric(name).unit == "share"}
_LABELS = {name: metric(name).label for name in SLICE_METRICS}


def extra_tables(summary: Mapping[str, Any]) -> list[Table]:
    """Every slice table of every model and prompt, then the comparison."""
    tables = []
    for model, figures in summary["models"].items():
        for prompt, by_column in (figures.get("slices_by_prompt") or {}).items():
            for table in by_column.values():
                tables.append(slice_table(model, prompt, table))
    if summary.get("comparison"):
        tables += comparison_tables(summary["comparison"])
    return tables


def _figure(name: str, value: float | None, ci: list[float] | None = None) -> str:
    if value is None:
        return "–"
    scale, unit = (100.0, "%") if name in _RATES else (1.0, "")
    text = f"{_short(scale * value)}{unit}" if unit else f"{value:.2f}"
    if ci:
        text += f"\n[{_short(scale * ci[0])}, {_short(scale * ci[1])}]"
    return text


def _short(value: float) -> str:
    """One decimal, none for a whole number: "[47.8, 100]" keeps a cell narrow."""
    text = f"{value:.1f}"
    return text[:-2] if text.endswith(".0") else text


def slice_table(model: str, prompt: str, table: Mapping[str, Any]) -> Table:
    """One model and prompt by one column: each slice's figures, then the gaps as a caption."""
    names = [n for n in _LABELS if n != "refusal_rate" or any(
        (g.get("refusal_rate") or 0) > 0 for g in table["groups"])]
    arm = f"{model}, prompt {prompt}" if prompt else model
    gaps = [f"{_LABELS[name]} gap {_figure(name, gap['gap'], gap['gap_ci']).replace(chr(10), ' ')}"
            f" ({gap['worst']} vs {gap['best']})" for name, gap in table["gaps"].items()]
    caption = ("Clean figures over each slice's clean items, |Δage| and flips over its perturbed "
               f"items; 95 % intervals. Gaps (worst vs best slice of ≥ {table['min_slice_n']} "
               "items): " + ("; ".join(gaps) if gaps else "none (too few items per slice)"))
    out = Table(title=f"Who is affected: {arm}, by {table['column']}", title_justify="left",
                caption=caption, caption_justify="left", box=box.SIMPLE_HEAD, pad_edge=False)
    out.add_column(table["column"], overflow="fold", min_width=10)
    out.add_column("n", justify="right")
    for name in names:
        out.add_column(_LABELS[name], justify="right")
    for group in table["groups"]:
        out.add_row(group["value"], f"{group['n']}\n{group['samples']} smp",
                    *(_figure(name, group[name], group.get(f"{name}_ci")) for name in names))
    return out


def comparison_tables(rows: list[Mapping[str, Any]]) -> list[Table]:
    """The comparison, as two blocks of the same rows: quality, then latency and cost."""
    quality = Table(title="Comparison 1/2, quality: clean MAE, gender accuracy and refusals; "
                          "|Δage| and flips over every perturbed item", title_justify="left",
                    box=box.SIMPLE_HEAD, pad_edge=False)
    cost = Table(title="Comparison 2/2, cost: latency, requests per second per request slot, "
                       "mean tokens per prediction, cost per 1,000 predictions",
                 title_justify="left", box=box.SIMPLE_HEAD, pad_edge=False)
    quality.add_column("model", overflow="fold", min_width=14)
    cost.add_column("model", overflow="fold", min_width=14)
    for name in _LABELS:
        quality.add_column(_LABELS[name], justify="right")
    for header in ("p50 ms", "p95 ms", "req/s", "tok in", "tok out", "cost/1k"):
        cost.add_column(header, justify="right")
    for row in rows:
        label = row["model"] + (f"\n{row['prompt']}" if row["prompt"] else "") + (
            "\nSIMULATED" if row["simulated"] else "")
        quality.add_row(label, *(_figure(name, row[name], row.get(f"{name}_ci"))
                                 for name in _LABELS))
        cost.add_row(label, *(_plain(row[key]) for key in (
            "latency_p50_ms", "latency_p95_ms", "requests_per_s", "tokens_in", "tokens_out")),
            "unknown" if row["cost_per_1k"] is None else f"{row['cost_per_1k']:.4g}")
    return [quality, cost]


def _plain(value: float | None) -> str:
    return "–" if value is None else f"{value:.1f}"

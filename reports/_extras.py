"""The report's "Who is affected" (slices) and "Quality and cost" (comparison) sections.

Both render the run summary's plain JSON: ``models[m]["slices_by_prompt"]`` and the top-level
``comparison`` rows; labels and units come from the summary's own metric table (``"metrics"``).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ._format import esc, fmt_ci, fmt_num, fmt_pct
from ._tables import rows_table

__all__ = ["comparison_body", "slices_body"]

_SLICE_FIGURES = ("mae", "gender_acc", "refusal_rate", "age_shift_mean", "gender_flip_rate")
_COST = (("latency_p50_ms", "p50 latency (ms)"), ("latency_p95_ms", "p95 latency (ms)"),
         ("requests_per_s", "requests/s per slot"), ("tokens_in", "tokens in"),
         ("tokens_out", "tokens out"))


def _label(summary: Mapping[str, Any], name: str) -> str:
    return str(((summary.get("metrics") or {}).get(name) or {}).get("label", name))


def _figure(summary: Mapping[str, Any], name: str, value: Any, ci: Any, n: Any = None) -> str:
    share = ((summary.get("metrics") or {}).get(name) or {}).get("unit") == "share"
    text = fmt_pct(value) if share else fmt_num(value, 2)
    if ci:
        text += " " + fmt_ci(ci, pct=share)
    return text + (f" (n {n})" if n is not None else "")


def slices_body(summary: Mapping[str, Any]) -> str:
    """One table per model, prompt and slice column, then that column's gaps."""
    parts = []
    for model, block in (summary.get("models") or {}).items():
        for prompt, by_column in (block.get("slices_by_prompt") or {}).items():
            for column, table in by_column.items():
                arm = f"{model} · {prompt}" if prompt else model
                rows = [{column: g["value"], "items": g["n"], "samples": g["samples"],
                         **{_label(summary, f): _figure(summary, f, g.get(f), g.get(f"{f}_ci"),
                                                        g.get(_n_key(summary, f)))
                            for f in _SLICE_FIGURES}} for g in table["groups"]]
                gaps = [{"figure": _label(summary, name), "worst": gap["worst"],
                         "best": gap["best"],
                         "gap (95 % interval)": _figure(summary, name, gap["gap"],
                                                        gap["gap_ci"]),
                         "items": gap["n"], "interval": gap["ci_method"]}
                        for name, gap in table["gaps"].items()]
                parts.append(f"<h3>{esc(arm)}, by {esc(column)}</h3>" + rows_table(rows))
                parts.append(rows_table(gaps) if gaps else
                             f'<p class="note">No gap: fewer than two slices with '
                             f'{esc(table["min_slice_n"])} or more items.</p>')
    return "".join(parts)


def _n_key(summary: Mapping[str, Any], name: str) -> str:
    return str(((summary.get("metrics") or {}).get(name) or {}).get("n_key", "n"))


def comparison_body(summary: Mapping[str, Any]) -> str:
    """Quality and cost side by side, one row per model and prompt."""
    rows = []
    for row in summary.get("comparison") or []:
        arm = row["model"] + (f" · {row['prompt']}" if row["prompt"] else "")
        rows.append({
            "model": arm + (" (SIMULATED)" if row["simulated"] else ""),
            **{_label(summary, f): _figure(summary, f, row.get(f), row.get(f"{f}_ci"))
               for f in _SLICE_FIGURES},
            **{label: (fmt_num(row.get(key), 1)) for key, label in _COST},
            "cost per 1,000": ("unknown" if row.get("cost_per_1k") is None
                               else fmt_num(row["cost_per_1k"], 4)),
        })
    return rows_table(rows) if rows else '<p class="note">No models in this run.</p>'

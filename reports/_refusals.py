"""Refusals by kind, condition and prompt; prompt sensitivity.

A refusal is never imputed as an answer upstream, so how often and where a model refuses is its
own result: the summary table shows clean against perturbed, the full table sits behind a
``<details>`` so a run with many conditions keeps a short page.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from ._format import Series, esc, fmt_ci, fmt_num, fmt_pct, is_number
from ._index import ConditionIndex
from ._svg import swatch

__all__ = ["any_refusal", "prompt_sensitivity_table", "refusal_tables"]

ALL_KINDS = "all refusals"


def any_refusal(summary: Mapping[str, Any], index: ConditionIndex) -> bool:
    """Whether any model refused anything (with or without a kind)."""
    blocks = [*index.clean.values(), *index.blocks.values()]
    return any((b.get("refusal_rate") or 0) > 0 for b in blocks) or any(
        block.get("refusals") for block in (summary.get("models") or {}).values()
    )


def _rates(block: Mapping[str, Any], kind: str) -> float | None:
    if kind == ALL_KINDS:
        value = block.get("refusal_rate")
    else:
        value = (block.get("refusal_by_kind") or {}).get(kind, 0.0)
    return float(value) if is_number(value) else None


def refusal_tables(index: ConditionIndex, series: Sequence[Series]) -> str:
    """Per series and kind: the clean rate, the mean and worst over perturbed conditions."""
    summary_rows: list[str] = []
    detail_rows: list[str] = []
    for entry in series:
        clean = index.clean.get((entry.model, entry.prompt), {})
        conditions = [(key[2], key[3], block) for key, block in index.blocks.items()
                      if key[:2] == (entry.model, entry.prompt)]
        kinds = sorted({k for _, _, b in conditions for k in b.get("refusal_by_kind") or {}}
                       | set(clean.get("refusal_by_kind") or {}))
        for kind in [ALL_KINDS, *kinds]:
            rated = [(f, s, r) for f, s, b in conditions if (r := _rates(b, kind)) is not None]
            mean = sum(r for *_, r in rated) / len(rated) if rated else None
            worst = max(rated, key=lambda row: row[2], default=None)
            worst_text = f"{worst[0]} {worst[1]}: {fmt_pct(worst[2])}" if worst else "–"
            summary_rows.append(
                f'<tr><th class="row">{swatch(entry)} {esc(entry.label)}</th>'
                f'<td class="l">{esc(kind)}</td>'
                f"<td>{esc(fmt_pct(_rates(clean, kind)))}</td><td>{esc(fmt_pct(mean))}</td>"
                f'<td class="l">{esc(worst_text)}</td></tr>'
            )
            if kind == ALL_KINDS:
                continue
            for family, severity, rate in [("none", 0, _rates(clean, kind) or 0.0), *rated]:
                if rate > 0:
                    detail_rows.append(
                        f"<tr><td>{esc(entry.model)}</td><td>{esc(entry.prompt or '–')}</td>"
                        f"<td>{esc(family)}</td><td>{severity}</td><td>{esc(kind)}</td>"
                        f"<td>{esc(fmt_pct(rate))}</td></tr>"
                    )
    overview = (
        '<table class="num"><thead><tr><th>model · prompt</th><th>kind</th><th>clean</th>'
        "<th>mean over perturbed conditions</th><th>worst condition</th></tr></thead>"
        f'<tbody>{"".join(summary_rows)}</tbody></table>'
    )
    details = (
        f"<details><summary>every condition with a refusal ({len(detail_rows)} rows)</summary>"
        '<table class="rows"><thead><tr><th>model</th><th>prompt</th><th>perturbation</th>'
        "<th>severity</th><th>kind</th><th>share of asked items</th></tr></thead>"
        f'<tbody>{"".join(detail_rows)}</tbody></table></details>'
    ) if detail_rows else ""
    return overview + details


def prompt_sensitivity_table(summary: Mapping[str, Any]) -> str | None:
    """One row per model asked with two or more prompts; ``None`` when no model was."""
    rows = []
    for model, block in (summary.get("models") or {}).items():
        figures = block.get("prompt_sensitivity")
        if not figures:
            continue
        per_prompt = ", ".join(
            f"{prompt}: {fmt_num(mae, 2)}" for prompt, mae in
            (figures.get("per_prompt_mae") or {}).items()
        )
        ci = fmt_ci(figures.get("age_sd_mean_ci"), digits=2)
        rows.append(
            f'<tr><th class="row">{esc(model)}</th>'
            f"<td class=\"l\">{esc(', '.join(map(str, figures.get('prompts') or [])))}</td>"
            f"<td>{esc(fmt_num(figures.get('samples')))}</td>"
            f"<td>{esc(fmt_num(figures.get('age_sd_mean'), 2))} <span class=\"ci\">{esc(ci)}"
            f"</span></td><td>{esc(fmt_num(figures.get('age_range_mean'), 2))}</td>"
            f"<td>{esc(fmt_pct(figures.get('gender_disagreement_rate')))}</td>"
            f"<td class=\"l\">{esc(per_prompt or '–')}</td></tr>"
        )
    if not rows:
        return None
    return (
        '<table class="num"><thead><tr><th>model</th><th>prompts</th><th>samples</th>'
        "<th>mean SD of age across prompts (years)</th><th>mean range (years)</th>"
        "<th>gender disagreement</th><th>clean MAE per prompt</th></tr></thead>"
        f'<tbody>{"".join(rows)}</tbody></table>'
    )

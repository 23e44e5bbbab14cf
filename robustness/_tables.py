"""Terminal tables for a run's JSON summary."""

from __future__ import annotations

from typing import Any

from rich import box
from rich.table import Table

__all__ = ["summary_tables"]


def _fmt(value: Any, *, percent: bool = False, ci: list[float] | None = None) -> str:
    if value is None:
        return "–"
    text = f"{100 * value:.1f}%" if percent else f"{value:.2f}"
    if ci and ci[0] is not None and ci[1] is not None:
        lo, hi = (100 * ci[0], 100 * ci[1]) if percent else ci
        text += f" [{lo:.1f}, {hi:.1f}]" if percent else f" [{lo:.2f}, {hi:.2f}]"
    return text


def _caption(clean: dict[str, Any]) -> str:
    return (
        f"clean: MAE {_fmt(clean['mae'], ci=clean.get('mae_ci'))}, "
        f"CS@5 {_fmt(clean['cs5'], percent=True, ci=clean.get('cs5_ci'))}, "
        f"gender accuracy "
        f"{_fmt(clean['gender_acc'], percent=True, ci=clean.get('gender_acc_ci'))}"
        " (95 % bootstrap CIs). ans: answered; gender: accuracy; |Δage| (mean, p90) and"
        " gender flips are against each sample's clean answer"
    )


def summary_tables(models: dict[str, Any], *, simulated: set[str] | None = None) -> list[Table]:
    """One table per model: clean rows (one per prompt), then each condition against clean."""
    tables = []
    for name, figures in models.items():
        label = f"{name} [bold yellow](SIMULATED)[/]" if name in (simulated or set()) else name
        by_prompt = figures.get("clean_by_prompt") or {"": figures["clean"]}
        prompted = any(prompt for prompt in by_prompt)
        refusals = any(
            (row.get("refusal_rate") or 0) > 0
            for row in [*by_prompt.values(), *figures["conditions"]]
        )
        table = Table(
            title=label, title_justify="left", caption=_caption(figures["clean"]),
            caption_justify="left", box=box.SIMPLE_HEAD,
        )
        # Short headers keep the table whole in an 80-column terminal; the caption explains them.
        columns = ["condition", *(["prompt"] if prompted else []), "n", "ans", "MAE", "CS@5",
                   "gender", "|Δage|", "p90", "flips", *(["refused"] if refusals else [])]
        for column in columns:
            left = column in ("condition", "prompt")
            table.add_column(column, justify="left" if left else "right", no_wrap=True)

        def add(condition: str, row: dict[str, Any], *, stability: bool) -> None:
            cells = [condition, *([row.get("prompt") or ""] if prompted else []),
                     str(row["n"]), str(row["answered"]), _fmt(row["mae"]),
                     _fmt(row["cs5"], percent=True), _fmt(row["gender_acc"], percent=True)]
            if stability:
                cells += [_fmt(row["age_shift_mean"]), _fmt(row["age_shift_p90"]),
                          _fmt(row["gender_flip_rate"], percent=True)]
            else:
                cells += ["", "", ""]
            if refusals:
                cells.append(_fmt(row.get("refusal_rate"), percent=True))
            table.add_row(*cells)

        for prompt, clean in by_prompt.items():
            add("clean", {**clean, "prompt": prompt}, stability=False)
        for row in figures["conditions"]:
            add(f"{row['perturbation']} s{row['severity']}", row, stability=True)
        tables.append(table)
    return tables

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


def summary_tables(models: dict[str, Any], *, simulated: set[str] | None = None) -> list[Table]:
    """One table per model: the clean row, then each condition with its drift against clean."""
    tables = []
    for name, figures in models.items():
        label = f"{name} (simulated)" if simulated and name in simulated else name
        clean = figures["clean"]
        caption = (
            f"clean: MAE {_fmt(clean['mae'], ci=clean.get('mae_ci'))}, "
            f"CS@5 {_fmt(clean['cs5'], percent=True, ci=clean.get('cs5_ci'))}, "
            f"gender accuracy {_fmt(clean['gender_acc'], percent=True, ci=clean.get('gender_acc_ci'))}"
            " (95 % bootstrap CIs). ans: answered; gender: accuracy; |Δage| (mean, p90) and"
            " gender flips are against each sample's clean answer"
        )
        table = Table(
            title=label, title_justify="left", caption=caption, caption_justify="left",
            box=box.SIMPLE_HEAD,
        )
        # Short headers keep the table whole in an 80-column terminal; the caption explains them.
        for column in ("condition", "n", "ans", "MAE", "CS@5", "gender", "|Δage|", "p90", "flips"):
            left = column == "condition"
            table.add_column(column, justify="left" if left else "right", no_wrap=True)
        table.add_row(
            "clean", str(clean["n"]), str(clean["answered"]), _fmt(clean["mae"]),
            _fmt(clean["cs5"], percent=True), _fmt(clean["gender_acc"], percent=True),
            "", "", "",
        )
        for row in figures["conditions"]:
            table.add_row(
                f"{row['perturbation']} s{row['severity']}", str(row["n"]), str(row["answered"]),
                _fmt(row["mae"]), _fmt(row["cs5"], percent=True),
                _fmt(row["gender_acc"], percent=True),
                _fmt(row["age_shift_mean"]),
                _fmt(row["age_shift_p90"]), _fmt(row["gender_flip_rate"], percent=True),
            )
        tables.append(table)
    return tables

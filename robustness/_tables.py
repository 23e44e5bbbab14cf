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
    """One table per model and prompt: the clean row, then each condition against clean."""
    tables = []
    for name, figures in models.items():
        label = f"{name} [bold yellow](SIMULATED)[/]" if name in (simulated or set()) else name
        by_prompt = figures.get("clean_by_prompt") or {"": figures["clean"]}
        refusals = any(
            (row.get("refusal_rate") or 0) > 0
            for row in [*by_prompt.values(), *figures["conditions"]]
        )
        for prompt, clean in by_prompt.items():
            title = f"{label}, prompt {prompt}" if prompt else label
            rows = [row for row in figures["conditions"] if (row.get("prompt") or "") == prompt]
            tables.append(_table(title, clean, rows, refusals=refusals))
    return tables


def _table(
    title: str, clean: dict[str, Any], conditions: list[dict[str, Any]], *, refusals: bool
) -> Table:
    table = Table(
        title=title, title_justify="left", caption=_caption(clean), caption_justify="left",
        box=box.SIMPLE_HEAD, pad_edge=False,
    )
    # Short headers keep the table whole in an 80-column terminal; the caption explains them.
    columns = ["condition", "n", "ans", "MAE", "CS@5", "gender", "|Δage|", "p90", "flips",
               *(["refused"] if refusals else [])]
    for column in columns:
        table.add_column(column, justify="left" if column == "condition" else "right",
                         no_wrap=True)

    def add(condition: str, row: dict[str, Any], *, stability: bool) -> None:
        cells = [condition, str(row["n"]), str(row["answered"]), _fmt(row["mae"]),
                 _fmt(row["cs5"], percent=True), _fmt(row["gender_acc"], percent=True)]
        if stability:
            cells += [_fmt(row["age_shift_mean"]), _fmt(row["age_shift_p90"]),
                      _fmt(row["gender_flip_rate"], percent=True)]
        else:
            cells += ["", "", ""]
        if refusals:
            cells.append(_fmt(row.get("refusal_rate"), percent=True))
        table.add_row(*cells)

    add("clean", clean, stability=False)
    for row in conditions:
        add(f"{row['perturbation']} s{row['severity']}", row, stability=True)
    return table


def overview_table(models: dict[str, Any], *, simulated: set[str] | None = None) -> Table:
    """Families down, model (and prompt) across: mean |Δage| at severities 1 → 5, at a glance."""
    columns: list[tuple[str, str]] = []
    for name, figures in models.items():
        for prompt in figures.get("clean_by_prompt") or {"": None}:
            columns.append((name, prompt))
    table = Table(
        title="mean |Δage| against the clean answer, severity 1 → 5 (gender flip rate at 5)",
        title_justify="left", box=box.SIMPLE_HEAD, pad_edge=False,
    )
    table.add_column("perturbation", no_wrap=True)
    for name, prompt in columns:
        tag = " (SIMULATED)" if name in (simulated or set()) else ""
        table.add_column(f"{name}{tag}" + (f"\n{prompt}" if prompt else ""), justify="right")
    families = list(dict.fromkeys(
        row["perturbation"] for figures in models.values() for row in figures["conditions"]
    ))
    for family in families:
        cells = []
        for name, prompt in columns:
            rows = sorted(
                (row for row in models[name]["conditions"]
                 if row["perturbation"] == family and (row.get("prompt") or "") == prompt),
                key=lambda row: row["severity"],
            )
            shifts = " ".join(_short(row["age_shift_mean"]) for row in rows)
            flips = _fmt(rows[-1]["gender_flip_rate"], percent=True) if rows else "–"
            cells.append(f"{shifts} ({flips})")
        table.add_row(family, *cells)
    return table


def _short(value: float | None) -> str:
    return "–" if value is None else f"{value:.1f}"


def model_notes(models: dict[str, Any]) -> list[str]:
    """One line per MLLM figure the tables leave out: prompt sensitivity, refusals by kind."""
    lines = []
    for name, figures in models.items():
        sensitivity = figures.get("prompt_sensitivity")
        if sensitivity and sensitivity.get("samples"):
            lines.append(
                f"{name}: across prompts {', '.join(sensitivity['prompts'])} the clean answer's "
                f"age moves by SD {_fmt(sensitivity['age_sd_mean'])} (mean range "
                f"{_fmt(sensitivity['age_range_mean'])} years; {sensitivity['samples']} samples), "
                f"gender differs on {_fmt(sensitivity['gender_disagreement_rate'], percent=True)}"
            )
        for prompt, clean in (figures.get("clean_by_prompt") or {}).items():
            kinds = clean.get("refusal_by_kind") or {}
            if kinds:
                listed = ", ".join(f"{kind} {_fmt(rate, percent=True)}"
                                   for kind, rate in kinds.items())
                lines.append(f"{name} [{prompt or 'no prompt'}] clean refusals by kind: {listed}")
    return lines

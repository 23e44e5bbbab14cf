"""The report's tables: clean benchmark, at-a-glance ranking, and generic row tables.

Tables hold aggregates only (one row per model and prompt, or per family), so their size does not
grow with the number of items in a run.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from ._format import Series, esc, fmt_ci, fmt_num, fmt_pct, is_number
from ._index import ConditionIndex
from ._svg import swatch

__all__ = ["FLIP_YEARS", "benchmark_table", "glance", "instability", "rows_table"]

# A gender flip weighs as much as a 5-year move (CS@5's threshold) when ranking instability.
FLIP_YEARS = 5.0


def _label(entry: Series) -> str:
    badge = ' <span class="badge sim">SIMULATED</span>' if entry.simulated else ""
    return f"{swatch(entry)} {esc(entry.label)}{badge}"


def _with_ci(value: object, interval: object, *, pct: bool) -> str:
    main = fmt_pct(value) if pct else fmt_num(value, 2)
    ci = fmt_ci(interval, pct=pct, digits=1 if pct else 2)
    return f'{esc(main)}<br><span class="ci">{esc(ci)}</span>' if ci else esc(main)


def benchmark_table(index: ConditionIndex, series: Sequence[Series]) -> str:
    """Clean accuracy per model and prompt, each figure with its 95 % interval."""
    rows = []
    for entry in series:
        block: Mapping[str, Any] = index.clean.get((entry.model, entry.prompt), {})
        rows.append(
            f"<tr><th class=\"row\">{_label(entry)}</th>"
            f"<td>{esc(fmt_num(block.get('n')))}</td>"
            f"<td>{esc(fmt_pct(block.get('coverage')))}</td>"
            f"<td>{_with_ci(block.get('mae'), block.get('mae_ci'), pct=False)}</td>"
            f"<td>{_with_ci(block.get('cs5'), block.get('cs5_ci'), pct=True)}</td>"
            f"<td>{_with_ci(block.get('gender_acc'), block.get('gender_acc_ci'), pct=True)}</td>"
            f"<td>{_with_ci(block.get('refusal_rate'), block.get('refusal_rate_ci'), pct=True)}"
            "</td></tr>"
        )
    return (
        '<table class="num"><thead><tr><th>model · prompt</th><th>items</th><th>answered</th>'
        "<th>MAE (years)</th><th>CS@5</th><th>gender accuracy</th><th>refusal rate</th>"
        f'</tr></thead><tbody>{"".join(rows)}</tbody></table>'
    )


def instability(shift: float | None, flips: float | None) -> float:
    """Mean |Δage| plus ``FLIP_YEARS`` per unit of flip rate; the gallery uses the same rule."""
    return (shift or 0.0) + FLIP_YEARS * (flips or 0.0)


def _bar(value: float | None, top: float, colour: str, text: str) -> str:
    width = 0.0 if value is None or top <= 0 else 100.0 * min(value / top, 1.0)
    return (f'<div class="bar"><span style="width:{width:.1f}%;background:{colour}"></span>'
            f"<em>{esc(text)}</em></div>")


def glance(index: ConditionIndex, series: Sequence[Series]) -> str:
    """Series ranked least stable first, then each family's most and least affected series."""
    figures = []
    for entry in series:
        shift = index.overall_mean(entry, "age_shift_mean")
        flips = index.overall_mean(entry, "gender_flip_rate")
        refusals = index.overall_mean(entry, "refusal_rate")
        worst = max(index.families, default=None, key=lambda f: instability(
            index.family_mean(entry, f, "age_shift_mean"),
            index.family_mean(entry, f, "gender_flip_rate")))
        figures.append((instability(shift, flips), entry, shift, flips, refusals, worst))
    figures.sort(key=lambda row: -row[0])
    top_shift = max((f[2] or 0.0 for f in figures), default=0.0)
    top_flip = max((f[3] or 0.0 for f in figures), default=0.0)
    rows = [
        f"<tr><td>{rank}</td><th class=\"row\">{_label(entry)}</th>"
        f"<td>{_bar(shift, top_shift, entry.colour, fmt_num(shift, 2))}</td>"
        f"<td>{_bar(flips, top_flip, entry.colour, fmt_pct(flips))}</td>"
        f"<td>{esc(fmt_pct(refusals))}</td><td>{esc(worst or '–')}</td></tr>"
        for rank, (_, entry, shift, flips, refusals, worst) in enumerate(figures, 1)
    ]
    ranking = (
        '<table class="glance"><thead><tr><th>#</th><th>model · prompt (least stable first)</th>'
        "<th>mean |Δage| vs clean (years)</th><th>gender flip rate</th>"
        "<th>refusal rate, perturbed</th><th>worst perturbation</th></tr></thead>"
        f'<tbody>{"".join(rows)}</tbody></table>'
    )
    return ranking + (_family_table(index, series) if len(series) > 1 else "")


def _family_table(index: ConditionIndex, series: Sequence[Series]) -> str:
    rows = []
    for family in index.families:
        scored = []
        for entry in series:
            shift = index.family_mean(entry, family, "age_shift_mean")
            flips = index.family_mean(entry, family, "gender_flip_rate")
            scored.append((instability(shift, flips), entry, shift, flips))
        scored.sort(key=lambda row: -row[0])
        (_, worst, w_shift, w_flip), (_, best, b_shift, b_flip) = scored[0], scored[-1]
        rows.append(
            f'<tr><th class="row">{esc(family)}</th><td>{_label(worst)}</td>'
            f"<td>{esc(fmt_num(w_shift, 2))} y · {esc(fmt_pct(w_flip))}</td>"
            f"<td>{_label(best)}</td><td>{esc(fmt_num(b_shift, 2))} y · {esc(fmt_pct(b_flip))}</td>"
            "</tr>"
        )
    return (
        '<table class="glance"><thead><tr><th>perturbation</th><th>least stable</th>'
        "<th>|Δage| · flips</th><th>most stable</th><th>|Δage| · flips</th></tr></thead>"
        f'<tbody>{"".join(rows)}</tbody></table>'
    )


def _cell(value: object) -> str:
    if isinstance(value, list | tuple) and len(value) == 2 and all(map(is_number, value)):
        return esc(fmt_ci(list(value), digits=3))
    if isinstance(value, float):
        return esc(fmt_num(value, 3))
    return esc("–" if value is None else value)


def _emphasis(column: str, value: object) -> str:
    """Bold a verdict that found a difference: it is what an A/B table is read for."""
    found = column == "verdict" and value not in (None, "", "no detectable difference")
    return ' class="found"' if found else ""


def rows_table(rows: Sequence[Mapping[str, Any]], *, preferred: Sequence[str] = ()) -> str:
    """Any list of flat rows as a table: ``preferred`` columns first, then the rest as found."""
    columns = [c for c in preferred if any(c in row for row in rows)]
    for row in rows:
        columns += [str(c) for c in row if c not in columns]
    head = "".join(f"<th>{esc(c)}</th>" for c in columns)
    body = "".join(
        "<tr>" + "".join(f"<td{_emphasis(c, row.get(c))}>{_cell(row.get(c))}</td>"
                         for c in columns) + "</tr>"
        for row in rows
    )
    return f'<table class="rows"><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>'

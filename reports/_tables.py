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

__all__ = ["BENCHMARK_COLUMNS", "benchmark_table", "glance", "rows_table"]

# The clean benchmark's figure columns, by metric name: labels, units and counts come from the
# summary's metric table, so a new column is a new name here (and a row in the engine's table).
BENCHMARK_COLUMNS = ("mae", "cs5", "gender_acc", "refusal_rate")


def _label(entry: Series) -> str:
    badge = ' <span class="badge sim">SIMULATED</span>' if entry.simulated else ""
    return f"{swatch(entry)} {esc(entry.label)}{badge}"


def _with_ci(value: object, interval: object, n: object, *, pct: bool) -> str:
    main = fmt_pct(value) if pct else fmt_num(value, 2)
    ci = fmt_ci(interval, pct=pct, digits=1 if pct else 2)
    count = f"n = {fmt_num(n)}" if is_number(n) else ""
    detail = " ".join(part for part in (ci, count) if part)
    return f'{esc(main)}<br><span class="ci">{esc(detail)}</span>' if detail else esc(main)


def figure_cell(block: Mapping[str, Any], name: str, metrics: Mapping[str, Any]) -> str:
    """One figure of a summary block as a cell body: value, interval and n, per its metric."""
    definition = metrics.get(name, {})
    # A summary without a metric table (an older JSON) still renders: MAE in years, rates in %.
    unit = definition.get("unit", "years" if name == "mae" else "share")
    return _with_ci(block.get(name), block.get(f"{name}_ci"),
                    block.get(definition.get("n_key", "")), pct=unit == "share")


def metric_header(name: str, metrics: Mapping[str, Any]) -> str:
    definition = metrics.get(name, {})
    label = esc(definition.get("title") or definition.get("label") or name)
    unit = " (years)" if definition.get("unit") == "years" else ""
    return f'<th title="{esc(definition.get("definition", ""))}">{label}{unit}</th>'


def coverage_cell(block: Mapping[str, Any]) -> str:
    """The answered share, flagged when under the floor the engine set (``low_coverage``)."""
    text = esc(fmt_pct(block.get("coverage")))
    if block.get("low_coverage"):
        return (f'<span class="badge warn" title="answered on under 80 % of its items: its '
                f'figures describe the items the model chose to answer">{text} ⚠</span>')
    return text


def benchmark_table(
    index: ConditionIndex, series: Sequence[Series], metrics: Mapping[str, Any]
) -> str:
    """Clean accuracy per model and prompt, each figure with its 95 % interval and its n."""
    rows = []
    for entry in series:
        block: Mapping[str, Any] = index.clean.get((entry.model, entry.prompt), {})
        cells = "".join(f"<td>{figure_cell(block, name, metrics)}</td>"
                        for name in BENCHMARK_COLUMNS)
        rows.append(
            f"<tr><th class=\"row\">{_label(entry)}</th>"
            f"<td>{esc(fmt_num(block.get('n')))}</td><td>{coverage_cell(block)}</td>{cells}</tr>"
        )
    head = "".join(metric_header(name, metrics) for name in BENCHMARK_COLUMNS)
    return (
        '<table class="num"><thead><tr><th>model · prompt</th><th>items</th><th>answered</th>'
        f'{head}</tr></thead><tbody>{"".join(rows)}</tbody></table>'
    )


def _bar(value: float | None, top: float, colour: str, text: str) -> str:
    width = 0.0 if value is None or top <= 0 else 100.0 * min(value / top, 1.0)
    return (f'<div class="bar"><span style="width:{width:.1f}%;background:{colour}"></span>'
            f"<em>{esc(text)}</em></div>")


def glance(index: ConditionIndex, series: Sequence[Series]) -> str:
    """Series ranked least stable first, then each family's most and least affected series.

    The ranking is the mean over conditions of each condition's ``instability`` (the engine's one
    score: mean |Δage| + a flip weight × flip rate), never recomputed here.
    """
    figures = []
    for entry in series:
        shift = index.overall_mean(entry, "age_shift_mean")
        flips = index.overall_mean(entry, "gender_flip_rate")
        refusals = index.overall_mean(entry, "refusal_rate")
        worst = max(index.families, default=None,
                    key=lambda f: index.family_mean(entry, f, "instability") or 0.0)
        score = index.overall_mean(entry, "instability") or 0.0
        figures.append((score, entry, shift, flips, refusals, worst))
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
            score = index.family_mean(entry, family, "instability") or 0.0
            scored.append((score, entry, shift, flips))
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

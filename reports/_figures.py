"""Degradation curves (small multiples) and the stability heat maps.

Charts of one metric share one y scale across families, so a taller line in one panel is a larger
effect, not a different axis. Heat-map colours start at a floor (5 years, 10 % flips) so noise on a
stable model stays pale instead of being stretched to full colour.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from ._format import Series, esc, fmt_num, fmt_pct
from ._index import ConditionIndex
from ._svg import Line, line_chart, nice_max, swatch

__all__ = ["degradation_panels", "heat_map", "heat_colour"]

# ColorBrewer OrRd: sequential, readable by every common colour-vision deficiency.
_RAMP = ((255, 247, 236), (253, 212, 158), (252, 141, 89), (215, 48, 31), (127, 0, 0))


def heat_colour(fraction: float) -> tuple[str, str]:
    """Background and text colour for a cell at ``fraction`` (0–1) of the scale."""
    t = min(max(fraction, 0.0), 1.0) * (len(_RAMP) - 1)
    low = min(int(t), len(_RAMP) - 2)
    mix = t - low
    rgb = [round(a + (b - a) * mix) for a, b in zip(_RAMP[low], _RAMP[low + 1], strict=True)]
    text = "#fff" if fraction > 0.55 else "#111"
    return f"#{rgb[0]:02x}{rgb[1]:02x}{rgb[2]:02x}", text


def _axis_max(index: ConditionIndex, series: Sequence[Series], key: str, floor: float) -> float:
    values = [v for s in series for f in index.families for sev in (0, *index.severities[f])
              if (v := index.value(s, f, sev, key)) is not None]
    return nice_max(max(values, default=0.0), floor=floor)


def degradation_panels(index: ConditionIndex, series: Sequence[Series]) -> str:
    """One card per perturbation family: the age metric and the flip rate against severity."""
    age_key = "mae" if index.labelled else "age_shift_mean"
    age_label = "MAE, years" if index.labelled else "mean |Δage|, years"
    age_max = _axis_max(index, series, age_key, 5.0)
    flip_max = _axis_max(index, series, "gender_flip_rate", 0.1)
    cards = []
    for family in index.families:
        severities = (0, *index.severities[family])
        age_lines: list[Line] = []
        flip_lines: list[Line] = []
        age_notes = {(e.label, s): index.note(e, family, s, age_key)
                     for e in series for s in severities}
        flip_notes = {(e.label, s): index.note(e, family, s, "gender_flip_rate")
                      for e in series for s in severities}
        for entry in series:
            age_lines.append((entry, [(s, index.value(entry, family, s, age_key))
                                      for s in severities]))
            flip_lines.append((entry, [(s, index.value(entry, family, s, "gender_flip_rate"))
                                       for s in severities]))
        cards.append(
            f'<figure class="card"><figcaption>{esc(family)}</figcaption>'
            + line_chart(title=age_label, lines=age_lines, y_max=age_max, y_label="years",
                         notes=age_notes)
            + line_chart(title="gender flip rate", lines=flip_lines, y_max=flip_max,
                         y_label="flips", percent=True, notes=flip_notes)
            + "</figure>"
        )
    return f'<div class="cards">{"".join(cards)}</div>'


def heat_map(
    index: ConditionIndex, series: Sequence[Series], *, key: str, caption: str, percent: bool,
    floor: float,
) -> str:
    """Families as rows, each series' severities as columns, the value in every cell."""
    severities = sorted({s for f in index.families for s in index.severities[f]})
    top = max(
        [v for e in series for f in index.families for s in severities
         if (v := index.value(e, f, s, key)) is not None] or [0.0]
    )
    scale = max(top, floor)
    fmt: Callable[[float], str] = (
        (lambda v: fmt_pct(v, 0)) if percent else (lambda v: fmt_num(v, 1))
    )
    head = "".join(
        f'<th colspan="{len(severities)}" class="grp">{swatch(e)} {esc(e.label)}</th>'
        for e in series
    )
    subhead = "".join(f"<th class=\"sev\">{s}</th>" for _ in series for s in severities)
    rows = []
    for family in index.families:
        cells = []
        for entry in series:
            for severity in severities:
                value = (index.value(entry, family, severity, key)
                         if severity in index.severities[family] else None)
                if value is None:
                    cells.append('<td class="na">·</td>')
                    continue
                background, text = heat_colour(value / scale)
                title = (f"{entry.label}, {family} {severity}: {fmt(value)}"
                         + index.note(entry, family, severity, key))
                shown = fmt(value) + ("⚠" if index.low_coverage(entry, family, severity) else "")
                cells.append(f'<td style="background:{background};color:{text}" '
                             f'title="{esc(title)}">{esc(shown)}</td>')
        rows.append(f'<tr><th class="row">{esc(family)}</th>{"".join(cells)}</tr>')
    scale_note = f"colour scale 0 → {fmt(scale)} (floor {fmt(floor)})"
    return (
        f'<div class="scroll"><table class="heat"><caption>{esc(caption)} · '
        f'<span class="muted">{esc(scale_note)}</span></caption>'
        f'<thead><tr><th rowspan="2">perturbation</th>{head}</tr>'
        f'<tr>{subhead}</tr></thead><tbody>{"".join(rows)}</tbody></table></div>'
    )

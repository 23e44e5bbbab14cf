"""Inline SVG line charts and their legend, drawn as text: no chart library, no script.

Each point carries a ``<title>``, so hovering shows its value without any JavaScript.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence

from ._format import Series, esc, fmt_num, fmt_pct

__all__ = ["Line", "legend", "line_chart", "nice_max", "swatch"]

Line = tuple[Series, Sequence[tuple[int, float | None]]]  # (series, [(severity, value)])

_WIDTH, _HEIGHT = 250, 150
_LEFT, _RIGHT, _TOP, _BOTTOM = 40, 10, 22, 30


def nice_max(value: float, *, floor: float) -> float:
    """The smallest 1-2-2.5-5 × 10^k at or above ``value`` (at least ``floor``), for an axis."""
    value = max(value, floor)
    exponent = 10.0 ** math.floor(math.log10(value))
    for step in (1, 2, 2.5, 5, 10):
        if step * exponent >= value - 1e-12:
            return step * exponent
    return 10 * exponent  # pragma: no cover - the loop always returns


def _scale(x: int, y: float, y_max: float, x_max: int) -> tuple[float, float]:
    plot_w, plot_h = _WIDTH - _LEFT - _RIGHT, _HEIGHT - _TOP - _BOTTOM
    return (_LEFT + plot_w * x / x_max, _TOP + plot_h * (1 - min(y, y_max) / y_max))


def line_chart(
    *, title: str, lines: Sequence[Line], y_max: float, y_label: str, percent: bool = False,
    x_max: int = 5, notes: Mapping[tuple[str, int], str] | None = None,
) -> str:
    """A small chart of value against severity 0…``x_max``, one polyline per series.

    Missing values break a line rather than bridging it, so a gap is visible as a gap.
    ``notes`` adds text to a point's hover title, by (series label, severity).
    """
    fmt: Callable[[float], str] = (
        (lambda v: fmt_pct(v, 0)) if percent else (lambda v: fmt_num(v, 1))
    )
    parts = [
        f'<svg class="chart" viewBox="0 0 {_WIDTH} {_HEIGHT}" width="{_WIDTH}" '
        f'height="{_HEIGHT}" role="img" aria-label="{esc(title)}">',
        f'<text x="{_LEFT}" y="14" class="ct">{esc(title)}</text>',
    ]
    mantissa = y_max / 10.0 ** math.floor(math.log10(y_max))
    divisions = 4 if abs(mantissa - 2) < 1e-9 else 5  # steps of 0.5, 0.2, 1 × 10^k: round labels
    for tick in range(divisions + 1):
        value = y_max * tick / divisions
        _, y = _scale(0, value, y_max, x_max)
        parts.append(f'<line x1="{_LEFT}" x2="{_WIDTH - _RIGHT}" y1="{y:.1f}" y2="{y:.1f}" '
                     f'class="grid"/><text x="{_LEFT - 4}" y="{y + 3:.1f}" class="yt">'
                     f"{esc(fmt(value))}</text>")
    for severity in range(x_max + 1):
        x, _ = _scale(severity, 0, y_max, x_max)
        parts.append(f'<text x="{x:.1f}" y="{_HEIGHT - _BOTTOM + 12}" class="xt">{severity}</text>')
    parts.append(f'<text x="{(_LEFT + _WIDTH - _RIGHT) / 2}" y="{_HEIGHT - 4}" class="xl">'
                 "severity (0 = clean)</text>")
    parts.append(f'<text transform="translate(10 {(_TOP + _HEIGHT - _BOTTOM) / 2}) rotate(-90)" '
                 f'class="yl">{esc(y_label)}</text>')
    for series, points in lines:
        parts.extend(_polyline(series, points, y_max, x_max, fmt, notes or {}))
    parts.append("</svg>")
    return "".join(parts)


def _polyline(
    series: Series, points: Sequence[tuple[int, float | None]], y_max: float, x_max: int,
    fmt: Callable[[float], str], notes: Mapping[tuple[str, int], str],
) -> list[str]:
    parts: list[str] = []
    run: list[str] = []
    dash = f' stroke-dasharray="{series.dash}"' if series.dash else ""
    for severity, value in [*points, (x_max + 1, None)]:
        if value is None:
            if len(run) > 1:
                parts.append(f'<polyline points="{" ".join(run)}" fill="none" '
                             f'stroke="{series.colour}" stroke-width="2"{dash}/>')
            run = []
            continue
        x, y = _scale(severity, value, y_max, x_max)
        run.append(f"{x:.1f},{y:.1f}")
        label = (f"{series.label}, severity {severity}: {fmt(value)}"
                 + notes.get((series.label, severity), ""))
        parts.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="2.8" fill="{series.colour}">'
                     f"<title>{esc(label)}</title></circle>")
    return parts


def swatch(series: Series) -> str:
    """A short line in the series' colour and dash, for legends and gallery answers."""
    dash = f' stroke-dasharray="{series.dash}"' if series.dash else ""
    return (f'<svg class="sw" width="26" height="10" aria-hidden="true"><line x1="1" y1="5" '
            f'x2="25" y2="5" stroke="{series.colour}" stroke-width="3"{dash}/></svg>')


def legend(series: Sequence[Series]) -> str:
    """One entry per series: its swatch, its label, and a SIMULATED badge where it applies."""
    items = []
    for entry in series:
        badge = ' <span class="badge sim">SIMULATED</span>' if entry.simulated else ""
        items.append(f"<li>{swatch(entry)} {esc(entry.label)}{badge}</li>")
    return f'<ul class="legend">{"".join(items)}</ul>'

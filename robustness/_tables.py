"""Terminal tables for a run's figures, stacked into blocks so they fit any terminal width.

Every figure cell shows the value and its 95 % interval; the counts behind the figures have their
own columns, named by their JSON keys (``age_n``, ``gender_n``, ``shift_n``, ``flip_n``, …). A
table wider than the terminal is never squeezed into "…": ``StackedTable`` splits its columns into
blocks that each fit, repeating the key columns (the condition) in every block.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from rich import box
from rich.console import Console, ConsoleOptions, RenderResult
from rich.measure import Measurement
from rich.table import Table
from rich.text import Text

from ._metrics import COVERAGE_FLOOR, ConditionFigures, Estimate, metric, models_from_json

__all__ = ["StackedTable", "model_notes", "overview_table", "summary_tables"]

# The figures of a run's table, by metric name; a new column is a new name here.
TABLE_METRICS = ("mae", "cs5", "gender_acc", "age_shift_mean", "age_shift_p90",
                 "gender_flip_rate", "refusal_rate")
COLUMN_GAP = 2  # between two columns of a ``StackedTable``: one cell's padding and the divider
LOW = "!"  # marks a condition answered on under COVERAGE_FLOOR of its items


@dataclass
class StackedTable:
    """A table whose columns stack into blocks when the terminal is too narrow for all of them.

    The first ``key_columns`` columns (what names a row) start every block; each block takes as
    many of the other columns, in order, as fit the width it is rendered at. Cells never wrap or
    shorten, so no figure and no verdict is ever cut. The title (rich markup) comes before the
    first block and the caption after the last, each wrapped to the full width.
    """

    title: str
    headers: Sequence[str]
    key_columns: int = 1
    caption: str | None = None
    right: frozenset[str] = frozenset()
    rows: list[list[str]] = field(default_factory=list)

    def add_row(self, *cells: str) -> None:
        if len(cells) != len(self.headers):
            raise ValueError(f"need {len(self.headers)} cells, got {len(cells)}")
        self.rows.append(list(cells))

    def _table(self, columns: Sequence[int]) -> Table:
        table = Table(box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False, padding=(0, 1, 0, 0))
        for index in columns:
            header = self.headers[index]
            table.add_column(header, justify="right" if header in self.right else "left",
                             no_wrap=True)
        for row in self.rows:
            table.add_row(*(row[index] for index in columns))
        return table

    def blocks(self, console: Console, width: int) -> list[Table]:
        """The tables to print at ``width`` columns."""
        # A table of these columns is as wide as its columns each alone, plus a gap between
        # neighbours (tests pin this against rich's own measure): one measure per column.
        widths = [self._width(console, [index]) for index in range(len(self.headers))]
        keys = list(range(self.key_columns))
        groups: list[list[int]] = []
        for index in range(self.key_columns, len(self.headers)):
            candidate = [*keys, *(groups[-1] if groups else []), index]
            span = sum(widths[i] for i in candidate) + COLUMN_GAP * (len(candidate) - 1)
            if groups and span <= width:
                groups[-1].append(index)
            else:
                groups.append([index])
        return [self._table([*keys, *group]) for group in groups or [[]]]

    def _width(self, console: Console, columns: Sequence[int]) -> int:
        table = self._table(columns)
        return Measurement.get(console, console.options.update(width=10_000), table).maximum

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        yield Text.from_markup(self.title, style="italic")
        yield from self.blocks(console, options.max_width)
        if self.caption:
            yield Text.from_markup(self.caption, style="dim")

    def __rich_measure__(self, console: Console, options: ConsoleOptions) -> Measurement:
        return Measurement(1, options.max_width)


def _fmt(value: float | None, *, percent: bool = False,
         ci: tuple[float, float] | None = None) -> str:
    if value is None:
        return "–"
    text = f"{100 * value:.1f}%" if percent else f"{value:.2f}"
    if ci is not None:
        lo, hi = (100 * ci[0], 100 * ci[1]) if percent else ci
        text += f" [{lo:.1f}, {hi:.1f}]" if percent else f" [{lo:.2f}, {hi:.2f}]"
    return text


def _figure(estimate: Estimate, name: str) -> str:
    return _fmt(estimate.value, percent=metric(name).unit == "share", ci=estimate.ci)


def summary_tables(
    models: Mapping[str, Any], *, simulated: set[str] | None = None
) -> list[StackedTable]:
    """One table per model and prompt: the clean row, then each condition against clean."""
    tables = []
    for name, figures in models_from_json(models).items():
        label = f"{name} [bold yellow](SIMULATED)[/]" if name in (simulated or set()) else name
        blocks = [*figures.clean_by_prompt.values(), *figures.conditions]
        refusals = any((b.value("refusal_rate") or 0) > 0 for b in blocks)
        for prompt, clean in figures.clean_by_prompt.items():
            title = f"{label}, prompt {prompt}" if prompt else label
            tables.append(_table(title, clean, figures.conditions_of(prompt), refusals=refusals))
    return tables


def _table(title: str, clean: ConditionFigures, conditions: Sequence[ConditionFigures], *,
           refusals: bool) -> StackedTable:
    names = [n for n in TABLE_METRICS if refusals or n != "refusal_rate"]
    counts = list(dict.fromkeys(metric(n).n_key for n in names if metric(n).n_key != "n"))
    headers = ["condition", "n", "ans", *(metric(n).label for n in names), *counts]
    table = StackedTable(title=title, headers=headers, caption=_caption(clean),
                         right=frozenset(headers[1:]))
    for block in (clean, *conditions):
        estimates = [block.estimate(n) for n in names]
        n_by_key = {metric(n).n_key: e.n for n, e in zip(names, estimates, strict=True)
                    if n in block.figures}
        table.add_row(
            block.label + (f" {LOW}" if block.low_coverage else ""), str(block.n),
            str(block.answered),
            *(_figure(e, n) if n in block.figures else "" for n, e in zip(names, estimates,
                                                                          strict=True)),
            *(str(n_by_key[key]) if key in n_by_key else "" for key in counts),
        )
    return table


def _caption(clean: ConditionFigures) -> str:
    return (
        f"clean: MAE {_figure(clean.estimate('mae'), 'mae')}, "
        f"CS@5 {_figure(clean.estimate('cs5'), 'cs5')}, "
        f"gender accuracy {_figure(clean.estimate('gender_acc'), 'gender_acc')}. "
        "Figures with their 95 % CIs (cluster bootstrap; exact Clopper-Pearson for rates where "
        "no subject repeats or the bootstrap degenerates). n: items; ans: answered; the *_n "
        "columns count the items each figure is over (age_n: MAE and CS@5, gender_n: gender "
        "accuracy, shift_n: |Δage| and p90, flip_n: flips, asked_n: refusals). |Δage| and "
        "flips are against each sample's clean answer. "
        f"{LOW}: answered on under {COVERAGE_FLOOR:.0%} of its items"
    )


def overview_table(
    models: Mapping[str, Any], *, simulated: set[str] | None = None
) -> StackedTable:
    """Families down, model (and prompt) across: mean |Δage| at severities 1 → 5, at a glance."""
    typed = models_from_json(models)
    columns = [(name, prompt) for name, figures in typed.items()
               for prompt in figures.clean_by_prompt]
    headers = ["perturbation"] + [
        f"{name}{' (SIMULATED)' if name in (simulated or set()) else ''}"
        + (f" {prompt}" if prompt else "") for name, prompt in columns]
    table = StackedTable(
        title="mean |Δage| against the clean answer, severity 1 → 5 (gender flip rate at 5)",
        headers=headers, right=frozenset(headers[1:]),
        caption=f"{LOW}: a condition answered on under {COVERAGE_FLOOR:.0%} of its items",
    )
    families = list(dict.fromkeys(c.perturbation for f in typed.values() for c in f.conditions))
    for family in families:
        cells = []
        for name, prompt in columns:
            rows = sorted((c for c in typed[name].conditions_of(prompt)
                           if c.perturbation == family), key=lambda c: c.severity)
            shifts = " ".join(_short(c.value("age_shift_mean")) + (LOW if c.low_coverage else "")
                              for c in rows)
            flips = _fmt(rows[-1].value("gender_flip_rate"), percent=True) if rows else "–"
            cells.append(f"{shifts} ({flips})")
        table.add_row(family, *cells)
    return table


def _short(value: float | None) -> str:
    return "–" if value is None else f"{value:.1f}"


def model_notes(models: Mapping[str, Any]) -> list[str]:
    """One line per MLLM figure the tables leave out: prompt sensitivity, refusals by kind."""
    lines = []
    for name, figures in models_from_json(models).items():
        sensitivity = figures.prompt_sensitivity
        if sensitivity and sensitivity.get("samples"):
            lines.append(
                f"{name}: across prompts {', '.join(sensitivity['prompts'])} the clean answer's "
                f"age moves by SD {_fmt(sensitivity['age_sd_mean'])} (mean range "
                f"{_fmt(sensitivity['age_range_mean'])} years; {sensitivity['samples']} samples), "
                f"gender differs on {_fmt(sensitivity['gender_disagreement_rate'], percent=True)}"
            )
        for prompt, clean in figures.clean_by_prompt.items():
            if clean.refusal_by_kind:
                listed = ", ".join(f"{kind} {_fmt(rate, percent=True)}"
                                   for kind, rate in clean.refusal_by_kind.items())
                lines.append(f"{name} [{prompt or 'no prompt'}] clean refusals by kind: {listed}")
    return lines


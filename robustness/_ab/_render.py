"""Terminal rendering of an ``ABResult``: one rich table, then the lines a table cannot hold.

Short metric names, one decimal in the differences, and the verdict as "A better" / "B better" /
"–"; the caption and the lines below it say what the marks mean. A terminal too narrow for every
column gets the table in stacked blocks (``StackedTable``), so no verdict is ever cut.
``to_json`` keeps every detail.
"""

from __future__ import annotations

from robustness._ab._result import ABResult, ABRow
from robustness._ab._significance import WILCOXON_ZERO_METHOD, min_informative
from robustness._tables import StackedTable

__all__ = ["ab_lines", "ab_table"]

# Rates are shown in percent (points for differences); ages in years.
_RATES = frozenset({"gender_acc", "refusal_rate"})
_NAMES = {"mae": "MAE", "gender_acc": "gender", "refusal_rate": "refusals",
          "age_shift": "|Δage|"}
_STYLES = {"A better": "bold cyan", "B better": "bold green"}


def _condition(row: ABRow) -> str:
    return "clean" if row.perturbation == "none" else f"{row.perturbation} s{row.severity}"


def _value(row: ABRow, value: float) -> str:
    if row.metric in _RATES:
        return f"{100 * value:.1f}".removesuffix(".0") + "%"
    return f"{value:.2f}"


def _diff(row: ABRow) -> str:
    scale = 100.0 if row.metric in _RATES else 1.0
    text = f"{scale * row.diff:+.1f}"
    if row.ci is not None:
        text += f" [{scale * row.ci[0]:+.1f}, {scale * row.ci[1]:+.1f}]"
        if row.ci_method != "bca":
            text += "*"
    return text


def _p(value: float | None) -> str:
    if value is None:
        return "–"
    return f"{value:.0e}" if value < 0.001 else f"{value:.3f}"


def ab_table(result: ABResult) -> StackedTable:
    """The comparison as a table: one line per condition × metric, stacked to fit the terminal."""
    title = f"A/B: A = {result.a}, B = {result.b}"
    if result.simulated:
        title += " [bold yellow](SIMULATED)[/]"
    level = round(100 * (1 - result.alpha), 1)
    caption = (
        f"{result.pairs} pairs; unpaired: {result.a_only} only in A, {result.b_only} only in B. "
        f"B − A (rates in points) with its {level:g}% BCa bootstrap CI, clustered by subject. "
        f"p: Wilcoxon signed-rank (zero_method={WILCOXON_ZERO_METHOD}) for MAE and |Δage| "
        f"(shift from the clean answer), exact McNemar for gender accuracy and refusals. "
        f"Holm: p after Holm's correction across the rows; verdicts at alpha {result.alpha:g}."
    )
    headers = ("condition", "metric", "n", "A", "B", "B − A [CI]", "p", "Holm", "verdict")
    table = StackedTable(title=title, headers=headers, key_columns=2, caption=caption,
                         right=frozenset(headers[2:8]))
    for row in result.rows:
        verdict: str = row.verdict if row.verdict in _STYLES else "–"
        if verdict in _STYLES:
            verdict = f"[{_STYLES[verdict]}]{verdict}[/]"
        table.add_row(_condition(row), _NAMES.get(row.metric, row.metric), str(row.n),
                      _value(row, row.a_value), _value(row, row.b_value), _diff(row),
                      _p(row.p), _p(row.p_holm), verdict)
    return table


def ab_lines(result: ABResult) -> list[str]:
    """The legend for the marks the table uses, and notes on the comparison, one line each."""
    lines = [f"note: {note}" for note in result.notes]
    if result.label_conflicts:
        lines.append(f"note: {result.label_conflicts} pairs whose arms disagree on the label were "
                     "compared as unlabelled")
    if any(row.p_holm is None for row in result.rows):
        lines.append(f"Holm –: fewer than {min_informative(result.alpha)} informative pairs "
                     "(non-zero differences, discordant pairs), too few to ever reach alpha; "
                     "left out of the correction")
    if any(row.ci_method == "percentile" for row in result.rows):
        lines.append("*: percentile interval, BCa being degenerate there (e.g. every resample "
                     "gives the same mean)")
    for row in result.rows:
        # Notes that qualify a finding; the rest are covered by the legend above.
        if row.note and row.verdict != "no detectable difference":
            lines.append(f"{_condition(row)} {row.metric}: {row.note}")
    if result.simulated:
        lines.append("[bold yellow]SIMULATED[/bold yellow]: answers came from the suite's "
                     "simulated MLLM server, not a real model")
    return lines

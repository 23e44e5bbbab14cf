"""``compare``: two arms' answers to the same items → paired differences, tests, Holm, verdicts.

Per condition (perturbation, severity; clean included; replicates pooled) and per metric
(``_measures``): the mean paired difference B − A with a clustered BCa interval (``_bootstrap``),
a paired test (``_significance``), then Holm across every testable row of the experiment
(``_holm``). A row's verdict names the better arm only when its Holm-adjusted p is ≤ alpha; which
arm is better follows the test's own direction (signed ranks, discordant counts), and "better"
means lower MAE, refusal rate and age shift, and higher gender accuracy.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

import numpy as np

from robustness._ab._bootstrap import clustered_bca
from robustness._ab._holm import holm
from robustness._ab._measures import MEASURES, CleanIndex, Measure, index_clean
from robustness._ab._pairs import Pair, pair_items
from robustness._ab._result import ABResult, ABRow, Verdict
from robustness._ab._significance import (
    TestOutcome,
    min_informative,
    paired_binary,
    signed_rank,
)
from robustness._exceptions import ConfigError
from robustness._metrics import statistic_rng
from robustness._types import ItemResult

__all__ = ["arm_label", "compare", "validate_settings"]


def compare(
    a: Sequence[ItemResult],
    b: Sequence[ItemResult],
    *,
    seed: int,
    n_boot: int = 2000,
    alpha: float = 0.05,
    a_label: str | None = None,
    b_label: str | None = None,
) -> ABResult:
    """Compare arm B with arm A on the items both answered.

    Args:
        a: Arm A's items (one model and prompt; the baseline or reference arm).
        b: Arm B's items for the same questions (the candidate or newer arm).
        seed: Seeds every bootstrap (each row from its own stream, keyed by its name).
        n_boot: Bootstrap resamples per row (at least 100).
        alpha: Family-wise error rate for the verdicts; the intervals have level 1 − alpha.
        a_label: How to name arm A; default: its model/prompt.
        b_label: How to name arm B; default: its model/prompt.

    Raises:
        ConfigError: A bad ``seed``, ``n_boot`` or ``alpha``, or an arm with two items for one
            question.
    """
    validate_settings(seed=seed, n_boot=n_boot, alpha=alpha)
    seed = int(seed)  # a NumPy integer would hash differently in ``statistic_rng``
    pairing = pair_items(a, b)
    clean = index_clean(a, b)
    by_condition: dict[tuple[str, int], list[Pair]] = {}
    for pair in pairing.pairs:
        by_condition.setdefault(pair.condition, []).append(pair)
    drafts: list[tuple[ABRow, TestOutcome, Measure]] = []
    for condition in sorted(by_condition, key=lambda c: (c[0] != "none", c[0], c[1])):
        for measure in MEASURES:
            draft = _row(condition, measure, by_condition[condition], clean,
                         seed=seed, n_boot=n_boot, alpha=alpha)
            if draft is not None:
                drafts.append(draft)
    family = [i for i, (_, outcome, _) in enumerate(drafts) if outcome.testable]
    adjusted = dict(zip(family, holm([drafts[i][1].p for i in family]), strict=True))
    rows = tuple(
        _finish(row, outcome, measure, adjusted.get(i), alpha)
        for i, (row, outcome, measure) in enumerate(drafts)
    )
    return ABResult(
        a=a_label or arm_label(a, "A"), b=b_label or arm_label(b, "B"), alpha=alpha,
        seed=seed, n_boot=n_boot, pairs=len(pairing.pairs), a_only=pairing.a_only,
        b_only=pairing.b_only, label_conflicts=pairing.label_conflicts, rows=rows,
    )


def validate_settings(*, seed: int, n_boot: int, alpha: float) -> None:
    """Raise ``ConfigError`` quoting a bad seed, resample count or alpha."""
    if isinstance(seed, bool) or not isinstance(seed, int | np.integer):
        raise ConfigError(f"seed must be an integer, got {seed!r}")
    if isinstance(n_boot, bool) or not isinstance(n_boot, int) or n_boot < 100:
        raise ConfigError(f"n_boot must be an integer of at least 100, got {n_boot!r}")
    if isinstance(alpha, bool) or not isinstance(alpha, int | float) or not 0 < alpha < 0.5:
        raise ConfigError(f"alpha must be a number strictly between 0 and 0.5, got {alpha!r}")


def _row(
    condition: tuple[str, int], measure: Measure, pairs: Sequence[Pair], clean: CleanIndex,
    *, seed: int, n_boot: int, alpha: float,
) -> tuple[ABRow, TestOutcome, Measure] | None:
    """The row of one condition × metric, before Holm; ``None`` when no pair is eligible."""
    paired = measure.extract(pairs, clean)
    if len(paired.a) == 0:
        return None
    perturbation, severity = condition
    diffs = paired.b - paired.a
    if measure.binary:
        outcome = paired_binary(paired.a, paired.b, paired.clusters, alpha=alpha)
    else:
        outcome = signed_rank(diffs, paired.clusters, alpha=alpha)
    rng = statistic_rng(seed, "ab", perturbation, severity, measure.name)
    interval = clustered_bca(diffs, paired.clusters, n_boot=n_boot, rng=rng, level=1.0 - alpha)
    notes = []
    if interval is None:
        notes.append("one cluster: no interval")
    elif interval.note:
        notes.append(interval.note)
    if not outcome.testable:
        unit = "discordant units" if measure.binary else "non-zero differences"
        notes.append(f"{outcome.informative} {unit} < {min_informative(alpha)}: cannot reach "
                     f"alpha {alpha:g}; not in the Holm family")
    diff = float(diffs.mean())
    row = ABRow(
        perturbation=perturbation, severity=severity, metric=measure.name, n=len(diffs),
        clusters=len(set(paired.clusters)), a_value=float(paired.a.mean()),
        b_value=float(paired.b.mean()), diff=diff,
        ci=(interval.low, interval.high) if interval is not None else None,
        ci_method=interval.method if interval is not None else None,
        test=outcome.test, p=outcome.p, p_holm=None, verdict="no detectable difference",
        b01=outcome.b01, b10=outcome.b10, note="; ".join(notes) or None,
    )
    return row, outcome, measure


def _finish(
    row: ABRow, outcome: TestOutcome, measure: Measure, p_holm: float | None, alpha: float
) -> ABRow:
    """The row with its Holm p-value and verdict."""
    if p_holm is None or p_holm > alpha or outcome.direction == 0:
        return replace(row, p_holm=p_holm)
    b_higher = outcome.direction > 0
    verdict: Verdict = "B better" if b_higher == measure.higher_is_better else "A better"
    note = row.note
    # Signed ranks look at typical pairs, the mean at all of them; a few large differences
    # can pull the mean the other way. The verdict follows the test; the reader should know.
    if row.diff and np.sign(row.diff) != outcome.direction:
        note = "; ".join(filter(None, [note, "the mean difference points the other way"]))
    return replace(row, p_holm=p_holm, verdict=verdict, note=note)


def arm_label(rows: Sequence[ItemResult], fallback: str) -> str:
    """``model/prompt`` when the arm has exactly one of each, else the fallback letter."""
    arms = {(row.model, row.prompt) for row in rows}
    if len(arms) != 1:
        return fallback
    model, prompt = next(iter(arms))
    return f"{model}/{prompt}" if prompt else model

"""What an A/B comparison returns: one ``ABRow`` per condition × metric, in an ``ABResult``."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

from robustness._ab._significance import WILCOXON_ZERO_METHOD

__all__ = ["VERDICTS", "ABResult", "ABRow", "Verdict"]

Verdict = Literal["A better", "B better", "no detectable difference"]
VERDICTS: tuple[Verdict, ...] = ("A better", "B better", "no detectable difference")


@dataclass(frozen=True, slots=True)
class ABRow:
    """One condition × metric.

    ``diff`` is B − A over the eligible pairs (``n`` of them, in ``clusters`` clusters) and ``ci``
    its clustered bootstrap interval at level 1 − alpha (not Holm-adjusted). ``p`` is the raw
    p-value of ``test``; ``p_holm`` is ``None`` for a row left out of the Holm family because its
    test could not reach alpha (``note`` says why). ``b01``/``b10`` (binary metrics) count the
    pairs where only B / only A has the outcome (is correct, refused).
    """

    perturbation: str
    severity: int
    metric: str
    n: int
    clusters: int
    a_value: float
    b_value: float
    diff: float
    ci: tuple[float, float] | None
    ci_method: str | None
    test: str
    p: float
    p_holm: float | None
    verdict: Verdict
    b01: int | None = None
    b10: int | None = None
    note: str | None = None

    def to_json(self) -> dict[str, Any]:
        """A plain dict; see ``ABResult.to_json``."""
        return {
            "perturbation": self.perturbation, "severity": self.severity, "metric": self.metric,
            "n": self.n, "clusters": self.clusters, "a_value": self.a_value,
            "b_value": self.b_value, "diff": self.diff,
            "ci": list(self.ci) if self.ci is not None else None, "ci_method": self.ci_method,
            "test": self.test, "p": self.p, "p_holm": self.p_holm, "verdict": self.verdict,
            "b01": self.b01, "b10": self.b10, "note": self.note,
        }


@dataclass(frozen=True, slots=True)
class ABResult:
    """A whole A/B comparison: its arms, its settings, what paired, and its rows.

    ``a_only``/``b_only`` count items with no partner in the other arm; ``label_conflicts`` pairs
    whose arms disagree on the label (they are compared as unlabelled). ``simulated`` is true when
    any answer came from the simulated MLLM server; ``runs`` names the stored runs compared.
    """

    a: str
    b: str
    alpha: float
    seed: int
    n_boot: int
    pairs: int
    a_only: int
    b_only: int
    label_conflicts: int
    rows: tuple[ABRow, ...]
    simulated: bool = False
    runs: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()

    @property
    def regressions(self) -> tuple[ABRow, ...]:
        """Rows where B, the newer or candidate arm, is significantly worse than A."""
        return tuple(row for row in self.rows if row.verdict == "A better")

    def to_json(self) -> dict[str, Any]:
        """A plain, JSON-ready dict, whose keys are a contract.

        ::

            {"a", "b", "alpha", "correction": "holm", "wilcoxon_zero_method": "pratt",
             "ci_level", "cluster", "seed", "n_boot", "pairs",
             "unpaired": {"a_only", "b_only"}, "label_conflicts", "simulated", "runs", "notes",
             "rows": [{"perturbation", "severity", "metric", "n", "clusters", "a_value",
                       "b_value", "diff", "ci": [lo, hi] | null, "ci_method", "test", "p",
                       "p_holm", "verdict", "b01", "b10", "note"}]}

        ``metric`` is ``mae``, ``gender_acc``, ``refusal_rate`` or ``age_shift``; rates are
        fractions; ``diff`` and ``ci`` are B − A; ``ci_method`` is ``bca``, ``percentile`` or
        null; ``test`` is ``wilcoxon-pratt``, ``mcnemar-exact`` or ``mcnemar-exact-clusters``.
        """
        return {
            "a": self.a, "b": self.b, "alpha": self.alpha, "correction": "holm",
            "wilcoxon_zero_method": WILCOXON_ZERO_METHOD, "ci_level": 1.0 - self.alpha,
            "cluster": "subject_id, else sample_id", "seed": self.seed, "n_boot": self.n_boot,
            "pairs": self.pairs, "unpaired": {"a_only": self.a_only, "b_only": self.b_only},
            "label_conflicts": self.label_conflicts, "simulated": self.simulated,
            "runs": list(self.runs), "notes": list(self.notes),
            "rows": [row.to_json() for row in self.rows],
        }

"""A/B comparisons of two prompts, two models, or a run and its stored baseline, on the same items.

``compare`` pairs the two arms' answers by (sample, perturbation, severity, replicate, repeat) and,
per condition, compares MAE, gender accuracy, refusal rate and (perturbed conditions) the age shift
from the clean answer: the mean paired difference B − A with a BCa bootstrap interval clustered by
subject, Wilcoxon signed-rank (``zero_method="pratt"``) or exact McNemar tests, and Holm's
correction across every row before a verdict names the better arm (``FIELD.md`` §9).

``run_ab`` runs both arms as one evaluation; ``compare_with_baseline`` compares two stored runs.
Everything is seeded: the same inputs and seed give the same result, and nothing touches NumPy's
global random state.

Example:
    >>> from robustness._ab import compare          # doctest: +SKIP
    >>> result = compare(rows_a, rows_b, seed=0)      # doctest: +SKIP
    >>> [row.verdict for row in result.regressions]  # doctest: +SKIP
"""

from __future__ import annotations

from robustness._ab._compare import compare
from robustness._ab._experiment import baseline_arms, compare_with_baseline, run_ab
from robustness._ab._holm import holm
from robustness._ab._render import ab_lines, ab_table
from robustness._ab._result import VERDICTS, ABResult, ABRow, Verdict
from robustness._ab._significance import WILCOXON_ZERO_METHOD

__all__ = [
    "VERDICTS",
    "WILCOXON_ZERO_METHOD",
    "ABResult",
    "ABRow",
    "Verdict",
    "ab_lines",
    "ab_table",
    "baseline_arms",
    "compare",
    "compare_with_baseline",
    "holm",
    "run_ab",
]

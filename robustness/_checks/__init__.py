"""The robustness checks' thresholds and cases, for the pytest plugin and its test modules."""

from ._cases import Case, cases_for
from ._counterexamples import search_case
from ._thresholds import DEFAULTS, Thresholds, load_thresholds
from ._verdicts import Evaluation, Failure, check

__all__ = [
    "DEFAULTS",
    "Case",
    "Evaluation",
    "Failure",
    "Thresholds",
    "cases_for",
    "check",
    "load_thresholds",
    "search_case",
]

"""The robustness checks' thresholds and cases, for the pytest plugin and its test modules."""

from ._cases import Case, cases_for
from ._thresholds import DEFAULTS, Thresholds, load_thresholds

__all__ = ["DEFAULTS", "Case", "Thresholds", "cases_for", "load_thresholds"]

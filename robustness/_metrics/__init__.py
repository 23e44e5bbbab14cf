"""Metrics over stored predictions: accuracy against labels, stability against the clean image,
coverage and refusals by kind, prompt sensitivity, test–retest noise from repeats, and
cluster-bootstrap intervals (``DESIGN.md`` Metrics; ``FIELD.md`` §2, §6, §8).

``summarize`` builds the "models" section of a run's JSON summary; the small pure functions below it
are public so reports and checks compute the same numbers the same way.
"""

from __future__ import annotations

from robustness._metrics._accuracy import cs_at, in_age_group, mae, mean_or_none
from robustness._metrics._bootstrap import bootstrap_mean_ci, cluster_key, statistic_rng
from robustness._metrics._stability import p90
from robustness._metrics._summary import summarize

__all__ = [
    "bootstrap_mean_ci",
    "cluster_key",
    "cs_at",
    "in_age_group",
    "mae",
    "mean_or_none",
    "p90",
    "statistic_rng",
    "summarize",
]

"""Metrics over stored predictions: accuracy against labels, stability against the clean image,
coverage and refusals by kind, prompt sensitivity, test–retest noise from repeats, and their
intervals (``DESIGN.md`` Analysis; ``FIELD.md`` §2, §6, §8).

One definition of each thing: ``METRICS`` (the metric table: name, label, unit, definition, items,
n, interval), the pairing of a perturbed answer with its clean reference and the instability score
(``clean_references``, ``moves``, ``instability``), and the typed results every consumer reads
(``model_figures`` → ``ModelFigures`` → ``ConditionFigures`` → ``Estimate``). ``summarize`` is the
"models" section of a run's JSON summary, ``analysis_settings`` its "intervals" and "metrics".
"""

from __future__ import annotations

from robustness._metrics._accuracy import (
    Observations,
    cs_at,
    in_age_group,
    mae,
    mean_or_none,
    predicted_age,
    predicted_gender,
)
from robustness._metrics._bootstrap import (
    bootstrap_mean_ci,
    cluster_bootstrap,
    cluster_key,
    statistic_rng,
)
from robustness._metrics._definitions import COVERAGE_FLOOR, CS_YEARS, METRICS, Metric, metric
from robustness._metrics._intervals import LEVEL, figure_interval
from robustness._metrics._pairing import (
    FLIP_WEIGHT_YEARS,
    Move,
    Pairing,
    ReferenceKey,
    clean_references,
    compare_answers,
    instability,
    is_clean,
    least_stable_samples,
    moves,
    pairs_instability,
    reference_key,
    sample_instability,
)
from robustness._metrics._results import (
    ConditionFigures,
    Estimate,
    ModelFigures,
    RunSummary,
    models_from_json,
)
from robustness._metrics._stability import p90
from robustness._metrics._summary import (
    N_BOOT,
    analysis_settings,
    model_figures,
    run_summary_of,
    summarize,
)

__all__ = [
    "COVERAGE_FLOOR",
    "CS_YEARS",
    "FLIP_WEIGHT_YEARS",
    "LEVEL",
    "METRICS",
    "N_BOOT",
    "ConditionFigures",
    "Estimate",
    "Metric",
    "ModelFigures",
    "Move",
    "Observations",
    "Pairing",
    "ReferenceKey",
    "RunSummary",
    "analysis_settings",
    "bootstrap_mean_ci",
    "clean_references",
    "cluster_bootstrap",
    "cluster_key",
    "compare_answers",
    "cs_at",
    "figure_interval",
    "in_age_group",
    "instability",
    "is_clean",
    "least_stable_samples",
    "mae",
    "mean_or_none",
    "metric",
    "model_figures",
    "models_from_json",
    "moves",
    "p90",
    "pairs_instability",
    "predicted_age",
    "predicted_gender",
    "reference_key",
    "run_summary_of",
    "sample_instability",
    "statistic_rng",
    "summarize",
]

"""Prompt sensitivity: how far a model's answers for the same clean image spread across prompts.

Only the clean image counts (perturbation ``"none"``, severity 0), replicate 0 and repeat 0, so
neither a perturbation nor re-asking mixes into the spread; if a (prompt, sample) has several such
rows the first wins. Per model, with ``prompts`` its prompt variants in order of appearance
(``None`` for fewer than two: nothing to compare):

- ``samples``: samples with a usable predicted age under at least two prompts.
- ``age_sd_mean``: mean over those samples of the population SD (ddof 0) of their ages across
  prompts; ``age_sd_mean_ci`` its cluster-bootstrap interval (one value per sample).
- ``age_range_mean``: mean over the same samples of max − min of their ages.
- ``gender_disagreement_rate``: share of samples with a predicted gender under at least two
  prompts whose genders are not all the same; ``gender_n`` counts those samples (its own
  denominator, which can differ from ``samples``), ``gender_disagreement_rate_ci`` is its interval
  (a rate's, as ``_intervals`` chooses), and ``ci_method`` names both intervals' methods.
- ``per_prompt_mae``: ``{prompt: clean MAE}``, copied from ``clean_by_prompt`` (all repeats pooled
  there, as everywhere in the accuracy figures).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from robustness._metrics._accuracy import (
    Interval,
    Observations,
    mean_or_none,
    predicted_age,
    predicted_gender,
)
from robustness._metrics._bootstrap import cluster_key
from robustness._metrics._retest import population_sd
from robustness._types import ItemResult

__all__ = ["prompt_sensitivity"]


def _first_answers(
    clean_by_prompt: Mapping[str, Sequence[ItemResult]],
) -> dict[str, dict[str, ItemResult]]:
    """{sample: {prompt: its clean replicate-0 repeat-0 row}}, prompts in the mapping's order."""
    by_sample: dict[str, dict[str, ItemResult]] = {}
    for prompt, rows in clean_by_prompt.items():
        for row in rows:
            if row.replicate == 0 and row.repeat == 0:
                by_sample.setdefault(row.sample_id, {}).setdefault(prompt, row)
    return by_sample


def prompt_sensitivity(
    clean_by_prompt: Mapping[str, Sequence[ItemResult]],
    per_prompt_mae: Mapping[str, float | None],
    interval: Interval,
) -> dict[str, Any] | None:
    """The model's prompt-sensitivity block (module docstring), ``None`` for under two prompts.

    ``clean_by_prompt`` maps each of the model's prompts, in order, to its clean rows.
    """
    if len(clean_by_prompt) < 2:
        return None
    spreads: list[float] = []
    ranges: list[float] = []
    clusters: list[str] = []
    disagreements: list[float] = []
    disagreement_clusters: list[str] = []
    answers = _first_answers(clean_by_prompt)
    for sample in sorted(answers):  # sorted: the figures do not depend on the order of the rows
        rows = list(answers[sample].values())
        ages = [age for row in rows if (age := predicted_age(row)) is not None]
        genders = [gender for row in rows if (gender := predicted_gender(row)) is not None]
        if len(ages) >= 2:
            spreads.append(population_sd(ages))
            ranges.append(max(ages) - min(ages))
            clusters.append(cluster_key(rows[0]))
        if len(genders) >= 2:
            disagreements.append(float(len(set(genders)) > 1))
            disagreement_clusters.append(cluster_key(rows[0]))
    spread_ci, spread_method = interval(
        Observations(np.asarray(spreads, dtype=float), tuple(clusters)), "age_sd_mean", "mean")
    disagreement_ci, disagreement_method = interval(
        Observations(np.asarray(disagreements, dtype=float), tuple(disagreement_clusters)),
        "gender_disagreement_rate", "rate")
    return {
        "prompts": list(clean_by_prompt),
        "samples": len(spreads),
        "age_sd_mean": mean_or_none(spreads),
        "age_sd_mean_ci": spread_ci,
        "age_range_mean": mean_or_none(ranges),
        "gender_disagreement_rate": mean_or_none(disagreements),
        "gender_disagreement_rate_ci": disagreement_ci,
        "gender_n": len(disagreements),
        "ci_method": {"age_sd_mean": spread_method,
                      "gender_disagreement_rate": disagreement_method},
        "per_prompt_mae": {prompt: per_prompt_mae.get(prompt) for prompt in clean_by_prompt},
    }

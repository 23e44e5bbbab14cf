"""The "models" section of a run's JSON summary: accuracy and stability per group.

Rows group by (model, prompt, perturbation, severity); replicates and repeats of one condition pool
into its group. ``n`` counts every planned row of a group, ``answered`` those whose outcome is
``answer`` or ``partial``; the other definitions live in ``_accuracy``, ``_stability``,
``_refusals`` (coverage, error and refusal rates), ``_retest`` (test–retest noise) and ``_prompts``
(prompt sensitivity). Values are plain, unrounded Python floats (rounding is for whoever renders
them) or ``None`` where a metric is undefined; intervals are ``[low, high]`` lists.
"""

from __future__ import annotations

import copy
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import numpy as np

from robustness._exceptions import ConfigError
from robustness._metrics._accuracy import (
    Interval,
    Observations,
    age_errors,
    age_group_hits,
    answered_count,
    cs_at,
    gender_hits,
    mae,
    mean_or_none,
    refusal_rate,
)
from robustness._metrics._bootstrap import bootstrap_mean_ci, statistic_rng
from robustness._metrics._prompts import prompt_sensitivity
from robustness._metrics._refusals import refusal_figures, refusal_table
from robustness._metrics._retest import retest, shift_vs_retest
from robustness._metrics._stability import (
    CleanKey,
    age_shifts,
    gender_flips,
    index_clean,
    is_clean,
    p90,
)
from robustness._types import ItemResult

__all__ = ["summarize"]

GroupKey = tuple[str, str, int]  # (prompt, perturbation, severity)


def summarize(
    results: Iterable[ItemResult], *, seed: int = 0, n_boot: int = 1000
) -> dict[str, dict[str, Any]]:
    """Summarise item results per model: clean accuracy, then one row per perturbed condition.

    ``"clean"`` is the clean condition of the model's first prompt (order of appearance),
    ``"clean_by_prompt"`` has it for every prompt, and ``"conditions"`` lists every other
    (perturbation, severity, prompt), ordered by perturbation (order of appearance), severity, then
    prompt; every block also has coverage, refusal and ``retest`` figures, and each model a
    ``"prompt_sensitivity"`` block and a flat ``"refusals"`` table (clean first; one row per kind).
    Bootstrap intervals (95 %, percentile, clustered by subject else sample) draw from generators
    derived from ``seed`` and the statistic's own key, never from the global RNG.
    """
    if n_boot < 1:
        raise ConfigError(f"n_boot must be at least 1, got {n_boot!r}")
    rows = list(results)
    clean = index_clean(rows)
    groups: dict[str, dict[GroupKey, list[ItemResult]]] = {}
    for row in rows:
        key = (row.prompt, row.perturbation, row.severity)
        groups.setdefault(row.model, {}).setdefault(key, []).append(row)
    return {
        model: _summarize_model(model, by_key, clean, seed=seed, n_boot=n_boot)
        for model, by_key in groups.items()
    }


def _summarize_model(
    model: str,
    by_key: Mapping[GroupKey, list[ItemResult]],
    clean: Mapping[CleanKey, ItemResult],
    *,
    seed: int,
    n_boot: int,
) -> dict[str, Any]:
    prompts = list(dict.fromkeys(prompt for prompt, _, _ in by_key))
    perturbations = list(dict.fromkeys(pert for _, pert, _ in by_key))

    def ci(obs: Observations, key: tuple[object, ...], statistic: str) -> list[float] | None:
        rng = statistic_rng(seed, model, *key, statistic)
        interval = bootstrap_mean_ci(obs.values, obs.clusters, n_boot=n_boot, rng=rng)
        return list(interval) if interval is not None else None

    def keyed(key: tuple[object, ...]) -> Interval:
        return lambda obs, statistic: ci(obs, key, statistic)

    clean_by_prompt: dict[str, dict[str, Any]] = {}
    for prompt in prompts:
        key = (prompt, "none", 0)
        group = by_key.get(key, [])
        errors, genders = age_errors(group), gender_hits(group)
        clean_by_prompt[prompt] = {
            **_accuracy(group, errors, genders),
            "mae_ci": ci(_absolute(errors), key, "mae"),
            "cs5_ci": ci(_within(errors, 5.0), key, "cs5"),
            "gender_acc_ci": ci(genders, key, "gender_acc"),
            "prompt": prompt,
            **refusal_figures(group, keyed(key)),
            "retest": retest(group, keyed(key)),
        }

    conditions: list[dict[str, Any]] = []
    perturbed = [key for key, group in by_key.items() if not is_clean(group[0])]
    perturbed.sort(key=lambda k: (perturbations.index(k[1]), k[2], prompts.index(k[0])))
    for key in perturbed:
        prompt, perturbation, severity = key
        group = by_key[key]
        errors = age_errors(group)
        shifts, flips = age_shifts(group, clean), gender_flips(group, clean)
        shift_mean = mean_or_none(shifts.values)
        conditions.append(
            {
                "perturbation": perturbation,
                "severity": severity,
                "prompt": prompt,
                **_accuracy(group, errors, gender_hits(group)),
                "mae_ci": ci(_absolute(errors), key, "mae"),
                "age_shift_mean": shift_mean,
                "age_shift_mean_ci": ci(shifts, key, "age_shift_mean"),
                "age_shift_p90": p90(shifts.values),
                "gender_flip_rate": mean_or_none(flips.values),
                "gender_flip_rate_ci": ci(flips, key, "gender_flip_rate"),
                **refusal_figures(group, keyed(key)),
                "retest": retest(group, keyed(key)),
                "age_shift_mean_vs_retest": shift_vs_retest(
                    shift_mean, clean_by_prompt[prompt]["retest"]
                ),
            }
        )

    first = clean_by_prompt[prompts[0]]
    sensitivity = prompt_sensitivity(
        {prompt: by_key.get((prompt, "none", 0), []) for prompt in prompts},
        {prompt: block["mae"] for prompt, block in clean_by_prompt.items()},
        keyed(("prompt_sensitivity",)),
    )
    return {
        "clean": copy.deepcopy(first),  # a copy: callers may edit one without the other
        "clean_by_prompt": clean_by_prompt,
        "conditions": conditions,
        "prompt_sensitivity": sensitivity,
        "refusals": refusal_table([*clean_by_prompt.values(), *conditions]),
    }


def _accuracy(
    group: Sequence[ItemResult], errors: Observations, genders: Observations
) -> dict[str, Any]:
    return {
        "n": len(group),
        "answered": answered_count(group),
        "mae": mae(errors.values),
        "cs5": cs_at(errors.values, 5.0),
        "gender_acc": mean_or_none(genders.values),
        "age_group_acc": mean_or_none(age_group_hits(group)),
        "bias": mean_or_none(errors.values),
        "refusal_rate": refusal_rate(group),
    }


# MAE and CS@k are means of per-item values, so they bootstrap like any other mean.
def _absolute(errors: Observations) -> Observations:
    return Observations(np.abs(errors.values), errors.clusters)


def _within(errors: Observations, k: float) -> Observations:
    return Observations((np.abs(errors.values) <= k).astype(float), errors.clusters)

"""A run's figures per model: accuracy, coverage, refusals and stability per group of rows.

Rows group by (model, prompt, perturbation, severity), a model asked with several input modes
being one model per mode (``MODEL (MODE)``, ``robustness._input_modes``); replicates and
repeats of one condition pool into its group. ``n`` counts every planned row of a group,
``answered`` those whose outcome is ``answer`` or ``partial``. Every figure of
``_definitions.METRICS`` is computed here from its own row of that table, with the interval
``_intervals`` chooses; stability pairs come from ``_pairing``, test–retest noise from
``_retest``, prompt sensitivity from ``_prompts``. Values are
plain, unrounded Python floats (rounding is for whoever renders them) or ``None`` where a metric is
undefined.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from robustness._exceptions import ConfigError
from robustness._input_modes import view_name, viewed_models
from robustness._metrics._accuracy import Interval, Observations, answered_count
from robustness._metrics._bootstrap import statistic_rng
from robustness._metrics._definitions import COVERAGE_FLOOR, METRICS, metric_table
from robustness._metrics._intervals import figure_interval, interval_settings
from robustness._metrics._pairing import (
    FLIP_WEIGHT_YEARS,
    Move,
    Pairing,
    is_clean,
)
from robustness._metrics._prompts import prompt_sensitivity
from robustness._metrics._refusals import refusal_by_kind, refusal_table
from robustness._metrics._results import ConditionFigures, Estimate, ModelFigures, RunSummary
from robustness._metrics._retest import retest, shift_vs_retest
from robustness._types import ItemResult

__all__ = ["N_BOOT", "analysis_settings", "model_figures", "run_summary_of", "summarize"]

GroupKey = tuple[str, str, int]  # (prompt, perturbation, severity)

N_BOOT = 1000  # bootstrap resamples per interval, unless the caller says otherwise


def summarize(
    results: Iterable[ItemResult], *, seed: int = 0, n_boot: int = N_BOOT
) -> dict[str, dict[str, Any]]:
    """The "models" section of a run's JSON summary: ``model_figures`` as plain JSON values."""
    return {name: figures.to_json()
            for name, figures in model_figures(results, seed=seed, n_boot=n_boot).items()}


def run_summary_of(
    results: Iterable[ItemResult], *, run: Mapping[str, Any], simulated: Iterable[str] = (),
    seed: int = 0, n_boot: int = N_BOOT, pairing: Pairing | None = None,
) -> RunSummary:
    """The typed summary of a run: its counters, its models' figures, how they were made.
    ``pairing``: of these results, when the caller has it (``model_figures``)."""
    return RunSummary(run=dict(run),
                      models=model_figures(results, seed=seed, n_boot=n_boot, pairing=pairing),
                      simulated=tuple(sorted(simulated)),
                      settings=analysis_settings(seed=seed, n_boot=n_boot))


def analysis_settings(*, seed: int = 0, n_boot: int = N_BOOT) -> dict[str, Any]:
    """The summary's ``intervals``, ``metrics`` and ``instability`` sections: how every figure
    was made, and the score conditions and samples are ranked by."""
    return {
        "intervals": interval_settings(seed=seed, n_boot=n_boot),
        "metrics": metric_table(),
        "instability": {
            "definition": f"mean |Δage| + {FLIP_WEIGHT_YEARS:g} × gender flip rate, against the "
                          "clean answer",
            "flip_weight_years": FLIP_WEIGHT_YEARS,
            "coverage_floor": COVERAGE_FLOOR,
        },
    }


def model_figures(
    results: Iterable[ItemResult], *, seed: int = 0, n_boot: int = N_BOOT,
    pairing: Pairing | None = None,
) -> dict[str, ModelFigures]:
    """Figures per model: the clean block per prompt, then one block per perturbed condition.

    Conditions are ordered by perturbation (order of appearance), severity, then prompt. Every
    interval draws from a generator derived from ``seed`` and the statistic's own key, never from
    the global RNG, so adding a model or condition never moves another figure's interval.
    ``pairing`` pairs these results with their clean answers (made here when not given).
    """
    if n_boot < 1:
        raise ConfigError(f"n_boot must be at least 1, got {n_boot!r}")
    rows = list(results)
    pairing = pairing if pairing is not None else Pairing(rows)
    viewed = viewed_models((row.model, row.input_mode) for row in rows)
    groups: dict[str, dict[GroupKey, list[ItemResult]]] = {}
    for row in rows:
        key = (row.prompt, row.perturbation, row.severity)
        name = view_name(row.model, row.input_mode) if row.model in viewed else row.model
        groups.setdefault(name, {}).setdefault(key, []).append(row)
    return {
        model: _model(model, by_key, pairing, seed=seed, n_boot=n_boot)
        for model, by_key in groups.items()
    }


def _model(
    model: str,
    by_key: Mapping[GroupKey, list[ItemResult]],
    pairing: Pairing,
    *,
    seed: int,
    n_boot: int,
) -> ModelFigures:
    prompts = list(dict.fromkeys(prompt for prompt, _, _ in by_key))
    # One crop per model here: a model asked with several is one labelled model per mode.
    mode = next((rows[0].input_mode for rows in by_key.values() if rows), "")
    perturbations = list(dict.fromkeys(pert for _, pert, _ in by_key))

    def keyed(key: tuple[object, ...]) -> Interval:
        def interval(obs: Observations, statistic: str, kind: str
                     ) -> tuple[list[float] | None, str | None]:
            ci, method = figure_interval(obs.values, obs.clusters,
                                         "rate" if kind == "rate" else "mean", n_boot=n_boot,
                                         rng=statistic_rng(seed, model, *key, statistic))
            return (list(ci) if ci is not None else None), method
        return interval

    def block(key: GroupKey, group: Sequence[ItemResult], pairs: Sequence[Move] | None
              ) -> dict[str, Any]:
        """One block's fields; ``pairs`` is ``None`` for a clean block (no stability figures)."""
        figures: dict[str, Estimate] = {}
        bases: dict[object, Observations] = {}  # figures over the same items share one pass
        for metric in METRICS:
            if metric.perturbed_only and pairs is None:
                continue
            if metric.basis not in bases:
                bases[metric.basis] = metric.basis(group, pairs or [])
            obs = metric.derive(bases[metric.basis])
            ci, method = None, None
            if metric.statistic != "p90":
                rng = statistic_rng(seed, model, *key, metric.name)
                ci, method = figure_interval(obs.values, obs.clusters, metric.statistic,
                                             n_boot=n_boot, rng=rng)
            figures[metric.name] = Estimate(metric.value(obs), len(obs.values), ci, method)
        return {"prompt": key[0], "perturbation": key[1], "severity": key[2], "input_mode": mode,
                "n": len(group),
                "answered": answered_count(group), "figures": figures,
                "refusal_by_kind": refusal_by_kind(group), "retest": retest(group, keyed(key))}

    clean_by_prompt: dict[str, ConditionFigures] = {}
    for prompt in prompts:
        key = (prompt, "none", 0)
        clean_by_prompt[prompt] = ConditionFigures(**block(key, by_key.get(key, []), None))
    conditions: list[ConditionFigures] = []
    perturbed = [key for key, group in by_key.items() if not is_clean(group[0])]
    perturbed.sort(key=lambda k: (perturbations.index(k[1]), k[2], prompts.index(k[0])))
    for key in perturbed:
        group = by_key[key]
        fields = block(key, group, pairing.moves(group))
        shift = fields["figures"]["age_shift_mean"].value
        conditions.append(ConditionFigures(
            **fields, age_shift_mean_vs_retest=shift_vs_retest(
                shift, clean_by_prompt[key[0]].retest)))

    sensitivity = prompt_sensitivity(
        {prompt: by_key.get((prompt, "none", 0), []) for prompt in prompts},
        {prompt: b.value("mae") for prompt, b in clean_by_prompt.items()},
        keyed(("prompt_sensitivity",)),
    )
    return ModelFigures(
        model=model, clean_by_prompt=clean_by_prompt, conditions=tuple(conditions),
        prompt_sensitivity=sensitivity,
        refusals=tuple(refusal_table([*clean_by_prompt.values(), *conditions])))

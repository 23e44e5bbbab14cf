"""A/B experiments on the engine: one evaluation holding both arms, or a run against a baseline.

``run_ab`` runs (or resumes) ONE evaluation holding both arms (two prompts, two models, or two
input modes of one model): the same plan, the same seeded
images, the same store, so every item of A has its twin in B by construction, and a rerun resumes
both arms at once.
``compare_with_baseline`` pairs two runs by sample, condition, replicate and repeat, one
comparison per (model, prompt) the runs share: the baseline is arm A, the newer run arm B, so a
verdict "A better" is a regression (what ``--fail-on-regression`` fails on).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import Literal

from robustness._ab._compare import arm_label, compare, validate_settings
from robustness._ab._result import ABResult
from robustness._api import RunOptions, execute_plan, plan_run
from robustness._exceptions import ConfigError
from robustness._store import Store
from robustness._types import ItemResult

__all__ = ["ArmKey", "baseline_arms", "compare_with_baseline", "run_ab"]

ArmKey = tuple[str, str]  # (model, prompt)


def run_ab(
    options: RunOptions,
    *,
    a: str,
    b: str,
    kind: Literal["prompt", "model", "input_mode"],
    n_boot: int = 2000,
    alpha: float = 0.05,
    on_start: Callable[[int], None] = lambda total: None,
    on_progress: Callable[[int], None] = lambda advance: None,
) -> ABResult:
    """Run both arms as one evaluation, then compare B with A on the items they share.

    Args:
        options: The run; ``kind="prompt"`` needs exactly one model (one that takes prompts) and
            replaces ``prompts`` with ``(a, b)``; ``kind="model"`` needs exactly one prompt and
            replaces ``models`` with ``(a, b)``; ``kind="input_mode"`` needs exactly one model and
            one prompt and replaces ``input_modes`` with ``(a, b)``. ``options.seed`` also seeds
            the bootstraps.
        a: Arm A: a prompt id, a model name or an input mode (``face``, ``body``, …).
        b: Arm B, of the same kind.
        kind: What differs between the arms.
        n_boot: Bootstrap resamples per row.
        alpha: Family-wise error rate (Holm) of the verdicts.
        on_start: Called once with the number of planned items, before any is run.
        on_progress: Called with the number of items finished, as ``execute_plan`` does.

    Raises:
        ConfigError: Bad arms or options, as ``plan_run`` and ``compare`` raise them.
    """
    # Settings first: a typo in --alpha must not cost a whole evaluation before it is reported.
    validate_settings(seed=options.seed, n_boot=n_boot, alpha=alpha)
    if kind not in ("prompt", "model", "input_mode"):
        raise ConfigError(f"kind must be 'prompt', 'model' or 'input_mode', got {kind!r}")
    what = kind.replace("_", " ")
    if not a or not b or a == b:
        raise ConfigError(f"an A/B needs two different {what}s, got {a!r} and {b!r}")
    if options.dry_run:
        raise ConfigError("an A/B compares answers; a dry run has none")
    if kind != "input_mode" and len(options.input_modes) > 1:
        raise ConfigError(f"a {what} A/B asks with one input mode, got "
                          f"{','.join(options.input_modes)}; compare modes with --a-input-mode "
                          "and --b-input-mode")
    if kind != "model" and len(options.models) != 1:
        raise ConfigError(f"a {what} A/B runs one model, got {list(options.models)!r}")
    if kind == "prompt":
        options = replace(options, prompts=(a, b))
    elif kind == "input_mode":
        if len(options.prompts) != 1:
            raise ConfigError(f"an input mode A/B asks one prompt, got {list(options.prompts)!r}")
        options = replace(options, input_modes=(a, b))
    else:
        if len(options.prompts) != 1:
            raise ConfigError(f"a model A/B asks one prompt, got {list(options.prompts)!r}")
        options = replace(options, models=(a, b))
    plan = plan_run(options)
    try:
        if kind == "prompt" and not all(model.takes_prompts for model in plan.models):
            raise ConfigError(f"model {options.models[0]!r} takes no prompt, so a prompt A/B "
                              "would compare it with itself; name an MLLM")
        if kind == "input_mode" and plan.notices:  # the model cannot take one of the arms
            raise ConfigError(f"{plan.notices[0]}; an input mode A/B needs both")
        on_start(plan.requests)
    except BaseException:
        for model in plan.models:  # execute_plan closes them once it runs; not before
            model.close()
        raise
    result = execute_plan(plan, on_progress=on_progress)
    with Store(options.store) as store:
        rows = store.item_results(result.run_id)
    field = kind
    arm_a = [row for row in rows if getattr(row, field) == a]
    arm_b = [row for row in rows if getattr(row, field) == b]
    outcome = compare(arm_a, arm_b, seed=options.seed, n_boot=n_boot, alpha=alpha,
                      a_label=arm_label(arm_a, a), b_label=arm_label(arm_b, b))
    notes = []
    if result.stats.stopped_at_budget:
        notes.append("the run stopped at --max-requests: unfinished items are unpaired")
    return replace(outcome, simulated=bool(result.summary.get("simulated")),
                   runs=(result.run_id,), notes=tuple(notes))


def baseline_arms(
    store: Store, run_id: str, baseline_run_id: str
) -> tuple[list[ArmKey], list[ArmKey], list[ArmKey]]:
    """The (model, prompt) arms both runs hold, those only the run holds, only the baseline."""
    known = store.run_ids()
    for name in (run_id, baseline_run_id):
        if name not in known:
            raise ConfigError(f"no run {name!r} in {store.path}; runs: {', '.join(known)}")
    if run_id == baseline_run_id:
        raise ConfigError(f"the run and its baseline are the same run {run_id!r}")
    ours, theirs = _arms(store, run_id), _arms(store, baseline_run_id)
    return (sorted(ours.keys() & theirs.keys()), sorted(ours.keys() - theirs.keys()),
            sorted(theirs.keys() - ours.keys()))


def compare_with_baseline(
    store: Store, run_id: str, baseline_run_id: str, *, seed: int = 0, n_boot: int = 2000,
    alpha: float = 0.05,
) -> list[ABResult]:
    """One comparison per (model, prompt) both runs hold: A = the baseline, B = ``run_id``.

    Raises:
        ConfigError: A run is not in the store, the two are the same, or they share no arm.
    """
    validate_settings(seed=seed, n_boot=n_boot, alpha=alpha)
    common, _, _ = baseline_arms(store, run_id, baseline_run_id)
    if not common:
        raise ConfigError(f"runs {run_id!r} and {baseline_run_id!r} share no model/prompt")
    ours, theirs = _arms(store, run_id), _arms(store, baseline_run_id)
    simulated = _simulated(store, run_id) | _simulated(store, baseline_run_id)
    notes = _config_notes(store, run_id, baseline_run_id)
    results = []
    for key in common:
        name = f"{key[0]}/{key[1]}" if key[1] else key[0]
        result = compare(theirs[key], ours[key], seed=seed, n_boot=n_boot, alpha=alpha,
                         a_label=f"{name} @ {baseline_run_id}", b_label=f"{name} @ {run_id}")
        results.append(replace(result, simulated=key[0] in simulated,
                               runs=(baseline_run_id, run_id), notes=notes))
    return results


def _arms(store: Store, run_id: str) -> dict[ArmKey, list[ItemResult]]:
    arms: dict[ArmKey, list[ItemResult]] = {}
    for row in store.item_results(run_id):
        arms.setdefault((row.model, row.prompt), []).append(row)
    return arms


def _simulated(store: Store, run_id: str) -> set[str]:
    return {str(row["model"]) for row in store.item_rows(run_id) if row["simulated"]}


def _config_notes(store: Store, run_id: str, baseline_run_id: str) -> tuple[str, ...]:
    """Differences between the runs' settings that change what a pair means."""
    ours, theirs = store.run_config(run_id), store.run_config(baseline_run_id)
    notes = []
    for key, meaning in (("seed", "perturbed images differ between the arms (clean ones do not)"),
                         ("data", "the runs read different datasets"),
                         ("face_margin", "the runs cropped faces differently")):
        if ours.get(key) != theirs.get(key):
            notes.append(f"{key} differs ({theirs.get(key)!r} → {ours.get(key)!r}): {meaning}")
    return tuple(notes)

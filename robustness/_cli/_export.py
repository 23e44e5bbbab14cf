"""``robustness export``: a run's items as CSV (spreadsheets) or Parquet (pandas, DuckDB)."""

from __future__ import annotations

from pathlib import Path

import click

from .._api import DEFAULT_STORE
from .._export import export_items
from .._store import Store
from ._common import OUTPUT_FILE, out, user_errors

__all__ = ["export"]


@click.command()
@click.option("--store", type=click.Path(path_type=Path, exists=True, dir_okay=False),
              default=DEFAULT_STORE, show_default=True, help="SQLite result store.")
@click.option("--out", "out_path", type=OUTPUT_FILE, required=True,
              help="File to write: .csv, or .parquet (needs the [parquet] extra).")
@click.option("--run", "run_id", default=None, help="Run id. Default: the latest run.")
@click.option("--raw-csv", is_flag=True,
              help="Write CSV text cells verbatim, without the leading ' that stops a "
                   "spreadsheet from reading =, +, -, @ as a formula.")
@user_errors
def export(store: Path, out_path: Path, run_id: str | None, raw_csv: bool) -> None:
    """Export one row per planned item of a run to CSV or Parquet."""
    with Store(store) as opened:
        count = export_items(opened, out_path, run_id=run_id, raw_csv=raw_csv)
    out.print(f"{count} rows written to {out_path}", markup=False, highlight=False,
              soft_wrap=True)

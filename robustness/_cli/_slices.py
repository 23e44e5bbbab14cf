"""``--slice-by`` on ``robustness ab``: each compared run's slices, printed and for the JSON."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from .._ab import ABResult
from .._extra_tables import slice_table
from .._slices import stored_slices
from .._store import Store
from ._common import out

__all__ = ["print_ab_slices"]


def print_ab_slices(store_path: Path, results: Sequence[ABResult], columns: Sequence[str], *,
                    seed: int) -> dict[str, dict[str, Any]]:
    """Slices of every run the comparison read (both arms are in it), by run id, then arm."""
    runs = list(dict.fromkeys(run for result in results for run in result.runs))
    found: dict[str, dict[str, Any]] = {}
    with Store(store_path) as store:
        for run_id in runs:
            found[run_id] = stored_slices(store, run_id, columns, seed=seed)
    for run_id, arms in found.items():
        for arm, by_column in arms.items():
            for table in by_column.values():
                out.print(slice_table(f"{arm} (run {run_id})", "", table))
    return found

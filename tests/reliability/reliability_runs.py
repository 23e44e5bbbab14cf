"""Shared pieces of the fault matrix: runs (in process and by the CLI) and the ledger.

A module of its own name, not ``conftest``: test modules of several folders import helpers, and
``from conftest import`` would pick whichever folder's conftest was imported first.
"""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from faultserver import FaultServer

from robustness import ModelSettings, RunOptions, RunResult, run_evaluation

Serve = Callable[..., FaultServer]


def run_here(data: Path, store: Path, server: FaultServer, *, limit: int = 6,
             **settings: Any) -> RunResult:
    """A small llava run on face crops against ``server``, in this process."""
    options = dict(concurrency=4, timeout_s=1.0, input_mode="face")
    return run_evaluation(RunOptions(
        data=data, models=("llava",), perturbations=(), limit=limit, store=store,
        model_settings=ModelSettings(base_url=server.base_url, **{**options, **settings}),
    ))


def cli_args(data: Path, store: Path, server: FaultServer, *extra: str) -> list[str]:
    return [sys.executable, "-m", "robustness", "run", "--model", "llava",
            "--base-url", server.base_url, "--input-mode", "face", "--data", str(data),
            "--store", str(store), *extra]


def cli(args: list[str], **options: Any) -> subprocess.Popen[str]:
    return subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            **options)


def ledger(store: Path) -> tuple[int, int, int, int]:
    """(items, distinct items, items in error, predictions) as stored; zeros before the schema."""
    if not store.exists():
        return 0, 0, 0, 0
    db = sqlite3.connect(store, timeout=10)
    try:
        if not db.execute("SELECT 1 FROM sqlite_master WHERE name = 'predictions'").fetchone():
            return 0, 0, 0, 0
        items, distinct, errors = db.execute(
            "SELECT COUNT(*), COUNT(DISTINCT run_id || model || prompt || sample_id || "
            "perturbation || severity || replicate || repeat), "
            "COALESCE(SUM(error IS NOT NULL), 0) FROM items").fetchone()
        predictions = db.execute("SELECT COUNT(*) FROM predictions").fetchone()[0]
    finally:
        db.close()
    return int(items), int(distinct), int(errors), int(predictions)


def assert_exact(store: Path, server: FaultServer, planned: int, *, label: str = "",
                 note: str = "") -> None:
    """0 items lost, 0 duplicated, 0 requests paid twice, every paid answer kept.

    Prints the figures as one ``matrix:`` line (the README's table: ``pytest tests/reliability
    -s -q | grep matrix:``).
    """
    items, distinct, errors, predictions = ledger(store)
    paid = server.answered()
    print(f"\nmatrix: {label}: {planned} planned, {items - errors} stored with an answer, "
          f"{items - distinct} duplicated, {len(server.log)} requests, {paid.total()} paid, "
          f"{sum(n - 1 for n in paid.values())} paid twice{note}")
    assert (items, distinct, errors) == (planned, planned, 0)
    paid = server.answered()
    assert max(paid.values()) == 1, f"paid twice: {[d for d, n in paid.items() if n > 1]}"
    assert predictions == len(paid) == planned

"""User errors: one clear line on stderr, exit code 2, no traceback."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest


def _fails(*args: str) -> str:
    result = subprocess.run(
        [sys.executable, "-m", "robustness", *args], capture_output=True, text=True
    )
    assert result.returncode == 2, (result.stdout, result.stderr)
    assert "Traceback" not in result.stderr
    return result.stderr


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--model", "gpt-17"], "unknown model 'gpt-17'"),
        (["--perturbations", "sepia"], "unknown perturbation 'sepia'"),
        (["--severities", "2,9"], "severities must be among 1-5"),
        (["--severities", "two"], "expected comma-separated integers"),
        (["--limit", "0"], "--limit must be at least 1"),
        (["--replicates", "0"], "replicates must be at least 1"),
    ],
)
def test_bad_run_options(tmp_path: Path, args: list[str], message: str) -> None:
    (tmp_path / "labels.csv").write_text("path,age,gender\nx.jpg,30,male\n")
    stderr = _fails("run", "--data", str(tmp_path), "--store", str(tmp_path / "r.sqlite"), *args)
    assert message in stderr
    assert stderr.startswith("error:") and len(stderr.strip().splitlines()) == 1


def test_missing_dataset(tmp_path: Path) -> None:
    stderr = _fails("run", "--data", str(tmp_path / "nowhere"), "--store", str(tmp_path / "s"))
    assert "nowhere" in stderr and stderr.startswith("error:")
    assert len(stderr.strip().splitlines()) == 1


def test_store_that_is_not_a_store(tmp_path: Path) -> None:
    bogus = tmp_path / "bogus.sqlite"
    bogus.write_text("not sqlite " * 200)
    stderr = _fails("export", "--store", str(bogus), "--out", str(tmp_path / "e.csv"))
    assert "cannot open the store" in stderr and len(stderr.strip().splitlines()) == 1


def test_export_of_an_empty_store(tmp_path: Path) -> None:
    from robustness._store import Store

    Store(tmp_path / "empty.sqlite").close()
    stderr = _fails("export", "--store", str(tmp_path / "empty.sqlite"), "--out",
                    str(tmp_path / "e.csv"))
    assert "holds no runs" in stderr

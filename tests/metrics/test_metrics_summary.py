"""The summary's shape: the key contract, ordering, prompts, JSON, and a property test."""

from __future__ import annotations

import json
from typing import Any

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from metrics_rows import row

import robustness._metrics as metrics
from robustness._metrics import summarize
from robustness._types import ItemResult

# Keys added for MLLM runs (prompts, repeats, refusal kinds); the original keys stay as they were.
BLOCK_ADDED = {"coverage", "refusal_by_kind", "error_rate", "unparseable_rate", "refusal_rate_ci",
               "retest"}
# Keys added with the metric table: every figure's interval beside it, its n, the interval
# methods, the low-coverage flag, and the condition (clean is none/0) on every block.
INTERVALS_ADDED = {"cs5_ci", "gender_acc_ci", "age_group_acc_ci", "bias_ci", "coverage_ci",
                   "error_rate_ci", "unparseable_rate_ci", "age_n", "gender_n", "age_group_n",
                   "asked_n", "ci_method", "low_coverage", "perturbation", "severity",
                   "input_mode"}  # the crop shown, with input mode as a condition
CLEAN_KEYS = {"n", "answered", "mae", "mae_ci", "cs5", "cs5_ci", "gender_acc", "gender_acc_ci",
              "age_group_acc", "bias", "refusal_rate", "prompt"} | BLOCK_ADDED | INTERVALS_ADDED
CONDITION_KEYS = {"perturbation", "severity", "prompt", "n", "answered", "mae", "mae_ci", "cs5",
                  "gender_acc", "age_group_acc", "bias", "refusal_rate", "age_shift_mean",
                  "age_shift_mean_ci", "age_shift_p90", "gender_flip_rate", "gender_flip_rate_ci"
                  } | BLOCK_ADDED | {"age_shift_mean_vs_retest"} | INTERVALS_ADDED | {
                  "shift_n", "flip_n", "instability"}
MODEL_KEYS = {"clean", "clean_by_prompt", "conditions", "prompt_sensitivity", "refusals",
              "simulated", "input_mode"}
RETEST_KEYS = {"repeats", "groups", "age_sd_mean", "age_sd_mean_ci", "age_diff_mean",
               "gender_change_rate", "gender_change_rate_ci", "gender_n", "ci_method"}
SENSITIVITY_KEYS = {"prompts", "samples", "age_sd_mean", "age_sd_mean_ci", "age_range_mean",
                    "gender_disagreement_rate", "gender_disagreement_rate_ci", "gender_n",
                    "ci_method", "per_prompt_mae"}
RATES = ("cs5", "gender_acc", "age_group_acc", "refusal_rate", "gender_flip_rate", "coverage",
         "error_rate", "unparseable_rate")


def item(
    sample_id: str, perturbation: str = "none", severity: int = 0, **fields: Any
) -> ItemResult:
    return row(sample_id, perturbation=perturbation, severity=severity, **fields)


def test_public_surface_is_pinned() -> None:
    assert metrics.__all__ == [
        "COVERAGE_FLOOR", "CS_YEARS", "FLIP_WEIGHT_YEARS", "LEVEL", "METRICS", "N_BOOT",
        "ConditionFigures", "Estimate", "Metric", "ModelFigures", "Move", "Observations", "Pairing",
        "ReferenceKey", "RunSummary", "analysis_settings", "bootstrap_mean_ci",
        "clean_references", "cluster_bootstrap", "cluster_key", "compare_answers", "cs_at",
        "figure_interval", "in_age_group", "instability", "is_clean", "least_stable_samples",
        "mae", "mean_or_none", "metric", "model_figures", "models_from_json", "moves", "p90",
        "pairs_instability", "predicted_age", "predicted_gender", "reference_key",
        "run_summary_of", "sample_instability", "statistic_rng", "summarize",
    ]


def test_keys_ordering_and_prompts() -> None:
    order = [("none", 0), ("jpeg", 3), ("blur", 2), ("jpeg", 1), ("blur", 1)]
    rows = [item("s", pert, sev, prompt=prompt, age=30, age_true=30)
            for prompt in ("B", "A") for pert, sev in order]
    summary = summarize(rows, n_boot=20)
    assert list(summary) == ["m"]
    model = summary["m"]
    assert set(model) == MODEL_KEYS
    assert set(model["clean"]) == CLEAN_KEYS
    assert model["clean"]["prompt"] == "B"  # first prompt in order of appearance
    assert list(model["clean_by_prompt"]) == ["B", "A"]
    assert model["clean_by_prompt"]["B"] == model["clean"]
    assert model["clean_by_prompt"]["A"]["prompt"] == "A"
    assert all(set(row) == CONDITION_KEYS for row in model["conditions"])
    assert [(r["perturbation"], r["severity"], r["prompt"]) for r in model["conditions"]] == [
        ("jpeg", 1, "B"), ("jpeg", 1, "A"), ("jpeg", 3, "B"), ("jpeg", 3, "A"),
        ("blur", 1, "B"), ("blur", 1, "A"), ("blur", 2, "B"), ("blur", 2, "A"),
    ]
    assert summarize([]) == {}
    # two prompts: prompt sensitivity is there (no repeats: no retest), and no refusals at all
    assert set(model["prompt_sensitivity"]) == SENSITIVITY_KEYS
    assert model["prompt_sensitivity"]["prompts"] == ["B", "A"]
    assert model["clean"]["retest"] is None and model["refusals"] == []


def test_model_without_clean_rows() -> None:
    model = summarize([item("s", "blur", 1, age=30, age_true=25)], n_boot=20)["m"]
    assert model["clean"]["n"] == 0 and model["clean"]["mae"] is None
    assert model["conditions"][0]["mae"] == 5.0


def _check_values(node: Any) -> None:
    """Numbers are plain Python ints and floats: no NumPy scalars, no NaN."""
    if isinstance(node, dict):
        for value in node.values():
            _check_values(value)
    elif isinstance(node, list):
        for value in node:
            _check_values(value)
    else:
        assert node is None or type(node) in (str, int, float, bool), type(node)


def test_ten_thousand_rows_json_ready() -> None:
    # Also the suite's speed guard: 10k rows, 1000 resamples per interval, well under a second.
    gen = np.random.default_rng(0)
    rows = []
    for s in range(2000):
        truth = float(gen.integers(1, 90))
        for pert, sev in (("none", 0), ("blur", 1), ("blur", 3), ("jpeg", 1), ("jpeg", 5)):
            rows.append(item(f"s{s}", pert, sev, age=truth + float(gen.normal(0, 5 + sev)),
                             age_true=truth, gender="male", gender_true=("male", "female")[s % 2],
                             subject_id=f"p{s // 4}"))
    summary = summarize(rows, n_boot=1000)
    json.dumps(summary, allow_nan=False)
    _check_values(summary)
    model = summary["m"]
    assert model["clean"]["n"] == 2000 and len(model["conditions"]) == 4
    lo, hi = model["clean"]["mae_ci"]
    assert lo < model["clean"]["mae"] < hi


_ages = st.one_of(st.none(), st.floats(-10, 150, allow_nan=False))
_bounds = st.one_of(st.none(), st.integers(0, 100).map(float))
_genders = st.sampled_from([None, "male", "female"])
_rows = st.builds(
    ItemResult,
    model=st.sampled_from(["m1", "m2"]),
    prompt=st.sampled_from(["", "p"]),
    sample_id=st.sampled_from(["a", "b", "c", "d"]),
    perturbation=st.sampled_from(["none", "blur", "jpeg"]),
    severity=st.integers(0, 2),
    replicate=st.integers(0, 1),
    repeat=st.integers(0, 1),
    outcome=st.sampled_from(["answer", "partial", "refusal", "unparseable", "error"]),
    age=_ages,
    gender=_genders,
    age_true=_ages,
    age_low=_bounds,
    age_high=_bounds,
    gender_true=_genders,
    subject_id=st.sampled_from([None, "x", "y"]),
    refusal_kind=st.sampled_from([None, "policy", "safety"]),
)


@settings(max_examples=150, deadline=None)
@given(st.lists(_rows, max_size=40), st.integers(0, 2**32))
def test_summarize_never_raises_and_rates_are_fractions(rows: list[ItemResult], seed: int) -> None:
    summary = summarize(rows, seed=seed, n_boot=20)
    json.dumps(summary, allow_nan=False)
    _check_values(summary)
    for model in summary.values():
        groups = [model["clean"], *model["clean_by_prompt"].values(), *model["conditions"]]
        for group in groups:
            assert 0 <= group["answered"] <= group["n"]
            for key in RATES:
                value = group.get(key)
                assert value is None or 0.0 <= value <= 1.0, (key, value)
            for key in ("mae", "age_shift_mean", "age_shift_p90"):
                assert group.get(key) is None or group[key] >= 0.0
            for key, value in group.items():
                if key.endswith("_ci") and value is not None:
                    assert value[0] <= value[1]
            _check_added_figures(group)
        _check_model_figures(model)


def _check_interval(interval: list[float] | None, low: float, high: float) -> None:
    assert interval is None or low <= interval[0] <= interval[1] <= high, interval


def _check_added_figures(group: dict[str, Any]) -> None:
    """The MLLM figures of one block: fractions are fractions, and they add up as they must."""
    kinds = group["refusal_by_kind"]
    assert all(0.0 <= rate <= 1.0 for rate in kinds.values())
    assert sum(kinds.values()) <= 1.0 + 1e-9  # each asked row has at most one kind
    if group["n"]:
        assert group["coverage"] + group["error_rate"] <= 1.0 + 1e-9
    else:
        assert group["coverage"] is None and group["error_rate"] is None
    _check_interval(group["refusal_rate_ci"], 0.0, 1.0)
    retest = group["retest"]
    if retest is not None:
        assert set(retest) == RETEST_KEYS and retest["repeats"] >= 2
        assert retest["age_sd_mean"] is None or retest["age_sd_mean"] >= 0.0
        assert (retest["age_sd_mean"] is None) == (retest["groups"] == 0)
        rate = retest["gender_change_rate"]
        assert rate is None or 0.0 <= rate <= 1.0
        _check_interval(retest["age_sd_mean_ci"], 0.0, float("inf"))
    ratio = group.get("age_shift_mean_vs_retest")
    assert ratio is None or ratio >= 0.0


def _check_model_figures(model: dict[str, Any]) -> None:
    sensitivity = model["prompt_sensitivity"]
    assert (sensitivity is None) == (len(model["clean_by_prompt"]) < 2)
    if sensitivity is not None:
        assert set(sensitivity) == SENSITIVITY_KEYS
        rate = sensitivity["gender_disagreement_rate"]
        assert rate is None or 0.0 <= rate <= 1.0
        sd, spread = sensitivity["age_sd_mean"], sensitivity["age_range_mean"]
        assert (sd is None) == (spread is None) == (sensitivity["samples"] == 0)
        if sd is not None:
            assert 0.0 <= sd <= spread / 2 + 1e-6  # a population SD is at most half the range
        _check_interval(sensitivity["age_sd_mean_ci"], 0.0, float("inf"))
    for refusal in model["refusals"]:
        assert set(refusal) == {"perturbation", "severity", "prompt", "kind", "rate"}
        assert 0.0 < refusal["rate"] <= 1.0

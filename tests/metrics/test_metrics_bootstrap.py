"""Cluster bootstrap: seeded, clustered, and blind to the global NumPy RNG."""

from __future__ import annotations

import random
from typing import Any

import numpy as np
import pytest
from metrics_rows import row

from robustness._exceptions import ConfigError
from robustness._metrics import bootstrap_mean_ci, cluster_key, statistic_rng, summarize
from robustness._types import ItemResult


def item(sample_id: str, **fields: Any) -> ItemResult:
    return row(sample_id, **fields)


def labelled_rows(model: str = "m", n: int = 60) -> list[ItemResult]:
    gen = np.random.default_rng(7)
    rows = []
    for i in range(n):
        truth = float(gen.integers(10, 70))
        for pert, sev in (("none", 0), ("blur", 1)):
            rows.append(item(f"s{i}", model=model, perturbation=pert, severity=sev,
                             age=truth + float(gen.normal(0, 4)), age_true=truth,
                             gender=("male", "female")[int(gen.integers(2))],
                             gender_true=("male", "female")[i % 2]))
    return rows


def test_ci_contains_point_estimate() -> None:
    values = np.random.default_rng(3).normal(5.0, 2.0, size=200)
    clusters = [f"c{i}" for i in range(200)]
    lo, hi = bootstrap_mean_ci(values, clusters, n_boot=1000, rng=np.random.default_rng(0))
    assert lo < values.mean() < hi
    assert hi - lo == pytest.approx(2 * 1.96 * 2.0 / np.sqrt(200), rel=0.25)  # ≈ normal theory


def test_deterministic_for_a_seed() -> None:
    values, clusters = [1.0, 2.0, 4.0, 8.0], ["a", "b", "c", "d"]
    first = bootstrap_mean_ci(values, clusters, n_boot=500, rng=statistic_rng(1, "x"))
    again = bootstrap_mean_ci(values, clusters, n_boot=500, rng=statistic_rng(1, "x"))
    assert first == again
    rows = labelled_rows()
    assert summarize(rows, seed=5) == summarize(rows, seed=5)
    assert summarize(rows, seed=5) != summarize(rows, seed=6)


def test_adding_a_model_or_reordering_rows_keeps_intervals() -> None:
    alone = summarize(labelled_rows("m"), seed=2)["m"]
    together = summarize(labelled_rows("other") + labelled_rows("m"), seed=2)["m"]
    assert together == alone
    shuffled = labelled_rows("m")
    random.Random(0).shuffle(shuffled)
    reordered = summarize(shuffled, seed=2)["m"]["clean"]["mae_ci"]
    assert reordered == pytest.approx(alone["clean"]["mae_ci"])


def test_clustered_interval_is_wider() -> None:
    # Two subjects with 50 identical images each (errors 2 and 8) vs 100 independent samples of
    # the same values. Clustered: a resample is {2, 5, 8} with chance 1/4, 1/2, 1/4, so the 95 %
    # interval is [2, 8]. Independent: sd 3 / sqrt(100) -> about 5 ± 0.6.
    values = [2.0] * 50 + [8.0] * 50
    by_subject = ["A"] * 50 + ["B"] * 50
    by_sample = [f"s{i}" for i in range(100)]
    lo_c, hi_c = bootstrap_mean_ci(values, by_subject, n_boot=1000, rng=np.random.default_rng(0))
    lo_i, hi_i = bootstrap_mean_ci(values, by_sample, n_boot=1000, rng=np.random.default_rng(0))
    assert (lo_c, hi_c) == (2.0, 8.0)
    assert hi_i - lo_i < 2.0 and hi_c - lo_c > 3 * (hi_i - lo_i)


def test_summarize_clusters_by_subject_when_known() -> None:
    # p0: 50 images all off by 0, p1: 50 images all off by 10 (subject_id set: clusters of 50)
    subjects = [item(f"s{i}", age=[30, 40][i // 50], age_true=30, subject_id=f"p{i // 50}")
                for i in range(100)]
    assert cluster_key(subjects[0]) == "subject:p0"
    assert cluster_key(item("s1")) == "sample:s1"
    # the same errors on 100 samples without subjects: 100 clusters of one
    independent = [item(f"s{i}", age=[30, 40][i // 50], age_true=30) for i in range(100)]
    clean_c = summarize(subjects, n_boot=1000)["m"]["clean"]
    clean_i = summarize(independent, n_boot=1000)["m"]["clean"]
    assert clean_c["mae"] == clean_i["mae"] == 5.0
    assert clean_c["mae_ci"] == [0.0, 10.0]  # resamples of two clusters: 0, 5 or 10
    lo, hi = clean_i["mae_ci"]
    assert 3.0 < lo < 5.0 < hi < 7.0  # 5 ± 1.96 * 5 / sqrt(100) ≈ 5 ± 1


def test_one_cluster_gives_no_mean_interval_and_an_exact_rate_interval_at_n_1() -> None:
    assert bootstrap_mean_ci([1.0, 2.0, 3.0], ["a"] * 3, n_boot=100,
                             rng=np.random.default_rng(0)) is None
    assert bootstrap_mean_ci([], [], n_boot=100, rng=np.random.default_rng(0)) is None
    rows = [item(f"s{i}", age=30 + i, age_true=30, gender="male", gender_true="male",
                 subject_id="only") for i in range(10)]
    clean = summarize(rows)["m"]["clean"]
    assert clean["mae"] == 4.5 and clean["mae_ci"] is None
    # One person's ten images are one piece of evidence: the exact interval at n = 1 cluster.
    assert clean["cs5"] == 0.6 and clean["ci_method"]["cs5"] == "clopper-pearson-clusters"
    lo, hi = clean["cs5_ci"]
    assert 0.0 < lo < 0.01 and 0.99 < hi < 1.0
    assert clean["gender_acc_ci"] == pytest.approx([0.025, 1.0])  # 1 of 1 cluster right


def test_global_rng_neither_used_nor_touched() -> None:
    rows = labelled_rows()
    np.random.seed(1)
    before = np.random.get_state()
    first = summarize(rows, seed=3)
    after = np.random.get_state()
    assert before[0] == after[0] and np.array_equal(before[1], after[1]) and before[2:] == after[2:]
    np.random.seed(12345)
    assert summarize(rows, seed=3) == first


def test_bad_arguments_raise() -> None:
    with pytest.raises(ConfigError, match="n_boot must be at least 1, got 0"):
        bootstrap_mean_ci([1.0, 2.0], ["a", "b"], n_boot=0, rng=np.random.default_rng(0))
    with pytest.raises(ConfigError, match="got -5"):
        summarize([], n_boot=-5)
    with pytest.raises(ValueError, match="one cluster per value"):
        bootstrap_mean_ci([1.0, 2.0], ["a"], n_boot=10, rng=np.random.default_rng(0))


@pytest.mark.parametrize("seed", range(12))
def test_the_summary_s_percentile_interval_is_scipy_s_to_the_bit(seed: int) -> None:
    # bootstrap_mean_ci replaces scipy.stats.bootstrap in the summary for speed only: same
    # draws, same ratios, same quantiles. Batched draws (clusters x resamples > 2M cells) too.
    from robustness._metrics._bootstrap import bootstrap_mean_ci, cluster_bootstrap

    gen = np.random.default_rng(seed)
    n = int(gen.integers(2, 500))
    values = (gen.normal(30, 9, n) if seed % 2 else (gen.random(n) < 0.3).astype(float))
    clusters = [f"sample:{int(c)}" for c in gen.integers(0, int(gen.integers(2, n + 1)), n)]
    n_boot = (2, 999, 1000, 12_000)[seed % 4]
    expected = cluster_bootstrap(values, clusters, n_boot=n_boot, rng=statistic_rng(seed, "x"))
    got = bootstrap_mean_ci(values, clusters, n_boot=n_boot, rng=statistic_rng(seed, "x"))
    if expected is None:
        assert got is None
    else:
        assert got == (float(expected.confidence_interval.low),
                       float(expected.confidence_interval.high))

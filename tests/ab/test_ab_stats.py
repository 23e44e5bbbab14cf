"""The A/B statistics by themselves: Holm, exact McNemar, Pratt signed ranks, clustered BCa."""

from __future__ import annotations

import numpy as np
import pytest
from scipy.stats import binomtest, bootstrap, wilcoxon

from robustness._ab._bootstrap import clustered_bca
from robustness._ab._holm import holm
from robustness._ab._significance import min_informative, paired_binary, signed_rank


def test_holm_matches_the_hand_computation() -> None:
    # sorted: 0.01 × 3 = 0.03; 0.03 × 2 = 0.06; 0.04 × 1 = 0.04, raised to the running max 0.06
    assert holm([0.01, 0.04, 0.03]) == pytest.approx([0.03, 0.06, 0.06])
    # capped at 1, and the order of the input is kept
    assert holm([0.5, 0.6, 0.001]) == pytest.approx([1.0, 1.0, 0.003])
    assert holm([]) == []


@pytest.mark.parametrize("bad", [-0.1, 1.5, float("nan")])
def test_holm_rejects_non_probabilities_quoting_them(bad: float) -> None:
    with pytest.raises(ValueError, match=repr(bad)):
        holm([0.2, bad])


def test_min_informative_is_where_the_most_extreme_outcome_reaches_alpha() -> None:
    assert min_informative(0.05) == 6  # 2 · 0.5**6 = 0.031 ≤ 0.05 < 2 · 0.5**5 = 0.0625
    assert min_informative(0.01) == 8
    assert min_informative(0.0625) == 5


def test_exact_mcnemar_is_binomtest_on_the_discordant_pairs() -> None:
    # 9 pairs where only B has the outcome, 2 where only A has it, 20 concordant.
    a = np.array([0] * 9 + [1] * 2 + [1] * 10 + [0] * 10, dtype=float)
    b = np.array([1] * 9 + [0] * 2 + [1] * 10 + [0] * 10, dtype=float)
    clusters = [f"sample:{i}" for i in range(len(a))]
    outcome = paired_binary(a, b, clusters, alpha=0.05)
    assert (outcome.b01, outcome.b10, outcome.test) == (9, 2, "mcnemar-exact")
    assert outcome.p == binomtest(9, 11, 0.5).pvalue == pytest.approx(134 / 2048)
    assert outcome.direction == 1 and outcome.testable


def test_clustered_binary_test_counts_clusters_not_pairs() -> None:
    # Two subjects, each with 5 images where only B has the outcome: 10 discordant pairs, but
    # only 2 independent units, which can never reach 0.05.
    a = np.zeros(10)
    b = np.ones(10)
    clusters = ["subject:1"] * 5 + ["subject:2"] * 5
    outcome = paired_binary(a, b, clusters, alpha=0.05)
    assert (outcome.b01, outcome.b10) == (10, 0)
    assert outcome.test == "mcnemar-exact-clusters" and outcome.informative == 2
    assert outcome.p == binomtest(2, 2, 0.5).pvalue == 0.5 and not outcome.testable


def test_zero_heavy_integer_differences_use_pratt() -> None:
    d = np.array([0.0] * 30 + [1.0] * 9 + [2.0] * 3 + [-1.0] * 2)
    clusters = [f"sample:{i}" for i in range(len(d))]
    outcome = signed_rank(d, clusters, alpha=0.05)
    assert outcome.test == "wilcoxon-pratt"
    assert outcome.p == pytest.approx(wilcoxon(d, zero_method="pratt").pvalue)
    # the choice matters here: the other zero methods give other p-values
    assert outcome.p != pytest.approx(wilcoxon(d, zero_method="zsplit").pvalue)
    assert outcome.p != pytest.approx(wilcoxon(d, zero_method="wilcox").pvalue)
    assert outcome.informative == 14 and outcome.direction == 1 and outcome.testable


def test_all_zero_differences_give_p_one_and_too_few_are_untestable() -> None:
    zeros = signed_rank(np.zeros(40), [str(i) for i in range(40)], alpha=0.05)
    assert zeros.p == 1.0 and zeros.informative == 0 and zeros.direction == 0
    few = signed_rank(np.array([0.0] * 20 + [3.0] * 5), [str(i) for i in range(25)], alpha=0.05)
    assert few.informative == 5 and not few.testable and 0.0 < few.p <= 1.0


def test_signed_rank_works_on_cluster_means() -> None:
    d = np.array([1.0, 3.0, -2.0, 0.0, 4.0, 4.0, 1.0, 2.0])
    clusters = ["s1", "s1", "s2", "s2", "s3", "s4", "s5", "s6"]
    means = np.array([2.0, -1.0, 4.0, 4.0, 1.0, 2.0])  # s1 .. s6
    outcome = signed_rank(d, clusters, alpha=0.05)
    assert outcome.p == pytest.approx(wilcoxon(means, zero_method="pratt").pvalue)


@pytest.mark.parametrize("draw", ["normal", "exponential"])
def test_bca_without_clusters_agrees_with_scipy(draw: str) -> None:
    source = np.random.default_rng(7)
    values = source.normal(0.3, 1.0, 150) if draw == "normal" else source.exponential(1.0, 150)
    ours = clustered_bca(values, [str(i) for i in range(150)], n_boot=20_000,
                         rng=np.random.default_rng(1))
    theirs = bootstrap((values,), np.mean, method="BCa", n_resamples=20_000,
                       rng=np.random.default_rng(2)).confidence_interval
    assert ours is not None and ours.method == "bca"
    assert ours.low == pytest.approx(theirs.low, abs=0.012)
    assert ours.high == pytest.approx(theirs.high, abs=0.012)


def test_two_subjects_give_a_wider_interval_than_independent_samples() -> None:
    values = np.array([4.0, 5.0, 6.0] * 7 + [-2.0, -1.0, 0.0] * 7)
    subjects = ["subject:1"] * 21 + ["subject:2"] * 21
    samples = [f"sample:{i}" for i in range(42)]
    clustered = clustered_bca(values, subjects, n_boot=4000, rng=np.random.default_rng(0))
    independent = clustered_bca(values, samples, n_boot=4000, rng=np.random.default_rng(0))
    assert clustered is not None and independent is not None
    assert clustered.low < independent.low < independent.high < clustered.high
    assert clustered.high - clustered.low > 3 * (independent.high - independent.low)
    assert clustered.low == pytest.approx(-1.0) and clustered.high == pytest.approx(5.0)


def test_constant_differences_fall_back_to_percentile_and_say_so() -> None:
    interval = clustered_bca(np.full(30, 2.0), [str(i) for i in range(30)], n_boot=500,
                             rng=np.random.default_rng(0))
    assert interval is not None and interval.method == "percentile"
    assert (interval.low, interval.high) == (2.0, 2.0)
    assert interval.note is not None and "BCa degenerate" in interval.note


def test_one_cluster_gives_no_interval() -> None:
    assert clustered_bca([1.0, 2.0, 3.0], ["s"] * 3, n_boot=200,
                         rng=np.random.default_rng(0)) is None
    assert clustered_bca([], [], n_boot=200, rng=np.random.default_rng(0)) is None

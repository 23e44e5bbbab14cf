"""Test–retest noise from repeats, hand-computed (the arithmetic is in the comments)."""

from __future__ import annotations

import math
from typing import Any

import pytest
from metrics_rows import row

from robustness._metrics import summarize
from robustness._types import ItemResult


def item(sample_id: str, repeat: int = 0, outcome: str = "answer", **fields: Any) -> ItemResult:
    return row(sample_id, outcome, repeat=repeat, **fields)


# Clean image asked three times (repeats 0, 1, 2):
#   sample  repeat 0    repeat 1            repeat 2    ages        pop. SD       genders
#   a       30 male     34 male             refusal     30, 34      2             agree
#   b       20 female   22 male             24 female   20, 22, 24  sqrt(8/3) (*) change
#   c       50 male     50 male             50 male     50, 50, 50  0             agree
#   d       40 female   partial: male only  error       40          (out)         change
#   e       25          -                   -           one repeat: no group
#   (*) mean 22, squared deviations 4 + 0 + 4 = 8, over 3 rows
# repeats 3; groups a, b, c = 3; age_sd_mean = (2 + sqrt(8/3) + 0) / 3 ≈ 1.2110
# gender_change_rate: groups with two or more genders a, b, c, d; b and d change: 2 / 4
CLEAN = [
    item("a", 0, age=30, gender="male"),
    item("a", 1, age=34, gender="male"),
    item("a", 2, "refusal"),
    item("b", 0, age=20, gender="female"),
    item("b", 1, age=22, gender="male"),
    item("b", 2, age=24, gender="female"),
    *(item("c", r, age=50, gender="male") for r in range(3)),
    item("d", 0, age=40, gender="female"),
    item("d", 1, "partial", gender="male"),
    item("d", 2, "error"),
    item("e", 0, age=25),
]
CLEAN_SD = (2 + math.sqrt(8 / 3)) / 3
# age_diff_mean: mean |difference| over each group's pairs of ages, then over groups:
#   a: |30 - 34| = 4;  b: |20-22|, |20-24|, |22-24| = 2, 4, 2 -> 8/3;  c: 0
#   (4 + 8/3 + 0) / 3 = 20/9 ≈ 2.222
CLEAN_DIFF = 20 / 9

# blur 1, sample a, repeats 0 and 1, each paired with the clean answer of its own repeat:
#   repeat 0: 36 vs 30 -> shift 6;  repeat 1: 30 vs 34 -> shift 4;  age_shift_mean 5
#   retest: one group (a, replicate 0), ages 36, 30 -> SD 3, mean pair difference 6; no genders
# jpeg 1, sample a, replicates 0 and 1 at repeat 0: two groups of one repeat each -> no retest
#   shifts vs clean a repeat 0 (30): 31 -> 1, 33 -> 3; age_shift_mean 2
PERTURBED = [
    item("a", 0, age=36, perturbation="blur", severity=1),
    item("a", 1, age=30, perturbation="blur", severity=1),
    item("a", 0, age=31, perturbation="jpeg", severity=1),
    item("a", 0, age=33, perturbation="jpeg", severity=1, replicate=1),
]


def test_retest_of_the_clean_block() -> None:
    retest = summarize(CLEAN, n_boot=200)["m"]["clean"]["retest"]
    assert retest["repeats"] == 3 and retest["groups"] == 3
    assert retest["age_sd_mean"] == pytest.approx(CLEAN_SD)
    assert retest["age_diff_mean"] == pytest.approx(CLEAN_DIFF)
    assert retest["gender_change_rate"] == 0.5
    lo, hi = retest["age_sd_mean_ci"]  # three clusters with SDs 2, 1.63 and 0
    assert 0.0 <= lo <= CLEAN_SD <= hi <= 2.0


def test_retest_of_conditions_and_ratio_to_clean_noise() -> None:
    blur, jpeg = summarize(CLEAN + PERTURBED, n_boot=200)["m"]["conditions"]
    assert blur["age_shift_mean"] == pytest.approx(5.0)
    assert blur["retest"] == {"repeats": 2, "groups": 1, "age_sd_mean": 3.0,
                              "age_sd_mean_ci": None, "age_diff_mean": 6.0,
                              "gender_change_rate": None, "gender_change_rate_ci": None,
                              "gender_n": 0, "ci_method": {"age_sd_mean": None,
                                                           "gender_change_rate": None}}
    # 5 / (20/9) = 2.25: the blur moves answers more than re-asking the clean image does
    assert blur["age_shift_mean_vs_retest"] == pytest.approx(5.0 / CLEAN_DIFF)
    assert jpeg["age_shift_mean"] == pytest.approx(2.0)
    assert jpeg["retest"] is None  # replicates are not repeats
    assert jpeg["age_shift_mean_vs_retest"] == pytest.approx(2.0 / CLEAN_DIFF)  # 0.9


def test_no_repeats_gives_none() -> None:
    rows = [item("a", age=30), item("b", age=40), item("a", age=35, perturbation="blur",
                                                       severity=1)]
    model = summarize(rows, n_boot=50)["m"]
    assert model["clean"]["retest"] is None
    (row,) = model["conditions"]
    assert row["age_shift_mean"] == 5.0
    assert row["retest"] is None and row["age_shift_mean_vs_retest"] is None


def test_identical_repeats_give_zero_noise_and_no_ratio() -> None:
    # 0.1 three times: NumPy's SD of it is ~1e-17 (the mean rounds); the metric says exactly 0.
    rows = [item("a", r, age=0.1, gender="female") for r in range(3)]
    rows.append(item("a", 0, age=2.1, perturbation="blur", severity=1))
    model = summarize(rows, n_boot=50)["m"]
    retest = model["clean"]["retest"]
    assert retest["age_sd_mean"] == 0.0 and retest["gender_change_rate"] == 0.0
    (row,) = model["conditions"]
    assert row["age_shift_mean"] == pytest.approx(2.0)
    assert row["age_shift_mean_vs_retest"] is None  # a shift over zero noise: no finite ratio


def test_repeats_without_usable_ages() -> None:
    rows = [item("a", 0, "refusal"), item("a", 1, "refusal")]
    retest = summarize(rows, n_boot=50)["m"]["clean"]["retest"]
    assert retest == {"repeats": 2, "groups": 0, "age_sd_mean": None, "age_sd_mean_ci": None,
                      "age_diff_mean": None, "gender_change_rate": None,
                      "gender_change_rate_ci": None, "gender_n": 0,
                      "ci_method": {"age_sd_mean": None, "gender_change_rate": None}}


def test_ratio_uses_the_clean_block_of_the_same_prompt() -> None:
    # prompt p: clean repeats 30, 34 -> pair difference 4; prompt q: 30, 30 -> 0
    rows = [item("a", 0, age=30, prompt="p"), item("a", 1, age=34, prompt="p"),
            item("a", 0, age=30, prompt="q"), item("a", 1, age=30, prompt="q"),
            item("a", 0, age=33, prompt="p", perturbation="blur", severity=1),  # shift 3
            item("a", 0, age=33, prompt="q", perturbation="blur", severity=1)]  # shift 3
    p_row, q_row = summarize(rows, n_boot=50)["m"]["conditions"]
    assert (p_row["prompt"], q_row["prompt"]) == ("p", "q")
    assert p_row["age_shift_mean_vs_retest"] == pytest.approx(0.75)  # 3 / 4
    assert q_row["age_shift_mean_vs_retest"] is None  # 3 / 0


def test_spreads_of_all_groups_at_once_are_each_group_s_own() -> None:
    # The batched computation must give, group by group, what the definitions give one at a time.
    import numpy as np

    from robustness._metrics._retest import _spreads_and_differences, population_sd

    gen = np.random.default_rng(4)
    groups = [[float(x) for x in np.round(gen.normal(35, 8, int(gen.integers(2, 20))), 1)]
              for _ in range(400)] + [[30.0, 30.0, 30.0], [0.1, 0.1, 0.1, 0.1, 0.1]]
    spreads, diffs = _spreads_and_differences(groups)
    for ages, spread, diff in zip(groups, spreads, diffs, strict=True):
        values = np.asarray(ages)
        pairs = np.abs(values[:, None] - values[None, :])[np.triu_indices(len(values), k=1)]
        assert spread == population_sd(ages)
        assert diff == float(pairs.mean())

"""Accuracy metrics against hand-computed values (the arithmetic is in the comments)."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pytest
from metrics_rows import row

from robustness._metrics import cs_at, in_age_group, mae, mean_or_none, summarize
from robustness._types import ItemResult


def item(sample_id: str, outcome: str = "answer", **fields: Any) -> ItemResult:
    return row(sample_id, outcome, **fields)


# One clean condition, point labels.
#   s1  30 vs 25   err +5   (exactly 5: within CS@5)   male/male     right
#   s2  20 vs 22   err -2                              female/male   wrong
#   s3  40 vs 30   err +10  (outside CS@5)             female/female right
#   s4  33 vs 33.5 err -0.5                            male/unknown  (dropped from gender)
#   s5  refusal carrying an age and gender: ignored, never imputed
#   s6  error: not a refusal, and not in the refusal denominator
#   s7  answered 50, true age unknown (dropped from age) female/female right
POINT_TABLE = [
    item("s1", age=30, age_true=25, gender="male", gender_true="male"),
    item("s2", age=20, age_true=22, gender="female", gender_true="male"),
    item("s3", age=40, age_true=30, gender="female", gender_true="female"),
    item("s4", age=33, age_true=33.5, gender="male"),
    item("s5", "refusal", age=99, age_true=20, gender="male", gender_true="female"),
    item("s6", "error", age_true=40, gender_true="male"),
    item("s7", age=50, gender="female", gender_true="female"),
]


def test_pure_functions_on_known_errors() -> None:
    errors = [5.0, -2.0, 10.0, -0.5]
    assert mae(errors) == 4.375  # (5 + 2 + 10 + 0.5) / 4 = 17.5 / 4
    assert cs_at(errors) == 0.75  # 5, 2 and 0.5 are <= 5; 10 is not: 3 / 4
    assert cs_at(errors, k=1) == 0.25  # only 0.5
    assert mean_or_none(errors) == 3.125  # signed: (5 - 2 + 10 - 0.5) / 4 = 12.5 / 4
    assert mae([]) is None and cs_at([]) is None and mean_or_none([]) is None
    assert isinstance(mae(np.array([1, 2])), float)


def test_in_age_group_bounds_and_rounding() -> None:
    assert in_age_group(25.0, 25, 32)  # lower bound inclusive
    assert in_age_group(32.4, 25, 32)  # rounds to 32: upper bound inclusive
    assert not in_age_group(32.5, 25, 32)  # halves round up: 33
    assert not in_age_group(24.49, 25, 32)  # rounds to 24
    assert in_age_group(95.0, 60, None)  # open-ended upper bound
    assert not in_age_group(59.4, 60, None)
    assert in_age_group(1.0, None, 2)  # open lower bound ("0-2" written as up to 2)


def test_clean_accuracy_of_point_labels() -> None:
    clean = summarize(POINT_TABLE, n_boot=50)["m"]["clean"]
    assert clean["n"] == 7
    assert clean["answered"] == 5  # s1, s2, s3, s4, s7
    assert clean["mae"] == pytest.approx(4.375)  # s1..s4: 17.5 / 4
    assert clean["cs5"] == pytest.approx(0.75)  # 3 of 4, the error of exactly 5 included
    assert clean["bias"] == pytest.approx(3.125)  # 12.5 / 4
    assert clean["gender_acc"] == pytest.approx(0.75)  # s1, s3, s7 right, s2 wrong: 3 / 4
    assert clean["age_group_acc"] is None  # no range labels
    # 1 refusal / (7 rows - 1 error) = 1 / 6
    assert clean["refusal_rate"] == pytest.approx(1 / 6)
    assert clean["prompt"] == ""


# Group labels (Adience-like); age_true is the midpoint, None for the open-ended group.
#   g1  25.0 in [25, 32]   hit (inclusive lower)    err 25 - 28.5   = -3.5
#   g2  32.4 in [25, 32]   hit (rounds to 32)       err 32.4 - 28.5 = +3.9
#   g3  32.5 in [25, 32]   miss (rounds up to 33)   err 32.5 - 28.5 = +4.0
#   g4  80   in [60, -)    hit (open-ended)         no age_true: not in MAE
#   g5  59.4 in [60, -)    miss (rounds to 59)      no age_true: not in MAE
#   g6  10 vs 12 point label: no range, not in age-group accuracy; err -2
GROUP_TABLE = [
    item("g1", age=25.0, age_true=28.5, age_low=25, age_high=32),
    item("g2", age=32.4, age_true=28.5, age_low=25, age_high=32),
    item("g3", age=32.5, age_true=28.5, age_low=25, age_high=32),
    item("g4", age=80, age_low=60),
    item("g5", age=59.4, age_low=60),
    item("g6", age=10, age_true=12),
]


def test_age_group_accuracy_and_midpoint_mae() -> None:
    clean = summarize(GROUP_TABLE, n_boot=50)["m"]["clean"]
    assert clean["age_group_acc"] == pytest.approx(0.6)  # g1, g2, g4 of g1..g5: 3 / 5
    assert clean["mae"] == pytest.approx(3.35)  # (3.5 + 3.9 + 4.0 + 2) / 4 = 13.4 / 4
    assert clean["cs5"] == pytest.approx(1.0)  # all four within 5
    assert clean["bias"] == pytest.approx(0.6)  # (-3.5 + 3.9 + 4.0 - 2) / 4 = 2.4 / 4
    assert clean["gender_acc"] is None  # no gender labels
    assert clean["refusal_rate"] == 0.0


def test_unlabelled_data_gives_none_accuracy() -> None:
    rows = [item(f"u{i}", age=20 + i, gender="male") for i in range(5)]
    clean = summarize(rows, n_boot=50)["m"]["clean"]
    for key in ("mae", "mae_ci", "cs5", "cs5_ci", "gender_acc", "gender_acc_ci", "age_group_acc",
                "bias"):
        assert clean[key] is None, key
    assert clean["n"] == 5 and clean["answered"] == 5 and clean["refusal_rate"] == 0.0


def test_all_errors_leave_refusal_rate_undefined() -> None:
    clean = summarize([item("e1", "error"), item("e2", "error")], n_boot=50)["m"]["clean"]
    assert clean["refusal_rate"] is None  # 0 / (2 - 2)
    assert clean["answered"] == 0 and clean["mae"] is None


def test_unusable_predictions_are_ignored() -> None:
    rows = [
        item("a", age=math.nan, age_true=30),  # NaN age: no age
        item("b", "unparseable", age=30, age_true=30, gender="male", gender_true="female"),
        item("c", "partial", age=34, age_true=30),  # partial answers count: err +4
    ]
    clean = summarize(rows, n_boot=50)["m"]["clean"]
    assert clean["answered"] == 2  # a and c
    assert clean["mae"] == 4.0 and clean["gender_acc"] is None

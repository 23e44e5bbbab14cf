"""Stability against the clean prediction, hand-computed (the arithmetic is in the comments)."""

from __future__ import annotations

from typing import Any

import pytest
from metrics_rows import row

from robustness._metrics import p90, summarize
from robustness._types import ItemResult


def item(sample_id: str, perturbation: str = "none", severity: int = 0, outcome: str = "answer",
         **fields: Any) -> ItemResult:
    return row(sample_id, outcome, perturbation=perturbation, severity=severity, **fields)


# No labels at all: stability needs none.
#   sample  clean            blur 1           |Δage|   flip
#   a       30 male          33 male          3        no
#   b       40 female        40 male          0        yes
#   c       50 male          42 male          8        no
#   d       error            25 male          dropped (clean errored)
#   e       20 (no gender)   21 female        1        dropped (clean has no gender)
#   f       refusal          22 male          dropped
ROWS = [
    item("a", age=30, gender="male"),
    item("b", age=40, gender="female"),
    item("c", age=50, gender="male"),
    item("d", outcome="error"),
    item("e", outcome="partial", age=20),
    item("f", outcome="refusal"),
    item("a", "blur", 1, age=33, gender="male"),
    item("b", "blur", 1, age=40, gender="male"),
    item("c", "blur", 1, age=42, gender="male"),
    item("d", "blur", 1, age=25, gender="male"),
    item("e", "blur", 1, age=21, gender="female"),
    item("f", "blur", 1, age=22, gender="male"),
]


def test_shift_and_flip_against_clean_pairs() -> None:
    (row,) = summarize(ROWS, n_boot=200)["m"]["conditions"]
    assert (row["perturbation"], row["severity"], row["n"], row["answered"]) == ("blur", 1, 6, 6)
    assert row["age_shift_mean"] == pytest.approx(3.0)  # (3 + 0 + 8 + 1) / 4
    # sorted [0, 1, 3, 8]; rank 0.9 * (4 - 1) = 2.7 -> 3 + 0.7 * (8 - 3) = 6.5
    assert row["age_shift_p90"] == pytest.approx(6.5)
    assert row["gender_flip_rate"] == pytest.approx(1 / 3)  # b of a, b, c
    lo, hi = row["age_shift_mean_ci"]
    assert 0.0 <= lo <= 3.0 <= hi <= 8.0
    # unlabelled: accuracy undefined, stability still there
    assert row["mae"] is None and row["mae_ci"] is None and row["gender_acc"] is None


def test_p90_is_numpy_linear() -> None:
    assert p90([0, 1, 3, 8]) == pytest.approx(6.5)
    assert p90([4]) == 4.0
    assert p90([]) is None


def test_pairs_match_repeat_prompt_and_clean_replicate_zero() -> None:
    rows = [
        item("a", age=30, repeat=0),
        item("a", age=35, repeat=1),
        item("a", age=90, replicate=1),  # a clean replicate other than 0 is no reference
        item("a", age=60, prompt="other"),  # another prompt's clean image is no reference
        item("a", "blur", 1, age=36, repeat=1),  # vs clean repeat 1 (35): shift 1
        item("a", "blur", 1, age=32, replicate=2),  # vs clean repeat 0 replicate 0 (30): shift 2
        item("b", "blur", 1, age=50),  # no clean row at all: dropped
    ]
    models = summarize(rows, n_boot=50)["m"]
    (row,) = models["conditions"]
    assert row["age_shift_mean"] == pytest.approx(1.5)  # (1 + 2) / 2
    assert row["gender_flip_rate"] is None and row["gender_flip_rate_ci"] is None
    assert models["clean"]["n"] == 3  # every clean row of prompt "" counts in its accuracy


def test_no_pairs_gives_none() -> None:
    (row,) = summarize([item("a", "blur", 2, age=30)], n_boot=50)["m"]["conditions"]
    assert row["age_shift_mean"] is None and row["age_shift_p90"] is None
    assert row["age_shift_mean_ci"] is None and row["gender_flip_rate"] is None

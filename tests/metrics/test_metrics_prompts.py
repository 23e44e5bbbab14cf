"""Prompt sensitivity on the clean image, hand-computed (the arithmetic is in the comments)."""

from __future__ import annotations

import math
from typing import Any

import pytest
from metrics_rows import row

from robustness._metrics import summarize
from robustness._types import ItemResult


def item(sample_id: str, prompt: str, outcome: str = "answer", **fields: Any) -> ItemResult:
    return row(sample_id, outcome, prompt=prompt, **fields)


# Three prompts x four samples, clean image, repeat 0 (true age in brackets):
#   sample     baseline     json                short      ages          pop. SD         range
#   s1 (30)    30 male      32 male             34 male    30, 32, 34    sqrt(8/3) (*)   4
#   s2 (22)    20 female    20 male             20 female  20, 20, 20    0               0
#   s3 (45)    40 male      50 male             refusal    40, 50        5               10
#   s4 (60)    60 female    partial: male only  error      60            (one age: out)
#   (*) mean 32, squared deviations 4 + 0 + 4 = 8, over 3 rows
# samples = 3; age_sd_mean = (sqrt(8/3) + 0 + 5) / 3 ≈ 2.2110; age_range_mean = 14 / 3
# genders: s1 agree, s2 disagree, s3 (two genders) agree, s4 (female vs male) disagree -> 2 / 4
# clean MAE: baseline (0 + 2 + 5 + 0) / 4 = 1.75; json (2 + 2 + 5) / 3 = 3; short (4 + 2) / 2 = 3
TABLE = [
    item("s1", "baseline", age=30, gender="male", age_true=30),
    item("s1", "json", age=32, gender="male", age_true=30),
    item("s1", "short", age=34, gender="male", age_true=30),
    item("s2", "baseline", age=20, gender="female", age_true=22),
    item("s2", "json", age=20, gender="male", age_true=22),
    item("s2", "short", age=20, gender="female", age_true=22),
    item("s3", "baseline", age=40, gender="male", age_true=45),
    item("s3", "json", age=50, gender="male", age_true=45),
    item("s3", "short", "refusal", age_true=45),
    item("s4", "baseline", age=60, gender="female", age_true=60),
    item("s4", "json", "partial", gender="male", age_true=60),
    item("s4", "short", "error", age_true=60),
    # Not part of the spread: another repeat (no age_true, so the MAEs above stand) and a
    # perturbed image.
    item("s1", "baseline", age=90, gender="female", repeat=1),
    item("s1", "json", age=80, gender="female", perturbation="blur", severity=1),
]


def test_spread_across_three_prompts() -> None:
    sensitivity = summarize(TABLE, n_boot=200)["m"]["prompt_sensitivity"]
    assert sensitivity["prompts"] == ["baseline", "json", "short"]
    assert sensitivity["samples"] == 3
    assert sensitivity["age_sd_mean"] == pytest.approx((math.sqrt(8 / 3) + 5) / 3)
    assert sensitivity["age_range_mean"] == pytest.approx(14 / 3)
    assert sensitivity["gender_disagreement_rate"] == 0.5
    assert sensitivity["per_prompt_mae"] == pytest.approx(
        {"baseline": 1.75, "json": 3.0, "short": 3.0}
    )
    # three clusters (s1, s2, s3) with SDs 1.63, 0 and 5: the interval lies within [0, 5]
    lo, hi = sensitivity["age_sd_mean_ci"]
    assert 0.0 <= lo <= sensitivity["age_sd_mean"] <= hi <= 5.0


def test_single_prompt_gives_none() -> None:
    rows = [item(s, "", age=30 + i) for i, s in enumerate("abc")]
    rows += [item("a", "only", age=40, model="other"), item("b", "only", age=41, model="other")]
    summary = summarize(rows, n_boot=50)
    assert summary["m"]["prompt_sensitivity"] is None
    assert summary["other"]["prompt_sensitivity"] is None


def test_two_prompts_without_shared_answers() -> None:
    # a answered only under p, b only under q: no sample has two ages or two genders
    rows = [item("a", "p", age=30, gender="male"), item("a", "q", "refusal"),
            item("b", "p", "unparseable"), item("b", "q", age=50, gender="female")]
    sensitivity = summarize(rows, n_boot=50)["m"]["prompt_sensitivity"]
    assert sensitivity["prompts"] == ["p", "q"] and sensitivity["samples"] == 0
    for key in ("age_sd_mean", "age_sd_mean_ci", "age_range_mean", "gender_disagreement_rate"):
        assert sensitivity[key] is None, key
    assert sensitivity["per_prompt_mae"] == {"p": None, "q": None}  # no labels


def test_prompt_with_only_perturbed_rows_is_listed_but_adds_nothing() -> None:
    # prompt q never saw the clean image: listed (it is one of the model's prompts), no ages
    rows = [item("a", "p", age=30), item("a", "q", age=60, perturbation="blur", severity=1)]
    sensitivity = summarize(rows, n_boot=50)["m"]["prompt_sensitivity"]
    assert sensitivity["prompts"] == ["p", "q"] and sensitivity["samples"] == 0

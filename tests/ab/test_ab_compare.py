"""``compare`` on hand-built arms whose answers are known."""

from __future__ import annotations

import io
import json
from dataclasses import replace

import numpy as np
import pytest
from rich.console import Console
from scipy.stats import binomtest

from robustness._ab import ABResult, ab_lines, ab_table, compare
from robustness._exceptions import ConfigError
from robustness._types import ItemResult


def item(sample: int, *, prompt: str = "a", age: float | None = None, truth: float = 30.0,
         outcome: str = "answer", gender: str | None = "female", perturbation: str = "none",
         severity: int = 0, subject: str | None = None) -> ItemResult:
    return ItemResult(
        model="m", prompt=prompt, sample_id=f"s{sample:03d}", perturbation=perturbation,
        severity=severity, replicate=0, repeat=0, outcome=outcome,  # type: ignore[arg-type]
        age=truth if age is None and outcome == "answer" else age, gender=gender,  # type: ignore[arg-type]
        age_true=truth, gender_true="female", subject_id=subject,
    )


def row(result: ABResult, metric: str, perturbation: str = "none"):  # type: ignore[no-untyped-def]
    (found,) = [r for r in result.rows if r.metric == metric and r.perturbation == perturbation]
    return found


def arms(error_a: float, error_b: float, n: int = 60) -> tuple[list[ItemResult], list[ItemResult]]:
    """Alternating signs; absolute errors error_a + i % 3 and error_b + i % 5, which average
    error_a + 1 and error_b + 2 over 60 items, and whose differences vary."""
    a, b = [], []
    for i in range(n):
        sign = 1 if i % 2 else -1
        truth = 20.0 + i % 40
        a.append(item(i, prompt="a", truth=truth, age=truth + sign * (error_a + i % 3)))
        b.append(item(i, prompt="b", truth=truth, age=truth + sign * (error_b + i % 5)))
    return a, b


def test_a_big_mae_difference_is_found_with_an_interval_excluding_zero() -> None:
    a, b = arms(2.0, 8.0)
    worse_b = row(compare(a, b, seed=0), "mae")
    assert worse_b.verdict == "A better" and worse_b.ci is not None and worse_b.ci[0] > 0
    assert worse_b.diff == pytest.approx(7.0) and worse_b.a_value == pytest.approx(3.0)
    assert worse_b.p_holm is not None and worse_b.p_holm < 1e-6
    better_b = row(compare(b, a, seed=0), "mae")
    assert better_b.verdict == "B better" and better_b.ci is not None and better_b.ci[1] < 0


def test_identical_arms_show_no_difference_and_p_one() -> None:
    a, _ = arms(3.0, 3.0)
    a[5] = replace(a[5], outcome="refusal", age=None, gender=None)
    b = [replace(r, prompt="b") for r in a]
    result = compare(a, b, seed=0)
    assert {r.metric for r in result.rows} == {"mae", "gender_acc", "refusal_rate"}
    for r in result.rows:
        assert r.verdict == "no detectable difference"
        assert r.diff == 0.0 and r.p == 1.0 and r.p_holm is None
        assert r.note is not None and "not in the Holm family" in r.note


def test_refusal_row_is_exact_mcnemar_with_holm_over_the_testable_rows() -> None:
    a, _ = arms(3.0, 3.0, n=40)
    b = [replace(r, prompt="b") for r in a]
    # 9 pairs where only B refused, 2 where only A refused.
    for i in range(9):
        b[i] = replace(b[i], outcome="refusal", age=None, gender=None)
    for i in range(9, 11):
        a[i] = replace(a[i], outcome="refusal", age=None, gender=None)
    refusals = row(compare(a, b, seed=0), "refusal_rate")
    assert (refusals.b01, refusals.b10, refusals.n) == (9, 2, 40)
    assert refusals.p == binomtest(9, 11, 0.5).pvalue
    # MAE and gender are identical on the answered pairs: only this row is testable, m = 1.
    assert refusals.p_holm == refusals.p and refusals.verdict == "no detectable difference"
    assert refusals.a_value == pytest.approx(2 / 40) and refusals.b_value == pytest.approx(9 / 40)


def test_errors_are_no_chance_to_refuse_and_gender_needs_both_answers() -> None:
    a, b = arms(1.0, 1.0, n=10)
    a[0] = replace(a[0], outcome="error", age=None, gender=None)
    b[1] = replace(b[1], outcome="partial", gender=None)
    result = compare(a, b, seed=0)
    assert row(result, "refusal_rate").n == 9
    assert row(result, "gender_acc").n == 8
    assert row(result, "mae").n == 9


def test_unpaired_items_are_counted_never_dropped_silently() -> None:
    a, b = arms(2.0, 2.0, n=30)
    a += [item(100 + i, prompt="a") for i in range(10)]
    b += [item(200 + i, prompt="b") for i in range(3)]
    result = compare(a, b, seed=0)
    assert (result.pairs, result.a_only, result.b_only) == (30, 10, 3)
    assert result.to_json()["unpaired"] == {"a_only": 10, "b_only": 3}


def test_two_items_for_one_question_in_an_arm_is_an_error() -> None:
    a, b = arms(2.0, 2.0, n=5)
    with pytest.raises(ConfigError, match="arm B holds two items for .*'s001'"):
        compare(a, b + [replace(b[1], prompt="c")], seed=0)


def test_arms_disagreeing_on_a_label_are_compared_as_unlabelled() -> None:
    a, b = arms(2.0, 2.0, n=10)
    b[0] = replace(b[0], age_true=99.0)
    result = compare(a, b, seed=0)
    assert result.label_conflicts == 1 and row(result, "mae").n == 9
    assert row(result, "refusal_rate").n == 10


def test_clustered_rows_are_wider_than_independent_ones() -> None:
    a, b = [], []
    for i in range(40):
        subject = "1" if i < 20 else "2"
        shift = (5.0 if i < 20 else -1.0) + (i % 3 - 1)
        a.append(item(i, prompt="a", age=30.0, subject=subject))
        b.append(item(i, prompt="b", age=30.0 + shift, subject=subject))
    clustered = row(compare(a, b, seed=0), "mae")
    alone = row(compare([replace(r, subject_id=None) for r in a],
                        [replace(r, subject_id=None) for r in b], seed=0), "mae")
    assert clustered.clusters == 2 and alone.clusters == 40
    assert clustered.ci is not None and alone.ci is not None
    assert clustered.ci[1] - clustered.ci[0] > 2.5 * (alone.ci[1] - alone.ci[0])
    assert clustered.p_holm is None  # two subjects can never reach 0.05


def test_age_shift_compares_the_move_from_each_arm_s_own_clean_answer() -> None:
    a, b = [], []
    for i in range(30):
        a += [item(i, prompt="a", age=30.0), item(i, prompt="a", age=31.0 + i % 2,
                                                  perturbation="jpeg", severity=3)]
        b += [item(i, prompt="b", age=40.0), item(i, prompt="b", age=46.0 + i % 2,
                                                  perturbation="jpeg", severity=3)]
    result = compare(a, b, seed=0)
    shift = row(result, "age_shift", "jpeg")
    assert shift.a_value == pytest.approx(1.5) and shift.b_value == pytest.approx(6.5)
    assert shift.verdict == "A better"
    assert [r.perturbation for r in result.rows][0] == "none"  # clean rows first


def test_same_seed_same_result_and_the_global_rng_is_untouched() -> None:
    a, b = arms(2.0, 2.5)
    np.random.seed(1)
    before = np.random.get_state(legacy=False)
    first = compare(a, b, seed=3).to_json()
    after = np.random.get_state(legacy=False)
    # nothing drew from the global stream
    assert after["state"]["pos"] == before["state"]["pos"]
    assert np.array_equal(after["state"]["key"], before["state"]["key"])
    assert (after["has_gauss"], after["gauss"]) == (before["has_gauss"], before["gauss"])
    np.random.seed(99)
    assert compare(a, b, seed=3).to_json() == first
    other = compare(a, b, seed=4).to_json()
    assert [r["ci"] for r in other["rows"]] != [r["ci"] for r in first["rows"]]


@pytest.mark.parametrize(("changes", "quoted"), [
    ({"seed": True}, "True"), ({"seed": "1"}, "'1'"), ({"n_boot": 10}, "10"),
    ({"alpha": 0.7}, "0.7"), ({"alpha": 0}, "0"),
])
def test_bad_settings_raise_quoting_the_value(changes: dict[str, object], quoted: str) -> None:
    a, b = arms(2.0, 2.0, n=5)
    settings: dict[str, object] = {"seed": 0, **changes}
    with pytest.raises(ConfigError, match=f"got {quoted}"):
        compare(a, b, **settings)  # type: ignore[arg-type]


def test_json_is_plain_and_keyed_as_documented() -> None:
    a, b = arms(2.0, 8.0)
    data = compare(a, b, seed=0, a_label="old", b_label="new").to_json()
    assert json.loads(json.dumps(data)) == data
    assert {"a", "b", "alpha", "correction", "wilcoxon_zero_method", "pairs", "unpaired",
            "rows"} <= set(data)
    assert (data["a"], data["b"], data["correction"]) == ("old", "new", "holm")
    assert data["wilcoxon_zero_method"] == "pratt"
    assert {"perturbation", "severity", "metric", "n", "a_value", "b_value", "diff", "ci",
            "ci_method", "p", "p_holm", "verdict"} <= set(data["rows"][0])


def test_default_labels_name_the_model_and_prompt() -> None:
    a, b = arms(2.0, 2.0, n=6)
    result = compare(a, b, seed=0)
    assert (result.a, result.b) == ("m/a", "m/b")
    assert compare([], [], seed=0).rows == ()


def test_the_table_renders_every_row_and_the_zero_method() -> None:
    a, b = arms(2.0, 8.0)
    console = Console(file=io.StringIO(), width=400)
    result = compare(a, b, seed=0)
    console.print(ab_table(result))
    for line in ab_lines(result):
        console.print(line)
    text = console.file.getvalue()  # type: ignore[attr-defined]
    assert "A better" in text and "zero_method=pratt" in text and "MAE" in text
    assert "A = m/a, B = m/b" in text and "left out of the correction" in text

"""The pairing rule and the instability score, case by case."""

from __future__ import annotations

from typing import Any

import pytest
from metrics_rows import row

from robustness._metrics import (
    FLIP_WEIGHT_YEARS,
    Pairing,
    clean_references,
    instability,
    least_stable_samples,
    moves,
    summarize,
)
from robustness._types import ItemResult


def item(sample_id: str, perturbation: str = "none", severity: int = 0, outcome: str = "answer",
         **fields: Any) -> ItemResult:
    return row(sample_id, outcome, perturbation=perturbation, severity=severity, **fields)


def test_a_perturbed_answer_pairs_only_with_the_clean_answer_of_its_input_mode() -> None:
    rows = [
        item("a", age=30, input_mode="face"),
        item("a", age=50, input_mode="body"),
        item("a", "blur", 1, age=31, input_mode="face"),  # vs face clean: 1
        item("a", "blur", 1, age=54, input_mode="body"),  # vs body clean: 4
    ]
    assert sorted(m.shift for m in moves(rows, clean_references(rows))) == [1.0, 4.0]
    # One model asked with two crops is two sets of figures, each against its own clean answer.
    summary = summarize(rows, n_boot=50)
    assert list(summary) == ["m (face)", "m (body)"]
    for name, mode, shift in (("m (face)", "face", 1.0), ("m (body)", "body", 4.0)):
        (condition,) = summary[name]["conditions"]
        assert summary[name]["input_mode"] == condition["input_mode"] == mode
        assert condition["age_shift_mean"] == pytest.approx(shift) and condition["shift_n"] == 1


def test_replicates_pair_with_clean_replicate_zero_and_the_first_duplicate_wins() -> None:
    rows = [
        item("a", age=30),
        item("a", age=99),  # the same reference key again: the first row wins
        item("a", age=70, replicate=1),  # never a reference
        item("a", "blur", 1, age=33, replicate=0),
        item("a", "blur", 1, age=36, replicate=2),
    ]
    references = clean_references(rows)
    assert [r.age for r in references.values()] == [30]
    assert [m.shift for m in moves(rows, references)] == [3.0, 6.0]


def test_a_refused_side_drops_the_pair_and_a_missing_reference_is_kept_as_none() -> None:
    rows = [
        item("a", outcome="refusal"),
        item("b", age=40, gender="male"),
        item("a", "blur", 1, age=30, gender="male"),
        item("b", "blur", 1, "refusal"),
        item("c", "blur", 1, age=20, gender="female"),  # no clean row at all
    ]
    found = moves(rows, clean_references(rows))
    assert [(m.row.sample_id, m.shift, m.flip) for m in found] == [
        ("a", None, None), ("b", None, None), ("c", None, None)]
    assert found[0].reference is not None and found[2].reference is None
    assert least_stable_samples(found) == []


def test_the_instability_score_weighs_a_flip_as_five_years() -> None:
    assert FLIP_WEIGHT_YEARS == 5.0
    assert instability(2.0, 0.5) == 4.5 and instability(None, 0.2) == 1.0
    assert instability(3.0, None) == 3.0 and instability(None, None) is None
    rows = [
        item("a", age=30, gender="male"), item("a", "blur", 1, age=31, gender="female"),
        item("b", age=30, gender="male"), item("b", "blur", 1, age=36, gender="male"),
        item("c", age=30, gender="male"), item("c", "blur", 1, age=36, gender="male"),
    ]
    ranked = least_stable_samples(moves(rows, clean_references(rows)))
    assert dict(ranked) == {"a": 6.0, "b": 6.0, "c": 6.0}
    assert [s for s, _ in ranked] == ["a", "b", "c"]  # equal scores: by sample id
    (condition,) = summarize(rows, n_boot=50)["m"]["conditions"]
    assert condition["instability"] == pytest.approx(
        condition["age_shift_mean"] + 5.0 * condition["gender_flip_rate"])


def test_a_pairing_gives_any_subset_the_moves_pairing_it_alone_would() -> None:
    rows = [
        item("a", age=30, gender="male"), item("b", age=40, gender="female"),
        item("a", "blur", 1, age=33, gender="female"), item("b", "blur", 1, "refusal"),
        item("a", "jpeg", 2, age=29, gender="male", replicate=1),
        item("c", "jpeg", 2, age=20, gender="female"),  # no clean row
    ]
    pairing = Pairing(rows)
    assert pairing.all == moves(rows, clean_references(rows))
    for subset in (rows, rows[2:], rows[::2], [rows[4], rows[2]], rows[:2], []):
        made = pairing.moves(subset)
        assert made == moves(subset, clean_references(rows))
        # The very pairs made once, not new ones.
        assert all(any(m is p for p in pairing.all) for m in made)
    # A row it did not pair (an equal copy, not the same object) is paired against its references.
    copy = item("b", "blur", 3, age=47, gender="male")
    (move,) = pairing.moves([copy])
    assert move.row is copy and move.shift == 7.0 and move.flip == 1.0

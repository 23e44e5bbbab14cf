"""Slices: age bands, per-slice figures from the metric table, the best-to-worst gap."""

from __future__ import annotations

import numpy as np
import pytest

from robustness import ConfigError, ItemResult
from robustness._slices import MIN_SLICE_N, age_band, check_slice_columns, slice_tables


@pytest.mark.parametrize(("age", "band"), [
    (0, "0-12"), (12.9, "0-12"), (13, "13-19"), (19.99, "13-19"), (24.5, "20-29"),
    (59.9, "50-59"), (60, "60+"), (97, "60+"), (None, "unknown"), (float("nan"), "unknown"),
    (-1, "unknown"),
])
def test_age_bands_are_whole_years_of_the_label(age: float | None, band: str) -> None:
    assert age_band(age) == band


def _rows(group: str, count: int, error: float, *, flip_every: int = 0) -> list[ItemResult]:
    """``count`` subjects of one ethnicity: a clean answer ``error`` years off, and a jpeg answer
    moved by one year (gender flipped for every ``flip_every``-th subject)."""
    rows = []
    for index in range(count):
        sample = f"{group}-{index}"
        flipped = flip_every and index % flip_every == 0
        common = {"model": "m", "prompt": "", "sample_id": sample, "replicate": 0, "repeat": 0,
                  "outcome": "answer", "age_true": 30.0, "gender_true": "male",
                  "subject_id": sample}
        rows.append(ItemResult(perturbation="none", severity=0, age=30.0 + error + index % 3,
                               gender="male", **common))  # type: ignore[arg-type]
        rows.append(ItemResult(perturbation="jpeg", severity=1, age=31.0 + error + index % 3,
                               gender="female" if flipped else "male",
                               **common))  # type: ignore[arg-type]
    return rows


def test_slices_add_up_and_the_gap_is_worst_minus_best() -> None:
    rows = _rows("a", 12, 1.0) + _rows("b", 12, 4.0, flip_every=3) + _rows("c", 3, 20.0)
    rows.append(ItemResult("m", "", "nobody", "none", 0, 0, 0, "answer", age=30.0,
                           age_true=30.0))
    extras = {r.sample_id: {"ethnicity": r.sample_id.split("-")[0]} for r in rows
              if r.sample_id != "nobody"}
    table = slice_tables(rows, extras, ["ethnicity"], n_boot=200)["m"][""]["ethnicity"]
    assert [g.value for g in table.groups] == ["a", "b", "c", "unknown"]
    assert sum(g.n for g in table.groups) == table.n == len(rows)
    by_value = {g.value: g for g in table.groups}
    # MAE is the metric table's: mean |error| over the slice's clean items, with its n.
    mae_b = by_value["b"].figures["mae"]
    assert mae_b.value == pytest.approx(np.mean([4.0 + i % 3 for i in range(12)]))
    assert mae_b.n == 12 and mae_b.ci is not None and mae_b.ci[0] < mae_b.value < mae_b.ci[1]
    assert by_value["b"].figures["gender_flip_rate"].value == pytest.approx(4 / 12)
    # c (3 subjects) is listed but too small for a gap; unknown never counts.
    assert by_value["c"].n < MIN_SLICE_N
    gap = table.gaps["mae"]
    assert (gap.worst, gap.best) == ("b", "a") and gap.gap.value == pytest.approx(3.0)
    assert gap.gap.ci is not None and gap.gap.ci[0] <= 3.0 <= gap.gap.ci[1]
    assert gap.gap.ci_method == "stratified-cluster-bootstrap"
    flips = table.gaps["gender_flip_rate"]
    assert (flips.worst, flips.best) == ("b", "a") and flips.gap.value == pytest.approx(4 / 12)
    # Both slices refuse nothing: the bootstrap cannot spread, Newcombe gives a real interval.
    refused = table.gaps["refusal_rate"].gap
    assert refused.value == 0.0 and refused.ci_method == "newcombe-clusters"
    assert refused.ci is not None and refused.ci[1] - refused.ci[0] > 0.1
    data = table.to_json()
    assert data["gaps"]["mae"]["gap_ci"] == list(gap.gap.ci)
    assert data["groups"][1]["age_n"] == 12 and data["groups"][1]["shift_n"] == 12


def test_a_column_the_dataset_lacks_is_one_clear_error() -> None:
    check_slice_columns(["age_band", "gender", "ethnicity"], [{"ethnicity": "white"}])
    with pytest.raises(ConfigError, match="no column 'race' in this dataset; known: "
                                          "age_band, gender, ethnicity"):
        check_slice_columns(["race"], [{"ethnicity": "white"}])

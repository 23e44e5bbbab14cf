"""Cell parsers either return a value or raise BadValue, and a row never breaks loading."""

from __future__ import annotations

import contextlib
import math
import tempfile
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from robustness._datasets import load_dataset
from robustness._datasets._adience import parse_adience_age
from robustness._datasets._fairface import parse_fairface_age
from robustness._datasets._values import (
    CSV_GENDERS,
    BadValue,
    parse_age,
    parse_box,
    parse_gender,
)

cells = st.text(max_size=12) | st.sampled_from(
    ["-1", "", "nan", "inf", "1e400", "25;32", "(8, 23)"]
)


@given(cells)
def test_age_parsers_return_sane_values_or_raise_bad_value(text: str) -> None:
    for parse in (parse_age, parse_fairface_age, parse_adience_age):
        try:
            label = parse(text)
        except BadValue:
            continue
        for value in (label.age, label.low, label.high):
            assert value is None or (math.isfinite(value) and 0 <= value <= 150)
        if label.low is not None and label.high is not None:
            assert label.low <= label.high


@given(st.lists(cells, min_size=4, max_size=4), cells)
def test_box_and_gender_parsers_raise_only_bad_value(box: list[str], gender: str) -> None:
    try:
        parsed = parse_box(box, what="face")
    except BadValue:
        parsed = None
    if parsed is not None:
        assert parsed[2] > parsed[0] >= 0 and parsed[3] > parsed[1] >= 0
    with contextlib.suppress(BadValue):
        assert parse_gender(gender, CSV_GENDERS) in ("male", "female", None)


@settings(max_examples=60, deadline=None)
@given(st.text(alphabet=st.characters(blacklist_categories=["Cs"]), max_size=60))
def test_any_row_text_becomes_a_sample(row: str) -> None:
    with tempfile.TemporaryDirectory() as folder:
        labels = Path(folder) / "labels.csv"
        labels.write_text("path,age,gender,face_x0,face_y0,face_x1,face_y1\nok.jpg,3,m,,,,\n"
                          + row + "\n", encoding="utf-8")
        samples = load_dataset(labels).samples
        assert samples[0].error is None
        for sample in samples[1:]:
            assert sample.error is None or sample.error.startswith(f"{labels}:")


@pytest.mark.parametrize(("text", "expected"), [
    ("25;32", (28.5, 25.0, 32.0)), ("-1", (None, None, None)), ("", (None, None, None)),
    (" 41 ", (41.0, None, None)), ("0", (0.0, None, None)),
])
def test_mivolo_ages(text: str, expected: tuple[float | None, ...]) -> None:
    label = parse_age(text)
    assert (label.age, label.low, label.high) == expected

"""How the transformers backend turns text into prediction fields (parser choice, fallback)."""

from __future__ import annotations

import sys
import types

import pytest

from robustness._exceptions import ModelError
from robustness._models._hf_parse import (
    FallbackAnswer,
    default_parser,
    fallback_parse,
    parsed_fields,
)
from robustness._types import Gender


@pytest.mark.parametrize(
    ("text", "outcome", "age", "gender"),
    [
        ("She is 27 years old, female.", "answer", 27.0, "female"),
        ("Male, about 45.", "answer", 45.0, "male"),
        ("A woman.", "partial", None, "female"),
        ("Age: 8", "partial", 8.0, None),
        ("In 2024 this person is 350 or 61.5 years old", "partial", 61.5, None),
        ("I cannot tell.", "unparseable", None, None),
    ],
)
def test_fallback_reads_age_and_gender_words(
    text: str, outcome: str, age: float | None, gender: Gender | None
) -> None:
    assert fallback_parse(text) == FallbackAnswer(outcome=outcome, age=age, gender=gender)


def test_default_is_prompts_parse_answer_when_it_exists(monkeypatch: pytest.MonkeyPatch) -> None:
    fake = types.ModuleType("prompts")

    def parse_answer(text: str) -> FallbackAnswer:
        return FallbackAnswer(outcome="refusal", refusal_kind="full")

    fake.parse_answer = parse_answer  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "prompts", fake)
    assert default_parser() is parse_answer


def test_default_falls_back_when_prompts_has_no_parser(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "prompts", types.ModuleType("prompts"))
    assert default_parser() is fallback_parse


def test_parsed_fields_keep_refusals_unimputed() -> None:
    fields = parsed_fields(FallbackAnswer(outcome="refusal", refusal_kind="full"))
    assert fields == {
        "outcome": "refusal", "age": None, "gender": None, "age_low": None, "age_high": None,
        "refusal_kind": "full",
    }


@pytest.mark.parametrize(
    "parsed", [FallbackAnswer(outcome="maybe"), FallbackAnswer(outcome="answer", gender="x")]  # type: ignore[arg-type]
)
def test_parsed_fields_reject_what_a_prediction_cannot_hold(parsed: FallbackAnswer) -> None:
    with pytest.raises(ModelError, match="unknown"):
        parsed_fields(parsed)

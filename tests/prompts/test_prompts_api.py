"""The public surface of ``prompts`` is pinned, and the package stands on its own."""

from __future__ import annotations

import subprocess
import sys

import pytest

import prompts
from prompts import ParsedAnswer


def test_public_api_is_pinned_and_sorted() -> None:
    assert prompts.__all__ == [
        "AGE_WORDS",
        "ANSWER_FORMATS",
        "ASKABLE",
        "BUILTIN_IDS",
        "LANGUAGES",
        "OUTCOMES",
        "PARSER_VERSION",
        "REFUSAL_KINDS",
        "AnswerFormat",
        "Field",
        "Mentions",
        "Outcome",
        "ParsedAnswer",
        "PromptVariant",
        "RefusalKind",
        "get_variant",
        "infer_asks",
        "load_variants",
        "mentions",
        "parse_answer",
    ]
    assert prompts.__all__ == sorted(prompts.__all__, key=lambda n: (not n.isupper(), n))
    for name in prompts.__all__:
        assert hasattr(prompts, name), name


def test_constants() -> None:
    assert prompts.ANSWER_FORMATS == ("free", "json", "number", "final-line")
    assert prompts.OUTCOMES == ("answer", "partial", "refusal", "unparseable")
    assert prompts.REFUSAL_KINDS == (
        "api_refusal", "content_filter", "policy", "cannot_determine", "hedged",
    )


def test_importing_prompts_does_not_import_the_engine() -> None:
    code = "import sys, prompts; prompts.parse_answer('34 female'); prompts.load_variants(); " \
           "print('robustness' in sys.modules)"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            check=True)
    assert result.stdout.strip() == "False"


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"outcome": "maybe"}, "outcome must be one of"),
        ({"gender": "m", "outcome": "partial"}, "gender must be"),
        ({"outcome": "refusal", "refusal_kind": "rude"}, "refusal_kind must be one of"),
        ({"age": 130.0, "outcome": "partial"}, "age must be within 0-120"),
        ({"age": float("nan"), "outcome": "partial"}, "age must be within"),
        ({"age": 20.0, "age_low": 25.0, "outcome": "partial"}, "must lie within"),
        ({"gender": "male", "outcome": "answer", "asks": ("gender", "age")}, "asks must be"),
        ({"gender": "male", "outcome": "partial", "asks": ("gender",)}, "does not fit"),
        ({"age": 40.0, "age_low": 25.0, "age_high": 30.0, "outcome": "partial"}, "within"),
        ({"age": 30.0, "outcome": "answer"}, "does not fit"),
        ({"age": 30.0, "gender": "male", "outcome": "partial"}, "does not fit"),
        ({"outcome": "refusal"}, "does not fit refusal_kind=None"),
        ({"outcome": "unparseable", "refusal_kind": "policy"}, "does not fit"),
        ({"age": 30.0, "gender": "male", "outcome": "answer", "refusal_kind": "hedged"},
         "does not fit"),
    ],
)
def test_parsed_answer_rejects_contradictions(fields: dict[str, object], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        ParsedAnswer(**fields)  # type: ignore[arg-type]


def test_parsed_answer_is_a_frozen_value() -> None:
    answer = ParsedAnswer(age=34.0, gender="female", outcome="answer")
    assert answer == ParsedAnswer(34.0, None, None, "female", "answer", None)
    with pytest.raises(AttributeError):
        answer.age = 35.0  # type: ignore[misc]
    assert ParsedAnswer(age=30.0, outcome="partial", refusal_kind="policy").refusal_kind == "policy"

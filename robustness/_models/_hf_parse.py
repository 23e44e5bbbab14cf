"""Turning an MLLM's text into prediction fields, through a pluggable parser.

The real parser is ``prompts.parse_answer`` (refusal classification, answer formats). It is looked
up when first needed, not at import, so this adapter works before that module lands; until then a
small fallback reads the first plausible age and a gender word, and never detects refusals.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol, get_args

from .._exceptions import ModelError
from .._types import Gender, Outcome

__all__ = ["ParsedLike", "Parser", "default_parser", "fallback_parse", "parsed_fields"]


class ParsedLike(Protocol):
    """What a parser returns; ``age_low``/``age_high``/``refusal_kind`` are read when present."""

    @property
    def age(self) -> float | None: ...

    @property
    def gender(self) -> str | None: ...

    @property
    def outcome(self) -> str: ...


Parser = Callable[[str], ParsedLike]

_OUTCOMES: frozenset[str] = frozenset(get_args(Outcome)) - {"error"}
# A number of at most three digits, not part of a longer number ("2024", "1.75").
_AGE = re.compile(r"(?<!\d)(?<!\d\.)(\d{1,3}(?:\.\d+)?)(?!\d|\.\d)")
_FEMALE = re.compile(r"\b(female|woman|girl|lady)\b", re.IGNORECASE)
_MALE = re.compile(r"\b(male|man|boy|gentleman)\b", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class FallbackAnswer:
    """The fallback parser's result; field names match ``prompts.ParsedAnswer``."""

    outcome: str
    age: float | None = None
    gender: Gender | None = None
    age_low: float | None = None
    age_high: float | None = None
    refusal_kind: str | None = None


def fallback_parse(text: str) -> FallbackAnswer:
    """First number in 0–120 as the age, a gender word as the gender; no refusal detection."""
    age = next((float(m) for m in _AGE.findall(text) if 0 <= float(m) <= 120), None)
    # "female" contains "male": look for the female words first, on word boundaries.
    gender: Gender | None = "female" if _FEMALE.search(text) else (
        "male" if _MALE.search(text) else None
    )
    found = (age is not None) + (gender is not None)
    outcome = ("unparseable", "partial", "answer")[found]
    return FallbackAnswer(outcome=outcome, age=age, gender=gender)


def default_parser() -> Parser:
    """``prompts.parse_answer`` when it is importable, else ``fallback_parse``."""
    try:
        from prompts import parse_answer
    except ImportError:
        return fallback_parse
    parser: Parser = parse_answer
    return parser


def parsed_fields(parsed: ParsedLike) -> dict[str, Any]:
    """The prediction fields a parsed answer sets; a bad outcome or gender is a parser bug."""
    outcome = str(parsed.outcome)
    if outcome not in _OUTCOMES:
        raise ModelError(f"the answer parser returned an unknown outcome {outcome!r}")
    gender = parsed.gender.strip().lower() if isinstance(parsed.gender, str) else None
    if gender not in (None, "male", "female"):
        raise ModelError(f"the answer parser returned an unknown gender {parsed.gender!r}")
    return {
        "outcome": outcome,
        "age": _float(parsed.age),
        "gender": gender,
        "age_low": _float(getattr(parsed, "age_low", None)),
        "age_high": _float(getattr(parsed, "age_high", None)),
        "refusal_kind": getattr(parsed, "refusal_kind", None),
    }


def _float(value: object) -> float | None:
    # Ignored below: ``value`` is a parsed JSON number or numeric string, which float() takes.
    return None if value is None else float(value)  # type: ignore[arg-type]

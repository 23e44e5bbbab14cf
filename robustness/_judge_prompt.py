"""The judge's fixed question and the reading of its verdict: pure text in, values out.

A judge (``--judge MODEL``) is asked, text only and at temperature 0, what one answer says; the
question is fixed (``JUDGE_PROMPT_VERSION`` names it, and is part of every judge request key), so
the same answer is never judged twice. It quotes the fields the prompt asked and the model's raw
answer between two marker lines, and asks for one JSON object::

    {"age": 34 | [25, 30] | [60, null] | null, "gender": "male" | "female" | null,
     "refused": true | false}

``read_verdict`` accepts that object anywhere in the reply (a fenced block, a lead-in sentence)
and raises ``ValueError`` naming what is wrong with anything else. ``read_judge_prompt`` gives back
the quoted answer and asks, for the simulated server, which answers the judge's question the way
a judge would (``robustness._simserver``).
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass
from typing import Final

__all__ = [
    "JUDGE_PROMPT_VERSION", "RULES", "Verdict", "judge_prompt", "read_judge_prompt", "read_verdict",
]

RULES: Final = "rules"  # ``parsed_by`` of a reading the rules made (a judge's: ``judge:<model>``)
# Raised whenever the question below changes: old verdicts then answer a different question.
JUDGE_PROMPT_VERSION: Final = "1"
_OPEN, _CLOSE = "<<<ANSWER", "ANSWER>>>"
_HEAD = "You check how another AI model's answer about a person in a photo should be read."
_TEMPLATE = (
    _HEAD + "\n"
    "The model was asked for: {asks}.\n"
    "Its answer is quoted between the lines {open} and {close}:\n"
    "{open}\n{answer}\n{close}\n"
    "Report only what the answer itself states or clearly implies; never guess from anything "
    "else. Reply with one JSON object and nothing else:\n"
    '{{"age": a number, or [low, high] for a range (null for an open end), or null when the '
    'answer gives no age, "gender": "male", "female", or null when the answer does not say, '
    '"refused": true when the answer declines to estimate, else false}}'
)
_ASKS = re.compile(r"^The model was asked for: (?P<asks>[a-z, ]+)\.$", re.MULTILINE)
_OBJECT = re.compile(r"\{.*\}", re.DOTALL)


@dataclass(frozen=True, slots=True)
class Verdict:
    """What a judge says one answer states. An open range keeps its one bound as ``age``."""

    age: float | None
    age_low: float | None
    age_high: float | None
    gender: str | None
    refused: bool


def judge_prompt(answer: str, asks: str) -> str:
    """The fixed question about ``answer``, whose prompt asked ``asks`` (``"age,gender"``)."""
    return _TEMPLATE.format(asks=", ".join(asks.split(",")), open=_OPEN, close=_CLOSE,
                            answer=answer)


def read_judge_prompt(text: str) -> tuple[str, str] | None:
    """``(answer, asks)`` quoted in a judge question, or ``None`` when ``text`` is not one."""
    if not text.startswith(_HEAD):
        return None
    asks = _ASKS.search(text)
    start, end = text.find(_OPEN + "\n"), text.rfind("\n" + _CLOSE)
    if asks is None or start < 0 or end < start:
        return None
    answer = text[start + len(_OPEN) + 1: end]
    return answer, ",".join(part.strip() for part in asks["asks"].split(","))


def read_verdict(reply: str | None) -> Verdict:
    """The verdict in a judge's reply; ``ValueError`` says what is wrong with a bad one."""
    match = _OBJECT.search(reply or "")
    if match is None:
        raise ValueError("the judge's reply holds no JSON object")
    try:
        data = json.loads(match.group())
    except json.JSONDecodeError as exc:
        raise ValueError(f"the judge's reply is not valid JSON: {exc.msg}") from None
    if not isinstance(data, dict):
        raise ValueError("the judge's reply is not a JSON object")  # noqa: TRY004 - bad data
    gender = data.get("gender")
    if gender not in (None, "male", "female"):
        raise ValueError(f"the judge's gender must be male, female or null, got {gender!r}")
    refused = data.get("refused", False)
    if not isinstance(refused, bool):
        raise ValueError(  # noqa: TRY004 - a bad verdict is data, not a program error
            f"the judge's refused must be true or false, got {refused!r}")
    age, low, high = _age(data.get("age"))
    return Verdict(age=age, age_low=low, age_high=high, gender=gender, refused=refused)


def _age(value: object) -> tuple[float | None, float | None, float | None]:
    if value is None:
        return None, None, None
    if isinstance(value, list) and len(value) == 2:
        low, high = (_number(bound) if bound is not None else None for bound in value)
        if low is None and high is None:
            return None, None, None
        if low is not None and high is not None:
            if low > high:
                raise ValueError(f"the judge's age range is reversed: {value!r}")
            return (low + high) / 2, low, high
        return (low if low is not None else high), low, high
    return _number(value), None, None


def _number(value: object) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise ValueError(f"the judge's age must be a number, a [low, high] pair or null, "
                         f"got {value!r}")
    return float(value)

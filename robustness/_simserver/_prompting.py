"""What the prompt text asks for, read the way a model reads it: from the words alone.

Format, first rule that matches wins (case-insensitive):

1. ``json`` anywhere → a JSON object;
2. ``final answer:`` → reasoning, then a ``Final answer: age N, gender G`` line;
3. the words ``number``, ``only`` or ``nothing else`` → the bare ``34 female``;
4. Spanish words (``edad``, ``género``, ``años``, ``sexo``) → a Spanish sentence;
5. otherwise English prose.

Gender comes first wherever the prompt names gender before age. What the prompt asks (age, gender
or both) is read by the suite's own ``prompts.infer_asks``, in any lexicon language; a prompt in
Chinese or Russian script gets an answer in that language. Refusal wording: the first
``refusal_by_prompt`` substring found in the prompt sets the rate as configured, untouched;
otherwise ``refusal_rate`` is multiplied by 2 when the prompt asks to ``identify`` or
``recognize`` someone (or ``who is``), and by 0.5 when it frames the task as ``annotation`` or
``research`` (both may apply), then capped at 1.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from prompts import infer_asks

from ._config import SimConfig

__all__ = ["AnswerFormat", "PromptStyle", "prompt_refusal_rate", "read_prompt"]

AnswerFormat = Literal["json", "final", "bare", "spanish", "prose"]

_FINAL = re.compile(r"final answer\s*:", re.IGNORECASE)
_BARE = re.compile(r"\b(number|only|nothing else)\b", re.IGNORECASE)
_SPANISH = re.compile(r"\b(edad|g[ée]nero|años|sexo)\b", re.IGNORECASE)
_GENDER_WORD = re.compile(r"\b(gender|sex|male|female|man or woman|g[ée]nero|sexo)\b",
                          re.IGNORECASE)
_AGE_WORD = re.compile(r"\b(age|how old|edad)\b", re.IGNORECASE)
_CJK = re.compile(r"[\u3400-\u9fff]")
_CYRILLIC = re.compile(r"[\u0400-\u04ff]")
_WORDING = (
    (re.compile(r"\b(identify|identifies|identity|recogni[sz]e|who is)\b", re.IGNORECASE), 2.0),
    (re.compile(r"\b(annotation|annotating|annotate|research)\b", re.IGNORECASE), 0.5),
)


@dataclass(frozen=True, slots=True)
class PromptStyle:
    """How to shape the answer: its format, and whether gender is named before age."""

    format: AnswerFormat
    gender_first: bool
    spanish: bool
    asks: tuple[str, ...] = ("age", "gender")
    language: str = "en"


def read_prompt(text: str) -> PromptStyle:
    """The answer style ``text`` asks for (see the module docstring for the rules)."""
    spanish = bool(_SPANISH.search(text))
    answer_format: AnswerFormat
    if "json" in text.lower():
        answer_format = "json"
    elif _FINAL.search(text):
        answer_format = "final"
    elif _BARE.search(text):
        answer_format = "bare"
    elif spanish:
        answer_format = "spanish"
    else:
        answer_format = "prose"
    gender = _GENDER_WORD.search(text)
    age = _AGE_WORD.search(text)
    gender_first = gender is not None and (age is None or gender.start() < age.start())
    language = ("zh" if _CJK.search(text) else "ru" if _CYRILLIC.search(text)
                else "es" if spanish else "en")
    return PromptStyle(format=answer_format, gender_first=gender_first, spanish=spanish,
                       asks=infer_asks(text), language=language)


def prompt_refusal_rate(config: SimConfig, text: str) -> float:
    """The refusal rate the wording of ``text`` earns, before image quality is considered."""
    lowered = text.lower()
    for substring, rate in config.refusal_by_prompt:
        if substring.lower() in lowered:
            return rate
    rate = config.refusal_rate
    for pattern, factor in _WORDING:
        if pattern.search(text):
            rate *= factor
    return min(1.0, rate)

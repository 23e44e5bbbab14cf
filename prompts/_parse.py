"""``parse_answer``: one MLLM reply (text plus the API's refusal signals) → ``ParsedAnswer``.

Precedence, strongest first:

1. the API's signals (FIELD.md §8): the ``refusal`` field, then ``finish_reason ==
   "content_filter"``;
2. in the text, each field from the first source that speaks about it: a JSON object, the
   ``Final answer:`` line, a terse reply (``34 female``), a record (``- male, 30, asian``), then
   free text — so a format the prompt asked for outranks the reasoning around it, and a field the
   structured part withholds (``"gender": null``) is not fished out of the prose;
3. within free text, scopes before words: hedges and wide disjunctions are blanked, denied and
   quoted words dropped (``_age``, ``_gender``), then the strongest cue wins;
4. a refusal about gender outranks the gender words before it: "impossible to determine the
   gender of a robot; it looks like a girl" and "looks like a male, but it is still a robot
   … it has no gender" give no gender. A guess after the refusal, introduced by a turn ("but",
   "however", "if I had to guess"), is what the model said: "I can't be sure of the gender, but
   probably a woman" is female. Even a refusal that only denies certainty ("appears to be a
   woman, but I cannot confirm it definitively") withdraws the gender before it: a wrong gender
   is worse than none;
5. the outcome from what the prompt asked (``asks``; fields not asked are not read): ``answer``
   when every asked field is there, ``partial`` for some, else ``refusal`` (a refusal phrase, or a
   field withheld), or ``unparseable`` — also when the answer says nobody is in the picture,
   which declines nothing.

``PARSER_VERSION`` names these rules: it changes whenever a change to the parser or its lexicons
can read some answer differently, so stored parses say which rules produced them.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Final

from ._age import Age, blank_hedges, read_age, read_age_relaxed
from ._answer import Field, ParsedAnswer
from ._asks import infer_asks, normalize_asks
from ._gender import (
    WITHHELD,
    GenderReading,
    read_gender,
    read_gender_label,
    read_gender_relaxed,
)
from ._json import AgeReading, read_json
from ._record import read_record
from ._refusal import (
    RefusalKind,
    RefusalSignal,
    fields_mentioned,
    find_refusals,
    says_no_person,
)
from ._text import Prepared, prepare
from ._words import AGE_WORDS, FEMALE_WORDS, MALE_WORDS

__all__ = ["PARSER_VERSION", "parse_answer"]

PARSER_VERSION: Final = "2"

_FINAL = re.compile(
    r"\b(?:final answer|respuesta final)\s*(?:is\s*|es\s*)?[:\-]\s*(?P<rest>[^\n]*)"
    r"|(?m:^[^\S\n]*(?:answer|respuesta)\s*[:\-]\s*(?P<line>[^\n]*))"
)
# A terse reply ("34 female", "Female, 34", "25-30 M", "Edad: 34 años, género: femenino") uses
# only these words; any other word means free text, where a bare number is no age.
_TERSE_WORDS = frozenset(
    "age aged edad gender sex genero sexo years year yrs yr old yo y o anos ano approximately "
    "approx about around roughly circa ca est estimated estimate aproximadamente unos unas and or "
    "to between entre final answer respuesta is probably likely the a an un una de person persona "
    "s ish m f".split()
) | MALE_WORDS | FEMALE_WORDS | {word for phrase in AGE_WORDS for word in phrase.split()}
_TOKEN = re.compile(r"\d+(?:\.\d+)?|[a-z']+")
_TERSE_MAX_CHARS = 80
_RANGE_JOIN = re.compile(r"\d\s*(?:[-~]|\b(?:to|a|or|o|and|y)\b)\s*\d")


def parse_answer(
    text: str | bytes | None, *, refusal: str | None = None, finish_reason: str | None = None,
    asks: Iterable[str] | str | None = None, prompt: str | None = None,
) -> ParsedAnswer:
    """Read age, gender and any refusal out of one MLLM reply. Never raises on any text.

    Args:
        text: The message content (``None`` when the API returned none).
        refusal: The API's refusal field (OpenAI ``message.refusal``); any non-blank value makes
            the answer a refusal of kind ``api_refusal``, whatever the text says.
        finish_reason: The API's stop reason; ``"content_filter"`` makes a refusal of that kind.
        asks: The fields the prompt asked for (``["gender"]``, ``"age,gender"``); ``None``
            infers them from ``prompt``, or, without one, means both.
        prompt: The question's text, read only when ``asks`` is ``None``.

    Returns:
        The reading; a refused or missing field is ``None``, never imputed.

    Raises:
        ValueError: ``asks`` names an unknown field.

    Example:
        >>> parse_answer("She looks about 34 years old.")
        ParsedAnswer(age=34.0, age_low=None, age_high=None, gender='female', outcome='answer', \
refusal_kind=None, asks=('age', 'gender'))
        >>> parse_answer("She is a woman.", asks=["gender"]).outcome
        'answer'
    """
    wanted = normalize_asks(asks) if asks is not None or prompt is None else infer_asks(prompt)
    if refusal is not None and (not isinstance(refusal, str) or refusal.strip()):
        return ParsedAnswer(outcome="refusal", refusal_kind="api_refusal", asks=wanted)
    if finish_reason == "content_filter":
        return ParsedAnswer(outcome="refusal", refusal_kind="content_filter", asks=wanted)
    if isinstance(text, bytes | bytearray):
        text = bytes(text).decode("utf-8", "replace")
    if not isinstance(text, str) or not text.strip():
        return ParsedAnswer(asks=wanted)
    prepared = prepare(text)
    age, gender, gender_in_prose = _read_fields(prepared)
    signals = find_refusals(prepared.folded)
    if gender_in_prose:
        gender = _unless_refused(gender, signals, prepared.folded, wanted)
    age = age if "age" in wanted else None
    gender = gender if "gender" in wanted else None
    found_age = age if isinstance(age, Age) else None
    found_gender = gender if gender in ("male", "female") else None
    values = {
        "age": found_age.value if found_age else None,
        "age_low": found_age.low if found_age else None,
        "age_high": found_age.high if found_age else None,
        "gender": found_gender, "asks": wanted,
    }
    readings: dict[Field, object] = {"age": found_age, "gender": found_gender}
    answered = [field for field in wanted if readings[field] is not None]
    missing = [field for field in wanted if readings[field] is None]
    if not missing:
        # Ignored below (arg-type): ``values`` holds checked fields as dict[str, object].
        return ParsedAnswer(**values, outcome="answer")  # type: ignore[arg-type]
    withheld = {name for name, value in (("age", age), ("gender", gender)) if value == WITHHELD}
    if answered:
        kind = _kind_for_missing(signals, missing[0], answered[0])
        if kind is None and missing[0] in withheld:
            kind = "cannot_determine"
        return ParsedAnswer(**values, outcome="partial", refusal_kind=kind)  # type: ignore[arg-type]
    if says_no_person(prepared.folded):
        return ParsedAnswer(**values)  # type: ignore[arg-type]
    if signals:
        return ParsedAnswer(**values, outcome="refusal",  # type: ignore[arg-type]
                            refusal_kind=signals[0].kind)
    if withheld & set(wanted):
        return ParsedAnswer(**values, outcome="refusal",  # type: ignore[arg-type]
                            refusal_kind="cannot_determine")
    return ParsedAnswer(**values)  # type: ignore[arg-type]


def _read_fields(prepared: Prepared) -> tuple[AgeReading, GenderReading, bool]:
    """Each field from the first source that speaks about it (see the module docstring), and
    whether the gender came from free text."""
    folded = blank_hedges(prepared.folded)
    age: AgeReading = None
    gender: GenderReading = None
    from_json = read_json(prepared.raw)
    if from_json is not None:
        age, gender = from_json
    segment = _final_segment(folded) or _terse(folded)
    if segment is not None:
        age = age if age is not None else read_age_relaxed(segment)
        gender = gender if gender is not None else read_gender_relaxed(segment)
    if (age is None or gender is None) and (record := read_record(folded)) is not None:
        age = age if age is not None else record[0]
        gender = gender if gender is not None else record[1]
    if age is None:
        age = read_age(folded)
    if gender is None:
        gender = read_gender_label(folded)
    if gender is not None:
        return age, gender, False
    return age, read_gender(folded, prepared.accented), True


# What turns from a refusal to a guess: "…, but she looks female", "If I had to guess, male".
_TURN = re.compile(
    r"\b(?:but|however|although|though|that said|nevertheless|if i (?:had|have|were) to "
    r"(?:guess|choose|pick|say)|(?:my )?best guess|i(?:'d| would) (?:guess|say))\b"
)


# A refusal is about gender when its clause names the field ("cannot determine the gender"),
# or names people by gender and says nothing of age ("both men and women wear blue shirts");
# "hard to estimate the age of this woman" refuses an age and only says who she is. When the
# prompt asked for gender alone, a refusal naming no field that opens the answer ("This is not
# possible") is about it; one deep in a description ("the faces in the background are hard to
# make out") is not.
_NAMES_GENDER = re.compile(r"\b(?:gender|genders|sex)\b")
_OPENING = 60  # characters
_POSSESSIVE = re.compile(r"\b\w+'s\b")


def _unless_refused(gender: GenderReading, signals: list[RefusalSignal], folded: str,
                    asks: tuple[Field, ...]) -> GenderReading:
    """``gender`` unless a refusal about gender outranks it (module docstring, rule 4)."""
    about_gender = [s for s in signals if _is_about_gender(s, asks)]
    if not about_gender:
        return gender
    turn = _TURN.search(folded, max(s.end for s in about_gender))
    # The guess is a word about the person, not a possessive naming a part ("the woman's face").
    tail = _POSSESSIVE.sub(lambda m: " " * len(m.group()), folded[turn.start():]) if turn else ""
    guess = read_gender(tail, "", pronouns=False) if turn is not None else None
    if guess in ("male", "female"):
        return guess
    return WITHHELD if gender is not None else None


def _is_about_gender(signal: RefusalSignal, asks: tuple[Field, ...]) -> bool:
    mentioned = fields_mentioned(signal.clause)
    return bool(_NAMES_GENDER.search(signal.clause) or mentioned == {"gender"} or (
        not mentioned and asks == ("gender",) and signal.start < _OPENING
    ))


def _final_segment(folded: str) -> str | None:
    """The text after the last ``Final answer:`` (or a line-initial ``Answer:``)."""
    matches = list(_FINAL.finditer(folded))
    if not matches:
        return None
    match = matches[-1]
    segment = match.group("rest") if match.group("rest") is not None else match.group("line")
    if segment.strip():
        return segment
    following = [line for line in folded[match.end():].splitlines() if line.strip()]
    return following[0] if following else None


def _terse(folded: str) -> str | None:
    if len(folded) > _TERSE_MAX_CHARS:
        return None
    tokens = _TOKEN.findall(folded)
    if not tokens or not all(token[0].isdigit() or token in _TERSE_WORDS for token in tokens):
        return None
    # One age, or one range: "25-30 male" is terse, "[1, 2, 3]" is a list of numbers.
    numbers = sum(token[0].isdigit() for token in tokens)
    if numbers > 2 or (numbers == 2 and not _RANGE_JOIN.search(folded)):
        return None
    return folded


def _kind_for_missing(signals: list[RefusalSignal], missing: str,
                      answered: str) -> RefusalKind | None:
    """The strongest refusal that can be about the missing field.

    A refusal whose clause talks only about the field that was answered anyway ("impossible to
    know the exact age, but about 30") says nothing about the missing one.
    """
    for signal in signals:
        mentioned = fields_mentioned(signal.clause)
        if missing in mentioned or answered not in mentioned:
            return signal.kind
    return None

"""Reading a gender out of folded answer text, without guessing.

Matching is by whole words, so "female" never reads as "male", nor "human", "Emmanuel" or
"manly" as "man", nor "women" as "men". Evidence is tried strongest first and the first tier
that decides wins:

1. a label: ``gender: female``, ``sex: M``, ``género: masculino``;
2. singular words naming the person (man, woman, girl, hombre, mujer, 男性, ...);
3. plurals and style adjectives (women, men, feminine), which mostly appear in comparisons;
4. pronouns (he/him/his, she/her/hers, él, ella, 她), with "he or she" and "they" meaning nothing.

Other languages' words arrive rewritten to English (``_lexicon``). Scopes, applied in each tier:

- a disjunction of the two genders ("a man or a woman", "male/female") says nothing: blanked;
- a quoted word ("it is written 'Man'") is a mention, not a statement: blanked;
- a denied word ("not a woman", "a man rather than a woman", "neither ... nor") is dropped, and
  the words left decide; a conditional ("whether it is a man") and a description of features
  ("associated with women", "traditionally male clothing") are dropped the same way.

Both genders left in one tier gives no gender: the parser never turns a denial or a doubt into an
answer, and a wrong gender is worse than none.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Final, Literal

from ._words import (
    FEMALE_PLURALS,
    FEMALE_PRONOUNS,
    FEMALE_WORDS,
    MALE_PLURALS,
    MALE_PRONOUNS,
    MALE_WORDS,
)

__all__ = [
    "DISJUNCTION", "WITHHELD", "Gender", "GenderReading", "read_gender", "read_gender_label",
    "read_gender_relaxed",
]

Gender = Literal["male", "female"]
WITHHELD: Final = "withheld"
# A gender, WITHHELD (the answer said it cannot or will not tell), or None (nothing said).
GenderReading = Literal["male", "female", "withheld"] | None

_SIDES = {word: "male" for word in MALE_WORDS} | {word: "female" for word in FEMALE_WORDS}
_PLURAL_SIDES = {w: "male" for w in MALE_PLURALS} | {w: "female" for w in FEMALE_PLURALS}
# Single letters only where the answer is known to be terse. Spanish H/M (hombre/mujer) is not
# read: its "M" would clash with the English "M" for male.
_LETTERS = {"m": "male", "f": "female"}
_UNKNOWN = frozenset({
    "unknown", "undetermined", "undeterminable", "indeterminate", "unclear", "uncertain",
    "ambiguous", "unsure", "n/a", "na", "none", "null", "not", "cannot", "can't", "unspecified",
    "desconocido", "indeterminado", "incierto", "neither", "other", "either",
})


def _word_pattern(words: Iterable[str]) -> re.Pattern[str]:
    # "non-male" is no answer, but "female-presenting" is one: hyphens count only before.
    alternatives = "|".join(sorted(words, key=len, reverse=True))
    return re.compile(rf"(?<![\w'-])({alternatives})(?!\w)")


_WORDS = _word_pattern(_SIDES)
_PLURALS = _word_pattern(_PLURAL_SIDES)
_LABEL = re.compile(
    r"\b(?:gender|sex|genero|sexo)\b(?:\s+of\s+(?:(?:the|this|that|an?|their|its)\s+)?[a-z]+"
    r"(?:\s+[a-z]+)?)?\s*[\"']?\s*(?:[:=-]|\bis\b|\bwould be\b|\bappears to be\b|"
    r"\bseems to be\b|\blooks\b|\bes\b|\bparece(?: ser)?\b)\s*[\"']?\s*"
    r"(?:(?:probably|likely|most likely|apparently|probablemente)\s+)?(?:(?:an?|una?)\s+)?"
    r"(?P<value>[a-z']+)(?P<rest>\s*(?:\bor\b|/|\bo\b)\s*[a-z]+)?"
)
# A negation, contrast or condition shortly before a gender word: "not a man", "rather than a
# woman", "whether the person is a woman" (other languages' negations arrive as "not" and
# "rather than"); and a word describing features, not the person: "associated with women",
# "traditionally male clothing". Commas end the reach, so "not sure, but a woman" still reads.
_NEGATED = re.compile(
    r"\b(?:not|never|nor|neither|whether|if|rather than|instead of|mistaken for|confused with|"
    r"associated with|typically|traditionally|stereotypically|perceived as|no reason why)"
    r"\b(?:\s+[^\s,.;:!?]+){0,3}\s*$"
)
_ANY_GENDER = "|".join(sorted(
    MALE_WORDS | FEMALE_WORDS | MALE_PLURALS | FEMALE_PLURALS | {"m", "f"}, key=len, reverse=True))
DISJUNCTION = re.compile(
    rf"(?<![\w'-])(?:an?\s+)?(?:{_ANY_GENDER})\s*(?:\bor\b|/|\bvs\.?|\bversus\b)\s*"
    rf"(?:an?\s+)?(?:{_ANY_GENDER})(?!\w)"
)
_QUOTED = re.compile(r"(?<!\w)(['\"«「])[^'\"»」\n]{1,30}?(['\"»」])(?!\w)")
_AMBIGUOUS_PRONOUNS = re.compile(
    r"\b(?:he or she|she or he|he/she|she/he|s/he|his or her|her or his|his/her|her/his|"
    r"him or her|her or him|him/her|her/him|el o she|she o el)\b"
)
_MALE_PRONOUNS = re.compile(rf"\b(?:{'|'.join(sorted(MALE_PRONOUNS))})\b")
_FEMALE_PRONOUNS = re.compile(rf"\b(?:{'|'.join(sorted(FEMALE_PRONOUNS))})\b")
_SPANISH_HE = re.compile(r"\bél\b(?!\s+o\s+ella)")


def read_gender(folded: str, accented: str, *, pronouns: bool = True) -> GenderReading:
    """The gender the text states, strongest evidence first (see the module docstring); without
    ``pronouns``, words only."""
    label = read_gender_label(folded)
    if label is not None:
        return label
    text = _QUOTED.sub(_blank, DISJUNCTION.sub(_blank, folded))
    decided, gender = _read_words(_WORDS, _SIDES, text)
    if decided:
        return gender
    decided, gender = _read_words(_PLURALS, _PLURAL_SIDES, text)
    if decided and gender is not None:
        return gender
    return _read_pronouns(text, accented) if pronouns else None


def read_gender_relaxed(segment: str) -> GenderReading:
    """Like ``read_gender`` on a segment known to hold the answer; ``M``/``F`` letters count,
    and a label holding no gender (``gender: unknown``) withholds it."""
    label = _read_label(segment, withhold=True)
    if label is not None:
        return label
    segment = DISJUNCTION.sub(_blank, segment)
    decided, gender = _read_words(_WORDS, _SIDES, segment)
    if decided:
        return gender
    letters = {_LETTERS[m] for m in re.findall(r"(?<![a-z'])([mf])(?![\w'])", segment)}
    if len(letters) == 1:
        # Ignored below: the set holds only "male"/"female"; mypy reads str.
        return letters.pop()  # type: ignore[return-value]
    decided, gender = _read_words(_PLURALS, _PLURAL_SIDES, segment)
    return gender if decided else None


def read_gender_label(folded: str) -> GenderReading:
    """The gender a label in free text gives (``the gender of the person would be male``).

    A label holding no gender ("gender is not specified") is left to the refusal patterns here,
    so a guess after it ("…, but likely a man") can still be read.
    """
    return _read_label(folded, withhold=False)


def _read_label(text: str, *, withhold: bool) -> GenderReading:
    for match in _LABEL.finditer(text):
        value = match.group("value").strip("'")
        side = _SIDES.get(value) or _PLURAL_SIDES.get(value) or _LETTERS.get(value)
        if match.group("rest") and side is not None:
            other = match.group("rest").split()[-1].strip("/")
            if (_SIDES.get(other) or _LETTERS.get(other)) not in (None, side):
                return WITHHELD if withhold else None  # "gender: male or female": nothing
        if side is not None:
            # Ignored below: the sides are only "male"/"female"; mypy reads str.
            return side  # type: ignore[return-value]
        if withhold and (value in _UNKNOWN
                         or value.startswith(("undetermin", "indetermin", "unknow"))):
            return WITHHELD
    return None


def _blank(match: re.Match[str]) -> str:
    return " " * len(match.group())


def _read_words(pattern: re.Pattern[str], sides: dict[str, str],
                text: str) -> tuple[bool, GenderReading]:
    """(whether this tier decides, its gender): a tier with a word left after the denied ones
    are dropped decides, maybe on none (both genders)."""
    found: set[str] = set()
    for match in pattern.finditer(text):
        if _NEGATED.search(text, max(0, match.start() - 40), match.start()):
            continue
        found.add(sides[match.group(1)])
    if not found:
        return False, None
    # Ignored below: the set holds only "male"/"female"; mypy reads str.
    return True, (found.pop() if len(found) == 1 else None)  # type: ignore[return-value]


def _read_pronouns(folded: str, accented: str) -> GenderReading:
    text = _AMBIGUOUS_PRONOUNS.sub(" ", folded)
    male = (_MALE_PRONOUNS.search(text) is not None
            or _SPANISH_HE.search(accented.replace("ella o él", " ")) is not None)
    female = _FEMALE_PRONOUNS.search(text) is not None
    if male != female:
        return "male" if male else "female"
    return None

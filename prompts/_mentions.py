"""What an answer mentions at all, before any scope is read: evidence a judge's reading must have.

``parse_answer`` reads scopes (negation, disjunction, quotation) and abstains where they leave
doubt. A second reader (an LLM judge) may resolve that doubt, but may not invent: a gender it
gives must be named somewhere in the answer (a word, a plural or a pronoun of that gender, in any
lexicon language), and an age must rest on a number or an age word. ``mentions`` lists that
evidence, deliberately ignoring scope: "a man, not a woman" mentions both genders.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ._age import read_age_relaxed
from ._answer import Field
from ._gender import _FEMALE_PRONOUNS, _MALE_PRONOUNS, _PLURAL_SIDES, _PLURALS, _SIDES, _WORDS
from ._refusal import fields_mentioned
from ._text import prepare

__all__ = ["Mentions", "mentions"]

_NUMBER = re.compile(r"(?<![\w.])\d{1,3}(?:\.\d+)?(?!\d)")


@dataclass(frozen=True, slots=True)
class Mentions:
    """The fields an answer talks about, and the evidence for each value.

    Attributes:
        fields: Fields named or given a value anywhere (``age``, ``gender``).
        genders: Every gender a word, plural or pronoun of the answer names.
        age: Whether a number or an age word ("late thirties", "teenager") appears.
    """

    fields: frozenset[Field]
    genders: frozenset[str]
    age: bool


def mentions(text: str) -> Mentions:
    """The evidence in ``text`` (any language the lexicons cover), scopes ignored.

    Example:
        >>> sorted(mentions("A man, not a woman.").genders)
        ['female', 'male']
        >>> mentions("He has seen about 45 winters.").age
        True
    """
    folded = prepare(text).folded
    genders = {_SIDES[m.group(1)] for m in _WORDS.finditer(folded)}
    genders |= {_PLURAL_SIDES[m.group(1)] for m in _PLURALS.finditer(folded)}
    genders |= {"male"} if _MALE_PRONOUNS.search(folded) else set()
    genders |= {"female"} if _FEMALE_PRONOUNS.search(folded) else set()
    age = bool(_NUMBER.search(folded)) or read_age_relaxed(folded) is not None
    fields = set(fields_mentioned(folded)) | ({"gender"} if genders else set())
    fields |= {"age"} if age else set()
    return Mentions(fields=frozenset(fields), genders=frozenset(genders),  # type: ignore[arg-type]
                    age=age)

"""Text clean-up shared by every reader of an answer: one canonical form, computed once.

Models write the same answer many ways: curly quotes, en dashes in ranges, Markdown bold,
full-width digits, "thirty-five", accents or none. Matching runs on a folded copy in which all of
that is one spelling, so the patterns elsewhere stay few and readable.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from ._lexicon import fold, numbers_to_digits, rewrite

__all__ = ["MAX_CHARS", "Prepared", "canonical", "fold", "prepare"]

# Answers are a few hundred characters; a megabyte of junk is read at its two ends only, which is
# where an answer or a final line would be, and keeps every pattern's cost bounded.
MAX_CHARS = 20_000

_DASHES = dict.fromkeys(map(ord, "\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe63"), "-")
_QUOTES = dict.fromkeys(map(ord, "\u2018\u2019\u201a\u201b\u2032"), "'") | dict.fromkeys(
    map(ord, "\u201c\u201d\u201e\u201f\u2033"), '"'
)
_INVISIBLE = re.compile(r"[\u200b-\u200d\u2060\ufeff]")
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_MARKDOWN = re.compile(r"[*#`]+")

# Chinese text has no spaces: digits next to ideographs get one, so "年龄35岁" reads as words.
_CJK_DIGIT = re.compile(r"(?<=[\u3400-\u9fff])(?=\d)|(?<=\d)(?=[\u3400-\u9fff])")
_CJK_PUNCTUATION = str.maketrans({"\u3002": ". ", "\u3001": ", ", "\u301c": "-", "\uff5e": "-"})
# Spanish "treinta y pocos / tantos / muchos" (early / thirty-something / late thirties), after
# number words became digits: rewritten to the English phrases the age reader knows.
_ES_DECADE = re.compile(r"\b([2-9]0) y (pocos|tantos|muchos)\b")
_ES_DECADE_PARTS = {"pocos": "early {}s", "tantos": "{}-something", "muchos": "late {}s"}
# "1." / "2)" at the start of a line of a multi-line answer numbers reasoning steps, not ages.
_LIST_MARKER = re.compile(r"(?m)^([ \t]*)\d{1,2}[.)](?=[ \t])")


@dataclass(frozen=True, slots=True)
class Prepared:
    """An answer in the forms the readers need.

    Attributes:
        raw: Unicode-normalised text with straight quotes and dashes, case kept (for JSON).
        accented: ``raw`` lower-cased, accents kept (Spanish "él" differs from "el").
        folded: ``accented`` without accents or Markdown, number words (any language) as
            digits, other languages' lexicon words rewritten to canonical English, and list
            markers blanked: what the age, gender and refusal patterns read.
    """

    raw: str
    accented: str
    folded: str


def prepare(text: str) -> Prepared:
    """Normalise one answer; total on any string, never raises."""
    if len(text) > MAX_CHARS:
        half = MAX_CHARS // 2
        text = f"{text[:half]}\n{text[-half:]}"
    raw = unicodedata.normalize("NFKC", text).translate(_DASHES).translate(_QUOTES)
    raw = _CONTROL.sub(" ", _INVISIBLE.sub("", raw)).translate(_CJK_PUNCTUATION)
    accented = raw.lower()
    folded = _MARKDOWN.sub("", fold(numbers_to_digits(accented)))
    folded = rewrite(folded.replace("|", " ").replace("_", " "))
    folded = _CJK_DIGIT.sub(" ", folded)
    folded = _ES_DECADE.sub(lambda m: _ES_DECADE_PARTS[m.group(2)].format(m.group(1)), folded)
    if sum(1 for line in folded.splitlines() if line.strip()) > 1:
        folded = _LIST_MARKER.sub(lambda m: m.group(1) + "#", folded)
    return Prepared(raw=raw, accented=accented, folded=folded)


def canonical(text: str) -> str:
    """A short value (a JSON key or string) folded and rewritten to canonical English."""
    return rewrite(fold(numbers_to_digits(text.lower()))).strip()

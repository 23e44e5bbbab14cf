"""Paraphrase-preserving rewrites of a known answer parse to the same fields (Hypothesis).

An answer is generated from (age, gender, phrasing), then rewritten in ways that keep its meaning:
letter case, punctuation, filler sentences around it, the age as digits or as words, and the
order of the fields. Every rewrite must read as the plain answer does.
"""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from prompts import parse_answer

SETTINGS = settings(deadline=None, max_examples=300, suppress_health_check=[HealthCheck.too_slow])

_UNITS = ["", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"]
_TEENS = ["ten", "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen",
          "eighteen", "nineteen"]
_TENS = ["", "", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"]
_FILLERS = [
    "Thanks for the picture.", "The lighting is soft and even.", "Here is my estimate.",
    "The background is a plain wall.", "I hope this helps!", "Note: this is only an estimate.",
]
_NOUNS = {"male": ["man", "male", "guy"], "female": ["woman", "female", "lady"]}


def in_words(age: int) -> str:
    if age < 10:
        return _UNITS[age]
    if age < 20:
        return _TEENS[age - 10]
    tens, unit = divmod(age, 10)
    return _TENS[tens] + (f"-{_UNITS[unit]}" if unit else "")


@st.composite
def answers(draw: st.DrawFn) -> tuple[int, str, list[str]]:
    """(age, gender, the answer's sentences) — one sentence per field, in either order."""
    age = draw(st.integers(min_value=2, max_value=99))
    gender = draw(st.sampled_from(["male", "female"]))
    noun = draw(st.sampled_from(_NOUNS[gender]))
    number = in_words(age) if draw(st.booleans()) else str(age)
    age_part = draw(st.sampled_from([
        f"Estimated age: {number}", f"The person looks about {number} years old",
        f"Age {number}", f"I'd say {number}",
    ]))
    gender_part = draw(st.sampled_from([
        f"Gender: {noun}", f"This is a {noun}", f"The person appears to be a {noun}",
    ]))
    parts = [age_part, gender_part]
    if draw(st.booleans()):
        parts.reverse()
    return age, gender, parts


@SETTINGS
@given(answer=answers(), upper=st.booleans(), title=st.booleans(),
       mark=st.sampled_from([".", "!", ";", ".\n", " -", "..."]),
       fillers=st.lists(st.sampled_from(_FILLERS), max_size=3),
       before=st.integers(min_value=0, max_value=3))
def test_rewrites_keep_the_fields(answer: tuple[int, str, list[str]], upper: bool, title: bool,
                                  mark: str, fillers: list[str], before: int) -> None:
    age, gender, parts = answer
    sentences = [part + mark for part in parts]
    at = min(before, len(fillers))
    text = " ".join([*fillers[:at], *sentences, *fillers[at:]])
    if upper:
        text = text.upper()
    elif title:
        text = text.title()
    parsed = parse_answer(text)
    assert (parsed.outcome, parsed.age, parsed.gender) == ("answer", float(age), gender), text


@SETTINGS
@given(age=st.integers(min_value=2, max_value=99), gender=st.sampled_from(["male", "female"]),
       words=st.booleans(), gender_first=st.booleans(), separator=st.sampled_from([", ", "; ",
                                                                                  " / "]))
def test_records_and_terse_answers_in_any_order(age: int, gender: str, words: bool,
                                                gender_first: bool, separator: str) -> None:
    number = in_words(age) if words else str(age)
    fields = [gender, number] if gender_first else [number, gender]
    for text in (separator.join(fields), f"- {separator.join(fields)}, brown hair, coat"):
        parsed = parse_answer(text)
        assert (parsed.outcome, parsed.age, parsed.gender) == ("answer", float(age), gender), text


def test_number_words_cover_every_age() -> None:
    for age in range(2, 100):
        assert parse_answer(f"Age: {in_words(age)}.", asks=["age"]).age == age, in_words(age)

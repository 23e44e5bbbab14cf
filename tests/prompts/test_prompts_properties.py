"""Properties of ``parse_answer`` on generated text: total, consistent, exact on canonical forms."""

from __future__ import annotations

import json
from collections.abc import Callable

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from prompts import OUTCOMES, REFUSAL_KINDS, ParsedAnswer, parse_answer

SETTINGS = settings(deadline=None, suppress_health_check=[HealthCheck.too_slow])

# Fragments that exercise the parser's patterns far more than uniform random text does.
FRAGMENTS = [
    "age", "Age:", "edad", " ", "\n", ",", ".", ":", "-", "–", "~", "±", "%", "34", "0", "120",
    "121", "2019", "7.5", "years old", "años", "between", "and", "to", "or", "early", "mid",
    "late", "30s", "twenties", "thirty-five", "teenager", "male", "female", "man", "woman",
    "he", "she", "they", "not", "Final answer:", "1.", "{", "}", '"age":', '"gender":', "null",
    "[", "]", "```json", "I can't help with that", "impossible to tell", "hard to say",
    "anywhere between", "about", "looks", "gender", "sex", "M", "F", "px", "x", "\x00", "é",
]
fragment_text = st.lists(st.sampled_from(FRAGMENTS), max_size=40).map("".join)
any_text = st.one_of(
    st.text(),
    st.text(alphabet=st.characters(codec="utf-8"), max_size=500),
    st.binary(max_size=300).map(lambda b: b.decode("latin-1")),
    fragment_text,
)
signal = st.one_of(st.none(), st.text(max_size=20))
finish = st.one_of(st.none(), st.sampled_from(["stop", "length", "content_filter"]), st.text())


def _check_invariants(parsed: ParsedAnswer) -> None:
    assert parsed.outcome in OUTCOMES
    assert parsed.refusal_kind is None or parsed.refusal_kind in REFUSAL_KINDS
    assert parsed.gender in (None, "male", "female")
    if parsed.age is not None:
        assert 0 <= parsed.age <= 120
    if parsed.age_low is not None or parsed.age_high is not None:
        # An open range keeps its one stated bound; the point lies within what is stated.
        assert parsed.age is not None
        assert parsed.age_low is None or parsed.age_low <= parsed.age
        assert parsed.age_high is None or parsed.age <= parsed.age_high
    found = sum(getattr(parsed, field) is not None for field in parsed.asks)
    expected = {"answer": len(parsed.asks), "refusal": 0, "unparseable": 0}
    assert found == expected.get(parsed.outcome, found) and (
        parsed.outcome != "partial" or 0 < found < len(parsed.asks))
    if parsed.outcome == "refusal":
        assert parsed.refusal_kind is not None
    if parsed.outcome in ("answer", "unparseable"):
        assert parsed.refusal_kind is None


@SETTINGS
@given(text=st.one_of(st.none(), any_text), refusal=signal, finish_reason=finish)
def test_never_raises_and_keeps_its_invariants(text: str | None, refusal: str | None,
                                               finish_reason: str | None) -> None:
    parsed = parse_answer(text, refusal=refusal, finish_reason=finish_reason)
    _check_invariants(parsed)
    assert parse_answer(text, refusal=refusal, finish_reason=finish_reason) == parsed


@SETTINGS
@given(text=st.lists(st.one_of(fragment_text, st.text(max_size=30)), max_size=8).map(" ".join))
def test_mixed_fragments_never_raise(text: str) -> None:
    _check_invariants(parse_answer(text))


SPANISH = {"male": ("Hombre", "masculino"), "female": ("Mujer", "femenino")}
ENGLISH_NOUN = {"male": "man", "female": "woman"}
TEMPLATES: list[Callable[[int, str], str]] = [
    lambda age, g: f"{age} years old, {g}",
    lambda age, g: json.dumps({"age": age, "gender": g}),
    lambda age, g: f"```json\n{json.dumps({'gender': g, 'age': str(age)}, indent=2)}\n```",
    lambda age, g: f"Final answer: age {age}, gender {g}",
    lambda age, g: (f"1. The skin is smooth, typical of people under 30.\n2. I'm 80% sure.\n"
                    f"Final answer: age {age}, gender {g}"),
    lambda age, g: f"{age} {g}",
    lambda age, g: f"{g.capitalize()}, {age}",
    lambda age, g: f"Gender: {g}. Age: {age}.",
    lambda age, g: f"Gender: {g}\nAge: approximately {age}",
    lambda age, g: f"The person appears to be a {ENGLISH_NOUN[g]} of about {age} years old.",
    lambda age, g: f"Age: {age}\nGender: {g.capitalize()}",
    lambda age, g: f"{SPANISH[g][0]} de {age} años.",
    lambda age, g: f"Edad: {age} años. Género: {SPANISH[g][1]}.",
    lambda age, g: f"La persona parece ser {'una mujer' if g == 'female' else 'un hombre'} "
                   f"de unos {age} años.",
]


@SETTINGS
@given(age=st.integers(1, 99), gender=st.sampled_from(["male", "female"]),
       template=st.sampled_from(TEMPLATES))
def test_canonical_forms_round_trip(age: int, gender: str,
                                    template: Callable[[int, str], str]) -> None:
    text = template(age, gender)
    assert parse_answer(text) == ParsedAnswer(age=float(age), gender=gender,  # type: ignore[arg-type]
                                              outcome="answer"), text


@SETTINGS
@given(low=st.integers(1, 90), width=st.integers(1, 20), gender=st.sampled_from(["male", "female"]),
       form=st.sampled_from(["{lo}-{hi} {g}", "{lo} to {hi} years old, {g}",
                             "{g}, between {lo} and {hi} years old", "{g}, {lo}–{hi}",
                             '{{"age": "{lo}-{hi}", "gender": "{g}"}}']))
def test_ranges_round_trip(low: int, width: int, gender: str, form: str) -> None:
    high = low + width
    parsed = parse_answer(form.format(lo=low, hi=high, g=gender))
    assert (parsed.age_low, parsed.age_high, parsed.age, parsed.gender) == (
        low, high, (low + high) / 2, gender)


@SETTINGS
@given(text=any_text, asks=st.sampled_from([["age"], ["gender"], ["age", "gender"],
                                            ["gender", "age"], "age,gender", "gender"]))
def test_any_asks_keeps_the_invariants(text: str, asks: list[str] | str) -> None:
    parsed = parse_answer(text, asks=asks)
    _check_invariants(parsed)
    assert parsed.asks in (("age",), ("gender",), ("age", "gender"))
    for field in ("age", "gender"):
        if field not in parsed.asks:  # a field not asked is not read
            assert getattr(parsed, field) is None

"""Decisions of the answer parser that the corpus does not pin on its own."""

from __future__ import annotations

import pytest

from prompts import AGE_WORDS, parse_answer
from prompts._text import MAX_CHARS


@pytest.mark.parametrize(
    ("phrase", "low", "high", "point"),
    [
        ("late twenties", 27, 29, 28),
        ("early 30s", 30, 33, 31.5),
        ("mid-forties", 44, 46, 45),
        ("in her thirties", 30, 39, 34.5),
        ("a teenager", 13, 19, 16),
        ("in his late teens", 17, 19, 18),
        ("in her mid-to-late 20s", 24, 29, 26.5),
        ("in his late 30s to early 40s", 37, 43, 40),
        ("thirty-something", 30, 39, 34.5),
        ("middle-aged", 40, 60, 50),
        ("a toddler", 1, 3, 2),
    ],
)
def test_age_phrases_read_as_ranges(phrase: str, low: float, high: float, point: float) -> None:
    parsed = parse_answer(f"A woman, {phrase}.")
    assert (parsed.age_low, parsed.age_high, parsed.age) == (low, high, point)


def test_word_table_is_data_with_midpoint_semantics() -> None:
    assert AGE_WORDS["late twenties"] == AGE_WORDS["late 20s"] == (27, 29)
    assert AGE_WORDS["early 30s"] == (30, 33)
    assert AGE_WORDS["mid forties"] == (44, 46)
    assert AGE_WORDS["thirties"] == (30, 39)
    assert AGE_WORDS["teenager"] == AGE_WORDS["teens"] == (13, 19)
    assert AGE_WORDS["elderly"] == (65, None)  # open-ended: no invented upper bound
    for low, high in AGE_WORDS.values():
        assert 0 <= low < (high if high is not None else 120) <= 120


@pytest.mark.parametrize(
    ("text", "age"),
    [
        ("thirty-five years old, male", 35),
        ("twenty one years old, male", 21),
        ("a man of forty", 40),
        ("Tiene treinta y cinco años, es un hombre.", 35),
        ("Un hombre de veinticinco años.", 25),
    ],
)
def test_number_words(text: str, age: float) -> None:
    assert parse_answer(text).age == age


@pytest.mark.parametrize(
    "text",
    [
        "I'm 90% confident it is a man.",
        "The image is 512x512 px and shows a man.",
        "In 2019 a man stood here.",
        "Step 1: look at the man.\nStep 2: look again.",
        "1. A man.\n2. Standing.",
        "A man, over 40 for sure.",
        "A man, 180 cm tall.",
        "A man with 20 years of experience.",
        "A man aged 130.",
        "A man; the photo has 3 people in it.",
    ],
)
def test_numbers_that_are_not_ages(text: str) -> None:
    parsed = parse_answer(text)
    assert (parsed.age, parsed.gender, parsed.outcome) == (None, "male", "partial")


def test_final_line_wins_over_reasoning() -> None:
    text = ("A man of 40 would have more wrinkles; she is surely older than 20 years.\n"
            "Final answer: age 31, gender female")
    parsed = parse_answer(text)
    assert (parsed.age, parsed.gender) == (31.0, "female")


def test_json_wins_over_prose_and_withholds_for_it() -> None:
    assert parse_answer('The man is 50 years old. {"age": 34, "gender": "female"}').age == 34.0
    parsed = parse_answer('She is a woman. {"age": 34, "gender": null}')
    assert (parsed.gender, parsed.outcome, parsed.refusal_kind) == (
        None, "partial", "cannot_determine")


def test_api_signals_beat_the_text() -> None:
    assert parse_answer("34 female", refusal="no").refusal_kind == "api_refusal"
    assert parse_answer("34 female", refusal="  ").outcome == "answer"  # blank is no refusal
    assert parse_answer("34 female", refusal="x", finish_reason="content_filter").refusal_kind \
        == "api_refusal"
    assert parse_answer("34 female", finish_reason="content_filter").refusal_kind \
        == "content_filter"
    assert parse_answer("34 female", finish_reason="stop").outcome == "answer"


def test_policy_outranks_cannot_determine_and_hedged() -> None:
    text = "It's hard to say and impossible to tell; also I can't help with identifying people."
    assert parse_answer(text).refusal_kind == "policy"
    assert parse_answer("It's hard to say; impossible to tell.").refusal_kind \
        == "cannot_determine"


def test_refusal_about_the_answered_field_says_nothing_of_the_missing_one() -> None:
    # The disclaimer is about age, which is answered; gender was just not mentioned.
    parsed = parse_answer("I can't determine the exact age, but about 30 years old.")
    assert (parsed.age, parsed.outcome, parsed.refusal_kind) == (30.0, "partial", None)
    parsed = parse_answer("I can't determine the gender, but about 30 years old.")
    assert (parsed.outcome, parsed.refusal_kind) == ("partial", "cannot_determine")


def test_pronouns_count_only_without_explicit_words() -> None:
    assert parse_answer("She is about 30 years old.").gender == "female"
    assert parse_answer("His age is about 30 years.").gender == "male"
    assert parse_answer("The man, she says, is about 30 years old.").gender == "male"
    assert parse_answer("He or she is about 30 years old.").gender is None
    assert parse_answer("He/she is about 30 years old.").gender is None
    assert parse_answer("They are about 30 years old.").gender is None
    assert parse_answer("Él tiene unos 30 años.").gender == "male"
    assert parse_answer("El chico tiene unos 30 años.").gender == "male"
    assert parse_answer("Ella tiene unos 30 años.").gender == "female"


@pytest.mark.parametrize(
    ("text", "gender"),
    [
        ("female", "female"), ("Female.", "female"), ("FEMALE", "female"), ("male", "male"),
        ("femaleness, about 30 years old", None), ("human, about 30 years old", None),
        ("Emmanuel, about 30 years old", None), ("manly, about 30 years old", None),
        ("women", "female"), ("men", "male"), ("woman's face", "female"),
        ("not a man", None), ("no es un hombre", None), ("neither male nor female", None),
        ("could be male or female", None), ("a man or a woman", None),
        ("mujer", "female"), ("hombre", "male"), ("femenino", "female"),
        ("masculino", "male"), ("chica", "female"), ("chico", "male"),
        ("a lady", "female"), ("a gentleman", "male"), ("a girl", "female"), ("a boy", "male"),
        ("non-male", None), ("female-presenting", "female"), ("sex: F", "female"),
        ("Gender: M", "male"), ("gender: male/female", None), ("género: femenino", "female"),
    ],
)
def test_gender_words(text: str, gender: str | None) -> None:
    assert parse_answer(text).gender == gender


def test_huge_text_is_read_at_both_ends() -> None:
    text = "a woman. " + "x" * (MAX_CHARS * 5) + " Final answer: age 41, gender female"
    parsed = parse_answer(text)
    assert (parsed.age, parsed.gender) == (41.0, "female")


@pytest.mark.parametrize("text", [b"34 female", bytearray(b"34 female")])
def test_bytes_are_decoded(text: bytes) -> None:
    assert parse_answer(text).outcome == "answer"  # type: ignore[arg-type]


@pytest.mark.parametrize("text", [None, "", " \n ", 34, ["34 female"]])
def test_no_text_is_unparseable(text: object) -> None:
    parsed = parse_answer(text)  # type: ignore[arg-type]
    assert (parsed.outcome, parsed.refusal_kind) == ("unparseable", None)

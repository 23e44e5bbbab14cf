"""The answer families real MLLMs write (issue 8), each with cases of our own.

Every case is written here for this test, not copied from the real corpus; each family is one
test so a regression names the family that broke.
"""

from __future__ import annotations

import pytest

from prompts import infer_asks, parse_answer


def _read(text: str, **kwargs: object) -> tuple[object, ...]:
    parsed = parse_answer(text, **kwargs)  # type: ignore[arg-type]
    return parsed.outcome, parsed.age, parsed.age_low, parsed.age_high, parsed.gender


@pytest.mark.parametrize(("text", "asks", "expected"), [
    ("He is clearly a boy.", ["gender"], ("answer", None, None, None, "male")),
    ("Female.", ["gender"], ("answer", None, None, None, "female")),
    ("Roughly 52 years old.", ["age"], ("answer", 52.0, None, None, None)),
    # A field that was not asked is not read, and its absence costs nothing.
    ("A woman of about 41.", ["gender"], ("answer", None, None, None, "female")),
    ("A woman of about 41.", ["age"], ("answer", 41.0, None, None, None)),
    ("A woman.", ["age", "gender"], ("partial", None, None, None, "female")),
])
def test_the_prompt_decides_what_a_complete_answer_is(text: str, asks: list[str],
                                                      expected: tuple[object, ...]) -> None:
    assert _read(text, asks=asks) == expected


@pytest.mark.parametrize(("prompt", "asks"), [
    ("Is the person in the picture a man or a woman?", ("gender",)),
    ("What sex is this individual?", ("gender",)),
    ("Guess how old the subject is.", ("age",)),
    ("Give age and gender.", ("age", "gender")),
    ("Describe the photo.", ("age", "gender")),  # nothing said: both, as before
    ("Estimate the age only; do not guess the gender.", ("age",)),
    ("¿Es hombre o mujer?", ("gender",)),
    ("Quel âge a cette personne ?", ("age",)),
    ("Welches Geschlecht hat die Person?", ("gender",)),
    ("Qual é o sexo desta pessoa?", ("gender",)),
    ("Какого пола этот человек?", ("gender",)),
    ("请判断图中人物的年龄。", ("age",)),
])
def test_what_a_free_prompt_asks_is_read_from_its_words(prompt: str,
                                                        asks: tuple[str, ...]) -> None:
    assert infer_asks(prompt) == asks
    assert parse_answer("", prompt=prompt).asks == asks


@pytest.mark.parametrize(("text", "gender"), [
    ("A boy, not a girl.", "male"),
    ("This is a woman and not a man.", "female"),
    ("Probably a man rather than a woman.", "male"),
    ("Not a man: a woman, I think.", "female"),
    ("Neither clearly a man nor a woman.", None),
    ("It's not a woman.", None),  # a denial alone asserts nothing
    ("I can't tell whether this is a man or a woman.", None),
    ("Could be male or female.", None),
])
def test_negation_and_contrast_scopes(text: str, gender: str | None) -> None:
    assert parse_answer(text, asks=["gender"]).gender == gender


def test_a_denied_life_stage_is_no_age() -> None:
    text = "An adult woman, not a teenager or a child, maybe 27."
    assert _read(text) == ("answer", 27.0, None, None, "female")
    assert parse_answer("A man, definitely not elderly.").age is None


@pytest.mark.parametrize(("text", "low", "high", "point"), [
    ("She is in her mid twenties or late twenties.", 24, 29, 26.5),
    ("A man in his late thirties or early forties.", 37, 43, 40),
    ("A woman aged 31 to 36.", 31, 36, 33.5),
    ("A man, 44–48 years old.", 44, 48, 46),
    ("A girl, 12 or 13 years old.", 12, 13, 12.5),
    ("A man in his 50s.", 50, 59, 54.5),
    ("She looks sixty-something.", 60, 69, 64.5),
])
def test_disjunctions_ranges_and_decades(text: str, low: float, high: float,
                                         point: float) -> None:
    parsed = parse_answer(text)
    assert (parsed.age_low, parsed.age_high, parsed.age) == (low, high, point)


@pytest.mark.parametrize(("text", "low", "high", "point"), [
    ("Age: 80+. Gender: female.", 80, None, 80),
    ("He appears to be over 65.", 65, None, 65),
    ("A woman older than 50 years.", 50, None, 50),
    ("A boy under 12 years old.", None, 12, 12),
    ("She is 75 or older.", 75, None, 75),
    ('{"sex": "male", "age_range": "60+"}', 60, None, 60),
])
def test_open_ranges_keep_one_bound_and_invent_none(text: str, low: float | None,
                                                    high: float | None, point: float) -> None:
    parsed = parse_answer(text)
    assert (parsed.age_low, parsed.age_high, parsed.age) == (low, high, point)
    assert parsed.outcome == "answer"


def test_wide_disjunctions_commit_to_nothing() -> None:
    assert parse_answer("A man in his 20s or 40s.").age is None
    assert parse_answer("A man, 20 or 50 years old.").age is None


@pytest.mark.parametrize(("text", "age", "gender"), [
    ("A teenage girl.", 16, "female"),
    ("An elderly man.", 65, "male"),
    ("A middle-aged woman.", 50, "female"),
    ("A small child, a boy.", 7.5, "male"),
])
def test_life_stage_words(text: str, age: float, gender: str) -> None:
    parsed = parse_answer(text)
    assert (parsed.age, parsed.gender) == (age, gender)


@pytest.mark.parametrize(("text", "age", "gender"), [
    ("这位是女性，看起来大约二十八岁。", 28, "female"),
    ("男性，年龄五十岁左右", 50, "male"),
    ("一名男子，40-50岁", 45, "male"),
    ("Una mujer de unos cuarenta y dos años.", 42, "female"),
    ("Un homme d'environ soixante-dix ans.", 70, "male"),
    ("Eine Frau, etwa achtundzwanzig Jahre alt.", 28, "female"),
    ("Um homem com cerca de trinta e cinco anos.", 35, "male"),
    ("Мужчина, примерно сорок пять лет.", 45, "male"),
    ("Пол: женский. Возраст: около 33 лет.", 33, "female"),
])
def test_other_languages(text: str, age: float, gender: str) -> None:
    parsed = parse_answer(text)
    assert (parsed.outcome, parsed.age, parsed.gender) == ("answer", age, gender)


@pytest.mark.parametrize("text", [
    "C'est un homme, pas une femme, âgé de 40 ans.",
    "Это мужчина, а не женщина, 40 лет.",
    "是男性而不是女性，40岁。",
    "Es un hombre, no es una mujer; tiene 40 años.",
])
def test_negation_in_other_languages(text: str) -> None:
    assert (parse_answer(text).gender, parse_answer(text).age) == ("male", 40)


@pytest.mark.parametrize(("text", "kind"), [
    ("!!!Impossible to say!!!", "cannot_determine"),
    ("That is not possible!", "cannot_determine"),
    ("I cannot tell the gender; the caption just says 'Woman'.", "cannot_determine"),
    ("The person has no gender I could name.", "cannot_determine"),
    ("No preference.", "hedged"),
    ("The image does not give enough information to judge gender.", "cannot_determine"),
    ("Je ne peux pas déterminer le sexe de cette personne.", "cannot_determine"),
    ("无法确定此人的性别。", "cannot_determine"),
])
def test_refusal_shapes(text: str, kind: str) -> None:
    parsed = parse_answer(text, asks=["gender"])
    assert (parsed.outcome, parsed.refusal_kind, parsed.gender) == ("refusal", kind, None)


@pytest.mark.parametrize(("text", "gender"), [
    # A guess after the refusal, introduced by a turn, is the answer.
    ("I can't be sure of the gender from this photo, but I'd guess a woman.", "female"),
    ("Gender can't be determined reliably. However, the person appears male.", "male"),
    # Gender words before the refusal are what is refused.
    ("The face looks masculine and he wears a suit, yet the gender cannot be determined.", None),
    ("It might look like a girl, but it is a doll, and dolls have no gender.", None),
])
def test_a_refusal_followed_by_a_guess(text: str, gender: str | None) -> None:
    parsed = parse_answer(text, asks=["gender"])
    assert parsed.gender == gender
    assert parsed.outcome == ("answer" if gender else "refusal")


def test_nobody_in_the_picture_declines_nothing() -> None:
    parsed = parse_answer("There are no people in this image, only a parked bicycle.")
    assert (parsed.outcome, parsed.refusal_kind) == ("unparseable", None)


@pytest.mark.parametrize(("text", "age", "gender"), [
    ("* female, 23, brown eyes, scarf", 23, "female"),
    ("1) M, 61, bald, coat", 61, "male"),
    ("age; gender; mood\n45; woman; calm", 45, "female"),
    ("- Apparent age: 38\n- Sex: F\n- Expression: neutral", 38, "female"),
    ("```json\n{\"Estimated_Age\": \"40-45\", \"Gender\": \"M\"}\n```", 42.5, "male"),
    ('Result: {"person": {"predicted_age": 19, "sex": "female"}}', 19, "female"),
])
def test_structured_records(text: str, age: float, gender: str) -> None:
    parsed = parse_answer(text)
    assert (parsed.outcome, parsed.age, parsed.gender) == ("answer", age, gender)


def test_a_record_with_both_genders_gives_none() -> None:
    parsed = parse_answer("- male, 30, female, 28")
    assert parsed.gender is None


@pytest.mark.parametrize("text", [
    # A refusal withdraws the gender words before it, even one that only denies certainty.
    "The person appears to be a woman. However, it is not possible for me to confirm their "
    "gender definitively.",
    # A possessive after the refusal names a part, not the person.
    "That is not possible to say, but the focus is on the woman's face.",
    # Words describing features or a comparison are not assertions about the person.
    "The jacket is typically associated with men.",
    "There is no reason why a man could not wear this.",
])
def test_no_gender_is_asserted(text: str) -> None:
    assert parse_answer(text, asks=["gender"]).gender is None


def test_people_of_both_genders_without_a_refusal_are_unparseable() -> None:
    parsed = parse_answer("Two people: a man on the left and a woman on the right.",
                          asks=["gender"])
    assert (parsed.outcome, parsed.gender, parsed.refusal_kind) == ("unparseable", None, None)

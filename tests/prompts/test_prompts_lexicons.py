"""The lexicons are data files, one per language, checked when read."""

from __future__ import annotations

from importlib.resources import files

import pytest

from prompts import LANGUAGES, parse_answer
from prompts._lexicon import _parse, lexicons, numbers_to_digits, rewrite

SECTIONS = {"numbers", "gender", "age", "refusal", "negation", "asks"}


def test_every_language_has_a_file_with_every_section() -> None:
    assert LANGUAGES == ("en", "es", "fr", "de", "pt", "ru", "zh")
    for language in LANGUAGES:
        assert files("prompts").joinpath("lexicons", f"{language}.toml").is_file()
        lexicon = lexicons()[language]
        assert set(lexicon.sections) >= SECTIONS, language
        for key in ("male", "female", "labels"):
            assert lexicon.words("gender", key), (language, key)
        for key in ("labels", "units"):
            assert lexicon.words("age", key), (language, key)
        assert lexicon.words("refusal", "cannot_determine"), language
        assert lexicon.words("asks", "age") and lexicon.words("asks", "gender"), language


@pytest.mark.parametrize(("text", "digits"), [
    ("thirty-seven", "37"), ("treinta y siete", "37"), ("trente-sept", "37"),
    ("soixante-dix-huit", "78"), ("quatre-vingt-dix", "90"), ("siebenunddreißig", "37"),
    ("trinta e sete", "37"), ("тридцать семь", "37"), ("三十七", "37"), ("十五", "15"),
    ("très jeune", "très jeune"),  # French "very", not Spanish "tres"
])
def test_number_words_in_every_language(text: str, digits: str) -> None:
    assert numbers_to_digits(text) == digits


@pytest.mark.parametrize(("folded", "canonical"), [
    ("mujer", "female"), ("homme", "male"), ("frau", "female"), ("homem", "male"),
    ("мужчина", "male"), ("edad", "age"), ("ans", "years old"), ("лет", "years old"),
    ("plus de", "over"), ("no es posible", "impossible to tell"), ("rather than", "rather than"),
])
def test_words_are_rewritten_to_canonical_english(folded: str, canonical: str) -> None:
    assert rewrite(folded) == canonical
    assert rewrite("女性").strip() == "female" and rewrite("岁").strip() == "years old"


@pytest.mark.parametrize(("text", "message"), [
    ('language = "xx"', "key 'language': expected 'en'"),
    ('language = "en"\n[colours]\nred = ["x"]', "key 'colours': unknown section"),
    ('language = "en"\n[gender]\nmen = ["x"]', "key 'gender.men': unknown key"),
    ('language = "en"\n[gender]\nmale = [3]', "key 'gender.male': expected a list of words"),
    ('language = "en"\n[age]\nlife_stages = { kid = [1, 2, 3] }', "bad value [1, 2, 3]"),
    ("language = ", "not valid TOML"),
])
def test_a_bad_lexicon_names_the_file_and_the_key(text: str, message: str) -> None:
    with pytest.raises(ValueError, match="bad.toml") as raised:
        _parse(text, "bad.toml", "en")
    assert message in str(raised.value)


def test_a_wrong_gender_is_worse_than_none() -> None:
    """Pronouns that follow a noun's grammatical gender, not the person's, are not read."""
    for text in ("La personne est assise ; elle a environ 30 ans.",
                 "A pessoa está sentada; ela tem cerca de 30 anos.",
                 "Человек сидит; она выглядит на 30 лет.",
                 "Il est difficile de voir, il y a peu de lumière."):
        assert parse_answer(text).gender is None, text

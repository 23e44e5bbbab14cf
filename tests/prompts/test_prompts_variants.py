"""Prompt variants: the built-in data files, user files, and the errors for bad ones."""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path

import pytest

from prompts import ANSWER_FORMATS, BUILTIN_IDS, PromptVariant, get_variant, load_variants

VARIANTS_DIR = Path(str(files("prompts").joinpath("variants")))


def test_builtin_ids_are_the_files_and_load_in_order() -> None:
    assert BUILTIN_IDS == (
        "baseline", "json", "number-only", "gender-first", "expert-persona", "step-by-step",
        "annotation-context", "spanish",
    )
    assert sorted(p.stem for p in VARIANTS_DIR.glob("*.toml")) == sorted(BUILTIN_IDS)
    assert tuple(load_variants()) == BUILTIN_IDS


@pytest.mark.parametrize("variant_id", BUILTIN_IDS)
def test_every_builtin_file_says_the_study_prompt_is_not_public(variant_id: str) -> None:
    header = (VARIANTS_DIR / f"{variant_id}.toml").read_text(encoding="utf-8").split("\n\n")[0]
    assert header.startswith("#") and "not public" in header


@pytest.mark.parametrize("variant_id", BUILTIN_IDS)
def test_builtins_are_short_single_line_and_valid(variant_id: str) -> None:
    variant = get_variant(variant_id)
    assert isinstance(variant, PromptVariant) and variant.id == variant_id
    assert variant.answer_format in ANSWER_FORMATS
    assert "\n" not in variant.purpose and "\n" not in variant.user
    assert len(variant.user) <= 240
    assert variant.user == variant.user.strip()


def test_builtin_contents() -> None:
    variants = load_variants()
    assert variants["baseline"].user == "Estimate the age and gender of the person in this image."
    assert variants["json"].answer_format == "json"
    assert '{"age": <integer>, "gender": "male" or "female"}' in variants["json"].user
    assert variants["number-only"].answer_format == "number"
    assert not any(ch.isdigit() for ch in variants["number-only"].user)  # no anchoring example
    gender_first = variants["gender-first"].user
    assert gender_first.index("gender") < gender_first.index("old")
    assert "forensic age estimation" in (variants["expert-persona"].system or "")
    assert variants["step-by-step"].answer_format == "final-line"
    assert "Final answer: age <n>, gender <male|female>" in variants["step-by-step"].user
    assert "consenting adults" in variants["annotation-context"].user
    assert variants["spanish"].language == "es"
    assert variants["spanish"].user.startswith("Estima la edad y el género")
    assert [v.id for v in variants.values() if v.system] == ["expert-persona"]
    assert {v.language for v in variants.values()} == {"en", "es"}


def test_prompt_text_differs_between_variants() -> None:
    texts = [variant.text for variant in load_variants().values()]
    assert len(set(texts)) == len(texts)


def test_extra_file_adds_and_overrides(tmp_path: Path) -> None:
    extra = tmp_path / "mine.toml"
    extra.write_text(
        '[[variant]]\nid = "terse"\npurpose = "Shortest request."\nuser = "Age and gender?"\n'
        '\n[[variant]]\nid = "baseline"\npurpose = "My baseline."\nuser = """\n'
        'How old is this person, and what gender?\n"""\nsystem = "Be brief."\n'
        'answer_format = "free"\nlanguage = "en-GB"\n',
        encoding="utf-8",
    )
    variants = load_variants(extra)
    assert tuple(variants) == (*BUILTIN_IDS, "terse")
    assert variants["terse"] == PromptVariant(id="terse", purpose="Shortest request.",
                                              user="Age and gender?")
    assert variants["baseline"].user == "How old is this person, and what gender?"
    assert variants["baseline"].system == "Be brief." and variants["baseline"].language == "en-GB"
    assert get_variant("terse", extra=str(extra)).user == "Age and gender?"
    assert load_variants()["baseline"].purpose != "My baseline."  # built-ins untouched


def test_extra_file_with_one_variant_as_top_level_keys(tmp_path: Path) -> None:
    extra = tmp_path / "one.toml"
    extra.write_text('id = "x1"\npurpose = "p"\nuser = "u"\nanswer_format = "json"\n')
    assert load_variants(extra)["x1"].answer_format == "json"


def test_unknown_id_lists_known_ones() -> None:
    with pytest.raises(ValueError, match=r"unknown prompt variant 'nope'; known: baseline, json"):
        get_variant("nope")


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ('id = "x"\npurpose = "p"\nuser = "u"\nanswer_format = "xml"\n',
         r"key 'answer_format': must be one of free, json, number, final-line, got 'xml'"),
        ('id = "Bad_Id"\npurpose = "p"\nuser = "u"\n', r"key 'id': must match .*'Bad_Id'"),
        ('id = ""\npurpose = "p"\nuser = "u"\n', r"key 'id': expected non-empty text, got ''"),
        ('id = "x"\npurpose = "p"\nuser = "   "\n', r"key 'user': expected non-empty text"),
        ('id = "x"\npurpose = "p"\n', r"key 'user': missing"),
        ('id = "x"\npurpose = "p"\nuser = "u"\nanswer-format = "json"\n',
         r"key 'answer-format': unknown key"),
        ('id = "x"\npurpose = "p"\nuser = 3\n', r"key 'user': expected non-empty text, got 3"),
        ('id = "x"\npurpose = "two\\nlines"\nuser = "u"\n', r"key 'purpose': must be one line"),
        ('id = "x"\npurpose = "p"\nuser = "u"\nlanguage = "Spanish"\n',
         r"key 'language': expected a language tag.*'Spanish'"),
        ('id = "x"\npurpose = "p"\nuser = "u"\nsystem = ""\n', r"key 'system': expected"),
        ('id = "x\npurpose = "p"\n', r"not valid TOML"),
        ('[[variant]]\nid = "a"\npurpose = "p"\nuser = "u"\n[[variant]]\nid = "a"\n'
         'purpose = "p"\nuser = "u"\n', r"variant\[2\] key 'id': duplicate id 'a'"),
        ('[[variant]]\nid = "a"\npurpose = "p"\nuser = "u"\n[[variant]]\nid = "b"\n'
         'purpose = "p"\nanswer_format = "csv"\nuser = "u"\n', r"variant\[2\] key 'answer_format'"),
        ('title = "mine"\n[[variant]]\nid = "a"\npurpose = "p"\nuser = "u"\n',
         r"key 'title': not allowed beside \[\[variant\]\]"),
        ('variant = "a"\n', r"key 'variant': expected \[\[variant\]\] tables"),
    ],
)
def test_bad_extra_file_names_file_and_key(tmp_path: Path, content: str, message: str) -> None:
    extra = tmp_path / "bad.toml"
    extra.write_text(content, encoding="utf-8")
    with pytest.raises(ValueError, match=message) as info:
        load_variants(extra)
    assert str(info.value).startswith(str(extra))


def test_missing_or_binary_extra_file(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match=r"nowhere\.toml: cannot read prompt variants file"):
        load_variants(tmp_path / "nowhere.toml")
    binary = tmp_path / "binary.toml"
    binary.write_bytes(b"\xff\xfe\x00garbage")
    with pytest.raises(ValueError, match=r"binary\.toml: cannot read"):
        load_variants(binary)

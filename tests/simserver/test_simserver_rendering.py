"""The text layer on its own: every estimate renders in every format, and prompts are read
by the documented rules (hypothesis explores ages, genders and arbitrary prompt text)."""

from __future__ import annotations

import json
import random
import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from robustness._simserver._answers import age_words, render_answer
from robustness._simserver._prompting import PromptStyle, read_prompt
from robustness._simserver._quality import Quality
from robustness._simserver._refusals import render_refusal
from robustness._simserver._responses import image_tokens

ages = st.integers(min_value=1, max_value=99)
genders = st.sampled_from(["male", "female"])
styles = st.builds(PromptStyle, format=st.sampled_from(["json", "final", "bare", "spanish",
                                                        "prose"]),
                   gender_first=st.booleans(), spanish=st.booleans())
seeds = st.integers(min_value=0, max_value=2**32)


@given(age=ages, gender=genders, style=styles, seed=seeds)
def test_every_answer_carries_its_age_and_gender(age: int, gender: str, style: PromptStyle,
                                                 seed: int) -> None:
    text = render_answer(age, gender, style, random.Random(seed))  # type: ignore[arg-type]
    if style.format == "json":
        payload = json.loads(re.search(r"\{.*\}", text, re.DOTALL).group(0))  # type: ignore[union-attr]
        assert payload["age"] == age and payload["gender"] == gender
        assert list(payload)[:2] == (["gender", "age"] if style.gender_first else ["age", "gender"])
    elif style.format == "final":
        parts = [f"age {age}", f"gender {gender}"]
        order = ", ".join(reversed(parts) if style.gender_first else parts)
        assert text.endswith(f"\n\nFinal answer: {order}")
    elif style.format == "bare":
        assert set(text.replace(",", "").split()) == {str(age), gender}
    else:
        assert re.search(r"\d", text) or age_words(age) is not None


@given(age=ages, style=styles, seed=seeds, blur=st.floats(min_value=0.5, max_value=5000))
def test_every_refusal_is_well_formed(age: int, style: PromptStyle, seed: int,
                                      blur: float) -> None:
    quality = Quality(sharpness=blur, brightness=120, contrast=60, min_side=224)
    refusal = render_refusal(age, style, quality, random.Random(seed))
    assert (refusal.content is None) == (refusal.form == "field")
    assert refusal.content or refusal.refusal
    if refusal.form == "quality":
        assert quality.worst_problem == "blurry"


@given(text=st.text(max_size=300))
def test_any_prompt_text_is_read(text: str) -> None:
    style = read_prompt(text)
    assert style.format in ("json", "final", "bare", "spanish", "prose")


@pytest.mark.parametrize(("text", "expected"), [
    ("Estimate the age and gender. Reply in JSON.", ("json", False)),
    ("Gender and age as json please", ("json", True)),
    ("Think, then write Final answer: age N, gender G", ("final", False)),
    ("Reply with only the age as a number and the gender", ("bare", False)),
    ("Estima la edad y el género de la persona.", ("spanish", False)),
    ("¿Cuál es el género y la edad?", ("spanish", True)),
    ("What is the gender of the person, and how old are they?", ("prose", True)),
    ("Describe this image.", ("prose", False)),
])
def test_prompt_rules(text: str, expected: tuple[str, bool]) -> None:
    style = read_prompt(text)
    assert (style.format, style.gender_first) == expected


@pytest.mark.parametrize(("size", "detail", "tokens"), [
    ((512, 512), "high", 255), ((512, 512), "low", 85), ((1024, 1024), "high", 765),
    ((2048, 4096), "high", 1105), ((224, 292), "auto", 255), ((4096, 8192), "low", 85),
])
def test_image_tokens_follow_the_tile_rule(size: tuple[int, int], detail: str,
                                           tokens: int) -> None:
    assert image_tokens(*size, detail) == tokens


def test_age_words() -> None:
    assert [age_words(a) for a in (8, 15, 18, 23, 34, 38, 61)] == [
        None, "teens", "late teens", "early twenties", "mid thirties", "late thirties",
        "early sixties"]

"""Refusals: their rate follows the configuration, the wording and image quality; their forms
are the ones FIELD.md §8 tells a client to detect.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest
from PIL import Image

from robustness import ConfigError
from robustness._simserver import SimConfig, SimServer
from robustness._simserver._prompting import prompt_refusal_rate

PROMPTS = [
    "Estimate the age and gender of this person.",
    "Reply in JSON with age and gender.",
    "Give the age as a number and the gender, nothing else.",
    "Reason briefly, then write 'Final answer: age N, gender G'.",
    "¿Qué edad y género tiene esta persona?",
    "What is the gender and age of this person?",
]
_GENDER = re.compile(r"\b(female|male|woman|man|she|he|her|his|mujer|hombre|femenino|masculino)\b",
                     re.IGNORECASE)


def refusal_form(message: Any) -> str | None:
    """How a client would classify the message: a refusal form, or ``None`` for an answer."""
    if message.refusal:
        assert message.content is None
        return "field"
    text = message.content
    if re.search(r"(I'm sorry|Lo siento).*(can't|no puedo)", text):
        return "policy"
    if re.search(r"because it is too (blurry|dark|small|low in contrast)|demasiado", text):
        return "quality"
    if re.search(r"hard to say|difícil decirlo", text):
        return "hedged"
    if re.search(r"\d", text) and not _GENDER.search(text):
        return "partial"
    return None


def _ask_all(client: Any, ask: Callable[..., Any], url: str, repeats: int) -> list[Any]:
    return [ask(client, f"{prompt} (#{index})", url).choices[0].message
            for prompt in PROMPTS for index in range(repeats)]


def test_refusal_rate_one_refuses_everything_in_every_form(
        serve: Callable[..., SimServer], client_for: Callable[..., Any],
        ask: Callable[..., Any], astronaut_url: str) -> None:
    server = serve(refusal_rate=1.0)
    messages = _ask_all(client_for(server), ask, astronaut_url, repeats=6)
    forms = Counter(refusal_form(message) for message in messages)
    assert None not in forms, [m for m in messages if refusal_form(m) is None]
    # A clean image has no quality problem to name, so that form never appears for it.
    assert set(forms) == {"field", "policy", "hedged", "partial"}
    assert server.stats.refusals == len(messages) and server.stats.answers == 0
    assert sum(server.stats.refusal_forms.values()) == len(messages)


def test_refusal_rate_zero_never_refuses_even_a_poor_image(
        server: SimServer, client_for: Callable[..., Any], ask: Callable[..., Any],
        blurred_url: str) -> None:
    messages = _ask_all(client_for(server), ask, blurred_url, repeats=2)
    assert all(message.refusal is None for message in messages)
    assert server.stats.refusals == 0


def test_poor_images_are_refused_more_and_say_why(
        serve: Callable[..., SimServer], client_for: Callable[..., Any],
        ask: Callable[..., Any], astronaut_url: str, blurred_url: str) -> None:
    server = serve(refusal_rate=0.05)
    client = client_for(server)
    sharp = [refusal_form(m) for m in _ask_all(client, ask, astronaut_url, repeats=8)]
    blurry = [refusal_form(m) for m in _ask_all(client, ask, blurred_url, repeats=8)]
    assert sum(f is not None for f in blurry) > sum(f is not None for f in sharp) + 5
    assert "quality" in blurry and "quality" not in sharp


def test_quality_refusal_names_the_problem(
        serve: Callable[..., SimServer], client_for: Callable[..., Any],
        ask: Callable[..., Any], blurred_url: str, astronaut: np.ndarray,
        png_data_url: Callable[..., str]) -> None:
    client = client_for(serve(refusal_rate=1.0))
    texts = {m.content or "" for m in _ask_all(client, ask, blurred_url, repeats=4)}
    assert any("because it is too blurry" in text for text in texts)
    dark = png_data_url((astronaut * 0.08).astype(np.uint8))
    texts = {m.content or "" for m in _ask_all(client, ask, dark, repeats=4)}
    assert any("because it is too dark" in text for text in texts)


def test_refusal_by_prompt_applies_to_matching_prompts_only(
        serve: Callable[..., SimServer], client_for: Callable[..., Any],
        ask: Callable[..., Any], astronaut_url: str) -> None:
    client = client_for(serve(refusal_rate=0.0, refusal_by_prompt=(("annotation", 1.0),)))
    for index in range(10):
        matching = ask(client, f"For an ANNOTATION task: age and gender? {index}", astronaut_url)
        other = ask(client, f"For a survey: age and gender? {index}", astronaut_url)
        assert refusal_form(matching.choices[0].message) is not None
        assert refusal_form(other.choices[0].message) is None
    client = client_for(serve(refusal_rate=1.0, refusal_by_prompt=(("annotation", 0.0),)))
    for index in range(10):
        matching = ask(client, f"For an annotation task: age and gender? {index}", astronaut_url)
        other = ask(client, f"For a survey: age and gender? {index}", astronaut_url)
        assert refusal_form(matching.choices[0].message) is None
        assert refusal_form(other.choices[0].message) is not None


@pytest.mark.parametrize(("text", "rate"), [
    ("Estimate age and gender.", 0.2),
    ("Identify this person's age and gender.", 0.4),
    ("For annotation research, estimate age and gender.", 0.1),
    ("Identify the age, for annotation.", 0.2),
])
def test_wording_scales_the_refusal_rate(text: str, rate: float) -> None:
    assert prompt_refusal_rate(SimConfig(refusal_rate=0.2), text) == pytest.approx(rate)


def test_first_matching_substring_wins_and_is_not_rescaled() -> None:
    config = SimConfig(refusal_rate=0.2, refusal_by_prompt=(("identify", 0.3), ("age", 0.9)))
    assert prompt_refusal_rate(config, "Identify the age") == 0.3
    assert prompt_refusal_rate(config, "How old? Give the age.") == 0.9


def test_an_image_without_a_face_cannot_be_determined(
        server: SimServer, client_for: Callable[..., Any], ask: Callable[..., Any],
        png_data_url: Callable[..., str]) -> None:
    ramp = np.tile(np.linspace(0, 255, 300, dtype=np.uint8)[None, :, None], (100, 1, 3))
    blank = np.full((200, 200, 3), 128, dtype=np.uint8)
    client = client_for(server)
    for image in (ramp, blank):
        content = ask(client, "Estimate age and gender.", png_data_url(Image.fromarray(image)))\
            .choices[0].message.content
        assert content.startswith("I can't see a face"), content
    assert server.stats.refusal_forms == {"no_face": 2}


@pytest.mark.parametrize("bad", [
    {"refusal_rate": 1.5}, {"fault_429": -0.1}, {"fault_500": 0.6, "fault_timeout": 0.6},
    {"latency_ms": float("nan")}, {"timeout_s": 0}, {"refusal_by_prompt": (("", 0.5),)},
    {"refusal_by_prompt": (("x", 2.0),)}, {"seed": 1.5},
])
def test_bad_configuration_is_refused(bad: dict[str, Any]) -> None:
    with pytest.raises(ConfigError):
        SimConfig(**bad)

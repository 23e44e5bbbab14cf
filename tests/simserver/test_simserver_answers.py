"""Answers follow the prompt's format and stay near the embedded model's estimate."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any

import pytest

from robustness._simserver import SimServer

JSON_PROMPT = ("Estimate this person's age and gender. "
               'Reply with JSON: {"age": int, "gender": str}.')


def _json_object(text: str) -> dict[str, Any]:
    """The first {...} in an answer, whether fenced, bare or after a sentence."""
    match = re.search(r"\{.*\}", text, re.DOTALL)
    assert match, text
    payload: dict[str, Any] = json.loads(match.group(0))
    return payload


def test_json_prompt_gets_parseable_json_near_the_model(
        server: SimServer, client_for: Callable[..., Any], ask: Callable[..., Any],
        astronaut_url: str, model_estimate: dict[str, Any]) -> None:
    assert 28 <= model_estimate["age"] <= 40 and model_estimate["gender"] == "female"
    client = client_for(server)
    for variant in range(8):
        answer = ask(client, f"{JSON_PROMPT} (variant {variant})", astronaut_url)
        payload = _json_object(answer.choices[0].message.content)
        assert abs(payload["age"] - model_estimate["age"]) <= 4, payload
        assert payload["gender"] == model_estimate["gender"]


@pytest.mark.parametrize(("prompt", "pattern"), [
    ("How old is this person and what is their gender? Answer with a number and a word only.",
     r"\d{1,2},? female"),
    ("Give the age and the gender, nothing else.", r"\d{1,2},? female"),
    ("What is this person's gender and age? Reply with the number only.",
     r"female,? \d{1,2}"),
    ("Estimate the age and gender. Explain briefly, then end with a line "
     "'Final answer: age N, gender G'.",
     r"(?s).*[a-z].*\n\nFinal answer: age \d{1,2}, gender female"),
    ("Think about the gender and then the age. Finish with 'Final answer: ...'.",
     r"(?s).*\n\nFinal answer: gender female, age \d{1,2}"),
])
def test_format_following(server: SimServer, client_for: Callable[..., Any],
                          ask: Callable[..., Any], astronaut_url: str, prompt: str,
                          pattern: str) -> None:
    client = client_for(server)
    for variant in range(4):
        content = ask(client, f"{prompt}{' ' * variant}", astronaut_url).choices[0].message.content
        assert re.fullmatch(pattern, content), content


def test_final_answer_reasoning_mentions_features(
        server: SimServer, client_for: Callable[..., Any], ask: Callable[..., Any],
        astronaut_url: str) -> None:
    content = ask(client_for(server), "Describe and conclude with Final answer: age, gender",
                  astronaut_url).choices[0].message.content
    reasoning, _, _ = content.partition("Final answer:")
    assert "skin" in reasoning and "hair" in reasoning and re.search(r"\d", reasoning)


def test_gender_first_prose_names_gender_before_age(
        server: SimServer, client_for: Callable[..., Any], ask: Callable[..., Any],
        astronaut_url: str) -> None:
    client = client_for(server)
    for variant in range(6):
        content = ask(client, f"What gender is this person, and what age?{'!' * variant}",
                      astronaut_url).choices[0].message.content
        gender = re.search(r"female|woman", content, re.IGNORECASE)
        age = re.search(r"\d", content)
        assert gender and age and gender.start() < age.start(), content


def test_spanish_prompt_gets_a_spanish_answer(
        server: SimServer, client_for: Callable[..., Any], ask: Callable[..., Any],
        astronaut_url: str) -> None:
    client = client_for(server)
    for variant in range(6):
        content = ask(client, f"¿Qué edad y género tiene esta persona?{'?' * variant}",
                      astronaut_url).choices[0].message.content
        assert "años" in content and re.search(r"mujer|femenino", content), content


def test_free_prose_varies_across_prompts_but_stays_english(
        server: SimServer, client_for: Callable[..., Any], ask: Callable[..., Any],
        astronaut_url: str) -> None:
    client = client_for(server)
    answers = {ask(client, f"Describe the person's age and gender. #{index}", astronaut_url)
               .choices[0].message.content for index in range(16)}
    assert len(answers) >= 4
    for content in answers:
        assert re.search(r"\d|teens|twenties|thirties|forties", content), content
        assert re.search(r"\b(she|her|woman|female)\b", content, re.IGNORECASE), content


def test_temperature_zero_is_byte_identical(
        serve: Callable[..., SimServer], client_for: Callable[..., Any],
        ask: Callable[..., Any], astronaut_url: str) -> None:
    first, second = serve(refusal_rate=0.2), serve(refusal_rate=0.2)
    prompts = [f"Estimate age and gender, please ({index})." for index in range(6)]
    for prompt in prompts:
        contents = [
            ask(client_for(server), prompt, astronaut_url).choices[0].message
            for server in (first, first, second)
        ]
        assert len({(m.content, m.refusal) for m in contents}) == 1, contents


def test_temperature_one_varies_across_repeats(
        server: SimServer, client_for: Callable[..., Any], ask: Callable[..., Any],
        astronaut_url: str) -> None:
    client = client_for(server)
    contents = {ask(client, "Estimate age and gender.", astronaut_url, temperature=1.0)
                .choices[0].message.content for _ in range(8)}
    assert len(contents) > 1


def test_seed_changes_the_answer_stream(
        serve: Callable[..., SimServer], client_for: Callable[..., Any],
        ask: Callable[..., Any], astronaut_url: str) -> None:
    servers = [serve(refusal_rate=0.0, seed=seed) for seed in (0, 1)]
    answers = [[ask(client_for(s), f"Age and gender? {i}", astronaut_url)
                .choices[0].message.content for i in range(6)] for s in servers]
    assert answers[0] != answers[1]


def test_labels_usage_and_length_limit(
        server: SimServer, client_for: Callable[..., Any], chat_body: Callable[..., Any],
        astronaut_url: str) -> None:
    client = client_for(server)
    raw = client.chat.completions.with_raw_response.create(**chat_body("Age and gender?",
                                                                        astronaut_url))
    completion = raw.parse()
    assert raw.headers["x-simulated"] == "true"
    assert completion.system_fingerprint == "simulated"
    assert completion.object == "chat.completion" and completion.model == "chatgpt4v"
    usage = completion.usage
    # A 512 x 512 image at detail "high" is one tile: 85 + 170 tokens, plus the text.
    assert 255 < usage.prompt_tokens < 255 + 20
    assert usage.completion_tokens > 0
    assert usage.total_tokens == usage.prompt_tokens + usage.completion_tokens
    low = chat_body("Age and gender?", astronaut_url)
    low["messages"][0]["content"][1]["image_url"]["detail"] = "low"
    assert client.chat.completions.create(**low).usage.prompt_tokens == usage.prompt_tokens - 170

    limited = client.chat.completions.create(**chat_body(
        "Explain, then give the Final answer: age N, gender G", astronaut_url, max_tokens=5))
    assert limited.choices[0].finish_reason == "length"
    assert len(limited.choices[0].message.content) <= 20


def test_the_suites_parser_reads_every_shipped_variant(
        server: SimServer, client_for: Callable[..., Any], astronaut_url: str,
        model_estimate: dict[str, Any]) -> None:
    """The simulator exists to exercise the MLLM path: the suite's own parser must recover the
    answer from each shipped prompt variant, read as an answer to what the variant asks."""
    from prompts import BUILTIN_IDS, get_variant, parse_answer

    client = client_for(server)
    for variant in map(get_variant, BUILTIN_IDS):
        system = [{"role": "system", "content": variant.system}] if variant.system else []
        for repeat in range(12):
            completion = client.chat.completions.create(
                model="sim-mllm", temperature=1.0, max_tokens=300, messages=[*system, {
                    "role": "user", "content": [
                        {"type": "text", "text": variant.user},
                        {"type": "image_url", "image_url": {"url": astronaut_url,
                                                            "detail": "high"}}]}])
            message = completion.choices[0].message
            parsed = parse_answer(message.content, refusal=message.refusal,
                                  finish_reason=completion.choices[0].finish_reason,
                                  asks=variant.asks)
            context = (variant.id, repeat, message.content)
            assert parsed.gender == model_estimate["gender"], context
            assert parsed.outcome == "answer", context
            assert parsed.age is not None, context
            assert abs(parsed.age - model_estimate["age"]) <= 7, context


@pytest.mark.parametrize(("prompt", "asks"), [
    ("Is the person in this photo a man or a woman?", ("gender",)),
    ("How old is the person in this photo?", ("age",)),
    ("Describe the age and gender of this person.", ("age", "gender")),
    ("请估计图中人物的年龄和性别。", ("age", "gender")),
    ("Определите пол и возраст человека на фото.", ("age", "gender")),
    ("Reply in JSON: what is this person's gender?", ("gender",)),
])
def test_answers_give_what_the_prompt_asks_in_its_language(
        server: SimServer, client_for: Callable[..., Any], ask: Callable[..., Any],
        astronaut_url: str, model_estimate: dict[str, Any], prompt: str,
        asks: tuple[str, ...]) -> None:
    from prompts import parse_answer

    client = client_for(server)
    for variant in range(8):
        content = ask(client, f"{prompt}{' ' * variant}", astronaut_url).choices[0].message.content
        parsed = parse_answer(content, prompt=prompt)
        assert parsed.asks == asks and parsed.outcome == "answer", content
        assert parsed.gender == (model_estimate["gender"] if "gender" in asks else None), content
        assert (parsed.age is None) == ("age" not in asks), content
        if "age" not in asks:  # the field not asked is not written either
            assert not re.search(r"\d", content), content
        if prompt[0] in "请О":
            assert not re.search(r"[a-z]{3}", content), content  # answered in the prompt's script


def test_prose_meets_every_answer_family_and_the_parser_reads_them() -> None:
    """The shapes of real MLLM answers (issue 8) appear offline, and each reads back exactly."""
    import random

    from prompts import parse_answer
    from robustness._simserver._answers import render_answer
    from robustness._simserver._prompting import read_prompt

    style = read_prompt("Estimate the age and gender of the person.")
    families = {
        "negation": r", not a ", "contrast": r"rather than", "record": r"^- (male|female), ",
        "header": r"^gender, age", "yaml": r"^- Gender: ", "guess": r"if I had to guess",
        "quoted": r"reads '", "decade": r" \d0s\.$", "disjunction": r"\w or (early|mid|late)",
        "open": r"over \d0\.|\d0\+$", "stage": r"teenage|middle-aged",
    }
    seen: set[str] = set()
    for seed in range(400):
        for age, gender in ((16, "female"), (29, "male"), (50, "female"), (74, "male")):
            text = render_answer(age, gender, style, random.Random(seed))  # type: ignore[arg-type]
            seen |= {name for name, pattern in families.items()
                     if re.search(pattern, text, re.MULTILINE)}
            parsed = parse_answer(text)
            assert parsed.outcome == "answer" and parsed.gender == gender, text
            assert parsed.age is not None and abs(parsed.age - age) <= 5, text
    assert seen == set(families)

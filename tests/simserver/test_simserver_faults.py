"""Injected faults: each kind fails exactly as configured, per attempt, so retries can succeed."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from typing import Any

import openai
import pytest

from robustness._simserver import SimServer

PROMPT = "Estimate the age and gender of this person."


def test_rate_limit_answers_429_with_retry_after(
        serve: Callable[..., SimServer], client_for: Callable[..., Any],
        ask: Callable[..., Any], astronaut_url: str) -> None:
    server = serve(fault_429=1.0, retry_after_s=2.5)
    with pytest.raises(openai.RateLimitError) as caught:
        ask(client_for(server), PROMPT, astronaut_url)
    response = caught.value.response
    assert response.status_code == 429
    assert response.headers["retry-after"] == "2.5"
    assert response.headers["x-simulated"] == "true"
    assert caught.value.code == "rate_limit_exceeded"
    assert server.stats.faults == {"rate_limit": 1}


def test_server_error_answers_500(serve: Callable[..., SimServer],
                                  client_for: Callable[..., Any], ask: Callable[..., Any],
                                  astronaut_url: str) -> None:
    server = serve(fault_500=1.0)
    with pytest.raises(openai.InternalServerError) as caught:
        ask(client_for(server), PROMPT, astronaut_url)
    assert caught.value.status_code == 500
    assert caught.value.type == "server_error"


def test_malformed_body_fails_to_parse(serve: Callable[..., SimServer],
                                       client_for: Callable[..., Any], ask: Callable[..., Any],
                                       astronaut_url: str) -> None:
    server = serve(fault_malformed=1.0)
    client = client_for(server)
    with pytest.raises((json.JSONDecodeError, openai.APIResponseValidationError)):
        ask(client, PROMPT, astronaut_url)
    raw = client.chat.completions.with_raw_response.create(
        model="chatgpt4v", temperature=0,
        messages=[{"role": "user", "content": [
            {"type": "text", "text": PROMPT},
            {"type": "image_url", "image_url": {"url": astronaut_url, "detail": "high"}}]}])
    assert raw.status_code == 200 and raw.headers["content-type"] == "application/json"
    assert raw.content.startswith(b'{"id":"chatcmpl-sim-')
    with pytest.raises(json.JSONDecodeError):
        json.loads(raw.content)


def test_content_filter_finishes_empty(serve: Callable[..., SimServer],
                                       client_for: Callable[..., Any], ask: Callable[..., Any],
                                       astronaut_url: str) -> None:
    server = serve(fault_content_filter=1.0)
    choice = ask(client_for(server), PROMPT, astronaut_url).choices[0]
    assert choice.finish_reason == "content_filter"
    assert choice.message.content == ""


def test_timeout_stalls_past_the_client_timeout(
        serve: Callable[..., SimServer], client_for: Callable[..., Any],
        ask: Callable[..., Any], astronaut_url: str) -> None:
    server = serve(fault_timeout=1.0, timeout_s=2.0)
    started = time.perf_counter()
    with pytest.raises(openai.APITimeoutError):
        ask(client_for(server, timeout=0.5), PROMPT, astronaut_url)
    assert time.perf_counter() - started < 1.5
    assert server.stats.faults == {"timeout": 1}


def test_a_stalled_attempt_ends_with_a_hang_up_never_an_answer(
        serve: Callable[..., SimServer], client_for: Callable[..., Any],
        ask: Callable[..., Any], astronaut_url: str) -> None:
    server = serve(fault_timeout=1.0, timeout_s=0.3)
    started = time.perf_counter()
    with pytest.raises(openai.APIConnectionError) as caught:
        ask(client_for(server, timeout=10), PROMPT, astronaut_url)
    assert not isinstance(caught.value, openai.APITimeoutError)
    assert 0.3 <= time.perf_counter() - started < 5


@pytest.mark.parametrize("fault", ["fault_429", "fault_500", "fault_timeout", "fault_malformed",
                                   "fault_content_filter"])
def test_half_the_attempts_fail_and_a_retry_succeeds(
        serve: Callable[..., SimServer], client_for: Callable[..., Any],
        ask: Callable[..., Any], astronaut_url: str, fault: str) -> None:
    server = serve(refusal_rate=0.0, timeout_s=0.3, retry_after_s=0.01, **{fault: 0.5})
    client = client_for(server, timeout=0.2 if fault == "fault_timeout" else 10)
    outcomes: list[bool] = []
    for request in range(8):
        for _attempt in range(20):
            try:
                choice = ask(client, f"{PROMPT} {request}", astronaut_url).choices[0]
            except (openai.APIError, json.JSONDecodeError):
                outcomes.append(False)
                continue
            if choice.finish_reason == "content_filter":
                outcomes.append(False)
                continue
            outcomes.append(True)
            assert choice.message.content
            break
        else:
            pytest.fail(f"{fault}=0.5: request {request} never succeeded in 20 attempts")
    assert outcomes.count(False) >= 1 and outcomes.count(True) == 8


def test_the_answer_after_a_retry_is_the_temperature_zero_answer(
        serve: Callable[..., SimServer], client_for: Callable[..., Any],
        ask: Callable[..., Any], astronaut_url: str) -> None:
    clean = ask(client_for(serve(refusal_rate=0.0)), PROMPT, astronaut_url)
    flaky = serve(refusal_rate=0.0, fault_429=0.6, retry_after_s=0.01)
    retried = ask(client_for(flaky, max_retries=30), PROMPT, astronaut_url)
    assert retried.choices[0].message.content == clean.choices[0].message.content
    assert flaky.stats.faults.get("rate_limit", 0) >= 1

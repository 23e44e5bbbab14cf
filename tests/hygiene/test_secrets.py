"""The redaction rule, and where it is applied at the source (errors, fingerprints, logs)."""

from __future__ import annotations

import logging

import pytest

from robustness._models._openai import OpenAIModel, OpenAISettings
from robustness._models._provider_errors import ErrorFate
from robustness._secrets import public_url, redact, redact_json, register_secret, register_url

KEY = "sk-unit-4e5f6a7b8c9d0e1f"


@pytest.fixture(autouse=True)
def _key_in_env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ROBUSTNESS_TEST_API_KEY", KEY)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (f"Incorrect API key provided: {KEY}.", "Incorrect API key provided: ***."),
        ("GET http://alice:hunter2-secret@host:8000/v1/models", "GET http://***@host:8000/v1/models"),
        ("https://x.example/v1?api-key=abc123456&deployment=d1",
         "https://x.example/v1?api-key=***&deployment=d1"),
        ("https://x.example/v1?a=1&token=zzz", "https://x.example/v1?a=1&token=***"),
        ('{"Authorization": "Bearer abc.def-123456"}', '{"Authorization": "***"}'),
        ("sent Bearer tok_1234567890 twice", "sent Bearer *** twice"),
        ("the Bearer of good news", "the Bearer of good news"),
        ("I estimate 34 years, female.", "I estimate 34 years, female."),
        ("", ""),
    ],
)
def test_redact(text: str, expected: str) -> None:
    assert redact(text) == expected


def test_short_or_unnamed_environment_values_are_left_alone(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("USE_KEY", "1")
    monkeypatch.setenv("HOME_FOLDER_NAME", "photographs")
    assert redact("1 of the photographs") == "1 of the photographs"


def test_registered_url_credentials_are_redacted_alone_and_as_basic_auth() -> None:
    register_url("http://bob:p%40ss-w0rd-xyz@127.0.0.1:9/v1?sig=s1gnature-777")
    assert redact("echo p@ss-w0rd-xyz") == "echo ***"
    assert redact("Basic Ym9iOnBAc3MtdzByZC14eXo=") == "Basic ***"
    assert redact("the signature was s1gnature-777") == "the signature was ***"


def test_register_secret_ignores_placeholders() -> None:
    register_secret("EMPTY")
    assert redact("EMPTY answer") == "EMPTY answer"


def test_public_url_drops_user_information_and_secret_query_values() -> None:
    assert public_url("http://u:pw-123456789@h:1/v1?key=K123456789&x=2") == "http://h:1/v1?key=***&x=2"
    assert public_url("http://127.0.0.1:8000/v1") == "http://127.0.0.1:8000/v1"


def test_redact_json_reaches_nested_strings() -> None:
    config = {"models": {"m": f"url=http://a:{KEY}@h/v1"}, "n": 3, "list": [KEY, 1.5]}
    assert redact_json(config) == {"models": {"m": "url=http://***@h/v1"}, "n": 3,
                                   "list": ["***", 1.5]}


def test_provider_error_messages_are_redacted_where_they_are_made() -> None:
    assert ErrorFate("fatal", f"401 Incorrect API key provided: {KEY}").message == (
        "401 Incorrect API key provided: ***"
    )


def test_fingerprint_and_stored_url_carry_no_credentials() -> None:
    model = OpenAIModel(OpenAISettings(
        name="openai:m", model="m", base_url="http://user:pw-abcdefgh1@127.0.0.1:9/v1?api-key=Q1w2e3r4t5",
        api_key_env=None, api_key_required=False,
    ))
    assert "pw-abcdefgh1" not in model.fingerprint and "Q1w2e3r4t5" not in model.fingerprint
    assert "url=http://127.0.0.1:9/v1?api-key=***;" in model.fingerprint


def test_log_records_are_scrubbed_once_a_secret_is_registered(
    caplog: pytest.LogCaptureFixture,
) -> None:
    register_secret("zz-registered-secret-1")
    with caplog.at_level(logging.INFO, logger="robustness.test"):
        logging.getLogger("robustness.test").info(
            "calling %s with %s", "http://u:p4ssword99@h/v1", "zz-registered-secret-1")
    assert caplog.messages == ["calling http://***@h/v1 with ***"]

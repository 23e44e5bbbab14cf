"""Every OpenAI SDK error has a fate, decided in one place (the httpx 'all mapped' idea)."""

from __future__ import annotations

import json

import httpx2 as httpx  # the HTTP library the openai 3.x client is built on
import openai
import pytest

from robustness._models._provider_errors import classify, retry_after_seconds

REQUEST = httpx.Request("POST", "http://127.0.0.1/v1/chat/completions")


def _status(cls: type[openai.APIStatusError], code: int, headers: dict[str, str] | None = None
            ) -> openai.APIStatusError:
    response = httpx.Response(code, request=REQUEST, headers=headers or {},
                              json={"error": {"message": f"status {code}"}})
    if cls is openai.OAuthError:  # builds its own message from the body
        return cls(response=response, body=None)
    return cls(f"status {code}", response=response, body=None)


@pytest.mark.parametrize(
    ("error", "fate"),
    [
        (_status(openai.RateLimitError, 429), "retry"),
        (_status(openai.InternalServerError, 500), "retry"),
        (_status(openai.InternalServerError, 503), "retry"),
        (_status(openai.BadRequestError, 400), "item"),
        (_status(openai.NotFoundError, 404), "item"),
        (_status(openai.UnprocessableEntityError, 422), "item"),
        (_status(openai.ConflictError, 409), "item"),
        (_status(openai.AuthenticationError, 401), "fatal"),
        (_status(openai.PermissionDeniedError, 403), "fatal"),
        (openai.APITimeoutError(request=REQUEST), "retry"),
        (openai.APIConnectionError(request=REQUEST), "retry"),
        (openai.APIResponseValidationError(
            response=httpx.Response(200, request=REQUEST), body=None), "retry"),
        (json.JSONDecodeError("Expecting value", "{", 1), "retry"),
    ],
    ids=lambda value: value if isinstance(value, str) else type(value).__name__,
)
def test_each_error_has_its_fate(error: BaseException, fate: str) -> None:
    assert classify(error).fate == fate


def test_every_sdk_status_error_is_mapped() -> None:
    """A new SDK error class fails here until it is given a fate on purpose."""
    for name in dir(openai):
        cls = getattr(openai, name)
        if isinstance(cls, type) and issubclass(cls, openai.APIStatusError):
            code = {"RateLimitError": 429, "AuthenticationError": 401, "OAuthError": 401}.get(
                name, 500)
            assert classify(_status(cls, code)).fate in ("retry", "item", "fatal"), name


def test_unknown_exceptions_are_not_swallowed() -> None:
    with pytest.raises(ZeroDivisionError):
        classify(ZeroDivisionError("a bug, not a provider error"))


def test_retry_after_forms() -> None:
    assert retry_after_seconds(_status(openai.RateLimitError, 429, {"retry-after": "3"})) == 3.0
    assert retry_after_seconds(
        _status(openai.RateLimitError, 429, {"retry-after-ms": "250"})) == 0.25
    # An HTTP-date is not understood: the exponential backoff applies instead.
    dated = _status(openai.RateLimitError, 429, {"retry-after": "Wed, 21 Oct 2026 07:28:00 GMT"})
    assert retry_after_seconds(dated) is None
    assert classify(_status(openai.RateLimitError, 429, {"retry-after": "2"})).retry_after == 2.0

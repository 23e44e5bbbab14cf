"""The one place where the OpenAI SDK's errors become the suite's decisions.

Every SDK error is sorted into one of three fates:

- ``retry``: rate limits (429), server errors (5xx), timeouts, dropped connections, malformed
  response bodies, and a 200 with no usable choice (``UnusableResponse``: empty ``choices``, no
  message, or null content with neither a refusal nor a content-filter finish); tried again with
  backoff that honours ``Retry-After``, and never cached;
- ``item``: the request itself was refused (400, 404, 413, 422); recorded as that item's error;
- ``fatal``: credentials or permissions (401, 403); every later request would fail the same way,
  so the run stops with one clear line (``ModelError``) and finished items stay stored.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any, Literal

from .._exceptions import ModelError
from .._secrets import redact

__all__ = ["ErrorFate", "UnusableResponse", "classify", "retry_after_seconds", "usable_choice"]

Fate = Literal["retry", "item", "fatal"]


@dataclass(frozen=True, slots=True)
class ErrorFate:
    fate: Fate
    message: str
    retry_after: float | None = None

    def __post_init__(self) -> None:
        # An endpoint may echo the key (or the URL's credentials) in its error body.
        object.__setattr__(self, "message", redact(self.message))


def classify(exc: BaseException) -> ErrorFate:
    """What to do about an exception raised by one chat-completions call."""
    import openai

    if isinstance(exc, UnusableResponse):
        return ErrorFate("retry", f"malformed response: {exc}")
    if isinstance(exc, openai.APITimeoutError):
        return ErrorFate("retry", "request timed out")
    if isinstance(exc, openai.APIConnectionError):
        return ErrorFate("retry", f"connection failed: {exc}")
    if isinstance(exc, (openai.AuthenticationError, openai.PermissionDeniedError)):
        return ErrorFate("fatal", f"{exc.status_code} {_detail(exc)}")
    if isinstance(exc, openai.RateLimitError):
        return ErrorFate("retry", f"429 {_detail(exc)}", retry_after_seconds(exc))
    if isinstance(exc, openai.APIStatusError):
        status = exc.status_code
        fate: Fate = "retry" if status >= 500 or status == 408 else "item"
        return ErrorFate(fate, f"{status} {_detail(exc)}", retry_after_seconds(exc))
    if isinstance(exc, (openai.APIResponseValidationError, json.JSONDecodeError)):
        return ErrorFate("retry", f"malformed response body: {exc}")
    if isinstance(exc, openai.APIError):
        return ErrorFate("retry", f"API error: {exc}")
    raise exc


class UnusableResponse(ModelError):
    """Raised for an HTTP 200 whose body holds no answer to read; retried, never stored."""


def usable_choice(response: Any) -> tuple[str | None, str | None, str | None]:
    """The first choice's (content, refusal, finish_reason); raises when there is no answer.

    Null content counts as an answer only with a refusal or a ``content_filter`` finish: those
    are the model's (or the provider's) verdict, which the parser records as a refusal.
    """
    choices = getattr(response, "choices", None)
    if not choices:
        raise UnusableResponse("200 with an empty choices list")
    choice = choices[0]
    message = getattr(choice, "message", None)
    if message is None:
        raise UnusableResponse("200 with a choice but no message")
    text, refusal = message.content, getattr(message, "refusal", None)
    finish = getattr(choice, "finish_reason", None)
    if text is None and refusal is None and finish != "content_filter":
        raise UnusableResponse(
            f"200 with null content, no refusal and finish_reason {finish!r}")
    return text, refusal, finish


def retry_after_seconds(exc: BaseException) -> float | None:
    """The server's ``Retry-After`` (seconds form) or ``retry-after-ms``, when it sent one."""
    response = getattr(exc, "response", None)
    headers = getattr(response, "headers", None)
    if headers is None:
        return None
    for name, scale in (("retry-after-ms", 0.001), ("retry-after", 1.0)):
        value = headers.get(name)
        if value is None:
            continue
        try:
            return max(0.0, float(value) * scale)
        except ValueError:
            continue  # an HTTP-date; the exponential backoff applies instead
    return None


def _detail(exc: BaseException) -> str:
    message = getattr(exc, "message", None) or str(exc)
    return " ".join(str(message).split())[:300]

"""Reading an OpenAI chat-completions request body into what the simulator needs.

Only what a vision request can carry is accepted: text parts (string content or ``{"type":
"text"}`` parts) and ``image_url`` parts holding a base64 data URL. Anything the real API would
reject with 400, or that the simulator cannot honour (``n > 1``, streaming, remote image URLs),
raises ``ProtocolError`` with the status and OpenAI error fields to send back.
"""

from __future__ import annotations

import binascii
import json
import math
import re
from dataclasses import dataclass
from typing import Any

from .._exceptions import RobustnessError
from .._judge_prompt import read_judge_prompt

__all__ = ["ChatRequest", "ImagePart", "ProtocolError", "parse_chat_request"]

_DATA_URL = re.compile(r"data:(?P<media>image/[\w.+-]+)(?:;[\w.+-]+=[\w.+-]+)*;base64,(?P<data>.*)",
                       re.DOTALL)
_DETAILS = ("low", "high", "auto")


class ProtocolError(RobustnessError):
    """Raised inside the server for a request it must answer with an HTTP error; never escapes."""

    def __init__(self, status: int, message: str, *, code: str | None = None,
                 error_type: str = "invalid_request_error", param: str | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.code = code
        self.error_type = error_type
        self.param = param


@dataclass(frozen=True, slots=True)
class ImagePart:
    """One image of the request: its base64 text and the ``detail`` it was sent with.

    Decoding is left to ``decode()``: a megabyte of base64 costs about a millisecond, which the
    scorer's cache (keyed by a hash of this text) skips for images it has seen.
    """

    base64: str
    media_type: str
    detail: str

    def decode(self) -> bytes:
        """The image file's bytes; raises ``ProtocolError`` for invalid or empty base64."""
        try:
            data = binascii.a2b_base64(self.base64, strict_mode=True)
        except (binascii.Error, ValueError):
            raise ProtocolError(400, "the image data URL is not valid base64",
                                code="invalid_image_url") from None
        if not data:
            raise ProtocolError(400, "the image data URL holds no bytes",
                                code="invalid_image_url")
        return data


@dataclass(frozen=True, slots=True)
class ChatRequest:
    """The parts of a chat-completions request the simulator acts on."""

    model: str
    text: str
    images: tuple[ImagePart, ...]
    temperature: float
    max_tokens: int | None
    message_count: int


def parse_chat_request(body: bytes) -> ChatRequest:
    """Validate ``body`` and extract the prompt text (all messages, in order) and images."""
    try:
        payload = json.loads(body)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ProtocolError(400, f"the request body is not valid JSON: {exc}") from None
    if not isinstance(payload, dict):
        raise ProtocolError(400, "the request body must be a JSON object")
    model = payload.get("model")
    if not isinstance(model, str) or not model:
        raise ProtocolError(400, "you must provide a model parameter", param="model")
    if payload.get("stream"):
        raise ProtocolError(400, "the simulator does not support stream=true", param="stream")
    if payload.get("n", 1) != 1:
        raise ProtocolError(400, f"the simulator supports n=1 only, got n={payload['n']!r}",
                            param="n")
    messages = payload.get("messages")
    if not isinstance(messages, list) or not messages:
        raise ProtocolError(400, "messages must be a non-empty array", param="messages")
    texts: list[str] = []
    images: list[ImagePart] = []
    for index, message in enumerate(messages):
        _read_message(message, index, texts, images)
    if not images and read_judge_prompt("\n".join(texts)) is None:  # a judge asks text only
        raise ProtocolError(400, "the simulator needs an image: no image_url part in messages",
                            code="missing_image", param="messages")
    return ChatRequest(
        model=model, text="\n".join(texts), images=tuple(images),
        temperature=_number(payload, "temperature", 1.0, upper=2.0),
        max_tokens=_max_tokens(payload), message_count=len(messages),
    )


def _read_message(message: Any, index: int, texts: list[str], images: list[ImagePart]) -> None:
    param = f"messages[{index}]"
    if not isinstance(message, dict) or not isinstance(message.get("role"), str):
        raise ProtocolError(400, f"{param} must be an object with a role", param=param)
    content = message.get("content")
    if isinstance(content, str):
        texts.append(content)
        return
    if not isinstance(content, list):
        raise ProtocolError(400, f"{param}.content must be a string or an array", param=param)
    for number, part in enumerate(content):
        where = f"{param}.content[{number}]"
        kind = part.get("type") if isinstance(part, dict) else None
        if kind == "text" and isinstance(part.get("text"), str):
            texts.append(part["text"])
        elif kind == "image_url" and isinstance(part.get("image_url"), dict):
            images.append(_image(part["image_url"], where))
        else:
            raise ProtocolError(400, f"{where}: expected a text or image_url part", param=where)


def _image(image_url: dict[str, Any], where: str) -> ImagePart:
    url = image_url.get("url")
    detail = image_url.get("detail", "auto")
    if detail not in _DETAILS:
        raise ProtocolError(400, f"{where}: detail must be low, high or auto, got {detail!r}",
                            param=where)
    match = _DATA_URL.fullmatch(url) if isinstance(url, str) else None
    if match is None:
        shown = url[:60] if isinstance(url, str) else url
        raise ProtocolError(
            400, f"{where}: expected a base64 data URL (data:image/png;base64,...), got {shown!r}; "
            "the simulator fetches nothing", code="invalid_image_url", param=where)
    return ImagePart(base64=match["data"], media_type=match["media"], detail=detail)


def _number(payload: dict[str, Any], name: str, default: float, *, upper: float) -> float:
    value = payload.get(name)
    if value is None:
        return default
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value) \
            or not 0 <= value <= upper:
        raise ProtocolError(400, f"{name} must be a number between 0 and {upper:g}, got {value!r}",
                            param=name)
    return float(value)


def _max_tokens(payload: dict[str, Any]) -> int | None:
    for name in ("max_completion_tokens", "max_tokens"):
        value = payload.get(name)
        if value is None:
            continue
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            raise ProtocolError(400, f"{name} must be a positive integer, got {value!r}",
                                param=name)
        return value
    return None

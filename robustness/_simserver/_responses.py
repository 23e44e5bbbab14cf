"""The JSON bodies the server sends: completions, OpenAI-shaped errors, the model list.

Token usage is an honest estimate rather than a tokenizer count (``robustness._tokens``: text at
~4 characters a token plus OpenAI's per-message overhead, images by OpenAI's tile rule).
"""

from __future__ import annotations

import json
import time
import uuid
from typing import Any, Literal

from .._tokens import image_tokens, text_tokens

__all__ = [
    "FINGERPRINT", "MODEL_IDS", "OWNER", "completion_body", "encode", "error_body", "image_tokens",
    "model_body", "models_body", "text_tokens",
]

FINGERPRINT = "simulated"
OWNER = "robustness-simulator"
# The suite's MLLM preset names and the model names those presets send (robustness._models'
# registry, copied rather than imported so the server does not depend on the adapters). Any other
# name is accepted in requests all the same.
MODEL_IDS = (
    "sim-mllm", "chatgpt4v", "llava", "sharegpt4v",
    "gpt-4o", "llava-hf/llava-v1.6-mistral-7b-hf", "Lin-Chen/ShareGPT4V-7B",
)
# Every model id the list shows gets this fixed creation time so the list never changes.
_CREATED = 1_700_000_000

FinishReason = Literal["stop", "length", "content_filter"]


def completion_body(*, model: str, content: str | None, refusal: str | None,
                    finish_reason: FinishReason, prompt_tokens: int) -> dict[str, Any]:
    """A ``chat.completion`` object with one choice."""
    completion_tokens = text_tokens(content or refusal or "")
    return {
        "id": f"chatcmpl-sim-{uuid.uuid4().hex[:24]}",
        "object": "chat.completion",
        "created": int(time.time()),
        "model": model,
        "system_fingerprint": FINGERPRINT,
        "choices": [{
            "index": 0,
            "message": {"role": "assistant", "content": content, "refusal": refusal},
            "logprobs": None,
            "finish_reason": finish_reason,
        }],
        "usage": {
            "prompt_tokens": prompt_tokens,
            "completion_tokens": completion_tokens,
            "total_tokens": prompt_tokens + completion_tokens,
        },
    }


def error_body(message: str, *, error_type: str, code: str | None,
               param: str | None = None) -> dict[str, Any]:
    """OpenAI's error shape: ``{"error": {"message", "type", "param", "code"}}``."""
    return {"error": {"message": message, "type": error_type, "param": param, "code": code}}


def model_body(model_id: str) -> dict[str, Any]:
    """``GET /v1/models/{id}``: any name is served, so any name exists."""
    return {"id": model_id, "object": "model", "created": _CREATED, "owned_by": OWNER}


def models_body() -> dict[str, Any]:
    """``GET /v1/models``: one entry per preset and served name, all owned by the simulator."""
    return {"object": "list", "data": [model_body(name) for name in MODEL_IDS]}


def encode(body: dict[str, Any]) -> bytes:
    """Compact UTF-8 JSON, as the API sends it."""
    return json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode()

"""Any OpenAI-compatible chat endpoint: OpenAI itself, a vLLM server, the simulated server.

Requests run with asyncio, a bounded number in flight; each is retried with exponential backoff
(honouring ``Retry-After``) on rate limits, server errors, timeouts and malformed bodies, and a
final failure is recorded as that item's ``error`` prediction. Images go losslessly as PNG data
URLs with an explicit ``detail``. The API key is read from the environment and kept only in the
client: it is never part of a fingerprint, a stored row, a log line or a report.
"""

from __future__ import annotations

import asyncio
import base64
import os
import random
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import cv2
import numpy as np

from .._exceptions import ConfigError, ModelError
from .._seeding import stable_hash
from .._tokens import image_tokens, text_tokens
from .._types import Prediction
from ._base import InputMode, ModelAdapter, ModelInput
from ._pool import EndpointPool, pool_identity
from ._provider_errors import classify

__all__ = ["OpenAIModel", "OpenAISettings", "png_data_url"]

SIMULATED_FINGERPRINT = "simulated"


@dataclass(frozen=True, slots=True)
class OpenAISettings:
    """How to reach and query one served model. ``api_key_env`` names the variable to read."""

    name: str
    model: str
    base_url: str
    api_key_env: str | None = "OPENAI_API_KEY"
    api_key_required: bool = True
    input_mode: InputMode = "body"
    detail: str = "high"
    temperature: float = 0.0
    max_tokens: int = 300
    seed: int | None = None
    concurrency: int = 32
    timeout_s: float = 60.0
    max_attempts: int = 6
    backoff_s: float = 0.5
    backoff_max_s: float = 30.0
    # Stands for base_url in the fingerprint where the URL changes between runs (a free port).
    fingerprint_url: str | None = None

    def validate(self) -> None:
        if self.detail not in ("low", "high", "auto"):
            raise ConfigError(f"--detail must be low, high or auto, got {self.detail!r}")
        if not 0.0 <= self.temperature <= 2.0:
            raise ConfigError(f"--temperature must be within 0-2, got {self.temperature!r}")
        if self.concurrency < 1:
            raise ConfigError(f"--concurrency must be at least 1, got {self.concurrency!r}")
        if self.max_tokens < 1 or self.max_attempts < 1 or self.timeout_s <= 0:
            raise ConfigError("max tokens, attempts and timeout must be positive")


# zlib's run-length strategy with PNG's "up" filter: lossless like any PNG, and the fastest
# setting measured here (~2x faster than level 1 with the default strategy and adaptive filters,
# and as small; bench/png_encoding.py). The filter option needs OpenCV >= 4.11.
_PNG_PARAMS = [cv2.IMWRITE_PNG_STRATEGY, cv2.IMWRITE_PNG_STRATEGY_RLE] + (
    [cv2.IMWRITE_PNG_FILTER, cv2.IMWRITE_PNG_FILTER_UP] if hasattr(cv2, "IMWRITE_PNG_FILTER") else []
)


def png_data_url(image: np.ndarray) -> str:
    """The exact pixels as a lossless PNG data URL (never re-encoded lossy, never resized)."""
    ok, encoded = cv2.imencode(".png", cv2.cvtColor(image, cv2.COLOR_RGB2BGR), _PNG_PARAMS)
    if not ok:
        raise ModelError(f"could not encode a {image.shape} image as PNG")
    return "data:image/png;base64," + base64.b64encode(encoded.tobytes()).decode("ascii")


class OpenAIModel(ModelAdapter):
    """A chat-completions model behind the suite's protocol."""

    takes_prompts = True

    def __init__(
        self, settings: OpenAISettings, *, parse: Callable[..., Any] | None = None,
        on_close: Callable[[], None] | None = None,
    ) -> None:
        settings.validate()
        self.settings = settings
        self.name = settings.name
        self.input_mode = settings.input_mode
        # Large batches keep every slot busy: each batch ends with a partly idle last wave.
        self.batch_size = settings.concurrency * 16
        self._api_key = _api_key(settings)
        self._parse = parse
        self._on_close = on_close
        self.simulated = False
        self._endpoints = EndpointPool(settings.base_url, concurrency=settings.concurrency)
        # Everything that changes answers, and nothing secret; not which replica answers.
        url = settings.fingerprint_url or pool_identity(settings.base_url)
        self._fingerprint = (
            f"openai-compatible;url={url.rstrip('/')};"
            f"model={settings.model};"
            f"detail={settings.detail};temperature={settings.temperature};"
            f"max_tokens={settings.max_tokens};seed={settings.seed}"
        )

    @property
    def fingerprint(self) -> str:
        return self._fingerprint

    def predict_batch(self, inputs: Sequence[ModelInput]) -> list[Prediction]:
        return asyncio.run(self._predict_all(inputs))

    def close(self) -> None:
        if self._on_close is not None:
            self._on_close()
            self._on_close = None

    async def _predict_all(self, inputs: Sequence[ModelInput]) -> list[Prediction]:
        from openai import AsyncOpenAI

        client = self._endpoints.connect(lambda url: AsyncOpenAI(
            base_url=url, api_key=self._api_key, max_retries=0,
            timeout=self.settings.timeout_s,
        ))
        gate = asyncio.Semaphore(self._endpoints.capacity)
        # Prompts and repeats share one crop array: encode each once per batch, off the event
        # loop (encoding a large crop there would stall every request in flight).
        encoded: dict[int, asyncio.Future[str]] = {}

        async def one(item: ModelInput) -> Prediction:
            async with gate:
                return await self._predict_one(client, item, encoded)

        try:
            return list(await asyncio.gather(*(one(item) for item in inputs)))
        finally:
            await client.close()

    async def _predict_one(
        self, client: Any, item: ModelInput, encoded: dict[int, asyncio.Future[str]]
    ) -> Prediction:
        if item.prompt is None:
            return Prediction(outcome="error", error="an MLLM input needs a prompt variant")
        image = item.body if item.body is not None else item.face
        if image is None:
            return Prediction(outcome="error", error="no image in the input")
        if id(image) not in encoded:
            encoded[id(image)] = asyncio.ensure_future(asyncio.to_thread(png_data_url, image))
        request = self._request(item, await encoded[id(image)])
        # Backoff jitter only spreads retries out; seeding it keeps runs reproducible.
        jitter = random.Random(stable_hash(self._fingerprint, item.prompt.id, item.repeat))
        last_error = "no attempt made"
        for attempt in range(self.settings.max_attempts):
            started = time.perf_counter()
            try:
                response = await client.chat.completions.create(**request)
            except Exception as exc:  # noqa: BLE001 - sorted by the one mapping seam
                fate = classify(exc)
                if fate.fate == "fatal":
                    raise ModelError(f"{self.name}: {fate.message}") from exc
                last_error = fate.message
                if fate.fate == "item" or attempt + 1 == self.settings.max_attempts:
                    break
                await asyncio.sleep(self._backoff(attempt, fate.retry_after, jitter))
                continue
            latency = (time.perf_counter() - started) * 1000
            return self._prediction(response, latency)
        attempts = attempt + 1
        return Prediction(outcome="error", error=f"{last_error} (after {attempts} attempts)")

    def _request(self, item: ModelInput, data_url: str) -> dict[str, Any]:
        assert item.prompt is not None
        messages: list[dict[str, Any]] = []
        if item.prompt.system:
            messages.append({"role": "system", "content": item.prompt.system})
        messages.append({"role": "user", "content": [
            {"type": "text", "text": item.prompt.user},
            {"type": "image_url", "image_url": {"url": data_url, "detail": self.settings.detail}},
        ]})
        request: dict[str, Any] = {
            "model": self.settings.model, "messages": messages,
            "temperature": self.settings.temperature, "max_tokens": self.settings.max_tokens,
        }
        if self.settings.seed is not None:
            request["seed"] = self.settings.seed
        return request

    def _backoff(self, attempt: int, retry_after: float | None, jitter: random.Random) -> float:
        if retry_after is not None:
            return min(retry_after, self.settings.backoff_max_s)
        delay = self.settings.backoff_s * 2**attempt
        return min(self.settings.backoff_max_s, delay * (0.5 + jitter.random()))

    def _prediction(self, response: Any, latency_ms: float) -> Prediction:
        choice = response.choices[0] if response.choices else None
        message = choice.message if choice is not None else None
        text = message.content if message is not None else None
        refusal = getattr(message, "refusal", None)
        finish = choice.finish_reason if choice is not None else None
        fingerprint = getattr(response, "system_fingerprint", None)
        if fingerprint == SIMULATED_FINGERPRINT:
            self.simulated = True
        parsed = self._parser()(text, refusal=refusal, finish_reason=finish)
        usage = response.usage
        return Prediction(
            outcome=parsed.outcome, age=parsed.age, gender=parsed.gender,
            age_low=parsed.age_low, age_high=parsed.age_high,
            refusal_kind=parsed.refusal_kind, raw_text=text if text is not None else refusal,
            latency_ms=latency_ms, finish_reason=finish, system_fingerprint=fingerprint,
            tokens_in=getattr(usage, "prompt_tokens", None),
            tokens_out=getattr(usage, "completion_tokens", None),
        )

    def _parser(self) -> Callable[..., Any]:
        if self._parse is None:
            from prompts import parse_answer

            self._parse = parse_answer
        return self._parse

    def estimate_tokens(self, item: ModelInput) -> int:
        """Prompt tokens (image tiles and text) plus the answer cap: an upper-bound estimate."""
        image = item.body if item.body is not None else item.face
        pixels = 0 if image is None else image_tokens(
            image.shape[1], image.shape[0], self.settings.detail
        )
        return pixels + text_tokens(item.prompt.text if item.prompt else "") + self.settings.max_tokens


def _api_key(settings: OpenAISettings) -> str:
    variable = settings.api_key_env
    value = os.environ.get(variable) if variable else None
    if value:
        return value
    if settings.api_key_required:
        raise ConfigError(
            f"model {settings.name!r} needs an API key: set the environment variable {variable}"
        )
    return "EMPTY"  # local servers (vLLM) accept any key unless started with --api-key

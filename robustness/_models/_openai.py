"""Any OpenAI-compatible chat endpoint: OpenAI itself, a vLLM server, the simulated server.

Requests run with asyncio, a bounded number in flight, each answer reported as it arrives; each
is retried with exponential backoff (honouring ``Retry-After``) on rate limits, server errors,
timeouts, malformed bodies and 200s with no usable choice, and a final failure is recorded as that
item's ``error`` prediction (never cached). Images go losslessly as PNG data
URLs with an explicit ``detail``. The API key is read from the environment and kept only in the
client: it is never part of a fingerprint, a stored row, a log line or a report.
"""

from __future__ import annotations

import asyncio
import base64
import importlib
import json
import os
import random
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

import cv2
import numpy as np

from .._exceptions import ConfigError, ModelError
from .._reparse import provenance
from .._secrets import public_url, register_secret, register_url
from .._seeding import stable_hash
from .._tokens import image_tokens, text_tokens
from .._types import Prediction
from ._base import AnswerSink, InputMode, ModelAdapter, ModelInput, Request
from ._pool import EndpointPool, PoolClient, pool_identity, split_urls
from ._provider_errors import classify, usable_choice

__all__ = ["OpenAIModel", "OpenAISettings", "png_data_url"]

SIMULATED_FINGERPRINT = "simulated"
# How the pixels travel: a lossless PNG data URL of the exact crop (part of the fingerprint).
IMAGE_ENCODING = "png-data-url"


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
    top_p: float | None = None
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
        if self.top_p is not None and not 0.0 < self.top_p <= 1.0:
            raise ConfigError(f"--top-p must be within (0, 1], got {self.top_p!r}")
        if self.concurrency < 1:
            raise ConfigError(f"--concurrency must be at least 1, got {self.concurrency!r}")
        if self.max_tokens < 1 or self.max_attempts < 1 or self.timeout_s <= 0:
            raise ConfigError("max tokens, attempts and timeout must be positive")


# zlib's run-length strategy with PNG's "up" filter: lossless like any PNG, and the fastest
# setting measured here (~2x faster than level 1 with the default strategy and adaptive filters,
# and as small; bench/png_encoding.py). The filter option needs OpenCV >= 4.11.
_PNG_PARAMS = [cv2.IMWRITE_PNG_STRATEGY, cv2.IMWRITE_PNG_STRATEGY_RLE] + (
    [cv2.IMWRITE_PNG_FILTER, cv2.IMWRITE_PNG_FILTER_UP]
    if hasattr(cv2, "IMWRITE_PNG_FILTER") else []
)


# Stored (zlib level 0, no filter): for pixels that do not compress, such as a noisy crop, zlib
# would spend ~3 ms per face crop (~20 ms per 675-px frame) to save a few per cent.
_STORED_PARAMS = [cv2.IMWRITE_PNG_COMPRESSION, 0] + (
    [cv2.IMWRITE_PNG_FILTER, cv2.IMWRITE_PNG_FILTER_NONE]
    if hasattr(cv2, "IMWRITE_PNG_FILTER") else []
)
# Store when compression would keep at least this fraction of the bytes (at most ~11 % larger).
_STORE_ABOVE = 0.9


def compressed_fraction(image: np.ndarray) -> float:
    """What PNG's up filter and Huffman coding would keep of the image, estimated from three
    9-row bands: the entropy (bits per byte / 8) of their up-filter residuals.

    It tracks the encoder's ratio within a few hundredths on London crops: 0.87 vs 0.88 and 0.98
    vs 0.99 for noise, at most 0.7 for every other family (which compress to 0.1-0.6).
    """
    height = image.shape[0]
    tops = sorted({0, max(0, height // 2 - 4), max(0, height - 9)})
    bands = [image[top : top + 9] for top in tops]
    residuals = np.concatenate(
        [np.diff(band.astype(np.int16), axis=0).astype(np.uint8).ravel() for band in bands])
    if residuals.size == 0:
        return 1.0
    counts = np.bincount(residuals, minlength=256)
    shares = counts[counts > 0] / residuals.size
    return float(-(shares * np.log2(shares)).sum() / 8)


def png_data_url(image: np.ndarray) -> str:
    """The exact pixels as a lossless PNG data URL (never re-encoded lossy, never resized),
    compressed unless they would not compress (``compressed_fraction``)."""
    params = _PNG_PARAMS if compressed_fraction(image) < _STORE_ABOVE else _STORED_PARAMS
    ok, encoded = cv2.imencode(".png", cv2.cvtColor(image, cv2.COLOR_RGB2BGR), params)
    if not ok:
        raise ModelError(f"could not encode a {image.shape} image as PNG")
    return "data:image/png;base64," + base64.b64encode(encoded.tobytes()).decode("ascii")


# Stands for the image's data URL in a request body until it is serialised (``request_json``).
IMAGE_SLOT = "robustness-image-url-7b1e0c55"
# What a data URL of base64 is made of: nothing JSON escapes.
_URL_BYTES = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=:;,.-"


def request_json(body: dict[str, Any], data_url: str | None) -> bytes:
    """The body as JSON bytes, the data URL where ``IMAGE_SLOT`` stands.

    A base64 data URL has nothing JSON escapes, so it is spliced into the serialised rest
    rather than scanned by the encoder (1.2 ms for a 300 kB URL, a fifth of the client's CPU per
    request); a URL with any other character is escaped by the encoder.
    """
    text = json.dumps(body, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    if data_url is None:
        return text.encode()
    if text.count(IMAGE_SLOT) != 1:
        raise ModelError(f"a request's text contains the image placeholder {IMAGE_SLOT!r}")
    head, _, tail = text.partition(IMAGE_SLOT)
    url = data_url.encode()
    if url.translate(None, _URL_BYTES):  # not base64: let the encoder escape it
        url = json.dumps(data_url, ensure_ascii=False)[1:-1].encode()
    return b"".join((head.encode(), url, tail.encode()))


def encode_input(item: ModelInput) -> str:
    """The data URL of the image a request sends: the body crop when there is one, else the face."""
    image = item.body if item.body is not None else item.face
    if image is None:
        raise ModelError("no image in the input")
    return png_data_url(image)


class OpenAIModel(ModelAdapter):
    """A chat-completions model behind the suite's protocol."""

    takes_prompts = True
    input_modes = ("body", "face", "full")  # the image sent is whichever crop the input holds

    def __init__(
        self, settings: OpenAISettings, *, parse: Callable[..., Any] | None = None,
        on_close: Callable[[], None] | None = None,
    ) -> None:
        settings.validate()
        self.settings = settings
        self.name = settings.name
        self.input_mode = settings.input_mode
        # For ``predict_batch`` callers; the runner streams, keeping ``concurrency`` in flight.
        self.batch_size = settings.concurrency * 16
        self._api_key = _api_key(settings)
        for url in split_urls(settings.base_url):
            register_url(url)  # each replica's credentials are redacted wherever they appear
        self._parse = parse
        self._on_close = on_close
        self.simulated = False
        self.input_encoder = encode_input
        self._endpoints = EndpointPool(settings.base_url, concurrency=settings.concurrency)
        # Everything that changes answers, and nothing secret; not which replica answers.
        url = settings.fingerprint_url or pool_identity(settings.base_url)
        self._fingerprint = (
            f"openai-compatible;url={public_url(url).rstrip('/')};"
            f"model={settings.model};image={IMAGE_ENCODING};"
            f"detail={settings.detail};temperature={settings.temperature};top_p={settings.top_p};"
            f"max_tokens={settings.max_tokens};seed={settings.seed}"
        )

    @property
    def fingerprint(self) -> str:
        return self._fingerprint

    def predict_batch(self, inputs: Sequence[ModelInput]) -> list[Prediction]:
        answers: dict[str, Prediction] = {}
        requests = (Request(str(index), item, "") for index, item in enumerate(inputs))
        self.predict_stream(requests, answers.__setitem__)
        return [answers[str(index)] for index in range(len(inputs))]

    def predict_stream(
        self, requests: Iterator[Request], on_answer: AnswerSink, *,
        stop: threading.Event | None = None,
    ) -> None:
        """Keep ``concurrency`` requests in flight, reporting each answer as it arrives.

        Pulling the next request runs in a worker thread (preparing it is CPU work that would
        stall every request in flight), concurrently with the answers coming back. Once ``stop``
        is set, or a 401/403 arrives, nothing new is sent; requests in flight get up to
        ``timeout_s`` to finish, then are cancelled (their claims go back with the run's).
        """
        asyncio.run(self._stream(requests, on_answer, stop or threading.Event()))

    def close(self) -> None:
        if self._on_close is not None:
            self._on_close()
            self._on_close = None

    async def _stream(
        self, requests: Iterator[Request], on_answer: AnswerSink, stop: threading.Event
    ) -> None:
        loop = asyncio.get_running_loop()
        # The SDK's typed models take seconds to import (2-3 s on a loaded 2-core machine): it
        # loads in a thread while the first requests are prepared, not before.
        sdk = loop.run_in_executor(None, importlib.import_module, "openai")
        client: PoolClient | None = None
        # Prompts and repeats share one crop: encode it once, off the event loop.
        encoded: OrderedDict[str, tuple[np.ndarray, asyncio.Future[str]]] = OrderedDict()
        in_flight: dict[asyncio.Future[Prediction], str] = {}
        pull: asyncio.Future[Request | None] | None = None
        exhausted, failure, deadline = False, None, None
        try:
            while True:
                halted = stop.is_set() or failure is not None
                if not (exhausted or halted) and pull is None \
                        and len(in_flight) < self._endpoints.capacity:
                    pull = asyncio.ensure_future(asyncio.to_thread(next, requests, None))
                waiting: set[asyncio.Future[Any]] = set(in_flight)
                if pull is not None:
                    waiting.add(pull)
                if not waiting:
                    return
                if halted and deadline is None:
                    deadline = loop.time() + self.settings.timeout_s
                budget = 0.25 if deadline is None else max(0.0, deadline - loop.time())
                done, _ = await asyncio.wait(waiting, timeout=min(0.25, budget),
                                             return_when=asyncio.FIRST_COMPLETED)
                for future in done:
                    if future is pull:
                        pull, request = None, future.result()
                        if request is None:
                            exhausted = True
                        elif not (stop.is_set() or failure is not None):
                            client = client or self._connect(await sdk)
                            task = asyncio.ensure_future(self._answer(client, request, encoded))
                            in_flight[task] = request.key
                        continue
                    key = in_flight.pop(future)
                    try:
                        answer = future.result()
                    except Exception as exc:
                        failure = failure or exc
                        continue
                    on_answer(key, answer)
                if deadline is not None and loop.time() >= deadline:
                    return
        finally:
            for future in in_flight:
                future.cancel()
            await asyncio.gather(*in_flight, return_exceptions=True)
            if pull is not None:
                await asyncio.gather(pull, return_exceptions=True)
            if client is not None:
                await client.close()
            if failure is not None:
                raise failure

    def _connect(self, openai: Any) -> PoolClient:
        """A client per replica of the pool."""
        return self._endpoints.connect(lambda url: openai.AsyncOpenAI(
            base_url=url, api_key=self._api_key, max_retries=0, timeout=self.settings.timeout_s,
        ))

    async def _answer(
        self, client: PoolClient, request: Request,
        encoded: OrderedDict[str, tuple[np.ndarray, asyncio.Future[str]]],
    ) -> Prediction:
        item = request.input
        if item.prompt is None:
            return Prediction(outcome="error", error="an MLLM input needs a prompt variant")
        image = item.body if item.body is not None else item.face
        data_url = item.encoded  # set when a worker process encoded the image already
        # None and no image: text only, a judge's question about an answer (``robustness._judge``)
        if data_url is None and image is not None:
            # Keyed by pixel digest; the cache holds the array, so an id is never reused meanwhile.
            cache_key = request.digest or f"id:{id(image)}"
            if cache_key not in encoded:
                encoded[cache_key] = (image, asyncio.ensure_future(
                    asyncio.to_thread(png_data_url, image)))
                # Requests sharing a crop come one after another: a few entries suffice, and a
                # body crop with its URL holds ~3 MB.
                while len(encoded) > self._endpoints.capacity:
                    encoded.popitem(last=False)
            data_url = await encoded[cache_key][1]
        body = request_json(self._request(item, data_url is not None), data_url)
        # Backoff jitter only spreads retries out; seeding it keeps runs reproducible.
        jitter = random.Random(stable_hash(self._fingerprint, item.prompt.id, item.repeat))
        last_error = "no attempt made"
        for attempt in range(self.settings.max_attempts):
            started = time.perf_counter()
            try:
                response = await client.complete(body)
                return self._prediction(response, (time.perf_counter() - started) * 1000,
                                        asks=item.prompt.asks)
            except Exception as exc:
                fate = classify(exc)
                if fate.fate == "fatal":
                    raise ModelError(f"{self.name}: {fate.message}") from exc
                last_error = fate.message
                if fate.fate == "item" or attempt + 1 == self.settings.max_attempts:
                    break
                await asyncio.sleep(self._backoff(attempt, fate.retry_after, jitter))
        attempts = attempt + 1
        return Prediction(outcome="error", error=f"{last_error} (after {attempts} attempts)")

    def _request(self, item: ModelInput, with_image: bool) -> dict[str, Any]:
        assert item.prompt is not None
        messages: list[dict[str, Any]] = []
        if item.prompt.system:
            messages.append({"role": "system", "content": item.prompt.system})
        content: list[dict[str, Any]] = [{"type": "text", "text": item.prompt.user}]
        if with_image:
            content.append({"type": "image_url",
                            "image_url": {"url": IMAGE_SLOT, "detail": self.settings.detail}})
        messages.append({"role": "user", "content": content})
        # Keys in the order the SDK's ``create`` writes them: the same bytes on the wire as
        # before the body was serialised here (a server may key on them, as the simulated one
        # seeds its answers from the body's hash).
        request: dict[str, Any] = {
            "model": self.settings.model, "messages": messages,
            "max_tokens": self.settings.max_tokens,
        }
        if self.settings.seed is not None:
            request["seed"] = self.settings.seed
        request["temperature"] = self.settings.temperature
        if self.settings.top_p is not None:
            request["top_p"] = self.settings.top_p
        return request

    def _backoff(self, attempt: int, retry_after: float | None, jitter: random.Random) -> float:
        if retry_after is not None:
            return min(retry_after, self.settings.backoff_max_s)
        delay = self.settings.backoff_s * 2.0**attempt
        return min(self.settings.backoff_max_s, delay * (0.5 + jitter.random()))

    def _prediction(self, response: Any, latency_ms: float,
                    asks: tuple[str, ...] = ("age", "gender")) -> Prediction:
        """Read a 200; one with no usable choice raises ``UnusableResponse`` (retried)."""
        text, refusal, finish = usable_choice(response)
        fingerprint = getattr(response, "system_fingerprint", None)
        if fingerprint == SIMULATED_FINGERPRINT:
            self.simulated = True
        parsed = self._parser()(text, refusal=refusal, finish_reason=finish, asks=asks)
        usage = response.usage
        return Prediction(
            outcome=parsed.outcome, age=parsed.age, gender=parsed.gender,
            age_low=parsed.age_low, age_high=parsed.age_high,
            refusal_kind=parsed.refusal_kind, raw_text=text if text is not None else refusal,
            latency_ms=latency_ms, finish_reason=finish, system_fingerprint=fingerprint,
            tokens_in=getattr(usage, "prompt_tokens", None),
            tokens_out=getattr(usage, "completion_tokens", None),
            truncated=finish == "length", **provenance(parsed),
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
        prompt = text_tokens(item.prompt.text if item.prompt else "")
        return pixels + prompt + self.settings.max_tokens


def _api_key(settings: OpenAISettings) -> str:
    variable = settings.api_key_env
    value = os.environ.get(variable) if variable else None
    if value:
        register_secret(value)
        return value
    if settings.api_key_required:
        raise ConfigError(
            f"model {settings.name!r} needs an API key: set the environment variable {variable}"
        )
    return "EMPTY"  # local servers (vLLM) accept any key unless started with --api-key

"""The simulated model behind the HTTP layer: request body in, ``Reply`` out.

Kept free of sockets so the whole decision chain (validate, score, fault, refuse, render) reads
in one place; the handler only sleeps, writes or hangs up as the ``Reply`` says. Order matters:
a malformed request is always a 400 (never masked by an injected fault), and faults are drawn
per attempt before any answer randomness, so a retry changes only the fault.
"""

from __future__ import annotations

import hashlib
import io
import random
import time
from dataclasses import dataclass, replace

from PIL import Image

from ._answers import answered_age, render_answer
from ._config import SimConfig
from ._faults import AttemptCounter, draw_fault
from ._judging import judge_reply
from ._prompting import read_prompt
from ._protocol import ChatRequest, ProtocolError, parse_chat_request
from ._refusals import Refusal, no_face_answer, refusal_chance, render_refusal
from ._responses import (
    FinishReason,
    completion_body,
    encode,
    error_body,
    image_tokens,
    models_body,
    text_tokens,
)
from ._rng import derive_random
from ._scoring import Estimate, Scorer, shared_scorer
from ._stats import StatsRecorder

__all__ = ["Reply", "Simulator"]


@dataclass(frozen=True, slots=True)
class Reply:
    """What to send after ``delay_s`` seconds; ``hang_up`` closes the connection unanswered."""

    status: int
    body: bytes = b""
    headers: tuple[tuple[str, str], ...] = ()
    delay_s: float = 0.0
    hang_up: bool = False


class Simulator:
    """Answers chat-completion bodies as ``config`` says, scoring images with ``scorer``."""

    def __init__(self, config: SimConfig, *, scorer: Scorer | None = None,
                 stats: StatsRecorder | None = None) -> None:
        self.config = config
        self.scorer = scorer or shared_scorer()
        self.stats = stats or StatsRecorder()
        self._attempts = AttemptCounter()

    def models(self) -> Reply:
        """The model list."""
        return Reply(200, encode(models_body()))

    def error(self, exc: ProtocolError) -> Reply:
        """An OpenAI-shaped error reply."""
        if exc.status < 500:
            self.stats.count("errors")
        body = error_body(exc.message, error_type=exc.error_type, code=exc.code, param=exc.param)
        return Reply(exc.status, encode(body))

    def chat(self, body: bytes) -> Reply:
        """The reply to one ``POST /v1/chat/completions`` attempt.

        ``latency_ms`` is the simulated model's response time: the reply is due that long after
        the request arrived, so time spent scoring a new image counts toward it rather than
        adding to it (a real API's latency includes its compute, too).
        """
        started = time.monotonic()
        reply = self._chat(body)
        if reply.delay_s > 0 and not reply.hang_up:
            reply = replace(reply, delay_s=max(0.0, reply.delay_s - (time.monotonic() - started)))
        return reply

    def _chat(self, body: bytes) -> Reply:
        try:
            request = parse_chat_request(body)
            if not request.images:  # only a judge's question comes without one
                return self._judge(request)
            estimate = self.scorer.score(request.images[0])
            prompt_tokens = _prompt_tokens(request, estimate)
        except ProtocolError as exc:
            return self.error(exc)
        config = self.config
        latency = config.latency_ms / 1000
        digest = hashlib.sha256(body).digest()
        attempt = self._attempts.next(digest)
        fault = draw_fault(config, digest=digest, attempt=attempt)
        if fault is not None:
            self.stats.fault(fault)
        if fault == "rate_limit":
            retry_after = f"{config.retry_after_s:g}"
            return Reply(429, encode(error_body(
                f"Rate limit reached (simulated). Please try again in {retry_after}s.",
                error_type="requests", code="rate_limit_exceeded")),
                headers=(("Retry-After", retry_after),))
        if fault == "server_error":
            return Reply(500, encode(error_body(
                "The server had an error while processing your request (simulated).",
                error_type="server_error", code=None)), delay_s=latency)
        if fault == "timeout":
            return Reply(0, delay_s=config.timeout_s, hang_up=True)
        if fault == "content_filter":
            return self._completion(request, "", None, "content_filter", prompt_tokens, latency)
        # Temperature 0 answers are a pure function of the body; sampling adds the attempt.
        rng = derive_random("answer", config.seed, digest,
                            *((attempt,) if request.temperature > 0 else ()))
        outcome = self._outcome(request, estimate, rng)
        content, refusal = (outcome.content, outcome.refusal) if isinstance(outcome, Refusal) \
            else (outcome, None)
        finish: FinishReason = "stop"
        if content is not None and request.max_tokens is not None \
                and text_tokens(content) > request.max_tokens:
            content, finish = content[: request.max_tokens * 4], "length"
        reply = self._completion(request, content, refusal, finish, prompt_tokens, latency)
        if fault == "malformed":
            cut = derive_random("malformed", config.seed, digest, attempt)
            return Reply(200, reply.body[: cut.randint(len(reply.body) // 4, len(reply.body) // 2)],
                         delay_s=latency)
        # Counted only for an intact reply: a malformed one delivers neither.
        if isinstance(outcome, Refusal):
            self.stats.refusal(outcome.form)
        else:
            self.stats.count("answers")
        return reply

    def _outcome(self, request: ChatRequest, estimate: Estimate,
                 rng: random.Random) -> Refusal | str:
        """The answer text, or a refusal, for this prompt and image."""
        style = read_prompt(request.text)
        if estimate.age is None or estimate.gender is None:
            return no_face_answer(style)
        age = answered_age(estimate.age, rng, request.temperature)
        if rng.random() < refusal_chance(self.config, request.text, estimate.quality):
            return render_refusal(age, style, estimate.quality, rng)
        return render_answer(age, estimate.gender, style, rng)

    def _judge(self, request: ChatRequest) -> Reply:
        """A simulated judge's verdict (``_judging``), with the configured latency."""
        verdict = judge_reply(request.text) or ""
        self.stats.count("answers")
        prompt_tokens = 3 + 3 * request.message_count + text_tokens(request.text)
        return self._completion(request, verdict, None, "stop", prompt_tokens,
                                self.config.latency_ms / 1000)

    def _completion(self, request: ChatRequest, content: str | None, refusal: str | None,
                    finish: FinishReason, prompt_tokens: int, latency: float) -> Reply:
        body = completion_body(model=request.model, content=content, refusal=refusal,
                               finish_reason=finish, prompt_tokens=prompt_tokens)
        return Reply(200, encode(body), delay_s=latency)


def _prompt_tokens(request: ChatRequest, estimate: Estimate) -> int:
    """Text at ~4 characters a token, 3 tokens per message plus 3 priming, images by tiles."""
    total = 3 + 3 * request.message_count + text_tokens(request.text)
    total += image_tokens(estimate.width, estimate.height, request.images[0].detail)
    for image in request.images[1:]:
        try:
            with Image.open(io.BytesIO(image.decode())) as opened:
                width, height = opened.size
        except (OSError, ValueError):
            raise ProtocolError(400, "an image could not be decoded",
                                code="invalid_image_format") from None
        total += image_tokens(width, height, image.detail)
    return total

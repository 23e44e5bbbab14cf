"""Endpoint pools: one served model behind several base URLs (e.g. vLLM replicas).

A model's ``base_url`` may list replicas separated by commas (``--base-url`` repeated, or
``ROBUSTNESS_LLAVA_URL=url1,url2``). Each request attempt goes to the least-loaded replica that is
not paused, each replica with its own concurrency; a replica that fails ``pause_after`` attempts in
a row (dropped connections, timeouts, 5xx, malformed bodies — not rate limits or refused requests)
is paused for a cooldown that doubles each time it is paused again, and the failed items go back
through the adapter's ordinary retry loop, which sends them to the other replicas. The last replica
up is never paused (a pool of one never is): there would be nowhere to send its work. After the
cooldown one probe request may go to it; a success ends the pause.

Which replica answered never enters a request key: the first URL names the whole pool in the
model's fingerprint (``pool_identity``), so adding, removing or reordering the other replicas
leaves every key, and so every stored answer, valid.

Health lives in ``EndpointPool`` for the model's lifetime; the HTTP clients and asyncio primitives
live in a ``PoolClient`` per event loop (the adapter runs one loop per batch).
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from .._exceptions import ConfigError
from ._provider_errors import classify

__all__ = ["EndpointPool", "PoolClient", "pool_identity", "split_urls"]


def split_urls(base_url: str) -> tuple[str, ...]:
    """The replica URLs of a comma-separated ``base_url``, each without a trailing slash."""
    urls = tuple(part.strip().rstrip("/") for part in base_url.split(","))
    if not urls or any(not url for url in urls):
        raise ConfigError(f"base URL list {base_url!r} has an empty entry")
    if len(set(urls)) != len(urls):
        raise ConfigError(f"base URL list {base_url!r} names a replica twice")
    return urls


def pool_identity(base_url: str) -> str:
    """The URL that stands for the whole pool in request keys: the first one listed."""
    return split_urls(base_url)[0]


def replica_fault(exc: BaseException) -> bool:
    """Whether a failed attempt says the replica is unwell (not the request, not a rate limit)."""
    import openai

    if not isinstance(exc, Exception):
        return False  # cancelled: says nothing about the replica
    if isinstance(exc, openai.RateLimitError):
        return False  # busy, not broken: Retry-After paces it, pausing would only shrink the pool
    try:
        return classify(exc).fate == "retry"
    except Exception:  # noqa: BLE001 - an unclassified error is not evidence against the replica
        return False


@dataclass(slots=True)
class _Health:
    """One replica's record across batches (mutable on purpose: it changes with every reply)."""

    url: str
    failures_in_a_row: int = 0
    paused_until: float = 0.0
    pauses: int = 0


class EndpointPool:
    """The replicas of one served model and their health, for the model's lifetime.

    Args:
        base_url: One URL or several, comma-separated.
        concurrency: Requests in flight per replica.
        pause_after: Failed attempts in a row that pause a replica.
        cooldown_s: The first pause; each further pause of the same replica doubles it, up to
            ``max_cooldown_s``.
    """

    def __init__(
        self, base_url: str, *, concurrency: int, pause_after: int = 3, cooldown_s: float = 5.0,
        max_cooldown_s: float = 120.0, clock: Callable[[], float] = time.monotonic,
    ) -> None:
        if concurrency < 1 or pause_after < 1 or cooldown_s <= 0:
            raise ConfigError("pool concurrency, pause_after and cooldown_s must be positive")
        self.urls = split_urls(base_url)
        self.concurrency = concurrency
        self.pause_after = pause_after
        self.cooldown_s = cooldown_s
        self.max_cooldown_s = max_cooldown_s
        self._clock = clock
        self._health = [_Health(url) for url in self.urls]

    @property
    def capacity(self) -> int:
        """Requests in flight over the whole pool."""
        return self.concurrency * len(self.urls)

    def paused(self) -> list[str]:
        """The replicas paused now."""
        now = self._clock()
        return [h.url for h in self._health if h.paused_until > now]

    def connect(self, make_client: Callable[[str], Any]) -> PoolClient:
        """A client for the running event loop: one SDK client per replica (``make_client``)."""
        return PoolClient(self, [make_client(url) for url in self.urls])

    def _record(self, index: int, *, failed: bool) -> None:
        health = self._health[index]
        if not failed:
            health.failures_in_a_row = health.pauses = 0
            return
        health.failures_in_a_row += 1
        # Pausing sends the work elsewhere; with no other replica up there is nowhere to send it,
        # and the adapter's own retry backoff (which honours Retry-After) governs instead.
        now = self._clock()
        others_up = any(h.paused_until <= now for h in self._health if h is not health)
        if health.failures_in_a_row >= self.pause_after and others_up:
            pause = min(self.max_cooldown_s, self.cooldown_s * 2**health.pauses)
            health.paused_until = now + pause
            health.pauses += 1


class PoolClient:
    """Chat completions and ``close``, each completion sent to a replica of the pool."""

    def __init__(self, pool: EndpointPool, clients: list[Any]) -> None:
        self._pool = pool
        self._clients = clients
        self._in_flight = [0] * len(clients)
        self._changed = asyncio.Condition()

    async def close(self) -> None:
        for client in self._clients:
            await client.close()

    async def complete(self, body: bytes) -> Any:
        """POST a JSON ``body`` to a replica's chat completions; the ``ChatCompletion`` back.

        The body goes as serialised bytes (``request_json``): ``chat.completions.create`` would
        first walk it against the request's type hints and then through the JSON encoder: a
        quarter of the client's CPU per request (6.8 -> 5.1 ms) for an image URL of ~300 kB.
        """
        from openai.types.chat import ChatCompletion

        index = await self._acquire()
        try:
            response = await self._clients[index].post(
                "/chat/completions", content=body, cast_to=ChatCompletion,
                options={"headers": {"Content-Type": "application/json"}})
        except BaseException as exc:
            await self._release(index, failed=replica_fault(exc))
            raise
        await self._release(index, failed=False)
        return response

    def _choose(self, now: float) -> int | None:
        """The least-loaded replica with a free slot, healthy ones (no failure pending) first."""
        pool, best, best_rank = self._pool, None, None
        for index, health in enumerate(pool._health):
            # A replica back from a pause gets one probe at a time until it answers again.
            probing = health.failures_in_a_row >= pool.pause_after
            limit = 1 if probing else pool.concurrency
            if health.paused_until > now or self._in_flight[index] >= limit:
                continue
            rank = (health.failures_in_a_row > 0, self._in_flight[index], index)
            if best_rank is None or rank < best_rank:
                best, best_rank = index, rank
        return best

    async def _acquire(self) -> int:
        async with self._changed:
            while True:
                now = self._pool._clock()
                index = self._choose(now)
                if index is not None:
                    self._in_flight[index] += 1
                    return index
                # All busy or paused: wait for a release, or for the earliest pause to end.
                resumes = [h.paused_until - now for h in self._pool._health if h.paused_until > now]
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._changed.wait(), min(resumes) if resumes else None)

    async def _release(self, index: int, *, failed: bool) -> None:
        async with self._changed:
            self._in_flight[index] -= 1
            self._pool._record(index, failed=failed)
            self._changed.notify_all()

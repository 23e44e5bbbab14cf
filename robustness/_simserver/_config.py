"""``SimConfig``: every knob of the simulated MLLM server, validated when it is built."""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass, fields
from typing import Literal

from .._exceptions import ConfigError

__all__ = ["FAULT_KINDS", "FaultKind", "SimConfig"]

FaultKind = Literal["rate_limit", "server_error", "timeout", "malformed", "content_filter"]

# The order in which one uniform draw is mapped onto the fault fractions; part of the seeded
# behaviour, so changing it changes which attempts fail.
FAULT_KINDS: tuple[FaultKind, ...] = (
    "rate_limit", "server_error", "timeout", "malformed", "content_filter",
)


@dataclass(frozen=True, slots=True)
class SimConfig:
    """How the simulated server answers, refuses and fails.

    Fractions are per request (per attempt, for faults). ``refusal_by_prompt`` maps substrings of
    the prompt text (case-insensitive, first match wins) to a refusal rate that replaces
    ``refusal_rate`` for those prompts, e.g. ``(("annotation", 0.3),)``.

    Args:
        latency_ms: The simulated response time of every answer (and 500), in milliseconds;
            scoring a new image counts toward it.
        refusal_rate: Base probability of a refusal; 0 turns every refusal off.
        fault_429: Fraction of attempts answered 429 with ``Retry-After: retry_after_s``.
        fault_500: Fraction of attempts answered 500.
        fault_timeout: Fraction of attempts that stall ``timeout_s`` and close unanswered.
        fault_malformed: Fraction of attempts answered 200 with a truncated JSON body.
        fault_content_filter: Fraction of attempts answered ``finish_reason: content_filter``.
        seed: Seed of every random choice the server makes.
        retry_after_s: The ``Retry-After`` value of a 429, in seconds.
        timeout_s: How long a timeout fault stalls before closing the connection.
        refusal_by_prompt: ``(substring, rate)`` pairs that set the refusal rate per prompt.

    """

    latency_ms: float = 0.0
    refusal_rate: float = 0.05
    fault_429: float = 0.0
    fault_500: float = 0.0
    fault_timeout: float = 0.0
    fault_malformed: float = 0.0
    fault_content_filter: float = 0.0
    seed: int = 0
    retry_after_s: float = 1.0
    timeout_s: float = 30.0
    refusal_by_prompt: tuple[tuple[str, float], ...] = ()

    def __post_init__(self) -> None:
        for field in fields(self):
            value = getattr(self, field.name)
            if field.name in ("seed", "refusal_by_prompt"):
                continue
            if isinstance(value, bool) or not isinstance(value, int | float):
                raise ConfigError(f"SimConfig.{field.name} must be a number, got {value!r}")
            if not math.isfinite(value) or value < 0:
                raise ConfigError(
                    f"SimConfig.{field.name} must be a finite number >= 0, got {value!r}"
                )
        for name in ("refusal_rate", *(f"fault_{kind}" for kind in _FLAG_NAMES)):
            _check_fraction(f"SimConfig.{name}", getattr(self, name))
        total = sum(rate for _, rate in self.fault_rates)
        if total > 1 + 1e-9:
            raise ConfigError(f"the fault fractions add up to {total:g}; they must be at most 1")
        if self.timeout_s <= 0:
            raise ConfigError(f"SimConfig.timeout_s must be positive, got {self.timeout_s!r}")
        if isinstance(self.seed, bool) or not isinstance(self.seed, int):
            raise ConfigError(f"SimConfig.seed must be an integer, got {self.seed!r}")
        # Accept any iterable of pairs (a list from TOML or JSON) but store a hashable tuple.
        object.__setattr__(self, "refusal_by_prompt", _pairs(self.refusal_by_prompt))

    @property
    def fault_rates(self) -> tuple[tuple[FaultKind, float], ...]:
        """Each fault kind with its fraction, in ``FAULT_KINDS`` order."""
        return tuple(
            (kind, float(getattr(self, f"fault_{flag}")))
            for kind, flag in zip(FAULT_KINDS, _FLAG_NAMES, strict=True)
        )


# The flag spelling of each fault kind (``--fault-429`` is ``rate_limit``).
_FLAG_NAMES = ("429", "500", "timeout", "malformed", "content_filter")


def _check_fraction(name: str, value: float) -> None:
    if not 0 <= value <= 1:
        raise ConfigError(f"{name} must be a fraction between 0 and 1, got {value!r}")


def _pairs(value: Iterable[tuple[str, float]]) -> tuple[tuple[str, float], ...]:
    pairs: list[tuple[str, float]] = []
    for entry in value:
        try:
            substring, rate = entry
        except (TypeError, ValueError):
            raise ConfigError(
                f"SimConfig.refusal_by_prompt entries must be (substring, rate), got {entry!r}"
            ) from None
        if not isinstance(substring, str) or not substring:
            raise ConfigError(
                "SimConfig.refusal_by_prompt: a substring must be non-empty text, "
                f"got {substring!r}"
            )
        if isinstance(rate, bool) or not isinstance(rate, int | float):
            raise ConfigError(f"SimConfig.refusal_by_prompt[{substring!r}]: rate {rate!r}")
        _check_fraction(f"SimConfig.refusal_by_prompt[{substring!r}]", rate)
        pairs.append((substring, float(rate)))
    return tuple(pairs)

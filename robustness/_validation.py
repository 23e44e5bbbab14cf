"""Range checks of every numeric run option, made before anything is loaded, started or sent.

One function per options value (``check_run_options``, ``check_model_settings``), so the CLI, the
A/B command, the pytest plugin and the Python API refuse the same values with the same message,
which names the flag and quotes the value. A bad value is an error, never clamped or ignored.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

from ._exceptions import ConfigError
from ._input_modes import INPUT_MODES

if TYPE_CHECKING:
    from ._api import RunOptions
    from ._models import ModelSettings

__all__ = ["check_model_settings", "check_run_options"]

_DETAILS = ("low", "high", "auto")


def _integer(flag: str, value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise ConfigError(f"{flag} must be an integer, got {value!r}")
    return value


def _number(flag: str, value: object) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise ConfigError(f"{flag} must be a finite number, got {value!r}")
    return float(value)


def _at_least(flag: str, value: object, low: int) -> None:
    if _integer(flag, value) < low:
        raise ConfigError(f"{flag} must be at least {low}, got {value!r}")


def check_model_settings(settings: ModelSettings) -> None:
    """Raise ``ConfigError`` on the first model option out of range (before any model starts)."""
    _at_least("--concurrency", settings.concurrency, 1)
    _at_least("--max-tokens", settings.max_tokens, 1)
    _at_least("max_attempts", settings.max_attempts, 1)
    if _number("--timeout", settings.timeout_s) <= 0:
        raise ConfigError(f"--timeout must be more than 0 seconds, got {settings.timeout_s!r}")
    if not 0 <= _number("--temperature", settings.temperature) <= 2:
        raise ConfigError(f"--temperature must be within 0-2, got {settings.temperature!r}")
    if settings.seed is not None:
        _integer("seed", settings.seed)
    if settings.detail not in _DETAILS:
        raise ConfigError(f"--detail must be low, high or auto, got {settings.detail!r}")
    if settings.input_mode is not None and settings.input_mode not in INPUT_MODES:
        raise ConfigError(
            f"--input-mode must be one of {', '.join(INPUT_MODES)}, got {settings.input_mode!r}"
        )


def check_run_options(options: RunOptions) -> None:
    """Raise ``ConfigError`` on the first run option out of range; models included."""
    if options.limit is not None:
        _at_least("--limit", options.limit, 1)
    _at_least("--repeats", options.repeats, 1)
    _at_least("--replicates", options.replicates, 1)
    _integer("--seed", options.seed)
    if options.max_requests is not None and _integer("--max-requests", options.max_requests) < 0:
        raise ConfigError(f"--max-requests must be 0 or more, got {options.max_requests!r}")
    if _number("--face-margin", options.face_margin) < 0:
        raise ConfigError(f"--face-margin must be 0 or more, got {options.face_margin!r}")
    if options.workers is not None:
        _at_least("--workers", options.workers, 1)
    check_model_settings(options.model_settings)

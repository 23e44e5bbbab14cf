"""Shared pieces of the command modules: the consoles, the user-error seam, list parsing."""

from __future__ import annotations

import functools
import sys
from collections.abc import Callable
from typing import Any, TypeVar

import click
from rich.console import Console

from .._exceptions import ConfigError, RobustnessError

__all__ = ["names_option", "out", "progress_console", "severities_option", "user_errors"]

F = TypeVar("F", bound=Callable[..., Any])
progress_console = Console(stderr=True)
out = Console()


def user_errors(command: F) -> F:
    """Turn the suite's errors into one line on stderr and exit code 2, never a traceback."""

    @functools.wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return command(*args, **kwargs)
        except RobustnessError as exc:
            click.echo(f"error: {exc}", err=True)
            sys.exit(2)

    return wrapper  # type: ignore[return-value]


def names_option(value: str | None, *, all_names: tuple[str, ...]) -> tuple[str, ...]:
    """A comma-separated list of names, or every name for ``all``."""
    if value is None or value.strip() == "all":
        return all_names
    return tuple(name.strip() for name in value.split(",") if name.strip())


def severities_option(value: str) -> tuple[int, ...]:
    """Comma-separated integers; range checks happen in the API."""
    try:
        return tuple(int(part) for part in value.split(",") if part.strip())
    except ValueError:
        raise ConfigError(
            f"--severities: expected comma-separated integers 1-5, got {value!r}"
        ) from None

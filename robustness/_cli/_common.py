"""Shared pieces of the command modules: the consoles, the user-error seam, list parsing.

User errors, whether the suite's (``RobustnessError``) or click's (a bad flag value, an unknown
option), print one redacted line starting with ``error:`` and exit with code 2; the suite's
warnings print one line starting with ``warning:``.
"""

from __future__ import annotations

import functools
import os
import sys
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import IO, Any, TextIO, TypeVar

import click
from rich.console import Console

from .._exceptions import RobustnessError, RobustnessWarning
from .._run_options import names_option, severities_option
from .._secrets import redact

__all__ = [
    "OUTPUT_FILE",
    "OneLineErrorGroup",
    "names_option",
    "out",
    "output_path_problem",
    "progress_console",
    "severities_option",
    "user_errors",
]

F = TypeVar("F", bound=Callable[..., Any])
progress_console = Console(stderr=True)
out = Console()


class _OneLineError(click.ClickException):
    exit_code = 2

    def show(self, file: IO[Any] | None = None) -> None:
        click.echo(f"error: {redact(self.format_message())}", err=True)


class OneLineErrorGroup(click.Group):
    """A command group whose usage errors are one line and exit code 2, like the suite's own."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except click.UsageError as exc:
            raise _OneLineError(exc.format_message()) from None


def user_errors(command: F) -> F:
    """Turn the suite's errors into one line on stderr and exit code 2, never a traceback."""

    @functools.wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        with warnings.catch_warnings():
            shown = warnings.showwarning

            def show(message: Warning | str, category: type[Warning], filename: str,
                     lineno: int, file: TextIO | None = None, line: str | None = None) -> None:
                if issubclass(category, RobustnessWarning):
                    click.echo(f"warning: {redact(str(message))}", err=True)
                else:
                    shown(message, category, filename, lineno, file, line)

            warnings.showwarning = show
            try:
                return command(*args, **kwargs)
            except RobustnessError as exc:
                click.echo(f"error: {redact(str(exc))}", err=True)
                sys.exit(2)

    # Ignored below: functools.wraps returns a plain callable; the wrapper keeps F's signature.
    return wrapper  # type: ignore[return-value]


def output_path_problem(path: Path) -> str | None:
    """Why a file cannot be written at ``path`` (checked before a run starts), or None."""
    if path.is_dir():
        return f"{path} is a folder; name a file"
    if path.exists():
        return None if os.access(path, os.W_OK) else f"{path} is not writable"
    ancestor = path.parent
    while not ancestor.exists() and ancestor != ancestor.parent:
        ancestor = ancestor.parent
    if not ancestor.is_dir():
        return f"{ancestor} is not a folder, so {path} cannot be created"
    if not os.access(ancestor, os.W_OK | os.X_OK):
        return f"cannot create {path}: {ancestor} is not writable"
    return None


class _OutputFile(click.ParamType):  # type: ignore[type-arg]  # generic in newer click
    """A path a command will write: refused at parse time, before any work, when it cannot be."""

    name = "file"

    def convert(self, value: Any, param: click.Parameter | None,
                ctx: click.Context | None) -> Path:
        path = Path(value)
        problem = output_path_problem(path)
        if problem is not None:
            self.fail(problem, param, ctx)
        return path


OUTPUT_FILE = _OutputFile()

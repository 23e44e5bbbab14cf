"""Option groups shared by the commands that run models (``run``, ``ab``).

Options the pytest plugin has too are defined once in ``robustness._run_options``;
``click_option`` turns one into a click option.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from .._models import ModelSettings
from .._run_options import BASE_URL, MODELS, PROMPTS, REPEATS, SLICE_BY, RunOption

__all__ = [
    "analysis_options",
    "analysis_settings",
    "click_option",
    "input_modes",
    "judge_option",
    "model_options",
    "model_settings",
]


def click_option(option: RunOption, **overrides: Any) -> Callable[[Any], Any]:
    """The click option for a shared run option; ``overrides`` replace its settings."""
    settings: dict[str, Any] = {
        "default": option.default, "help": option.help, "type": option.type,
        "multiple": option.multiple, "show_default": option.default not in (None, ()),
    }
    settings.update(overrides)
    return click.option(option.flag, option.dest, **settings)


def model_options(command: Callable[..., Any]) -> Callable[..., Any]:
    """Add the model and MLLM-request options to a click command."""
    options = [
        click_option(MODELS),
        click_option(PROMPTS),
        click.option("--prompts-file", type=click.Path(path_type=Path, exists=True, dir_okay=False),
                     default=None,
                     help="TOML file with your own prompt variants."),
        click_option(REPEATS),
        click_option(BASE_URL),
        click.option("--model-name", default=None,
                     help="Served model name, overriding the preset's."),
        click.option("--input-mode", "input_mode", default=None, metavar="MODES",
                     help="Crops to ask each model with, comma-separated: body (the study's "
                          "choice for MLLMs), face, full (the frame), face+body (MiVOLO). "
                          "Several make input mode a condition. Default: each model's own."),
        click.option("--concurrency", default=32, show_default=True, type=int,
                     help="MLLM requests in flight."),
        click.option("--detail", type=click.Choice(["low", "high", "auto"]), default="high",
                     show_default=True, help="Image detail sent to OpenAI-style endpoints."),
        click.option("--temperature", default=0.0, show_default=True, type=float,
                     help="MLLM sampling temperature."),
        click.option("--top-p", "top_p", default=None, type=float,
                     help="MLLM nucleus sampling cutoff (0-1]. Default: the endpoint's."),
        click.option("--max-tokens", default=300, show_default=True, type=int,
                     help="Cap on each MLLM answer's tokens."),
        click.option("--timeout", "timeout_s", default=60.0, show_default=True, type=float,
                     help="Seconds before one MLLM request is abandoned and retried."),
        click.option("--dtype", type=click.Choice(["auto", "bfloat16", "float16", "float32"]),
                     default="auto", show_default=True,
                     help="Weights of local models (mivolo-v2, transformers:...): auto is the "
                          "checkpoint's dtype on a GPU and float32 on the CPU."),
    ]
    for option in reversed(options):
        command = option(command)
    return command


def model_settings(kwargs: dict[str, Any]) -> ModelSettings:
    """Pop the model options out of a command's keyword arguments."""
    return ModelSettings(
        base_url=",".join(kwargs.pop("base_url")) or None, model_name=kwargs.pop("model_name"),
        concurrency=kwargs.pop("concurrency"),
        detail=kwargs.pop("detail"), temperature=kwargs.pop("temperature"),
        top_p=kwargs.pop("top_p"),
        max_tokens=kwargs.pop("max_tokens"), timeout_s=kwargs.pop("timeout_s"),
        dtype=kwargs.pop("dtype"),
    )


def input_modes(kwargs: dict[str, Any]) -> tuple[str, ...]:
    """Pop ``--input-mode`` as a tuple of modes (a plan dimension, ``RunOptions.input_modes``)."""
    from .._input_modes import parse_input_modes

    return parse_input_modes(kwargs.pop("input_mode"))


def judge_option(command: Callable[..., Any]) -> Callable[..., Any]:
    """Add ``--judge MODEL``: it reads the answers the parser's rules leave in doubt."""
    return click.option(
        "--judge", default=None, metavar="MODEL",
        help="A model (usually OpenAI-compatible: openai:<model>, chatgpt4v, llava, sim-mllm) "
             "asked, text only at temperature 0, to read the answers the rules leave "
             "unparseable or ambiguous; reached like --model (--base-url). Default: none.",
    )(command)


def analysis_options(command: Callable[..., Any]) -> Callable[..., Any]:
    """Add the slice and price options (analysis only: they never change what is asked)."""
    options = [
        click_option(SLICE_BY, metavar=SLICE_BY.metavar),
        click.option("--price", "prices", multiple=True, metavar="MODEL=IN/OUT",
                     help="Price per 1M input/output tokens, for cost per 1,000 predictions; "
                          "overrides [tool.robustness.prices] in pyproject.toml."),
    ]
    for option in reversed(options):
        command = option(command)
    return command


def analysis_settings(kwargs: dict[str, Any]) -> dict[str, Any]:
    """Pop the analysis options: ``slice_by`` and ``prices`` (pyproject.toml, then flags)."""
    from .._cost import load_prices, parse_price
    from .._project import find_pyproject

    prices = load_prices(find_pyproject(Path.cwd()))
    prices.update(parse_price(value) for value in kwargs.pop("prices"))
    return {"slice_by": tuple(dict.fromkeys(kwargs.pop("slice_by"))),
            "prices": tuple(prices.items())}

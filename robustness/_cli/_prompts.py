"""``robustness prompts`` lists the prompt variants; ``robustness parse`` shows how answers read.

``parse`` takes the answer as its argument — all of it, also when it starts with "-" (``parse
"- male, 30"``), after ``--``, or from stdin with ``-`` — and reads it as an answer to the prompt
``--prompt ID`` (a variant, which declares what it asks) or ``--prompt-text TEXT`` (whose words
say what it asks); without either, age and gender are both asked.

``parse --jsonl`` reads a stream of concatenated JSON objects (one per line, or pretty-printed over
several), each with ``text`` and optionally ``refusal``, ``finish_reason``, ``prompt`` (the
question's text) or ``asks`` (a list of fields), and writes one compact JSON object per input, so
a user can check the parser on their own model's answers before a paid run.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from dataclasses import asdict
from pathlib import Path
from typing import Any

import click
from rich.markup import escape
from rich.table import Table

import prompts

from .._exceptions import ConfigError
from ._common import out, user_errors

__all__ = ["parse_command", "prompts_command"]

NOT_PUBLIC = "The study's exact prompt is not public: these variants are this suite's own."
_FIELDS = ("age", "age_low", "age_high", "gender", "outcome", "refusal_kind", "asks")
_OPTIONAL_KEYS = ("refusal", "finish_reason", "prompt")


@click.command("prompts")
@click.option("--file", "extra", type=click.Path(path_type=Path, dir_okay=False), default=None,
              metavar="EXTRA.toml",
              help="Also load this TOML file's variants (they add to or replace built-ins).")
@click.option("--text", "show_text", is_flag=True, help="Also print each variant's full text.")
@user_errors
def prompts_command(extra: Path | None, show_text: bool) -> None:
    """List the prompt variants MLLMs are asked with."""
    try:
        variants = prompts.load_variants(extra)
    except ValueError as exc:
        raise ConfigError(str(exc)) from None
    table = Table(title="prompt variants", caption=NOT_PUBLIC)
    for column in ("id", "format", "language", "purpose"):
        table.add_column(column)
    for variant in variants.values():
        table.add_row(*(escape(value) for value in (
            variant.id, variant.answer_format, variant.language, variant.purpose
        )))
    out.print(table)
    if show_text:
        for variant in variants.values():
            out.print(f"\n[bold]{escape(variant.id)}[/bold]")
            if variant.system:
                out.print(f"  system: {escape(variant.system)}")
            out.print(f"  user: {escape(variant.user)}")


@click.command("parse", context_settings={"ignore_unknown_options": True})
@click.argument("text", nargs=-1, type=click.UNPROCESSED)
@click.option("--jsonl", "source", metavar="FILE|-", default=None,
              help="Parse a stream of JSON objects with a 'text' field (and optionally "
                   "'refusal', 'finish_reason', 'prompt', 'asks'); '-' reads stdin.")
@click.option("--refusal", default=None, help="The API's refusal field, with TEXT.")
@click.option("--finish-reason", default=None, help="The API's finish reason, with TEXT.")
@click.option("--prompt", "prompt_id", metavar="ID", default=None,
              help="Parse as an answer to this prompt variant (what it asks).")
@click.option("--prompt-text", default=None, metavar="TEXT",
              help="Parse as an answer to this question (what it asks is read from its words).")
@click.option("--file", "extra", type=click.Path(path_type=Path, dir_okay=False), default=None,
              metavar="EXTRA.toml", help="Prompt variants file for --prompt.")
@user_errors
def parse_command(text: tuple[str, ...], source: str | None, refusal: str | None,
                  finish_reason: str | None, prompt_id: str | None, prompt_text: str | None,
                  extra: Path | None) -> None:
    """Show how an MLLM answer TEXT is read: age, gender, outcome, refusal kind.

    TEXT may start with "-" ("- male, 30"); "-" alone reads the answer from stdin.
    """
    answer = None if not text else (sys.stdin.read() if text == ("-",) else " ".join(text))
    if answer is not None and source is not None:
        raise ConfigError("give an answer TEXT or --jsonl, not both")
    asks = _asks_for(prompt_id, prompt_text, extra)
    if source is None:
        if answer is None:
            raise ConfigError("nothing to parse: give an answer TEXT ('-' for stdin), or "
                              "--jsonl FILE ('-' for stdin)")
        parsed = prompts.parse_answer(answer, refusal=refusal, finish_reason=finish_reason,
                                      asks=asks)
        for field, value in asdict(parsed).items():
            click.echo(f"{field + ':':<14}{_show(value)}")
        return
    if refusal is not None or finish_reason is not None:
        raise ConfigError("--refusal and --finish-reason go with TEXT; with --jsonl give them "
                          "as keys of each object")
    name = "stdin" if source == "-" else source
    records = list(_records(_read(source), name))
    for index, record in enumerate(records):
        parsed = prompts.parse_answer(
            record["text"], refusal=record.get("refusal"),
            finish_reason=record.get("finish_reason"),
            asks=record.get("asks", asks), prompt=record.get("prompt"),
        )
        row = {"index": index} | {field: getattr(parsed, field) for field in _FIELDS}
        click.echo(json.dumps(row, ensure_ascii=False, separators=(",", ":")))


def _asks_for(prompt_id: str | None, prompt_text: str | None,
              extra: Path | None) -> tuple[prompts.Field, ...] | None:
    """What the prompt named by the options asks; ``None`` when none is named."""
    if prompt_id is not None and prompt_text is not None:
        raise ConfigError("give --prompt ID or --prompt-text TEXT, not both")
    if prompt_text is not None:
        return prompts.infer_asks(prompt_text)
    if prompt_id is None:
        return None
    try:
        return prompts.get_variant(prompt_id, extra=extra).asks
    except ValueError as exc:
        raise ConfigError(f"--prompt: {exc}") from None


def _show(value: object) -> str:
    if value is None:
        return "-"
    if isinstance(value, tuple):
        return ", ".join(map(str, value))
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


def _read(source: str) -> str:
    if source == "-":
        return sys.stdin.read()
    try:
        return Path(source).read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConfigError(f"--jsonl: no such file {source!r}") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"--jsonl: cannot read {source!r}: {exc}") from None


def _records(content: str, name: str) -> Iterator[dict[str, Any]]:
    """Each JSON value of ``content`` in turn, checked; whitespace between values is skipped."""
    decoder = json.JSONDecoder()
    position, index = 0, 0
    while True:
        while position < len(content) and content[position].isspace():
            position += 1
        if position >= len(content):
            return
        where = f"{name}: object at index {index} ({_line_column(content, position)})"
        try:
            value, position = decoder.raw_decode(content, position)
        except json.JSONDecodeError as exc:
            raise ConfigError(f"{where}: malformed JSON at line {exc.lineno}, column "
                              f"{exc.colno}: {exc.msg}") from None
        except RecursionError:
            raise ConfigError(f"{where}: JSON nested too deeply") from None
        yield _checked(value, where)
        index += 1


def _checked(value: Any, where: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise ConfigError(f"{where}: expected a JSON object with a 'text' field, got "
                          f"{type(value).__name__} {_short(value)}")
    if "text" not in value:
        raise ConfigError(f"{where}: missing key 'text' in {_short(value)}")
    for key in ("text", *_OPTIONAL_KEYS):
        if value.get(key) is not None and not isinstance(value[key], str):
            raise ConfigError(f"{where}: key {key!r} must be a string or null, got "
                              f"{_short(value[key])}")
    asks = value.pop("asks", None)
    if asks is not None:
        if not isinstance(asks, str | list):
            raise ConfigError(f"{where}: key 'asks' must be a list of field names or null, "
                              f"got {_short(asks)}")
        try:  # the parser's own check of the field names, quoting the bad value
            value["asks"] = prompts.parse_answer(None, asks=asks).asks
        except (ValueError, TypeError) as exc:
            raise ConfigError(f"{where}: key 'asks': {exc}") from None
    return value


def _line_column(content: str, position: int) -> str:
    line = content.count("\n", 0, position) + 1
    column = position - (content.rfind("\n", 0, position) + 1) + 1
    return f"line {line}, column {column}"


def _short(value: Any) -> str:
    text = json.dumps(value, ensure_ascii=False)
    return text if len(text) <= 60 else text[:57] + "..."

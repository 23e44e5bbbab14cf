"""``robustness reparse``: read every stored MLLM answer again with the current parser.

Zero model calls: the raw text in the store is the record, parses are derived from it. Prints how
many parses were read and how many outcomes, ages and genders changed.
"""

from __future__ import annotations

import json
from dataclasses import asdict
from pathlib import Path

import click

from .._exceptions import ConfigError
from .._reparse import reparse
from .._store import Store
from ._common import out, user_errors

__all__ = ["reparse_command"]


@click.command("reparse")
@click.option("--store", "store_path", type=click.Path(path_type=Path, dir_okay=False),
              required=True, help="SQLite result store to update in place.")
@click.option("--run", "run_id", default=None,
              help="Only the answers this run's items point to. Default: every answer.")
@click.option("--json", "as_json", is_flag=True, help="Print the counts as one JSON object.")
@user_errors
def reparse_command(store_path: Path, run_id: str | None, as_json: bool) -> None:
    """Re-derive every stored parse from its raw text with the current parser (no model calls)."""
    if not store_path.is_file():
        raise ConfigError(f"--store: no such store {str(store_path)!r}")
    with Store(store_path) as store:
        result = reparse(store, run_id=run_id)
    if as_json:
        click.echo(json.dumps(asdict(result) | {"model_calls": 0}, sort_keys=True))
        return
    out.print(
        f"reparsed {result.parsed} answers with parser version {result.parser_version} "
        f"(0 model calls): {result.changed} changed — outcomes {result.outcomes_changed}, "
        f"ages {result.ages_changed}, genders {result.genders_changed}"
        + (f"; {result.judged} read by a judge (its stored verdicts)" if result.judged else ""),
        soft_wrap=True, markup=False, highlight=False,
    )

"""Versioned parses: a store written by an older parser is re-read from its raw text, at no cost.

A real run against the simulated server writes the store; the test then turns it into what an
older suite would have left — no ``asks``/``parser_version`` columns, and two answers read
differently (as "unparseable") — and checks that ``robustness reparse`` and a rerun restore the
current reading with zero model calls, changing the summary exactly where the parses changed.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from prompts import PARSER_VERSION
from robustness import ModelSettings, RunOptions, Store, reparse, run_evaluation, summarize
from robustness._cli import cli
from robustness._simserver import SimConfig, SimServer


@pytest.fixture
def server() -> Iterator[SimServer]:
    with SimServer(SimConfig(refusal_rate=0.0)) as running:
        running.warm_up()
        yield running


def _options(london: Path, tmp_path: Path, server: SimServer) -> RunOptions:
    settings = ModelSettings(base_url=server.base_url, concurrency=8, timeout_s=5.0)
    return RunOptions(data=london, models=("llava",), perturbations=("jpeg",), severities=(3,),
                      prompts=("baseline",), limit=6, store=tmp_path / "r.sqlite",
                      model_settings=settings)


def _as_older_parser_left_it(store: Path, keys: list[str]) -> None:
    """Drop the provenance columns and give ``keys`` an older parser's (worse) reading."""
    db = sqlite3.connect(store)
    db.executemany("UPDATE predictions SET outcome = 'unparseable', age = NULL, age_low = NULL, "
                   "age_high = NULL, gender = NULL, refusal_kind = NULL WHERE request_key = ?",
                   [(key,) for key in keys])
    db.execute("ALTER TABLE predictions DROP COLUMN asks")
    db.execute("ALTER TABLE predictions DROP COLUMN parser_version")
    db.commit()
    db.close()


def _results(store: Path, run_id: str) -> list[object]:
    with Store(store) as opened:
        return opened.item_results(run_id)  # type: ignore[return-value]


def test_reparse_updates_an_older_store_with_zero_model_calls(
    london: Path, tmp_path: Path, server: SimServer
) -> None:
    options = _options(london, tmp_path, server)
    run = run_evaluation(options)
    assert run.summary["run"]["parser_versions"] == [PARSER_VERSION]
    current = _results(options.store, run.run_id)
    db = sqlite3.connect(options.store)
    stamped = db.execute("SELECT DISTINCT asks, parser_version FROM predictions").fetchall()
    keys = [row[0] for row in db.execute("SELECT request_key FROM items WHERE run_id = ? "
                                         "ORDER BY position", (run.run_id,))]
    db.close()
    assert stamped == [("age,gender", PARSER_VERSION)]
    changed = [keys[1], keys[4]]
    _as_older_parser_left_it(options.store, changed)

    older = _results(options.store, run.run_id)
    differing = [i for i, (a, b) in enumerate(zip(current, older, strict=True)) if a != b]
    assert differing == [1, 4]
    requests = server.stats.requests
    result = CliRunner().invoke(cli, ["reparse", "--store", str(options.store), "--run",
                                      run.run_id, "--json"])
    assert result.exit_code == 0, result.output
    counts = json.loads(result.output)
    assert counts == {"parser_version": PARSER_VERSION, "parsed": len(keys), "changed": 2,
                      "outcomes_changed": 2, "ages_changed": 2, "genders_changed": 2,
                      "judged": 0, "model_calls": 0}
    assert server.stats.requests == requests  # nothing was asked of the model
    assert _results(options.store, run.run_id) == current
    before = summarize(older, seed=0, n_boot=50)  # type: ignore[arg-type]
    after = summarize(current, seed=0, n_boot=50)  # type: ignore[arg-type]
    assert before != after and before["llava"]["clean"]["coverage"] < 1
    assert summarize(_results(options.store, run.run_id), seed=0, n_boot=50) == after  # type: ignore[arg-type]

    with Store(options.store) as store:
        again = reparse(store, run_id=run.run_id)
    assert (again.parsed, again.changed) == (len(keys), 0)  # idempotent


def test_a_rerun_after_a_parser_upgrade_reads_every_parse_with_the_current_version(
    london: Path, tmp_path: Path, server: SimServer
) -> None:
    options = _options(london, tmp_path, server)
    first = run_evaluation(options)
    db = sqlite3.connect(options.store)
    keys = [row[0] for row in db.execute("SELECT request_key FROM items")]
    db.close()
    _as_older_parser_left_it(options.store, keys[:3])
    again = run_evaluation(options)
    assert again.stats.model_calls == 0
    assert again.summary["run"]["parser_versions"] == [PARSER_VERSION]
    assert again.summary["models"] == first.summary["models"]


def test_reparse_usage_errors(tmp_path: Path) -> None:
    runner = CliRunner()
    missing = runner.invoke(cli, ["reparse", "--store", str(tmp_path / "none.sqlite")])
    assert missing.exit_code == 2 and "no such store" in missing.output
    with Store(tmp_path / "empty.sqlite"):
        pass
    unknown = runner.invoke(cli, ["reparse", "--store", str(tmp_path / "empty.sqlite"),
                                  "--run", "nope"])
    assert unknown.exit_code == 2 and "no run 'nope'" in unknown.output
    empty = runner.invoke(cli, ["reparse", "--store", str(tmp_path / "empty.sqlite")])
    assert empty.exit_code == 0 and "reparsed 0 answers" in empty.output
    assert "0 model calls" in empty.output

"""Faults one request at a time: each is retried, nothing is lost, nothing is paid twice.

Every test reads the server's own log: which request bodies got a usable answer, how often.
"""

from __future__ import annotations

import sqlite3
import threading
import time
from pathlib import Path

import pytest
from faultserver import always_ok
from reliability_runs import Serve, assert_exact, ledger, run_here

from robustness import ModelError

PLANNED = 6


@pytest.mark.parametrize("fault", [
    "429", "500", "502", "hang", "reset", "malformed", "truncated", "empty", "null",
])
def test_a_fault_on_the_first_attempt_is_retried_once(
    fault: str, serve: Serve, london: Path, tmp_path: Path
) -> None:
    server = serve(lambda number, attempt: fault if attempt == 0 else "ok", hang_s=3.0)
    store = tmp_path / "r.sqlite"
    result = run_here(london, store, server)
    assert result.stats.model_calls == PLANNED and result.stats.model_errors == 0
    assert server.actions() == {fault: PLANNED, "ok": PLANNED}
    assert_exact(store, server, PLANNED, label=f"{fault} on every first attempt")


def test_a_truncated_answer_is_kept_and_flagged(
    serve: Serve, london: Path, tmp_path: Path
) -> None:
    server = serve(lambda number, attempt: "length")
    store = tmp_path / "r.sqlite"
    run_here(london, store, server)
    rows = sqlite3.connect(store).execute(
        "SELECT finish_reason, truncated, raw_text FROM predictions").fetchall()
    assert len(rows) == PLANNED
    assert all(row[:2] == ("length", 1) and row[2] == "The person looks about" for row in rows)
    assert server.answered().total() == PLANNED


def test_no_usable_choice_is_never_cached(serve: Serve, london: Path, tmp_path: Path) -> None:
    store = tmp_path / "r.sqlite"
    empty = serve(lambda number, attempt: "empty")
    failed = run_here(london, store, empty, max_attempts=2)
    assert failed.stats.model_errors == PLANNED and ledger(store)[3] == 0
    assert empty.actions() == {"empty": 2 * PLANNED}
    empty.stop()
    fixed = serve(port=empty.port)  # the same endpoint, mended
    again = run_here(london, store, fixed, max_attempts=2)
    assert again.stats.model_calls == PLANNED and again.stats.model_errors == 0
    assert_exact(store, fixed, PLANNED, label="empty choices on every attempt, then mended",
                 note=f"; first run: {PLANNED} model errors, 0 cached")


def test_401_after_successes_keeps_every_paid_answer(
    serve: Serve, london: Path, tmp_path: Path
) -> None:
    store = tmp_path / "r.sqlite"
    flaky = serve(lambda number, attempt: "ok" if number < 5 else "401")
    with pytest.raises(ModelError, match="401"):
        run_here(london, store, flaky, limit=12, concurrency=2)
    paid = flaky.answered()
    assert paid.total() == 5 and ledger(store)[3] == 5  # every answer before the 401 stored
    flaky.stop()
    fixed = serve(port=flaky.port)  # the same endpoint, with a good key
    run_here(london, store, fixed, limit=12, concurrency=2)
    assert not set(paid) & set(fixed.answered()), "answers stored before the 401 were re-sent"
    assert fixed.answered().total() == 12 - 5
    items, distinct, errors, _ = ledger(store)
    assert (items, distinct, errors) == (12, 12, 0)
    print(f"\nmatrix: 401 after 5 answers, then a good key: 12 planned, {items} stored, "
          f"{paid.total()} paid before the 401 and kept, 0 of them paid again")


def test_server_killed_and_restarted_mid_run(serve: Serve, london: Path, tmp_path: Path) -> None:
    store = tmp_path / "r.sqlite"
    server = serve(always_ok, latency_s=0.05)
    outcome: dict[str, object] = {}
    runner = threading.Thread(target=lambda: outcome.update(
        result=run_here(london, store, server, limit=10, concurrency=2, max_attempts=8)))
    runner.start()
    deadline = time.monotonic() + 30
    while server.answered().total() < 3 and time.monotonic() < deadline:
        time.sleep(0.02)
    server.stop()  # connections refused from here on
    time.sleep(1.0)
    server.start()  # same port, same log
    runner.join(60)
    assert "result" in outcome, "the run did not finish after the server came back"
    assert_exact(store, server, 10, label="server stopped for 1 s mid-run, restarted")

"""Schema upgrade, group commits and claims: the store's side of durability and sharing."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from robustness._claims import Claims
from robustness._commit import Answer, GroupCommitter
from robustness._exceptions import StoreError
from robustness._store import SCHEMA_VERSION, ItemRecord, Store
from robustness._types import Prediction

VERSION_1 = """
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE runs (id TEXT PRIMARY KEY, created REAL NOT NULL, updated REAL NOT NULL,
    config TEXT NOT NULL);
CREATE TABLE predictions (
    request_key TEXT PRIMARY KEY, model TEXT NOT NULL, fingerprint TEXT NOT NULL,
    outcome TEXT NOT NULL, age REAL, gender TEXT, gender_confidence REAL, refusal_kind TEXT,
    raw_text TEXT, latency_ms REAL, age_low REAL, age_high REAL, tokens_in INTEGER,
    tokens_out INTEGER, finish_reason TEXT, system_fingerprint TEXT, created REAL NOT NULL);
CREATE TABLE items (
    run_id TEXT NOT NULL, model TEXT NOT NULL, prompt TEXT NOT NULL, sample_id TEXT NOT NULL,
    perturbation TEXT NOT NULL, severity INTEGER NOT NULL, replicate INTEGER NOT NULL,
    repeat INTEGER NOT NULL, request_key TEXT, image_sha256 TEXT, error TEXT,
    age_true REAL, age_low REAL, age_high REAL, gender_true TEXT, subject_id TEXT,
    image_path TEXT, simulated INTEGER NOT NULL DEFAULT 0, position INTEGER NOT NULL,
    updated REAL NOT NULL,
    PRIMARY KEY (run_id, model, prompt, sample_id, perturbation, severity, replicate, repeat));
INSERT INTO meta VALUES ('schema_version', '1');
INSERT INTO runs VALUES ('old', 0, 0, '{}');
INSERT INTO predictions (request_key, model, fingerprint, outcome, age, gender, created)
    VALUES ('k1', 'm', 'fp', 'answer', 41.0, 'male', 0);
INSERT INTO items VALUES ('old', 'm', '', 's1', 'none', 0, 0, 0, 'k1', 'sha', NULL, 40.0, NULL,
    NULL, 'male', NULL, '/x.jpg', 0, 0, 0);
"""


def _item(sample: str, key: str) -> ItemRecord:
    return ItemRecord(
        model="m", prompt="", sample_id=sample, perturbation="none", severity=0, replicate=0,
        repeat=0, request_key=key, image_sha256="sha", error=None, age_true=30.0, age_low=None,
        age_high=None, gender_true="male", subject_id=None, image_path="/x.jpg", position=0,
    )


def test_a_version_1_store_is_upgraded_and_still_read(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite"
    db = sqlite3.connect(path)
    db.executescript(VERSION_1)
    db.close()
    with Store(path) as store:
        (row,) = store.item_rows("old")
        assert row["age"] == 41.0 and row["outcome"] == "answer" and row["error_kind"] is None
        assert store.cached(["k1"])["k1"].truncated is False
        version = store._db.execute(
            "SELECT value FROM meta WHERE key = 'schema_version'").fetchone()[0]
        assert int(version) == SCHEMA_VERSION
    sqlite3.connect(path).execute("UPDATE meta SET value = ? WHERE key = 'schema_version'",
                                  (str(SCHEMA_VERSION + 1),)).connection.commit()
    with pytest.raises(StoreError, match="newer version"):
        Store(path)


def test_answers_are_committed_within_the_interval(tmp_path: Path) -> None:
    path = tmp_path / "r.sqlite"
    Store(path).close()
    committer = GroupCommitter(path, "run", owner="me", interval_s=0.2, max_group=64)
    try:
        answer = Prediction(outcome="answer", age=30.0, gender="male")
        committer.add(Answer((_item("a", "k1"),), "k1", ("m", "fp", answer)))
        time.sleep(0.6)  # far below 64 answers: the clock, not the count, commits it
        with Store(path) as store:
            assert store.cached(["k1"]) == {"k1": answer}
            assert len(store.item_rows("run")) == 1
    finally:
        committer.close()


def test_claims_belong_to_the_living(tmp_path: Path) -> None:
    path = tmp_path / "r.sqlite"
    Store(path).close()
    mine, theirs = Claims(path, timeout_s=0.4), Claims(path, timeout_s=0.4)
    try:
        assert mine.claim(["k1", "k2"]) == {"k1": ("mine", ""), "k2": ("mine", "")}
        assert theirs.claim(["k1"]) == {"k1": ("taken", mine.owner)}
        with Store(path) as store:
            store.record("run", [_item("a", "k2")],
                         {"k2": ("m", "fp", Prediction(outcome="answer", age=1.0))})
        assert theirs.claim(["k2"]) == {"k2": ("cached", "")}
        time.sleep(0.5)  # heartbeats keep a live owner's claims alive past the timeout
        assert theirs.claim(["k1"]) == {"k1": ("taken", mine.owner)}
        mine._stopped.set()  # a hung owner: alive, but silent
        mine._thread.join()
        time.sleep(0.5)
        assert theirs.claim(["k1"]) == {"k1": ("mine", "")}
    finally:
        theirs.close()
        mine.close()


def test_a_dead_process_claims_are_taken_over(tmp_path: Path) -> None:
    path = tmp_path / "r.sqlite"
    Store(path).close()
    script = ("import sys, os; from robustness._claims import Claims; "
              f"c = Claims({str(path)!r}); c.claim(['k1']); print(c.owner, flush=True); "
              "os._exit(0)")  # dies holding its claim, as a kill -9 would leave it
    owner = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                           check=True, env=os.environ).stdout.strip()
    db = sqlite3.connect(path)
    assert db.execute("SELECT owner FROM claims").fetchone() == (owner,)
    claims = Claims(path, timeout_s=60)  # far from stale: the dead pid is what frees it
    try:
        assert claims.claim(["k1"]) == {"k1": ("mine", "")}
    finally:
        claims.close()
    assert db.execute("SELECT COUNT(*) FROM claims").fetchone() == (0,)

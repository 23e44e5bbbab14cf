"""The SQLite store: WAL, schema version, atomic batches, idempotent items, no cached errors."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from robustness._exceptions import StoreError
from robustness._store import ItemRecord, Store
from robustness._types import Prediction


def _item(
    sample: str, key: str | None, *, error: str | None = None, position: int = 0
) -> ItemRecord:
    return ItemRecord(
        model="m", prompt="", sample_id=sample, perturbation="jpeg", severity=2, replicate=0,
        repeat=0, request_key=key, image_sha256="sha", error=error, age_true=30.0,
        age_low=None, age_high=None, gender_true="female", subject_id="s1",
        image_path="/x.jpg", position=position,
    )


def test_wal_mode_and_version(tmp_path: Path) -> None:
    with Store(tmp_path / "r.sqlite") as store:
        mode = store._db.execute("PRAGMA journal_mode").fetchone()[0]
        assert mode == "wal"
    db = sqlite3.connect(tmp_path / "r.sqlite")
    db.execute("UPDATE meta SET value = '99' WHERE key = 'schema_version'")
    db.commit()
    db.close()
    with pytest.raises(StoreError, match="schema version 99"):
        Store(tmp_path / "r.sqlite")


def test_not_a_database_is_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "notes.sqlite"
    path.write_text("these are not the tables you are looking for" * 100)
    with pytest.raises(StoreError, match="cannot open the store"):
        Store(path)


def test_items_are_replaced_not_duplicated(tmp_path: Path) -> None:
    prediction = Prediction(outcome="answer", age=31.5, gender="female", gender_confidence=0.9,
                            latency_ms=12.5, raw_text="about 31", tokens_in=90, tokens_out=4,
                            finish_reason="stop", system_fingerprint="fp_1")
    with Store(tmp_path / "r.sqlite") as store:
        store.begin_run("run1", {"a": 1})
        store.record("run1", [_item("a", "k1")], {"k1": ("m", "fp", prediction)})
        store.record("run1", [_item("a", "k1")], {"k1": ("m", "fp", prediction)})
        rows = store.item_rows("run1")
        assert len(rows) == 1
        assert rows[0]["age"] == 31.5 and rows[0]["outcome"] == "answer"
        assert store.cached(["k1", "k2"]) == {"k1": prediction}
        assert store.finished_items("run1") == {("m", "", "a", "jpeg", 2, 0, 0, "")}


def test_errors_are_recorded_but_not_cached(tmp_path: Path) -> None:
    failed = Prediction(outcome="error", error="timeout")
    with Store(tmp_path / "r.sqlite") as store:
        store.begin_run("run1", {})
        store.record("run1", [_item("a", "k1", error="timeout")], {"k1": ("m", "fp", failed)})
        store.record("run1", [_item("b", None, error="x.jpg: zero-byte file")], {})
        assert store.cached(["k1"]) == {}
        assert store.finished_items("run1") == set()
        rows = {row["sample_id"]: row for row in store.item_rows("run1")}
        assert rows["a"]["outcome"] == "error" and rows["a"]["error"] == "timeout"
        assert rows["b"]["error"] == "x.jpg: zero-byte file"


def test_a_failed_batch_writes_nothing(tmp_path: Path) -> None:
    prediction = Prediction(outcome="answer", age=20.0)
    with Store(tmp_path / "r.sqlite") as store:
        store.begin_run("run1", {})
        with pytest.raises(sqlite3.IntegrityError), store.transaction() as db:
            db.execute(
                "INSERT INTO predictions (request_key, model, fingerprint, outcome, created) "
                "VALUES ('k9', 'm', 'fp', 'answer', 0)"
            )
            db.execute("INSERT INTO runs VALUES ('run1', 0, 0, '{}')")  # duplicate id
        assert store.cached(["k9"]) == {}
        store.record("run1", [_item("a", "k1")], {"k1": ("m", "fp", prediction)})
        assert len(store.item_rows("run1")) == 1


def test_runs_are_listed_latest_last(tmp_path: Path) -> None:
    with Store(tmp_path / "r.sqlite") as store:
        store.begin_run("first", {"n": 1})
        store.begin_run("second", {"n": 2})
        store.begin_run("first", {"n": 1})
        assert store.run_ids() == ["second", "first"]
        assert store.run_config("second") == {"n": 2}
        with pytest.raises(StoreError, match="no run 'third'"):
            store.run_config("third")


def test_the_summary_s_narrow_read_and_counts_agree_with_the_full_rows(tmp_path: Path) -> None:
    answer = Prediction(outcome="answer", age=31.5, gender="female", raw_text="about 31",
                        tokens_in=90, tokens_out=4, latency_ms=12.5)
    untokened = Prediction(outcome="refusal", refusal_kind="policy", raw_text="I can't say")
    with Store(tmp_path / "r.sqlite") as store:
        store.begin_run("run1", {})
        store.record("run1", [_item("a", "k1", position=2), _item("b", "k2", position=0),
                              _item("c", None, error="unreadable image", position=1),
                              _item("d", "k1", position=3)],
                     {"k1": ("m", "fp", answer), "k2": ("m", "fp", untokened)})
        rows = store.item_rows("run1")
        results, narrow = store.summary_rows("run1")
        assert results == store.item_results("run1", rows)
        assert [r.sample_id for r in results] == ["b", "c", "a", "d"]  # plan order
        for full, row in zip(rows, narrow, strict=True):
            for column in ("model", "prompt", "outcome", "input_mode", "simulated",
                           "parser_version", "parsed_by", "latency_ms", "tokens_in",
                           "tokens_out"):
                assert row[column] == full[column]
            # The answer text and image are read only where a token count is missing.
            missing = full["tokens_in"] is None
            assert row["raw_text"] == (full["raw_text"] if missing else None)
            assert row["image_path"] == (full["image_path"] if missing else None)
        # Finished: a prediction and no error; the error item is retried.
        assert store.finished_count("run1") == len(store.finished_items("run1")) == 3
        assert store.error_count("run1") == 1
        keyed = store.summary_rows("run1")[1]
        assert [row["request_key"] for row in keyed] == [row["request_key"] for row in rows]
        assert [r["sample_id"] for r in store.item_rows("run1", {"a", "c"})] == ["c", "a"]
        assert store.item_rows("run1", set()) == []

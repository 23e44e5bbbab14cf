"""The store keeps each sample's metadata for slices, and adds the column to an older store."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from robustness import Store
from robustness._store import ItemRecord


def _record(sample: str, extras: tuple[tuple[str, str], ...]) -> ItemRecord:
    return ItemRecord(model="m", prompt="", sample_id=sample, perturbation="none", severity=0,
                      replicate=0, repeat=0, request_key=None, image_sha256=None, error="x",
                      age_true=30.0, age_low=None, age_high=None, gender_true="male",
                      subject_id=None, image_path="a.jpg", position=0, extras=extras)


def test_metadata_round_trips_and_an_old_store_gains_the_column(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite"
    with Store(path) as store:
        store.begin_run("r", {})
        store.record("r", [_record("s1", (("ethnicity", "black"),))], {})
    # A store written before the column existed: drop it, as an old version would have had it.
    db = sqlite3.connect(path)
    db.execute("ALTER TABLE items DROP COLUMN extras")
    db.commit()
    db.close()
    with Store(path) as store:
        assert store.sample_extras("r") == {}
        store.record("r", [_record("s2", (("ethnicity", "white"), ("expression", "smiling")))],
                     {})
        assert store.sample_extras("r") == {"s2": {"ethnicity": "white",
                                                   "expression": "smiling"}}
        assert len(store.item_rows("r")) == 2

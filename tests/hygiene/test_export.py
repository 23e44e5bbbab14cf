"""Exports: CSV neutralised against formula injection (or raw); Parquet read by pandas, DuckDB."""

from __future__ import annotations

import csv
import subprocess
import sys
from pathlib import Path

import pytest

from robustness import EXPORT_COLUMNS, Store, export_items
from robustness._export import neutralise
from robustness._store import ItemRecord
from robustness._types import Prediction

ANSWERS = {
    "formula": '=HYPERLINK("http://evil.example","click")',
    "plus": "+1 555 0100",
    "minus": "-2+3",
    "at": "@SUM(A1:A2)",
    "tab": "\tindented",
    "cr": "\rreturn",
    "plain": "About 34, female.",
}


def _store(path: Path) -> Path:
    """A run of seven items whose raw answers start with every formula character."""
    items, predictions = [], {}
    for position, (sample, text) in enumerate(ANSWERS.items()):
        key = f"key-{sample}"
        items.append(ItemRecord(
            model="sim-mllm", prompt="baseline", sample_id=f"-{sample}" if sample == "minus"
            else sample, perturbation="jpeg", severity=2, replicate=0, repeat=0, request_key=key,
            image_sha256="ab" * 32, error=None, age_true=30.0, age_low=None, age_high=None,
            gender_true="female", subject_id=None, image_path=f"/data/{sample}.jpg",
            position=position, simulated=True,
        ))
        predictions[key] = ("sim-mllm", "fp", Prediction(
            outcome="answer", age=-3.5 if sample == "minus" else 34.0, gender="female",
            raw_text=text, latency_ms=12.5,
        ))
    with Store(path) as store:
        store.begin_run("run1", {"seed": 0})
        store.record("run1", items, predictions)
    return path


def _csv_rows(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def test_text_cells_starting_a_formula_get_a_leading_quote(tmp_path: Path) -> None:
    with Store(_store(tmp_path / "r.sqlite")) as store:
        assert export_items(store, tmp_path / "items.csv") == len(ANSWERS)
    rows = _csv_rows(tmp_path / "items.csv")
    assert list(rows[0]) == list(EXPORT_COLUMNS)
    raw = {row["sample_id"]: row["raw_text"] for row in rows}
    assert raw["formula"] == "'" + ANSWERS["formula"]
    for name in ("plus", "at", "tab", "cr"):
        assert raw[name] == "'" + ANSWERS[name]
    assert raw["plain"] == ANSWERS["plain"]
    minus = next(row for row in rows if row["raw_text"].startswith("'-2"))
    assert minus["sample_id"] == "'-minus"  # a text column: neutralised whatever it holds
    assert minus["age"] == "-3.5"  # a numeric column is data, written as a number
    assert {row["severity"] for row in rows} == {"2"}


def test_raw_csv_writes_cells_verbatim(tmp_path: Path) -> None:
    with Store(_store(tmp_path / "r.sqlite")) as store:
        export_items(store, tmp_path / "raw.csv", raw_csv=True)
    raw = {row["sample_id"]: row["raw_text"] for row in _csv_rows(tmp_path / "raw.csv")}
    assert raw["formula"] == ANSWERS["formula"] and raw["-minus"] == ANSWERS["minus"]


@pytest.mark.parametrize("text", ["=1+1", "+1", "-1", "@x", "\tx", "\rx"])
def test_neutralise_each_formula_prefix(text: str) -> None:
    assert neutralise(text) == "'" + text and neutralise("a" + text) == "a" + text


def test_parquet_has_the_same_columns_with_types_for_pandas_and_duckdb(tmp_path: Path) -> None:
    pandas = pytest.importorskip("pandas")
    duckdb = pytest.importorskip("duckdb")
    with Store(_store(tmp_path / "r.sqlite")) as store:
        assert export_items(store, tmp_path / "items.parquet") == len(ANSWERS)
    frame = pandas.read_parquet(tmp_path / "items.parquet")
    assert list(frame.columns) == list(EXPORT_COLUMNS)
    assert len(frame) == len(ANSWERS)
    assert str(frame["severity"].dtype) == "int64" and str(frame["age"].dtype) == "float64"
    assert str(frame["simulated"].dtype) == "bool" and bool(frame["simulated"].all())
    assert frame.loc[frame["sample_id"] == "formula", "raw_text"].item() == ANSWERS["formula"]
    assert frame["age_low"].isna().all()  # NULL stays missing, not 0 or ""
    path = str(tmp_path / "items.parquet")
    db = duckdb.connect()
    by_type = {row[0]: row[1] for row in db.execute(f"DESCRIBE SELECT * FROM '{path}'").fetchall()}
    assert list(by_type) == list(EXPORT_COLUMNS)
    assert by_type["severity"] == "BIGINT" and by_type["latency_ms"] == "DOUBLE"
    assert by_type["raw_text"] == "VARCHAR" and by_type["simulated"] == "BOOLEAN"
    query = f"SELECT min(age), count(*) FROM '{path}' WHERE simulated"
    assert db.execute(query).fetchall() == [(-3.5, len(ANSWERS))]


def test_export_cli_picks_the_format_by_suffix_and_refuses_others(tmp_path: Path) -> None:
    store = _store(tmp_path / "r.sqlite")

    def export(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "robustness", "export", "--store",
                               str(store), *args], capture_output=True, text=True)

    done = export("--out", str(tmp_path / "out" / "items.parquet"))
    assert done.returncode == 0 and "7 rows written" in done.stdout
    assert (tmp_path / "out" / "items.parquet").read_bytes()[:4] == b"PAR1"
    raw = export("--out", str(tmp_path / "raw.csv"), "--raw-csv")
    assert raw.returncode == 0 and '"=HYPERLINK(' in (tmp_path / "raw.csv").read_text()
    for args, message in ((("--out", str(tmp_path / "items.xlsx")), "name a .csv or .parquet"),
                          (("--out", str(tmp_path)), "is a folder")):
        refused = export(*args)
        assert refused.returncode == 2 and message in refused.stderr
        assert refused.stderr.startswith("error:") and len(refused.stderr.splitlines()) == 1

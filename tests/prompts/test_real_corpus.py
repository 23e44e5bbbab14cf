"""Integrity of the corpus of real MLLM answers in ``data/real/`` (see its README).

These tests check the records, not the parser: how well the parser reads them is what
``bench/parser_accuracy.py`` measures.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

REAL = Path(__file__).parent / "data" / "real"
FILES = sorted(REAL.glob("*.jsonl"))
KEYS = {"id", "text", "prompt", "asks", "model", "language", "source", "expected"}
SOURCE_KEYS = {"repo", "path", "commit", "url", "licence"}
EXPECTED_KEYS = {"outcome", "age_low", "age_high", "gender"}
OUTCOMES = {"answer", "partial", "refusal", "unparseable"}
LANGUAGE = re.compile(r"[a-z]{2,3}(-[A-Z]{2})?")


def _records(path: Path) -> list[dict[str, Any]]:
    with path.open(encoding="utf-8") as lines:
        return [json.loads(line) for line in lines if line.strip()]


RECORDS = {path.name: _records(path) for path in FILES}
ALL = [record for records in RECORDS.values() for record in records]


def _source_of(record: dict[str, Any]) -> str:
    return record["source"]["repo"] or record["source"]["url"]


def test_corpus_has_300_answers_from_6_independent_sources() -> None:
    assert len(ALL) >= 300
    assert len({_source_of(record) for record in ALL}) >= 6


def test_ids_are_unique_and_prefixed_by_one_slug_per_file() -> None:
    assert len({record["id"] for record in ALL}) == len(ALL)
    for name, records in RECORDS.items():
        slugs = {record["id"].rsplit("-", 1)[0] for record in records}
        assert len(slugs) == 1, (name, slugs)
        assert [record["id"].rsplit("-", 1)[1] for record in records] == [
            f"{n:04d}" for n in range(1, len(records) + 1)
        ], name


def test_each_file_holds_one_source_and_no_repeated_text() -> None:
    for name, records in RECORDS.items():
        assert len({_source_of(record) for record in records}) == 1, name
        repeated = [text for text, n in Counter(r["text"] for r in records).items() if n > 1]
        assert not repeated, (name, repeated[:3])


@pytest.mark.parametrize("record", ALL, ids=[record["id"] for record in ALL])
def test_record_fields_and_types(record: dict[str, Any]) -> None:
    assert KEYS <= set(record) <= KEYS | {"note"}
    assert isinstance(record["text"], str) and record["text"].strip()
    assert isinstance(record["prompt"], str) and record["prompt"].strip()
    assert isinstance(record["model"], str) and record["model"].strip()
    assert LANGUAGE.fullmatch(record["language"]), record["language"]
    assert record["asks"] and set(record["asks"]) <= {"age", "gender"}
    assert len(set(record["asks"])) == len(record["asks"])
    assert isinstance(record.get("note", ""), str)
    source = record["source"]
    assert set(source) == SOURCE_KEYS
    assert source["url"].startswith("https://")
    assert isinstance(source["licence"], str) and source["licence"].strip()
    if source["repo"] is not None:
        assert re.fullmatch(r"[\w.-]+/[\w.-]+", source["repo"]) and source["path"]
        assert re.fullmatch(r"[0-9a-f]{40}", source["commit"])


@pytest.mark.parametrize("record", ALL, ids=[record["id"] for record in ALL])
def test_expected_reading_fits_the_question(record: dict[str, Any]) -> None:
    expected, asks = record["expected"], record["asks"]
    assert set(expected) == EXPECTED_KEYS
    assert expected["outcome"] in OUTCOMES
    assert expected["gender"] in (None, "male", "female")
    low, high = expected["age_low"], expected["age_high"]
    for bound in (low, high):
        assert bound is None or (isinstance(bound, int | float) and 0 <= bound <= 120)
    if low is not None and high is not None:
        assert low <= high
    given = {"age": low is not None or high is not None, "gender": expected["gender"] is not None}
    if expected["outcome"] == "answer":
        assert all(given[field] for field in asks)
    elif expected["outcome"] == "partial":
        assert any(given[field] for field in asks) and not all(given[field] for field in asks)
    else:
        assert not any(given.values()), "a refusal or unparseable answer gives no field"


def test_readme_lists_every_file() -> None:
    readme = (REAL / "README.md").read_text(encoding="utf-8")
    for path in FILES:
        assert path.name in readme, path.name

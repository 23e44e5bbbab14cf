"""The parser against a corpus of realistic MLLM answers and refusals (``data/answers.jsonl``).

Each line pins what matters for that answer; keys left out of ``expect`` are not checked.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from prompts import OUTCOMES, REFUSAL_KINDS, parse_answer

CORPUS = Path(__file__).parent / "data" / "answers.jsonl"
EXPECTED_KEYS = {"age", "age_low", "age_high", "gender", "outcome", "refusal_kind"}


def _rows() -> list[dict[str, Any]]:
    with CORPUS.open(encoding="utf-8") as lines:
        return [json.loads(line) for line in lines if line.strip()]


def _id(row: dict[str, Any]) -> str:
    text = row["text"] if row["text"] is not None else "<None>"
    signal = "refusal" if row["refusal"] else row["finish_reason"] or ""
    label = " ".join(text.split())[:48] or "<empty>"
    return f"{signal}:{label}" if signal else label


ROWS = _rows()


def test_corpus_is_large_and_well_formed() -> None:
    assert len(ROWS) >= 150
    for row in ROWS:
        assert set(row) == {"text", "refusal", "finish_reason", "expect"}, row
        assert set(row["expect"]) <= EXPECTED_KEYS, row
        assert row["expect"].get("outcome", "answer") in OUTCOMES
        assert row["expect"].get("refusal_kind") in (None, *REFUSAL_KINDS)


def test_corpus_covers_every_outcome_and_refusal_kind() -> None:
    assert {row["expect"].get("outcome") for row in ROWS} >= set(OUTCOMES)
    assert {row["expect"].get("refusal_kind") for row in ROWS} >= set(REFUSAL_KINDS)


@pytest.mark.parametrize("row", ROWS, ids=[_id(row) for row in ROWS])
def test_answer_is_read_as_expected(row: dict[str, Any]) -> None:
    parsed = parse_answer(row["text"], refusal=row["refusal"], finish_reason=row["finish_reason"])
    got = {key: getattr(parsed, key) for key in row["expect"]}
    assert got == row["expect"]

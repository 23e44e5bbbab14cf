"""The parser meets issue 8's targets on the real-answer corpus, scored by the bench's own rules.

``bench/parser_accuracy.py`` prints the figures; this test holds them, so a parser change that
misreads real answers fails here, not only in a benchmark nobody reran.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

BENCH = Path(__file__).resolve().parents[2] / "bench" / "parser_accuracy.py"


def _bench() -> ModuleType:
    spec = importlib.util.spec_from_file_location("parser_accuracy", BENCH)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while it loads
    spec.loader.exec_module(module)
    return module


def test_real_answers_are_read_within_the_targets() -> None:
    bench = _bench()
    rows = [bench.score(record, with_asks=True) for record in bench.load(bench.CORPUS)]
    n = len(rows)
    refusals = [r for r in rows if r.record["expected"]["outcome"] == "refusal"]
    read_as_refusal = [r for r in rows if r.parsed.outcome == "refusal"]
    assert sum(r.kind_ok for r in rows) / n >= 0.95
    assert sum(r.age_ok for r in rows) / n >= 0.95
    assert sum(r.gender_ok for r in rows) / n >= 0.97
    assert sum(r.parsed.outcome == "refusal" for r in refusals) / len(refusals) >= 0.95
    correct = sum(r.record["expected"]["outcome"] == "refusal" for r in read_as_refusal)
    assert correct / len(read_as_refusal) >= 0.95
    assert not [r.record["id"] for r in rows if r.wrong_gender]  # a wrong gender is worse than none

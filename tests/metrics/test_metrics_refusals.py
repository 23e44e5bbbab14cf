"""Coverage, error, unparseable and by-kind refusal rates, hand-computed (see the comments)."""

from __future__ import annotations

from typing import Any

import pytest
from metrics_rows import row

from robustness._metrics import summarize
from robustness._types import ItemResult


def item(sample_id: str, outcome: str = "answer", kind: str | None = None,
         **fields: Any) -> ItemResult:
    return row(sample_id, outcome, refusal_kind=kind, **fields)


# Ten clean rows; n = 10, errors = 2, asked = n - errors = 8:
#   r1, r2   answer                     answered
#   r3, r4   refusal, kind policy       refusal, policy
#   r5       refusal, no kind           refusal, no kind
#   r6       partial, kind safety       answered, safety (not a refusal)
#   r7       partial, no kind           answered
#   r8       unparseable, kind policy   unparseable; a kind on it is ignored
#   r9       error                      error
#   r10      error, kind policy         error; ignored, not even asked
# coverage 4 / 10 = 0.4 (r1, r2, r6, r7)     error_rate 2 / 10 = 0.2
# unparseable_rate 1 / 8 = 0.125             refusal_rate 3 / 8 = 0.375 (r3, r4, r5)
# refusal_by_kind: policy 2 / 8 = 0.25 (r3, r4), safety 1 / 8 = 0.125 (r6)
CLEAN = [
    item("r1", age=30), item("r2", age=31),
    item("r3", "refusal", "policy"), item("r4", "refusal", "policy"), item("r5", "refusal"),
    item("r6", "partial", "safety", gender="male"), item("r7", "partial", age=40),
    item("r8", "unparseable", "policy"), item("r9", "error"), item("r10", "error", "policy"),
]
# blur 2: n 4, one error, asked 3: one policy refusal -> refusal_rate and policy both 1 / 3
#   coverage 2 / 4 = 0.5, error_rate 1 / 4 = 0.25, unparseable_rate 0 / 3 = 0
BLUR = [
    item("r1", "refusal", "policy", perturbation="blur", severity=2),
    item("r2", age=30, perturbation="blur", severity=2),
    item("r3", "partial", age=35, perturbation="blur", severity=2),
    item("r4", "error", perturbation="blur", severity=2),
]


def test_clean_rates_with_kinds_partials_and_errors() -> None:
    clean = summarize(CLEAN, n_boot=200)["m"]["clean"]
    assert clean["n"] == 10 and clean["answered"] == 4
    assert clean["coverage"] == pytest.approx(0.4)
    assert clean["error_rate"] == pytest.approx(0.2)
    assert clean["unparseable_rate"] == pytest.approx(0.125)
    assert clean["refusal_rate"] == pytest.approx(0.375)
    assert clean["refusal_by_kind"] == pytest.approx({"policy": 0.25, "safety": 0.125})
    assert list(clean["refusal_by_kind"]) == ["policy", "safety"]  # sorted by kind
    # eight asked rows, eight clusters, three of them refusals
    lo, hi = clean["refusal_rate_ci"]
    assert 0.0 <= lo <= 0.375 <= hi <= 1.0


def test_condition_rates_and_flat_table() -> None:
    model = summarize(CLEAN + BLUR, n_boot=50)["m"]
    (blur,) = model["conditions"]
    assert blur["coverage"] == 0.5 and blur["error_rate"] == 0.25
    assert blur["unparseable_rate"] == 0.0
    assert blur["refusal_rate"] == pytest.approx(1 / 3)
    assert blur["refusal_by_kind"] == pytest.approx({"policy": 1 / 3})
    assert model["refusals"] == [  # exact: each rate is one integer division
        {"perturbation": "none", "severity": 0, "prompt": "", "kind": "policy", "rate": 2 / 8},
        {"perturbation": "none", "severity": 0, "prompt": "", "kind": "safety", "rate": 1 / 8},
        {"perturbation": "blur", "severity": 2, "prompt": "", "kind": "policy", "rate": 1 / 3},
    ]


def test_no_refusals_and_no_rows() -> None:
    clean = summarize([item("a", age=30), item("b", age=31)], n_boot=50)["m"]["clean"]
    assert clean["refusal_by_kind"] == {} and clean["coverage"] == 1.0
    assert clean["error_rate"] == 0.0 and clean["unparseable_rate"] == 0.0
    # two samples, neither refused: the exact interval, never the bootstrap's zero width
    assert clean["refusal_rate_ci"] == pytest.approx([0.0, 0.8419], abs=1e-4)
    assert clean["ci_method"]["refusal_rate"] == "clopper-pearson" and clean["asked_n"] == 2
    # a model with no clean rows: its clean block is empty, every rate undefined
    empty = summarize([item("a", age=30, perturbation="blur", severity=1)], n_boot=50)["m"]
    for key in ("coverage", "error_rate", "unparseable_rate", "refusal_rate_ci", "retest"):
        assert empty["clean"][key] is None, key
    assert empty["clean"]["refusal_by_kind"] == {} and empty["refusals"] == []


def test_all_errors() -> None:
    clean = summarize([item("a", "error", "policy"), item("b", "error")], n_boot=50)["m"]["clean"]
    assert clean["coverage"] == 0.0 and clean["error_rate"] == 1.0
    assert clean["unparseable_rate"] is None and clean["refusal_rate"] is None
    assert clean["refusal_by_kind"] == {} and clean["refusal_rate_ci"] is None

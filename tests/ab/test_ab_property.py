"""``compare`` never raises on paired sets of any shape, and its numbers stay in range."""

from __future__ import annotations

import math

from hypothesis import given, settings
from hypothesis import strategies as st

from robustness._ab import VERDICTS, compare
from robustness._types import ItemResult

OUTCOMES = ("answer", "partial", "refusal", "unparseable", "error")
CONDITIONS = (("none", 0), ("jpeg", 2), ("gaussian_blur", 4))

ages = st.one_of(st.none(), st.just(math.nan), st.integers(0, 100).map(float),
                 st.floats(0, 120, allow_nan=False))
genders = st.sampled_from([None, "male", "female"])


@st.composite
def answers(draw: st.DrawFn) -> dict[str, object]:
    return {"outcome": draw(st.sampled_from(OUTCOMES)), "age": draw(ages),
            "gender": draw(genders)}


@st.composite
def paired_sets(draw: st.DrawFn) -> tuple[list[ItemResult], list[ItemResult]]:
    n = draw(st.integers(0, 40))
    a: list[ItemResult] = []
    b: list[ItemResult] = []
    seen: set[tuple[object, ...]] = set()
    for _ in range(n):
        sample = draw(st.integers(0, 12))
        perturbation, severity = draw(st.sampled_from(CONDITIONS))
        repeat = draw(st.integers(0, 1))
        label = {"age_true": draw(ages), "gender_true": draw(genders),
                 "subject_id": draw(st.sampled_from([None, "p1", "p2", "p3"]))}
        key = {"sample_id": f"s{sample}", "perturbation": perturbation, "severity": severity,
               "replicate": 0, "repeat": repeat}
        if tuple(key.values()) in seen:
            continue  # one item per question and arm
        seen.add(tuple(key.values()))
        where = draw(st.sampled_from(["both", "both", "both", "a", "b"]))
        if where in ("both", "a"):
            a.append(ItemResult(model="m", prompt="a", **key, **label, **draw(answers())))  # type: ignore[arg-type]
        if where in ("both", "b"):
            b.append(ItemResult(model="m", prompt="b", **key, **label, **draw(answers())))  # type: ignore[arg-type]
    return a, b


@settings(max_examples=80, deadline=None)
@given(sets=paired_sets(), seed=st.integers(0, 2**31), alpha=st.sampled_from([0.01, 0.05, 0.1]))
def test_compare_never_raises_and_p_values_are_probabilities(
    sets: tuple[list[ItemResult], list[ItemResult]], seed: int, alpha: float
) -> None:
    a, b = sets
    result = compare(a, b, seed=seed, n_boot=100, alpha=alpha)
    assert result.pairs + result.a_only == len(a) and result.pairs + result.b_only == len(b)
    for row in result.rows:
        assert 0.0 <= row.p <= 1.0
        assert row.p_holm is None or row.p <= row.p_holm <= 1.0
        assert row.verdict in VERDICTS and row.n >= 1 and 1 <= row.clusters <= row.n
        assert math.isfinite(row.diff) and math.isfinite(row.a_value)
        if row.ci is not None:
            assert row.ci[0] <= row.ci[1] + 1e-9 and row.ci_method in ("bca", "percentile")
        if row.verdict != "no detectable difference":
            assert row.p_holm is not None and row.p_holm <= alpha

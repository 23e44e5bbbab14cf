"""The typed results read back from their own JSON, and agree with it."""

from __future__ import annotations

import json

from metrics_rows import row

from robustness._metrics import RunSummary, model_figures, run_summary_of
from robustness._types import ItemResult


def _rows() -> list[ItemResult]:
    rows = []
    for i in range(12):
        rows.append(row(f"s{i}", age=30 + i % 4, age_true=31, gender="male", gender_true="male",
                        subject_id=str(i // 3), prompt="p"))
        rows.append(row(f"s{i}", "refusal" if i % 5 == 0 else "answer", prompt="p",
                        perturbation="jpeg", severity=2, age=33 + i % 3, gender="female"))
    return rows


def test_a_run_summary_survives_json_and_back() -> None:
    summary = run_summary_of(_rows(), run={"id": "r", "requests": 24}, simulated=["m"], seed=4,
                             n_boot=200)
    data = json.loads(json.dumps(summary.to_json()))
    again = RunSummary.from_json(data)
    assert again.to_json() == data
    assert data["models"]["m"]["simulated"] is True and data["simulated"] == ["m"]
    assert data["intervals"]["seed"] == 4 and data["intervals"]["resamples"] == 200
    typed = again.models["m"]
    (jpeg,) = typed.conditions
    assert typed.clean.estimate("mae") == model_figures(_rows(), seed=4, n_boot=200)[
        "m"].clean.estimate("mae")
    assert jpeg.label == "jpeg s2" and jpeg.estimate("gender_flip_rate").value == 1.0
    assert jpeg.estimate("gender_flip_rate").n == 9  # three refusals leave 9 of 12 pairs
    assert jpeg.instability == jpeg.value("age_shift_mean") + 5.0  # type: ignore[operator]

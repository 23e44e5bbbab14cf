"""The report shows every figure's n, flags low coverage, and carries the definitions."""

from __future__ import annotations

from reports import ReportData, render_html
from robustness._metrics import analysis_settings, summarize
from robustness._types import ItemResult


def _summary() -> dict[str, object]:
    rows = []
    for i in range(20):
        rows.append(ItemResult("m", "", f"s{i}", "none", 0, 0, 0, "answer", age=30.0 + i % 5,
                               gender="male", age_true=32.0, gender_true="male"))
        # JPEG s3: refused on 6 of 20, so answered on 70 % of its items
        outcome = "refusal" if i < 6 else "answer"
        rows.append(ItemResult("m", "", f"s{i}", "jpeg", 3, 0, 0, outcome,  # type: ignore[arg-type]
                               age=33.0 + i % 3, gender="male" if i % 4 else "female",
                               age_true=32.0, gender_true="male"))
    return {"run": {"id": "r"}, "simulated": [], "models": summarize(rows, n_boot=100),
            **analysis_settings(n_boot=100)}


def test_counts_low_coverage_and_definitions_reach_the_page() -> None:
    summary = _summary()
    page = render_html(ReportData(title="t", generated_at="now", header={}, summary=summary))
    models = summary["models"]
    clean = models["m"]["clean"]  # type: ignore[index]
    (jpeg,) = models["m"]["conditions"]  # type: ignore[index]
    assert jpeg["low_coverage"] is True and clean["low_coverage"] is False
    assert f"n = {clean['age_n']}" in page and f"n = {clean['gender_n']}" in page
    assert f"(n = {jpeg['shift_n']})" in page  # heat-map and chart hover titles
    assert "⚠ answered on under 80 % of its items" in page
    assert "<summary>definitions</summary>" in page and "clopper-pearson" in page
    assert "mean |Δage| + 5 × gender flip rate" in page  # the ranking says what it ranks by

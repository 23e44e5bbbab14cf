"""Terminal tables at 80 columns: wide tables stack into blocks, no figure or verdict is cut."""

from __future__ import annotations

import io
import random
from dataclasses import replace

import pytest
from rich.console import Console

from robustness._ab import ab_table, compare
from robustness._metrics import models_from_json, summarize
from robustness._tables import overview_table, summary_tables
from robustness._types import ItemResult

CONDITIONS = [("none", 0), ("jpeg", 1), ("jpeg", 5), ("gaussian_blur", 3), ("crop_jitter", 2)]


def _rows(prompt: str = "baseline", shift: float = 0.0) -> list[ItemResult]:
    rng = random.Random(0)
    rows = []
    for sample in range(40):
        for perturbation, severity in CONDITIONS:
            refused = rng.random() < (0.3 if perturbation == "jpeg" else 0.05)
            rows.append(ItemResult(
                "a-rather-long-model-name", prompt, f"s{sample}", perturbation, severity, 0, 0,
                "refusal" if refused else "answer", age=30 + shift + rng.random() * 12,
                gender=rng.choice(["male", "female"]), age_true=34, gender_true="male",
                subject_id=str(sample // 2)))
    return rows


def _render(renderable: object, console: Console) -> str:
    console.print(renderable)
    return console.file.getvalue()  # type: ignore[attr-defined]


@pytest.fixture(params=["width", "COLUMNS"])
def console(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> Console:
    """An 80-column console, told directly or through the environment as a terminal would be."""
    if request.param == "COLUMNS":
        monkeypatch.setenv("COLUMNS", "80")
        return Console(file=io.StringIO())
    return Console(file=io.StringIO(), width=80)


def test_run_tables_show_every_figure_whole_at_80_columns(console: Console) -> None:
    models = summarize(_rows())
    text = "".join(_render(table, console) for table in summary_tables(models))
    assert console.width == 80
    assert "…" not in text and max(map(len, text.splitlines())) <= 80
    figures = models_from_json(models)["a-rather-long-model-name"]
    for block in (figures.clean, *figures.conditions):
        mae, shift = block.estimate("mae"), block.estimate("age_shift_mean")
        assert f"{mae.value:.2f} [{mae.ci[0]:.2f}, {mae.ci[1]:.2f}]" in text  # type: ignore[index]
        if not block.is_clean:
            assert f"{shift.value:.2f} [" in text
            assert str(block.estimate("gender_flip_rate").n) in text
    # the counts have their own columns, and a low-coverage condition is marked
    for key in ("age_n", "gender_n", "shift_n", "flip_n", "asked_n"):
        assert key in text
    assert any(block.low_coverage for block in figures.conditions)
    assert "jpeg s1 !" in text and "answered on under 80%" in text


def test_a_wide_terminal_gets_one_block(console: Console) -> None:
    wide = Console(file=io.StringIO(), width=400)
    (table,) = summary_tables(summarize(_rows()))
    assert len(table.blocks(wide, 400)) == 1
    assert len(table.blocks(console, 80)) >= 3


def test_overview_with_many_models_stacks(console: Console) -> None:
    rows = [r for p in ("baseline", "json", "number-only", "careful") for r in _rows(p)]
    text = _render(overview_table(summarize(rows)), console)
    assert "…" not in text and max(map(len, text.splitlines())) <= 80
    for prompt in ("baseline", "json", "number-only", "careful"):
        assert prompt in text


def test_ab_verdict_is_never_truncated(console: Console) -> None:
    a = _rows("a")
    b = [replace(r, prompt="b", age=(r.age or 0.0) + 6.0) for r in a]
    result = compare(a, b, seed=0)
    text = _render(ab_table(result), console)
    assert "…" not in text and max(map(len, text.splitlines())) <= 80
    verdicts = [row.verdict for row in result.rows if row.verdict != "no detectable difference"]
    assert verdicts and all(text.count(v) >= verdicts.count(v) for v in set(verdicts))
    assert "A bett\n" not in text and "A better" in text


def test_blocks_are_as_wide_as_rich_measures_them_and_as_full_as_fits(console: Console) -> None:
    (table,) = summary_tables(summarize(_rows()))
    overview = overview_table(summarize([r for p in ("baseline", "json") for r in _rows(p)]))
    for stacked in (table, overview):
        for width in (40, 80, 120, 200):
            blocks = stacked.blocks(console, width)
            columns = [[column.header for column in block.columns] for block in blocks]
            spans = [stacked._width(console, [stacked.headers.index(h) for h in names])
                     for names in columns]
            # Each block fits (unless one column alone is wider), and the next column would not.
            for names, span in zip(columns, spans, strict=True):
                assert span <= width or len(names) == stacked.key_columns + 1
            for names, after in zip(columns, columns[1:], strict=False):
                grown = [stacked.headers.index(h) for h in (*names, after[stacked.key_columns])]
                assert stacked._width(console, grown) > width
            assert [h for names in columns for h in names[stacked.key_columns:]] == \
                list(stacked.headers[stacked.key_columns:])

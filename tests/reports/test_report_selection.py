"""Which samples and conditions the gallery shows, on a store written by hand."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from PIL import Image
from skimage import data as skdata

from robustness._report import build_report
from robustness._report_facts import MAX_CELLS, PER_FAMILY
from robustness._store import ItemRecord, Store
from robustness._types import Gender, Prediction

SERIES = (("steady", ""), ("mllm", "baseline"))
FAMILIES = ("jpeg", "gaussian_blur", "occlusion", "contrast")


def _write_dataset(folder: Path, count: int) -> None:
    face = np.asarray(skdata.astronaut())[40:240, 130:330]  # type: ignore[no-untyped-call]
    rows = ["path,age,gender,face_x0,face_y0,face_x1,face_y1"]
    for index in range(count):
        Image.fromarray(face).save(folder / f"s{index}.png")
        rows.append(f"s{index}.png,30,female,50,40,150,150")
    (folder / "labels.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")


def _store(tmp_path: Path, shaky: str) -> Path:
    """Three samples; ``steady`` never moves; ``mllm`` moves on ``shaky`` (most at severity 5)."""
    folder = tmp_path / "data"
    folder.mkdir()
    _write_dataset(folder, 3)
    conditions = [("none", 0, 0)] + [(f, s, r) for f in FAMILIES for s in (1, 3, 5)
                                      for r in (0, 1)]
    path = tmp_path / "store.sqlite"
    with Store(path) as store:
        store.begin_run("r", {"data": str(folder), "format": "csv", "seed": 0,
                              "models": {"steady": "a", "mllm": "b"}, "attribution": None})
        records: list[ItemRecord] = []
        predictions: dict[str, tuple[str, str, Prediction]] = {}
        for sample in ("s0.png", "s1.png", "s2.png"):
            for perturbation, severity, replicate in conditions:
                for model, prompt in SERIES:
                    moves = model == "mllm" and sample == shaky and perturbation != "none"
                    age = 30.0 + (2 * severity + replicate if moves else 0.0)
                    gender: Gender = "male" if moves and perturbation == "occlusion" else "female"
                    prediction = Prediction(outcome="answer", age=age, gender=gender,
                                            raw_text=f"{age:.0f} {gender}" if prompt else None)
                    if moves and perturbation == "contrast" and severity == 5:
                        prediction = Prediction(outcome="refusal", refusal_kind="policy",
                                                raw_text="no")
                    key = f"{sample}{perturbation}{severity}{replicate}{model}"
                    predictions[key] = (model, "fp", prediction)
                    records.append(ItemRecord(
                        model=model, prompt=prompt, sample_id=sample, perturbation=perturbation,
                        severity=severity, replicate=replicate, repeat=0, request_key=key,
                        image_sha256=None, error=None, age_true=30.0, age_low=None,
                        age_high=None, gender_true="female", subject_id=None,
                        image_path=str(folder / sample), position=len(records),
                    ))
        store.record("r", records, predictions)
    return path


@pytest.mark.parametrize("shaky", ["s1.png", "s2.png"])
def test_the_sample_that_moved_most_comes_first(tmp_path: Path, shaky: str) -> None:
    gallery = build_report(_store(tmp_path, shaky), thumb_px=32).gallery
    assert gallery[0].sample_id == shaky
    assert [s.score for s in gallery[1:]] == [0.0, 0.0]


def test_a_strip_spreads_over_families_and_severities(tmp_path: Path) -> None:
    (first, *_) = build_report(_store(tmp_path, "s1.png"), thumb_px=32).gallery
    cells = first.cells
    assert len(cells) == MAX_CELLS and (cells[0].perturbation, cells[0].severity) == ("none", 0)
    shown = [(c.perturbation, c.severity) for c in cells[1:]]
    assert len(set(shown)) == len(shown)  # one replicate per severity
    for family in FAMILIES:
        assert 1 <= sum(p == family for p, _ in shown) <= PER_FAMILY
    assert [FAMILIES.index(p) for p, _ in shown] == sorted(FAMILIES.index(p) for p, _ in shown)


def test_answers_are_flagged_against_their_own_clean_answer(tmp_path: Path) -> None:
    (first, *_) = build_report(_store(tmp_path, "s1.png"), thumb_px=32).gallery
    for cell in first.cells[1:]:
        steady, mllm = cell.answers
        assert (steady.model, mllm.model) == ("steady", "mllm")
        assert not steady.changed_age and not steady.flipped
        if cell.perturbation == "contrast" and cell.severity == 5:
            assert mllm.outcome == "refusal" and mllm.refusal_kind == "policy"
            assert not mllm.changed_age and not mllm.flipped
            continue
        assert mllm.changed_age == (2 * cell.severity + cell.replicate > 5)
        assert mllm.flipped == (cell.perturbation == "occlusion")
        assert mllm.raw_text is not None and steady.raw_text is None
    assert all(c.thumbnail_png.startswith(b"\xff\xd8") for c in first.cells)

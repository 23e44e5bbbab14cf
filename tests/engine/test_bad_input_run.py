"""Every bad-input case is recorded per item with its reason, in one run that still exits 0."""

from __future__ import annotations

import csv
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
from PIL import Image

HEADER = ["path", "age", "gender", "face_x0", "face_y0", "face_x1", "face_y1", "subject_id"]


def test_bad_inputs_are_recorded_and_the_run_goes_on(london: Path, tmp_path: Path) -> None:
    data = tmp_path / "data"
    (data / "img").mkdir(parents=True)
    with (london / "labels.csv").open() as handle:
        source = list(csv.DictReader(handle))[:2]
    rows = []
    for index, row in enumerate(source):
        shutil.copy(london / row["path"], data / "img" / f"good{index}.jpg")
        box = [row[k] for k in ("face_x0", "face_y0", "face_x1", "face_y1")]
        rows.append([f"img/good{index}.jpg", row["age"], row["gender"], *box, row["subject_id"]])
    good_bytes = (data / "img" / "good0.jpg").read_bytes()
    (data / "img" / "empty.jpg").write_bytes(b"")
    (data / "img" / "truncated.jpg").write_bytes(good_bytes[: len(good_bytes) // 2])
    (data / "img" / "garbage.jpg").write_bytes(np.random.default_rng(0).bytes(4096))
    Image.new("RGB", (300, 300), (200, 200, 200)).save(data / "img" / "blank.png")
    (tmp_path / "outside.jpg").write_bytes(good_bytes)
    box = ["100", "100", "300", "300"]
    rows += [
        ["img/missing.jpg", "30", "male", *box, "x1"],
        ["img/empty.jpg", "30", "male", *box, "x2"],
        ["img/truncated.jpg", "30", "male", *box, "x3"],
        ["img/garbage.jpg", "30", "male", *box, "x4"],
        ["../outside.jpg", "30", "male", *box, "x5"],
        ["img/good0.jpg", "thirty", "male", *box, "x6"],
        ["img/blank.png", "30", "female", "-1", "-1", "-1", "-1", "x7"],
    ]
    with (data / "labels.csv").open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(HEADER)
        writer.writerows(rows)

    store = tmp_path / "r.sqlite"
    run = subprocess.run(
        [sys.executable, "-m", "robustness", "run", "--data", str(data), "--perturbations",
         "jpeg", "--severities", "2", "--store", str(store)],
        capture_output=True, text=True,
    )
    assert run.returncode == 0, run.stderr
    subprocess.run(
        [sys.executable, "-m", "robustness", "export", "--store", str(store), "--out",
         str(tmp_path / "e.csv")], check=True, capture_output=True,
    )
    with (tmp_path / "e.csv").open() as handle:
        exported = list(csv.DictReader(handle))
    assert len(exported) == len(rows) * 2  # clean + jpeg s2 for every row, bad ones included
    by_path: dict[str, list[dict[str, str]]] = {}
    for row in exported:
        by_path.setdefault(row["sample_id"], []).append(row)

    for index in range(2):
        assert {r["outcome"] for r in by_path[f"img/good{index}.jpg"]} == {"answer"}
    expectations = {
        "img/missing.jpg": "not found",
        "img/empty.jpg": "zero-byte",
        "img/truncated.jpg": "truncated",
        "img/garbage.jpg": "not a readable image",
        "../outside.jpg": "outside the dataset",
        "img/blank.png": "no face detected",
    }
    for sample_id, reason in expectations.items():
        items = by_path[sample_id]
        assert {r["outcome"] for r in items} == {"error"}, sample_id
        assert all(reason in r["error"].lower() for r in items), (sample_id, items[0]["error"])
    malformed = [rows for sid, rows in by_path.items() if "thirty" in rows[0]["error"]]
    assert len(malformed) == 1 and "labels.csv:" in malformed[0][0]["error"]

"""Batched vs per-face inference of the embedded model, measured in the same run.

    python bench/embedded_batching.py [--data ../shared/data/faces/london] [--faces 200]

Per-face is the package's public ``AgeAndGender.predict_face`` (one ONNX call per network per
face); batched is the suite's adapter (alignment per face, one ONNX call per network per batch).
Each is timed over the same crops, best of ``--repeats`` passes after one warm-up pass.
"""

from __future__ import annotations

import argparse
import csv
import time
from pathlib import Path

import numpy as np
from PIL import Image

from robustness._materialize import crop
from robustness._models import ModelInput
from robustness._models._embedded import EmbeddedModel

DEFAULT_DATA = Path(__file__).resolve().parents[2] / "shared" / "data" / "faces" / "london"


def load_crops(root: Path, count: int) -> list[np.ndarray]:
    with (root / "labels.csv").open() as handle:
        rows = list(csv.DictReader(handle))[:count]
    faces = []
    for row in rows:
        image = np.asarray(Image.open(root / row["path"]).convert("RGB"))
        box = tuple(float(row[k]) for k in ("face_x0", "face_y0", "face_x1", "face_y1"))
        faces.append(crop(image, box))
    return faces


def best_of(repeats: int, action) -> float:  # type: ignore[no-untyped-def]
    action()  # warm-up: session creation and caches
    times = []
    for _ in range(repeats):
        started = time.perf_counter()
        action()
        times.append(time.perf_counter() - started)
    return min(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--faces", type=int, default=200)
    parser.add_argument("--batch", type=int, default=64)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()

    faces = load_crops(args.data, args.faces)
    model = EmbeddedModel(batch_size=args.batch)
    predictor = model.predictor
    inputs = [ModelInput(face=face) for face in faces]

    def per_face() -> None:
        for face in faces:
            predictor.predict_face(face)  # type: ignore[attr-defined]

    def batched() -> None:
        for start in range(0, len(inputs), args.batch):
            model.predict_batch(inputs[start : start + args.batch])

    single_s = best_of(args.repeats, per_face)
    batch_s = best_of(args.repeats, batched)
    n = len(faces)
    print(f"embedded model, {n} London face crops, batch {args.batch}, best of {args.repeats}")
    print(f"{'mode':<10} {'faces/s':>9} {'ms/face':>8}")
    print(f"{'per-face':<10} {n / single_s:9.1f} {1000 * single_s / n:8.2f}")
    print(f"{'batched':<10} {n / batch_s:9.1f} {1000 * batch_s / n:8.2f}")
    print(f"speed-up batched / per-face: {single_s / batch_s:.2f}x")


if __name__ == "__main__":
    main()

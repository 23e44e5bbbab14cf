"""Lossless PNG settings for the data URLs sent to MLLM endpoints: CPU time and size, one run.

    python bench/png_encoding.py [--data ../shared/data/faces/london] [--images 60] [--rounds 6]

For ``--images`` distinct London photos (the 675-px frame, as a body crop) and their labelled face
crops, each candidate setting encodes every image (RGB->BGR swap, ``cv2.imencode``, base64, as
``png_data_url`` does); the figure is the thread CPU time per image, best of ``--rounds``
interleaved rounds (CPU time, not wall time, so a loaded machine disturbs it less), and the mean
base64 payload. Every candidate is checked lossless. ``in use`` is ``png_data_url``'s setting.
"""

from __future__ import annotations

import argparse
import base64
import csv
import time
from pathlib import Path

import cv2
import numpy as np
from PIL import Image

from robustness._models._openai import _PNG_PARAMS

DEFAULT_DATA = Path(__file__).resolve().parents[2] / "shared" / "data" / "faces" / "london"

CANDIDATES: dict[str, list[int]] = {
    "level 1 (before)": [cv2.IMWRITE_PNG_COMPRESSION, 1],
    "OpenCV defaults": [],
    "level 0 (stored)": [cv2.IMWRITE_PNG_COMPRESSION, 0],
    "level 1, up filter": [cv2.IMWRITE_PNG_COMPRESSION, 1, cv2.IMWRITE_PNG_FILTER,
                           cv2.IMWRITE_PNG_FILTER_UP],
    "in use": list(_PNG_PARAMS),
}


def load(root: Path, count: int) -> tuple[list[np.ndarray], list[np.ndarray]]:
    with (root / "labels.csv").open() as handle:
        rows = list(csv.DictReader(handle))[:count]
    bodies, faces = [], []
    for row in rows:
        photo = np.array(Image.open(root / row["path"]).convert("RGB"))
        x0, y0, x1, y1 = (int(float(row[f"face_{k}"])) for k in ("x0", "y0", "x1", "y1"))
        bodies.append(photo)
        faces.append(np.ascontiguousarray(photo[y0:y1, x0:x1]))
    return faces, bodies


def encode(image: np.ndarray, params: list[int]) -> bytes:
    ok, encoded = cv2.imencode(".png", cv2.cvtColor(image, cv2.COLOR_RGB2BGR), params)
    assert ok
    return base64.b64encode(encoded.tobytes())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA,
                        help="London face set folder. Default: %(default)s")  # fmt: skip
    parser.add_argument("--images", type=int, default=60,
                        help="distinct photos. Default: %(default)s")  # fmt: skip
    parser.add_argument("--rounds", type=int, default=6,
                        help="interleaved rounds, best kept. Default: %(default)s")  # fmt: skip
    args = parser.parse_args()
    sets = dict(zip(("face", "body"), load(args.data, args.images), strict=True))
    for params in CANDIDATES.values():
        for image in sets["face"][:3] + sets["body"][:3]:
            decoded = cv2.imdecode(np.frombuffer(base64.b64decode(encode(image, params)),
                                                 np.uint8), cv2.IMREAD_COLOR)
            assert np.array_equal(cv2.cvtColor(decoded, cv2.COLOR_BGR2RGB), image), "lossy"
    best = {(name, kind): float("inf") for name in CANDIDATES for kind in sets}
    size: dict[tuple[str, str], float] = {}
    for _ in range(args.rounds):
        for name, params in CANDIDATES.items():
            for kind, images in sets.items():
                started = time.thread_time()
                total = sum(len(encode(image, params)) for image in images)
                spent = (time.thread_time() - started) * 1000 / len(images)
                best[name, kind] = min(best[name, kind], spent)
                size[name, kind] = total / len(images) / 1000
    print(f"{args.images} distinct London photos: face crops and 675-px frames (body); "
          f"CPU ms per image (encode + base64), best of {args.rounds}; all lossless")
    print(f"{'setting':<20}{'face ms':>9}{'face KB':>9}{'body ms':>9}{'body KB':>9}"
          f"{'x before':>10}")
    before = best["level 1 (before)", "body"]
    for name in CANDIDATES:
        print(f"{name:<20}{best[name, 'face']:9.2f}{size[name, 'face']:9.1f}"
              f"{best[name, 'body']:9.2f}{size[name, 'body']:9.1f}"
              f"{before / best[name, 'body']:10.2f}")


if __name__ == "__main__":
    main()

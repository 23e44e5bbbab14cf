"""Lossless PNG settings for the data URLs sent to MLLM endpoints: CPU time and size, one run.

    python bench/png_encoding.py [--data ../shared/data/faces/london] [--images 60] [--rounds 6]

For ``--images`` distinct London photos (the 675-px frame, as a body crop), their labelled face
crops, and the same face crops under ``gaussian_noise`` severity 3 (pixels that hardly compress),
each candidate encodes every image (RGB->BGR swap, ``cv2.imencode``, base64); the figure is the
thread CPU time per image, best of ``--rounds`` interleaved rounds (CPU time, not wall time, so a
loaded machine disturbs it less), and the mean base64 payload. Every candidate is checked
lossless. ``in use`` is ``png_data_url`` itself: its compressibility estimate, then zlib with its
settings, or a stored PNG for pixels that would not compress.
"""

from __future__ import annotations

import argparse
import base64
import time
from collections.abc import Callable
from pathlib import Path

import cv2
import numpy as np

import perturbations
from robustness import load_dataset
from robustness._datasets import load_sample_image
from robustness._materialize import crop
from robustness._models._openai import png_data_url

DEFAULT_DATA = Path(__file__).resolve().parents[2] / "shared" / "data" / "faces" / "london"

def with_params(params: list[int]) -> Callable[[np.ndarray], bytes]:
    def encode(image: np.ndarray) -> bytes:
        ok, encoded = cv2.imencode(".png", cv2.cvtColor(image, cv2.COLOR_RGB2BGR), params)
        assert ok
        return base64.b64encode(encoded.tobytes())

    return encode


CANDIDATES: dict[str, Callable[[np.ndarray], bytes]] = {
    "level 1 (before)": with_params([cv2.IMWRITE_PNG_COMPRESSION, 1]),
    "OpenCV defaults": with_params([]),
    "level 0 (stored)": with_params([cv2.IMWRITE_PNG_COMPRESSION, 0]),
    "level 1, up filter": with_params([cv2.IMWRITE_PNG_COMPRESSION, 1, cv2.IMWRITE_PNG_FILTER,
                                       cv2.IMWRITE_PNG_FILTER_UP]),
    "in use": lambda image: png_data_url(image).split(",", 1)[1].encode(),
}


def load(root: Path, count: int) -> dict[str, list[np.ndarray]]:
    """Distinct photos as a run reads them: face crops, noisy face crops, whole frames."""
    dataset = load_dataset(root)
    sets: dict[str, list[np.ndarray]] = {"face": [], "noisy face": [], "body": []}
    for sample in dataset.samples[:count]:
        photo = load_sample_image(sample, root=dataset.root)
        assert sample.face_box is not None
        boxes = perturbations.Boxes(face=sample.face_box)
        noisy, _ = perturbations.apply("gaussian_noise", photo, boxes, 3,
                                       np.random.default_rng(len(sets["face"])))
        sets["face"].append(crop(photo, sample.face_box))
        sets["noisy face"].append(crop(noisy, sample.face_box))
        sets["body"].append(photo)
    return sets


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA,
                        help="London face set folder. Default: %(default)s")  # fmt: skip
    parser.add_argument("--images", type=int, default=60,
                        help="distinct photos. Default: %(default)s")  # fmt: skip
    parser.add_argument("--rounds", type=int, default=6,
                        help="interleaved rounds, best kept. Default: %(default)s")  # fmt: skip
    args = parser.parse_args()
    sets = load(args.data, args.images)
    for encode in CANDIDATES.values():
        for images in sets.values():
            for image in images[:3]:
                decoded = cv2.imdecode(np.frombuffer(base64.b64decode(encode(image)), np.uint8),
                                       cv2.IMREAD_COLOR)
                assert np.array_equal(cv2.cvtColor(decoded, cv2.COLOR_BGR2RGB), image), "lossy"
    best = {(name, kind): float("inf") for name in CANDIDATES for kind in sets}
    size: dict[tuple[str, str], float] = {}
    for _ in range(args.rounds):
        for name, encode in CANDIDATES.items():
            for kind, images in sets.items():
                started = time.thread_time()
                total = sum(len(encode(image)) for image in images)
                spent = (time.thread_time() - started) * 1000 / len(images)
                best[name, kind] = min(best[name, kind], spent)
                size[name, kind] = total / len(images) / 1000
    print(f"{args.images} distinct London photos: face crops, the same under gaussian_noise "
          f"severity 3, and 675-px frames (body); CPU ms per image (encode + base64), best of "
          f"{args.rounds}; all lossless")
    print(f"{'setting':<20}" + "".join(f"{kind + ' ms':>15}{kind + ' KB':>15}" for kind in sets)
          + f"{'x before (body)':>17}")
    before = best["level 1 (before)", "body"]
    for name in CANDIDATES:
        print(f"{name:<20}" + "".join(f"{best[name, kind]:15.2f}{size[name, kind]:15.1f}"
                                      for kind in sets)
              + f"{before / best[name, 'body']:17.2f}")


if __name__ == "__main__":
    main()

"""The embedded model's throughput against its networks' own batched throughput, in one run.

    python bench/embedded_batching.py [--data ../shared/data/faces/london] [--faces 200]

Over the same distinct London face crops (one per photo), each timed as the best of
``--repeats`` passes after a warm-up pass:

- ``per-face``: the package's public ``AgeAndGender.predict_face``, one face per call;
- ``networks``: both ONNX networks alone over the crops' aligned chips (aligned beforehand, not
  timed), batched, called one after the other as the package configures them (one intra-op
  thread per session) — the networks' own batched throughput, the target's reference;
- ``networks ||``: the same two networks run side by side in two threads (what the networks
  could give with two cores and no alignment at all), printed for context;
- ``adapter``: the suite's ``EmbeddedModel.predict_batch`` — alignment included — at 1 thread
  and at ``--threads`` (default: the cores).

The target: adapter faces/s >= 0.8 x ``networks`` on the same chips. The machine's load is
printed; on a shared machine compare the ratios, which are measured within one run. CPU ms per
face (this process, all threads) is printed too: it shows what alignment costs on top of the
networks even when other work leaves no core free for the threads to overlap it.
"""

from __future__ import annotations

import argparse
import os
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np

from robustness import load_dataset
from robustness._datasets import load_sample_image
from robustness._materialize import crop
from robustness._models import ModelInput
from robustness._models._embedded import EmbeddedModel

DEFAULT_DATA = Path(__file__).resolve().parents[2] / "shared" / "data" / "faces" / "london"


def load_crops(root: Path, count: int) -> list[np.ndarray]:
    """One labelled face crop per photo: ``count`` distinct faces, read as a run reads them."""
    dataset = load_dataset(root)
    samples = dataset.samples[:count]
    return [crop(load_sample_image(s, root=dataset.root), s.face_box)  # type: ignore[arg-type]
            for s in samples]


def best_of(repeats: int, action: Callable[[], object]) -> tuple[float, float]:
    """The best wall seconds and the best CPU seconds (this process, all threads) of a pass."""
    action()  # warm-up: session creation and caches
    walls, cpus = [], []
    for _ in range(repeats):
        started, cpu = time.perf_counter(), time.process_time()
        action()
        walls.append(time.perf_counter() - started)
        cpus.append(time.process_time() - cpu)
    return min(walls), min(cpus)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA,
                        help="London face set folder. Default: %(default)s")  # fmt: skip
    parser.add_argument("--faces", type=int, default=200,
                        help="distinct faces (one per photo). Default: %(default)s")  # fmt: skip
    parser.add_argument("--batch", type=int, default=128,
                        help="adapter batch size. Default: %(default)s")  # fmt: skip
    parser.add_argument("--threads", type=int, default=os.cpu_count() or 1,
                        help="adapter threads. Default: the cores, %(default)s")  # fmt: skip
    parser.add_argument("--repeats", type=int, default=3,
                        help="timed passes, best kept. Default: %(default)s")  # fmt: skip
    args = parser.parse_args()

    faces = load_crops(args.data, args.faces)
    n = len(faces)
    inputs = [ModelInput(face=face) for face in faces]
    one = EmbeddedModel(batch_size=args.batch, threads=1)
    many = EmbeddedModel(batch_size=args.batch, threads=args.threads)
    predictor = one.predictor
    frontend = predictor._ensure_frontend()
    gender_net, age_net = predictor._engine.gender, predictor._engine.age
    sizes = (gender_net.spec.chip_size, age_net.spec.chip_size)
    chips = [frontend.crop_chips(np.ascontiguousarray(face), sizes) for face in faces]
    gender_chips, age_chips = [c[0] for c in chips], [c[1] for c in chips]

    def batches(model: EmbeddedModel) -> Callable[[], None]:
        def run() -> None:
            for start in range(0, n, args.batch):
                model.predict_batch(inputs[start : start + args.batch])

        return run

    def networks() -> None:
        for start in range(0, n, args.batch):
            gender_net.probabilities(gender_chips[start : start + args.batch])
            age_net.probabilities(age_chips[start : start + args.batch])

    with ThreadPoolExecutor(2) as pair:

        def networks_side_by_side() -> None:
            for start in range(0, n, args.batch):
                g = pair.submit(gender_net.probabilities, gender_chips[start : start + args.batch])
                age_net.probabilities(age_chips[start : start + args.batch])
                g.result()

        timings: dict[str, tuple[float, float]] = {
            "per-face": best_of(args.repeats, lambda: [predictor.predict_face(f) for f in faces]),
            "networks": best_of(args.repeats, networks),
            "networks ||": best_of(args.repeats, networks_side_by_side),
            "adapter, 1 thread": best_of(args.repeats, batches(one)),
            f"adapter, {args.threads} threads": best_of(args.repeats, batches(many)),
        }
    one.close()
    many.close()

    print(f"embedded model: {n} distinct London face crops, batch {args.batch}, best of "
          f"{args.repeats}; {os.cpu_count()} CPUs, "
          f"load average {os.getloadavg()[0]:.1f}")
    print(f"{'mode':<22} {'faces/s':>9} {'ms/face':>8} {'x networks':>11} {'CPU ms/face':>12}")
    reference, reference_cpu = timings["networks"]
    for mode, (seconds, cpu) in timings.items():
        print(f"{mode:<22} {n / seconds:9.1f} {1000 * seconds / n:8.2f} "
              f"{reference / seconds:11.2f} {1000 * cpu / n:12.2f}")
    best = min(timings["adapter, 1 thread"][0], timings[f"adapter, {args.threads} threads"][0])
    print(f"adapter / networks' own batched throughput: {reference / best:.2f}x wall "
          f"(target >= 0.8); in CPU per face, networks / adapter: "
          f"{reference_cpu / timings['adapter, 1 thread'][1]:.2f}x (what the alignment adds, "
          f"whatever the machine's load; the threads hide it only where a core is free)")


if __name__ == "__main__":
    main()

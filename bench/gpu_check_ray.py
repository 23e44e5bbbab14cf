"""GPU check of the Ray executor: MiVOLO-interface replicas as Ray actors, one GPU each.

    python3 bench/gpu_check_ray.py                  # exit 0: agree; 1: disagree; 2: no CUDA
    python3 bench/gpu_check_ray.py --device cpu     # the same on the CPU, where no GPU is lent

Builds the tests' tiny MiVOLO-interface model (``tests/models/hf_fixtures.py``) in a temporary
folder, starts a local Ray instance with the machine's GPUs and hands the model to
``RayExecutor.model`` as ``robustness run --executor ray --model mivolo-v2`` does: one actor per
GPU, each built from the model's name and settings (weights loaded once per actor). 64 distinct
face + body crops stream through the actors and through the adapter in this process on the same
device, after a few other crops through each to load the weights. Printed: the GPUs the actors
hold (all of them, one each, on a GPU machine), both wall times, and whether ages agree within
1e-3 and genders are equal.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests" / "models")]

import numpy as np  # noqa: E402
import ray  # noqa: E402
import torch  # noqa: E402
from hf_fixtures import build_tiny_mivolo, sample_crop  # noqa: E402

from robustness._models import ModelInput, ModelSettings, Request, build_model  # noqa: E402
from robustness._ray import RayExecutor  # noqa: E402
from robustness._types import Prediction  # noqa: E402

CROPS = 64
WARM_UP = 8  # crops of their own, not timed: the weights load on a first batch


def streamed(model: object, inputs: list[ModelInput]) -> tuple[list[Prediction], float]:
    """Every input through ``predict_stream`` (replicas in parallel), in input order."""
    answers: dict[str, Prediction] = {}
    requests = (Request(str(i), item, str(i)) for i, item in enumerate(inputs))
    started = time.perf_counter()
    model.predict_stream(requests, answers.__setitem__)  # type: ignore[attr-defined]
    return [answers[str(i)] for i in range(len(inputs))], time.perf_counter() - started


def check(device: str) -> list[str]:
    """Run the crops locally and through Ray actors on ``device``; return what disagreed."""
    rng = np.random.default_rng(0)
    crops = [ModelInput(face=sample_crop(rng, 30 + i % 17, 24 + i % 13),
                        body=sample_crop(rng, 90, 40 + i % 9) if i % 4 else None)
             for i in range(WARM_UP + CROPS)]  # every one distinct
    warm_up, inputs = crops[:WARM_UP], crops[WARM_UP:]
    gpus = torch.cuda.device_count() if device == "cuda" else 0
    ray.init(num_cpus=2, num_gpus=gpus, include_dashboard=False, log_to_driver=False)
    try:
        with tempfile.TemporaryDirectory() as folder:
            settings = ModelSettings(model_name=str(build_tiny_mivolo(Path(folder))),
                                     device=device)
            local = build_model("mivolo-v2", settings)
            streamed(local, warm_up)
            here, here_s = streamed(local, inputs)
            executor = RayExecutor(address=None, recipes={id(local): ("mivolo-v2", settings)})
            remote = executor.model(local)
            streamed(remote, warm_up)
            there, there_s = streamed(remote, inputs)
            # While the actors live, what they hold is what the instance no longer has free.
            total, free = ray.cluster_resources(), ray.available_resources()
            held = {kind: total.get(kind, 0) - free.get(kind, 0) for kind in ("GPU", "CPU")}
            executor.close()
    finally:
        ray.shutdown()
    print(f"device={device}; GPUs in the Ray instance: {gpus}; held by the model's actors: "
          f"{held['GPU']:g} GPU, {held['CPU']:g} CPU")
    print(f"{CROPS} crops: this process {here_s * 1000:.0f} ms, Ray actors {there_s * 1000:.0f} ms")
    failures = []
    if device == "cuda" and held["GPU"] != gpus:  # one actor per GPU, each holding one
        failures.append(f"the actors hold {held['GPU']:g} of {gpus} GPUs")
    for mine, theirs in zip(here, there, strict=True):
        ages = (mine.age, theirs.age)
        if ages[0] is None or ages[1] is None or abs(ages[0] - ages[1]) > 1e-3 \
                or mine.gender != theirs.gender:
            failures.append(f"{mine.age} {mine.gender} != {theirs.age} {theirs.gender} "
                            f"({theirs.error})")
    return failures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--device", choices=("cuda", "cpu"), default="cuda")
    args = parser.parse_args()
    if args.device == "cuda" and not torch.cuda.is_available():
        print("FAIL: torch.cuda.is_available() is False: run this on a machine with CUDA, or "
              "pass --device cpu", file=sys.stderr)
        sys.exit(2)
    # Both sides compute in full float32: TF32 could move ages past the tolerance.
    torch.backends.cudnn.allow_tf32 = torch.backends.cuda.matmul.allow_tf32 = False
    problems = check(args.device)
    print("\n".join(["FAIL:"] + problems) if problems else
          f"OK: the Ray actors agree with this process on {args.device}")
    sys.exit(1 if problems else 0)


if __name__ == "__main__":
    main()

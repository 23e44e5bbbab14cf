"""The suite's MLLM path vs a plain sequential openai loop, against the simulated server.

    python bench/mllm_throughput.py [--requests 1000] [--latency-ms 200] [--concurrency 32]

The simulated server answers every request after at least ``--latency-ms``. The suite sends
``--requests`` requests (London faces × prompt variants × repeats, through the same runner and
store as ``robustness run``); the baseline sends the same kind of request one after another with
the ``openai`` client, as a user's own loop would. Printed: both wall times, their ratio, and the
suite's ratio to the ideal ``requests × latency / concurrency``.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
from openai import OpenAI

from prompts import get_variant
from robustness import (
    ModelSettings,
    RunOptions,
    Sample,
    load_dataset,
    load_image,
    run_evaluation,
)
from robustness._materialize import crop
from robustness._models._openai import png_data_url

DEFAULT_DATA = Path(__file__).resolve().parents[2] / "shared" / "data" / "faces" / "london"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--requests", type=int, default=1000)
    parser.add_argument("--sequential", type=int, default=None,
                        help="requests for the sequential loop (default: --requests)")
    parser.add_argument("--latency-ms", type=float, default=200.0)
    parser.add_argument("--concurrency", type=int, default=32)
    parser.add_argument("--input-mode", choices=("face", "body"), default="face",
                        help="crop sent: face (~100 KB PNG) or body (the full 675-px frame, "
                             "~630 KB PNG); on a 2-core machine that also runs the server, "
                             "body-sized payloads make the test CPU-bound")
    args = parser.parse_args()

    prompts, repeats = ("baseline", "json", "number-only", "gender-first"), 5
    samples = -(-args.requests // (len(prompts) * repeats))
    # The server runs in its own process, as a real vLLM server would: sharing this process's
    # GIL would charge its work to the client.
    server = subprocess.Popen(
        [sys.executable, "-m", "robustness", "serve-sim", "--port", "0", "--latency-ms",
         str(args.latency_ms), "--refusal-rate", "0"],
        stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
    )
    assert server.stdout is not None
    base_url = server.stdout.readline().strip()
    try:
        suite_s, loop_s, sent, count, samples = measure(args, base_url, prompts, repeats, samples)
    finally:
        server.terminate()
        server.wait()
    print_figures(args, suite_s, loop_s, sent, count, samples, prompts, repeats)


def crop_for(sample: Sample, root: Path, mode: str) -> np.ndarray:
    image = load_image(sample.image_path, root=root)
    return crop(image, sample.face_box) if mode == "face" and sample.face_box else image


def measure(args: argparse.Namespace, base_url: str, prompts: tuple[str, ...], repeats: int,
            samples: int) -> tuple[float, float, int, int, int]:
    with tempfile.TemporaryDirectory() as folder:
        options = RunOptions(
            data=args.data, models=("llava",), perturbations=(), prompts=prompts,
            repeats=repeats, limit=samples, store=Path(folder) / "bench.sqlite",
            model_settings=ModelSettings(base_url=base_url, concurrency=args.concurrency,
                                         input_mode=args.input_mode),
        )
        started = time.perf_counter()
        result = run_evaluation(options)
        suite_s = time.perf_counter() - started
        sent = result.stats.model_calls

        count = args.sequential or sent
        dataset = load_dataset(args.data)
        images = [png_data_url(crop_for(s, dataset.root, args.input_mode))
                  for s in dataset.samples[:samples]]
        client = OpenAI(base_url=base_url, api_key="EMPTY", max_retries=0)
        variants = [get_variant(p) for p in prompts]
        started = time.perf_counter()
        for index in range(count):
            variant = variants[index % len(variants)]
            client.chat.completions.create(model="llava", temperature=0, max_tokens=300,
                messages=[{"role": "user", "content": [
                    {"type": "text", "text": variant.user},
                    {"type": "image_url", "image_url": {"url": images[index % len(images)],
                                                        "detail": "high"}}]}])
        loop_s = (time.perf_counter() - started) * sent / count
    return suite_s, loop_s, sent, count, samples


def print_figures(args: argparse.Namespace, suite_s: float, loop_s: float, sent: int,
                  count: int, samples: int, prompts: tuple[str, ...], repeats: int) -> None:
    ideal = sent * args.latency_ms / 1000 / args.concurrency
    print(f"simulated server (own process), {args.latency_ms:g} ms per request; {sent} requests "
          f"({samples} London {args.input_mode} crops x {len(prompts)} prompts x {repeats} "
          f"repeats)")
    print(f"suite, {args.concurrency} in flight:  {suite_s:7.2f} s  (ideal {ideal:.2f} s, "
          f"ratio to ideal {suite_s / ideal:.2f})")
    scaled = "" if count == sent else f", measured on {count} and scaled"
    print(f"sequential openai loop:     {loop_s:7.2f} s{scaled}")
    print(f"speed-up suite / sequential: {loop_s / suite_s:.1f}x")


if __name__ == "__main__":
    main()

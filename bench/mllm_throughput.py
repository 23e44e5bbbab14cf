"""The MLLM path as users run it: distinct images, 1 and N preparing workers, in one run.

    python bench/mllm_throughput.py [--samples 200] [--replicates 2] [--latency-ms 200]
                                    [--concurrency 32] [--modes face body] [--workers 1 2]
                                    [--server latency|sim]

Every request carries a DISTINCT image, as in a real study: ``--samples`` London photos, each clean
and under ``gaussian_noise`` at severities 1-5 × ``--replicates`` (every replicate draws new
noise), so ``samples × (1 + 5 × replicates)`` requests (2,200 by default), one prompt, one repeat.
The count of distinct image digests in the store is printed to prove it.

The server runs in its own process (as a vLLM server would), ``--latency-ms`` per answer: by
default a latency server that reads each request and sends one fixed answer labelled simulated
(it decodes nothing, so on a small machine the cores go to the client), or ``--server sim``, the
simulated MLLM (it scores every new image with the embedded model). Each configuration runs in its
own child process through ``run_evaluation`` (the runner and store behind ``robustness run``) on a
fresh store: per mode, "before" (the client as it was when the throughput work began, emulated in
one process by ``emulate_before``), then ``--workers`` 1 and N. Printed, measured in the same run:
wall time against the ideal ``requests × latency / concurrency``, the client's CPU per request
(the driver's threads plus its worker processes, user + system, the run only) and the driver's
peak resident memory.

Then the CPU-bound part alone: body crops prepared (decode, perturb, crop, digest, PNG) by a pool
of 1 and of N workers with no server at all, as requests per second and their ratio.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import resource
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from robustness import ModelSettings, RunOptions, run_evaluation
from robustness._workers import default_workers


def process_cpu_s(pid: int) -> float:
    """User + system CPU seconds of a running process (Linux ``/proc``; 0 elsewhere)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


DEFAULT_DATA = Path(__file__).resolve().parents[2] / "shared" / "data" / "faces" / "london"
FAMILY = "gaussian_noise"  # drawn from the item's rng: each replicate is new pixels
ANSWER = json.dumps({
    "id": "chatcmpl-latency", "object": "chat.completion", "created": 0, "model": "latency",
    "system_fingerprint": "simulated", "usage": {"prompt_tokens": 1, "completion_tokens": 1,
                                                 "total_tokens": 2},
    "choices": [{"index": 0, "finish_reason": "stop", "message": {
        "role": "assistant", "content": "The person looks about 35 years old and is male."}}],
}).encode()


def latency_server(latency_ms: float) -> None:
    """Answer every POST with ANSWER after ``latency_ms`` (HTTP/1.1, keep-alive); print the URL."""

    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while True:
                head = await reader.readuntil(b"\r\n\r\n")
                length = 0
                for line in head.split(b"\r\n"):
                    if line.lower().startswith(b"content-length:"):
                        length = int(line.split(b":", 1)[1])
                await reader.readexactly(length)
                await asyncio.sleep(latency_ms / 1000)
                writer.write(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                             b"Content-Length: %d\r\n\r\n%s" % (len(ANSWER), ANSWER))
                await writer.drain()
        except (asyncio.IncompleteReadError, ConnectionError):
            writer.close()

    async def serve() -> None:
        server = await asyncio.start_server(handle, "127.0.0.1", 0, limit=2**26)
        print(f"http://127.0.0.1:{server.sockets[0].getsockname()[1]}/v1", flush=True)
        await server.serve_forever()

    asyncio.run(serve())


def cpu_bound(args: argparse.Namespace) -> None:
    """Prepare the body-crop plan with a pool of ``--workers`` and no server; print requests/s."""
    from robustness._api import plan_run
    from robustness._prepare import unfinished_items
    from robustness._workers import PoolPreparer

    with tempfile.TemporaryDirectory() as folder:
        plan = plan_run(RunOptions(
            data=args.data, models=("llava",), perturbations=(FAMILY,),
            replicates=args.replicates, limit=args.samples, store=Path(folder) / "s.sqlite",
            model_settings=ModelSettings(base_url="http://127.0.0.1:9/v1", input_mode="body")))
        preparer = PoolPreparer(plan.jobs, plan.dataset.root, seed=0, face_margin=0.0,
                                workers=args.prepare_only)
        work = ((index, unfinished_items(sample, index, plan.conditions, plan.jobs, set()))
                for index, sample in enumerate(plan.dataset.samples))
        started = time.perf_counter()
        count = sum(len(items) for _, items in preparer.stream(
            plan.dataset.root, plan.dataset.samples, work))
        wall_s = time.perf_counter() - started
        preparer.close()
        for model in plan.models:
            model.close()
    print(json.dumps({"requests": count, "wall_s": wall_s}))


def emulate_before() -> None:
    """Put back, in this process, what the client did before the throughput work (the baseline
    the targets are stated against): PNG at zlib level 1 with adaptive filters; Gaussian noise
    drawn as float32 over the whole frame; every perturbation on the whole frame (no regions);
    the request through the SDK's typed ``chat.completions.create``."""
    import cv2
    import numpy as np

    from perturbations import _pixel, _registry
    from robustness._models import _openai, _pool

    def whole_frame_noise(image: np.ndarray, std: float, rng: np.random.Generator,
                          origin: tuple[int, int] = (0, 0)) -> np.ndarray:
        noise = rng.standard_normal(image.shape, dtype=np.float32)
        noise *= np.float32(std * 255.0)
        noise += image
        return np.clip(np.rint(noise), 0, 255).astype(np.uint8)

    async def typed_create(self: _pool.PoolClient, body: dict) -> object:
        index = await self._acquire()
        try:
            response = await self._clients[index].chat.completions.create(**body)
        except BaseException:
            await self._release(index, failed=True)
            raise
        await self._release(index, failed=False)
        return response

    def body_dict(body: dict, data_url: str | None) -> dict:
        return json.loads(json.dumps(body).replace(_openai.IMAGE_SLOT, data_url or ""))

    _openai._PNG_PARAMS = [cv2.IMWRITE_PNG_COMPRESSION, 1]
    _openai._STORE_ABOVE = float("inf")  # every image compressed
    _pixel.gaussian_noise = whole_frame_noise
    _registry._REACH.clear()
    _openai.request_json = body_dict
    _pool.PoolClient.complete = typed_create


def child(args: argparse.Namespace) -> None:
    """One input mode's run; prints its figures as one JSON line."""
    with tempfile.TemporaryDirectory() as folder:
        store = Path(folder) / "bench.sqlite"
        options = RunOptions(
            data=args.data, models=("llava",), perturbations=(FAMILY,),
            replicates=args.replicates, limit=args.samples, store=store,
            model_settings=ModelSettings(base_url=args.base_url, concurrency=args.concurrency,
                                         input_mode=args.mode),
            workers=args.run_workers,
        )
        if args.before:
            emulate_before()
        rss_before_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        cpu_before = resource.getrusage(resource.RUSAGE_SELF)
        started = time.perf_counter()
        result = run_evaluation(options)
        wall_s = time.perf_counter() - started
        cpu_after = resource.getrusage(resource.RUSAGE_SELF)
        with sqlite3.connect(store) as db:
            distinct = db.execute("SELECT COUNT(DISTINCT image_sha256) FROM items").fetchone()[0]
    cpu_s = (cpu_after.ru_utime - cpu_before.ru_utime) + (cpu_after.ru_stime - cpu_before.ru_stime)
    worker_s = result.stats.worker_cpu_s
    print(json.dumps({
        "cpu_s": cpu_s + worker_s, "worker_s": worker_s,
        "wall_s": wall_s, "execute_s": result.stats.seconds, "calls": result.stats.model_calls,
        "requests": result.stats.requests, "errors": result.stats.errors, "distinct": distinct,
        "peak_mb": cpu_after.ru_maxrss / 1024, "before_mb": rss_before_kb / 1024,
    }))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA,
                        help="London face set folder. Default: %(default)s")  # fmt: skip
    parser.add_argument("--samples", type=int, default=200,
                        help="distinct photos. Default: %(default)s")  # fmt: skip
    parser.add_argument("--replicates", type=int, default=2,
                        help="noise replicates per severity. Default: %(default)s")  # fmt: skip
    parser.add_argument("--latency-ms", type=float, default=200.0,
                        help="server latency per answer. Default: %(default)s")  # fmt: skip
    parser.add_argument("--concurrency", type=int, default=32,
                        help="requests in flight. Default: %(default)s")  # fmt: skip
    parser.add_argument("--modes", nargs="+", choices=("face", "body"), default=["face", "body"],
                        help="crops to send. Default: %(default)s")  # fmt: skip
    parser.add_argument("--workers", nargs="+", type=int,
                        default=sorted({1, default_workers()}),
                        help="preparing processes to compare. Default: %(default)s")  # fmt: skip
    parser.add_argument("--server", choices=("latency", "sim"), default="latency",
                        help="fixed-answer latency server or the simulated MLLM. "
                             "Default: %(default)s")  # fmt: skip
    parser.add_argument("--mode", choices=("face", "body"), help=argparse.SUPPRESS)
    parser.add_argument("--base-url", help=argparse.SUPPRESS)
    parser.add_argument("--run-workers", type=int, default=1, help=argparse.SUPPRESS)
    parser.add_argument("--before", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--prepare-only", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--latency-server", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.latency_server:
        latency_server(args.latency_ms)
        return
    if args.prepare_only is not None:
        cpu_bound(args)
        return
    if args.mode is not None:
        child(args)
        return

    serve = ([sys.executable, __file__, "--latency-server"] if args.server == "latency" else
             [sys.executable, "-m", "robustness", "serve-sim", "--port", "0", "--refusal-rate",
              "0"])
    server = subprocess.Popen(serve + ["--latency-ms", str(args.latency_ms)],
                              stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    assert server.stdout is not None
    base_url = server.stdout.readline().strip()
    load = os.getloadavg()[0]
    print(f"{args.server} server (own process, answers labelled simulated), "
          f"{args.latency_ms:g} ms per answer, "
          f"{args.concurrency} in flight; {os.cpu_count()} CPUs, load average {load:.1f} at the "
          f"start (a loaded machine stretches wall times; compare within one run)", flush=True)
    print(f"{'crop':<6}{'client':<11}{'requests':>9}{'distinct':>9}{'errors':>7}{'wall s':>8}"
          f"{'ideal s':>8}{'x ideal':>8}{'sending':>8}{'CPU ms/req':>11}{'workers':>8}"
          f"{'peak MB':>9}"
          f"{'(before)':>9}{'server CPU':>11}", flush=True)
    try:
        runs = [(mode, "before", 1) for mode in args.modes]
        runs += [(mode, f"{w} worker{'s' * (w > 1)}", w) for mode in args.modes
                 for w in args.workers]
        for mode, label, workers in sorted(runs, key=lambda run: args.modes.index(run[0])):
            command = [sys.executable, __file__, "--mode", mode, "--base-url", base_url,
                       "--data", str(args.data), "--samples", str(args.samples),
                       "--replicates", str(args.replicates), "--run-workers", str(workers),
                       "--concurrency", str(args.concurrency)] + ["--before"] * (label == "before")
            server_before = process_cpu_s(server.pid)
            out = subprocess.run(command, check=True, capture_output=True, text=True).stdout
            f = json.loads(out.strip().splitlines()[-1])
            server_cpu_s = process_cpu_s(server.pid) - server_before
            ideal = f["calls"] * args.latency_ms / 1000 / args.concurrency
            calls = max(1, f["calls"])
            print(f"{mode:<6}{label:<11}{f['calls']:>9}{f['distinct']:>9}{f['errors']:>7}{f['wall_s']:8.2f}"
                  f"{ideal:8.2f}{f['wall_s'] / ideal:8.2f}{f['execute_s'] / ideal:8.2f}"
                  f"{1000 * f['cpu_s'] / calls:11.1f}"
                  f"{1000 * f['worker_s'] / calls:8.1f}"
                  f"{f['peak_mb']:9.0f}{f['before_mb']:9.0f}{1000 * server_cpu_s / calls:11.1f}",
                  flush=True)
    finally:
        server.terminate()
        server.wait()
    print("x ideal: the whole run (start-up, planning, sending, summary) against the ideal; "
          "sending: the run's execution alone (preparing and sending, from the first sample "
          "to the last answer stored), against the same ideal")
    print("CPU ms/req: the client's CPU per request, its worker processes included (workers: "
          "theirs alone); server CPU: "
          "the server's CPU per request, which shares this machine's cores with the client")
    rates = {}
    for workers in sorted({1, *args.workers}):
        out = subprocess.run(
            [sys.executable, __file__, "--prepare-only", str(workers), "--data", str(args.data),
             "--samples", str(args.samples), "--replicates", str(args.replicates)],
            check=True, capture_output=True, text=True).stdout
        f = json.loads(out.strip().splitlines()[-1])
        rates[workers] = f["requests"] / f["wall_s"]
        print(f"CPU-bound, body crops prepared by {workers} worker{'s' * (workers > 1)}: "
              f"{f['requests']} in {f['wall_s']:.2f} s, {rates[workers]:.0f} requests/s, "
              f"{rates[workers] / rates[1]:.2f}x one worker", flush=True)
    print(f"load average {os.getloadavg()[0]:.1f} at the end")

if __name__ == "__main__":
    main()

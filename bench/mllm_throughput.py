"""The MLLM path as users run it: distinct images, against the simulated server, in one run.

    python bench/mllm_throughput.py [--samples 200] [--replicates 1] [--latency-ms 200]
                                    [--concurrency 32] [--modes face body]

Every request carries a DISTINCT image, as in a real study: ``--samples`` London photos, each clean
and under ``gaussian_noise`` at severities 1-5 × ``--replicates`` (every replicate draws new
noise), so ``samples × (1 + 5 × replicates)`` requests (1,200 by default), one prompt, one repeat.
The count of distinct image digests in the store is printed to prove it.

The simulated server runs in its own process (as a vLLM server would) with ``--latency-ms`` per
answer; each input mode runs in its own child process, through ``run_evaluation`` (the runner and
store behind ``robustness run``), on a fresh store. Printed per mode, measured in the same run:
wall time against the ideal ``requests × latency / concurrency``, the client's CPU time per
request (all its threads, user + system, the run only: imports excluded), and the client's peak
resident memory (imports included; the resident size before the run is printed beside it); and
the simulated server's CPU per request, which on a small machine competes with the client.
"""

from __future__ import annotations

import argparse
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


def process_cpu_s(pid: int) -> float:
    """User + system CPU seconds of a running process (Linux ``/proc``; 0 elsewhere)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


DEFAULT_DATA = Path(__file__).resolve().parents[2] / "shared" / "data" / "faces" / "london"
FAMILY = "gaussian_noise"  # drawn from the item's rng: each replicate is new pixels


def child(args: argparse.Namespace) -> None:
    """One input mode's run; prints its figures as one JSON line."""
    with tempfile.TemporaryDirectory() as folder:
        store = Path(folder) / "bench.sqlite"
        options = RunOptions(
            data=args.data, models=("llava",), perturbations=(FAMILY,),
            replicates=args.replicates, limit=args.samples, store=store,
            model_settings=ModelSettings(base_url=args.base_url, concurrency=args.concurrency,
                                         input_mode=args.mode),
        )
        rss_before_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        cpu_before = resource.getrusage(resource.RUSAGE_SELF)
        started = time.perf_counter()
        result = run_evaluation(options)
        wall_s = time.perf_counter() - started
        cpu_after = resource.getrusage(resource.RUSAGE_SELF)
        with sqlite3.connect(store) as db:
            distinct = db.execute("SELECT COUNT(DISTINCT image_sha256) FROM items").fetchone()[0]
    cpu_s = (cpu_after.ru_utime - cpu_before.ru_utime) + (cpu_after.ru_stime - cpu_before.ru_stime)
    print(json.dumps({
        "wall_s": wall_s, "cpu_s": cpu_s, "calls": result.stats.model_calls,
        "requests": result.stats.requests, "errors": result.stats.errors, "distinct": distinct,
        "peak_mb": cpu_after.ru_maxrss / 1024, "before_mb": rss_before_kb / 1024,
    }))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA,
                        help="London face set folder. Default: %(default)s")  # fmt: skip
    parser.add_argument("--samples", type=int, default=200,
                        help="distinct photos. Default: %(default)s")  # fmt: skip
    parser.add_argument("--replicates", type=int, default=1,
                        help="noise replicates per severity. Default: %(default)s")  # fmt: skip
    parser.add_argument("--latency-ms", type=float, default=200.0,
                        help="server latency per answer. Default: %(default)s")  # fmt: skip
    parser.add_argument("--concurrency", type=int, default=32,
                        help="requests in flight. Default: %(default)s")  # fmt: skip
    parser.add_argument("--modes", nargs="+", choices=("face", "body"), default=["face", "body"],
                        help="crops to send. Default: %(default)s")  # fmt: skip
    parser.add_argument("--mode", choices=("face", "body"), help=argparse.SUPPRESS)
    parser.add_argument("--base-url", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.mode is not None:
        child(args)
        return

    server = subprocess.Popen(
        [sys.executable, "-m", "robustness", "serve-sim", "--port", "0", "--latency-ms",
         str(args.latency_ms), "--refusal-rate", "0"],
        stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
    )
    assert server.stdout is not None
    base_url = server.stdout.readline().strip()
    load = os.getloadavg()[0]
    print(f"simulated server (own process), {args.latency_ms:g} ms per answer, "
          f"{args.concurrency} in flight; {os.cpu_count()} CPUs, load average {load:.1f} at the "
          f"start (a loaded machine stretches wall times; compare within one run)", flush=True)
    print(f"{'crop':<6}{'requests':>9}{'distinct':>9}{'errors':>7}{'wall s':>8}{'ideal s':>8}"
          f"{'x ideal':>8}{'CPU ms/req':>11}{'peak MB':>9}{'(before)':>9}{'server CPU':>11}",
          flush=True)
    try:
        for mode in args.modes:
            command = [sys.executable, __file__, "--mode", mode, "--base-url", base_url,
                       "--data", str(args.data), "--samples", str(args.samples),
                       "--replicates", str(args.replicates),
                       "--concurrency", str(args.concurrency)]
            server_before = process_cpu_s(server.pid)
            out = subprocess.run(command, check=True, capture_output=True, text=True).stdout
            f = json.loads(out.strip().splitlines()[-1])
            server_cpu_s = process_cpu_s(server.pid) - server_before
            ideal = f["calls"] * args.latency_ms / 1000 / args.concurrency
            calls = max(1, f["calls"])
            print(f"{mode:<6}{f['calls']:>9}{f['distinct']:>9}{f['errors']:>7}{f['wall_s']:8.2f}"
                  f"{ideal:8.2f}{f['wall_s'] / ideal:8.2f}{1000 * f['cpu_s'] / calls:11.1f}"
                  f"{f['peak_mb']:9.0f}{f['before_mb']:9.0f}{1000 * server_cpu_s / calls:11.1f}",
                  flush=True)
    finally:
        server.terminate()
        server.wait()
    print("CPU ms/req: the client's CPU per request; server CPU: the simulated server's CPU per "
          "request (it scores each new image with the embedded model), which shares this "
          f"machine's cores with the client; load average {os.getloadavg()[0]:.1f} at the end")

if __name__ == "__main__":
    main()

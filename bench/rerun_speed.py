"""A cold run vs an identical rerun served by the store, measured in the same process.

    python bench/rerun_speed.py [--data ../shared/data/faces/london] [--limit 200]

The acceptance bar: the rerun makes zero model calls and is at least 10x faster. Both runs go
through the same Python API the CLI uses, on a fresh store in a temporary folder; process start-up
(imports) is excluded from both and printed separately.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from robustness._api import RunOptions, run_evaluation

DEFAULT_DATA = Path(__file__).resolve().parents[2] / "shared" / "data" / "faces" / "london"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--limit", type=int, default=200)
    parser.add_argument("--perturbations", default="jpeg,gaussian_blur")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as folder:
        options = RunOptions(
            data=args.data, perturbations=tuple(args.perturbations.split(",")),
            limit=args.limit, store=Path(folder) / "bench.sqlite",
        )
        timings = []
        for label in ("cold run", "identical rerun"):
            started = time.perf_counter()
            result = run_evaluation(options)
            elapsed = time.perf_counter() - started
            timings.append(elapsed)
            stats = result.stats
            print(f"{label:<16} {elapsed:7.2f} s  requests {stats.requests}  "
                  f"model calls {stats.model_calls}  from the store {stats.cache_hits}")
        print(f"rerun speed-up: {timings[0] / timings[1]:.1f}x (in-process)")
        started = time.perf_counter()
        subprocess.run([sys.executable, "-c", "import robustness._cli"], check=True)
        print(f"CLI start-up (imports), paid by both as commands: "
              f"{time.perf_counter() - started:.2f} s")


if __name__ == "__main__":
    main()

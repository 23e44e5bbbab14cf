"""A cold run vs an identical rerun served by the store, each a whole ``robustness run`` process.

    python bench/rerun_speed.py [--data ../shared/data/faces/london] [--limit 200]
                                [--perturbations jpeg,gaussian_blur,crop_jitter,occlusion]

The embedded model over ``--limit`` distinct London photos, clean and under each perturbation at
severities 1-5 (200 × 21 = 4,200 items by default), on a fresh store in a temporary folder. Both
runs are timed from outside, start-up and imports included, as a user waits for them; their CPU
time (user + system) is printed beside the wall time, being less disturbed by a loaded machine.
The acceptance bar: the rerun makes zero model calls and is at least 30x faster, whole process.

The processes run with compiled bytecode, as an installed package has it (pip compiles it at
install time): ``PYTHONDONTWRITEBYTECODE`` is dropped for them and the cache goes to
``PYTHONPYCACHEPREFIX`` in the temporary folder, filled by a first ``robustness models``.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

DEFAULT_DATA = Path(__file__).resolve().parents[2] / "shared" / "data" / "faces" / "london"


def timed(arguments: list[str], environment: dict[str, str]) -> tuple[float, float]:
    """Wall and CPU seconds of one ``python -m robustness`` process."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    subprocess.run([sys.executable, "-m", "robustness", *arguments], check=True,
                   stdout=subprocess.DEVNULL, env=environment)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA,
                        help="London face set folder. Default: %(default)s")  # fmt: skip
    parser.add_argument("--limit", type=int, default=200,
                        help="distinct photos. Default: %(default)s")  # fmt: skip
    parser.add_argument("--perturbations", default="jpeg,gaussian_blur,crop_jitter,occlusion",
                        help="families, at severities 1-5. Default: %(default)s")  # fmt: skip
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as folder:
        environment = {key: value for key, value in os.environ.items()
                       if key != "PYTHONDONTWRITEBYTECODE"}
        environment["PYTHONPYCACHEPREFIX"] = str(Path(folder) / "bytecode")
        timed(["models"], environment)  # compiles the bytecode, as installing would
        summary = Path(folder) / "summary.json"
        command = ["run", "--data", str(args.data), "--limit", str(args.limit),
                   "--perturbations", args.perturbations, "--store", str(Path(folder) / "r.sqlite"),
                   "--json", str(summary)]
        figures = []
        for label in ("cold run", "identical rerun"):
            wall, cpu = timed(command, environment)
            run = json.loads(summary.read_text())["run"]
            figures.append((wall, cpu))
            print(f"{label:<16} {wall:7.2f} s wall  {cpu:7.2f} s CPU  items {run['requests']:,}  "
                  f"model calls {run['model_calls']:,}  from the store {run['cache_hits']:,}",
                  flush=True)
        start_wall, start_cpu = timed(["models"], environment)
    (cold_wall, cold_cpu), (rerun_wall, rerun_cpu) = figures
    print(f"rerun speed-up, whole process: {cold_wall / rerun_wall:.1f}x wall, "
          f"{cold_cpu / rerun_cpu:.1f}x CPU (target >= 30x)")
    print(f"of which start-up (`robustness models`: imports, nothing else): {start_wall:.2f} s "
          f"wall, {start_cpu:.2f} s CPU; {os.cpu_count()} CPUs, load average "
          f"{os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()

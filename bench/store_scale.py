"""The store at a million items: an identical rerun, and the report, each as a whole process.

    python bench/store_scale.py [--replicates 10] [--prompts 4] [--repeats 5] [--keep DIR]

THE STORE IS WRITTEN DIRECTLY, NOT BY A MODEL: this bench plans a real ``robustness run`` (the
London photos, an MLLM at an endpoint that is never contacted, ``--replicates`` × 5 families × 5
severities + clean, ``--prompts`` × ``--repeats``: 200 × 251 × 20 = 1,004,000 items by default),
then writes every planned item straight through ``Store.record`` with SYNTHETIC request keys and
SYNTHETIC predictions (ages drifting with severity, some gender flips and refusals), so no model
is run and no image decoded. That is what a finished run of that size leaves in the store.

Then, as separate processes and timed from outside (start-up and imports included):

- the identical rerun, ``robustness run`` with the same options: it must plan every item, find
  each one finished in the store, make 0 model calls (target: <= 60 s); first computing its
  summary (what the store kept is deleted before it, so ``--reuse`` times the same work again),
  then once more, as a rerun of a finished run is, with the summary kept;
- ``robustness report`` on the run (targets: <= 30 s, <= 20 MB), first as a user meets it after
  the run (the rerun kept its summary and the report's facts: the report reads only its gallery's
  rows), then with nothing kept (as after an upgrade of the suite: every row read, everything
  computed).

Printed: rows, store size, write rate, both wall times, the rerun's model calls and store hits, the
report's size. The machine's load average is printed: a shared machine stretches wall times.
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
from dataclasses import replace
from pathlib import Path

from prompts import PARSER_VERSION
from robustness import ModelSettings, RunOptions, plan_run
from robustness._api import _config
from robustness._prepare import unfinished_items
from robustness._seeding import stable_hash
from robustness._store import Store
from robustness._types import Prediction

DEFAULT_DATA = Path(__file__).resolve().parents[2] / "shared" / "data" / "faces" / "london"
FAMILIES = ("jpeg", "gaussian_noise", "motion_blur", "defocus_blur", "contrast")
PROMPTS = ("baseline", "json", "number-only", "gender-first", "expert-persona", "step-by-step")
# Read by the current parser, as a finished run's answers are: a rerun has nothing to re-parse.
PARSED = {"parser_version": PARSER_VERSION, "parsed_by": "rules", "asks": "age,gender"}
# Port 9 (discard): nothing listens there; a rerun that tried to call the model would fail loudly.
NEVER_CONTACTED = "http://127.0.0.1:9/v1"


def synthetic(key: str, age: float | None, gender: str | None, severity: int) -> Prediction:
    """A made-up answer, deterministic in the key: drift grows with severity; some refusals."""
    draw = int(key[:8], 16) / 0xFFFFFFFF
    if draw < 0.04:
        return Prediction(outcome="refusal", refusal_kind="policy",
                          raw_text="I can't estimate the age of people in images.", **PARSED)
    base = age if age is not None else 35.0
    estimate = base + (draw - 0.5) * (4 + 3 * severity)
    flip = draw > 1 - 0.01 * severity
    said = gender if not flip else ("male" if gender == "female" else "female")
    return Prediction(outcome="answer", age=round(estimate, 1), gender=said,  # type: ignore[arg-type]
                      raw_text=f"The person appears to be about {estimate:.0f} years old, {said}.",
                      latency_ms=200.0, tokens_in=900, tokens_out=14, **PARSED)


def cli_args(args: argparse.Namespace, store: Path) -> list[str]:
    return ["run", "--data", str(args.data), "--model", "llava", "--base-url", NEVER_CONTACTED,
            "--perturbations", ",".join(FAMILIES), "--replicates", str(args.replicates),
            "--prompts", ",".join(PROMPTS[: args.prompts]), "--repeats", str(args.repeats),
            "--store", str(store)]


def write_store(args: argparse.Namespace, store: Path) -> tuple[int, float]:
    options = RunOptions(
        data=args.data, models=("llava",), perturbations=FAMILIES, replicates=args.replicates,
        prompts=PROMPTS[: args.prompts], repeats=args.repeats, store=store,
        model_settings=ModelSettings(base_url=NEVER_CONTACTED),
    )
    plan = plan_run(options)
    written, started = 0, time.perf_counter()
    with Store(store) as db:
        db.begin_run(plan.run_id, _config(plan))
        for position, sample in enumerate(plan.dataset.samples):
            records, fresh = [], {}
            for record, job in unfinished_items(sample, position, plan.conditions,
                                                plan.jobs, set()):
                key = stable_hash("synthetic", *record.identity)
                fresh[key] = (job.model.name, job.model.fingerprint,
                              synthetic(key, sample.age, sample.gender, record.severity))
                records.append(replace(record, request_key=key,
                                       image_sha256=stable_hash("synthetic-image", key)))
            db.record(plan.run_id, records, fresh)
            written += len(records)
    for model in plan.models:
        model.close()
    return written, time.perf_counter() - started


def timed(command: list[str]) -> tuple[float, float]:
    """Wall seconds and CPU seconds (user + system) of one ``robustness`` command."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "robustness", *command], check=False,
                          capture_output=True, text=True)
    elapsed = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode != 0:
        raise SystemExit(f"{command[0]} failed ({done.returncode}):\n{done.stderr}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return elapsed, cpu


def forget_kept(store: Path) -> None:
    """Delete what the store keeps computed from runs' rows (``robustness._summaries``)."""
    with Store(store) as db, db.transaction() as connection:
        connection.execute("DELETE FROM kept")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA,
                        help="London face set folder. Default: %(default)s")  # fmt: skip
    parser.add_argument("--replicates", type=int, default=10,
                        help="replicates per severity. Default: %(default)s")  # fmt: skip
    parser.add_argument("--prompts", type=int, default=4, choices=range(1, len(PROMPTS) + 1),
                        help="prompt variants. Default: %(default)s")  # fmt: skip
    parser.add_argument("--repeats", type=int, default=5,
                        help="repeats per prompt. Default: %(default)s")  # fmt: skip
    parser.add_argument("--keep", type=Path, default=None, metavar="DIR",
                        help="keep the store and report in DIR. "
                             "Default: a temporary folder")
    parser.add_argument("--reuse", action="store_true",
                        help="with --keep: time the rerun and report on the store "
                             "already there")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as scratch:
        folder = args.keep or Path(scratch)
        folder.mkdir(parents=True, exist_ok=True)
        store, report, summary = (folder / "scale.sqlite", folder / "scale.html",
                                  folder / "rerun.json")
        if args.reuse and store.is_file():
            print(f"reusing {store} (written directly by an earlier run of this bench)")
        else:
            for leftover in (store, Path(f"{store}-wal"), Path(f"{store}-shm")):
                leftover.unlink(missing_ok=True)
            items, write_s = write_store(args, store)
            print(f"store WRITTEN DIRECTLY (synthetic keys and predictions, no model run): "
                  f"{items:,} items and as many predictions, written in {write_s:.0f} s "
                  f"({items / write_s:,.0f} items/s)")
        print(f"store file: {store.stat().st_size / 1e6:,.0f} MB")

        forget_kept(store)
        for label in ("summary computed", "summary kept"):
            rerun_s, rerun_cpu = timed([*cli_args(args, store), "--json", str(summary)])
            run = json.loads(summary.read_text())["run"]
            found = run["model_calls"] == 0 and run["cache_hits"] == run["requests"]
            print(f"identical rerun, {label} (whole process): {rerun_s:6.1f} s (target <= 60 s); "
                  f"{run['requests']:,} planned, {run['cache_hits']:,} found in the store, "
                  f"{run['model_calls']} model calls [{'ok' if found else 'FAILED'}]; "
                  f"CPU {rerun_cpu:.1f} s; the runner's own timer (plan and lookup, no start-up "
                  f"or summary): {run['seconds']:.1f} s")

        for label in ("after the rerun", "nothing kept"):
            if label == "nothing kept":
                forget_kept(store)
            report_s, report_cpu = timed(["report", "--store", str(store), "--out", str(report)])
            report_mb = report.stat().st_size / 1e6
            print(f"report, {label} (whole process): {report_s:6.1f} s (target <= 30 s), "
                  f"CPU {report_cpu:.1f} s, {report_mb:.1f} MB (target <= 20 MB)")
    print(f"{os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f} at the end")


if __name__ == "__main__":
    main()

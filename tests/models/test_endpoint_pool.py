"""Endpoint pools: three simulated replicas of one model, one killed mid-run.

Each server's request log is the set of bodies its simulator received (recorded by wrapping
``Simulator.chat``); a body identifies one request (image, prompt, decoding parameters).
"""

from __future__ import annotations

import csv
import hashlib
import threading
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from PIL import Image

from prompts import get_variant
from robustness._exceptions import ConfigError
from robustness._materialize import crop
from robustness._models import ModelInput
from robustness._models._openai import OpenAIModel, OpenAISettings
from robustness._models._pool import EndpointPool, split_urls
from robustness._simserver import SimConfig, SimServer

CONCURRENCY = 4  # per replica


def _logged(server: SimServer) -> list[bytes]:
    """Record the digest of every body the server's simulator receives."""
    log: list[bytes] = []
    lock = threading.Lock()
    simulator = server._simulator
    chat: Callable[[bytes], Any] = simulator.chat

    def recording(body: bytes) -> Any:
        with lock:
            log.append(hashlib.sha256(body).digest())
        return chat(body)

    simulator.chat = recording  # type: ignore[method-assign]
    return log


@pytest.fixture
def replicas() -> Iterator[list[SimServer]]:
    servers = [SimServer(SimConfig(latency_ms=40, refusal_rate=0.05)).start() for _ in range(3)]
    try:
        for server in servers:
            server.warm_up()
        yield servers
    finally:
        for server in servers:
            server.stop()


def _inputs(london: Path, faces: int) -> list[ModelInput]:
    with (london / "labels.csv").open() as handle:
        rows = list(csv.DictReader(handle))[:faces]
    variants = [get_variant(v) for v in ("baseline", "json", "number-only")]
    inputs = []
    for row in rows:
        image = np.asarray(Image.open(london / row["path"]).convert("RGB"))
        box = tuple(float(row[k]) for k in ("face_x0", "face_y0", "face_x1", "face_y1"))
        face = crop(image, box)
        inputs += [ModelInput(face=face, prompt=variant) for variant in variants]
    return inputs


def _model(base_url: str) -> OpenAIModel:
    return OpenAIModel(OpenAISettings(
        name="pool", model="sim-mllm", base_url=base_url, api_key_env=None,
        api_key_required=False, input_mode="face", concurrency=CONCURRENCY, timeout_s=5.0,
        backoff_s=0.05,
    ))


def test_a_killed_replica_loses_nothing_and_repeats_nothing(
    london: Path, replicas: list[SimServer]
) -> None:
    inputs = _inputs(london, 40)  # 120 distinct requests
    logs = [_logged(server) for server in replicas]
    victim, victim_url = replicas[1], replicas[1].base_url

    def kill_after_some_answers() -> None:
        while len(logs[1]) < 8:
            threading.Event().wait(0.005)
        victim.stop()

    killer = threading.Thread(target=kill_after_some_answers)
    killer.start()
    model = _model(",".join(server.base_url for server in replicas))
    predictions = model.predict_batch(inputs)
    killer.join(timeout=10)

    # Every item answered (an answer, a refusal or an unparseable text: never a transport error).
    assert len(predictions) == len(inputs)
    assert [p.error for p in predictions if p.outcome == "error"] == []
    # Every request reached a server; the live replicas got each one at most once.
    live = Counter(logs[0] + logs[2])
    assert max(live.values()) == 1
    assert len(set(live) | set(logs[1])) == len(inputs)
    # Re-sent: only what the killed replica had received and never answered (in flight at the
    # kill) — at most its concurrency — and nothing else.
    resent = set(logs[1]) & set(live)
    assert len(resent) <= CONCURRENCY
    assert sum(len(log) for log in logs) == len(inputs) + len(resent)
    # The load was spread, and the dead replica is paused now.
    assert len(logs[0]) > 20 and len(logs[2]) > 20 and len(logs[1]) >= 8
    assert model._endpoints.paused() == [split_urls(victim_url)[0]]


def test_request_keys_do_not_depend_on_the_replicas() -> None:
    one = _model("http://127.0.0.1:9/v1")
    pool = _model("http://127.0.0.1:9/v1/, http://127.0.0.1:10/v1,http://127.0.0.1:11/v1")
    other_order = _model("http://127.0.0.1:9/v1,http://127.0.0.1:11/v1")
    assert one.fingerprint == pool.fingerprint == other_order.fingerprint


@pytest.mark.parametrize(
    ("base_url", "message"),
    [("http://a/v1,,http://b/v1", "has an empty entry"), ("http://a/v1,http://a/v1/", "twice")],
)
def test_bad_url_lists_are_config_errors(base_url: str, message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        _model(base_url)


def test_pause_doubles_and_a_success_ends_it() -> None:
    now = [100.0]
    pool = EndpointPool("http://a/v1,http://b/v1", concurrency=2, pause_after=2,
                        cooldown_s=5.0, clock=lambda: now[0])
    pool._record(0, failed=True)
    assert pool.paused() == []
    pool._record(0, failed=True)
    assert pool.paused() == ["http://a/v1"]
    now[0] += 5.1
    assert pool.paused() == []
    pool._record(0, failed=True)  # the probe fails: paused again, twice as long
    now[0] += 9.9
    assert pool.paused() == ["http://a/v1"]
    now[0] += 0.2
    pool._record(0, failed=False)
    pool._record(0, failed=True)
    assert pool.paused() == []  # a success reset the count

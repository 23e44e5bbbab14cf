"""MLLM runs against the simulated server: prompts, repeats, faults, budget, dry run, resume."""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest

from robustness import ModelSettings, RunOptions, run_evaluation
from robustness._models._base import ModelInput
from robustness._models._openai import OpenAIModel, OpenAISettings
from robustness._simserver import SimConfig, SimServer

FAST = dict(concurrency=16, timeout_s=5.0)


@pytest.fixture
def faulty_server() -> Iterator[SimServer]:
    """10 % rate limits (Retry-After 0.05 s) and 5 % server errors, decided per attempt."""
    config = SimConfig(fault_429=0.10, fault_500=0.05, retry_after_s=0.05, refusal_rate=0.05)
    with SimServer(config) as server:
        server.warm_up()
        yield server


def _options(tmp_path: Path, data: Path, server: SimServer, **changes: object) -> RunOptions:
    settings = ModelSettings(base_url=server.base_url, **FAST)  # type: ignore[arg-type]
    base = dict(data=data, models=("llava",), perturbations=("jpeg",), severities=(2, 4),
                prompts=("baseline", "json"), limit=12, store=tmp_path / "r.sqlite",
                model_settings=settings)
    return RunOptions(**{**base, **changes})  # type: ignore[arg-type]


def test_faults_lose_nothing_and_rerun_repeats_nothing(
    london: Path, tmp_path: Path, faulty_server: SimServer
) -> None:
    options = _options(tmp_path, london, faulty_server)
    first = run_evaluation(options)
    planned = 12 * 3 * 2
    assert first.stats.requests == planned and first.stats.model_calls == planned
    stats = faulty_server.stats
    assert stats.faults.get("rate_limit", 0) > 0 and stats.faults.get("server_error", 0) > 0
    db = sqlite3.connect(options.store)
    rows = db.execute("SELECT COUNT(*), COUNT(DISTINCT sample_id || perturbation || severity || "
                      "prompt), SUM(error IS NOT NULL) FROM items").fetchone()
    assert rows[0] == rows[1] == planned
    assert rows[2] == first.stats.errors  # every item answered, refused, or an error
    figures = first.summary["models"]["llava"]
    assert set(figures["clean_by_prompt"]) == {"baseline", "json"}
    assert figures["simulated"] is True and first.summary["simulated"] == ["llava"]
    assert figures["clean"]["mae"] is not None and figures["clean"]["gender_acc"] > 0.8

    requests_before = faulty_server.stats.requests
    again = run_evaluation(options)
    assert again.stats.model_calls == first.stats.errors  # only failed items are tried again
    if first.stats.errors == 0:
        assert faulty_server.stats.requests == requests_before


def test_repeats_are_separate_requests_and_budget_stops_cleanly(
    london: Path, tmp_path: Path
) -> None:
    with SimServer(SimConfig(refusal_rate=0.0)) as server:
        server.warm_up()
        options = _options(tmp_path, london, server, prompts=("baseline",), repeats=3,
                           perturbations=(), limit=4, max_requests=5,
                           model_settings=ModelSettings(base_url=server.base_url,
                                                        temperature=1.0, **FAST))
        dry = run_evaluation(RunOptions(**{**_asdict(options), "dry_run": True,
                                           "max_requests": None}))
        assert dry.stats.model_calls == 12 and dry.stats.estimated_tokens > 12 * 300
        assert not options.store.exists() or _count(options.store) == 0

        cut = run_evaluation(options)
        assert cut.stats.model_calls == 5 and cut.stats.stopped_at_budget
        assert _count(options.store) == 5
        rest = run_evaluation(RunOptions(**{**_asdict(options), "max_requests": None}))
        assert rest.stats.model_calls == 7 and not rest.stats.stopped_at_budget
        retest = rest.summary["models"]["llava"]["clean"]["retest"]
        assert retest["repeats"] == 3 and retest["groups"] == 4


def test_api_key_comes_from_the_environment_and_is_never_stored(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    secret = "sk-test-" + "x" * 40
    monkeypatch.setenv("ROBUSTNESS_TEST_KEY", secret)
    with SimServer(SimConfig(refusal_rate=0.0)) as server:
        model = OpenAIModel(OpenAISettings(
            name="llava", model="m", base_url=server.base_url, api_key_env="ROBUSTNESS_TEST_KEY",
        ))
        assert secret not in model.fingerprint
        image = np.full((96, 96, 3), 120, dtype=np.uint8)
        from prompts import get_variant

        (answer,) = model.predict_batch([ModelInput(body=image, prompt=get_variant("json"))])
        assert answer.outcome in ("answer", "partial", "refusal", "unparseable")
        assert answer.system_fingerprint == "simulated" and model.simulated
    monkeypatch.delenv("ROBUSTNESS_TEST_KEY")
    from robustness import ConfigError

    with pytest.raises(ConfigError, match="ROBUSTNESS_TEST_KEY"):
        OpenAIModel(OpenAISettings(name="x", model="m", base_url="https://api.openai.com/v1",
                                   api_key_env="ROBUSTNESS_TEST_KEY"))


def test_unreachable_server_is_an_error_per_item(tmp_path: Path) -> None:
    from prompts import get_variant

    model = OpenAIModel(OpenAISettings(
        name="llava", model="m", base_url="http://127.0.0.1:9/v1", api_key_env=None,
        api_key_required=False, max_attempts=2, backoff_s=0.01, timeout_s=1.0,
    ))
    image = np.zeros((32, 32, 3), dtype=np.uint8)
    (answer,) = model.predict_batch([ModelInput(body=image, prompt=get_variant("baseline"))])
    assert answer.outcome == "error" and "after 2 attempts" in (answer.error or "")


def _asdict(options: RunOptions) -> dict[str, object]:
    return {name: getattr(options, name) for name in options.__dataclass_fields__}


def _count(store: Path) -> int:
    return int(sqlite3.connect(store).execute("SELECT COUNT(*) FROM items").fetchone()[0])


def test_no_secret_in_any_stored_text(london: Path, tmp_path: Path,
                                      monkeypatch: pytest.MonkeyPatch) -> None:
    secret = "sk-leak-check-" + "y" * 30
    monkeypatch.setenv("ROBUSTNESS_LLAVA_API_KEY", secret)
    with SimServer(SimConfig()) as server:
        run_evaluation(_options(tmp_path, london, server, limit=2, perturbations=()))
    assert secret.encode() not in options_bytes(tmp_path)
    assert os.environ["ROBUSTNESS_LLAVA_API_KEY"] == secret


def options_bytes(folder: Path) -> bytes:
    return b"".join(path.read_bytes() for path in folder.rglob("*") if path.is_file())

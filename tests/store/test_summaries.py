"""A run's summary is kept in the store and reused only while what it is computed from holds."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

import robustness._summaries as summaries
from robustness._cost import Prices
from robustness._metrics import run_summary_of
from robustness._store import ItemRecord, Store
from robustness._tradeoff import with_slices_and_cost
from robustness._types import Prediction

RUN = "run1"
AGES = {"a": 31.0, "b": 58.0, "c": 22.0, "d": 44.0}


def _write(store: Store) -> None:
    """Two models, four samples, clean and jpeg at two severities; one refusal, one error."""
    items, predictions = [], {}
    for model in ("m1", "m2"):
        for sample, age in AGES.items():
            for severity in (0, 1, 3):
                key = f"{model}-{sample}-{severity}"
                perturbation = "none" if severity == 0 else "jpeg"
                error = "unreadable image" if (model, sample, severity) == ("m2", "d", 3) else None
                items.append(ItemRecord(
                    model=model, prompt="", sample_id=sample, perturbation=perturbation,
                    severity=severity, replicate=0, repeat=0, request_key=key,
                    image_sha256="sha", error=error, age_true=age, age_low=None, age_high=None,
                    gender_true="female", subject_id=sample, image_path=f"/{sample}.jpg",
                    position=len(items), extras=(("ethnicity", "x" if age > 30 else "y"),)))
                refused = (model, sample, severity) == ("m1", "c", 1)
                predictions[key] = (model, "fp", Prediction(
                    outcome="refusal" if refused else "answer", refusal_kind="policy" if refused
                    else None, age=None if refused else age + severity * (1.5 if model == "m1"
                                                                          else -0.5),
                    gender="male" if (sample, severity) == ("b", 3) else "female",
                    raw_text="I can't" if refused else "about that", tokens_in=100,
                    tokens_out=5, latency_ms=40.0 + severity))
    store.begin_run(RUN, {"prompts": {}})
    store.record(RUN, items, predictions)


@pytest.fixture
def store(tmp_path: Path) -> Store:
    with Store(tmp_path / "r.sqlite") as opened:
        _write(opened)
        yield opened


@pytest.fixture
def computed(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Counts the summaries actually computed (not read back from the store)."""
    calls: list[int] = []

    def counting(*args: object, **kwargs: object) -> dict[str, object]:
        calls.append(1)
        return with_slices_and_cost(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(summaries, "with_slices_and_cost", counting)
    return calls


def _summary(store: Store, *, run: dict[str, object] | None = None, seed: int = 0,
             **options: object) -> dict[str, object]:
    return summaries.summary_from_rows(
        store, RUN, summaries.RunRows(store, RUN), run=run or {"id": RUN}, seed=seed,
        **options)  # type: ignore[arg-type]


def test_a_kept_summary_is_what_computing_it_gives(store: Store, computed: list[int]) -> None:
    results, rows = store.summary_rows(RUN)
    direct = with_slices_and_cost(
        run_summary_of(results, run={"id": RUN, "requests": 24}, seed=5), rows,
        results, store.sample_extras(RUN), slice_by=["ethnicity"],
        prices={"m1": Prices(1.0, 2.0)}, seed=5)
    direct["run"].update(parser_versions=[], parsed_by={})
    options = {"seed": 5, "slice_by": ["ethnicity"], "prices": {"m1": Prices(1.0, 2.0)}}
    first = _summary(store, run={"id": RUN, "requests": 24}, **options)
    again = _summary(store, run={"id": RUN, "requests": 24, "model_calls": 0}, **options)
    assert len(computed) == 1  # the second came from the store
    assert first == json.loads(json.dumps(direct))
    assert list(first) == list(direct)  # "run" first, as computed
    assert again["run"] == {"id": RUN, "requests": 24, "model_calls": 0, "parser_versions": [],
                            "parsed_by": {}}
    assert {**again, "run": None} == {**first, "run": None}
    assert first["models"]["m1"]["slices"]  # the slices and cost made it through
    assert first["models"]["m1"]["cost"]["cost_per_1k"] is not None


def test_a_kept_summary_reads_no_row(store: Store, computed: list[int],
                                     monkeypatch: pytest.MonkeyPatch) -> None:
    first = _summary(store)

    def unread(*args: object, **kwargs: object) -> None:
        raise AssertionError("the rows were read")

    monkeypatch.setattr(Store, "summary_rows", unread)
    assert _summary(store) == first
    assert len(computed) == 1


@pytest.mark.parametrize("change", [
    "UPDATE predictions SET age = age + 0.25 WHERE request_key = 'm1-a-1'",
    "UPDATE predictions SET outcome = 'refusal' WHERE request_key = 'm2-b-3'",
    "UPDATE items SET error = NULL WHERE request_key = 'm2-d-3'",
    "UPDATE predictions SET latency_ms = 41.5 WHERE request_key = 'm1-a-1'",
    "DELETE FROM items WHERE request_key = 'm1-b-1'",
    "DELETE FROM predictions WHERE request_key = 'm1-b-3'",
    "INSERT INTO items SELECT 'run1', model, prompt, 'e', perturbation, severity, replicate, "
    "repeat, request_key, image_sha256, error, age_true, age_low, age_high, gender_true, 'e', "
    "image_path, simulated, 99, updated, error_kind, extras, input_mode FROM items "
    "WHERE request_key = 'm1-a-1'",
])
def test_any_write_by_any_writer_computes_it_afresh(store: Store, computed: list[int],
                                                    change: str) -> None:
    before = _summary(store)
    generation = store.generation()
    # Another connection, as another process or the sqlite3 shell would write.
    other = sqlite3.connect(store.path)
    other.execute(change)
    other.commit()
    other.close()
    assert store.generation() > generation
    after = _summary(store)
    assert len(computed) == 2
    assert after != before


def test_other_options_compute_it_afresh(store: Store, computed: list[int]) -> None:
    _summary(store)
    _summary(store, seed=1)
    _summary(store, slice_by=["ethnicity"])
    _summary(store, prices={"m1": Prices(1.0, 2.0)})
    _summary(store, prices={"m1": Prices(1.0, 3.0)})
    _summary(store, simulated=["m1"])
    _summary(store, prompt_texts={"": "How old?"})
    assert len(computed) == 7
    _summary(store, seed=1)  # one kept per run: the latest
    assert len(computed) == 8


def test_another_version_of_the_code_computes_it_afresh(
    store: Store, computed: list[int], monkeypatch: pytest.MonkeyPatch
) -> None:
    _summary(store)
    monkeypatch.setattr(summaries, "_code_version", lambda: ["an edited metric"])
    _summary(store)
    assert len(computed) == 2


def test_the_code_version_covers_the_package_source() -> None:
    version = summaries._code_version()
    assert len(version) == 3 and len(version[2]) == 32
    assert summaries._code_version() is version  # read once per process

"""``run_ab`` argument checks, and ``compare_with_baseline`` over a store written by hand."""

from __future__ import annotations

from pathlib import Path

import pytest

from robustness import ConfigError, RunOptions, Store
from robustness._ab import baseline_arms, compare_with_baseline, run_ab
from robustness._store import ItemRecord
from robustness._types import Prediction


@pytest.mark.parametrize(("options", "arms", "message"), [
    ({}, ("baseline", "json", "both"),
     "kind must be 'prompt', 'model' or 'input_mode', got 'both'"),
    ({}, ("json", "json", "prompt"), "two different prompts, got 'json' and 'json'"),
    ({"dry_run": True}, ("baseline", "json", "prompt"), "dry run"),
    ({"models": ("llava", "chatgpt4v")}, ("baseline", "json", "prompt"), "runs one model"),
    ({"prompts": ("baseline", "json")}, ("llava", "chatgpt4v", "model"), "asks one prompt"),
    ({"models": ("llava", "chatgpt4v")}, ("face", "body", "input_mode"), "runs one model"),
    ({"prompts": ("baseline", "json")}, ("face", "body", "input_mode"), "asks one prompt"),
    ({}, ("face", "face", "input_mode"), "two different input modes, got 'face' and 'face'"),
    ({"input_modes": ("face", "body")}, ("llava", "chatgpt4v", "model"),
     "asks with one input mode, got face,body"),
])
def test_run_ab_refuses_bad_arms_before_running(
    tmp_path: Path, options: dict[str, object], arms: tuple[str, str, str], message: str
) -> None:
    store = tmp_path / "r.sqlite"
    a, b, kind = arms
    with pytest.raises(ConfigError, match=message):
        run_ab(RunOptions(data=tmp_path, store=store, **options),  # type: ignore[arg-type]
               a=a, b=b, kind=kind)  # type: ignore[arg-type]
    assert not store.exists()


def test_run_ab_checks_alpha_before_any_model_is_called(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="alpha .* got 0.5"):
        run_ab(RunOptions(data=tmp_path, models=("llava",), store=tmp_path / "r.sqlite"),
               a="baseline", b="json", kind="prompt", alpha=0.5)


def _write_run(store: Store, run_id: str, *, seed: int, refused: int,
               arms: tuple[tuple[str, str], ...] = (("m", "p"),)) -> None:
    """A run of 30 samples per arm; the first ``refused`` samples are refused."""
    store.begin_run(run_id, {"seed": seed, "data": "faces", "face_margin": 0.0})
    items, predictions = [], {}
    for model, prompt in arms:
        for i in range(30):
            key = f"{run_id}-{model}-{prompt}-{i}"
            prediction = Prediction(outcome="refusal") if i < refused else \
                Prediction(outcome="answer", age=30.0 + i % 4, gender="female")
            predictions[key] = (model, "fp", prediction)
            items.append(ItemRecord(
                model=model, prompt=prompt, sample_id=f"s{i}", perturbation="none", severity=0,
                replicate=0, repeat=0, request_key=key, image_sha256=None, error=None,
                age_true=31.0, age_low=None, age_high=None, gender_true="female",
                subject_id=None, image_path=f"{i}.jpg", position=i,
            ))
    store.record(run_id, items, predictions)


def test_baseline_comparison_pairs_the_shared_arm_and_finds_the_regression(
    tmp_path: Path
) -> None:
    with Store(tmp_path / "r.sqlite") as store:
        _write_run(store, "old", seed=0, refused=0, arms=(("m", "p"), ("m", "gone")))
        _write_run(store, "new", seed=1, refused=12)
        assert baseline_arms(store, "new", "old") == ([("m", "p")], [], [("m", "gone")])
        (result,) = compare_with_baseline(store, "new", "old", seed=0, n_boot=200)
    assert (result.a, result.b, result.runs) == ("m/p @ old", "m/p @ new", ("old", "new"))
    assert result.pairs == 30 and not result.simulated
    (refusals,) = [row for row in result.rows if row.metric == "refusal_rate"]
    assert (refusals.b01, refusals.b10, refusals.verdict) == (12, 0, "A better")
    assert result.regressions == (refusals,)
    assert any("seed differs (0 → 1)" in note for note in result.notes)


def test_baseline_comparison_names_what_is_wrong(tmp_path: Path) -> None:
    with Store(tmp_path / "r.sqlite") as store:
        _write_run(store, "old", seed=0, refused=0)
        _write_run(store, "other", seed=0, refused=0, arms=(("x", "y"),))
        with pytest.raises(ConfigError, match="no run 'nope'.*runs: old, other"):
            compare_with_baseline(store, "nope", "old")
        with pytest.raises(ConfigError, match="the same run 'old'"):
            compare_with_baseline(store, "old", "old")
        with pytest.raises(ConfigError, match="share no model/prompt"):
            compare_with_baseline(store, "other", "old")

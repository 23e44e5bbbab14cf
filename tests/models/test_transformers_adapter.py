"""The transformers backend on a tiny LLaVA built here and loaded like a hub model."""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pytest

pytest.importorskip("torch", reason="the [hf] extra (torch) is not installed")
pytest.importorskip("transformers", reason="the [hf] extra (transformers) is not installed")

from hf_fixtures import build_tiny_llava, sample_crop  # noqa: E402

from prompts import PromptVariant  # noqa: E402
from robustness._exceptions import ConfigError, ModelError  # noqa: E402
from robustness._models._base import ModelInput  # noqa: E402
from robustness._models._transformers import TransformersModel  # noqa: E402

OUTCOMES = {"answer", "partial", "refusal", "unparseable"}
PLAIN = PromptVariant(id="plain", purpose="test", user="How old is the person in this image?")
WITH_SYSTEM = PromptVariant(
    id="system", purpose="test", user="Answer with the age in years and the gender.",
    system="You estimate age and gender from photographs.",
)


@pytest.fixture(scope="module")
def llava_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_tiny_llava(tmp_path_factory.mktemp("tiny-llava"))


@pytest.fixture(scope="module")
def model(llava_dir: Path) -> TransformersModel:
    return TransformersModel(str(llava_dir), max_new_tokens=10, batch_size=3, device="cpu")


def _inputs(count: int, seed: int = 0) -> list[ModelInput]:
    rng = np.random.default_rng(seed)
    # Different crop shapes and both variants: rows of a batch differ in length, so the left
    # padding is really exercised.
    return [
        ModelInput(
            body=sample_crop(rng, 40 + 9 * i, 30 + 7 * i), prompt=(PLAIN, WITH_SYSTEM)[i % 2]
        )
        for i in range(count)
    ]


def test_predicts_a_batch_with_text_and_token_counts(model: TransformersModel) -> None:
    predictions = model.predict_batch(_inputs(3))
    assert len(predictions) == 3
    for prediction in predictions:
        assert prediction.outcome in OUTCOMES, prediction.error
        assert isinstance(prediction.raw_text, str)
        # The prompt holds at least the 16 image tokens of a 32-px image in 8-px patches.
        assert prediction.tokens_in is not None and prediction.tokens_in > 16
        assert prediction.tokens_out is not None and 1 <= prediction.tokens_out <= 10
        assert prediction.finish_reason in ("stop", "length")
        assert prediction.latency_ms is not None and prediction.latency_ms > 0
    # The system message is rendered: the same user turn plus a system turn is longer.
    assert predictions[1].tokens_in > predictions[0].tokens_in  # type: ignore[operator]


def test_same_inputs_give_the_same_answers(model: TransformersModel) -> None:
    first = model.predict_batch(_inputs(3))
    second = model.predict_batch(_inputs(3))
    assert [p.raw_text for p in first] == [p.raw_text for p in second]
    assert [p.tokens_out for p in first] == [p.tokens_out for p in second]


def test_batch_equals_one_by_one(model: TransformersModel) -> None:
    inputs = _inputs(5, seed=3)
    batched = model.predict_batch(inputs)
    single = [model.predict_batch([item])[0] for item in inputs]
    assert [p.raw_text for p in batched] == [p.raw_text for p in single]
    assert [p.tokens_in for p in batched] == [p.tokens_in for p in single]
    # Not vacuous: the tiny model's answers depend on the image.
    assert len({p.raw_text for p in batched}) > 1


def test_missing_prompt_or_crop_is_an_item_error(model: TransformersModel) -> None:
    good = _inputs(2)
    crop = good[0].body
    predictions = model.predict_batch(
        [good[0], ModelInput(body=crop), ModelInput(prompt=PLAIN), good[1],
         ModelInput(face=crop, prompt=PLAIN)]  # a face-mode request: the crop it holds is asked
    )
    assert [p.outcome == "error" for p in predictions] == [False, True, True, False, False]
    assert "prompt" in (predictions[1].error or "")
    assert "crop in the input" in (predictions[2].error or "")


def test_a_failing_batch_is_retried_item_by_item(
    model: TransformersModel, monkeypatch: pytest.MonkeyPatch
) -> None:
    inputs = _inputs(3)
    expected = model.predict_batch(inputs)
    real = model._generate

    def fragile(queries: list[Any]) -> list[Any]:
        if len(queries) > 1:
            raise RuntimeError("CUDA out of memory (simulated)")
        if queries[0].prompt.id == "system":
            raise ValueError("this item cannot be rendered")
        return real(queries)

    monkeypatch.setattr(model, "_generate", fragile)
    predictions = model.predict_batch(inputs)
    assert [p.raw_text for p in predictions] == [expected[0].raw_text, None, expected[2].raw_text]
    assert predictions[1].outcome == "error"
    assert predictions[1].error == "ValueError: this item cannot be rendered"


def test_fingerprint_is_stable_and_names_what_changes_answers(llava_dir: Path) -> None:
    first = TransformersModel(str(llava_dir), max_new_tokens=10, device="cpu")
    again = TransformersModel(str(llava_dir), max_new_tokens=10, device="cpu")
    longer = TransformersModel(str(llava_dir), max_new_tokens=11, device="cpu")
    assert first.fingerprint == again.fingerprint
    assert first.fingerprint != longer.fingerprint
    for part in ("transformers;", f"model={llava_dir}", "weights=local:", "dtype=float32",
                 "max_new_tokens=10", "decoding=greedy"):
        assert part in first.fingerprint
    # Building reads the config only; the weights wait for the first prediction.
    assert first._model is None


@dataclass(frozen=True)
class _Known:
    outcome: str = "answer"
    age: float | None = 33.0
    gender: str | None = "Female"
    age_low: float | None = 30.0
    age_high: float | None = 36.0
    refusal_kind: str | None = None


def test_an_injected_parser_sets_age_and_gender(llava_dir: Path) -> None:
    seen: list[str] = []

    def parse(text: str) -> _Known:
        seen.append(text)
        return _Known()

    model = TransformersModel(str(llava_dir), max_new_tokens=4, device="cpu", parse=parse)
    predictions = model.predict_batch(_inputs(2))
    assert seen == [p.raw_text for p in predictions]
    for prediction in predictions:
        assert (prediction.outcome, prediction.age, prediction.gender) == ("answer", 33.0, "female")
        assert (prediction.age_low, prediction.age_high) == (30.0, 36.0)


def test_a_parser_failure_keeps_the_raw_text(llava_dir: Path) -> None:
    def parse(text: str) -> _Known:
        raise KeyError("boom")

    model = TransformersModel(str(llava_dir), max_new_tokens=4, device="cpu", parse=parse)
    (prediction,) = model.predict_batch(_inputs(1))
    assert prediction.outcome == "error"
    assert isinstance(prediction.raw_text, str)
    assert "answer parser failed" in (prediction.error or "")


@pytest.mark.parametrize(
    ("option", "value"),
    [("input_mode", "face+body"), ("batch_size", 0), ("max_new_tokens", 0), ("dtype", "fp8"),
     ("device", "tpu")],
)
def test_bad_options_raise_and_quote_the_value(
    llava_dir: Path, option: str, value: object
) -> None:
    with pytest.raises(ConfigError, match=re.escape(repr(value))):
        TransformersModel(str(llava_dir), **{option: value})  # type: ignore[arg-type]


def test_a_missing_folder_is_a_model_error(tmp_path: Path) -> None:
    with pytest.raises(ModelError, match="cannot load the config"):
        TransformersModel(str(tmp_path / "absent"), device="cpu")


def test_missing_transformers_names_the_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "transformers", None)
    with pytest.raises(ModelError, match=r"pip install 'agegender-robustness\[hf\]'"):
        TransformersModel("any/model")

"""Loading local HF models: --dtype, the memory check, and inputs the model does not take."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

pytest.importorskip("torch", reason="the [hf] extra (torch) is not installed")
pytest.importorskip("transformers", reason="the [hf] extra (transformers) is not installed")

from click.testing import CliRunner
from hf_fixtures import build_tiny_llava, sample_crop

from prompts import PromptVariant
from robustness._cli._options import model_settings
from robustness._cli._run import run
from robustness._exceptions import ModelError
from robustness._models import ModelSettings, _hf_memory, build_model
from robustness._models._base import ModelInput
from robustness._models._transformers import TransformersModel

PLAIN = PromptVariant(id="plain", purpose="test", user="How old is the person in this image?")


@pytest.fixture(scope="module")
def llava_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_tiny_llava(tmp_path_factory.mktemp("tiny-llava"))


def _input() -> ModelInput:
    return ModelInput(body=sample_crop(np.random.default_rng(0), 40, 30), prompt=PLAIN)


def test_token_type_ids_the_model_does_not_take_are_dropped(llava_dir: Path) -> None:
    model = TransformersModel(str(llava_dir), max_new_tokens=4, device="cpu")
    net, processor = model._load()
    # A tokenizer saved with token_type_ids (as some hub processors are) makes them an output.
    processor.tokenizer.model_input_names = ["input_ids", "token_type_ids", "attention_mask"]
    batch = processor.apply_chat_template(
        [[{"role": "user", "content": [{"type": "image", "image": _pil()},
                                       {"type": "text", "text": PLAIN.user}]}]],
        add_generation_prompt=True, tokenize=True, return_dict=True, return_tensors="pt")
    assert "token_type_ids" in batch
    with pytest.raises(ValueError, match="token_type_ids"):  # what generate does with them
        net.generate(**batch, max_new_tokens=2, do_sample=False)
    (prediction,) = model.predict_batch([_input()])
    assert prediction.error is None and isinstance(prediction.raw_text, str)


def _pil():  # type: ignore[no-untyped-def]
    from PIL import Image

    return Image.fromarray(sample_crop(np.random.default_rng(1), 32, 32))


def test_dtype_reaches_the_weights_and_the_fingerprint(llava_dir: Path) -> None:
    import torch

    model = build_model(f"transformers:{llava_dir}", ModelSettings(device="cpu", dtype="bfloat16"))
    assert ";dtype=bfloat16;" in model.fingerprint
    (prediction,) = model.predict_batch([_input()])
    assert prediction.error is None
    assert {p.dtype for p in model._model.parameters()} == {torch.bfloat16}  # type: ignore[attr-defined]
    # On the CPU, auto means float32: a different request from bfloat16.
    auto = build_model(f"transformers:{llava_dir}", ModelSettings(device="cpu"))
    assert ";dtype=float32;" in auto.fingerprint


def test_the_cli_takes_dtype_and_rejects_a_bad_one(tmp_path: Path) -> None:
    result = CliRunner().invoke(run, ["--data", str(tmp_path), "--dtype", "fp8"])
    assert result.exit_code == 2
    assert "'fp8' is not one of 'auto', 'bfloat16', 'float16', 'float32'" in result.output
    context = run.make_context("run", ["--data", str(tmp_path), "--dtype", "bfloat16"])
    assert model_settings(dict(context.params)).dtype == "bfloat16"
    context = run.make_context("run", ["--data", str(tmp_path)])
    assert model_settings(dict(context.params)).dtype == "auto"


def test_parameters_are_counted_from_the_headers(llava_dir: Path) -> None:
    model = TransformersModel(str(llava_dir), device="cpu")
    net, _ = model._load()
    assert _hf_memory.count_parameters(llava_dir) == sum(p.numel() for p in net.parameters())


def test_a_model_that_will_not_fit_fails_before_loading_with_an_estimate(
    llava_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    count = _hf_memory.count_parameters(llava_dir)
    assert count is not None
    # Free memory just short of float32's need: bfloat16 would fit, float32 does not.
    monkeypatch.setattr(_hf_memory, "_free_bytes", lambda torch, device: count * 4 - 1)
    model = TransformersModel(str(llava_dir), device="cpu")
    with pytest.raises(ModelError) as error:
        model.predict_batch([_input()])
    message = str(error.value)
    assert "will not fit" in message and f"{count / 1e9:.2f} B parameters" in message
    assert f"about {count * 4 / 1e9:.1f} GB in float32" in message
    assert "on the CPU, --dtype auto loads float32" in message
    assert f"--dtype bfloat16 would need about {count * 2 / 1e9:.1f} GB" in message
    assert model._model is None  # nothing was loaded
    half = TransformersModel(str(llava_dir), device="cpu", dtype="bfloat16")
    assert half.predict_batch([_input()])[0].error is None


def test_no_checkpoint_on_disk_is_no_verdict(tmp_path: Path) -> None:
    import torch

    assert _hf_memory.count_parameters(tmp_path) is None
    _hf_memory.check_weights_fit(torch, "not/downloaded", None, dtype=torch.float32, device="cpu")

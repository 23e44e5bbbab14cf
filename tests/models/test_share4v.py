"""ShareGPT4V's published layout, converted to llava-hf, computes what ShareGPT4V computes."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest

pytest.importorskip("torch", reason="the [hf] extra (torch) is not installed")
pytest.importorskip("transformers", reason="the [hf] extra (transformers) is not installed")

from click.testing import CliRunner
from hf_fixtures import build_tiny_share4v, sample_crop

from prompts import PromptVariant
from robustness._cli import cli
from robustness._exceptions import ModelError
from robustness._models._base import ModelInput
from robustness._models._share4v import SHARE4V_SYSTEM, convert_share4v
from robustness._models._transformers import TransformersModel

QUESTION = PromptVariant(id="q", purpose="test", user="How old is the person in this image?")


@pytest.fixture(scope="module")
def published(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    return build_tiny_share4v(tmp_path_factory.mktemp("share4v"))


@pytest.fixture(scope="module")
def converted(published: tuple[Path, Path], tmp_path_factory: pytest.TempPathFactory) -> Path:
    source, tower = published
    dest = tmp_path_factory.mktemp("converted") / "llava"
    result = CliRunner().invoke(cli, ["convert-sharegpt4v", str(source), str(dest),
                                      "--vision-tower", str(tower)])
    assert result.exit_code == 0, result.output
    assert f"--model transformers:{dest}" in result.output
    return dest


def _share4v_logits(source: Path, tower_dir: Path, pixel_values: Any, before: str,
                    after: str) -> Any:
    """ShareGPT4V's forward written out from its parts: CLIP layer -2 without CLS, Linear-GELU-
    Linear, the features spliced where <image> stands, then the Llama model."""
    import torch
    from safetensors.torch import load_file
    from transformers import (
        AutoTokenizer,
        CLIPVisionConfig,
        CLIPVisionModel,
        LlamaConfig,
        LlamaForCausalLM,
    )

    weights = torch.load(source / "pytorch_model.bin", weights_only=True)
    tokenizer = AutoTokenizer.from_pretrained(source)
    tower = CLIPVisionModel(CLIPVisionConfig.from_pretrained(tower_dir))
    tower_state = {k.removeprefix("vision_model."): v
                   for k, v in load_file(str(tower_dir / "model.safetensors")).items()}
    target = getattr(tower, "vision_model", tower)
    target.load_state_dict(tower_state, strict=True)
    import json

    config = json.loads((source / "config.json").read_text())
    llama = LlamaForCausalLM(LlamaConfig(**{k: v for k, v in config.items()
                                            if not k.startswith("mm_") and k not in
                                            ("model_type", "architectures", "image_aspect_ratio",
                                             "torch_dtype")}))
    llama.load_state_dict({k: v for k, v in weights.items() if "mm_projector" not in k},
                          strict=True)
    with torch.no_grad():
        hidden = tower(pixel_values, output_hidden_states=True).hidden_states[-2][:, 1:]
        hidden = hidden @ weights["model.mm_projector.0.weight"].T + weights[
            "model.mm_projector.0.bias"]
        features = torch.nn.functional.gelu(hidden) @ weights["model.mm_projector.2.weight"].T
        features = features + weights["model.mm_projector.2.bias"]
        embed = llama.get_input_embeddings()
        prefix = tokenizer(before, add_special_tokens=False).input_ids
        ids_before = [tokenizer.bos_token_id, *prefix]
        ids_after = tokenizer(after, add_special_tokens=False).input_ids
        embeds = torch.cat([embed(torch.tensor(ids_before)), features[0],
                            embed(torch.tensor(ids_after))])
        return llama(inputs_embeds=embeds[None]).logits[0, -1]


def test_converted_model_computes_what_share4v_computes(
    published: tuple[Path, Path], converted: Path
) -> None:
    import torch
    from PIL import Image
    from transformers import AutoModelForImageTextToText, AutoProcessor

    processor = AutoProcessor.from_pretrained(converted)
    model = AutoModelForImageTextToText.from_pretrained(converted).eval()
    image = Image.fromarray(sample_crop(np.random.default_rng(5), 20, 40))  # wide: gets padded
    chat = [{"role": "user", "content": [{"type": "image", "image": image},
                                         {"type": "text", "text": QUESTION.user}]}]
    text = processor.apply_chat_template(chat, add_generation_prompt=True, tokenize=False)
    assert text == f"<s>{SHARE4V_SYSTEM} USER: <image>\n{QUESTION.user} ASSISTANT:"
    batch = processor.apply_chat_template(chat, add_generation_prompt=True, tokenize=True,
                                          return_dict=True, return_tensors="pt")
    # Padded to a square with the CLIP mean colour: the top rows normalise to about zero.
    assert batch["pixel_values"][0, :, 0, :].abs().max() < 0.02
    with torch.no_grad():
        logits = model(**batch).logits[0, -1]
    source, tower = published
    expected = _share4v_logits(source, tower, batch["pixel_values"], f"{SHARE4V_SYSTEM} USER: ",
                               f"\n{QUESTION.user} ASSISTANT:")
    # The converted vocabulary has two more tokens (<image>, <pad>) at its end.
    assert logits.shape[0] == expected.shape[0] + 2
    assert torch.allclose(logits[: expected.shape[0]], expected, atol=1e-4)


def test_the_adapter_answers_with_the_converted_model(converted: Path) -> None:
    model = TransformersModel(str(converted), max_new_tokens=6, device="cpu")
    rng = np.random.default_rng(0)
    predictions = model.predict_batch(
        [ModelInput(body=sample_crop(rng, 30 + 10 * i, 25), prompt=QUESTION) for i in range(2)])
    assert all(p.error is None and isinstance(p.raw_text, str) for p in predictions)
    assert all(p.tokens_in is not None and p.tokens_in > 4 for p in predictions)


def test_the_published_layout_fails_with_the_fix_named(published: tuple[Path, Path]) -> None:
    source, _ = published
    with pytest.raises(ModelError) as error:
        TransformersModel(str(source), device="cpu")
    assert "robustness convert-sharegpt4v" in str(error.value)
    assert "--vision-tower" in str(error.value)


def test_conversion_errors_are_one_line(published: tuple[Path, Path], tmp_path: Path) -> None:
    source, tower = published
    runner = CliRunner()
    missing = runner.invoke(cli, ["convert-sharegpt4v", str(source), str(tmp_path / "a")])
    assert missing.exit_code == 2
    assert "not on this machine" in missing.output and "--vision-tower" in missing.output
    (tmp_path / "full").mkdir()
    (tmp_path / "full" / "x").write_text("x")
    taken = runner.invoke(cli, ["convert-sharegpt4v", str(source), str(tmp_path / "full"),
                                "--vision-tower", str(tower)])
    assert taken.exit_code == 2 and "is not empty" in taken.output
    with pytest.raises(ModelError, match="not 'share4v'"):
        convert_share4v(tower, tmp_path / "b", vision_tower=tower)

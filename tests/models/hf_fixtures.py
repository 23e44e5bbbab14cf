"""Tiny local stand-ins for hub models: same files, same loading path, random (seeded) weights.

``build_tiny_llava`` writes a LLaVA-1.5-shaped folder (CLIP vision tower, Llama text model, a
byte-level BPE tokenizer trained here, a ``LlavaProcessor`` with a jinja chat template) that
``AutoProcessor`` and ``AutoModelForImageTextToText`` load like ``llava-hf/llava-1.5-7b-hf``.

``build_tiny_mivolo`` writes a folder shaped like ``iitolstykh/mivolo_v2``: ``config.json`` and
``preprocessor_config.json`` whose ``auto_map`` points at remote-code modules written here, so the
adapter loads it with ``trust_remote_code=True`` exactly as it loads the hub model (FIELD.md §4).

``build_tiny_share4v`` writes a folder in ShareGPT4V's published layout (``model_type: share4v``,
``Share4VLlamaForCausalLM`` tensor names in ``pytorch_model.bin``) and its separate CLIP vision
tower (tensor names with ``vision_model.``, as the published tower has them).

Nothing here touches the network; ``bench/gpu_check_hf.py`` imports this file by path.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

# Nothing may come from the hub: set before transformers (and huggingface_hub) are imported.
os.environ["HF_HUB_OFFLINE"] = "1"

__all__ = ["build_tiny_llava", "build_tiny_mivolo", "build_tiny_share4v", "sample_crop"]

# jinja, LLaVA-1.5 style. Newlines are written as '\n' expressions because transformers renders
# templates with trim_blocks, which would eat a literal newline after a block tag.
_CHAT_TEMPLATE = (
    "{% for message in messages %}"
    "{% if message['role'] == 'system' %}SYSTEM: {% elif message['role'] == 'user' %}USER: "
    "{% else %}ASSISTANT: {% endif %}"
    "{% if message['content'] is string %}{{ message['content'] }}{% else %}"
    "{% for part in message['content'] %}"
    "{% if part['type'] == 'image' %}{{ '<image>' }}{{ '\\n' }}"
    "{% elif part['type'] == 'text' %}{{ part['text'] }}{% endif %}"
    "{% endfor %}{% endif %}{{ '\\n' }}"
    "{% endfor %}{% if add_generation_prompt %}ASSISTANT:{% endif %}"
)

_CORPUS = [
    "How old is the person in this image? Answer with the age in years and the gender.",
    "The person is 34 years old and male.",
    "She is 27 years old, female. He is 61, male.",
    "0 1 2 3 4 5 6 7 8 9 10 20 30 40 50 60 70 80 90 years male female unknown",
    "SYSTEM: USER: ASSISTANT: I cannot tell. Sorry, I can't help with that.",
    '{"age": 42, "gender": "female"}',
]


def sample_crop(rng: Any, height: int, width: int) -> Any:
    """A uint8 RGB crop with two colour blocks and noise: varied enough to move tiny models."""
    import numpy as np

    crop = np.empty((height, width, 3), dtype=np.int64)
    crop[:] = rng.integers(0, 256, 3)
    crop[height // 3:, : width // 2] = rng.integers(0, 256, 3)
    crop += rng.integers(0, 30, (height, width, 3))
    return crop.clip(0, 255).astype(np.uint8)


def build_tiny_llava(folder: Path, *, seed: int = 0, image_size: int = 32) -> Path:
    """Write a tiny LLaVA model + processor to ``folder`` and return it.

    Weights are re-drawn with a large standard deviation: at the default init (0.02) a 2-layer
    model answers the same tokens whatever the image, which would make batch-vs-single and
    image-sensitivity tests vacuous.
    """
    import torch
    from tokenizers import Tokenizer, decoders, models, pre_tokenizers, trainers
    from transformers import (
        CLIPImageProcessor,
        CLIPVisionConfig,
        LlamaConfig,
        LlavaConfig,
        LlavaForConditionalGeneration,
        LlavaProcessor,
        PreTrainedTokenizerFast,
    )

    folder.mkdir(parents=True, exist_ok=True)
    # Byte-level BPE: every string round-trips, so decoded text is exactly what was generated.
    backend = Tokenizer(models.BPE(unk_token="<unk>"))
    backend.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    backend.decoder = decoders.ByteLevel()
    trainer = trainers.BpeTrainer(
        vocab_size=400, special_tokens=["<pad>", "<s>", "</s>", "<unk>", "<image>"],
        initial_alphabet=pre_tokenizers.ByteLevel.alphabet(), show_progress=False,
    )
    backend.train_from_iterator(_CORPUS, trainer)
    tokenizer = PreTrainedTokenizerFast(
        tokenizer_object=backend, bos_token="<s>", eos_token="</s>", pad_token="<pad>",
        unk_token="<unk>", extra_special_tokens={"image_token": "<image>"},
    )
    patch = 8
    image_processor = CLIPImageProcessor(
        size={"shortest_edge": image_size}, crop_size={"height": image_size, "width": image_size}
    )
    processor = LlavaProcessor(
        image_processor=image_processor, tokenizer=tokenizer, patch_size=patch,
        vision_feature_select_strategy="default", num_additional_image_tokens=1,
        chat_template=_CHAT_TEMPLATE,
    )
    vision = CLIPVisionConfig(
        hidden_size=32, intermediate_size=64, num_hidden_layers=2, num_attention_heads=4,
        image_size=image_size, patch_size=patch, projection_dim=32,
    )
    text = LlamaConfig(
        vocab_size=len(tokenizer), hidden_size=48, intermediate_size=96, num_hidden_layers=2,
        num_attention_heads=4, num_key_value_heads=2, max_position_embeddings=512,
        bos_token_id=tokenizer.bos_token_id, eos_token_id=tokenizer.eos_token_id,
        pad_token_id=tokenizer.pad_token_id,
    )
    image_token_id = tokenizer.convert_tokens_to_ids("<image>")
    assert isinstance(image_token_id, int)
    config = LlavaConfig(
        vision_config=vision, text_config=text, image_token_index=image_token_id,
        image_seq_length=(image_size // patch) ** 2,
    )
    torch.manual_seed(seed)
    model = LlavaForConditionalGeneration(config)
    generator = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        for parameter in model.parameters():
            if parameter.dim() > 1:
                parameter.copy_(torch.randn(parameter.shape, generator=generator) * 0.3)
    model.generation_config.pad_token_id = tokenizer.pad_token_id
    model.generation_config.eos_token_id = tokenizer.eos_token_id
    model.save_pretrained(folder)
    processor.save_pretrained(folder)
    return folder


_MIVOLO_CONFIGURATION = '''
from transformers import PretrainedConfig


class TinyMiVOLOConfig(PretrainedConfig):
    """MiVOLO-shaped config: age de-normalisation constants and gender labels."""

    model_type = "tiny_mivolo"

    def __init__(self, input_size=32, channels=8, min_age=0.0, max_age=122.0, avg_age=61.0,
                 gender_id2label=None, **kwargs):
        self.input_size = input_size
        self.channels = channels
        self.min_age = min_age
        self.max_age = max_age
        self.avg_age = avg_age
        if gender_id2label is not None:
            # JSON turns int keys into strings; the published config exposes int keys.
            gender_id2label = {int(k): v for k, v in gender_id2label.items()}
        self.gender_id2label = gender_id2label
        super().__init__(**kwargs)
'''

_MIVOLO_MODELING = '''
from dataclasses import dataclass

import torch
from torch import nn
from transformers import PreTrainedModel
from transformers.utils import ModelOutput

from .configuration_tiny_mivolo import TinyMiVOLOConfig


@dataclass
class TinyMiVOLOOutput(ModelOutput):
    age_output: torch.Tensor | None = None
    gender_probs: torch.Tensor | None = None
    gender_class_idx: torch.Tensor | None = None
    raw_gender_output: torch.Tensor | None = None


class TinyMiVOLOForImageClassification(PreTrainedModel):
    """Face and body crops stacked to 6 channels, like MiVOLO; a tiny conv net instead of VOLO."""

    config_class = TinyMiVOLOConfig
    main_input_name = "faces_input"

    def __init__(self, config):
        super().__init__(config)
        width = config.channels
        self.features = nn.Sequential(
            nn.Conv2d(6, width, 3, stride=2, padding=1), nn.ReLU(),
            nn.Conv2d(width, width, 3, stride=2, padding=1),
            nn.AdaptiveAvgPool2d(1), nn.Flatten(),
        )
        self.head = nn.Linear(width, 3)
        self.post_init()

    def _init_weights(self, module):
        # Scaled so that random weights give ages in a human range and both genders.
        if isinstance(module, (nn.Conv2d, nn.Linear)):
            nn.init.normal_(module.weight, std=0.3 if isinstance(module, nn.Conv2d) else 0.2)
            nn.init.zeros_(module.bias)
        if isinstance(module, nn.Linear):
            with torch.no_grad():
                module.weight[0] *= 0.1

    def forward(self, faces_input=None, body_input=None, **kwargs):
        if faces_input is None or body_input is None:
            raise ValueError("MiVOLO needs both faces_input and body_input")
        out = self.head(self.features(torch.cat((faces_input, body_input), dim=1)))
        config = self.config
        # Not clamped, as in the published model.
        age = out[:, 0] * (config.max_age - config.min_age) + config.avg_age
        logits = out[:, 1:3]
        gender_probs, gender_class_idx = logits.softmax(dim=-1).max(dim=-1)
        return TinyMiVOLOOutput(
            age_output=age, gender_probs=gender_probs, gender_class_idx=gender_class_idx,
            raw_gender_output=logits,
        )
'''

_MIVOLO_IMAGE_PROCESSING = '''
import cv2
import numpy as np
import torch
from transformers.image_processing_utils import BaseImageProcessor, BatchFeature

IMAGENET_MEAN = np.array([0.485, 0.456, 0.406], dtype=np.float32)
IMAGENET_STD = np.array([0.229, 0.224, 0.225], dtype=np.float32)


class TinyMiVOLOImageProcessor(BaseImageProcessor):
    """BGR arrays (or None) -> letterboxed, RGB, ImageNet-normalised 3xSxS tensors."""

    model_input_names = ["pixel_values"]

    def __init__(self, input_size=32, **kwargs):
        super().__init__(**kwargs)
        self.input_size = input_size

    def __call__(self, images, **kwargs):
        return self.preprocess(images, **kwargs)

    def preprocess(self, images, **kwargs):
        if images is None or isinstance(images, np.ndarray):
            images = [images]
        pixels = np.stack([self._one(image) for image in images])
        return BatchFeature(data={"pixel_values": torch.from_numpy(pixels)})

    def _one(self, image):
        size = self.input_size
        canvas = np.zeros((size, size, 3), dtype=np.uint8)
        if image is not None:
            height, width = image.shape[:2]
            scale = size / max(height, width)
            new_w, new_h = max(1, round(width * scale)), max(1, round(height * scale))
            resized = cv2.resize(image, (new_w, new_h), interpolation=cv2.INTER_LINEAR)
            top, left = (size - new_h) // 2, (size - new_w) // 2
            canvas[top:top + new_h, left:left + new_w] = resized
        rgb = canvas[..., ::-1].astype(np.float32) / 255.0
        return ((rgb - IMAGENET_MEAN) / IMAGENET_STD).transpose(2, 0, 1).copy()
'''


def build_tiny_mivolo(
    folder: Path, *, seed: int = 2, input_size: int = 32,
    gender_id2label: dict[int, str] | None = None, avg_age: float = 61.0,
) -> Path:
    """Write a tiny MiVOLO-interface remote-code model to ``folder`` and return it.

    ``gender_id2label`` is written to the config when given; None leaves it out, to test the
    adapter's documented default. The default seed gives both genders on varied images.
    """
    import torch
    from transformers import AutoConfig, AutoModelForImageClassification

    folder.mkdir(parents=True, exist_ok=True)
    for name, source in (
        ("configuration_tiny_mivolo.py", _MIVOLO_CONFIGURATION),
        ("modeling_tiny_mivolo.py", _MIVOLO_MODELING),
        ("image_processing_tiny_mivolo.py", _MIVOLO_IMAGE_PROCESSING),
    ):
        (folder / name).write_text(source.lstrip())
    config: dict[str, Any] = {
        "model_type": "tiny_mivolo",
        "architectures": ["TinyMiVOLOForImageClassification"],
        "auto_map": {
            "AutoConfig": "configuration_tiny_mivolo.TinyMiVOLOConfig",
            "AutoModelForImageClassification":
                "modeling_tiny_mivolo.TinyMiVOLOForImageClassification",
        },
        "input_size": input_size,
        "channels": 8,
        "min_age": 0.0,
        "max_age": 122.0,
        "avg_age": avg_age,
    }
    if gender_id2label is not None:
        config["gender_id2label"] = {str(k): v for k, v in gender_id2label.items()}
    (folder / "config.json").write_text(json.dumps(config, indent=2))
    (folder / "preprocessor_config.json").write_text(json.dumps({
        "image_processor_type": "TinyMiVOLOImageProcessor",
        "auto_map": {"AutoImageProcessor": "image_processing_tiny_mivolo.TinyMiVOLOImageProcessor"},
        "input_size": input_size,
    }, indent=2))
    # Build through the same remote-code path, then save only the weights: config.json stays
    # exactly as written above, like a hub repository's.
    loaded = AutoConfig.from_pretrained(folder, trust_remote_code=True)
    torch.manual_seed(seed)
    model = AutoModelForImageClassification.from_config(loaded, trust_remote_code=True)
    from safetensors.torch import save_file

    state = {key: value.contiguous() for key, value in model.state_dict().items()}
    save_file(state, str(folder / "model.safetensors"), metadata={"format": "pt"})
    return folder


def _llama_like_tokenizer() -> Any:
    """Byte-level BPE trained on the corpus above, with Llama's three special tokens only."""
    from tokenizers import Tokenizer, decoders, models, pre_tokenizers, trainers
    from transformers import PreTrainedTokenizerFast

    backend = Tokenizer(models.BPE(unk_token="<unk>"))
    backend.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    backend.decoder = decoders.ByteLevel()
    trainer = trainers.BpeTrainer(
        vocab_size=400, special_tokens=["<unk>", "<s>", "</s>"],
        initial_alphabet=pre_tokenizers.ByteLevel.alphabet(), show_progress=False,
    )
    backend.train_from_iterator(_CORPUS, trainer)
    return PreTrainedTokenizerFast(tokenizer_object=backend, bos_token="<s>", eos_token="</s>",
                                   unk_token="<unk>")


def build_tiny_share4v(folder: Path, *, seed: int = 3, image_size: int = 28) -> tuple[Path, Path]:
    """Write a tiny ShareGPT4V checkpoint and its vision tower; return ``(model, tower)``.

    The tokenizer has no ``<image>`` and no pad token, as the published one; weights are drawn
    with a large standard deviation so answers depend on the image.
    """
    import torch
    from safetensors.torch import load_file, save_file
    from transformers import (
        CLIPImageProcessor,
        CLIPVisionConfig,
        CLIPVisionModel,
        LlamaConfig,
        LlamaForCausalLM,
    )

    model_dir, tower_dir = folder / "share4v", folder / "vit"
    model_dir.mkdir(parents=True, exist_ok=True)
    tokenizer = _llama_like_tokenizer()
    tokenizer.save_pretrained(model_dir)
    torch.manual_seed(seed)
    generator = torch.Generator().manual_seed(seed)

    def scrambled(module: Any) -> dict[str, Any]:
        with torch.no_grad():
            for parameter in module.parameters():
                if parameter.dim() > 1:
                    parameter.copy_(torch.randn(parameter.shape, generator=generator) * 0.3)
        return {key: value.contiguous() for key, value in module.state_dict().items()}

    vision = CLIPVisionConfig(
        hidden_size=32, intermediate_size=64, num_hidden_layers=3, num_attention_heads=4,
        image_size=image_size, patch_size=14, projection_dim=32,
    )
    tower = CLIPVisionModel(vision)
    tower_state = {("" if key.startswith("vision_model.") else "vision_model.") + key: value
                   for key, value in scrambled(tower).items()}
    tower.save_pretrained(tower_dir)
    (tower_dir / "model.safetensors").unlink()
    save_file(tower_state, str(tower_dir / "model.safetensors"), metadata={"format": "pt"})
    CLIPImageProcessor(size={"shortest_edge": image_size},
                       crop_size={"height": image_size, "width": image_size}).save_pretrained(
        tower_dir)
    assert set(load_file(str(tower_dir / "model.safetensors"))) == set(tower_state)

    text = LlamaConfig(
        vocab_size=len(tokenizer), hidden_size=48, intermediate_size=96, num_hidden_layers=2,
        num_attention_heads=4, num_key_value_heads=2, max_position_embeddings=512,
        bos_token_id=tokenizer.bos_token_id, eos_token_id=tokenizer.eos_token_id,
    )
    state = scrambled(LlamaForCausalLM(text))
    projector = torch.nn.Sequential(torch.nn.Linear(32, 48), torch.nn.GELU(),
                                    torch.nn.Linear(48, 48))
    state.update({f"model.mm_projector.{key}": value
                  for key, value in scrambled(projector).items()})
    torch.save(state, model_dir / "pytorch_model.bin")
    config = {
        key: value for key, value in text.to_dict().items()
        if key in ("vocab_size", "hidden_size", "intermediate_size", "num_hidden_layers",
                   "num_attention_heads", "num_key_value_heads", "hidden_act",
                   "max_position_embeddings", "rms_norm_eps", "bos_token_id", "eos_token_id")
    }
    config.update({
        "model_type": "share4v", "architectures": ["Share4VLlamaForCausalLM"],
        "mm_vision_tower": "Lin-Chen/ShareGPT4V-7B_Pretrained_vit-large336-l12",
        "mm_projector_type": "mlp2x_gelu", "mm_hidden_size": 32, "mm_vision_select_layer": -2,
        "mm_vision_select_feature": "patch", "image_aspect_ratio": "pad",
        "mm_use_im_start_end": False, "mm_use_im_patch_token": False, "torch_dtype": "float32",
    })
    (model_dir / "config.json").write_text(json.dumps(config, indent=2))
    return model_dir, tower_dir

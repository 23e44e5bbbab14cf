"""ShareGPT4V as published (``model_type: share4v``) → the llava-hf layout transformers loads.

``Lin-Chen/ShareGPT4V-7B`` is a LLaVA-1.5 architecture saved by its own code base
(``Share4VLlamaForCausalLM``): a Vicuna/Llama language model, a two-layer GELU projector
(``mm_projector_type: mlp2x_gelu``) and a CLIP ViT-L/14-336 vision tower that ShareGPT4V fine-tuned
and publishes separately (``Lin-Chen/ShareGPT4V-7B_Pretrained_vit-large336-l12``). transformers
has no ``share4v`` model type, so ``AutoConfig`` refuses the folder. The three parts map one to one
onto ``LlavaForConditionalGeneration``; this module renames the tensors (no weight changes except
one new embedding row per added token, the mean of the others), and writes a processor that
reproduces ShareGPT4V's input:

- images padded to a square with the CLIP mean colour, then resized (``image_aspect_ratio: pad``),
  which is ``LlavaImageProcessor(do_pad=True)``;
- the ``share4v_v1`` conversation: its default system sentence, ``USER: <image>\\n{text}
  ASSISTANT:`` (a system message of the prompt variant replaces the default sentence);
- patch size and feature layer from the tower and the config (``mm_vision_select_layer``).

The model is built on the meta device and the tensors are assigned to it, so the conversion holds
the checkpoint once in memory (about 14 GB for the 7B model in float16), not twice; a strict load
checks every tensor found its place.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from .._exceptions import ModelError

__all__ = ["SHARE4V_SYSTEM", "config_hint", "convert_share4v"]

SHARE4V_SYSTEM = (
    "A chat between a curious human and an artificial intelligence assistant. "
    "The assistant gives helpful, detailed, and polite answers to the human's questions."
)

# share4v_v1 (vicuna v1 separators): "<s>SYSTEM USER: <image>\nQ ASSISTANT: A</s>". The BOS is
# written here (ShareGPT4V's tokenizer adds it); a prompt that starts with it is not given another.
_CHAT_TEMPLATE = (
    "{{ bos_token }}{% if messages[0]['role'] == 'system' %}"
    "{% set system = messages[0]['content'] if messages[0]['content'] is string "
    "else messages[0]['content'][0]['text'] %}{% set turns = messages[1:] %}"
    "{% else %}{% set system = '" + SHARE4V_SYSTEM.replace("'", "\\'") + "' %}"
    "{% set turns = messages %}{% endif %}"
    "{{ system }}"
    "{% for message in turns %}"
    "{% if message['role'] == 'user' %}{{ ' USER: ' }}"
    "{% if message['content'] is string %}{{ message['content'] }}{% else %}"
    "{% for part in message['content'] if part['type'] == 'image' %}{{ '<image>\\n' }}"
    "{% endfor %}"
    "{% for part in message['content'] if part['type'] == 'text' %}{{ part['text'] }}{% endfor %}"
    "{% endif %}"
    "{% else %}{{ ' ASSISTANT: ' }}{{ message['content'] if message['content'] is string "
    "else message['content'][0]['text'] }}{{ eos_token }}{% endif %}"
    "{% endfor %}"
    "{% if add_generation_prompt %}{{ ' ASSISTANT:' }}{% endif %}"
)

# Keys of a share4v config.json that are the language model's own.
_LLAMA_KEYS = (
    "vocab_size", "hidden_size", "intermediate_size", "num_hidden_layers", "num_attention_heads",
    "num_key_value_heads", "hidden_act", "max_position_embeddings", "rms_norm_eps", "rope_theta",
    "rope_scaling", "initializer_range", "bos_token_id", "eos_token_id", "pad_token_id",
    "tie_word_embeddings", "attention_bias", "pretraining_tp",
)
_SELECT = {"patch": "default", "cls_patch": "full"}


def convert_share4v(source: Path, dest: Path, *, vision_tower: Path | None = None) -> Path:
    """Write ``source`` (a ShareGPT4V folder) to ``dest`` in the llava-hf layout; return ``dest``.

    Args:
        source: A local copy of a ShareGPT4V checkpoint (``config.json`` with
            ``model_type: share4v``, tokenizer, weights as ``*.safetensors`` or ``*.bin``).
        dest: The folder to write; ``transformers:DEST`` then loads it.
        vision_tower: The CLIP vision tower's folder (config, weights, preprocessor config). By
            default the one the config names, if it is in the hub cache.

    Raises:
        ModelError: Not a share4v folder, an unsupported projector, no vision tower, or tensors
            that do not fit the LLaVA architecture (named).
    """
    import torch
    import transformers

    tf: Any = transformers  # untyped use: attribute names differ between releases
    config = _share4v_config(source)
    tower_dir = _tower_folder(config, vision_tower)
    tokenizer = tf.AutoTokenizer.from_pretrained(source)
    added = tokenizer.add_tokens(["<image>"], special_tokens=True)
    if tokenizer.pad_token is None:
        added += tokenizer.add_special_tokens({"pad_token": "<pad>"})
    vision_config = tf.CLIPVisionConfig.from_pretrained(tower_dir)
    text_config = tf.LlamaConfig(**{
        **{key: config[key] for key in _LLAMA_KEYS if key in config}, "vocab_size": len(tokenizer),
        "pad_token_id": tokenizer.pad_token_id,
    })
    image_token = tokenizer.convert_tokens_to_ids("<image>")
    llava_config = tf.LlavaConfig(
        vision_config=vision_config, text_config=text_config, image_token_index=image_token,
        projector_hidden_act="gelu",
        vision_feature_layer=int(config.get("mm_vision_select_layer", -2)),
        vision_feature_select_strategy=_SELECT[config.get("mm_vision_select_feature", "patch")],
        image_seq_length=(vision_config.image_size // vision_config.patch_size) ** 2,
    )
    with torch.device("meta"):
        model = tf.LlavaForConditionalGeneration(llava_config)
    weights = _read_tensors(source)
    tower = {key.removeprefix("model.vision_tower.vision_tower."): value
             for key, value in weights.items() if key.startswith("model.vision_tower.")}
    parts = _parts(model)
    _load(parts["tower"], _tower_weights(tower or _read_tensors(tower_dir)), "vision tower")
    _load(parts["projector"], _projector_weights(weights), "projector")
    text = {key.removeprefix("model."): value for key, value in weights.items()
            if key.startswith("model.") and not key.startswith(("model.mm_projector.",
                                                                 "model.vision_tower."))}
    text["embed_tokens.weight"] = _grown(text["embed_tokens.weight"], added)
    _load(parts["text"], text, "language model")
    _load(parts["head"], {"weight": _grown(weights["lm_head.weight"], added)}, "lm_head")
    model.generation_config.pad_token_id = tokenizer.pad_token_id
    model.save_pretrained(dest)
    _processor(tf, tokenizer, tower_dir, vision_config, llava_config).save_pretrained(dest)
    return dest


def config_hint(model_id: str, revision: str | None) -> str:
    """What to do about a config ``AutoConfig`` refused: the fix for ShareGPT4V, else the type."""
    path = Path(model_id) / "config.json"
    if not path.is_file():
        try:
            from huggingface_hub import try_to_load_from_cache

            cached = try_to_load_from_cache(model_id, "config.json", revision=revision)
        except Exception:  # noqa: BLE001 - no hint is better than a second error
            cached = None
        path = Path(cached) if isinstance(cached, str) else path
    try:
        model_type = json.loads(path.read_text(encoding="utf-8")).get("model_type")
    except (OSError, ValueError, AttributeError):
        model_type = None
    if model_type == "share4v":
        return (
            "; this is ShareGPT4V's published layout, which transformers cannot load: convert it "
            f"once with `robustness convert-sharegpt4v {model_id} DEST --vision-tower VIT_FOLDER` "
            "and use transformers:DEST, or serve it and use --model sharegpt4v --base-url URL"
        )
    if model_type is not None:
        return (f"; model_type {model_type!r} is not one this transformers knows: upgrade "
                "transformers or convert the checkpoint to a layout it knows")
    return ""


def _share4v_config(source: Path) -> dict[str, Any]:
    try:
        config: dict[str, Any] = json.loads((source / "config.json").read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise ModelError(f"{source}: no readable config.json ({exc})") from exc
    if config.get("model_type") != "share4v":
        raise ModelError(
            f"{source}: model_type is {config.get('model_type')!r}, not 'share4v'; only "
            f"ShareGPT4V's published layout is converted"
        )
    feature = config.get("mm_vision_select_feature", "patch")
    if feature not in _SELECT:
        raise ModelError(f"{source}: mm_vision_select_feature {feature!r} is not one of "
                         f"{sorted(_SELECT)}")
    projector = config.get("mm_projector_type", "linear")
    if projector != "mlp2x_gelu":
        raise ModelError(f"{source}: mm_projector_type {projector!r} has no LLaVA counterpart "
                         f"(mlp2x_gelu is the one ShareGPT4V publishes)")
    return config


def _tower_folder(config: dict[str, Any], given: Path | None) -> Path:
    if given is not None:
        return given
    name = str(config.get("mm_vision_tower", ""))
    if Path(name).is_dir():
        return Path(name)
    try:
        from huggingface_hub import try_to_load_from_cache

        cached = try_to_load_from_cache(name, "config.json")
    except Exception:  # noqa: BLE001 - not cached is the common case
        cached = None
    if isinstance(cached, str):
        return Path(cached).parent
    raise ModelError(
        f"the vision tower {name!r} is not on this machine: download it (hf download {name}) "
        f"and pass its folder with --vision-tower"
    )


def _read_tensors(folder: Path) -> dict[str, Any]:
    """Every tensor of the folder's ``*.safetensors`` files, else of its ``*.bin`` files."""
    import torch
    from safetensors.torch import load_file

    tensors: dict[str, Any] = {}
    files = sorted(folder.glob("*.safetensors"))
    for path in files:
        tensors.update(load_file(str(path)))
    if not files:
        for path in sorted(folder.glob("*.bin")):
            tensors.update(torch.load(path, map_location="cpu", weights_only=True))
    if not tensors:
        raise ModelError(f"{folder}: no *.safetensors or *.bin weights")
    return tensors


def _tower_weights(tensors: dict[str, Any]) -> dict[str, Any]:
    """A CLIP vision checkpoint's tensors as the tower module names them (with or without
    ``vision_model.``: releases of transformers differ)."""
    return {key.removeprefix("vision_model."): value for key, value in tensors.items()
            if not key.startswith(("text_model.", "logit_scale"))}


def _projector_weights(weights: dict[str, Any]) -> dict[str, Any]:
    """``model.mm_projector.{0,2}.*`` (Linear, GELU, Linear) → ``linear_1``/``linear_2``."""
    layers = {"0": "linear_1", "2": "linear_2"}
    out = {}
    for key, value in weights.items():
        if key.startswith("model.mm_projector."):
            index, rest = key.removeprefix("model.mm_projector.").split(".", 1)
            out[f"{layers.get(index, index)}.{rest}"] = value
    return out


def _parts(model: Any) -> dict[str, Any]:
    """The four modules to fill; where they sit differs between transformers releases."""
    inner = getattr(model, "model", model)
    tower = getattr(inner, "vision_tower", None)
    tower = model.vision_tower if tower is None else tower
    # A CLIPVisionModel wraps the transformer in ``vision_model`` on some releases.
    tower = getattr(tower, "vision_model", tower)
    projector = getattr(inner, "multi_modal_projector", None)
    projector = model.multi_modal_projector if projector is None else projector
    return {"tower": tower, "projector": projector, "text": model.get_decoder(),
            "head": model.get_output_embeddings()}


def _load(module: Any, tensors: dict[str, Any], part: str) -> None:
    try:
        module.load_state_dict(tensors, strict=True, assign=True)
    except RuntimeError as exc:
        raise ModelError(f"the checkpoint's {part} does not fit LLaVA: {exc}") from exc


def _grown(matrix: Any, rows: int) -> Any:
    """``matrix`` with ``rows`` more rows, each the mean of the existing ones."""
    import torch

    if rows == 0:
        return matrix
    mean = matrix.float().mean(dim=0, keepdim=True).to(matrix.dtype)
    return torch.cat([matrix, mean.expand(rows, -1)], dim=0)


def _processor(tf: Any, tokenizer: Any, tower_dir: Path, vision_config: Any,
               llava_config: Any) -> Any:
    size = vision_config.image_size
    clip: dict[str, Any] = {}
    path = tower_dir / "preprocessor_config.json"
    if path.is_file():
        clip = json.loads(path.read_text(encoding="utf-8"))
    image_processor = tf.LlavaImageProcessor(
        do_pad=True, size={"shortest_edge": size}, crop_size={"height": size, "width": size},
        **{key: clip[key] for key in ("image_mean", "image_std") if key in clip},
    )
    return tf.LlavaProcessor(
        image_processor=image_processor, tokenizer=tokenizer, patch_size=vision_config.patch_size,
        vision_feature_select_strategy=llava_config.vision_feature_select_strategy,
        num_additional_image_tokens=1, chat_template=_CHAT_TEMPLATE,
    )

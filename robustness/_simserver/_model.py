"""The ``sim-mllm`` model: an OpenAI-protocol client of a simulated server started for it."""

from __future__ import annotations

from .._models import ModelAdapter, ModelSettings, openai_model
from ._config import SimConfig

__all__ = ["SIM_MODEL", "SIM_MODEL_DESCRIPTION", "simulated_model"]

SIM_MODEL = "sim-mllm"
SIM_MODEL_DESCRIPTION = ("SIMULATED MLLM: the suite's own server on 127.0.0.1, answering from "
                         "the embedded model; for offline use and tests")


def simulated_model(settings: ModelSettings) -> ModelAdapter:
    """A client of a simulated server started on a free port; closing it stops the server."""
    from ._server import SimServer  # HTTP server modules: loaded only when the model is built

    server = SimServer(SimConfig())
    server.start()
    try:
        model = openai_model(settings, name=SIM_MODEL, model=SIM_MODEL, base_url=server.base_url,
                             fingerprint_url=f"simulated://{SIM_MODEL}", on_close=server.stop)
    except BaseException:
        server.stop()  # a started server left running would outlive the error
        raise
    model.simulated = True
    return model

"""The one protocol every model adapter implements, and the inputs it receives.

An adapter takes a batch of prepared inputs and returns one prediction per input, in order. It
declares the crop it wants (``input_mode``), a batch size, and a fingerprint: everything that
changes its answers (backend, weights, parameters), which becomes part of every request key.
"""

from __future__ import annotations

import abc
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np

from prompts._variant import PromptVariant

from .._types import Prediction

__all__ = ["InputMode", "ModelAdapter", "ModelInput"]

InputMode = Literal["face", "body", "face+body", "full"]


@dataclass(frozen=True, slots=True)
class ModelInput:
    """What one request sends to a model: the crops its input mode asks for (uint8 RGB).

    MLLMs also get the prompt variant and the repeat index (a repeat at temperature > 0 is a
    different question on purpose); specialised models ignore both.
    """

    face: np.ndarray | None = None
    body: np.ndarray | None = None
    prompt: PromptVariant | None = None
    repeat: int = 0

    def arrays(self) -> tuple[np.ndarray, ...]:
        return tuple(a for a in (self.face, self.body) if a is not None)


class ModelAdapter(abc.ABC):
    """A model behind the suite's one protocol.

    Subclasses set ``name``, ``input_mode`` and ``batch_size`` and implement ``predict_batch``;
    a failure on one input is returned as an ``error`` prediction, never raised, so the rest of
    the batch survives.
    """

    name: str
    input_mode: InputMode = "face"
    batch_size: int = 32
    simulated: bool = False
    takes_prompts: bool = False

    @property
    @abc.abstractmethod
    def fingerprint(self) -> str:
        """A stable string naming backend, weights and parameters: part of every request key."""

    @abc.abstractmethod
    def predict_batch(self, inputs: Sequence[ModelInput]) -> list[Prediction]:
        """Return one prediction per input, in order."""

    def close(self) -> None:
        """Release resources (sessions, servers). The default holds none."""

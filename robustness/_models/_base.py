"""The one protocol every model adapter implements, and the inputs it receives.

An adapter takes a batch of prepared inputs and returns one prediction per input, in order. It
declares the crop it wants (``input_mode``), a batch size, and a fingerprint: everything that
changes its answers (backend, weights, parameters), which becomes part of every request key.

The runner drives adapters through ``predict_stream``: it pulls requests from an iterator as it
has room for them and reports each answer the moment it has it, so every answer can be committed
as it arrives. The iterator may block while it prepares the next request (decode, perturb, crop);
a later executor can feed it from a pool of worker processes with a bounded window, and the
adapter's side stays the same. The default pulls a batch at a time through ``predict_batch``;
API adapters override it to keep ``concurrency`` requests in flight.
"""

from __future__ import annotations

import abc
import itertools
import threading
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np

from prompts import PromptVariant

from .._types import Prediction

__all__ = ["AnswerSink", "InputMode", "ModelAdapter", "ModelInput", "Request"]

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
    # The image as the adapter's ``input_encoder`` writes it (a PNG data URL), when a worker
    # process prepared this input: the encoding then runs beside the requests in flight.
    encoded: str | None = None

    def arrays(self) -> tuple[np.ndarray, ...]:
        return tuple(a for a in (self.face, self.body) if a is not None)


@dataclass(frozen=True, slots=True)
class Request:
    """One question to send: its request key, the input, and the digest of the input's pixels."""

    key: str
    input: ModelInput
    digest: str


# Called once per request pulled, with its key and prediction, as soon as the answer is in.
AnswerSink = Callable[[str, Prediction], None]


class ModelAdapter(abc.ABC):
    """A model behind the suite's one protocol.

    Subclasses set ``name``, ``input_mode`` and ``batch_size`` and implement ``predict_batch``;
    a failure on one input is returned as an ``error`` prediction, never raised, so the rest of
    the batch survives.
    """

    name: str
    input_mode: InputMode = "face"
    # Every crop one adapter (one connection, one loaded model) can be asked with, per request
    # (``Job.input_mode``); empty means ``input_mode`` only.
    input_modes: tuple[InputMode, ...] = ()
    batch_size: int = 32
    simulated: bool = False
    takes_prompts: bool = False
    # A picklable function from an input to its image's wire form, for worker processes to
    # apply (``ModelInput.encoded``); None when the adapter takes arrays.
    input_encoder: Callable[[ModelInput], str] | None = None

    def supported_modes(self) -> tuple[InputMode, ...]:
        """The input modes this model can be asked with; its own ``input_mode`` first."""
        return tuple(dict.fromkeys((self.input_mode, *self.input_modes)))

    @property
    @abc.abstractmethod
    def fingerprint(self) -> str:
        """A stable string naming backend, weights and parameters: part of every request key."""

    @abc.abstractmethod
    def predict_batch(self, inputs: Sequence[ModelInput]) -> list[Prediction]:
        """Return one prediction per input, in order."""

    def predict_stream(
        self, requests: Iterator[Request], on_answer: AnswerSink, *,
        stop: threading.Event | None = None,
    ) -> None:
        """Answer requests pulled from ``requests``, reporting each through ``on_answer``.

        Pulls no more than one batch ahead, and no new request once ``stop`` is set; every
        request pulled gets exactly one ``on_answer`` call unless an exception ends the stream.
        """
        while stop is None or not stop.is_set():
            batch = list(itertools.islice(requests, self.batch_size))
            if not batch:
                return
            answers = self.predict_batch([request.input for request in batch])
            for request, answer in zip(batch, answers, strict=True):
                on_answer(request.key, answer)

    def close(self) -> None:  # noqa: B027 - an optional hook: most adapters hold nothing
        """Release resources (sessions, servers). The default holds none."""

"""A prompt variant: what an MLLM is asked, and in which answer format."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from ._answer import ALL_ASKS, Field

__all__ = ["AnswerFormat", "PromptVariant"]

AnswerFormat = Literal["free", "json", "number", "final-line"]


@dataclass(frozen=True, slots=True)
class PromptVariant:
    """One way of asking for age and gender.

    ``user`` is the text sent beside the image in the user turn; ``system`` an optional system
    prompt. ``answer_format`` names what the text asks for, so parsing knows what to expect, and
    ``asks`` which fields: an answer is complete when every one of them is there.
    """

    id: str
    purpose: str
    user: str
    answer_format: AnswerFormat = "free"
    system: str | None = None
    language: str = "en"
    asks: tuple[Field, ...] = ALL_ASKS

    @property
    def text(self) -> str:
        """Everything the model reads besides the image: part of every request key."""
        return f"{self.system or ''}\x1e{self.user}"

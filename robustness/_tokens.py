"""Token estimates for OpenAI-style requests, shared by the client's dry run and the simulator.

Text is about four characters a token (OpenAI's rule of thumb). An image is priced by OpenAI's
published tile rule: ``low`` is 85; otherwise fit in 2048², shrink the shorter side to 768, then
85 + 170 per 512-px tile. ``auto`` is priced as ``high``, which is what the API picks for crops
of the suite's sizes.
"""

from __future__ import annotations

import math

__all__ = ["image_tokens", "text_tokens"]


def text_tokens(text: str) -> int:
    """About four characters a token."""
    return math.ceil(len(text) / 4)


def image_tokens(width: int, height: int, detail: str) -> int:
    """Tokens OpenAI bills for one image of ``width`` x ``height`` at ``detail``."""
    if detail == "low":
        return 85
    fit = min(1.0, 2048 / max(width, height))
    shrink = fit * min(1.0, 768 / (min(width, height) * fit))
    return 85 + 170 * math.ceil(width * shrink / 512) * math.ceil(height * shrink / 512)

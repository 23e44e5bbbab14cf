"""One builder for the metrics tests' hand-made rows.

Each is a clean, answered item unless told otherwise.
"""

from __future__ import annotations

from typing import Any

from robustness._types import ItemResult


def row(sample_id: str, outcome: str = "answer", **fields: Any) -> ItemResult:
    """An ``ItemResult`` of model ``m``, no prompt, clean condition, repeat 0.

    ``fields`` override any of them.
    """
    base: dict[str, Any] = {
        "model": "m",
        "prompt": "",
        "sample_id": sample_id,
        "perturbation": "none",
        "severity": 0,
        "replicate": 0,
        "repeat": 0,
        "outcome": outcome,
    }
    return ItemResult(**(base | fields))  # type: ignore[arg-type]

"""Plain values that flow through the engine: samples, predictions.

Boxes are pixel corners ``(x0, y0, x1, y1)`` of the full image, as in MiVOLO/LAGENDA annotations.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

__all__ = ["Box", "Gender", "ItemResult", "Outcome", "Prediction", "Sample"]

Box = tuple[float, float, float, float]
Gender = Literal["male", "female"]
Outcome = Literal["answer", "partial", "refusal", "unparseable", "error"]


@dataclass(frozen=True, slots=True)
class Sample:
    """One labelled (or unlabelled) image of a dataset.

    ``age`` is the point label in years; a group label (Adience ``(25, 32)``, FairFace ``20-29``,
    MiVOLO ``25;32``) sets ``age_low``/``age_high`` and leaves ``age`` as the group's midpoint so
    MAE stays defined. ``error`` is set when the annotation row itself was unusable: the sample is
    still planned, and every item of it is recorded as an error with this reason.
    ``other_faces``/``other_persons`` are the boxes of the dataset's other rows for the same image
    (LAGENDA annotates every person): MiVOLO blacks them out of this sample's body crop.
    """

    id: str
    image_path: Path
    age: float | None = None
    age_low: float | None = None
    age_high: float | None = None
    gender: Gender | None = None
    face_box: Box | None = None
    person_box: Box | None = None
    subject_id: str | None = None
    extras: Mapping[str, str] = field(default_factory=dict)
    source: str = ""
    error: str | None = None
    other_faces: tuple[Box, ...] = ()
    other_persons: tuple[Box, ...] = ()

    @property
    def has_age_range(self) -> bool:
        return self.age_low is not None and self.age_high is not None


@dataclass(frozen=True, slots=True)
class Prediction:
    """What a model answered for one request. A refused or failed answer is never imputed."""

    outcome: Outcome
    age: float | None = None
    gender: Gender | None = None
    gender_confidence: float | None = None
    refusal_kind: str | None = None
    raw_text: str | None = None
    error: str | None = None
    latency_ms: float | None = None
    age_low: float | None = None
    age_high: float | None = None
    tokens_in: int | None = None
    tokens_out: int | None = None
    finish_reason: str | None = None
    system_fingerprint: str | None = None
    truncated: bool = False  # the answer hit its token cap (``finish_reason: length``)
    asks: str | None = None  # the fields the prompt asked, "age,gender" (parsed answers only)
    parser_version: str | None = None  # prompts.PARSER_VERSION that read raw_text
    parsed_by: str | None = None  # "rules" or "judge:<model>": who produced the parsed fields
    judge_key: str | None = None  # the judge request consulted about raw_text (``_judge``)


@dataclass(frozen=True, slots=True)
class ItemResult:
    """One planned item joined with its label and its prediction: the row metrics work on.

    ``perturbation`` is ``"none"`` and ``severity`` 0 for the clean condition. ``prompt`` is ``""``
    for models that take no prompt. ``input_mode`` is the crop the model was shown (``"face"``,
    ``"body"``, …; ``""`` when not recorded): a perturbed answer is only ever compared with the
    clean answer of the same input mode.
    """

    model: str
    prompt: str
    sample_id: str
    perturbation: str
    severity: int
    replicate: int
    repeat: int
    outcome: Outcome
    age: float | None = None
    gender: Gender | None = None
    age_true: float | None = None
    age_low: float | None = None
    age_high: float | None = None
    gender_true: Gender | None = None
    subject_id: str | None = None
    refusal_kind: str | None = None
    input_mode: str = ""

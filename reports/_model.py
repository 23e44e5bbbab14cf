"""The report's input: plain values, built by whoever holds the results (the engine, a test).

Nothing here knows about stores, models or images on disk: a report renders from these values
alone, so it can be built by hand, by the engine, or from an exported table.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, TypedDict

__all__ = [
    "Answer",
    "DatasetInfo",
    "GalleryCell",
    "GallerySample",
    "Header",
    "ModelInfo",
    "ReportData",
]


class ModelInfo(TypedDict, total=False):
    """One evaluated model. ``simulated`` models get a SIMULATED badge wherever they appear."""

    name: str
    fingerprint: str
    simulated: bool
    input: str  # what the model was shown, in words ("face crop", "body crop")


class DatasetInfo(TypedDict, total=False):
    """One dataset. ``attribution`` is the line its licence requires next to its images."""

    name: str
    path: str
    format: str
    attribution: str | None
    attribution_full: str | None  # the dataset README's opening, shown on expand


class Header(TypedDict, total=False):
    """What the page's header lists; every key is optional and shown only when present.

    ``counts`` maps a label ("samples", "items", "errors") to a number, in display order;
    ``versions`` maps a component to its version; ``tokens`` has ``in``/``out`` totals;
    ``prompts`` maps a prompt id to its text; ``notes`` are extra sentences shown as given.
    """

    run_id: str
    models: list[ModelInfo]
    datasets: list[DatasetInfo]
    counts: dict[str, int | float]
    seed: int
    versions: dict[str, str]
    tokens: dict[str, int]
    cost: str
    prompts: dict[str, str]
    notes: list[str]


@dataclass(frozen=True, slots=True)
class Answer:
    """One model's answer under one condition, compared with its own clean answer.

    ``changed_age``: the age moved by more than 5 years from the clean answer (CS@5's threshold);
    ``flipped``: the gender differs from the clean answer's. Both are False on the clean cell.
    ``prompt`` is ``""`` for models that take no prompt; ``raw_text`` is an MLLM's reply as sent.
    """

    model: str
    prompt: str
    age: float | None
    gender: str | None
    outcome: str
    refusal_kind: str | None = None
    raw_text: str | None = None
    changed_age: bool = False
    flipped: bool = False
    error: str | None = None
    parsed_by: str | None = None  # "rules" or "judge:<model>": who read ``raw_text``


@dataclass(frozen=True, slots=True)
class GalleryCell:
    """One image variant of a sample: its thumbnail and every model's answer to it.

    ``thumbnail_png`` holds PNG or JPEG bytes (the format is sniffed); empty bytes mean the image
    could not be rebuilt, and ``note`` says why. Severity 0 with perturbation ``"none"`` is clean.
    """

    perturbation: str
    severity: int
    thumbnail_png: bytes
    answers: list[Answer] = field(default_factory=list)
    replicate: int = 0
    note: str | None = None


@dataclass(frozen=True, slots=True)
class GallerySample:
    """A gallery sample: its id, its label in words (or None), its cells, clean first."""

    sample_id: str
    label: str | None
    cells: list[GalleryCell] = field(default_factory=list)
    score: float | None = None  # how unstable it was; the gallery's sort key


@dataclass(frozen=True, slots=True)
class ReportData:
    """Everything one report shows.

    ``summary`` is a run's JSON summary (``{"run", "simulated", "models"}``, the README's
    contract). ``ab`` is a list of A/B verdict rows (condition, metric, diff, ci, p, p_holm,
    verdict — any keys are rendered); ``counterexamples`` a list of rows rendered as a table.
    """

    title: str
    generated_at: str
    header: Header
    summary: dict[str, Any]
    gallery: list[GallerySample] = field(default_factory=list)
    ab: list[dict[str, Any]] | None = None
    counterexamples: list[dict[str, Any]] | None = None
    gallery_note: str | None = None  # how the thumbnails were made, in one sentence

"""What makes two requests the same question: the one definition of request key and run id.

A request key hashes everything that changes what a model sees or how its answer is read:

- the model's fingerprint (backend, weights, served name, endpoint, decoding parameters such as
  temperature, top_p, max tokens and seed, ``detail`` and the image encoding of API models);
- the view: the input mode, the face margin where a face crop is cut, and the crop rule;
- the exact pixels sent (``input_digest``);
- the prompt variant's full identity (system and user text, answer format, language, and any
  field a later parser reads, such as ``asks``), minus its id and one-line purpose;
- the repeat index (a repeat at temperature > 0 is a different question on purpose);
- the judge (``--judge``), through ``judged_fingerprint``: a judged model's stored parses are
  read differently, so judged and unjudged runs never share (or mix) a prediction.

A judge's own request (``judge_key``) is addressed by its content: the judge's fingerprint, the
version of its fixed prompt, the raw answer text and the fields asked, so one answer is judged
once however many items or runs point to it.

A run id hashes the same per-question identity for every job, plus what the plan selects (the
samples and their labels, the conditions, the run seed). Options that change neither are listed in
``NEUTRAL_OPTIONS``; ``tests/engine/test_request_identity.py`` fails on a ``run`` or ``ab``
option that is in none of the three lists, so a new option cannot be forgotten.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import fields
from typing import TYPE_CHECKING

from prompts import PromptVariant

from ._seeding import stable_hash

if TYPE_CHECKING:
    from ._datasets import Dataset
    from ._runner import Condition, Job

__all__ = [
    "CROP_RULE", "KEY_VERSION", "NEUTRAL_OPTIONS", "PLAN_OPTIONS", "REQUEST_OPTIONS",
    "judge_key", "judged_fingerprint", "prompt_identity", "question_identity", "request_key",
    "run_identity",
]

# Raised whenever the key's recipe changes, so an old store's answers are never misread as new.
KEY_VERSION = 2
# ``_materialize.crop``: the box grown by the margin, cut at floor/ceil pixel corners inside the
# image, never resized (a model's own preprocessing resizes, and that is part of its fingerprint).
CROP_RULE = "grow-margin;floor-ceil;clip;no-resize"
# A prompt's id names it and its purpose describes it; neither is read by the model or the parser.
_PROMPT_LABELS = frozenset({"id", "purpose"})

# CLI options (click parameter names of ``run`` and ``ab``) that change what a model sees or how
# its answer is read: part of every request key and of the run id.
REQUEST_OPTIONS = frozenset({
    "models", "prompt_ids", "prompts_file", "repeats", "base_url", "model_name", "input_mode",
    "detail", "temperature", "top_p", "max_tokens", "face_margin", "seed", "dtype",
    "prompt_a", "prompt_b", "a_model", "b_model", "a_input_mode", "b_input_mode", "judge",
})
# Options that choose which items are planned: part of the run id, not of a request key.
PLAN_OPTIONS = frozenset({
    "data", "data_format", "names", "severities", "replicates", "limit",
})
# Options that change neither: how fast, where results go, what is printed or compared. Worker
# counts and executors belong here too; so does the choice of replica in an endpoint pool, whose
# adapter must fingerprint the pool by one stable name (``OpenAISettings.fingerprint_url``).
NEUTRAL_OPTIONS = frozenset({
    "concurrency", "timeout_s", "store", "json_path", "report_path", "max_requests", "dry_run",
    "allow_errors", "alpha", "n_boot", "fail_on_regression", "baseline_id", "run_id",
    "workers", "executor", "ray_address", "slice_by", "prices",
})


def judged_fingerprint(fingerprint: str, judge_fingerprint: str, prompt_version: str) -> str:
    """The fingerprint of a model whose unreadable answers a judge reads (``--judge``)."""
    return f"{fingerprint};judge=[{judge_fingerprint}];judge_prompt={prompt_version}"


def judge_key(judge_fingerprint: str, prompt_version: str, raw_text: str, asks: str) -> str:
    """The content address of one judge request: this judge, its prompt, this answer, these asks."""
    return stable_hash("judge", KEY_VERSION, judge_fingerprint, prompt_version, raw_text, asks)


def prompt_identity(prompt: PromptVariant | None) -> tuple[tuple[str, object], ...]:
    """Every field of a prompt variant that the model or the parser reads, by name."""
    if prompt is None:
        return ()
    return tuple(
        (field.name, getattr(prompt, field.name))
        for field in fields(prompt) if field.name not in _PROMPT_LABELS
    )


def question_identity(
    fingerprint: str, input_mode: str, *, face_margin: float, prompt: PromptVariant | None,
    repeat: int,
) -> tuple[object, ...]:
    """Everything of one request but its pixels; the margin counts only where a face is cut."""
    margin = face_margin if input_mode in ("face", "face+body") else None
    return (KEY_VERSION, fingerprint, input_mode, margin, CROP_RULE, prompt_identity(prompt),
            repeat)


def request_key(
    fingerprint: str, input_mode: str, digest: str, *, face_margin: float,
    prompt: PromptVariant | None, repeat: int,
) -> str:
    """The content address of one request: the same question is never paid for twice."""
    question = question_identity(fingerprint, input_mode, face_margin=face_margin,
                                 prompt=prompt, repeat=repeat)
    return stable_hash("request", *question, digest)


def run_identity(
    dataset: Dataset, conditions: Sequence[Condition], jobs: Sequence[Job], *, seed: int,
    face_margin: float,
) -> str:
    """Same plan, same id: rerunning a command resumes its run instead of starting another."""
    samples = [(s.id, s.age, s.age_low, s.age_high, s.gender, s.face_box, s.person_box)
               for s in dataset.samples]
    questions = sorted(
        repr(question_identity(job.model.fingerprint, job.input_mode,
                               face_margin=face_margin, prompt=job.prompt, repeat=job.repeat))
        for job in jobs
    )
    return stable_hash(
        "run", KEY_VERSION, str(dataset.root), dataset.format, samples, list(conditions),
        questions, seed,
    )[:16]

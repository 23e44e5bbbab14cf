"""The cases each check is parametrized over, read from the planned run before it executes.

Every case has an id that names its exact condition (``llava-json-jpeg-s3``), so a failure in
the terminal, in ``-k`` and in JUnit XML says which condition failed.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from perturbations import INVARIANCES

if TYPE_CHECKING:
    from .._api import RunPlan

__all__ = ["Case", "CheckKind", "cases_for"]

CheckKind = Literal[
    "accuracy", "stability", "invariance", "refusals", "prompts", "retest", "counterexamples",
    "slices",
]


@dataclass(frozen=True, slots=True)
class Case:
    kind: CheckKind
    model: str
    prompt: str = ""
    perturbation: str = "none"
    severity: int = 0
    column: str = ""  # the --slice-by column of a slices case

    @property
    def id(self) -> str:
        parts = [self.model, self.prompt, self.column]
        if self.perturbation != "none":
            parts.append(f"{self.perturbation}-s{self.severity}")
        return "-".join(part for part in parts if part)


def cases_for(kind: CheckKind, plan: RunPlan) -> list[Case]:
    """The cases of one check in a plan (empty when the plan has nothing for it to check)."""
    arms = list(dict.fromkeys((job.model.name, job.prompt_id) for job in plan.jobs))
    conditions = list(dict.fromkeys(
        (c.perturbation, c.severity) for c in plan.conditions if c.perturbation != "none"
    ))
    if kind in ("accuracy", "counterexamples"):
        return [Case(kind, model, prompt) for model, prompt in arms]
    if kind in ("stability", "invariance"):
        invariance = kind == "invariance"
        return [Case(kind, model, prompt, name, severity) for model, prompt in arms
                for name, severity in conditions if (name in INVARIANCES) == invariance]
    if kind == "refusals":
        return [Case(kind, model, prompt) for model, prompt in arms if prompt]
    if kind == "prompts":
        models = [m for m in dict.fromkeys(m for m, _ in arms)
                  if sum(1 for name, p in arms if name == m and p) >= 2]
        return [Case(kind, model) for model in models]
    if kind == "slices":
        return [Case(kind, model, prompt, column=column) for model, prompt in arms
                for column in plan.options.slice_by]
    if kind == "retest":
        return [Case(kind, model, prompt) for model, prompt in arms
                if prompt and plan.options.repeats >= 2]
    raise ValueError(f"unknown check kind {kind!r}")

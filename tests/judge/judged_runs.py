"""A scripted MLLM for judge tests: real adapter protocol, fixed answer texts, the real parser.

The simulated server's own answers are written for the rules to read, so the answers a judge is
for come from here; the judge itself is the simulated server (real HTTP on loopback).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

from prompts import get_variant, parse_answer
from robustness._api import RunOptions, RunPlan, RunResult, execute_plan, plan_run
from robustness._identity import run_identity
from robustness._judge import JudgedModel
from robustness._models import ModelAdapter, ModelInput
from robustness._reparse import provenance
from robustness._runner import plan_jobs
from robustness._types import Prediction

TWO_GENDERS = "This is a man. His wife, a woman, stands behind him."
AGE_NO_GENDER = "A man of about 40. A woman stands next to him."
ANSWERS = (TWO_GENDERS, AGE_NO_GENDER, "!!!This is not possible!!!", "She looks about 34.")


class ScriptedMLLM(ModelAdapter):
    """Answers the i-th request it is sent with ``ANSWERS[i % 4]``, read by the real parser."""

    name = "scripted-mllm"
    input_mode = "face"
    takes_prompts = True

    def __init__(self) -> None:
        self.sent = 0

    @property
    def fingerprint(self) -> str:
        return "scripted;answers=v1"

    def predict_batch(self, inputs: Sequence[ModelInput]) -> list[Prediction]:
        answers = []
        for item in inputs:
            text = ANSWERS[self.sent % len(ANSWERS)]
            self.sent += 1
            parsed = parse_answer(text, asks=item.prompt.asks if item.prompt else None)
            answers.append(Prediction(
                outcome=parsed.outcome, age=parsed.age, age_low=parsed.age_low,
                age_high=parsed.age_high, gender=parsed.gender, refusal_kind=parsed.refusal_kind,
                raw_text=text, **provenance(parsed)))
        return answers


def scripted_run(london: Path, store: Path, *, judge: str | None = "sim-mllm",
                 **options: object) -> tuple[RunResult, ScriptedMLLM]:
    """Four clean London samples asked of the scripted MLLM, read by ``judge``."""
    base = RunOptions(data=london, models=("sim-mllm",), perturbations=(), limit=4, store=store,
                      judge=judge, **options)  # type: ignore[arg-type]
    planned = plan_run(base)
    for model in planned.models:
        model.close()  # only the judge is used from the built plan
    scripted = ScriptedMLLM()
    model: ModelAdapter = scripted if planned.judge is None else JudgedModel(scripted,
                                                                             planned.judge)
    jobs = tuple(plan_jobs([model], [get_variant("baseline")], 1))
    run_id = run_identity(planned.dataset, planned.conditions, jobs, seed=0, face_margin=0.0)
    plan = RunPlan(base, planned.dataset, planned.conditions, jobs, run_id, planned.judge)
    return execute_plan(plan), scripted


def dry(options: RunOptions) -> RunOptions:
    return replace(options, dry_run=True)

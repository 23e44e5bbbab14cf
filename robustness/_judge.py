"""An optional judge for what the rules cannot read: exact matching first, then an LLM judge.

VLMEvalKit's pattern (FIELD.md §8): the rules (``prompts.parse_answer``) read every answer; a
judge model (``--judge MODEL``, any model that takes prompts) is asked, with a fixed text-only
question at temperature 0 (``robustness._judge_prompt``), only about answers the rules leave in
doubt (``needs_judge``):

- ``unparseable`` answers with text (the rules found no field and no refusal), and
- ``partial`` answers with no refusal kind whose text still mentions a missing field (a gender
  word, a number or age word, or the field's name: "A man of about 40. A woman stands next to
  him." gives an age, and two genders the rules will not choose between).

A refusal the rules found (``refusal``, or a ``partial`` whose missing field was refused) is never
sent, so a judge never overrides one. The verdict only fills the fields the rules left empty, and
is checked against the answer (``apply_verdict``): a gender the answer never names (in any lexicon
language), or an age with no number or age word behind it, rejects the whole verdict, and the
rules' reading stays. A judged prediction records ``parsed_by = "judge:<model>"`` when the verdict
changed its reading, ``"rules"`` otherwise, and the judge request it consulted (``judge_key``).

A judged model's fingerprint names the judge (``robustness._identity.judged_fingerprint``), so its
answers are stored apart from an unjudged run's and the two never mix.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any, Final

import prompts
from prompts import ParsedAnswer

from ._exceptions import ConfigError
from ._identity import judged_fingerprint
from ._judge_prompt import JUDGE_PROMPT_VERSION, RULES, Verdict, read_verdict
from ._models import AnswerSink, ModelAdapter, ModelInput, ModelSettings, Request, build_model

__all__ = ["JUDGE_MAX_TOKENS", "Judge", "JudgedModel", "apply_verdict", "build_judge",
           "judge_label", "needs_judge"]

JUDGE_MAX_TOKENS: Final = 200  # a verdict is one short JSON object


def judge_label(name: str) -> str:
    """The ``parsed_by`` of a reading a judge made."""
    return f"judge:{name}"


@dataclass(frozen=True, slots=True)
class Judge:
    """The judge model, and the fingerprint its requests are keyed by."""

    model: ModelAdapter

    @property
    def name(self) -> str:
        return self.model.name

    @property
    def fingerprint(self) -> str:
        return self.model.fingerprint


def build_judge(name: str, settings: ModelSettings) -> Judge:
    """The judge ``name`` at temperature 0, reached like the run's models (``--base-url``)."""
    model = build_model(name, ModelSettings(
        base_url=settings.base_url, concurrency=settings.concurrency, temperature=0.0,
        max_tokens=JUDGE_MAX_TOKENS, timeout_s=settings.timeout_s,
        max_attempts=settings.max_attempts,
    ))
    if not model.takes_prompts:
        model.close()
        raise ConfigError(f"--judge must be a model that reads text (an MLLM), got {name!r}")
    return Judge(model)


def needs_judge(parsed: ParsedAnswer, raw_text: str | None) -> bool:
    """Whether the rules left this answer in doubt (module docstring); refusals never are."""
    if raw_text is None or not raw_text.strip():
        return False
    if parsed.outcome == "unparseable":
        return True
    if parsed.outcome != "partial" or parsed.refusal_kind is not None:
        return False
    missing = {field for field in parsed.asks if getattr(parsed, field) is None}
    return bool(missing & prompts.mentions(raw_text).fields)


def apply_verdict(
    rules: ParsedAnswer, raw_text: str, reply: str | None, judge: str
) -> tuple[ParsedAnswer, str, str | None]:
    """``(reading, parsed_by, problem)``: the rules' reading with the judge's verdict filling
    its empty asked fields, or the rules' reading and why the verdict was rejected."""
    try:
        verdict = read_verdict(reply)
        merged = _merge(rules, verdict, prompts.mentions(raw_text))
    except ValueError as exc:
        return rules, RULES, str(exc)
    return merged, (RULES if merged == rules else judge_label(judge)), None


def _merge(rules: ParsedAnswer, verdict: Verdict, seen: prompts.Mentions) -> ParsedAnswer:
    fields: dict[str, Any] = {name: getattr(rules, name)
                              for name in ("age", "age_low", "age_high", "gender")}
    if "gender" in rules.asks and rules.gender is None and verdict.gender is not None:
        if verdict.gender not in seen.genders:
            raise ValueError(f"the judge's gender {verdict.gender!r} is not named in the answer")
        fields["gender"] = verdict.gender
    if "age" in rules.asks and rules.age is None and verdict.age is not None:
        if not seen.age:
            raise ValueError("the judge gave an age, but the answer holds no number or age word")
        fields.update(age=verdict.age, age_low=verdict.age_low, age_high=verdict.age_high)
    found = sum(fields[name] is not None for name in rules.asks)
    refusal = "cannot_determine" if verdict.refused else None  # the judge says whether, not why
    if found == len(rules.asks):
        outcome, kind = "answer", None
    elif found:
        outcome, kind = "partial", rules.refusal_kind or refusal
    else:
        outcome, kind = ("refusal", refusal) if refusal else ("unparseable", None)
    return ParsedAnswer(**fields, outcome=outcome, refusal_kind=kind,  # type: ignore[arg-type]
                        asks=rules.asks)


class JudgedModel(ModelAdapter):
    """A model whose answers a judge may read: the same adapter, a fingerprint naming the judge.

    Everything else (streaming, batching, closing) is the wrapped adapter's; the judge itself
    runs after the model's answers are stored (``robustness._judge_pass``).
    """

    def __init__(self, model: ModelAdapter, judge: Judge) -> None:
        self.inner, self.judge = model, judge
        self.name, self.input_mode = model.name, model.input_mode
        self.input_modes = model.input_modes  # the mode is per request: the judge reads any
        self.batch_size, self.takes_prompts = model.batch_size, model.takes_prompts
        self._fingerprint = judged_fingerprint(model.fingerprint, judge.fingerprint,
                                               JUDGE_PROMPT_VERSION)

    @property
    def fingerprint(self) -> str:
        return self._fingerprint

    @property
    def simulated(self) -> bool:  # type: ignore[override]  # learnt from its first answer
        return self.inner.simulated

    def predict_batch(self, inputs: Sequence[ModelInput]) -> list[Any]:
        return self.inner.predict_batch(inputs)

    def predict_stream(self, requests: Iterator[Request], on_answer: AnswerSink, *,
                       stop: threading.Event | None = None) -> None:
        self.inner.predict_stream(requests, on_answer, stop=stop)

    def close(self) -> None:
        self.inner.close()

    def __getattr__(self, name: str) -> Any:  # optional extras such as ``estimate_tokens``
        if name == "inner":
            raise AttributeError(name)
        return getattr(self.inner, name)

"""Typed results: what the summary computes and every consumer reads.

``Estimate`` is one figure (value, n, interval, method); ``ConditionFigures`` one (model, prompt,
condition) block — the clean block is the condition ``none``/0; ``ModelFigures`` a model's blocks;
``RunSummary`` the whole summary of a run. Item rows are ``robustness._types.ItemResult``.
``to_json`` writes the summary's JSON contract (the README's keys; new keys only ever added) and
``from_json`` reads it back, so a consumer handed the JSON (the CLI, the pytest plugin) works on
the same typed values as one handed the objects.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from robustness._metrics._definitions import COVERAGE_FLOOR, METRICS, Metric
from robustness._metrics._pairing import instability

__all__ = ["ConditionFigures", "Estimate", "ModelFigures", "RunSummary", "models_from_json"]


@dataclass(frozen=True, slots=True)
class Estimate:
    """One figure: its value, how many items it is over, its 95 % interval and the method."""

    value: float | None
    n: int
    ci: tuple[float, float] | None = None
    ci_method: str | None = None


_NONE = Estimate(None, 0)


@dataclass(frozen=True, slots=True)
class ConditionFigures:
    """One model × prompt × condition: counts, every metric's ``Estimate``, refusals, retest.

    ``figures`` is keyed by metric name (``_definitions.METRICS``); a perturbed-only metric is
    absent from a clean block. ``retest`` is the test–retest block (``_retest``) or ``None``.
    """

    prompt: str
    perturbation: str
    severity: int
    n: int
    answered: int
    figures: Mapping[str, Estimate]
    refusal_by_kind: Mapping[str, float] = field(default_factory=dict)
    retest: Mapping[str, Any] | None = None
    age_shift_mean_vs_retest: float | None = None
    input_mode: str = ""  # the crop the model was shown ("" when not recorded)

    @property
    def is_clean(self) -> bool:
        return self.perturbation == "none" and self.severity == 0

    @property
    def label(self) -> str:
        """``clean`` or ``jpeg s3``: how tables name the condition."""
        return "clean" if self.is_clean else f"{self.perturbation} s{self.severity}"

    @property
    def low_coverage(self) -> bool:
        """Answered on under ``COVERAGE_FLOOR`` of its items: its figures describe a subset."""
        return self.n > 0 and self.answered < COVERAGE_FLOOR * self.n

    @property
    def instability(self) -> float | None:
        """The pairing's instability score of this condition (``None`` on clean)."""
        if self.is_clean:
            return None
        return instability(self.value("age_shift_mean"), self.value("gender_flip_rate"))

    def estimate(self, name: str) -> Estimate:
        return self.figures.get(name, _NONE)

    def value(self, name: str) -> float | None:
        return self.estimate(name).value

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "perturbation": self.perturbation, "severity": self.severity, "prompt": self.prompt,
            "input_mode": self.input_mode, "n": self.n, "answered": self.answered,
        }
        for metric in METRICS:
            if metric.name not in self.figures:
                continue
            estimate = self.figures[metric.name]
            data[metric.name] = estimate.value
            if metric.statistic != "p90":
                data[f"{metric.name}_ci"] = list(estimate.ci) if estimate.ci else None
            data[metric.n_key] = estimate.n
        data["ci_method"] = {name: e.ci_method for name, e in self.figures.items() if e.ci_method}
        data["low_coverage"] = self.low_coverage
        data["refusal_by_kind"] = dict(self.refusal_by_kind)
        data["retest"] = dict(self.retest) if self.retest is not None else None
        if not self.is_clean:
            data["instability"] = self.instability
            data["age_shift_mean_vs_retest"] = self.age_shift_mean_vs_retest
        return data

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> ConditionFigures:
        methods = data.get("ci_method") or {}
        return cls(
            prompt=str(data.get("prompt") or ""),
            perturbation=str(data.get("perturbation", "none")),
            severity=int(data.get("severity", 0)),
            n=int(data.get("n", 0)), answered=int(data.get("answered", 0)),
            figures={m.name: _estimate(m, data, methods) for m in METRICS if m.name in data},
            refusal_by_kind=dict(data.get("refusal_by_kind") or {}),
            retest=data.get("retest"),
            age_shift_mean_vs_retest=data.get("age_shift_mean_vs_retest"),
            input_mode=str(data.get("input_mode") or ""),
        )


def _estimate(metric: Metric, data: Mapping[str, Any], methods: Mapping[str, str]) -> Estimate:
    ci = data.get(f"{metric.name}_ci")
    return Estimate(data[metric.name], int(data.get(metric.n_key) or 0),
                    (float(ci[0]), float(ci[1])) if ci else None, methods.get(metric.name))


@dataclass(frozen=True, slots=True)
class ModelFigures:
    """A model's figures: the clean block per prompt, then every perturbed condition.

    ``conditions`` are ordered by perturbation (order of appearance), severity, then prompt;
    ``prompt_sensitivity`` and ``refusals`` are as ``_prompts`` and ``_refusals`` define them.
    """

    model: str
    clean_by_prompt: Mapping[str, ConditionFigures]
    conditions: tuple[ConditionFigures, ...]
    prompt_sensitivity: Mapping[str, Any] | None = None
    refusals: tuple[Mapping[str, Any], ...] = ()
    simulated: bool = False

    @property
    def clean(self) -> ConditionFigures:
        """The clean block of the model's first prompt."""
        return next(iter(self.clean_by_prompt.values()))

    def conditions_of(self, prompt: str) -> list[ConditionFigures]:
        return [c for c in self.conditions if c.prompt == prompt]

    def condition(self, prompt: str, perturbation: str, severity: int) -> ConditionFigures | None:
        return next((c for c in self.conditions
                     if (c.prompt, c.perturbation, c.severity) == (prompt, perturbation, severity)),
                    None)

    def to_json(self) -> dict[str, Any]:
        return {
            "input_mode": self.clean.input_mode,
            "clean": self.clean.to_json(),
            "clean_by_prompt": {p: block.to_json() for p, block in self.clean_by_prompt.items()},
            "conditions": [block.to_json() for block in self.conditions],
            "prompt_sensitivity": (dict(self.prompt_sensitivity)
                                   if self.prompt_sensitivity is not None else None),
            "refusals": [dict(row) for row in self.refusals],
            "simulated": self.simulated,
        }

    @classmethod
    def from_json(cls, model: str, data: Mapping[str, Any]) -> ModelFigures:
        by_prompt = data.get("clean_by_prompt") or {
            str(data["clean"].get("prompt") or ""): data["clean"]}
        return cls(
            model=model,
            clean_by_prompt={str(p): ConditionFigures.from_json(b) for p, b in by_prompt.items()},
            conditions=tuple(ConditionFigures.from_json(b) for b in data.get("conditions") or []),
            prompt_sensitivity=data.get("prompt_sensitivity"),
            refusals=tuple(data.get("refusals") or ()),
            simulated=bool(data.get("simulated")),
        )


def models_from_json(models: Mapping[str, Any]) -> dict[str, ModelFigures]:
    """A summary's ``"models"`` section as typed figures."""
    return {name: ModelFigures.from_json(name, data) for name, data in models.items()}


@dataclass(frozen=True, slots=True)
class RunSummary:
    """A run's whole summary: what ran, which models are simulated, their figures, and how the
    figures were made (``intervals``, ``metrics``, ``instability``: ``analysis_settings``).

    ``run`` holds the run's counters as the README lists them (``id``, ``requests``, …).
    """

    run: Mapping[str, Any]
    models: Mapping[str, ModelFigures]
    simulated: tuple[str, ...] = ()
    settings: Mapping[str, Any] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        models = {}
        for name, figures in self.models.items():
            models[name] = {**figures.to_json(), "simulated": name in self.simulated}
        return {"run": dict(self.run), "simulated": list(self.simulated), "models": models,
                **self.settings}

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> RunSummary:
        known = {"run", "simulated", "models"}
        return cls(run=dict(data.get("run") or {}),
                   models=models_from_json(data.get("models") or {}),
                   simulated=tuple(data.get("simulated") or ()),
                   settings={k: v for k, v in data.items() if k not in known})

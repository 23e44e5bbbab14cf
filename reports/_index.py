"""The summary's condition blocks, indexed the way the figures read them.

Charts, heat maps and the at-a-glance ranking all ask the same question — "what is metric M for
this series under this perturbation at this severity" — so it is answered in one place.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from ._format import Series, is_number

__all__ = ["ConditionIndex", "index_conditions"]


@dataclass(frozen=True, slots=True)
class ConditionIndex:
    """Condition blocks by (model, prompt, perturbation, severity), and the run's shape."""

    blocks: Mapping[tuple[str, str, str, int], Mapping[str, Any]]
    clean: Mapping[tuple[str, str], Mapping[str, Any]]
    families: tuple[str, ...]  # perturbations in the summary's order
    severities: Mapping[str, tuple[int, ...]]  # the severities each family was run at
    labelled: bool  # any MAE defined: the age chart shows MAE, else |Δage|
    metrics: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)  # the metric table

    def _block(self, series: Series, family: str, severity: int) -> Mapping[str, Any]:
        if severity == 0:
            return self.clean.get((series.model, series.prompt), {})
        return self.blocks.get((series.model, series.prompt, family, severity), {})

    def value(self, series: Series, family: str, severity: int, key: str) -> float | None:
        """Metric ``key`` of one condition; severity 0 reads the clean block (no shift there)."""
        if severity == 0:
            if key in ("age_shift_mean", "gender_flip_rate", "age_shift_p90", "instability"):
                return 0.0 if (series.model, series.prompt) in self.clean else None
            block = self.clean.get((series.model, series.prompt), {})
        else:
            block = self.blocks.get((series.model, series.prompt, family, severity), {})
        value = block.get(key)
        return float(value) if is_number(value) else None

    def low_coverage(self, series: Series, family: str, severity: int) -> bool:
        """Whether the engine flagged the condition as answered on too few of its items."""
        return bool(self._block(series, family, severity).get("low_coverage"))

    def note(self, series: Series, family: str, severity: int, key: str) -> str:
        """What a figure's hover text adds: the n it is over, and a low-coverage warning."""
        block = self._block(series, family, severity)
        n_key = (self.metrics.get(key) or {}).get("n_key")
        count = block.get(n_key) if n_key else None
        text = f" (n = {count})" if isinstance(count, int) and not isinstance(count, bool) else ""
        if block.get("low_coverage"):
            text += " ⚠ answered on under 80 % of its items"
        return text

    def family_mean(self, series: Series, family: str, key: str) -> float | None:
        """The metric's mean over the family's severities (each severity weighs the same)."""
        values = [v for s in self.severities.get(family, ())
                  if (v := self.value(series, family, s, key)) is not None]
        return sum(values) / len(values) if values else None

    def overall_mean(self, series: Series, key: str) -> float | None:
        """The metric's mean over every perturbed condition of the series."""
        values = [v for f in self.families for s in self.severities[f]
                  if (v := self.value(series, f, s, key)) is not None]
        return sum(values) / len(values) if values else None


def index_conditions(summary: Mapping[str, Any]) -> ConditionIndex:
    """Index a run summary's ``models`` section."""
    blocks: dict[tuple[str, str, str, int], Mapping[str, Any]] = {}
    clean: dict[tuple[str, str], Mapping[str, Any]] = {}
    families: dict[str, set[int]] = {}
    labelled = False
    models: Mapping[str, Any] = summary.get("models") or {}
    for model, block in models.items():
        by_prompt = block.get("clean_by_prompt") or {}
        if not by_prompt and block.get("clean"):
            by_prompt = {str(block["clean"].get("prompt", "")): block["clean"]}
        for prompt, clean_block in by_prompt.items():
            clean[(model, prompt)] = clean_block
            labelled = labelled or is_number(clean_block.get("mae"))
        for condition in block.get("conditions") or []:
            family, severity = str(condition["perturbation"]), int(condition["severity"])
            blocks[(model, str(condition.get("prompt", "")), family, severity)] = condition
            families.setdefault(family, set()).add(severity)
            labelled = labelled or is_number(condition.get("mae"))
    return ConditionIndex(
        blocks=blocks, clean=clean, families=tuple(families),
        severities={f: tuple(sorted(s)) for f, s in families.items()}, labelled=labelled,
        metrics=summary.get("metrics") or {},
    )

"""Check thresholds: documented defaults, overridden in ``[tool.robustness]`` of pyproject.toml.

Resolution, most specific last: the defaults, ``[tool.robustness]``,
``[tool.robustness.perturbations.<family>]``, ``[tool.robustness.models.<model>]``,
``[tool.robustness.models.<model>.perturbations.<family>]``. A stability threshold is one number
for every severity, or a list of five (severities 1-5).

The defaults are lenient smoke bounds: they catch a broken model or a gross instability, and
pass the embedded model on the London set at severities 1-3. Tighten them for your own model.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, fields, replace
from pathlib import Path
from typing import Any

from .._exceptions import ConfigError

__all__ = ["DEFAULTS", "Thresholds", "load_thresholds"]


@dataclass(frozen=True, slots=True)
class Thresholds:
    """Every bound a check compares a measured figure with."""

    mae_max: float = 8.0
    cs5_min: float = 0.30
    gender_acc_min: float = 0.85
    refusal_rate_max: float = 0.25
    # Mean |Δage| against the clean answer, and gender flip rate, by severity 1-5.
    age_shift_mean_max: tuple[float, ...] = (4.0, 5.5, 7.5, 10.0, 13.0)
    gender_flip_rate_max: tuple[float, ...] = (0.10, 0.15, 0.25, 0.35, 0.50)
    invariance_age_shift_max: float = 3.0
    invariance_flip_rate_max: float = 0.10
    prompt_age_sd_max: float = 5.0
    prompt_gender_disagreement_max: float = 0.20
    retest_age_sd_max: float = 3.0
    retest_gender_change_max: float = 0.10
    # Counterexample search: a flip, or an age move beyond this many years, from a change
    # smaller than counterexample_size_min (1.0 = every dial at its severity-5 strength) fails.
    counterexample_age_shift: float = 10.0
    counterexample_size_min: float = 0.25
    # Slices (--slice-by): the gap between the best and worst slice, in years for MAE and mean
    # |Δage|, and as a share for gender accuracy, gender flip rate and refusal rate.
    slice_gap_max: float = 8.0
    slice_rate_gap_max: float = 0.25

    def at(self, name: str, severity: int) -> float:
        """A per-severity bound at one severity."""
        values = getattr(self, name)
        return float(values[min(severity, len(values)) - 1])


DEFAULTS = Thresholds()
_NAMES = {field.name for field in fields(Thresholds)}
_LADDERS = {"age_shift_mean_max", "gender_flip_rate_max"}


@dataclass(frozen=True, slots=True)
class _Table:
    base: dict[str, Any]
    perturbations: dict[str, dict[str, Any]]
    models: dict[str, dict[str, Any]]

    def resolve(self, model: str, family: str | None = None) -> Thresholds:
        layers = [self.base]
        if family is not None:
            layers.append(self.perturbations.get(family, {}))
        model_table = self.models.get(model, {})
        layers.append({k: v for k, v in model_table.items() if k != "perturbations"})
        if family is not None:
            layers.append(model_table.get("perturbations", {}).get(family, {}))
        thresholds = DEFAULTS
        for layer in layers:
            thresholds = replace(thresholds, **layer)
        return thresholds


def load_thresholds(pyproject: Path | None) -> _Table:
    """Read and validate ``[tool.robustness]``; a bad key or value names itself."""
    if pyproject is None or not pyproject.is_file():
        return _Table({}, {}, {})
    try:
        data = tomllib.loads(pyproject.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{pyproject}: {exc}") from None
    section = data.get("tool", {}).get("robustness", {})
    where = f"{pyproject} [tool.robustness]"
    perturbations = section.get("perturbations", {})
    models = section.get("models", {})
    # [tool.robustness.prices] holds prices for the cost figures (robustness._cost), not thresholds.
    base = _values({k: v for k, v in section.items()
                    if k not in ("perturbations", "models", "prices")}, where)
    return _Table(
        base=base,
        perturbations={name: _values(table, f"{where}.perturbations.{name}")
                       for name, table in perturbations.items()},
        models={name: _model(table, f"{where}.models.{name}") for name, table in models.items()},
    )


def _model(table: dict[str, Any], where: str) -> dict[str, Any]:
    values = _values({k: v for k, v in table.items() if k != "perturbations"}, where)
    values["perturbations"] = {
        name: _values(sub, f"{where}.perturbations.{name}")
        for name, sub in table.get("perturbations", {}).items()
    }
    return values


def _values(table: dict[str, Any], where: str) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for key, value in table.items():
        if key not in _NAMES:
            raise ConfigError(
                f"{where}: unknown threshold {key!r}; known: {', '.join(sorted(_NAMES))}")
        if key in _LADDERS:
            ladder = value if isinstance(value, list) else [value] * 5
            if len(ladder) != 5 or not all(isinstance(v, int | float) for v in ladder):
                raise ConfigError(f"{where}: {key} must be a number or a list of 5, got {value!r}")
            values[key] = tuple(float(v) for v in ladder)
        elif isinstance(value, int | float) and not isinstance(value, bool):
            values[key] = float(value)
        else:
            raise ConfigError(f"{where}: {key} must be a number, got {value!r}")
    return values

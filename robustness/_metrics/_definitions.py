"""The metric table: every figure's name, label, unit, definition, items, n and interval, once.

The summary computes each figure from its row here (``observe`` gives the per-item values, the
statistic aggregates them, ``_intervals`` picks the interval), and the JSON, CLI tables, HTML
report, pytest checks and README read their names, labels and units from here (the JSON carries
the table under ``"metrics"``, so the report, which never imports the engine, reads it there).
Adding a figure is one row here; showing it somewhere is one name in that consumer's column list.

JSON keys per figure: ``<name>`` (the value), ``<name>_ci`` (``[low, high]`` or ``null``) and its
count under ``n_key``; ``ci_method`` maps each figure to the method its interval came from.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np

from robustness._metrics._accuracy import (
    ANSWERED,
    Observations,
    age_errors,
    age_group_hits,
    gender_hits,
    indicators,
    mean_or_none,
    within,
)
from robustness._metrics._pairing import Move
from robustness._metrics._stability import p90
from robustness._types import ItemResult

__all__ = ["COVERAGE_FLOOR", "CS_YEARS", "METRICS", "Metric", "metric", "metric_table"]

CS_YEARS = 5.0  # CS@5's threshold, also "the age moved" in the report's gallery
# A condition answered on fewer than this share of its items is flagged wherever it appears:
# its figures describe the easy items the model chose to answer.
COVERAGE_FLOOR = 0.8

Observe = Callable[[Sequence[ItemResult], Sequence[Move]], Observations]


@dataclass(frozen=True, slots=True)
class Metric:
    """One figure. ``statistic`` is how per-item values aggregate: a ``rate`` (mean of 0/1, exact
    or bootstrap interval), a ``mean`` (bootstrap interval) or ``p90`` (no interval)."""

    name: str
    label: str  # a short column header
    title: str  # the figure's name in a sentence
    unit: Literal["years", "share"]
    statistic: Literal["rate", "mean", "p90"]
    definition: str
    over: str
    n_key: str
    # The per-item values: ``transform(basis(rows, moves))``. Figures over the same items share
    # one basis (MAE, CS@5 and bias read the age errors), so a summary computes it once.
    basis: Observe
    perturbed_only: bool = False
    higher_is_better: bool = False
    transform: Callable[[Observations], Observations] | None = None

    def observe(self, rows: Sequence[ItemResult], moves: Sequence[Move]) -> Observations:
        """The per-item values this figure aggregates, each with its bootstrap cluster."""
        return self.derive(self.basis(rows, moves))

    def derive(self, basis: Observations) -> Observations:
        """This figure's values from its basis's observations."""
        return basis if self.transform is None else self.transform(basis)

    @property
    def interval(self) -> str:
        if self.statistic == "rate":
            return "cluster bootstrap if a subject repeats, else Clopper-Pearson (exact)"
        if self.statistic == "mean":
            return "cluster bootstrap (percentile), by subject else sample"
        return "none"

    def value(self, obs: Observations) -> float | None:
        return p90(obs.values) if self.statistic == "p90" else mean_or_none(obs.values)


def _asked(rows: Sequence[ItemResult]) -> list[ItemResult]:
    return [row for row in rows if row.outcome != "error"]


def _abs(obs: Observations) -> Observations:
    return Observations(np.abs(obs.values), obs.clusters)


def _within_cs(errors: Observations) -> Observations:
    return Observations(within(errors.values, CS_YEARS), errors.clusters)


def _age_errors(rows: Sequence[ItemResult], moves: Sequence[Move]) -> Observations:
    return age_errors(rows)


def _shift_basis(rows: Sequence[ItemResult], moves: Sequence[Move]) -> Observations:
    return _shifts(moves)


def _shifts(moves: Sequence[Move]) -> Observations:
    usable = [m for m in moves if m.shift is not None]
    return Observations(np.asarray([m.shift for m in usable], dtype=float),
                        tuple(m.cluster for m in usable))


def _flips(moves: Sequence[Move]) -> Observations:
    usable = [m for m in moves if m.flip is not None]
    return Observations(np.asarray([m.flip for m in usable], dtype=float),
                        tuple(m.cluster for m in usable))


_AGE_ITEMS = "answered items with a predicted and a true age"
_ASKED = "items asked: every item but errors"
_PAIRS = ("perturbed items paired with the clean answer (same model, prompt, sample, input mode, "
          "repeat; clean replicate 0)")

METRICS: tuple[Metric, ...] = (
    Metric("mae", "MAE", "MAE", "years", "mean",
           "mean |predicted − true age|", _AGE_ITEMS, "age_n",
           _age_errors, transform=_abs),
    Metric("cs5", "CS@5", "CS@5", "share", "rate",
           "share with |predicted − true age| ≤ 5 years (+1e-6, as MiVOLO; ages not rounded)",
           _AGE_ITEMS, "age_n", _age_errors, transform=_within_cs, higher_is_better=True),
    Metric("bias", "bias", "mean bias", "years", "mean",
           "mean (predicted − true age), signed", _AGE_ITEMS, "age_n", _age_errors),
    Metric("gender_acc", "gender", "gender accuracy", "share", "rate",
           "share of predicted genders that are right",
           "answered items with a predicted and a known true gender", "gender_n",
           lambda rows, _: gender_hits(rows), higher_is_better=True),
    Metric("age_group_acc", "age group", "age-group accuracy", "share", "rate",
           "share whose rounded predicted age falls in the labelled range (bounds inclusive)",
           "answered items with a predicted age and a range label", "age_group_n",
           lambda rows, _: age_group_hits(rows), higher_is_better=True),
    Metric("coverage", "answered", "coverage", "share", "rate",
           "share answered (fully or partly)", "every item", "n",
           lambda rows, _: indicators((r, r.outcome in ANSWERED) for r in rows),
           higher_is_better=True),
    Metric("refusal_rate", "refused", "refusal rate", "share", "rate",
           "share refused (full refusals)", _ASKED, "asked_n",
           lambda rows, _: indicators((r, r.outcome == "refusal") for r in _asked(rows))),
    Metric("unparseable_rate", "unparseable", "unparseable rate", "share", "rate",
           "share whose reply could not be parsed", _ASKED, "asked_n",
           lambda rows, _: indicators((r, r.outcome == "unparseable") for r in _asked(rows))),
    Metric("error_rate", "errors", "error rate", "share", "rate",
           "share the pipeline failed on (the model was never really asked)", "every item", "n",
           lambda rows, _: indicators((r, r.outcome == "error") for r in rows)),
    Metric("age_shift_mean", "|Δage|", "mean |Δage|", "years", "mean",
           "mean |age − clean age|", _PAIRS + ", both with an age", "shift_n",
           _shift_basis, perturbed_only=True),
    Metric("age_shift_p90", "p90", "p90 |Δage|", "years", "p90",
           "90th percentile of |age − clean age|", _PAIRS + ", both with an age", "shift_n",
           _shift_basis, perturbed_only=True),
    Metric("gender_flip_rate", "flips", "gender flip rate", "share", "rate",
           "share whose gender differs from the clean answer's", _PAIRS + ", both with a gender",
           "flip_n", lambda _, moves: _flips(moves), perturbed_only=True),
)

_BY_NAME = {m.name: m for m in METRICS}


def metric(name: str) -> Metric:
    """The metric called ``name``; ``KeyError`` naming the known ones otherwise."""
    try:
        return _BY_NAME[name]
    except KeyError:
        raise KeyError(f"unknown metric {name!r}; known: {', '.join(_BY_NAME)}") from None


def metric_table() -> dict[str, dict[str, str]]:
    """The table as plain data, for ``summary.json`` and the report."""
    return {
        m.name: {"label": m.label, "title": m.title, "unit": m.unit,
                 "definition": m.definition, "over": m.over,
                 "n_key": m.n_key, "interval": m.interval,
                 "conditions": "perturbed only" if m.perturbed_only else "clean and perturbed"}
        for m in METRICS
    }

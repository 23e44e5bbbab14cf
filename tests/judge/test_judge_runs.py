"""Judged runs end to end: a real store, the real parser, the simulated server as the judge."""

from __future__ import annotations

import csv
import sqlite3
from pathlib import Path

from judged_runs import AGE_NO_GENDER, TWO_GENDERS, scripted_run

from robustness._export import export_items
from robustness._reparse import reparse
from robustness._report import build_report
from robustness._store import Store


def rows(store: Path, sql: str) -> list[tuple[object, ...]]:
    with sqlite3.connect(store) as db:
        return db.execute(sql).fetchall()


def test_the_judge_reads_only_what_the_rules_leave_in_doubt(london: Path, tmp_path: Path) -> None:
    store = tmp_path / "judged.sqlite"
    result, scripted = scripted_run(london, store)
    assert scripted.sent == 4 and result.judge is not None
    # Two answers are in doubt; the refusal and the plain answer are never sent to the judge.
    assert (result.judge.in_doubt, result.judge.calls, result.judge.changed) == (2, 2, 2)
    assert result.judge.simulated and result.stats.model_calls == 4 + 2
    run = result.summary["run"]
    assert run["parsed_by"] == {"judge:sim-mllm": 2, "rules": 2}
    assert run["judge"]["calls"] == 2 and run["judge"]["simulated"] is True
    readings = dict(rows(store, "SELECT raw_text, outcome || ' ' || coalesce(gender, '-') || ' '"
                                " || coalesce(age, '-') || ' ' || parsed_by FROM predictions"))
    assert readings[TWO_GENDERS] == "partial male - judge:sim-mllm"
    assert readings[AGE_NO_GENDER] == "answer male 40.0 judge:sim-mllm"
    assert readings["!!!This is not possible!!!"].endswith(" rules")  # a rules refusal stays
    # Each verdict is cached in the store under its judge key, labelled simulated.
    judged = rows(store, "SELECT judge, system_fingerprint, reply FROM judgements")
    assert len(judged) == 2 and {r[:2] for r in judged} == {("sim-mllm", "simulated")}
    # The same command again: every answer and every verdict from the store.
    again, scripted = scripted_run(london, store)
    assert scripted.sent == 0 and again.stats.model_calls == 0
    assert again.judge is not None and again.judge.in_doubt == 0


def test_judged_and_unjudged_runs_never_share_a_parse(london: Path, tmp_path: Path) -> None:
    store = tmp_path / "both.sqlite"
    judged, _ = scripted_run(london, store)
    plain, scripted = scripted_run(london, store, judge=None)
    assert scripted.sent == 4 and plain.judge is None and plain.run_id != judged.run_id
    assert plain.summary["run"]["parsed_by"] == {"rules": 4}
    assert "judge" not in plain.summary["run"]
    assert rows(store, "SELECT COUNT(*) FROM predictions") == [(8,)]


def test_judge_requests_count_against_max_requests_and_dry_run(london: Path,
                                                               tmp_path: Path) -> None:
    store = tmp_path / "budget.sqlite"
    first, _ = scripted_run(london, store, max_requests=5)
    assert first.judge is not None and first.stats.model_calls == 5
    assert first.judge.calls == 1 and first.stats.stopped_at_budget
    ahead, scripted = scripted_run(london, store, dry_run=True)
    assert scripted.sent == 0 and ahead.stats.model_calls == 1  # the judge request left
    assert ahead.judge is not None and (ahead.judge.calls, ahead.judge.in_doubt) == (1, 1)
    assert rows(store, "SELECT COUNT(*) FROM judgements") == [(1,)]
    rest, scripted = scripted_run(london, store)
    assert scripted.sent == 0 and rest.stats.model_calls == 1 and not rest.stats.stopped_at_budget
    assert rest.summary["run"]["parsed_by"] == {"judge:sim-mllm": 2, "rules": 2}


def test_export_report_and_reparse_keep_the_judges_reading(london: Path, tmp_path: Path) -> None:
    store = tmp_path / "kept.sqlite"
    result, _ = scripted_run(london, store)
    with Store(store) as opened:
        export_items(opened, tmp_path / "items.csv", run_id=result.run_id)
    exported = list(csv.DictReader((tmp_path / "items.csv").open(encoding="utf-8")))
    assert sorted(row["parsed_by"] for row in exported) == [
        "judge:sim-mllm", "judge:sim-mllm", "rules", "rules"]
    notes = build_report(store, run_id=result.run_id, gallery_samples=0).header["notes"]
    assert any("Judge sim-mllm (SIMULATED" in note and "2 of 4 answers" in note for note in notes)
    # Reparse: verdicts are applied again from the store (no model is even built).
    with Store(store) as opened:
        again = reparse(opened)
    assert (again.parsed, again.changed, again.judged) == (4, 0, 2)
    # Where the rules now read an answer on their own, their reading replaces the judge's.
    with sqlite3.connect(store) as db:
        db.execute("UPDATE predictions SET raw_text = 'A man of about 40.' WHERE raw_text = ?",
                   (AGE_NO_GENDER,))
    with Store(store) as opened:
        moved = reparse(opened)
    assert (moved.judged, moved.changed) == (1, 0)  # male, 40 either way
    assert rows(store, "SELECT parsed_by FROM predictions WHERE raw_text = 'A man of about 40.'"
                ) == [("rules",)]

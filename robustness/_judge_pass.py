"""The judge's pass over a run: after the model's answers are stored, read the doubtful ones.

Run once the run's answers are committed, so an answer is durable before any judge is asked and
a run killed during the pass resumes it (every answer is then a cache hit, and the pass finds the
predictions not yet judged). Predictions in doubt (``robustness._judge.needs_judge``) that no judge
has read yet (``judge_key`` empty) are grouped by their judge request key (``_identity.judge_key``):
a verdict stored in ``judgements`` is applied at once; the others are sent to the judge model
through its own ``predict_stream``, at most ``max_requests`` of them, and each verdict is stored
and applied in one transaction as it arrives. A failed judge request is not cached: the
prediction keeps the rules' reading and a rerun asks again.

``reapply`` is the same application for ``reparse``: zero calls, verdicts from the store only.
"""

from __future__ import annotations

import sqlite3
import threading
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from prompts import ParsedAnswer, PromptVariant

from ._identity import judge_key
from ._judge import Judge, apply_verdict, needs_judge
from ._judge_prompt import JUDGE_PROMPT_VERSION, judge_prompt
from ._models import ModelInput, Request
from ._secrets import redact
from ._store import connect
from ._types import Prediction

__all__ = ["JudgeStats", "judge_run", "reapply"]

# The prediction columns a reading owns, in ``ParsedAnswer``'s names.
_READING = ("outcome", "age", "age_low", "age_high", "gender", "refusal_kind")
_CANDIDATES = (
    f"SELECT DISTINCT p.request_key, p.raw_text, p.asks, {', '.join('p.' + c for c in _READING)} "
    "FROM predictions p JOIN items i ON i.request_key = p.request_key WHERE i.run_id = ? "
    "AND p.judge_key IS NULL AND p.parser_version IS NOT NULL AND p.raw_text IS NOT NULL "
    "AND p.outcome IN ('unparseable', 'partial')"
)
_UPDATE = (f"UPDATE predictions SET {', '.join(f'{c} = ?' for c in _READING)}, parsed_by = ?, "
           "judge_key = ? WHERE request_key = ?")


@dataclass(slots=True)
class JudgeStats:
    """What one pass did. ``calls`` are new judge requests (would-be ones in a dry run)."""

    judge: str
    simulated: bool = False
    in_doubt: int = 0  # predictions the rules left in doubt, not yet read by this judge
    calls: int = 0
    cached: int = 0  # judge requests answered from the store
    changed: int = 0  # predictions whose reading a verdict changed
    rejected: int = 0  # verdicts that failed the checks (the rules' reading stays)
    errors: int = 0  # judge requests that failed (not cached: asked again on rerun)
    stopped_at_budget: bool = False


def _stored_reading(row: Sequence[object], asks: object) -> ParsedAnswer | None:
    """The rules' reading held in a prediction row's ``_READING`` columns (None if malformed)."""
    try:
        values = dict(zip(_READING, row, strict=True))
        asked = tuple(str(asks or "age,gender").split(","))
        return ParsedAnswer(**values, asks=asked)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None


def judge_run(
    store_path: object, run_id: str, judge: Judge, *, max_requests: int | None = None,
    dry_run: bool = False, stop: threading.Event | None = None,
) -> JudgeStats:
    """Have ``judge`` read this run's predictions in doubt (module docstring)."""
    stats = JudgeStats(judge=judge.name, simulated=judge.model.simulated)
    db = connect(store_path)  # type: ignore[arg-type]
    try:
        groups: dict[str, list[tuple[str, str, ParsedAnswer]]] = {}
        for key, raw_text, asks, *reading in db.execute(_CANDIDATES, (run_id,)).fetchall():
            rules = _stored_reading(reading, asks)
            if rules is None or not needs_judge(rules, raw_text):
                continue
            stats.in_doubt += 1
            asked = ",".join(rules.asks)
            jkey = judge_key(judge.fingerprint, JUDGE_PROMPT_VERSION, raw_text, asked)
            groups.setdefault(jkey, []).append((key, raw_text, rules))
        replies = _replies(db, list(groups))
        stats.cached = len(replies)
        if not dry_run:
            for jkey, reply in replies.items():
                _apply(db, jkey, groups[jkey], reply, judge.name, stats)
        asking = [jkey for jkey in groups if jkey not in replies]
        budget = len(asking) if max_requests is None else max(0, min(len(asking), max_requests))
        stats.stopped_at_budget = budget < len(asking)
        if dry_run:
            stats.calls = budget
            return stats
        _ask(db, judge, asking[:budget], groups, stats, stop or threading.Event())
    finally:
        db.close()
    return stats


def reapply(db: sqlite3.Connection, jkey: str, raw_text: str, rules: ParsedAnswer
            ) -> tuple[ParsedAnswer, str] | None:
    """The reading of a prediction a judge read before, from the stored verdict (no call), or
    ``None`` when the rules no longer leave it in doubt or no verdict is stored."""
    if not needs_judge(rules, raw_text):
        return None
    row = db.execute("SELECT judge, reply FROM judgements WHERE judge_key = ?",
                     (jkey,)).fetchone()
    if row is None:
        return None
    reading, parsed_by, _ = apply_verdict(rules, raw_text, row[1], str(row[0]))
    return reading, parsed_by


def _replies(db: sqlite3.Connection, keys: list[str]) -> dict[str, str | None]:
    found: dict[str, str | None] = {}
    for start in range(0, len(keys), 500):
        chunk = keys[start: start + 500]
        rows = db.execute(f"SELECT judge_key, reply FROM judgements WHERE judge_key IN "
                          f"({','.join('?' * len(chunk))})", chunk)
        found.update((str(k), r) for k, r in rows)
    return found


def _ask(db: sqlite3.Connection, judge: Judge, keys: list[str],
         groups: dict[str, list[tuple[str, str, ParsedAnswer]]], stats: JudgeStats,
         stop: threading.Event) -> None:
    def requests() -> Iterator[Request]:
        for jkey in keys:
            _, raw_text, rules = groups[jkey][0]
            question = PromptVariant(id="judge", purpose="read one answer",
                                     user=judge_prompt(raw_text, ",".join(rules.asks)))
            yield Request(jkey, ModelInput(prompt=question), "")

    def answered(jkey: str, prediction: Prediction) -> None:
        stats.calls += 1  # sent, like a model call: a failed one was asked too
        if prediction.outcome == "error":
            stats.errors += 1
            return
        stats.simulated = stats.simulated or judge.model.simulated
        db.execute("BEGIN IMMEDIATE")
        try:
            db.execute(
                "INSERT OR REPLACE INTO judgements VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (jkey, judge.name, judge.fingerprint, JUDGE_PROMPT_VERSION,
                 None if prediction.raw_text is None else redact(prediction.raw_text),
                 prediction.latency_ms, prediction.tokens_in, prediction.tokens_out,
                 prediction.system_fingerprint, time.time()))
            _apply(db, jkey, groups[jkey], prediction.raw_text, judge.name, stats,
                   in_transaction=True)
        except BaseException:
            db.execute("ROLLBACK")
            raise
        db.execute("COMMIT")

    if keys:
        judge.model.predict_stream(requests(), answered, stop=stop)


def _apply(db: sqlite3.Connection, jkey: str, group: list[tuple[str, str, ParsedAnswer]],
           reply: str | None, judge: str, stats: JudgeStats, *,
           in_transaction: bool = False) -> None:
    updates = []
    for key, raw_text, rules in group:
        reading, parsed_by, problem = apply_verdict(rules, raw_text, reply, judge)
        stats.rejected += problem is not None
        stats.changed += reading != rules
        updates.append((*(getattr(reading, c) for c in _READING), parsed_by, jkey, key))
    if in_transaction:
        db.executemany(_UPDATE, updates)
        return
    db.execute("BEGIN IMMEDIATE")
    try:
        db.executemany(_UPDATE, updates)
    except BaseException:
        db.execute("ROLLBACK")
        raise
    db.execute("COMMIT")

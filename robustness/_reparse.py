"""Parses are derived data: re-read every stored MLLM answer with the current parser.

A prediction keeps the raw text it was parsed from, the fields its prompt asked (``asks``) and the
``prompts.PARSER_VERSION`` that read it. ``reparse`` parses every stored raw text again — zero
model calls — and rewrites the fields the parser owns (outcome, age, its range, gender, refusal
kind) where they changed, stamping the current version on each.

What a rerun does after a parser upgrade (the versions are never mixed silently): a run first
re-reads every stale parse in its store (``upgrade_stale``: a parse without a version or with
another version than the current one), so every prediction a summary reads was produced by one
parser version, which the summary names (``parser_versions``).

A prediction is shared by every run that asked the same question (one request key), so it is
re-read once for all of them: there is one current reading of each stored answer.

A prediction a judge read (``judge_key`` set, ``robustness._judge``) keeps the judge's verdict
consistent with its new rules reading: where the rules still leave it in doubt, the stored
verdict is applied again to the new reading (zero calls); where the rules now read it, their
reading stands (``parsed_by`` ``rules``). An answer the new rules leave in doubt that no judge has
read keeps the rules' reading; the next run with ``--judge`` asks for it.

The API's own refusal signals are not text: a stored ``api_refusal`` stays one (its raw text is
the refusal message, not an answer), and ``finish_reason`` is passed back to the parser.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import prompts

from ._judge_pass import reapply
from ._judge_prompt import RULES
from ._store import Store

__all__ = ["RULES", "ReparseResult", "parsed_by_counts", "parser_versions", "provenance",
           "reparse", "upgrade_stale"]

# The prediction columns the parser owns, in the order ``reparse`` reads and writes them.
_PARSED = ("outcome", "age", "age_low", "age_high", "gender", "refusal_kind")


@dataclass(frozen=True, slots=True)
class ReparseResult:
    """What a reparse did: parses read again, and how many of each field changed."""

    parser_version: str
    parsed: int
    changed: int  # predictions whose outcome, age or gender changed (each counted once)
    outcomes_changed: int
    ages_changed: int
    genders_changed: int
    judged: int = 0  # predictions whose reading is a judge's verdict, applied again from the store


def provenance(parsed: object) -> dict[str, Any]:
    """The ``asks`` and ``parser_version`` a prediction records for how its text was read."""
    if isinstance(parsed, prompts.ParsedAnswer):
        return {"asks": ",".join(parsed.asks), "parser_version": prompts.PARSER_VERSION,
                "parsed_by": RULES}
    return {}


def parser_versions(rows: Iterable[Mapping[str, object]]) -> list[str]:
    """The parser versions behind these item rows' parses (empty for models without text)."""
    return sorted({str(row["parser_version"]) for row in rows if row.get("parser_version")})


def parsed_by_counts(rows: Iterable[Mapping[str, object]]) -> dict[str, int]:
    """How many of these item rows each reader parsed (``rules``, ``judge:<model>``)."""
    counts: dict[str, int] = {}
    for row in rows:
        if row.get("parsed_by") and row.get("outcome") != "error":
            counts[str(row["parsed_by"])] = counts.get(str(row["parsed_by"]), 0) + 1
    return dict(sorted(counts.items()))


def reparse(store: Store, *, run_id: str | None = None, stale_only: bool = False
            ) -> ReparseResult:
    """Parse the stored raw text of every MLLM prediction again (of one run, or all).

    Args:
        store: The store to update in place.
        run_id: Only the predictions this run's items point to; ``None`` for every prediction.
        stale_only: Only parses without the current ``prompts.PARSER_VERSION``.

    Raises:
        StoreError: ``run_id`` is not in the store.
    """
    if run_id is not None:
        store.run_config(run_id)  # raises StoreError naming the run when it is missing
    # Only MLLM answers have raw text; the specialised models' predictions are not parses.
    where = ["p.raw_text IS NOT NULL OR p.parser_version IS NOT NULL",
             "p.refusal_kind IS NOT 'api_refusal'"]
    arguments: list[object] = []
    if stale_only:
        where.append("p.parser_version IS NOT ?")
        arguments.append(prompts.PARSER_VERSION)
    if run_id is not None:
        where.append("p.request_key IN (SELECT request_key FROM items WHERE run_id = ?)")
        arguments.append(run_id)
    counts = {"outcome": 0, "age": 0, "gender": 0, "any": 0, "judged": 0}
    with store.transaction() as db:  # read and rewrite in one go: no run sees half of it
        rows = db.execute(
            f"SELECT p.request_key, p.raw_text, p.finish_reason, p.asks, p.judge_key, "
            f"{', '.join(_PARSED)} "
            f"FROM predictions p WHERE ({') AND ('.join(where)})", arguments,
        ).fetchall()
        updates = []
        for key, text, finish_reason, asks, jkey, *old in rows:
            parsed = prompts.parse_answer(text, finish_reason=finish_reason, asks=asks)
            judged = reapply(db, jkey, text, parsed) if jkey is not None else None
            parsed, parsed_by = judged if judged is not None else (parsed, RULES)
            counts["judged"] += parsed_by != RULES
            new = [getattr(parsed, name) for name in _PARSED]
            before, after = dict(zip(_PARSED, old, strict=True)), dict(zip(_PARSED, new,
                                                                             strict=True))
            moved = {name for name in ("outcome", "age", "gender") if before[name] != after[name]}
            for name in moved:
                counts[name] += 1
            counts["any"] += bool(moved)
            updates.append((*new, ",".join(parsed.asks), prompts.PARSER_VERSION, parsed_by, key))
        db.executemany(
            f"UPDATE predictions SET {', '.join(f'{n} = ?' for n in _PARSED)}, asks = ?, "
            "parser_version = ?, parsed_by = ? WHERE request_key = ?", updates,
        )
    return ReparseResult(
        parser_version=prompts.PARSER_VERSION, parsed=len(updates), changed=counts["any"],
        outcomes_changed=counts["outcome"], ages_changed=counts["age"],
        genders_changed=counts["gender"], judged=counts["judged"],
    )


def upgrade_stale(store: Store) -> ReparseResult:
    """Re-read every parse not made by the current parser version (before a run reads them)."""
    return reparse(store, stale_only=True)

"""The result store: one SQLite file (WAL) holding runs, planned items and model predictions.

Predictions are keyed by request key (model fingerprint, exact input bytes, prompt, decoding
parameters, repeat), so the same question is never asked twice. Items are keyed by what the plan
names (run, model, prompt, sample, condition, repeat): writing an item again replaces it, which is
what makes a killed and rerun run end with exactly one row per planned item. Items, the
predictions they point to and the release of their claims are written in one transaction per
group commit (``robustness._commit``).

Error predictions are kept on the item, not in the prediction cache: a rerun tries them again.
An item's ``error_kind`` says whose fault it was: ``data`` (bad row, image, no face) or ``model``
(the model or its transport). ``claims`` and ``owners`` let several processes share one store
(``robustness._claims``).

Triggers move a generation counter on at every write to items or predictions, whoever writes;
``kept`` holds what was computed from a run's rows (its summary, its report's picks) under a key
that includes the generation, so nothing stale is ever read back (``robustness._summaries``).

Stores written by schema version 1 are upgraded in place when opened (new tables, new nullable
columns; from schema 6 the input mode is part of an item's key); a store of a newer schema is
refused with one line.
"""

from __future__ import annotations

import json
import sqlite3
import time
from collections.abc import Collection, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from ._exceptions import StoreError
from ._input_modes import label_views, view_name, viewed_models
from ._secrets import redact_fields, redact_json
from ._types import ItemResult, Prediction

__all__ = ["SCHEMA_VERSION", "ItemRecord", "Store"]

SCHEMA_VERSION = 7

# The input mode is part of an item's identity (one run may ask a model with several crops).
ITEMS_TABLE = """
CREATE TABLE IF NOT EXISTS items (
    run_id TEXT NOT NULL, model TEXT NOT NULL, prompt TEXT NOT NULL, sample_id TEXT NOT NULL,
    perturbation TEXT NOT NULL, severity INTEGER NOT NULL, replicate INTEGER NOT NULL,
    repeat INTEGER NOT NULL, request_key TEXT, image_sha256 TEXT, error TEXT,
    age_true REAL, age_low REAL, age_high REAL, gender_true TEXT, subject_id TEXT,
    image_path TEXT, simulated INTEGER NOT NULL DEFAULT 0, position INTEGER NOT NULL,
    updated REAL NOT NULL, error_kind TEXT, extras TEXT, input_mode TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (run_id, model, prompt, sample_id, perturbation, severity, replicate, repeat,
                 input_mode)
);
"""

# What belongs to the items table besides it: kept with it when it is rebuilt (schema 6).
ITEMS_EXTRAS = (
    # A run's items in plan order without sorting them: its summary reads them so.
    "CREATE INDEX IF NOT EXISTS items_position ON items (run_id, position);",
    # Any write to items or predictions, by any writer, moves the store's generation on.
    *(f"CREATE TRIGGER IF NOT EXISTS {table}_{event.lower()} AFTER {event} ON {table} BEGIN "
      "UPDATE meta SET value = value + 1 WHERE key = 'generation'; END;"
      for table in ("items", "predictions") for event in ("INSERT", "UPDATE", "DELETE")),
)

SCHEMA = ITEMS_TABLE + """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS runs (
    id TEXT PRIMARY KEY, created REAL NOT NULL, updated REAL NOT NULL, config TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS predictions (
    request_key TEXT PRIMARY KEY, model TEXT NOT NULL, fingerprint TEXT NOT NULL,
    outcome TEXT NOT NULL, age REAL, gender TEXT, gender_confidence REAL, refusal_kind TEXT,
    raw_text TEXT, latency_ms REAL, age_low REAL, age_high REAL, tokens_in INTEGER,
    tokens_out INTEGER, finish_reason TEXT, system_fingerprint TEXT, created REAL NOT NULL,
    truncated INTEGER, asks TEXT, parser_version TEXT, parsed_by TEXT, judge_key TEXT
);
CREATE TABLE IF NOT EXISTS judgements (
    judge_key TEXT PRIMARY KEY, judge TEXT NOT NULL, fingerprint TEXT NOT NULL,
    prompt_version TEXT NOT NULL, reply TEXT, latency_ms REAL, tokens_in INTEGER,
    tokens_out INTEGER, system_fingerprint TEXT, created REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS owners (
    owner TEXT PRIMARY KEY, host TEXT NOT NULL, pid INTEGER NOT NULL, started REAL NOT NULL,
    heartbeat REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS claims (
    request_key TEXT PRIMARY KEY, owner TEXT NOT NULL, claimed REAL NOT NULL
);
-- What was computed from a run's rows (its summary, its report's picks), the latest per name.
CREATE TABLE IF NOT EXISTS kept (
    run_id TEXT NOT NULL, name TEXT NOT NULL, key TEXT NOT NULL, body TEXT NOT NULL,
    PRIMARY KEY (run_id, name)
);
""" + "\n".join(ITEMS_EXTRAS)

_MMAP_BYTES = 1 << 33  # SQLite caps it at its own limit (2 GB in a default build)

# Columns added after version 1, all nullable: opening an older store adds the missing ones.
_ADDED_COLUMNS: dict[str, tuple[tuple[str, str], ...]] = {
    "predictions": (("truncated", "INTEGER"), ("asks", "TEXT"), ("parser_version", "TEXT"),
                    ("parsed_by", "TEXT"), ("judge_key", "TEXT")),
    "items": (("error_kind", "TEXT"), ("extras", "TEXT"),
              ("input_mode", "TEXT NOT NULL DEFAULT ''")),
}

# Prediction fields stored per request key (``error`` lives on the item: errors are not cached).
_PREDICTION_FIELDS = (
    "outcome", "age", "gender", "gender_confidence", "refusal_kind", "raw_text", "latency_ms",
    "age_low", "age_high", "tokens_in", "tokens_out", "finish_reason", "system_fingerprint",
    "truncated", "asks", "parser_version", "parsed_by", "judge_key",
)
_PREDICTION_COLUMNS = ", ".join(_PREDICTION_FIELDS)


@dataclass(frozen=True, slots=True)
class ItemRecord:
    """One planned item as stored: its identity, labels, and what answered it."""

    model: str
    prompt: str
    sample_id: str
    perturbation: str
    severity: int
    replicate: int
    repeat: int
    request_key: str | None
    image_sha256: str | None
    error: str | None
    age_true: float | None
    age_low: float | None
    age_high: float | None
    gender_true: str | None
    subject_id: str | None
    image_path: str
    position: int
    simulated: bool = False
    error_kind: str | None = None  # "data" or "model" when ``error`` is set
    extras: tuple[tuple[str, str], ...] = ()  # the sample's metadata columns, for slices
    input_mode: str = ""  # the crop shown: part of the identity

    @property
    def identity(self) -> tuple[str, str, str, str, int, int, int, str]:
        return (self.model, self.prompt, self.sample_id, self.perturbation, self.severity,
                self.replicate, self.repeat, self.input_mode)


class Store:
    """A SQLite result store. Use as a context manager, or call ``close``."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._db = connect(self.path)
            # Reads through a memory map: a run's summary joins every item with its prediction,
            # a million random page reads that would otherwise each be a system call.
            self._db.execute(f"PRAGMA mmap_size={_MMAP_BYTES}")
            self._check_version()
        except sqlite3.DatabaseError as exc:
            raise StoreError(f"cannot open the store {self.path}: {exc}") from exc

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self._db.close()

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """Commit what the block wrote, or nothing of it."""
        self._db.execute("BEGIN IMMEDIATE")
        try:
            yield self._db
        except BaseException:
            self._db.execute("ROLLBACK")
            raise
        self._db.execute("COMMIT")

    def _check_version(self) -> None:
        with self.transaction() as db:
            row = db.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
            if row is not None and int(row[0]) > SCHEMA_VERSION:
                raise StoreError(
                    f"{self.path} holds schema version {row[0]}, written by a newer version of "
                    f"this suite; this one reads versions up to {SCHEMA_VERSION}"
                )
            # A column may be missing under the current version too (a store mended by hand).
            missing = _missing_columns(db)
            if row is None or int(row[0]) < SCHEMA_VERSION or missing:
                self._upgrade(db, missing)

    @staticmethod
    def _upgrade(db: sqlite3.Connection, missing: list[tuple[str, str, str]]) -> None:
        """Bring a new or older store to this schema: add missing columns, then the version."""
        for table, name, kind in missing:
            db.execute(f"ALTER TABLE {table} ADD COLUMN {name} {kind}")
        _key_items_by_input_mode(db)
        # Parses written before version 5 were all read by the rules (there was no judge).
        db.execute("UPDATE predictions SET parsed_by = 'rules' "
                   "WHERE parsed_by IS NULL AND parser_version IS NOT NULL")
        # The generation the triggers move on (``ITEMS_EXTRAS``); a store's first, or any older.
        db.execute("INSERT OR IGNORE INTO meta VALUES ('generation', '1')")
        db.execute("INSERT OR REPLACE INTO meta VALUES ('schema_version', ?)",
                   (str(SCHEMA_VERSION),))

    # -- runs -------------------------------------------------------------------------------

    def begin_run(self, run_id: str, config: dict[str, object]) -> None:
        now = time.time()
        with self.transaction() as db:
            db.execute(
                "INSERT INTO runs VALUES (?, ?, ?, ?) ON CONFLICT(id) DO UPDATE SET updated = ?",
                (run_id, now, now, json.dumps(redact_json(config), sort_keys=True), now),
            )

    def run_ids(self) -> list[str]:
        """Run ids, the most recently updated last."""
        return [r[0] for r in self._db.execute("SELECT id FROM runs ORDER BY updated, created")]

    def run_config(self, run_id: str) -> dict[str, object]:
        row = self._db.execute("SELECT config FROM runs WHERE id = ?", (run_id,)).fetchone()
        if row is None:
            raise StoreError(f"no run {run_id!r} in {self.path}")
        config: dict[str, object] = json.loads(row[0])
        return config

    # -- predictions and items --------------------------------------------------------------

    def cached(self, request_keys: Iterable[str]) -> dict[str, Prediction]:
        """The stored predictions among these request keys."""
        keys = list(dict.fromkeys(request_keys))
        found: dict[str, Prediction] = {}
        for start in range(0, len(keys), 500):
            chunk = keys[start : start + 500]
            marks = ",".join("?" * len(chunk))
            rows = self._db.execute(
                f"SELECT request_key, {_PREDICTION_COLUMNS} FROM predictions "
                f"WHERE request_key IN ({marks})",
                chunk,
            )
            for key, *values in rows:
                found[key] = _prediction(values)
        return found

    def finished_items(self, run_id: str) -> set[tuple[str, str, str, str, int, int, int, str]]:
        """Identities of this run's items that hold a prediction (errors are tried again)."""
        rows = self._db.execute(
            "SELECT model, prompt, sample_id, perturbation, severity, replicate, repeat, "
            "input_mode "
            "FROM items WHERE run_id = ? AND error IS NULL AND request_key IS NOT NULL",
            (run_id,),
        )
        return {tuple(row) for row in rows}

    def finished_count(self, run_id: str) -> int:
        """How many items ``finished_items`` would hold, counted without reading them.

        A rerun compares it with the plan's size: every item of a run id comes from the one plan
        that id names, so equal counts mean every planned item is finished.
        """
        row = self._db.execute(
            "SELECT COUNT(*) FROM items "
            "WHERE run_id = ? AND error IS NULL AND request_key IS NOT NULL", (run_id,)
        ).fetchone()
        return int(row[0])

    def record(
        self,
        run_id: str,
        items: Sequence[ItemRecord],
        predictions: dict[str, tuple[str, str, Prediction]],
    ) -> None:
        """Write items and new predictions (key → (model, fingerprint, prediction)) atomically."""
        with self.transaction() as db:
            write_answers(db, run_id, items, predictions)

    def remember(self, key: str, model: str, fingerprint: str, prediction: Prediction) -> None:
        """Cache one prediction outside any run (counterexample search); errors are not kept."""
        self.record("", [], {key: (model, fingerprint, prediction)})

    def item_rows(
        self, run_id: str, samples: Collection[str] | None = None
    ) -> list[dict[str, object]]:
        """Every item of a run joined with its prediction, in plan order (only these ``samples``'
        items when given: a report's gallery reads a few samples of a million items).

        A model the run asked with several input modes is named per mode (``label_views``).
        """
        chosen = sorted(samples) if samples is not None else []
        only = f"AND i.sample_id IN ({','.join('?' * len(chosen))}) " if samples is not None else ""
        cursor = self._db.execute(
            "SELECT i.model, i.prompt, i.sample_id, i.perturbation, i.severity, i.replicate, "
            "i.repeat, i.age_true, i.age_low, i.age_high, i.gender_true, i.subject_id, "
            "p.age, p.gender, p.gender_confidence, "
            "CASE WHEN i.error IS NOT NULL OR p.outcome IS NULL THEN 'error' "
            "ELSE p.outcome END AS outcome, "
            "p.refusal_kind, i.error, p.raw_text, p.latency_ms, p.age_low AS age_low_pred, "
            "p.age_high AS age_high_pred, p.tokens_in, p.tokens_out, p.finish_reason, "
            "p.system_fingerprint, p.truncated, p.asks, p.parser_version, p.parsed_by, "
            "p.judge_key, i.error_kind, "
            "i.image_sha256, i.request_key, "
            "i.image_path, i.simulated, i.input_mode "
            "FROM items i LEFT JOIN predictions p ON p.request_key = i.request_key "
            f"WHERE i.run_id = ? {only}ORDER BY i.position",
            (run_id, *chosen),
        )
        names = [d[0] for d in cursor.description]
        rows = [dict(zip(names, row, strict=True)) for row in cursor]
        label_views(rows)
        return rows

    def summary_rows(self, run_id: str) -> tuple[list[ItemResult], list[dict[str, object]]]:
        """The run's items as the metrics read them (``item_results``), and beside each a narrow
        row (``SUMMARY_COLUMNS``, as ``item_rows`` names them) for cost, parse provenance and
        the requests behind the run (``request_key``).

        One read for the run's summary: at a million items, building ``item_rows``' full dicts
        and then converting them cost more than all the planning of a rerun.
        """
        cursor = self._db.execute(
            f"SELECT {_RESULT_SELECT}, {_SUMMARY_SELECT} "
            "FROM items i "
            "LEFT JOIN predictions p ON p.request_key = i.request_key "
            "WHERE i.run_id = ? ORDER BY i.position",
            (run_id,),
        )
        width = len(_RESULT_FIELDS)
        results: list[ItemResult] = []
        rows: list[dict[str, object]] = []
        for row in cursor:
            # The columns are ItemResult's fields in order; SQLite gives each its schema type.
            result = ItemResult(*row[:width])
            results.append(result)
            rows.append(dict(zip(SUMMARY_COLUMNS, (result.model, result.prompt, result.outcome,
                                         result.input_mode, *row[width:]), strict=True)))
        viewed = viewed_models((r.model, r.input_mode) for r in results)
        if viewed:  # named per mode, as ``label_views`` names ``item_rows``
            for index, (result, row) in enumerate(zip(results, rows, strict=True)):
                if result.model in viewed:
                    row["model"] = view_name(result.model, result.input_mode)
                    results[index] = replace(result, model=str(row["model"]))
        return results, rows

    # -- what is computed from a run's rows, kept ---------------------------------------------

    def generation(self) -> int:
        """A number every write to items or predictions moves on (triggers, whoever writes):
        what was computed from rows at one generation holds while it is unchanged."""
        row = self._db.execute("SELECT value FROM meta WHERE key = 'generation'").fetchone()
        return int(row[0])

    def kept(self, run_id: str, name: str, key: str) -> str | None:
        """What ``keep`` kept for the run under ``name``, if it was kept under ``key``."""
        row = self._db.execute("SELECT body FROM kept WHERE run_id = ? AND name = ? AND key = ?",
                               (run_id, name, key)).fetchone()
        return None if row is None else str(row[0])

    def keep(self, run_id: str, name: str, key: str, body: str) -> None:
        """Keep ``body`` for the run under ``name`` (replacing the last one) and ``key``."""
        with self.transaction() as db:
            db.execute("INSERT OR REPLACE INTO kept VALUES (?, ?, ?, ?)",
                       (run_id, name, key, body))

    def model_error_count(self, run_id: str) -> int:
        """Items of the run whose model or transport failed (not bad data); a rerun retries them."""
        row = self._db.execute(
            "SELECT COUNT(*) FROM items WHERE run_id = ? AND error_kind = 'model'", (run_id,)
        ).fetchone()
        return int(row[0])

    def sample_extras(self, run_id: str) -> dict[str, dict[str, str]]:
        """Each sample's metadata columns (``ethnicity``, ``race``, …) as the run stored them."""
        rows = self._db.execute(
            "SELECT DISTINCT sample_id, extras FROM items WHERE run_id = ? AND extras IS NOT NULL",
            (run_id,))
        return {str(sample): json.loads(extras) for sample, extras in rows}

    def error_count(self, run_id: str) -> int:
        """Items of the run that ended as errors (before the model, or from it)."""
        # No prediction row: what ``item_rows`` calls an error (``outcome`` is NOT NULL). NOT
        # EXISTS probes the key's index only, where a join would read each prediction.
        row = self._db.execute(
            "SELECT COUNT(*) FROM items i WHERE i.run_id = ? AND (i.error IS NOT NULL "
            "OR NOT EXISTS (SELECT 1 FROM predictions p WHERE p.request_key = i.request_key))",
            (run_id,)).fetchone()
        return int(row[0])

    def item_results(
        self, run_id: str, rows: Sequence[Mapping[str, Any]] | None = None
    ) -> list[ItemResult]:
        """The run's items in the form the metrics read (from ``rows`` when already read)."""
        # SQLite columns are untyped; the schema (CHECK constraints included) gives their types.
        source: Sequence[Mapping[str, Any]] = rows if rows is not None else self.item_rows(run_id)
        return [
            ItemResult(
                model=str(r["model"]), prompt=str(r["prompt"]), sample_id=str(r["sample_id"]),
                perturbation=str(r["perturbation"]), severity=int(r["severity"]),
                replicate=int(r["replicate"]), repeat=int(r["repeat"]),
                outcome=r["outcome"], age=r["age"], gender=r["gender"],
                age_true=r["age_true"], age_low=r["age_low"], age_high=r["age_high"],
                gender_true=r["gender_true"], subject_id=r["subject_id"],
                refusal_kind=r["refusal_kind"],
                input_mode=str(r["input_mode"] or ""),
            )
            for r in source
        ]


# ``ItemResult``'s fields in order, as ``item_rows`` computes each (the outcome included).
_RESULT_FIELDS = (
    "i.model", "i.prompt", "i.sample_id", "i.perturbation", "i.severity", "i.replicate",
    "i.repeat", "CASE WHEN i.error IS NOT NULL OR p.outcome IS NULL THEN 'error' "
    "ELSE p.outcome END", "p.age", "p.gender", "i.age_true", "i.age_low", "i.age_high",
    "i.gender_true", "i.subject_id", "p.refusal_kind", "i.input_mode",
)
_RESULT_SELECT = ", ".join(_RESULT_FIELDS)
# The columns of ``item_rows`` a run's summary reads besides the metrics' (``summary_rows``).
# ``raw_text`` and ``image_path`` serve only to estimate tokens a model did not report
# (``_cost``), so they are read only where a count is missing: a million answer texts are
# the widest part of the read.
SUMMARY_COLUMNS = ("model", "prompt", "outcome", "input_mode", "simulated", "parser_version",
                   "parsed_by", "latency_ms", "tokens_in", "tokens_out", "raw_text",
                   "image_path", "request_key")
# ``model``, ``prompt``, ``outcome`` and ``input_mode`` are copied from the ``ItemResult``.
_SUMMARY_SELECT = ", ".join((
    "i.simulated", "p.parser_version", "p.parsed_by", "p.latency_ms", "p.tokens_in",
    "p.tokens_out", "CASE WHEN p.tokens_in IS NULL OR p.tokens_out IS NULL THEN p.raw_text END",
    "CASE WHEN p.tokens_in IS NULL THEN i.image_path END", "i.request_key",
))


def _missing_columns(db: sqlite3.Connection) -> list[tuple[str, str, str]]:
    """``(table, column, type)`` of the added columns this store lacks."""
    missing = []
    for table, columns in _ADDED_COLUMNS.items():
        present = {row[1] for row in db.execute(f"PRAGMA table_info({table})")}
        missing += [(table, name, kind) for name, kind in columns if name not in present]
    return missing


def connect(path: Path) -> sqlite3.Connection:
    """A connection in autocommit mode (transactions are explicit), WAL, with the schema present.

    Threads of one run (the committer, the heartbeat) each open their own; the main one may be
    used from the materialization thread, one caller at a time, hence ``check_same_thread``.
    """
    db = sqlite3.connect(path, timeout=30, isolation_level=None, check_same_thread=False)
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("PRAGMA synchronous=NORMAL")
    db.executescript(SCHEMA)
    return db


def write_answers(
    db: sqlite3.Connection, run_id: str, items: Sequence[ItemRecord],
    predictions: dict[str, tuple[str, str, Prediction]],
) -> None:
    """Insert new predictions (errors are not cached) and replace items, inside a transaction.

    Every path that persists an answer comes through here, so this is where stored text is
    redacted: no secret an endpoint echoes back reaches the file.
    """
    now = time.time()
    items = [redact_fields(item, ("error",)) for item in items]
    predictions = {key: (model, fingerprint, redact_fields(p, ("raw_text", "error")))
                   for key, (model, fingerprint, p) in predictions.items()}
    marks = ", ".join("?" * (len(_PREDICTION_FIELDS) + 4))
    db.executemany(
        f"INSERT OR IGNORE INTO predictions (request_key, model, fingerprint, "
        f"{_PREDICTION_COLUMNS}, created) VALUES ({marks})",
        [
            (key, model, fingerprint, *(getattr(p, name) for name in _PREDICTION_FIELDS), now)
            for key, (model, fingerprint, p) in predictions.items()
            if p.outcome != "error"
        ],
    )
    db.executemany(
        "INSERT OR REPLACE INTO items (run_id, model, prompt, sample_id, perturbation, severity, "
        "replicate, repeat, input_mode, request_key, image_sha256, error, age_true, age_low, "
        "age_high, gender_true, subject_id, image_path, simulated, position, updated, "
        "error_kind, extras) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, "
        "?, ?, ?)",
        [
            (run_id, *item.identity, item.request_key, item.image_sha256, item.error,
             item.age_true, item.age_low, item.age_high, item.gender_true, item.subject_id,
             item.image_path, int(item.simulated), item.position, now,
             item.error_kind if item.error is not None else None,
             json.dumps(dict(item.extras)) if item.extras else None)
            for item in items
        ],
    )


def _key_items_by_input_mode(db: sqlite3.Connection) -> None:
    """Make the input mode part of the items' primary key (stores before schema 6).

    SQLite cannot change a primary key in place, so the table is copied into the new layout. An
    old item gets the input mode its run's config recorded for its model, else ``''``.
    """
    keyed = {row[1] for row in db.execute("PRAGMA table_info(items)") if row[5]}
    if "input_mode" in keyed:
        return
    for run_id, config in db.execute("SELECT id, config FROM runs").fetchall():
        for model, mode in (json.loads(config).get("input_modes") or {}).items():
            if isinstance(mode, str):
                db.execute("UPDATE items SET input_mode = ? WHERE run_id = ? AND model = ?",
                           (mode, run_id, model))
    columns = ", ".join(row[1] for row in db.execute("PRAGMA table_info(items)"))
    db.execute("ALTER TABLE items RENAME TO items_before_input_mode")
    db.execute(ITEMS_TABLE)
    db.execute(f"INSERT INTO items ({columns}) SELECT {columns} FROM items_before_input_mode")
    db.execute("DROP TABLE items_before_input_mode")  # and its index and triggers with it
    for statement in ITEMS_EXTRAS:
        db.execute(statement)


def _prediction(values: Sequence[object]) -> Prediction:
    fields = dict(zip(_PREDICTION_FIELDS, values, strict=True))
    fields["truncated"] = bool(fields["truncated"])
    # Ignored below: the columns are _PREDICTION_FIELDS in order; SQLite returns them untyped.
    return Prediction(**fields)  # type: ignore[arg-type]

"""Exports of a run's items: CSV for spreadsheets, Parquet for pandas, DuckDB and Arrow.

One column table (``EXPORT_SCHEMA``: name and type) serves both formats. Text cells are redacted
(``robustness._secrets``) on the way out, whatever the store holds.

CSV cells are neutralised against formula injection (OWASP's rule): a *text* cell that starts
with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return gets a leading ``'``, so a model
answer such as ``=HYPERLINK(…)`` is shown, never run, by Excel, LibreOffice or Sheets. Numeric
columns (``severity``, ``age``, ``latency_ms``, …) are data and are written as plain numbers, so
``-3.5`` stays a number; a text column is neutralised whatever it holds (a ``sample_id`` ``-12``
is written ``'-12``). ``raw=True`` (``--raw-csv``) writes every cell verbatim. Parquet cells are
typed values, never formulas, so Parquet is always written verbatim.
"""

from __future__ import annotations

import csv
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Final, Literal

from ._exceptions import ConfigError
from ._secrets import redact_rows
from ._store import Store

__all__ = [
    "EXPORT_COLUMNS",
    "EXPORT_SCHEMA",
    "FORMULA_PREFIXES",
    "export_csv",
    "export_items",
    "export_parquet",
    "neutralise",
]

ColumnType = Literal["text", "int", "float", "bool"]

EXPORT_SCHEMA: Final[tuple[tuple[str, ColumnType], ...]] = (
    ("run_id", "text"), ("model", "text"), ("prompt", "text"), ("sample_id", "text"),
    ("perturbation", "text"), ("severity", "int"), ("replicate", "int"), ("repeat", "int"),
    ("input_mode", "text"), ("age_true", "float"), ("age_low", "float"), ("age_high", "float"),
    ("gender_true", "text"),
    ("subject_id", "text"), ("age", "float"), ("gender", "text"), ("gender_confidence", "float"),
    ("outcome", "text"), ("refusal_kind", "text"), ("error", "text"), ("raw_text", "text"),
    ("latency_ms", "float"), ("image_sha256", "text"), ("request_key", "text"),
    ("image_path", "text"), ("simulated", "bool"), ("parsed_by", "text"),
)
EXPORT_COLUMNS: Final = tuple(name for name, _ in EXPORT_SCHEMA)
TEXT_COLUMNS: Final = frozenset(name for name, kind in EXPORT_SCHEMA if kind == "text")
# OWASP CSV injection: the characters a spreadsheet reads as the start of a formula.
FORMULA_PREFIXES: Final = ("=", "+", "-", "@", "\t", "\r")
_SUFFIXES: Final = {".csv": "csv", ".parquet": "parquet", ".pq": "parquet"}


def neutralise(text: str) -> str:
    """A text cell made inert for spreadsheets: a leading ``'`` before a formula character."""
    return "'" + text if text.startswith(FORMULA_PREFIXES) else text


def export_items(
    store: Store, out: Path, *, run_id: str | None = None, raw_csv: bool = False
) -> int:
    """Write one row per planned item of a run (the latest by default) as CSV or Parquet.

    The format follows ``out``'s suffix: ``.csv``, or ``.parquet``/``.pq``. Returns the rows
    written. Raises ``ConfigError`` for another suffix, a missing run, or Parquet without pyarrow.
    """
    kind = _SUFFIXES.get(out.suffix.lower())
    if kind is None:
        raise ConfigError(f"--out {out}: name a .csv or .parquet file")
    if kind == "parquet":
        return export_parquet(store, out, run_id=run_id)
    return export_csv(store, out, run_id=run_id, raw=raw_csv)


def export_csv(store: Store, out: Path, *, run_id: str | None = None, raw: bool = False) -> int:
    """Write a run's items as CSV, text cells neutralised unless ``raw``; return the row count."""
    rows = _rows(store, run_id)
    out.parent.mkdir(parents=True, exist_ok=True)
    with out.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(EXPORT_COLUMNS)
        for row in rows:
            writer.writerow(
                neutralise(value) if not raw and name in TEXT_COLUMNS and isinstance(value, str)
                else value
                for name, value in zip(EXPORT_COLUMNS, row, strict=True)
            )
    return len(rows)


def export_parquet(store: Store, out: Path, *, run_id: str | None = None) -> int:
    """Write a run's items as Parquet with typed columns (pyarrow); return the row count."""
    try:
        import pyarrow as pa
        import pyarrow.parquet as pq
    except ImportError:
        raise ConfigError(
            "Parquet export needs pyarrow: pip install 'agegender-robustness[parquet]'"
        ) from None
    rows = _rows(store, run_id)
    types = {"text": pa.string(), "int": pa.int64(), "float": pa.float64(), "bool": pa.bool_()}
    schema = pa.schema([(name, types[kind]) for name, kind in EXPORT_SCHEMA])
    columns = [[_typed(row[index], kind) for row in rows]
               for index, (_, kind) in enumerate(EXPORT_SCHEMA)]
    table = pa.Table.from_arrays([pa.array(c, type=t) for c, t in zip(columns, schema.types,
                                                                       strict=True)],
                                 schema=schema)
    out.parent.mkdir(parents=True, exist_ok=True)
    pq.write_table(table, out)
    return len(rows)


def _typed(value: Any, kind: ColumnType) -> Any:
    if value is None:
        return None
    if kind == "bool":
        return bool(value)
    if kind == "int":
        return int(value)
    if kind == "float":
        return float(value)
    return str(value)


def _rows(store: Store, run_id: str | None) -> list[Sequence[Any]]:
    """The run's items in column order, free text (answers, errors) redacted."""
    ids = store.run_ids()
    if not ids:
        raise ConfigError(f"the store {store.path} holds no runs")
    if run_id is None:
        run_id = ids[-1]
    elif run_id not in ids:
        raise ConfigError(f"no run {run_id!r} in {store.path}; runs: {', '.join(ids)}")
    rows: list[Sequence[Any]] = []
    for item in redact_rows(store.item_rows(run_id)):
        item["run_id"] = run_id
        rows.append([item.get(name) for name in EXPORT_COLUMNS])
    return rows

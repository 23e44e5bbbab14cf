"""Reading delimited annotation files (CSV, Adience's tab-separated folds) into numbered rows.

The reader never fails on one bad row: a row of the wrong shape is returned with ``problem`` set so
the format loader can turn it into an error sample naming ``file:line``. Only whole-file problems
(unreadable, empty, no header, duplicate columns) raise :class:`DatasetError`.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Final

from .._exceptions import DatasetError
from .._types import Sample
from ._paths import Confinement, error_sample
from ._values import BadValue, Labels

__all__ = ["Row", "Table", "read_columns", "read_table", "samples_from_table"]

# Enough for any header line; detection reads only this much of each candidate file.
_HEADER_BYTES: Final = 1 << 16


@dataclass(frozen=True, slots=True)
class Row:
    """One data record: ``line`` is where it starts (1-based, header = line 1 when first)."""

    line: int
    cells: Mapping[str, str]
    problem: str | None = None


@dataclass(frozen=True, slots=True)
class Table:
    """A parsed annotation file."""

    path: Path
    columns: tuple[str, ...]
    rows: tuple[Row, ...]

    def column(self, name: str) -> str | None:
        """The header's spelling of ``name`` (matched case-insensitively), or None."""
        return next((column for column in self.columns if column.lower() == name), None)


def _delimiter(header_line: str) -> str:
    # Adience folds are tab-separated; everything else we read is comma-separated.
    return "\t" if "\t" in header_line and "," not in header_line else ","


def _columns(path: Path, cells: list[str]) -> tuple[str, ...]:
    names = [cell.strip() for cell in cells]
    while names and names[-1] == "":  # a trailing delimiter in the header
        names.pop()
    # pandas' to_csv writes an unnamed index column; give it a name rather than reject the file.
    names = [name or f"column_{index}" for index, name in enumerate(names)]
    lowered = [name.lower() for name in names]
    duplicates = sorted({name for name in lowered if lowered.count(name) > 1})
    if duplicates:
        raise DatasetError(f"{path}: duplicate column names {duplicates}")
    return tuple(names)


def read_columns(path: Path) -> tuple[str, ...]:
    """The header of ``path`` alone (for format detection); ``()`` when it has none."""
    try:
        with path.open("rb") as handle:
            first = handle.readline(_HEADER_BYTES).decode("utf-8-sig", errors="replace")
    except OSError as exc:
        raise DatasetError(f"{path}: cannot read ({exc.strerror or exc})") from exc
    cells = next(csv.reader([first], delimiter=_delimiter(first)), [])
    return _columns(path, cells)


def read_table(path: Path) -> Table:
    """Every record of ``path``; blank lines are skipped, odd ones flagged, none dropped."""
    try:
        # Bad bytes are replaced rather than fatal so that one mangled row costs one sample.
        text = path.read_bytes().decode("utf-8-sig", errors="replace")
    except OSError as exc:
        raise DatasetError(f"{path}: cannot read ({exc.strerror or exc})") from exc
    first_line = next((line for line in text.splitlines() if line.strip()), "")
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(first_line))
    columns: tuple[str, ...] = ()
    rows: list[Row] = []
    while True:
        start = reader.line_num + 1
        try:
            values = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            rows.append(Row(start, {}, f"unreadable CSV record ({exc})"))
            continue
        values = [value.strip() for value in values]
        if not any(values):
            continue
        if not columns:
            columns = _columns(path, values)
            continue
        while len(values) > len(columns) and values[-1] == "":  # trailing delimiters
            values.pop()
        problem = None
        if len(values) != len(columns):
            problem = f"expected {len(columns)} columns, found {len(values)}"
        elif any("\ufffd" in value for value in values):
            problem = "the row is not valid UTF-8"
        # A misshapen row keeps what cells it has, so its error sample can still be named.
        rows.append(Row(start, dict(zip(columns, values, strict=False)), problem))
    if not columns:
        raise DatasetError(f"{path}: empty file (no header line)")
    return Table(path=path, columns=columns, rows=tuple(rows))


def samples_from_table(
    table: Table, *, root: Path, image_of: Callable[[Mapping[str, str]], str | None],
    labels_of: Callable[[Mapping[str, str]], Labels],
) -> list[Sample]:
    """Turn each row into a sample; any row-level problem becomes an error sample, never a raise.

    ``image_of`` returns the image path as written (None when the row lacks it); ``labels_of``
    parses the rest of the row and raises :class:`BadValue` quoting what is wrong.
    """
    samples = []
    confinement = Confinement(root)
    for row in table.rows:
        raw = image_of(row.cells)
        try:
            if row.problem is not None:
                raise BadValue(row.problem)
            if raw is None:
                raise BadValue("no image path")
            sample_id, image_path = confinement.resolve(raw)
            labels = labels_of(row.cells)
        except BadValue as exc:
            samples.append(error_sample(annotation=table.path, line=row.line, message=str(exc),
                                        raw_path=raw, root=root))
            continue
        samples.append(Sample(
            id=sample_id, image_path=image_path, age=labels.age.age, age_low=labels.age.low,
            age_high=labels.age.high, gender=labels.gender, face_box=labels.face_box,
            person_box=labels.person_box, subject_id=labels.subject_id, extras=labels.extras,
            source=f"{table.path}:{row.line}",
        ))
    return samples

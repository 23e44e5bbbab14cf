"""A run's JSON summary from its rows in the store, computed once for each state of the store.

``run`` and ``report`` both summarise a run here: the metrics' figures (``run_summary_of``),
then slices, cost and the comparison table (``with_slices_and_cost``). Once every answer comes
from the store, that and reading a million rows for it are most of an identical rerun's time,
and the summary is a pure function of the rows, the options it is given and the code that
computes it. So it is kept in the store under a key made of all three: the store's generation
(which any write to items or predictions moves on, ``Store.generation``), the options, and the
versions of Python, NumPy (its generators draw the bootstrap) and this package's source. An
unchanged store reuses it without reading a row; anything else computes it afresh. The ``run``
section, the counters of one invocation, is never kept: each caller gives its own.
"""

from __future__ import annotations

import hashlib
import json
import sys
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict
from functools import cache, cached_property
from pathlib import Path
from typing import Any

import numpy as np

from ._cost import Prices
from ._metrics import N_BOOT, Pairing, run_summary_of
from ._reparse import parsed_by_counts, parser_versions
from ._store import Store
from ._tradeoff import with_slices_and_cost
from ._types import ItemResult

__all__ = ["RunRows", "kept_key", "summary_from_rows"]

SUMMARY = "summary"  # its name among what the store keeps for a run


class RunRows:
    """A run's rows as its summary reads them (``Store.summary_rows``), read at first use, and
    their pairing with the clean answers, made at first use: a kept summary needs neither."""

    def __init__(self, store: Store, run_id: str) -> None:
        self._store, self._run_id = store, run_id

    @cached_property
    def _read(self) -> tuple[list[ItemResult], list[dict[str, object]]]:
        return self._store.summary_rows(self._run_id)

    @property
    def results(self) -> list[ItemResult]:
        return self._read[0]

    @property
    def rows(self) -> list[dict[str, object]]:
        return self._read[1]

    @cached_property
    def pairing(self) -> Pairing:
        return Pairing(self.results)

    @property
    def is_read(self) -> bool:
        """Whether the rows were read (and are held)."""
        return "_read" in self.__dict__


def kept_key(store: Store, run_id: str, **options: Any) -> str:
    """The key of what is computed from ``run_id``'s rows with ``options`` (JSON values): equal
    keys, equal results, while the store's generation and this code are unchanged."""
    parts = [run_id, store.generation(), options, _code_version()]
    return hashlib.blake2b(json.dumps(parts, sort_keys=True).encode(),
                           digest_size=16).hexdigest()


def summary_from_rows(
    store: Store, run_id: str, source: RunRows, *, run: Mapping[str, Any],
    simulated: Iterable[str] = (), seed: int, slice_by: Sequence[str] = (),
    prices: Mapping[str, Prices] | None = None, prompt_texts: Mapping[str, str] | None = None,
) -> dict[str, Any]:
    """The summary of ``run_id`` (rows from ``source``) with ``run`` as its run section, plus the
    parser versions and readers behind its answers; ``simulated`` adds to the models whose rows
    say they are. The one kept in the store when nothing it depends on has changed."""
    extra_simulated = sorted(simulated)
    key = kept_key(
        store, run_id, seed=seed, n_boot=N_BOOT, simulated=extra_simulated,
        slice_by=list(slice_by), prompt_texts=dict(prompt_texts or {}),
        prices={model: asdict(p) for model, p in (prices or {}).items()})
    kept = store.kept(run_id, SUMMARY, key)
    if kept is None:
        rows, results = source.rows, source.results
        named = {str(row["model"]) for row in rows if row["simulated"]} | set(extra_simulated)
        extras = store.sample_extras(run_id) if slice_by else {}
        summary = with_slices_and_cost(
            run_summary_of(results, run={}, simulated=named, seed=seed, pairing=source.pairing),
            rows, results, extras, slice_by=slice_by, prices=prices, prompt_texts=prompt_texts,
            seed=seed, pairing=source.pairing)
        summary["run"] = {"parser_versions": parser_versions(rows),
                          "parsed_by": parsed_by_counts(rows)}
        kept = json.dumps(summary)
        store.keep(run_id, SUMMARY, key, kept)
    # Read back from JSON either way, so a fresh summary and a kept one have the same shape.
    read: dict[str, Any] = json.loads(kept)
    read["run"] = {**run, **read["run"]}  # "run" stays the first key
    return read


@cache
def _code_version() -> list[str]:
    """The interpreter, NumPy and this package's source, as they compute the kept results."""
    source = hashlib.blake2b(digest_size=16)
    package = Path(__file__).parent
    for path in sorted(package.rglob("*.py")):
        source.update(str(path.relative_to(package)).encode() + b"\0" + path.read_bytes())
    return [sys.version, np.__version__, source.hexdigest()]

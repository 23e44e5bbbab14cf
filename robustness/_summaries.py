"""A run's JSON summary from its rows in the store, computed once for each state of them.

``run`` and ``report`` both summarise a run here: the metrics' figures (``run_summary_of``),
then slices, cost and the comparison table (``with_slices_and_cost``). Once every answer comes
from the store, that is most of an identical rerun's time, and it is a pure function of the rows
it reads, the options it is given and the code that computes it. So the summary is kept in the
store under a key that digests all three: an unchanged run reuses it, and anything else (one
prediction re-parsed, another seed or slice column, an edited metric, another NumPy) computes it
afresh. The ``run`` section, the counters of one invocation, is never kept: each caller gives
its own.
"""

from __future__ import annotations

import hashlib
import json
import sys
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np

from ._cost import Prices
from ._metrics import N_BOOT, Pairing, run_summary_of
from ._store import Store, SummaryRows
from ._tradeoff import with_slices_and_cost

__all__ = ["summary_from_rows"]


def summary_from_rows(
    store: Store, run_id: str, read: SummaryRows, *, run: Mapping[str, Any],
    simulated: Iterable[str], seed: int, slice_by: Sequence[str] = (),
    prices: Mapping[str, Prices] | None = None, prompt_texts: Mapping[str, str] | None = None,
    pairing: Pairing | None = None,
) -> dict[str, Any]:
    """The summary of ``read`` (``Store.summary_rows`` of ``run_id``) with ``run`` as its run
    section: the one kept in the store when nothing it depends on has changed. ``pairing``: of
    ``read.results``, when the caller needs it too (made here only if the summary is)."""
    simulated = sorted(simulated)
    extras = store.sample_extras(run_id) if slice_by else {}
    options = {"seed": seed, "n_boot": N_BOOT, "simulated": simulated, "slice_by": list(slice_by),
               "prices": {model: asdict(p) for model, p in sorted((prices or {}).items())},
               "prompt_texts": dict(sorted((prompt_texts or {}).items())), "extras": extras}
    key = hashlib.blake2b(
        json.dumps([read.digest, options, _code_version()], sort_keys=True).encode(),
        digest_size=16).hexdigest()
    kept = store.kept_summary(run_id, key)
    if kept is None:
        pairing = pairing if pairing is not None else Pairing(read.results)
        kept = json.dumps(with_slices_and_cost(
            run_summary_of(read.results, run={}, simulated=simulated, seed=seed,
                           pairing=pairing), read.rows, read.results, extras,
            slice_by=slice_by, prices=prices, prompt_texts=prompt_texts, seed=seed,
            pairing=pairing))
        store.keep_summary(run_id, key, kept)
    # Read back from JSON either way, so a fresh summary and a kept one have the same shape.
    return {**json.loads(kept), "run": dict(run)}  # "run" stays the first key


@cache
def _code_version() -> list[str]:
    """The interpreter, NumPy (its generators draw the bootstrap) and this package's source."""
    source = hashlib.blake2b(digest_size=16)
    package = Path(__file__).parent
    for path in sorted(package.rglob("*.py")):
        source.update(str(path.relative_to(package)).encode() + b"\0" + path.read_bytes())
    return [sys.version, np.__version__, source.hexdigest()]

"""Who is affected: a model's figures per subgroup (slice) and the gap between best and worst.

``--slice-by COLUMN`` groups a run's items by one column: ``age_band`` (built in, from the age
label: the label's point age, a range label's midpoint, in whole years), ``gender`` (the gender
label), or any metadata column the dataset carries (``ethnicity`` in the London set, ``race`` in
FairFace and UTKFace). Items without a value form the slice ``unknown``, so the slices' ``n``
always add up to the model's items.

Per slice, the figures are the metric table's own (``robustness._metrics``), computed the same
way and with the same intervals: the accuracy figures and the refusal rate over the slice's clean
items, the stability figures over its perturbed items paired with their clean answers, pooled
across conditions. The **gap** of a figure is between its best and worst slice (slices with at
least ``MIN_SLICE_N`` items in that figure; ``unknown`` never counts), signed so that it is the
worst minus the best in the figure's bad direction. Its 95 % interval is a stratified cluster
bootstrap: each of the two slices' subjects (else samples) are resampled within the slice; where
either slice's resamples cannot spread for a rate (a slice with no flips, or all right), Newcombe's
hybrid score interval of the difference at the slices' cluster counts: a slice that never flips in
this sample is not evidence that it never does. The interval is of the difference between those two
slices; choosing them as the extremes is not itself resampled.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from ._exceptions import ConfigError
from ._metrics import (
    LEVEL,
    Estimate,
    Metric,
    Observations,
    Pairing,
    figure_interval,
    is_clean,
    metric,
    statistic_rng,
)
from ._store import Store
from ._types import ItemResult

__all__ = [
    "AGE_BANDS",
    "BUILT_IN",
    "MIN_SLICE_N",
    "SLICE_METRICS",
    "SliceGap",
    "SliceGroup",
    "SliceTable",
    "age_band",
    "check_slice_columns",
    "group_figures",
    "slice_tables",
    "stored_slices",
]

# (label, lowest age, highest age) in whole years.
AGE_BANDS: tuple[tuple[str, int, int | None], ...] = (
    ("0-12", 0, 12), ("13-19", 13, 19), ("20-29", 20, 29), ("30-39", 30, 39),
    ("40-49", 40, 49), ("50-59", 50, 59), ("60+", 60, None),
)
BUILT_IN = ("age_band", "gender")
UNKNOWN = "unknown"
# A slice enters a figure's gap only with this many items behind that figure: smaller slices are
# listed with their figures, but a gap between two handfuls of images is noise.
MIN_SLICE_N = 10
SLICE_METRICS = ("mae", "gender_acc", "refusal_rate", "age_shift_mean", "gender_flip_rate")


def age_band(age: float | None) -> str:
    """The band of an age label in whole years; ``unknown`` without a usable label."""
    if age is None or not math.isfinite(age) or age < 0:
        return UNKNOWN
    years = math.floor(age)
    for label, low, high in AGE_BANDS:
        if years >= low and (high is None or years <= high):
            return label
    return UNKNOWN


def check_slice_columns(columns: Sequence[str], extras: Iterable[Mapping[str, str]]) -> None:
    """Raise ``ConfigError`` for a column that is neither built in nor in any sample's metadata."""
    known = {key for sample in extras for key in sample}
    for column in columns:
        if column not in BUILT_IN and column not in known:
            listed = ", ".join([*BUILT_IN, *sorted(known)])
            raise ConfigError(f"--slice-by: no column {column!r} in this dataset; known: {listed}")


@dataclass(frozen=True, slots=True)
class SliceGroup:
    """One slice's items (``n``, ``samples``) and its figures (keyed by metric name)."""

    value: str
    n: int
    samples: int
    figures: Mapping[str, Estimate]


@dataclass(frozen=True, slots=True)
class SliceGap:
    """The gap of one figure between its best and worst slice (``gap.n``: items in both)."""

    metric: str
    best: str
    worst: str
    gap: Estimate


@dataclass(frozen=True, slots=True)
class SliceTable:
    """One model and prompt sliced by one column."""

    column: str
    prompt: str
    n: int
    groups: tuple[SliceGroup, ...]
    gaps: Mapping[str, SliceGap]

    def to_json(self) -> dict[str, Any]:
        return {
            "column": self.column, "prompt": self.prompt, "n": self.n,
            "min_slice_n": MIN_SLICE_N,
            "groups": [{"value": g.value, "n": g.n, "samples": g.samples,
                        **_figures_json(g.figures)} for g in self.groups],
            "gaps": {name: {"best": gap.best, "worst": gap.worst, "gap": gap.gap.value,
                            "gap_ci": list(gap.gap.ci) if gap.gap.ci else None,
                            "n": gap.gap.n, "ci_method": gap.gap.ci_method}
                     for name, gap in self.gaps.items()},
        }


def _figures_json(figures: Mapping[str, Estimate]) -> dict[str, Any]:
    data: dict[str, Any] = {}
    for name, estimate in figures.items():
        data[name] = estimate.value
        data[f"{name}_ci"] = list(estimate.ci) if estimate.ci else None
        data[metric(name).n_key] = estimate.n
    data["ci_method"] = {name: e.ci_method for name, e in figures.items() if e.ci_method}
    return data


def slice_tables(
    rows: Sequence[ItemResult], extras: Mapping[str, Mapping[str, str]],
    columns: Sequence[str], *, seed: int = 0, n_boot: int = 1000, pairing: Pairing | None = None,
) -> dict[str, dict[str, dict[str, SliceTable]]]:
    """model → prompt → column → ``SliceTable``; ``extras`` is each sample's metadata by id;
    ``pairing``: of ``rows``, when the caller has it."""
    pairing = pairing if pairing is not None else Pairing(rows)
    by_arm: dict[tuple[str, str], list[ItemResult]] = {}
    for row in rows:
        by_arm.setdefault((row.model, row.prompt), []).append(row)
    tables: dict[str, dict[str, dict[str, SliceTable]]] = {}
    for (model, prompt), arm in by_arm.items():
        for column in columns:
            table = _table(model, prompt, column, arm, extras, pairing, seed, n_boot)
            tables.setdefault(model, {}).setdefault(prompt, {})[column] = table
    return tables


def stored_slices(store: Store, run_id: str, columns: Sequence[str], *, seed: int = 0
                  ) -> dict[str, dict[str, Any]]:
    """A stored run's slices as JSON, by arm (``model`` or ``model/prompt``) then column."""
    extras = store.sample_extras(run_id)
    check_slice_columns(columns, extras.values())
    tables = slice_tables(store.item_results(run_id), extras, columns, seed=seed)
    return {(f"{model}/{prompt}" if prompt else model): {c: t.to_json() for c, t in by.items()}
            for model, by_prompt in tables.items() for prompt, by in by_prompt.items()}


def _value(row: ItemResult, column: str, extras: Mapping[str, Mapping[str, str]]) -> str:
    if column == "age_band":
        return age_band(row.age_true)
    if column == "gender":
        return row.gender_true or UNKNOWN
    value = extras.get(row.sample_id, {}).get(column, "")
    return value.strip() or UNKNOWN


def _table(model: str, prompt: str, column: str, arm: Sequence[ItemResult],
           extras: Mapping[str, Mapping[str, str]], pairing: Pairing,
           seed: int, n_boot: int) -> SliceTable:
    by_value: dict[str, list[ItemResult]] = {}
    for row in arm:
        by_value.setdefault(_value(row, column, extras), []).append(row)
    order = sorted(by_value, key=lambda v: (v == UNKNOWN, _band_order(v), v))
    observed: dict[str, dict[str, Observations]] = {}
    groups = []
    for value in order:
        items = by_value[value]
        observed[value], figures = group_figures(
            items, pairing, seed=seed, n_boot=n_boot,
            key=(model, prompt, "slice", column, value))
        groups.append(SliceGroup(value, len(items), len({r.sample_id for r in items}), figures))
    gaps = {}
    for name in SLICE_METRICS:
        rng = statistic_rng(seed, model, prompt, "slice-gap", column, name)
        gap = _gap(metric(name), {v: obs[name] for v, obs in observed.items() if v != UNKNOWN},
                   n_boot=n_boot, rng=rng)
        if gap is not None:
            gaps[name] = gap
    return SliceTable(column, prompt, len(arm), tuple(groups), gaps)


def group_figures(
    items: Sequence[ItemResult], pairing: Pairing, *, seed: int,
    n_boot: int, key: tuple[object, ...],
) -> tuple[dict[str, Observations], dict[str, Estimate]]:
    """``SLICE_METRICS`` over a group of one model and prompt's items (any conditions): clean
    figures over its clean items, stability over its perturbed items (from ``pairing``, of rows
    including these), pooled. ``key`` names the group for its intervals' generators."""
    clean = [row for row in items if is_clean(row)]
    pairs = pairing.moves(items)
    observed, figures = {}, {}
    for name in SLICE_METRICS:
        figure = metric(name)
        obs = figure.observe([] if figure.perturbed_only else clean, pairs)
        # SLICE_METRICS has no p90: every figure is a rate or a mean.
        ci, method = figure_interval(obs.values, obs.clusters,
                                     "rate" if figure.statistic == "rate" else "mean",
                                     n_boot=n_boot,
                                     rng=statistic_rng(seed, *key, name))
        observed[name] = obs
        figures[name] = Estimate(figure.value(obs), len(obs.values), ci, method)
    return observed, figures


def _band_order(value: str) -> int:
    labels = [label for label, _, _ in AGE_BANDS]
    return labels.index(value) if value in labels else len(labels)


def _gap(figure: Metric, observed: Mapping[str, Observations], *, n_boot: int,
         rng: np.random.Generator) -> SliceGap | None:
    means = {v: float(o.values.mean()) for v, o in observed.items()
             if len(o.values) >= MIN_SLICE_N}
    if len(means) < 2:
        return None
    ranked = sorted(means, key=lambda v: (means[v], v), reverse=figure.higher_is_better)
    best, worst = ranked[0], ranked[-1]
    sign = -1.0 if figure.higher_is_better else 1.0
    value = sign * (means[worst] - means[best]) + 0.0  # + 0.0: no "-0.0"
    ci, method = _gap_interval(observed[worst], observed[best], sign, figure, n_boot, rng)
    n = len(observed[worst].values) + len(observed[best].values)
    return SliceGap(figure.name, best, worst, Estimate(value, n, ci, method))


def _cluster_means(obs: Observations, n_boot: int, rng: np.random.Generator) -> np.ndarray | None:
    """Bootstrap replicates of the mean, resampling this slice's own clusters."""
    _, codes = np.unique(np.asarray(obs.clusters, dtype=str), return_inverse=True)
    sums, counts = np.bincount(codes, weights=obs.values), np.bincount(codes).astype(float)
    if len(sums) < 2:
        return None
    draw = rng.integers(0, len(sums), size=(n_boot, len(sums)))
    return np.asarray(sums[draw].sum(axis=1) / counts[draw].sum(axis=1), dtype=float)


def _gap_interval(worst: Observations, best: Observations, sign: float, figure: Metric,
                  n_boot: int, rng: np.random.Generator
                  ) -> tuple[tuple[float, float] | None, str | None]:
    worst_means, best_means = _cluster_means(worst, n_boot, rng), _cluster_means(best, n_boot, rng)
    spread = worst_means is not None and best_means is not None and (
        figure.statistic != "rate" or (np.ptp(worst_means) > 0 and np.ptp(best_means) > 0))
    if spread:
        assert worst_means is not None and best_means is not None
        tail = 50.0 * (1.0 - LEVEL)
        low, high = np.percentile(sign * (worst_means - best_means), [tail, 100.0 - tail])
        if high > low or figure.statistic != "rate":
            method = "stratified-cluster-bootstrap" + ("" if high > low else "-degenerate")
            return (float(low) + 0.0, float(high) + 0.0), method  # + 0.0: no "-0.0"
    if figure.statistic != "rate":
        return None, None
    # Newcombe's interval of p_worst - p_best, at each slice's cluster count (its independent
    # evidence), for a rate whose bootstrap cannot spread.
    from statsmodels.stats.proportion import confint_proportions_2indep  # slow import: lazy

    n_worst, n_best = len(set(worst.clusters)), len(set(best.clusters))
    low, high = confint_proportions_2indep(
        float(worst.values.mean()) * n_worst, n_worst, float(best.values.mean()) * n_best, n_best,
        method="newcomb", compare="diff", alpha=1.0 - LEVEL)
    bounds = sorted((sign * float(low) + 0.0, sign * float(high) + 0.0))
    return (bounds[0], bounds[1]), "newcombe-clusters"

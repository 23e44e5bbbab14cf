"""What a model costs: latency, tokens, requests per second and money per 1,000 predictions.

Per model and prompt, over the items that reached the model (errors never did):

- ``latency_p50_ms``, ``latency_p95_ms``: percentiles of each answer's latency as the adapter
  measured it (an API call's wall time; a local model's batch time divided by its batch size).
  Answers served from the store keep the latency of the call that made them.
- ``requests_per_s``: 1000 / mean latency, the rate one request slot sustains; an API model with
  ``--concurrency N`` requests in flight serves up to N times this.
- ``tokens_in``, ``tokens_out``: mean tokens per prediction from the API's ``usage``. Where a
  reply carries none they are estimated (``robustness._tokens``): the answer's text at four
  characters a token; the prompt as the median of the same model and prompt's reported prompt
  tokens, else its text plus the full image at ``high`` detail (an upper bound for a crop).
  ``tokens_estimated`` counts the predictions with an estimate. Models that are not token-based
  (the embedded model, MiVOLO) have ``null`` tokens.
- ``cost_per_1k``: 1000 × (tokens_in × input price + tokens_out × output price) / 1e6, from the
  prices the user set (``[tool.robustness.prices."MODEL"]`` ``input`` and ``output`` in money
  per 1M tokens, or ``--price MODEL=IN/OUT``). There are no built-in prices: unset is ``null``,
  shown as "unknown".
"""

from __future__ import annotations

import statistics
import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from ._exceptions import ConfigError
from ._tokens import image_tokens, text_tokens

__all__ = ["CostFigures", "Prices", "cost_figures", "load_prices", "parse_price"]

COST_KEYS = ("latency_p50_ms", "latency_p95_ms", "requests_per_s", "tokens_in", "tokens_out",
             "cost_per_1k")


@dataclass(frozen=True, slots=True)
class Prices:
    """Money per 1M tokens, in whatever currency the user priced in."""

    input: float
    output: float


@dataclass(frozen=True, slots=True)
class CostFigures:
    """One model and prompt's latency, tokens and cost (module docstring for definitions)."""

    model: str
    prompt: str
    requests: int
    latency_p50_ms: float | None
    latency_p95_ms: float | None
    requests_per_s: float | None
    tokens_in: float | None
    tokens_out: float | None
    tokens_n: int
    tokens_estimated: int
    prices: Prices | None

    @property
    def cost_per_1k(self) -> float | None:
        if self.prices is None or self.tokens_in is None or self.tokens_out is None:
            return None
        per_prediction = self.tokens_in * self.prices.input + self.tokens_out * self.prices.output
        return 1000.0 * per_prediction / 1e6

    def to_json(self) -> dict[str, Any]:
        return {
            "prompt": self.prompt, "requests": self.requests,
            "latency_p50_ms": self.latency_p50_ms, "latency_p95_ms": self.latency_p95_ms,
            "requests_per_s": self.requests_per_s, "tokens_in": self.tokens_in,
            "tokens_out": self.tokens_out, "tokens_n": self.tokens_n,
            "tokens_estimated": self.tokens_estimated, "cost_per_1k": self.cost_per_1k,
            "prices": ({"input": self.prices.input, "output": self.prices.output}
                       if self.prices is not None else None),
        }


def load_prices(pyproject: Path | None) -> dict[str, Prices]:
    """``[tool.robustness.prices."MODEL"]`` (``input``, ``output``); a bad one names itself."""
    if pyproject is None or not pyproject.is_file():
        return {}
    try:
        data = tomllib.loads(pyproject.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{pyproject}: {exc}") from None
    tables = data.get("tool", {}).get("robustness", {}).get("prices", {})
    prices = {}
    for model, table in tables.items():
        where = f"{pyproject} [tool.robustness.prices.{model!r}]"
        if not isinstance(table, dict) or set(table) != {"input", "output"}:
            raise ConfigError(f"{where}: needs exactly 'input' and 'output' (per 1M tokens), "
                              f"got {table!r}")
        prices[model] = Prices(_price(table["input"], where), _price(table["output"], where))
    return prices


def parse_price(value: str) -> tuple[str, Prices]:
    """``MODEL=IN/OUT`` (money per 1M input / output tokens), as ``--price`` takes it."""
    model, sep, pair = value.rpartition("=")
    parts = pair.split("/")
    if not sep or not model or len(parts) != 2:
        raise ConfigError(f"--price: expected MODEL=INPUT/OUTPUT per 1M tokens, got {value!r}")
    try:
        return model, Prices(_price(float(parts[0]), "--price"), _price(float(parts[1]),
                                                                          "--price"))
    except ValueError:
        raise ConfigError(f"--price: prices must be numbers, got {value!r}") from None


def _price(value: object, where: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or value < 0:
        raise ConfigError(f"{where}: a price must be a number ≥ 0, got {value!r}")
    return float(value)


def cost_figures(rows: Sequence[Mapping[str, Any]], prices: Mapping[str, Prices],
                 prompt_texts: Mapping[str, str]) -> dict[str, dict[str, CostFigures]]:
    """model → prompt → ``CostFigures`` from the store's item rows (``Store.item_rows``)."""
    arms: dict[tuple[str, str], list[Mapping[str, Any]]] = {}
    for row in rows:
        if row["outcome"] != "error":
            arms.setdefault((str(row["model"]), str(row["prompt"])), []).append(row)
    figures: dict[str, dict[str, CostFigures]] = {}
    for (model, prompt), arm in arms.items():
        figures.setdefault(model, {})[prompt] = _arm(model, prompt, arm, prices.get(model),
                                                     prompt_texts.get(prompt, ""))
    return figures


def _arm(model: str, prompt: str, arm: Sequence[Mapping[str, Any]], prices: Prices | None,
         prompt_text: str) -> CostFigures:
    latencies = np.asarray([r["latency_ms"] for r in arm if r["latency_ms"] is not None], float)
    p50, p95 = (np.percentile(latencies, [50, 95]) if latencies.size else (None, None))
    tokens_in, tokens_out, estimated = _tokens(arm, prompt_text)
    return CostFigures(
        model=model, prompt=prompt, requests=len(arm),
        latency_p50_ms=None if p50 is None else float(p50),
        latency_p95_ms=None if p95 is None else float(p95),
        requests_per_s=(1000.0 / float(latencies.mean())
                        if latencies.size and latencies.mean() > 0 else None),
        tokens_in=statistics.fmean(tokens_in) if tokens_in else None,
        tokens_out=statistics.fmean(tokens_out) if tokens_out else None,
        tokens_n=len(tokens_in), tokens_estimated=estimated, prices=prices,
    )


def _tokens(arm: Sequence[Mapping[str, Any]], prompt_text: str
            ) -> tuple[list[float], list[float], int]:
    """Per-prediction tokens in and out, estimated where missing; empty for non-token models."""
    token_based = [r for r in arm if r["raw_text"] is not None or r["tokens_in"] is not None]
    if not token_based:
        return [], [], 0
    reported = [float(r["tokens_in"]) for r in token_based if r["tokens_in"] is not None]
    fallback_in = statistics.median(reported) if reported else None
    tokens_in, tokens_out, estimated = [], [], 0
    for row in token_based:
        missing = row["tokens_in"] is None or row["tokens_out"] is None
        estimated += missing
        if row["tokens_in"] is not None:
            tokens_in.append(float(row["tokens_in"]))
        else:
            tokens_in.append(fallback_in if fallback_in is not None
                             else text_tokens(prompt_text) + _image_tokens(row["image_path"]))
        tokens_out.append(float(row["tokens_out"]) if row["tokens_out"] is not None
                          else float(text_tokens(row["raw_text"] or "")))
    return tokens_in, tokens_out, estimated


def _image_tokens(path: object) -> int:
    from PIL import Image

    try:
        with Image.open(str(path)) as image:
            return image_tokens(image.width, image.height, "high")
    except OSError:
        return 0

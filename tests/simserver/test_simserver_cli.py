"""``robustness serve-sim``: help, the URL on the first line, a real request, a clean stop."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable
from typing import Any

from click.testing import CliRunner
from openai import OpenAI

from robustness._cli._serve_sim import serve_sim
from robustness._simserver import SimServer

# The command is registered on the ``robustness`` group elsewhere; run it standalone here.
_RUN = "from robustness._cli._serve_sim import serve_sim; serve_sim()"


def test_help_lists_every_knob() -> None:
    result = CliRunner().invoke(serve_sim, ["--help"])
    assert result.exit_code == 0, result.output
    for flag in ("--port", "--host", "--latency-ms", "--refusal-rate", "--fault-429",
                 "--fault-500", "--fault-timeout", "--fault-malformed", "--fault-content-filter",
                 "--seed", "--refusal-by-prompt"):
        assert flag in result.output


def test_bad_values_are_one_line_errors() -> None:
    result = CliRunner().invoke(serve_sim, ["--fault-429", "0.7", "--fault-500", "0.7"])
    assert result.exit_code == 2
    assert result.output.startswith("error: the fault fractions add up to 1.4")
    result = CliRunner().invoke(serve_sim, ["--refusal-by-prompt", "annotation"])
    assert result.exit_code == 2 and "expected TEXT=RATE" in result.output


def test_a_taken_port_is_a_one_line_error() -> None:
    with SimServer() as taken:
        port = taken.port
        result = CliRunner().invoke(serve_sim, ["--port", str(port)])
    assert result.exit_code == 2
    assert result.output.startswith(f"error: cannot listen on 127.0.0.1:{port}")


def test_serves_until_terminated(chat_body: Callable[..., Any], astronaut_url: str) -> None:
    process = subprocess.Popen(
        [sys.executable, "-c", _RUN, "--port", "0", "--refusal-rate", "0", "--latency-ms", "10"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    try:
        assert process.stdout is not None
        base_url = process.stdout.readline().strip()
        assert base_url.startswith("http://127.0.0.1:") and base_url.endswith("/v1")
        assert "SIMULATED" in process.stdout.readline()
        client = OpenAI(base_url=base_url, api_key="sim", max_retries=0, timeout=60)
        completion = client.chat.completions.create(**chat_body("Age and gender?", astronaut_url))
        assert completion.system_fingerprint == "simulated"
        assert completion.choices[0].message.content
    finally:
        process.terminate()
        _, stderr = process.communicate(timeout=30)
    assert process.returncode == 0, stderr
    assert "served 1 requests: 1 answers" in stderr

"""The simulated server never aborts the process: not on a bad setting, not on a quick exit.

``robustness run --model sim-mllm --timeout 0`` used to exit 134 ("terminate called without an
active exception") about half the time: the server was started, the bad timeout was found while
building the client, and the process exited while the server's warm-up thread was still inside
ONNX Runtime building its sessions. Settings are now checked before the server starts, and the
warm-up thread is joined by ``stop`` and is no daemon, so an exit waits for it.
"""

from __future__ import annotations

import subprocess
import sys
import threading

from robustness._simserver import SimServer

# Start, then leave at once: the moment the old daemon warm-up thread made the process abort.
_START_AND_EXIT = (
    "import sys; from robustness._simserver import SimServer; "
    "SimServer().start(); sys.exit(3)"
)


def test_exiting_right_after_start_never_aborts() -> None:
    for _ in range(4):  # the old code aborted in 2 of 5 such exits
        result = subprocess.run([sys.executable, "-c", _START_AND_EXIT], capture_output=True,
                                text=True, timeout=120)
        assert result.returncode == 3, result.stderr
        assert "terminate called" not in result.stderr


def test_stop_waits_for_the_warm_up() -> None:
    server = SimServer().start()
    server.stop()
    assert not [t for t in threading.enumerate() if t.name == "simserver-warm-up"]


def test_sim_mllm_with_a_bad_timeout_is_a_one_line_error_every_time() -> None:
    for _ in range(3):
        result = subprocess.run(
            [sys.executable, "-m", "robustness", "run", "--model", "sim-mllm", "--timeout", "0",
             "--data", "no-such-dataset"], capture_output=True, text=True, timeout=120)
        assert result.returncode == 2, result.stderr
        assert result.stderr == "error: --timeout must be more than 0 seconds, got 0.0\n"

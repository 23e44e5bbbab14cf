"""The fault matrix's fixture: a scripted ``FaultServer``, stopped after each test."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from faultserver import FaultServer, Script, always_ok
from reliability_runs import Serve


@pytest.fixture
def serve() -> Iterator[Serve]:
    """Start a ``FaultServer`` with a script; stopped after the test."""
    started: list[FaultServer] = []

    def start(script: Script = always_ok, **options: Any) -> FaultServer:
        server = FaultServer(script, **options).start()
        started.append(server)
        return server

    yield start
    for server in started:
        server.stop()


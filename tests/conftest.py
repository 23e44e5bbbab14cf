"""Shared fixtures: the London face set (skipped when absent, unless CI requires it)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

pytest_plugins = ["pytester"]

LONDON = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "faces" / "london"


@pytest.fixture(scope="session")
def london() -> Path:
    """The London set's folder; CI sets ROBUSTNESS_REQUIRE_DATA=1 so a missing set fails."""
    if not (LONDON / "labels.csv").is_file():
        reason = f"the London face set is not at {LONDON}"
        if os.environ.get("ROBUSTNESS_REQUIRE_DATA") == "1":
            pytest.fail(reason + " and ROBUSTNESS_REQUIRE_DATA=1")
        pytest.skip(reason)
    return LONDON

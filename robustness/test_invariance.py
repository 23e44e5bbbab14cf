"""Invariances (hflip, grayscale): ideally the answer does not move at all."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from robustness._checks import Case


@pytest.mark.robustness(check="invariance")
def test_invariance(case: Case, robustness_check: Callable[[Case], list[str]]) -> None:
    robustness_check(case)

"""Stability per perturbation and severity: mean |Δage| and gender flip rate against clean."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from robustness._checks import Case


@pytest.mark.robustness(check="stability")
def test_stability(case: Case, robustness_check: Callable[[Case], list[str]]) -> None:
    robustness_check(case)

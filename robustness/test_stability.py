"""Stability per perturbation and severity: mean |Δage| and gender flip rate against clean."""

import pytest


@pytest.mark.robustness(check="stability")
def test_stability(case, robustness_check):  # type: ignore[no-untyped-def]
    robustness_check(case)

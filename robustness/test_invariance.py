"""Invariances (hflip, grayscale): ideally the answer does not move at all."""

import pytest


@pytest.mark.robustness(check="invariance")
def test_invariance(case, robustness_check):  # type: ignore[no-untyped-def]
    robustness_check(case)

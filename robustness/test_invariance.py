"""Invariances (hflip, grayscale): ideally the answer does not move at all."""

import pytest

CHECK_KIND = "invariance"


@pytest.mark.robustness
def test_invariance(case, robustness_check):  # type: ignore[no-untyped-def]
    robustness_check(case)

"""Test–retest noise: how far an answer moves when the same question is asked again."""

import pytest


@pytest.mark.robustness(check="retest")
def test_retest_noise(case, robustness_check):  # type: ignore[no-untyped-def]
    robustness_check(case)

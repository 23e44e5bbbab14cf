"""Test–retest noise: how far an answer moves when the same question is asked again."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from robustness._checks import Case


@pytest.mark.robustness(check="retest")
def test_retest_noise(case: Case, robustness_check: Callable[[Case], list[str]]) -> None:
    robustness_check(case)

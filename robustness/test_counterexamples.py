"""Counterexample search: the smallest change that flips an answer.

Opt in with --counterexample-budget N.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest

from robustness._checks import Case


@pytest.mark.robustness(check="counterexamples")
def test_no_small_counterexample(
    case: Case, robustness_search: Callable[[Case], list[str]]
) -> None:
    robustness_search(case)

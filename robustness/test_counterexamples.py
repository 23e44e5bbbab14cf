"""Counterexample search: the smallest change that flips an answer.

Opt in with --counterexample-budget N.
"""

import pytest


@pytest.mark.robustness(check="counterexamples")
def test_no_small_counterexample(case, robustness_search):  # type: ignore[no-untyped-def]
    robustness_search(case)

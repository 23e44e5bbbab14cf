"""Clean accuracy: MAE, CS@5 and gender accuracy per model and prompt (pytest plugin check)."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from robustness._checks import Case


@pytest.mark.robustness(check="accuracy")
def test_clean_accuracy(case: Case, robustness_check: Callable[[Case], list[str]]) -> None:
    robustness_check(case)

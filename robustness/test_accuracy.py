"""Clean accuracy: MAE, CS@5 and gender accuracy per model and prompt (pytest plugin check)."""

import pytest


@pytest.mark.robustness(check="accuracy")
def test_clean_accuracy(case, robustness_check):  # type: ignore[no-untyped-def]
    robustness_check(case)

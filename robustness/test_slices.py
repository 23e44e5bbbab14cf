"""Who is affected: the gap between a model's best and worst slice (opt in: --slice-by COLUMN)."""

import pytest


@pytest.mark.robustness(check="slices")
def test_slice_gap(case, robustness_check):  # type: ignore[no-untyped-def]
    robustness_check(case)

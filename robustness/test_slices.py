"""Who is affected: the gap between a model's best and worst slice (opt in: --slice-by COLUMN)."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from robustness._checks import Case


@pytest.mark.robustness(check="slices")
def test_slice_gap(case: Case, robustness_check: Callable[[Case], list[str]]) -> None:
    robustness_check(case)

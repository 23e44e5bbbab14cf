"""Refusal rate per MLLM prompt on the clean images."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from robustness._checks import Case


@pytest.mark.robustness(check="refusals")
def test_refusal_rate(case: Case, robustness_check: Callable[[Case], list[str]]) -> None:
    robustness_check(case)

"""Prompt sensitivity: how far a model's clean answer moves across prompt variants."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from robustness._checks import Case


@pytest.mark.robustness(check="prompts")
def test_prompt_sensitivity(case: Case, robustness_check: Callable[[Case], list[str]]) -> None:
    robustness_check(case)

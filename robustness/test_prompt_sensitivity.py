"""Prompt sensitivity: how far a model's clean answer moves across prompt variants."""

import pytest


@pytest.mark.robustness(check="prompts")
def test_prompt_sensitivity(case, robustness_check):  # type: ignore[no-untyped-def]
    robustness_check(case)

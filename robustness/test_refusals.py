"""Refusal rate per MLLM prompt on the clean images."""

import pytest


@pytest.mark.robustness(check="refusals")
def test_refusal_rate(case, robustness_check):  # type: ignore[no-untyped-def]
    robustness_check(case)

"""Refusal rate per MLLM prompt on the clean images."""

import pytest

CHECK_KIND = "refusals"


@pytest.mark.robustness
def test_refusal_rate(case, robustness_check):  # type: ignore[no-untyped-def]
    robustness_check(case)

"""Every check of the suite in one module, for projects that collect them from their own folder.

``robustness init`` writes ``robustness/test_robustness.py`` into a project, and that file only
star-imports this module: pytest collects the imported test functions there, so a later version
of the suite brings its new checks without the project's file changing. Each check names its
kind in its ``robustness`` marker, which is what the plugin parametrizes it by.
"""

from robustness.test_accuracy import test_clean_accuracy
from robustness.test_counterexamples import test_no_small_counterexample
from robustness.test_invariance import test_invariance
from robustness.test_prompt_sensitivity import test_prompt_sensitivity
from robustness.test_refusals import test_refusal_rate
from robustness.test_retest import test_retest_noise
from robustness.test_slices import test_slice_gap
from robustness.test_stability import test_stability

__all__ = [
    "test_clean_accuracy",
    "test_invariance",
    "test_no_small_counterexample",
    "test_prompt_sensitivity",
    "test_refusal_rate",
    "test_retest_noise",
    "test_slice_gap",
    "test_stability",
]

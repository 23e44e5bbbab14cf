"""The package's public surface is pinned, and importing it loads neither dlib nor images."""

from __future__ import annotations

import subprocess
import sys

import robustness._datasets as datasets


def test_public_names_are_pinned() -> None:
    assert sorted(datasets.__all__) == [
        "Dataset", "FORMATS", "detect_face", "detect_format", "load_dataset", "load_image",
        "load_sample_image",
    ]
    assert datasets.FORMATS == ("csv", "mivolo", "utkface", "adience", "fairface", "folder")


def test_import_does_not_load_dlib() -> None:
    # Compared with the parent package alone, whose other modules are not ours to constrain.
    code = ("import sys, robustness; before = 'dlib' in sys.modules; "
            "import robustness._datasets; print(before, 'dlib' in sys.modules)")
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    before, after = result.stdout.split()
    assert after == before

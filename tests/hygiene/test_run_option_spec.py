"""``robustness run``, ``robustness ab`` and the pytest plugin read one spec of the options they
share, so each has the same default, help and parsing everywhere (``robustness._run_options``)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click
import pytest

from robustness._cli._ab import ab_command
from robustness._cli._run import run
from robustness._exceptions import ConfigError
from robustness._run_options import (
    SHARED,
    RunOption,
    names_option,
    severities_option,
)

# Deliberate differences, each with its reason (the modules say why).
OVERRIDES = {
    ("ab", "names"): "none",  # an A/B runs clean images only unless told otherwise
    ("plugin", "models"): [],  # --model is what turns the plugin's checks on
}


def _click_default(command: click.Command, option: RunOption) -> Any:
    param = next(p for p in command.params if p.name == option.dest)
    assert option.flag in param.opts
    default = param.default
    if option.dest == "store":
        return str(default)
    return tuple(default) if option.multiple else default


def _expected(where: str, option: RunOption) -> Any:
    return OVERRIDES.get((where, option.dest), option.default)


@pytest.mark.parametrize("option", SHARED, ids=[o.flag for o in SHARED])
def test_run_and_ab_take_each_shared_default_from_the_spec(option: RunOption) -> None:
    assert _click_default(run, option) == _expected("run", option)
    assert _click_default(ab_command, option) == _expected("ab", option)


@pytest.mark.parametrize("option", SHARED, ids=[o.flag for o in SHARED])
def test_the_plugin_takes_each_shared_default_from_the_spec(
    option: RunOption, pytestconfig: pytest.Config
) -> None:
    # This session loads the plugin without any robustness flag, so each option is at its default.
    value = pytestconfig.getoption(f"robustness_{option.dest}")
    expected = _expected("plugin", option)
    assert value == (list(expected) if option.multiple else expected)


def test_the_severity_default_is_every_severity_everywhere(pytestconfig: pytest.Config) -> None:
    severities = {
        severities_option(_click_default(run, SHARED[2])),
        severities_option(_click_default(ab_command, SHARED[2])),
        severities_option(pytestconfig.getoption("robustness_severities")),
    }
    assert SHARED[2].flag == "--severities" and severities == {(1, 2, 3, 4, 5)}


def test_shared_parsing() -> None:
    assert names_option("all", all_names=("a", "b")) == ("a", "b")
    assert names_option(" a, ,b ", all_names=()) == ("a", "b")
    assert severities_option("1, 3") == (1, 3)
    with pytest.raises(ConfigError, match="--severities: expected comma-separated integers"):
        severities_option("1,x")


def test_the_store_default_is_the_apis(tmp_path: Path) -> None:
    from robustness import DEFAULT_STORE

    assert next(o for o in SHARED if o.flag == "--store").default == str(DEFAULT_STORE)

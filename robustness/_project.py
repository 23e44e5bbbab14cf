"""``robustness init``: make ``pytest robustness/ --model NAME`` a command of the user's project.

It writes two things and overwrites neither:

- ``robustness/test_robustness.py``, a module that collects the installed suite's checks (see
  ``robustness.checks``). The folder gets no ``__init__.py`` on purpose: a package named
  ``robustness`` in the project would shadow the installed suite on import.
- a ``[tool.robustness]`` table in ``pyproject.toml`` (the file is created if missing) listing
  every threshold with its default, commented out, so the values to tune are in view.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, fields
from pathlib import Path

from ._checks import DEFAULTS
from ._exceptions import ConfigError

__all__ = ["InitResult", "find_pyproject", "init_project"]

CHECKS_MODULE = '''"""The agegender-robustness checks: `pytest robustness/ --model NAME`.

Written by `robustness init`. The checks live in the installed suite; importing them here is
what makes pytest collect them in this folder, with the thresholds of this project's
pyproject.toml ([tool.robustness]). Keep this folder free of an __init__.py: a package named
`robustness` here would shadow the installed suite.
"""

from robustness.checks import *  # noqa: F401,F403
'''


@dataclass(frozen=True, slots=True)
class InitResult:
    """What ``init_project`` did, one line per file, for the command to print."""

    lines: tuple[str, ...]


def find_pyproject(folder: Path) -> Path | None:
    """The user's pyproject.toml: the nearest one in ``folder`` or above it."""
    folder = folder.resolve()
    for candidate in (folder, *folder.parents):
        if (candidate / "pyproject.toml").is_file():
            return candidate / "pyproject.toml"
    return None


def init_project(folder: Path) -> InitResult:
    """Write the checks module and the thresholds table into ``folder`` (never overwriting)."""
    if not folder.is_dir():
        raise ConfigError(f"no folder {str(folder)!r} to initialise")
    lines = [_write_checks(folder / "robustness"), _write_thresholds(folder / "pyproject.toml")]
    return InitResult(tuple(lines))


def _write_checks(target: Path) -> str:
    if (target / "__init__.py").exists():
        raise ConfigError(
            f"{target} is a Python package of this project; it would shadow the installed "
            f"suite, so `robustness init` cannot add the checks there"
        )
    module = target / "test_robustness.py"
    if module.exists():
        return f"{module}: already there, left as it is"
    target.mkdir(exist_ok=True)
    module.write_text(CHECKS_MODULE, encoding="utf-8")
    return f"{module}: written (collects the installed checks)"


def _write_thresholds(pyproject: Path) -> str:
    existing = pyproject.read_text(encoding="utf-8") if pyproject.exists() else ""
    try:
        tool = tomllib.loads(existing).get("tool", {})
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{pyproject}: {exc}") from None
    if "robustness" in tool:
        return f"{pyproject}: already has [tool.robustness], left as it is"
    separator = "" if not existing or existing.endswith("\n\n") else (
        "\n" if existing.endswith("\n") else "\n\n")
    pyproject.write_text(existing + separator + thresholds_table(), encoding="utf-8")
    verb = "added" if existing else "written with"
    return f"{pyproject}: {verb} a [tool.robustness] table (every threshold at its default)"


def thresholds_table() -> str:
    """The ``[tool.robustness]`` table ``init`` appends: each threshold, default, commented."""
    lines = [
        "[tool.robustness]",
        "# Thresholds of `pytest robustness/` (agegender-robustness), shown at their defaults.",
        "# Uncomment one to change it; per-perturbation and per-model tables override these:",
        "# [tool.robustness.perturbations.jpeg], [tool.robustness.models.\"NAME\"].",
    ]
    for field in fields(DEFAULTS):
        value = getattr(DEFAULTS, field.name)
        shown = f"[{', '.join(_number(v) for v in value)}]" if isinstance(value, tuple) else (
            _number(value))
        lines.append(f"# {field.name} = {shown}")
    lines += [
        "",
        "# Prices for the cost per 1,000 predictions (none are built in; money per 1M tokens):",
        '# [tool.robustness.prices."chatgpt4v"]',
        "# input = 2.50",
        "# output = 10.00",
    ]
    return "\n".join(lines) + "\n"


def _number(value: float) -> str:
    return repr(float(value))

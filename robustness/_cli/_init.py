"""``robustness init``: set a project up for ``pytest robustness/ --model NAME``."""

from __future__ import annotations

from pathlib import Path

import click

from .._project import init_project
from ._common import out, user_errors

__all__ = ["init_command"]


@click.command("init")
@click.argument("folder", type=click.Path(path_type=Path, file_okay=False), default=Path("."))
@user_errors
def init_command(folder: Path) -> None:
    """Write robustness/test_robustness.py and a [tool.robustness] thresholds table into FOLDER.

    Then `pytest robustness/ --model NAME --dataset PATH` runs the suite's checks there.
    Existing files are never overwritten.
    """
    for line in init_project(folder).lines:
        out.print(line, soft_wrap=True, markup=False, highlight=False)
    out.print("next: pytest robustness/ --model NAME --dataset PATH", soft_wrap=True,
              markup=False, highlight=False)

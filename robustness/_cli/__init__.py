"""The ``robustness`` command: a thin layer over the Python API, one module per subcommand.

User errors (a bad flag value, an unreadable dataset, a foreign store) print one line and exit
with code 2; per-item problems are recorded in the run and never stop it.
"""

from __future__ import annotations

import click

from ._ab import ab_command
from ._common import OneLineErrorGroup
from ._convert import convert_sharegpt4v
from ._demo import demo
from ._export import export
from ._init import init_command
from ._perturbations import perturbations_command
from ._prompts import parse_command, prompts_command
from ._reparse import reparse_command
from ._report import report_command
from ._run import list_models, run
from ._serve_sim import serve_sim

__all__ = ["cli", "main"]


@click.group(cls=OneLineErrorGroup)
@click.version_option(package_name="agegender-robustness")
def cli() -> None:
    """Stress-test age and gender estimators under seeded image perturbations."""


for _command in (
    run, export, list_models, demo, perturbations_command, prompts_command, parse_command,
    serve_sim, report_command, ab_command, reparse_command, convert_sharegpt4v, init_command,
):
    cli.add_command(_command)


def main() -> None:
    cli()

"""The ``robustness`` command: a thin layer over the Python API, one module per subcommand.

User errors (a bad flag value, an unreadable dataset, a foreign store) print one line and exit
with code 2; per-item problems are recorded in the run and never stop it.

Subcommands are imported when they are invoked, not when the command starts: ``ab`` alone pulls
in SciPy's statistics (seconds of imports), which a ``robustness run`` or a rerun served entirely
by the store should not pay for.
"""

from __future__ import annotations

import importlib

import click

from ._common import OneLineErrorGroup

__all__ = ["cli", "main"]

# name -> (module under robustness._cli, attribute): the one list of subcommands.
_COMMANDS: dict[str, tuple[str, str]] = {
    "run": ("_run", "run"),
    "export": ("_export", "export"),
    "models": ("_run", "list_models"),
    "demo": ("_demo", "demo"),
    "perturbations": ("_perturbations", "perturbations_command"),
    "prompts": ("_prompts", "prompts_command"),
    "parse": ("_prompts", "parse_command"),
    "serve-sim": ("_serve_sim", "serve_sim"),
    "report": ("_report", "report_command"),
    "ab": ("_ab", "ab_command"),
    "reparse": ("_reparse", "reparse_command"),
    "convert-sharegpt4v": ("_convert", "convert_sharegpt4v"),
    "init": ("_init", "init_command"),
}


class _LazyGroup(OneLineErrorGroup):
    """A group whose subcommands are imported on first use; usage errors are one line."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(_COMMANDS)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in _COMMANDS:
            return None
        module, attribute = _COMMANDS[cmd_name]
        command = getattr(importlib.import_module(f"{__name__}.{module}"), attribute)
        assert isinstance(command, click.Command)
        return command


@click.group(cls=_LazyGroup)
@click.version_option(package_name="agegender-robustness")
def cli() -> None:
    """Stress-test age and gender estimators under seeded image perturbations."""


def main() -> None:
    cli()

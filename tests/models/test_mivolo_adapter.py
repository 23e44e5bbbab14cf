"""The mivolo backend on a tiny remote-code model with MiVOLOv2's interface (FIELD.md §4)."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest

pytest.importorskip("torch", reason="the [hf] extra (torch) is not installed")
pytest.importorskip("transformers", reason="the [hf] extra (transformers) is not installed")

from hf_fixtures import build_tiny_mivolo, sample_crop  # noqa: E402

from robustness._body_mask import BODY_MASK_VERSION  # noqa: E402
from robustness._exceptions import ModelError  # noqa: E402
from robustness._models._base import ModelInput  # noqa: E402
from robustness._models._mivolo import MiVOLOModel  # noqa: E402

PUBLISHED_LABELS = {0: "male", 1: "female"}


@pytest.fixture(scope="module")
def mivolo_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_tiny_mivolo(tmp_path_factory.mktemp("mivolo"), gender_id2label=PUBLISHED_LABELS)


@pytest.fixture(scope="module")
def model(mivolo_dir: Path) -> MiVOLOModel:
    return MiVOLOModel(str(mivolo_dir), device="cpu", batch_size=4)


def _inputs(count: int, seed: int = 0, body: bool = True) -> list[ModelInput]:
    rng = np.random.default_rng(seed)
    return [
        ModelInput(
            face=sample_crop(rng, 30 + 5 * i, 24 + 3 * i),
            body=sample_crop(rng, 80 + 4 * i, 40) if body else None,
        )
        for i in range(count)
    ]


def test_loads_remote_code_and_answers_face_and_body(model: MiVOLOModel) -> None:
    predictions = model.predict_batch(_inputs(6))
    assert type(model._model).__module__.startswith("transformers_modules.")
    for prediction in predictions:
        assert prediction.outcome == "answer"
        assert prediction.age is not None and math.isfinite(prediction.age)
        assert prediction.gender in ("male", "female")
        assert prediction.gender_confidence is not None
        assert 0.5 <= prediction.gender_confidence <= 1.0
        assert prediction.latency_ms is not None and prediction.latency_ms > 0


def test_a_missing_crop_is_passed_as_none_not_dropped(model: MiVOLOModel) -> None:
    import torch

    inputs = _inputs(4)
    with_body = model.predict_batch(inputs)
    face_only = model.predict_batch([ModelInput(face=item.face) for item in inputs])
    body_only = model.predict_batch([ModelInput(body=item.body) for item in inputs])
    assert all(p.outcome == "answer" for p in face_only + body_only)
    assert all(a.age != b.age for a, b in zip(with_body, face_only, strict=True))
    assert all(a.age != b.age for a, b in zip(with_body, body_only, strict=True))
    # The missing body went in as None (the processor's normalised black image), not as zeros.
    processor, net = model._processor, model._model
    faces = processor(images=[item.face[..., ::-1] for item in inputs])["pixel_values"]  # type: ignore[index]
    with torch.inference_mode():
        for bodies, same in ((processor(images=[None] * 4)["pixel_values"], True),
                             (torch.zeros_like(faces), False)):
            ages = net(faces_input=faces, body_input=bodies).age_output.tolist()
            assert (ages == pytest.approx([p.age for p in face_only], abs=1e-4)) is same


def test_no_crop_at_all_is_an_item_error(model: MiVOLOModel) -> None:
    good = _inputs(2)
    predictions = model.predict_batch([good[0], ModelInput(), good[1]])
    assert [p.outcome for p in predictions] == ["answer", "error", "answer"]
    assert "neither a face nor a body" in (predictions[1].error or "")


def test_batch_equals_one_by_one(model: MiVOLOModel) -> None:
    inputs = _inputs(5, seed=4)[:3] + _inputs(3, seed=5, body=False)
    batched = model.predict_batch(inputs)
    single = [model.predict_batch([item])[0] for item in inputs]
    assert [p.age for p in batched] == pytest.approx([p.age for p in single], abs=1e-4)
    assert [p.gender for p in batched] == [p.gender for p in single]


def test_crops_reach_the_processor_in_bgr_order(model: MiVOLOModel) -> None:
    """The reference is the published usage: processor(BGR arrays), then the model."""
    import torch

    inputs = _inputs(3, seed=7)
    predictions = model.predict_batch(inputs)

    def reference(flip: bool) -> list[float]:
        def order(rgb: np.ndarray) -> np.ndarray:
            return np.ascontiguousarray(rgb[..., ::-1]) if flip else rgb

        processor, net = model._processor, model._model
        faces = processor(images=[order(i.face) for i in inputs])["pixel_values"]  # type: ignore[arg-type]
        bodies = processor(images=[order(i.body) for i in inputs])["pixel_values"]  # type: ignore[arg-type]
        with torch.inference_mode():
            ages = net(faces_input=faces, body_input=bodies).age_output
        return [float(age) for age in ages]

    ages = [p.age for p in predictions]
    assert ages == pytest.approx(reference(flip=True), abs=1e-4)
    # Had the RGB crops gone in unflipped, every age would be different.
    assert all(abs(a - b) > 1e-3 for a, b in zip(ages, reference(flip=False), strict=True))  # type: ignore[operator]


@pytest.mark.parametrize("labels", [{0: "female", 1: "male"}, {0: "F", 1: "M"}])
def test_gender_labels_come_from_the_config(
    tmp_path: Path, model: MiVOLOModel, labels: dict[int, str]
) -> None:
    swapped = MiVOLOModel(
        str(build_tiny_mivolo(tmp_path / "swapped", gender_id2label=labels)), device="cpu"
    )
    inputs = _inputs(8, seed=11)
    published = model.predict_batch(inputs)
    relabelled = swapped.predict_batch(inputs)
    assert {p.gender for p in published} == {"male", "female"}  # both classes are exercised
    opposite = {"male": "female", "female": "male"}
    assert [p.gender for p in relabelled] == [opposite[p.gender] for p in published]  # type: ignore[index]


def test_without_labels_the_published_mapping_is_used(tmp_path: Path, model: MiVOLOModel) -> None:
    unlabelled = MiVOLOModel(str(build_tiny_mivolo(tmp_path / "plain")), device="cpu")
    assert unlabelled.gender_labels == PUBLISHED_LABELS
    inputs = _inputs(6, seed=12)
    assert [p.gender for p in unlabelled.predict_batch(inputs)] == [
        p.gender for p in model.predict_batch(inputs)
    ]


def test_an_unknown_gender_label_fails_at_construction(tmp_path: Path) -> None:
    folder = build_tiny_mivolo(tmp_path / "odd", gender_id2label={0: "male", 1: "other"})
    with pytest.raises(ModelError, match="'other'"):
        MiVOLOModel(str(folder), device="cpu")


def test_ages_are_not_clamped(tmp_path: Path) -> None:
    old = MiVOLOModel(str(build_tiny_mivolo(tmp_path / "old", avg_age=400.0)), device="cpu")
    assert all(p.age is not None and p.age > 120 for p in old.predict_batch(_inputs(3)))


def test_fingerprint_is_stable_and_names_the_weights(mivolo_dir: Path, tmp_path: Path) -> None:
    first = MiVOLOModel(str(mivolo_dir), device="cpu")
    again = MiVOLOModel(str(mivolo_dir), device="cpu")
    assert first.fingerprint == again.fingerprint
    assert first.fingerprint.startswith(f"mivolo;model={mivolo_dir};weights=local:")
    # The masking rule shapes every body crop, so its version is part of what was asked.
    assert first.fingerprint.endswith(f";dtype=float32;body_mask={BODY_MASK_VERSION}")
    assert first._model is None  # the weights wait for the first prediction
    # Same weights, another config (same size): the folder digest still tells them apart.
    other = build_tiny_mivolo(tmp_path / "other", gender_id2label={0: "female", 1: "male"})
    assert MiVOLOModel(str(other), device="cpu").fingerprint.split(";")[2] != (
        first.fingerprint.split(";")[2]
    )
    assert (first.name, first.input_mode) == ("mivolo-v2", "face+body")


@pytest.mark.parametrize("version", ["5.0.0", "5.1.0", "5.1.0.dev0"])
def test_releases_that_reinitialise_loaded_weights_are_refused(
    mivolo_dir: Path, monkeypatch: pytest.MonkeyPatch, version: str
) -> None:
    import transformers

    monkeypatch.setattr(transformers, "__version__", version)
    with pytest.raises(ModelError, match=rf"transformers {version} re-initialises .*>=5\.2"):
        MiVOLOModel(str(mivolo_dir), device="cpu")
    for fine in ("4.57.6", "5.2.0"):
        monkeypatch.setattr(transformers, "__version__", fine)
        MiVOLOModel(str(mivolo_dir), device="cpu")

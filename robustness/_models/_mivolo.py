"""The ``mivolo`` backend: MiVOLOv2 through transformers remote code (FIELD.md §4).

The published interface is the contract: ``AutoConfig``, ``AutoModelForImageClassification`` and
``AutoImageProcessor`` with ``trust_remote_code=True``; the processor takes a list of **BGR**
arrays (OpenCV order) or ``None``; the model is called with both ``faces_input`` and
``body_input``. Our crops are RGB, so they are flipped here. A missing crop is passed as ``None``,
which the processor turns into a normalised black image; zeros would mean something else (the
ImageNet mean), so they are never substituted. The body crop arrives already masked as MiVOLO
expects it (``robustness._body_mask``); the masking rule's version is in the fingerprint.

The age is reported as the model returns it (``age_output``, float years, not clamped): MAE,
drift and bias are computed on the model's own number, and clamping would hide how far it strays
on perturbed images. Only a non-finite age is an error.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from .._body_mask import BODY_MASK_VERSION
from .._exceptions import ConfigError, ModelError
from .._types import Gender, Prediction
from ._base import ModelAdapter, ModelInput
from ._hf_common import (
    dtype_name,
    import_hf,
    predict_isolated,
    resolve_device,
    resolve_dtype,
    weights_identity,
)
from ._hf_memory import check_weights_fit

__all__ = ["MiVOLOModel"]

# The published config's labels; used when a config carries no ``gender_id2label``.
_DEFAULT_LABELS: dict[int, Gender] = {0: "male", 1: "female"}
_GENDER_WORDS: dict[str, Gender] = {
    "male": "male", "m": "male", "man": "male",
    "female": "female", "f": "female", "woman": "female",
}


@dataclass(frozen=True, slots=True)
class _Crops:
    face: np.ndarray | None  # BGR
    body: np.ndarray | None  # BGR


class MiVOLOModel(ModelAdapter):
    """MiVOLOv2 on face + body crops; either crop may be missing, not both.

    Args:
        model_id: ``iitolstykh/mivolo_v2`` or a local copy of that repository.
        revision: Hub branch, tag or commit; the resolved commit goes into the fingerprint.
        device: ``auto`` (CUDA when available), ``cpu``, ``cuda``, ``cuda:N`` or ``mps``.
        dtype: ``auto`` (the checkpoint's on an accelerator, float32 on the CPU), ``float32``,
            ``float16`` or ``bfloat16``.
        batch_size: Face/body pairs per forward pass.

    Raises:
        ConfigError: An option is invalid (the message quotes it).
        ModelError: torch/transformers are missing, the config cannot be loaded, or its
            ``gender_id2label`` holds a label other than male/female.
    """

    name = "mivolo-v2"
    input_mode = "face+body"
    input_modes = ("face+body", "face")  # face only: the body input left empty

    def __init__(
        self, model_id: str = "iitolstykh/mivolo_v2", *, revision: str | None = None,
        device: str = "auto", dtype: str = "auto", batch_size: int = 16,
    ) -> None:
        if batch_size < 1:
            raise ConfigError(f"batch_size must be positive, got {batch_size!r}")
        self._torch, self._transformers = import_hf()
        _check_transformers(self._transformers.__version__)
        self.model_id = model_id
        self.revision = revision
        self.batch_size = batch_size
        self.device = resolve_device(self._torch, device)
        try:
            config = self._transformers.AutoConfig.from_pretrained(
                model_id, revision=revision, trust_remote_code=True
            )
        except (OSError, ValueError, ImportError) as exc:
            raise ModelError(f"cannot load the MiVOLO config of {model_id!r}: {exc}") from exc
        self.gender_labels = _gender_labels(getattr(config, "gender_id2label", None))
        self.dtype = resolve_dtype(self._torch, dtype, self.device, config)
        self._fingerprint = (
            f"mivolo;model={model_id};weights={weights_identity(model_id, revision, config)};"
            f"dtype={dtype_name(self.dtype)};body_mask={BODY_MASK_VERSION}"
        )
        self._model: Any = None
        self._processor: Any = None

    @property
    def fingerprint(self) -> str:
        return self._fingerprint

    def _load(self) -> tuple[Any, Any]:
        """Load weights and processor once (remote code); a failure fails the whole model."""
        if self._model is None:
            auto = self._transformers
            options = {"revision": self.revision, "trust_remote_code": True}
            check_weights_fit(self._torch, self.model_id, self.revision, dtype=self.dtype,
                              device=self.device)
            try:
                processor = auto.AutoImageProcessor.from_pretrained(self.model_id, **options)
                model = auto.AutoModelForImageClassification.from_pretrained(
                    self.model_id, **options
                )
            except (OSError, ValueError, ImportError) as exc:
                raise ModelError(f"cannot load MiVOLO from {self.model_id!r}: {exc}") from exc
            # Cast after loading: remote code may not honour a dtype argument.
            self._model = model.to(device=self.device, dtype=self.dtype).eval()
            self._processor = processor
        return self._model, self._processor

    def predict_batch(self, inputs: Sequence[ModelInput]) -> list[Prediction]:
        results: dict[int, Prediction] = {}
        ready: list[tuple[int, _Crops]] = []
        for index, item in enumerate(inputs):
            problem = _input_problem(item)
            if problem is not None:
                results[index] = Prediction(outcome="error", error=problem)
                continue
            ready.append((index, _Crops(_bgr(item.face), _bgr(item.body))))
        if ready:
            self._load()
            results.update(predict_isolated(ready, self.batch_size, self._run))
        return [results[index] for index in range(len(inputs))]

    def _run(self, crops: list[_Crops]) -> list[Prediction]:
        model, processor = self._load()
        faces = self._pixels(processor, [c.face for c in crops])
        bodies = self._pixels(processor, [c.body for c in crops])
        with self._torch.inference_mode():
            output = model(faces_input=faces, body_input=bodies)
        ages = output.age_output.float().reshape(len(crops), -1)[:, 0].tolist()
        classes = output.gender_class_idx.reshape(len(crops)).tolist()
        probs = output.gender_probs.float().reshape(len(crops), -1).cpu()
        answers = []
        for row, (age, class_idx) in enumerate(zip(ages, classes, strict=True)):
            if not np.isfinite(age):
                answers.append(Prediction(outcome="error", error=f"MiVOLO returned age {age}"))
                continue
            # Published: the winning class's probability per row; a full table is read by index.
            confidence = probs[row, class_idx if probs.shape[1] > 1 else 0]
            answers.append(Prediction(
                outcome="answer", age=float(age), gender=self._gender(int(class_idx)),
                gender_confidence=float(confidence),
            ))
        return answers

    def _pixels(self, processor: Any, images: list[np.ndarray | None]) -> Any:
        pixels = processor(images=images)["pixel_values"]
        return self._torch.as_tensor(pixels).to(device=self.device, dtype=self.dtype)

    def _gender(self, class_idx: int) -> Gender:
        if class_idx not in self.gender_labels:
            raise ModelError(
                f"MiVOLO returned gender class {class_idx}, labels {self.gender_labels}"
            )
        return self.gender_labels[class_idx]

    def close(self) -> None:
        """Drop the weights; the next prediction loads them again."""
        self._model = None
        self._processor = None
        if self.device.startswith("cuda"):
            self._torch.cuda.empty_cache()


def _check_transformers(version: str) -> None:
    """Refuse the releases that overwrite remote-code weights after loading them.

    transformers 5.0 and 5.1 run the remote code's ``_init_weights`` over the loaded checkpoint:
    MiVOLOv2 then fails (no ``initializer_range``) or answers with random weights. The [hf] extra
    excludes them; this catches an environment that has them anyway
    (tests/models/test_weight_integrity.py is the check).
    """
    from packaging.version import Version

    if Version("5.0.0.dev0") <= Version(version) < Version("5.2.0.dev0"):
        raise ModelError(
            f"transformers {version} re-initialises remote-code weights when loading them, so "
            f"MiVOLOv2 would answer with random weights: pip install 'transformers>=5.2'"
        )


def _gender_labels(declared: Mapping[Any, str] | None) -> dict[int, Gender]:
    """``gender_id2label`` with int keys (JSON makes them strings) and our two labels."""
    if not declared:
        return dict(_DEFAULT_LABELS)
    labels: dict[int, Gender] = {}
    for key, label in declared.items():
        gender = _GENDER_WORDS.get(str(label).strip().lower())
        if gender is None:
            raise ModelError(f"MiVOLO config has an unknown gender label {label!r}")
        labels[int(key)] = gender
    return labels


def _input_problem(item: ModelInput) -> str | None:
    if item.face is None and item.body is None:
        return "neither a face nor a body crop in the input"
    for crop, array in (("face", item.face), ("body", item.body)):
        if array is not None and (
            array.dtype != np.uint8 or array.ndim != 3 or array.shape[2] != 3
            or min(array.shape[:2]) < 1
        ):
            return f"the {crop} crop must be a non-empty uint8 RGB array, got shape {array.shape}"
    return None


def _bgr(rgb: np.ndarray | None) -> np.ndarray | None:
    """RGB → BGR, the order the MiVOLO processor (OpenCV-based) expects; None stays None."""
    return None if rgb is None else np.ascontiguousarray(rgb[..., ::-1])

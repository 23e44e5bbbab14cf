"""The ``transformers`` backend: a local open MLLM (LLaVA, ShareGPT4V, …) asked in text.

The model is any ``AutoModelForImageTextToText`` with an ``AutoProcessor`` that has a chat
template. Each input becomes one conversation — the prompt variant's system message if it has
one, then a user turn holding the image and the variant's text — and a batch is rendered, padded
on the left and decoded greedily, so an item's answer does not depend on its batch neighbours
(decoder-only models continue from the right end of the row). Only the new tokens are decoded.

Decoding is greedy, so a repeat index changes nothing here: every repeat asks the same question.
The weights are loaded on first use; building the adapter reads only the config, which is enough
for the fingerprint, so a rerun served entirely by the store never loads a model.
"""

from __future__ import annotations

import inspect
import os
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from prompts import PromptVariant

from .._exceptions import ConfigError, ModelError
from .._reparse import provenance
from .._types import Prediction
from ._base import InputMode, ModelAdapter, ModelInput
from ._hf_common import (
    dtype_name,
    import_hf,
    predict_isolated,
    resolve_device,
    resolve_dtype,
    weights_identity,
)
from ._hf_memory import check_weights_fit
from ._hf_parse import Parser, default_parser, parsed_fields
from ._share4v import config_hint

__all__ = ["TransformersModel"]

_INPUT_MODES: tuple[InputMode, ...] = ("body", "face", "full")


@dataclass(frozen=True, slots=True)
class _Query:
    image: Any  # PIL.Image.Image
    prompt: PromptVariant


class TransformersModel(ModelAdapter):
    """A local ``AutoModelForImageTextToText`` answering prompt variants about one image crop.

    Args:
        model_id: A hub id (``llava-hf/llava-1.5-7b-hf``) or a local folder in the same layout.
        name: The model's name in results; defaults to the id's last component.
        revision: Hub branch, tag or commit; the resolved commit goes into the fingerprint.
        device: ``auto`` (CUDA when available), ``cpu``, ``cuda``, ``cuda:N`` or ``mps``.
        dtype: ``auto`` (the checkpoint's on an accelerator, float32 on the CPU), ``float32``,
            ``float16`` or ``bfloat16``.
        max_new_tokens: Generation budget per answer; longer answers end with ``length``.
        batch_size: Conversations generated together.
        input_mode: The crop shown: ``body`` (the study's choice), ``face`` or ``full``.
        parse: Text → parsed answer; ``prompts.parse_answer`` by default.

    Raises:
        ConfigError: An option is invalid (the message quotes it).
        ModelError: torch/transformers are missing, or the model's config cannot be loaded.
    """

    takes_prompts = True
    input_modes = _INPUT_MODES  # one loaded model answers every crop; the request holds it

    def __init__(
        self, model_id: str, *, name: str | None = None, revision: str | None = None,
        device: str = "auto", dtype: str = "auto", max_new_tokens: int = 64,
        batch_size: int = 4, input_mode: InputMode = "body", parse: Parser | None = None,
    ) -> None:
        if input_mode not in _INPUT_MODES:
            raise ConfigError(f"input_mode must be one of {_INPUT_MODES}, got {input_mode!r}")
        if batch_size < 1:
            raise ConfigError(f"batch_size must be positive, got {batch_size!r}")
        if max_new_tokens < 1:
            raise ConfigError(f"max_new_tokens must be positive, got {max_new_tokens!r}")
        self._torch, self._transformers = import_hf()
        self.model_id = model_id
        self.revision = revision
        self.name = name or os.path.basename(model_id.rstrip("/\\")) or model_id
        self.input_mode = input_mode
        self.batch_size = batch_size
        self.max_new_tokens = max_new_tokens
        self.device = resolve_device(self._torch, device)
        try:
            config = self._transformers.AutoConfig.from_pretrained(model_id, revision=revision)
        except (OSError, ValueError) as exc:
            hint = config_hint(model_id, revision)
            raise ModelError(f"cannot load the config of {model_id!r}: {exc}{hint}") from exc
        self.dtype = resolve_dtype(self._torch, dtype, self.device, config)
        self._fingerprint = (
            f"transformers;model={model_id};weights={weights_identity(model_id, revision, config)};"
            f"dtype={dtype_name(self.dtype)};max_new_tokens={max_new_tokens};decoding=greedy"
        )
        self._parse = parse
        self._model: Any = None
        self._processor: Any = None

    @property
    def fingerprint(self) -> str:
        return self._fingerprint

    def _load(self) -> tuple[Any, Any]:
        """Load processor and weights once; a failure here fails the whole model."""
        if self._model is None:
            auto = self._transformers
            check_weights_fit(self._torch, self.model_id, self.revision, dtype=self.dtype,
                              device=self.device)
            try:
                processor = auto.AutoProcessor.from_pretrained(
                    self.model_id, revision=self.revision
                )
                model = auto.AutoModelForImageTextToText.from_pretrained(
                    self.model_id, revision=self.revision, **_dtype_kwarg(auto, self.dtype)
                )
            except (OSError, ValueError) as exc:
                raise ModelError(f"cannot load {self.model_id!r}: {exc}") from exc
            tokenizer = getattr(processor, "tokenizer", None)
            if tokenizer is None or getattr(processor, "chat_template", None) is None:
                raise ModelError(f"{self.model_id!r} has no processor tokenizer or chat template")
            # Left padding: generation continues each row from its real last token.
            tokenizer.padding_side = "left"
            if tokenizer.pad_token is None:
                tokenizer.pad_token = tokenizer.eos_token
            # ``device_map`` would need accelerate, which is not a dependency: load, then move.
            self._model = model.to(self.device).eval()
            self._processor = processor
        return self._model, self._processor

    def predict_batch(self, inputs: Sequence[ModelInput]) -> list[Prediction]:
        from PIL import Image

        results: dict[int, Prediction] = {}
        ready: list[tuple[int, _Query]] = []
        for index, item in enumerate(inputs):
            # The crop the request holds (``Job.input_mode``), not the adapter's default mode.
            image = item.body if item.body is not None else item.face
            problem = _input_problem(item.prompt, image, "face" if item.body is None else "body")
            if problem is not None:
                results[index] = Prediction(outcome="error", error=problem)
                continue
            assert item.prompt is not None and image is not None
            ready.append((index, _Query(Image.fromarray(np.ascontiguousarray(image)), item.prompt)))
        if ready:
            self._load()
            results.update(predict_isolated(ready, self.batch_size, self._generate))
        return [results[index] for index in range(len(inputs))]

    def _generate(self, queries: list[_Query]) -> list[Prediction]:
        model, processor = self._load()
        tokenizer = processor.tokenizer
        batch = processor.apply_chat_template(
            [_conversation(query) for query in queries], add_generation_prompt=True,
            tokenize=True, return_dict=True, return_tensors="pt", **_padding_kwarg(processor),
        ).to(self.device, dtype=self.dtype)
        with self._torch.inference_mode():
            output = model.generate(
                **_accepted_inputs(model, batch), do_sample=False,
                max_new_tokens=self.max_new_tokens,
                pad_token_id=tokenizer.pad_token_id,
            )
        new_tokens = output[:, batch["input_ids"].shape[1]:].tolist()
        tokens_in = batch["attention_mask"].sum(dim=1).tolist()
        stops = _eos_ids(model, tokenizer)
        answers = []
        for row, prompt_tokens, query in zip(new_tokens, tokens_in, queries, strict=True):
            # Finished rows are padded to the longest one; the answer ends at its first EOS.
            end = next((i for i, token in enumerate(row) if token in stops), None)
            kept = row if end is None else row[: end + 1]
            text = tokenizer.decode(kept, skip_special_tokens=True).strip()
            answers.append(self._prediction(
                text, query.prompt.asks, tokens_in=int(prompt_tokens), tokens_out=len(kept),
                finish_reason="length" if end is None else "stop",
            ))
        return answers

    def _prediction(self, text: str, asks: tuple[str, ...], **usage: Any) -> Prediction:
        """Parse one answer; a parser failure is this item's error, the raw text is kept."""
        if self._parse is None:
            self._parse = default_parser()
        try:
            # The suite's parser reads what the prompt asked; an injected one takes text only
            # (its type, which mypy checks the call against).
            parsed = (self._parse(text, asks=asks)  # type: ignore[call-arg]
                      if self._parse is default_parser() else self._parse(text))
            fields = parsed_fields(parsed) | provenance(parsed)
        except Exception as exc:  # noqa: BLE001 - a parser bug must not cost the batch
            return Prediction(
                outcome="error", raw_text=text, error=f"answer parser failed: {exc}", **usage
            )
        return Prediction(raw_text=text, **fields, **usage)

    def close(self) -> None:
        """Drop the weights; the next prediction loads them again."""
        self._model = None
        self._processor = None
        if self.device.startswith("cuda"):
            self._torch.cuda.empty_cache()


def _input_problem(prompt: PromptVariant | None, image: Any, mode: str) -> str | None:
    if prompt is None:
        return "no prompt variant in the input: an MLLM needs one"
    crop = "face" if mode == "face" else "body"
    if image is None:
        return f"no {crop} crop in the input"
    if not isinstance(image, np.ndarray) or image.dtype != np.uint8 or image.ndim != 3 \
            or image.shape[2] != 3 or min(image.shape[:2]) < 1:
        shape = getattr(image, "shape", None)
        return f"the {crop} crop must be a non-empty uint8 RGB array, got shape {shape}"
    return None


def _conversation(query: _Query) -> list[dict[str, Any]]:
    """One chat: content as typed parts, the form image-text-to-text templates iterate over."""
    messages: list[dict[str, Any]] = []
    if query.prompt.system:
        system = [{"type": "text", "text": query.prompt.system}]
        messages.append({"role": "system", "content": system})
    messages.append({"role": "user", "content": [
        {"type": "image", "image": query.image},
        {"type": "text", "text": query.prompt.user},
    ]})
    return messages


def _accepted_inputs(model: Any, batch: Any) -> dict[str, Any]:
    """The processor's outputs that the model's ``forward`` names.

    Processors return what their tokenizer was saved with (``token_type_ids`` for some); for a
    model that does not take it, ``generate`` raises ("model_kwargs are not used by the model").
    """
    parameters = inspect.signature(model.forward).parameters.values()
    named = {p.name for p in parameters if p.kind not in (p.VAR_POSITIONAL, p.VAR_KEYWORD)}
    return {key: value for key, value in batch.items() if key in named}


def _padding_kwarg(processor: Any) -> dict[str, Any]:
    """Padding for ``apply_chat_template``: 5.x takes it in ``processor_kwargs``, 4.x loose."""
    parameters = inspect.signature(processor.apply_chat_template).parameters
    if "processor_kwargs" in parameters:
        return {"processor_kwargs": {"padding": True}}
    return {"padding": True}


def _dtype_kwarg(transformers: Any, dtype: Any) -> dict[str, Any]:
    """``dtype=`` since transformers 4.56; ``torch_dtype=`` before."""
    from packaging.version import Version

    new = Version(transformers.__version__) >= Version("4.56")
    return {"dtype" if new else "torch_dtype": dtype}


def _eos_ids(model: Any, tokenizer: Any) -> frozenset[int]:
    declared = getattr(model.generation_config, "eos_token_id", None)
    if declared is None:
        declared = tokenizer.eos_token_id
    ids = declared if isinstance(declared, (list, tuple)) else [declared]
    return frozenset(int(token) for token in ids if token is not None)


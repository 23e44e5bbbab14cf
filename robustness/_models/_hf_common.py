"""What the two Hugging Face adapters (``transformers``, ``mivolo``) share.

Lazy imports with an install hint, device and dtype resolution (validated at construction), the
weights' identity for fingerprints, and batching that isolates a failing item: a batch that fails
is retried item by item, and only the items that still fail become ``error`` predictions.
"""

from __future__ import annotations

import hashlib
import os
import time
from collections.abc import Callable, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any, TypeVar

from .._exceptions import ConfigError, ModelError
from .._types import Prediction

__all__ = [
    "DTYPES",
    "dtype_name",
    "import_hf",
    "predict_isolated",
    "resolve_device",
    "resolve_dtype",
    "weights_identity",
]

T = TypeVar("T")

# Names accepted for ``dtype``; "auto" is resolved by ``resolve_dtype``.
DTYPES = ("auto", "float32", "float16", "bfloat16")
_INSTALL_HINT = "pip install 'agegender-robustness[hf]'"
# Local files up to this size are hashed by content for the fingerprint; larger ones (weights)
# by name and size, which keeps building an adapter fast.
_HASHED_FILE_BYTES = 32 * 2**20


def import_hf() -> tuple[Any, Any]:
    """``(torch, transformers)``, imported only when a Hugging Face adapter is built."""
    try:
        import torch
        import transformers
    except ImportError as exc:
        raise ModelError(
            f"this backend needs torch and transformers ({exc.name or exc} is missing): "
            f"{_INSTALL_HINT}"
        ) from exc
    return torch, transformers


def resolve_device(torch: Any, device: str) -> str:
    """``auto`` → ``cuda`` when available, else ``cpu``; an unavailable CUDA is an error."""
    if device == "auto":
        return "cuda" if torch.cuda.is_available() else "cpu"
    kind = device.split(":", 1)[0]
    if kind not in ("cpu", "cuda", "mps"):
        raise ConfigError(f"device must be 'auto', 'cpu', 'cuda[:N]' or 'mps', got {device!r}")
    if kind == "cuda" and not torch.cuda.is_available():
        raise ModelError(f"device {device!r} requested but torch.cuda.is_available() is False")
    return device


def resolve_dtype(torch: Any, dtype: str, device: str, config: Any) -> Any:
    """The torch dtype to load with; resolved before loading so the fingerprint names it.

    ``auto`` takes the checkpoint's own dtype on an accelerator, but float32 on the CPU, where
    half-precision kernels are slow or missing.
    """
    if dtype not in DTYPES:
        raise ConfigError(f"dtype must be one of {', '.join(DTYPES)}, got {dtype!r}")
    if dtype != "auto":
        return getattr(torch, dtype)
    if device == "cpu":
        return torch.float32
    # transformers 5.x exposes ``dtype`` (a torch dtype); 4.x ``torch_dtype`` (often a string).
    declared = getattr(config, "dtype", None) or getattr(config, "torch_dtype", None)
    name = str(declared).removeprefix("torch.") if declared is not None else "float32"
    return getattr(torch, name) if name in DTYPES else torch.float32


def dtype_name(dtype: Any) -> str:
    """``torch.float16`` → ``float16``: the spelling used in fingerprints."""
    return str(dtype).removeprefix("torch.")


def weights_identity(model_id: str, revision: str | None, config: Any) -> str:
    """What pins the weights: the hub commit, else the revision asked for, else the local files.

    transformers 4.x kept the commit on ``config._commit_hash``; 5.x dropped it, so the commit is
    read from the snapshot path of the cached ``config.json``. A local folder has no commit: a
    digest of its files stands in (blind to a same-size rewrite of a file over 32 MiB).
    """
    commit = getattr(config, "_commit_hash", None)
    if commit:
        return f"commit:{commit}"
    if os.path.isdir(model_id):
        return f"local:{_folder_digest(Path(model_id))}"
    try:
        from transformers.utils.hub import cached_file, extract_commit_hash

        resolved = cached_file(model_id, "config.json", revision=revision)
        commit = extract_commit_hash(resolved, None)
    except Exception:  # noqa: BLE001 - best effort: fall back to the revision asked for
        commit = None
    if commit:
        return f"commit:{commit}"
    return f"revision:{revision}" if revision else "revision:unresolved"


def _folder_digest(folder: Path) -> str:
    """Names and sizes of every file, plus the content of the small ones (config, code, tokenizer).

    Weight files are too big to hash on every build; they count by name and size only.
    """
    digest = hashlib.sha256()
    for path in sorted(folder.rglob("*")):
        relative = path.relative_to(folder)
        if not path.is_file() or any(part.startswith(".") for part in relative.parts):
            continue
        size = path.stat().st_size
        digest.update(f"{relative.as_posix()}:{size};".encode())
        if size <= _HASHED_FILE_BYTES:
            digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()[:16]


def predict_isolated(
    items: Sequence[tuple[int, T]], batch_size: int,
    run: Callable[[list[T]], list[Prediction]],
) -> dict[int, Prediction]:
    """Run ``run`` over chunks of ``items``; return a prediction for every index.

    ``run`` returns one prediction per item without latency; this adds the chunk's wall time
    shared evenly. When a chunk raises, each of its items is run alone so one bad input (or an
    out-of-memory batch) costs only itself; an item that fails alone records the message.
    """
    results: dict[int, Prediction] = {}
    for start in range(0, len(items), batch_size):
        chunk = list(items[start:start + batch_size])
        try:
            results.update(_timed(chunk, run))
        except Exception as exc:  # noqa: BLE001 - any failure is isolated per item below
            if len(chunk) == 1:
                results[chunk[0][0]] = _error(exc)
                continue
            for single in chunk:
                try:
                    results.update(_timed([single], run))
                except Exception as item_exc:  # noqa: BLE001 - recorded, the run goes on
                    results[single[0]] = _error(item_exc)
    return results


def _timed(
    chunk: list[tuple[int, T]], run: Callable[[list[T]], list[Prediction]]
) -> dict[int, Prediction]:
    started = time.perf_counter()
    answers = run([item for _, item in chunk])
    if len(answers) != len(chunk):
        raise ModelError(f"the model returned {len(answers)} answers for {len(chunk)} inputs")
    latency = (time.perf_counter() - started) * 1000 / len(chunk)
    return {
        index: _with_latency(answer, latency)
        for (index, _), answer in zip(chunk, answers, strict=True)
    }


def _with_latency(prediction: Prediction, latency_ms: float) -> Prediction:
    return replace(prediction, latency_ms=latency_ms)


def _error(exc: BaseException) -> Prediction:
    return Prediction(outcome="error", error=f"{type(exc).__name__}: {exc}")

"""Will the weights fit? Counted from the checkpoint's headers before anything is loaded.

A 7B LLaVA loaded in float32 on a CPU needs about 28 GB for its weights alone; on Linux the
kernel's out-of-memory killer ends the process without a Python error, so the check has to come
first. Parameters are counted from the safetensors headers (shapes only, a few KB read), the
bytes per parameter come from the dtype the adapter will load in. Activations are extra: passing
this check is necessary, not sufficient.
"""

from __future__ import annotations

import json
import math
import os
import struct
from pathlib import Path
from typing import Any

from .._exceptions import ModelError

__all__ = ["check_weights_fit", "count_parameters"]

_GB = 1e9


def count_parameters(folder: Path) -> int | None:
    """Parameters in the ``*.safetensors`` files of ``folder``; None when it has none."""
    files = sorted(folder.glob("*.safetensors"))
    if not files:
        return None
    total = 0
    for path in files:
        with path.open("rb") as handle:
            (length,) = struct.unpack("<Q", handle.read(8))
            header: dict[str, Any] = json.loads(handle.read(length))
        total += sum(math.prod(entry["shape"]) for name, entry in header.items()
                     if name != "__metadata__")
    return total


def check_weights_fit(torch: Any, model_id: str, revision: str | None, *, dtype: Any,
                      device: str) -> None:
    """Raise ``ModelError`` with an estimate when the weights alone exceed the free memory.

    Silent when the weights' files are not on disk yet (a hub download to come) or the free
    memory cannot be read: the check must never stop a model that would have loaded.
    """
    folder = _weights_folder(model_id, revision)
    count = count_parameters(folder) if folder is not None else None
    free = _free_bytes(torch, device)
    if count is None or free is None:
        return
    needed = count * _itemsize(torch, dtype)
    if needed <= free:
        return
    name = str(dtype).removeprefix("torch.")
    half = count * 2
    advice = (f"; --dtype bfloat16 would need about {half / _GB:.1f} GB"
              if _itemsize(torch, dtype) > 2 else "")
    cpu_note = " (on the CPU, --dtype auto loads float32)" if device == "cpu" else ""
    raise ModelError(
        f"{model_id!r} will not fit: its {count / 1e9:.2f} B parameters need about "
        f"{needed / _GB:.1f} GB in {name}{cpu_note}, and {device} has {free / _GB:.1f} GB "
        f"free{advice}"
    )


def _itemsize(torch: Any, dtype: Any) -> int:
    return int(torch.empty((), dtype=dtype).element_size())


def _weights_folder(model_id: str, revision: str | None) -> Path | None:
    """The local folder, or the hub cache's snapshot of ``model_id`` when it is there."""
    if os.path.isdir(model_id):
        return Path(model_id)
    try:
        from huggingface_hub import try_to_load_from_cache

        config = try_to_load_from_cache(model_id, "config.json", revision=revision)
    except Exception:  # noqa: BLE001 - no cache, no estimate
        return None
    return Path(config).parent if isinstance(config, str) else None


def _free_bytes(torch: Any, device: str) -> int | None:
    if device.startswith("cuda"):
        free, _total = torch.cuda.mem_get_info(torch.device(device))
        return int(free)
    if device != "cpu":
        return None  # mps shares the system's memory in ways not worth guessing here
    try:
        with open("/proc/meminfo", encoding="ascii") as meminfo:
            for line in meminfo:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    try:
        return os.sysconf("SC_AVPHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
    except (ValueError, OSError, AttributeError):
        return None

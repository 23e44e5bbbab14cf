"""GPU check of the Hugging Face adapters: the tiny test models on CUDA must answer as on the CPU.

    python3 bench/gpu_check_hf.py     # exit 0: agree; 1: disagree; 2: no CUDA

Builds the tests' tiny LLaVA and MiVOLO-interface models (``tests/models/hf_fixtures.py``) in a
temporary folder, runs one batch through each adapter on ``cpu`` and on ``cuda`` and prints
device, dtype, timing and outputs. Greedy texts must be equal and MiVOLO ages within 1e-2.
"""

from __future__ import annotations

import sys
import tempfile
import time
import types
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests" / "models")]
# Import the adapters without robustness/__init__, which loads the whole engine (albumentations,
# openai, ...): GPU images carry torch and transformers but not necessarily the rest.
for _name, _folder in (("robustness", "robustness"), ("robustness._models", "robustness/_models")):
    sys.modules.setdefault(_name, types.ModuleType(_name)).__path__ = [str(ROOT / _folder)]

import numpy as np  # noqa: E402
import torch  # noqa: E402
from hf_fixtures import build_tiny_llava, build_tiny_mivolo, sample_crop  # noqa: E402

from prompts import PromptVariant  # noqa: E402
from robustness._models._base import ModelInput  # noqa: E402
from robustness._models._mivolo import MiVOLOModel  # noqa: E402
from robustness._models._transformers import TransformersModel  # noqa: E402

KINDS = ("transformers", "mivolo")
PROMPTS = (
    PromptVariant(id="plain", purpose="gpu check", user="How old is the person in this image?"),
    PromptVariant(id="system", purpose="gpu check", user="Give age and gender.",
                  system="Be brief."),
)


def timed(model: Any, inputs: list[ModelInput], device: str) -> tuple[list[Any], float]:
    """One warm-up call (loads the weights), then the timed batch."""
    model.predict_batch(inputs[:1])
    if device == "cuda":
        torch.cuda.synchronize()
    started = time.perf_counter()
    predictions = model.predict_batch(inputs)
    if device == "cuda":
        torch.cuda.synchronize()
    return predictions, (time.perf_counter() - started) * 1000


def check(accelerator: str = "cuda") -> list[str]:
    """Run both adapters on ``cpu`` and ``accelerator``; return what disagreed."""
    rng = np.random.default_rng(0)
    mllm = [ModelInput(body=sample_crop(rng, 40 + 8 * i, 32 + 6 * i), prompt=PROMPTS[i % 2])
            for i in range(8)]
    faces = [ModelInput(face=sample_crop(rng, 30 + 3 * i, 24 + 2 * i),
                        body=sample_crop(rng, 90, 40) if i % 4 else None) for i in range(16)]
    with tempfile.TemporaryDirectory() as tmp:
        llava, mivolo = build_tiny_llava(Path(tmp, "llava")), build_tiny_mivolo(Path(tmp, "mivolo"))
        runs: dict[tuple[str, str], list[Any]] = {}
        for device in ("cpu", accelerator):
            for kind, model, inputs in (
                ("transformers", TransformersModel(str(llava), device=device, batch_size=8,
                                                   max_new_tokens=16), mllm),
                ("mivolo", MiVOLOModel(str(mivolo), device=device), faces),
            ):
                runs[kind, device], ms = timed(model, inputs, device)
                print(f"{kind:12} device={device:5} dtype={str(model.dtype):14} "
                      f"batch={len(inputs):2} {ms:8.1f} ms")
    failures = []
    texts, ages = (zip(runs[k, "cpu"], runs[k, accelerator], strict=True) for k in KINDS)
    for cpu, gpu in texts:
        print(f"  text cpu={cpu.raw_text!r} {accelerator}={gpu.raw_text!r}")
        if cpu.outcome == "error" or cpu.raw_text != gpu.raw_text:
            failures.append(f"transformers: {cpu.raw_text!r} != {gpu.raw_text!r} ({gpu.error})")
    for cpu, gpu in ages:
        print(f"  mivolo cpu=({cpu.age}, {cpu.gender}) {accelerator}=({gpu.age}, {gpu.gender})")
        if None in (cpu.age, gpu.age) or abs(cpu.age - gpu.age) > 1e-2 or cpu.gender != gpu.gender:
            failures.append(f"mivolo: {cpu.age} {cpu.gender} != {gpu.age} {gpu.gender}")
    return failures


if __name__ == "__main__":
    if not torch.cuda.is_available():
        print("FAIL: torch.cuda.is_available() is False: run this on a machine with CUDA",
              file=sys.stderr)
        sys.exit(2)
    # cuDNN's default TF32 convolutions could move ages past 1e-2; this checks the adapters'
    # device and dtype handling, so both sides compute in full float32.
    torch.backends.cudnn.allow_tf32 = torch.backends.cuda.matmul.allow_tf32 = False
    import transformers

    print(f"{torch.cuda.get_device_name(0)}, torch {torch.__version__}, "
          f"transformers {transformers.__version__}")
    problems = check("cuda")
    print("\n".join(["FAIL:"] + problems) if problems else "OK: cuda agrees with cpu")
    sys.exit(1 if problems else 0)

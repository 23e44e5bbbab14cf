"""Power and calibration of ``robustness ab`` against the simulated MLLM server.

    python bench/ab_false_positives.py [--data PATH] [--items 200] [--seeds 20] [--synthetic 500]

Arm A asks the ``baseline`` prompt; arm B asks the same text followed by " Thank you.". Why not
the same text under another id: the request key holds the prompt *text*, not its id, so B would be
answered from A's stored answers and the two arms would agree by construction (every difference
zero, no test could ever fire, and the calibration would prove nothing). The neutral suffix makes
B's requests different bodies, so the simulator draws B's answer noise and refusal independently of
A's (its random streams are keyed by the request body), while its rules treat the two texts alike:
same answer format, and no wording that changes the refusal rate. Temperature 1.0 widens the answer
noise (sd 2.5 years instead of 1.5). (The prompt loader strips surrounding whitespace, so a
trailing space alone would not make the texts differ.)

(a) Power: ``refusal_by_prompt=(("thank you", 0.25),)`` with the base refusal rate 0.05, so B
    refuses at 0.25 and A at 0.05; one A/B over ``--items`` London images, clean only. Printed:
    the refusal row, whose p should be far below 0.01. (A fifth of the simulator's refusals are
    "partial" answers that withhold only the gender; they count as answered, so the observed
    full-refusal rates are about 0.04 and 0.20.)
(b) Calibration: both arms refuse at 0.05; ``--seeds`` independent experiments (the server's seed
    and the run seed both vary; a fresh store each time). Printed: the share of rows called
    significant before Holm (raw p ≤ alpha) and after it, over the rows in the Holm family, and
    the share of experiments with any significant row after Holm (the family-wise rate Holm
    bounds by alpha).
(c) The same null without a server, ``--synthetic`` times: integer labels, 100 subjects × 2
    images, independent answer noise and 5 % refusals per arm; many more experiments than (b) can
    afford, so the rates come with a usable precision. Also printed: how often the interval
    covers the true difference 0.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from collections import Counter
from pathlib import Path

import numpy as np

from robustness import ItemResult, ModelSettings, RunOptions
from robustness._ab import ABResult, compare, run_ab
from robustness._models import InputMode
from robustness._simserver import SimConfig, SimServer

DEFAULT_DATA = Path(__file__).resolve().parents[2] / "shared" / "data" / "faces" / "london"
SUFFIX = "Thank you."
PROMPTS_TOML = f"""
[[variant]]
id = "baseline-thanks"
purpose = "The baseline prompt with a neutral suffix: an A/A control arm."
user = "Estimate the age and gender of the person in this image. {SUFFIX}"
"""


def experiment(data: Path, items: int, seed: int, config: SimConfig, work: Path, *,
               input_mode: InputMode) -> ABResult:
    """One A/B (baseline vs baseline-thanks) against a fresh server and a fresh store."""
    work = Path(tempfile.mkdtemp(dir=work))  # a fresh store: no answer is shared across runs
    prompts_file = work / "prompts.toml"
    prompts_file.write_text(PROMPTS_TOML, encoding="utf-8")
    with SimServer(config) as server:
        server.warm_up()
        options = RunOptions(
            data=data, models=("llava",), perturbations=(), limit=items, seed=seed,
            store=work / "ab.sqlite", prompts_file=prompts_file,
            model_settings=ModelSettings(base_url=server.base_url, concurrency=32,
                                         temperature=1.0, timeout_s=30.0,
                                         input_mode=input_mode),
        )
        return run_ab(options, a="baseline", b="baseline-thanks", kind="prompt")


def power(data: Path, items: int, work: Path) -> None:
    """(a): B refuses at 0.25, A at 0.05; print the refusal row."""
    config = SimConfig(refusal_rate=0.05, refusal_by_prompt=(("thank you", 0.25),))
    started = time.perf_counter()
    result = experiment(data, items, 0, config, work, input_mode="body")
    (row,) = [r for r in result.rows if r.metric == "refusal_rate"]
    print(f"(a) power, {items} items, refusal 0.05 (A) vs 0.25 (B), "
          f"{time.perf_counter() - started:.0f} s")
    print(f"    refusal rate A {row.a_value:.3f}, B {row.b_value:.3f}; b01 = {row.b01} "
          f"(only B refused), b10 = {row.b10}; {row.test}")
    print(f"    p = {row.p:.3g}, Holm p = {row.p_holm:.3g}, verdict: {row.verdict}; "
          f"p < 0.01: {row.p < 0.01}")


def calibration(data: Path, items: int, seeds: int, work: Path) -> None:
    """(b): A = A against the server, once per seed; print the rates."""
    started = time.perf_counter()
    # Face crops (~100 KB PNG) rather than the 675-px body frame (~630 KB) the MLLM presets
    # send: client and server share this process and two cores, and whether the test holds its
    # level does not depend on the crop. (Face crops draw a few more quality refusals in both
    # arms alike, which is why (a) keeps the default body crop: it measures power as users run.)
    results = [experiment(data, items, seed, SimConfig(refusal_rate=0.05, seed=seed), work,
                          input_mode="face")
               for seed in range(seeds)]
    print(f"(b) calibration, A = A (neutral suffix), {seeds} seeds × {items} items, "
          f"{time.perf_counter() - started:.0f} s")
    report(results, indent="    ")


def report(results: list[ABResult], *, indent: str) -> None:
    """Print how many rows and experiments were called significant, before and after Holm."""
    alpha = results[0].alpha
    family = [row for result in results for row in result.rows if row.p_holm is not None]
    raw = sum(row.p <= alpha for row in family)
    held = sum(row.p_holm is not None and row.p_holm <= alpha for row in family)
    any_called = sum(any(row.verdict != "no detectable difference" for row in result.rows)
                     for result in results)
    all_rows = [row for result in results for row in result.rows]
    print(f"{indent}rows in the Holm family: {len(family)} of {len(all_rows)} "
          f"(by metric: {dict(Counter(row.metric for row in family))})")
    print(f"{indent}significant before Holm: {raw}/{len(family)} = "
          f"{raw / max(1, len(family)):.3f}; after Holm: {held}/{len(family)} = "
          f"{held / max(1, len(family)):.3f} (nominal {alpha:g})")
    print(f"{indent}experiments with any significant row after Holm: {any_called}/"
          f"{len(results)} = {any_called / len(results):.3f}")
    for metric in sorted({row.metric for row in family}):
        rows = [row for row in family if row.metric == metric]
        print(f"{indent}  {metric}: before Holm {sum(r.p <= alpha for r in rows) / len(rows):.3f}"
              f" over {len(rows)} rows")


def synthetic(count: int) -> None:
    """(c): the null without a server, ``count`` times; print the rates and CI coverage."""
    started = time.perf_counter()
    results, covered, intervals = [], 0, 0
    for seed in range(count):
        rng = np.random.default_rng([2024, seed])
        truth = rng.integers(18, 70, size=100).repeat(2)  # 100 subjects × 2 images
        estimate = truth + rng.normal(0.0, 5.0, size=200)  # what the model "sees", shared
        arms = []
        for prompt in ("a", "b"):
            ages = np.rint(estimate + rng.normal(0.0, 2.5, size=200))
            refused = rng.random(200) < 0.05
            arms.append([
                ItemResult(model="sim", prompt=prompt, sample_id=f"s{i}", perturbation="none",
                           severity=0, replicate=0, repeat=0,
                           outcome="refusal" if refused[i] else "answer",
                           age=None if refused[i] else float(ages[i]), gender="female",
                           age_true=float(truth[i]), gender_true="female",
                           subject_id=str(i // 2))
                for i in range(200)
            ])
        result = compare(arms[0], arms[1], seed=seed, n_boot=1000)
        for row in result.rows:
            if row.ci is not None and row.metric == "mae":
                intervals += 1
                covered += row.ci[0] <= 0.0 <= row.ci[1]
        results.append(result)
    print(f"(c) synthetic null, {count} experiments × 200 items (100 subjects × 2), "
          f"{time.perf_counter() - started:.0f} s")
    report(results, indent="    ")
    print(f"    MAE interval covers the true difference 0: {covered}/{intervals} = "
          f"{covered / max(1, intervals):.3f} (nominal 0.95)")


def main() -> None:
    """Run (a), (b) and (c) and print their figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--items", type=int, default=200)
    parser.add_argument("--seeds", type=int, default=20)
    parser.add_argument("--synthetic", type=int, default=500)
    args = parser.parse_args()
    print("SIMULATED: (a) and (b) are answered by the suite's simulated MLLM server")
    with tempfile.TemporaryDirectory() as folder:
        power(args.data, args.items, Path(folder))
        calibration(args.data, args.items, args.seeds, Path(folder))
    synthetic(args.synthetic)


if __name__ == "__main__":
    main()

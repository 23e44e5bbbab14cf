"""``robustness perturbations``: the severity table, or a grid of one image under each family."""

from __future__ import annotations

from pathlib import Path

import click
import numpy as np
from PIL import Image
from rich.table import Table

import perturbations
from perturbations import Boxes

from .._datasets import detect_face, load_image
from .._exceptions import ConfigError
from ._common import names_option, out, severities_option, user_errors

__all__ = ["perturbations_command"]


@click.command("perturbations")
@click.option("--image", type=click.Path(path_type=Path, exists=True, dir_okay=False),
              default=None, help="Render this image under each family and severity.")
@click.option("--out", "out_path", type=click.Path(path_type=Path), default=Path("grid.png"),
              show_default=True, help="Where to write the grid (with --image).")
@click.option("--families", default="all", show_default=True,
              help="Comma-separated families, or 'all'.")
@click.option("--severities", default="1,2,3,4,5", show_default=True,
              help="Comma-separated severities (1-5).")
@click.option("--seed", default=0, show_default=True, type=int, help="Seed for random families.")
@user_errors
def perturbations_command(image: Path | None, out_path: Path, families: str, severities: str,
                          seed: int) -> None:
    """Without --image, list the severity table; with it, write a families × severities grid."""
    if image is None:
        _print_table()
        return
    names = names_option(families, all_names=perturbations.FAMILIES)
    levels = severities_option(severities)
    pixels = load_image(image.resolve(), root=image.resolve().parent)
    face = detect_face(pixels)
    try:
        grid = perturbations.render_grid(
            pixels, Boxes(face=face), families=names, severities=levels, seed=seed
        )
    except ValueError as exc:
        raise ConfigError(str(exc)) from None
    out_path.parent.mkdir(parents=True, exist_ok=True)
    Image.fromarray(np.asarray(grid)).save(out_path)
    where = "the detected face" if face is not None else "the whole image (no face detected)"
    out.print(f"{len(names)} families × {len(levels)} severities of {where} written to {out_path}")


def _print_table() -> None:
    """One row per family and parameter, severities across; sources as numbered notes."""
    units: dict[tuple[str, str], str] = {}
    values: dict[tuple[str, str], dict[int, float]] = {}
    notes: dict[tuple[str, str], int] = {}
    sources: dict[str, int] = {}
    for entry in perturbations.severity_table():
        key = (str(entry["family"]), str(entry["parameter"]))
        units.setdefault(key, str(entry["unit"]))
        values.setdefault(key, {})[int(entry["severity"])] = float(entry["value"])
        notes[key] = sources.setdefault(str(entry["source"]), len(sources) + 1)
    table = Table(title="perturbation severities", title_justify="left")
    for column in ("family", "parameter", "unit", "s1", "s2", "s3", "s4", "s5", "src"):
        table.add_column(column, justify="right" if column[0] == "s" else "left")
    for key, by_severity in values.items():
        cells = [f"{by_severity[s]:g}" if s in by_severity else "" for s in range(1, 6)]
        table.add_row(*key, units[key], *cells, str(notes[key]))
    out.print(table)
    for source, number in sources.items():
        out.print(f"[{number}] {source}", highlight=False)

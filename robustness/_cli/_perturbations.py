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
    rows = perturbations.severity_table()
    table = Table(title="perturbation severities")
    for column in rows[0]:
        table.add_column(str(column))
    for row in rows:
        table.add_row(*(str(value) for value in row.values()))
    out.print(table)

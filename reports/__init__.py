"""HTML stability reports: one self-contained page from plain result data.

Build a :class:`ReportData` (the engine's ``build_report`` does it from a result store, a test by
hand) and call :func:`render_html`; the page needs no network, no script and no other file.
This package never imports the engine: it renders plain values only.

Example:
    >>> from reports import ReportData, render_html
    >>> page = render_html(ReportData(title="demo", generated_at="now", header={}, summary={}))
    >>> page.startswith("<!DOCTYPE html>")
    True
"""

from __future__ import annotations

from ._html import CSP, SECTIONS, render_html
from ._model import (
    Answer,
    DatasetInfo,
    GalleryCell,
    GallerySample,
    Header,
    ModelInfo,
    ReportData,
)

__all__ = [
    "CSP",
    "SECTIONS",
    "Answer",
    "DatasetInfo",
    "GalleryCell",
    "GallerySample",
    "Header",
    "ModelInfo",
    "ReportData",
    "render_html",
]

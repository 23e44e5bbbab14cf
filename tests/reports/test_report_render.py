"""``render_html`` on hand-built data: sections, escaping, offline-only, badges, notes."""

from __future__ import annotations

import re
import subprocess
import sys
from collections.abc import Callable
from html.parser import HTMLParser

import reports
from reports import CSP, SECTIONS, GalleryCell, GallerySample, ReportData, render_html

MakeReport = Callable[..., ReportData]


class _Collector(HTMLParser):
    """Tags, attributes and ids as a browser's parser sees them."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.data: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data: str) -> None:
        self.data.append(data)


def _parse(page: str) -> _Collector:
    parser = _Collector()
    parser.feed(page)
    parser.close()
    return parser


def test_public_api_is_pinned() -> None:
    assert reports.__all__ == [
        "CSP", "SECTIONS", "Answer", "DatasetInfo", "GalleryCell", "GallerySample", "Header",
        "ModelInfo", "ReportData", "render_html",
    ]
    for name in reports.__all__:
        assert hasattr(reports, name), name


def test_every_section_is_present_once(make_report: MakeReport) -> None:
    parsed = _parse(render_html(make_report()))
    ids = [attrs.get("id") for _, attrs in parsed.tags if attrs.get("id")]
    for section_id, _ in SECTIONS:
        assert ids.count(section_id) == 1, section_id
    assert "ab" in ids and "counterexamples" in ids


def test_hostile_strings_render_as_text_never_as_markup(
    make_report: MakeReport, hostile: str
) -> None:
    page = render_html(make_report())
    parsed = _parse(page)
    assert [tag for tag, _ in parsed.tags if tag == "script"] == []
    # The only images are the data: thumbnails; no element carries an event handler.
    for tag, attrs in parsed.tags:
        assert not any(name.startswith("on") for name in attrs), (tag, attrs)
        if tag == "img":
            assert (attrs["src"] or "").startswith("data:image/")
    text = "".join(parsed.data)
    # Answers, raw text, sample ids, model names, prompts, attribution: all shown as text.
    assert text.count(hostile) >= 10
    assert "sample " + hostile in text
    assert "DeBruine & Jones (2017), CC BY 4.0 " + hostile in text


def test_content_security_policy_forbids_everything_but_inline_style_and_data_images(
    make_report: MakeReport,
) -> None:
    page = render_html(make_report())
    metas = [a for t, a in _parse(page).tags if t == "meta" and a.get("http-equiv")]
    assert metas == [{"http-equiv": "Content-Security-Policy", "content": CSP}]
    assert CSP == "default-src 'none'; img-src data:; style-src 'unsafe-inline'"


_TAG = re.compile(r"<[a-zA-Z][^>]*>")
# One attribute; a quoted value is consumed whole, so text inside a title="…" never matches.
_ATTRIBUTE = re.compile(r"""\s([\w:-]+)(?:\s*=\s*("[^"]*"|'[^']*'|[^\s"'>]+))?""")
_FETCHING = {"src", "href", "srcset", "action", "poster", "data", "xlink:href", "background"}


def test_no_resource_is_fetched_from_the_network(make_report: MakeReport) -> None:
    page = render_html(make_report())
    references = [
        value.strip("\"'")
        for tag in _TAG.findall(page)
        for name, value in _ATTRIBUTE.findall(tag)
        if name.lower() in _FETCHING
    ]
    assert references, "expected at least the thumbnails and the navigation links"
    for reference in references:
        assert reference.startswith(("data:image/", "#")), reference
        assert not re.match(r"\s*(https?:)?//", reference)
    assert not re.search(r"url\(\s*['\"]?(?!data:)", page)  # nothing pulled in through CSS
    # The parser agrees: no tag of the page points anywhere but the page or a data: image.
    for _, attrs in _parse(page).tags:
        for name in _FETCHING & attrs.keys():
            assert (attrs[name] or "").startswith(("data:image/", "#")), attrs


def test_simulated_models_carry_a_badge_and_an_explanation(make_report: MakeReport) -> None:
    flagged = render_html(make_report(simulated=True))
    assert 'class="badge sim">SIMULATED<' in flagged
    assert "simulated MLLM server" in flagged
    plain = make_report(simulated=False)
    plain.summary["models"][next(iter(plain.summary["models"].keys() - {"steady"}))][
        "simulated"] = False
    assert "SIMULATED" not in render_html(plain)


def test_refusal_section_says_so_when_nobody_refused(make_report: MakeReport) -> None:
    page = render_html(make_report(refusals=False))
    refusals = page[page.index('id="refusals"'):page.index('id="prompts"')]
    assert "No model refused any item in this run." in refusals
    with_refusals = render_html(make_report(refusals=True))
    assert "No model refused" not in with_refusals
    assert "every condition with a refusal" in with_refusals


def test_gallery_marks_moved_flipped_and_refused_answers(make_report: MakeReport) -> None:
    page = render_html(make_report())
    assert 'class="chip same">34 F<' in page
    assert 'class="chip flipped">⇄ 51 M<' in page  # a flip outranks an age move
    assert 'class="chip refused">✕ ' in page
    assert page.count('<details class="raw">') == 2  # cells with an MLLM's raw text
    assert "image unavailable" in page  # the cell with no thumbnail bytes


def test_an_empty_report_still_renders_every_section() -> None:
    page = render_html(ReportData(title="empty", generated_at="now", header={}, summary={}))
    for section_id, _ in SECTIONS:
        assert f'id="{section_id}"' in page
    assert "No sample to show." in page


def test_unlabelled_runs_chart_the_shift_instead_of_mae(make_report: MakeReport) -> None:
    data = make_report()
    for block in data.summary["models"].values():
        for entry in [block["clean"], *block["clean_by_prompt"].values(), *block["conditions"]]:
            entry["mae"] = None
    page = render_html(data)
    assert "mean |Δage|, years" in page and "MAE, years" not in page


def test_ab_rows_render_whatever_columns_they_carry(make_report: MakeReport) -> None:
    data = make_report()
    rows = [{"perturbation": "jpeg", "severity": 3, "metric": "mae", "n": 40, "a_value": 5.1,
             "b_value": 6.3, "diff": 1.2, "ci": [0.4, 2.0], "test": "wilcoxon-pratt",
             "p": 0.004, "p_holm": 0.012, "verdict": "A better", "note": None},
            {"perturbation": "jpeg", "severity": 3, "metric": "gender_acc", "n": 40,
             "verdict": "no detectable difference", "extra": "kept"}]
    page = render_html(ReportData(data.title, data.generated_at, data.header, data.summary,
                                  ab=rows))
    table = page[page.index('id="ab"'):page.index("</table>", page.index('id="ab"'))]
    headers = re.findall(r"<th>(.*?)</th>", table)
    assert headers[:4] == ["perturbation", "severity", "metric", "n"]
    assert {"test", "note", "extra"} <= set(headers)
    assert "[0.400, 2.000]" in table and '<td class="found">A better</td>' in table
    assert "<td>no detectable difference</td>" in table


def test_thumbnail_format_is_sniffed_and_unknown_bytes_are_not_embedded() -> None:
    cell = GalleryCell("none", 0, b"GIF89a not allowed", [])
    page = render_html(ReportData(title="t", generated_at="now", header={}, summary={},
                                  gallery=[GallerySample("s", None, [cell])]))
    assert "data:image" not in page and "image unavailable" in page


def test_reports_renders_from_plain_data_without_the_engine() -> None:
    code = ("import sys, reports; print(sorted(m for m in sys.modules if m.split('.')[0] in "
            "('robustness', 'perturbations', 'prompts', 'numpy', 'PIL')))")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            check=True)
    assert result.stdout.strip() == "[]"

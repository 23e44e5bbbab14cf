"""``render_html``: one self-contained page from a :class:`ReportData`.

The page makes no network request: styles are inline, images are ``data:`` URIs, charts are
inline SVG, there is no script at all, and a Content-Security-Policy forbids anything else — so a
hostile string that slipped past escaping still could not load or run anything.
"""

from __future__ import annotations

from collections.abc import Sequence

from ._extras import comparison_body, slices_body
from ._figures import degradation_panels, heat_map
from ._format import Series, esc, series_of
from ._gallery import gallery, gallery_legend
from ._header import header_html
from ._index import ConditionIndex, index_conditions
from ._model import ReportData
from ._refusals import any_refusal, prompt_sensitivity_table, refusal_tables
from ._style import CSS
from ._svg import legend
from ._tables import benchmark_table, glance, rows_table

__all__ = ["CSP", "SECTIONS", "render_html"]

CSP = "default-src 'none'; img-src data:; style-src 'unsafe-inline'"

# (id, navigation label), in page order.
SECTIONS = (
    ("overview", "Overview"), ("glance", "At a glance"), ("benchmark", "Clean benchmark"),
    ("degradation", "Degradation"), ("stability", "Stability map"), ("refusals", "Refusals"),
    ("prompts", "Prompts"), ("slices", "Who is affected"), ("cost", "Quality and cost"),
    ("gallery", "Gallery"),
)

# ``ABRow.to_json()`` keys first (the engine's A/B rows), then whatever else a row carries.
AB_COLUMNS = ("perturbation", "severity", "condition", "metric", "n", "a_value", "b_value",
              "diff", "ci", "p", "p_holm", "verdict")


def _section(section_id: str, title: str, how_to_read: str, body: str) -> str:
    return (f'<section id="{section_id}"><h2>{esc(title)}</h2>'
            f'<p class="howto"><strong>How to read this.</strong> {how_to_read}</p>'
            f"{body}</section>")


def render_html(data: ReportData) -> str:
    """The whole report as one HTML document (UTF-8 text)."""
    series = series_of(data.summary)
    index = index_conditions(data.summary)
    key = legend(series)
    age_metric = "MAE" if index.labelled else "mean |Δage| against the clean answer"
    metrics = data.summary.get("metrics") or {}
    score = (data.summary.get("instability") or {}).get(
        "definition", "the engine's instability score")
    parts = [
        header_html(data.title, data.generated_at, data.header),
        _section(
            "glance", "At a glance: who moves most",
            "Each model (and prompt) is compared with its own answer on the clean image. "
            "<em>Mean |Δage|</em> is how many years the age answer moves on average under a "
            "perturbation; the <em>flip rate</em> is how often the gender answer changes. Rows "
            f"are sorted least stable first ({esc(score)}, averaged over the conditions); "
            "longer bars are worse. The second table names, per "
            "perturbation, which model moved most and which least. Close values are not a "
            "verdict: compare two models or prompts on the same items with an A/B test.",
            glance(index, series),
        ),
        _section(
            "benchmark", "Clean benchmark",
            "Accuracy on the unperturbed images, per model and prompt, each figure with its 95 % "
            "interval in brackets and the number of items it is over (n). MAE: mean absolute age "
            "error in years (lower is better); CS@5: share within 5 years; refusal rate: "
            "refusals among items the model was asked. ⚠ marks a model answering under 80 % of "
            "its items. A dash means undefined (e.g. the data has no labels). Open "
            "<em>definitions</em> for what each figure counts and which interval it has.",
            benchmark_table(index, series, metrics) + _definitions(data),
        ),
        _section(
            "degradation", "Degradation curves",
            f"One card per perturbation family. Top: {age_metric} against severity (0 = clean, "
            "5 = strongest); bottom: gender flip rate against the clean answer. All cards share "
            "the same axes, so a steeper line is a bigger effect; a line that stays flat is a "
            "robust model. Hover a point for its value.",
            key + degradation_panels(index, series),
        ),
        _section(
            "stability", "Stability map",
            "Every condition at once: rows are perturbations, columns each model's severities. "
            "Darker cells moved more. Read across a row to compare models under one perturbation, "
            "down a column block to see which perturbations hurt one model. A dot means the "
            "condition was not run (invariances such as hflip have one strength); ⚠ marks a "
            "condition answered on under 80 % of its items.",
            heat_map(index, series, key="age_shift_mean", percent=False, floor=5.0,
                     caption="mean |Δage| vs clean (years)")
            + heat_map(index, series, key="gender_flip_rate", percent=True, floor=0.1,
                       caption="gender flip rate vs clean"),
        ),
        _refusal_section(data, index, series),
        _prompt_section(data),
        _section(
            "slices", "Who is affected",
            "Each model's figures per subgroup (run with --slice-by COLUMN: age band, gender or "
            "a dataset column such as ethnicity): accuracy and refusals on the slice's clean "
            "images, |Δage| and flips over its perturbed images, each with its 95 % interval "
            "and n. The gap is the worst slice minus the best, in the figure's bad direction, "
            "among slices with enough items; an interval that includes 0 means the data cannot "
            "tell the slices apart.",
            slices_body(data.summary) or '<p class="note">This run was not sliced: pass '
            '--slice-by COLUMN.</p>',
        ),
        _section(
            "cost", "Quality and cost",
            "One row per model and prompt: clean accuracy and refusals, stability over every "
            "perturbed image, then latency percentiles, requests per second one request slot "
            "sustains, mean tokens per prediction (estimated where the API reported none) and "
            "cost per 1,000 predictions from the prices you set; unknown when unset.",
            comparison_body(data.summary),
        ),
        _gallery_section(data, series),
    ]
    nav = "".join(f'<a href="#{sid}">{esc(label)}</a>' for sid, label in SECTIONS)
    return (
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
        f'<meta http-equiv="Content-Security-Policy" content="{CSP}">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{esc(data.title)}</title><style>{CSS}</style></head><body>"
        f'<nav>{nav}</nav><main>{"".join(parts)}'
        f"<footer>Generated {esc(data.generated_at)} by agegender-robustness. Self-contained: "
        "this file loads nothing from the network.</footer></main></body></html>\n"
    )


def _definitions(data: ReportData) -> str:
    """The summary's metric table and interval settings, behind a ``<details>``."""
    metrics = data.summary.get("metrics") or {}
    if not metrics:
        return ""
    rows = [{"figure": spec.get("title") or name, "key": name, "counts": spec.get("definition"),
             "over": spec.get("over"), "n": spec.get("n_key"), "interval": spec.get("interval")}
            for name, spec in metrics.items()]
    settings = data.summary.get("intervals") or {}
    methods = [{"method": name, "meaning": text}
               for name, text in (settings.get("methods") or {}).items()]
    note = (f"<p>{float(settings.get('level', 0.95)) * 100:g} % intervals; "
            f"{esc(settings.get('resamples', '–'))} bootstrap resamples, seed "
            f"{esc(settings.get('seed', '–'))}, clustered by {esc(settings.get('cluster', '–'))}."
            "</p>") if settings else ""
    return ("<details><summary>definitions</summary>" + rows_table(rows) + note
            + (rows_table(methods) if methods else "") + "</details>")


def _refusal_section(data: ReportData, index: ConditionIndex, series: Sequence[Series]) -> str:
    if any_refusal(data.summary, index):
        body = refusal_tables(index, series)
    else:
        body = '<p class="note">No model refused any item in this run.</p>'
    return _section(
        "refusals", "Refusals",
        "How often a model declined to answer, by the kind of refusal its reply was classified "
        "as (the API's own refusal signal first, then text patterns). Rates are shares of the "
        "items the model was asked; a refusal is never counted as a right or wrong answer. "
        "Compare the clean column with the perturbed ones: refusing more on degraded images is "
        "itself instability.",
        body,
    )


def _prompt_section(data: ReportData) -> str:
    table = prompt_sensitivity_table(data.summary)
    body = table or '<p class="note">Every model was asked with one prompt: nothing to compare.</p>'
    if data.ab:
        body += ('<h3 id="ab">A/B verdicts</h3>'
                 + rows_table(data.ab, preferred=AB_COLUMNS))
    return _section(
        "prompts", "Prompt sensitivity and A/B",
        "Prompt sensitivity asks the same model about the same clean image with different "
        "prompts: the mean SD of its age answers across prompts (years), and how often its "
        "gender answers disagree. A/B verdicts, when present, compare two prompts or models on "
        "the same items with paired tests; p_holm is corrected for the number of comparisons.",
        body,
    )


def _gallery_section(data: ReportData, series: Sequence[Series]) -> str:
    note = f"<p>{esc(data.gallery_note)}</p>" if data.gallery_note else ""
    body = gallery(data.gallery, series) if data.gallery else (
        '<p class="note">No sample to show.</p>')
    if data.counterexamples:
        body += ('<h3 id="counterexamples">Counterexamples</h3>'
                 + rows_table(data.counterexamples))
    return _section(
        "gallery", "Gallery: the least stable samples",
        "In the spirit of the study's Figure 5: the samples whose answers moved most, each "
        "shown clean and under the conditions where answers moved most. Under every image, "
        "one line per model (colour as in the charts) with its answer as <em>age gender</em>. "
        "Open <em>raw text</em> for an MLLM's reply as it was sent.",
        note + legend(series) + gallery_legend() + body,
    )

"""The page header: what was run, on what data (with its required attribution), and at what cost.

Simulated models are flagged twice on purpose — a badge by the name and a sentence saying what it
means — because a screenshot of a SIMULATED figure must not pass for a real model's.
"""

from __future__ import annotations

from ._format import esc, fmt_num
from ._model import Header

__all__ = ["SIMULATED_NOTE", "header_html"]

SIMULATED_NOTE = (
    "answered from this suite's own simulated MLLM server: a local OpenAI-protocol server that "
    "answers from the embedded model in varied free text and refuses at configured rates. Its "
    "figures exercise the pipeline; they say nothing about any real multimodal LLM."
)


def _models(header: Header) -> str:
    items = []
    for model in header.get("models", []):
        badge = ' <span class="badge sim">SIMULATED</span>' if model.get("simulated") else ""
        shown = f' <span class="muted">— {esc(model["input"])}</span>' if model.get("input") else ""
        fingerprint = (f'<br><code class="fp">{esc(model["fingerprint"])}</code>'
                       if model.get("fingerprint") else "")
        items.append(f"<li><strong>{esc(model.get('name', '?'))}</strong>{badge}{shown}"
                     f"{fingerprint}</li>")
    simulated = [m.get("name", "?") for m in header.get("models", []) if m.get("simulated")]
    note = (f'<p class="simnote"><span class="badge sim">SIMULATED</span> '
            f"{esc(', '.join(simulated))} {esc(SIMULATED_NOTE)}</p>") if simulated else ""
    return f'<div><h2 class="h3">Models</h2><ul class="models">{"".join(items)}</ul>{note}</div>'


def _datasets(header: Header) -> str:
    items = []
    for dataset in header.get("datasets", []):
        where = " · ".join(esc(dataset[k]) for k in ("path", "format") if dataset.get(k))
        line = dataset.get("attribution")
        attribution = (f'<p class="attribution">Images and results: {esc(line)}</p>'
                       if line else '<p class="muted">No licence or attribution line found.</p>')
        full = dataset.get("attribution_full")
        more = (f"<details><summary>dataset notes</summary><pre>{esc(full)}</pre></details>"
                if full and full != line else "")
        items.append(f"<li><strong>{esc(dataset.get('name', '?'))}</strong> "
                     f'<span class="muted">{where}</span>{attribution}{more}</li>')
    return f'<h2 class="h3">Data</h2><ul class="datasets">{"".join(items)}</ul>' if items else ""


def _facts(header: Header) -> str:
    facts: list[tuple[str, str]] = [
        (label, fmt_num(value)) for label, value in header.get("counts", {}).items()
    ]
    if "seed" in header:
        facts.append(("seed", str(header["seed"])))
    tokens = header.get("tokens") or {}
    if tokens:
        facts.append(("tokens", " · ".join(f"{k} {fmt_num(v)}" for k, v in tokens.items())))
    if header.get("cost"):
        facts.append(("cost", header["cost"]))
    facts += [(name, version) for name, version in header.get("versions", {}).items()]
    cells = "".join(f"<div><dt>{esc(label)}</dt><dd>{esc(value)}</dd></div>"
                    for label, value in facts)
    return f'<dl class="facts">{cells}</dl>'


def _prompts(header: Header) -> str:
    prompts = header.get("prompts") or {}
    if not prompts:
        return ""
    rows = "".join(f"<dt>{esc(pid)}</dt><dd><pre>{esc(text)}</pre></dd>"
                   for pid, text in prompts.items())
    return f"<details><summary>prompt texts ({len(prompts)})</summary><dl>{rows}</dl></details>"


def header_html(title: str, generated_at: str, header: Header) -> str:
    """The ``<header>`` block of the page."""
    run = f" · run <code>{esc(header['run_id'])}</code>" if header.get("run_id") else ""
    notes = "".join(f"<p>{esc(note)}</p>" for note in header.get("notes", []))
    return (
        f'<header id="overview"><h1>{esc(title)}</h1>'
        f'<p class="muted">generated {esc(generated_at)}{run}</p>'
        f'<div class="two">{_models(header)}<div>{_datasets(header)}</div></div>'
        f"{_facts(header)}{_prompts(header)}{notes}</header>"
    )

"""Whether the simulated model declines, and how it words it.

The refusal probability is ``1 - (1 - w) * (1 - q)``: ``w`` is the prompt's rate
(``prompt_refusal_rate``: a matching ``refusal_by_prompt`` entry, else ``refusal_rate`` scaled by
the wording) and ``q`` the image's quality penalty (``Quality.refusal_penalty``). A rate of 0
turns refusals off, quality ones included, so a fault-only configuration never refuses.

Forms, as FIELD.md §8 classifies them (full refusal / partial / hedged):

- ``field``: content null, the API's ``message.refusal`` set (the strongest signal);
- ``policy``: "I'm sorry, I can't help with identifying or making assumptions about people…";
- ``quality``: "I can't determine age or gender from this image because it is too blurry."
  (only for an image with a named quality problem, and then the likeliest form);
- ``hedged``: "It's hard to say; they could be anywhere between 20 and 40.";
- ``partial``: the age in the asked-for format, gender withheld (``null``/``unknown``/omitted).

An image where no face could be scored always gets the ``no_face`` answer instead.
"""

from __future__ import annotations

import json
import random
from dataclasses import dataclass
from typing import Literal

from ._config import SimConfig
from ._prompting import PromptStyle, prompt_refusal_rate
from ._quality import Quality

__all__ = ["Refusal", "RefusalForm", "no_face_answer", "refusal_chance", "render_refusal"]

RefusalForm = Literal["field", "policy", "quality", "hedged", "partial", "no_face"]

_FIELD = ("I'm sorry, but I can't help with estimating the age or gender of people in images.",
          "Lo siento, pero no puedo ayudar a estimar la edad o el género de personas en imágenes.")
_POLICY = ("I'm sorry, I can't help with identifying or making assumptions about people in "
           "images.",
           "Lo siento, no puedo ayudar a identificar ni a hacer suposiciones sobre personas en "
           "imágenes.")
_NO_FACE = ("I can't see a face clearly enough in this image to estimate age or gender.",
            "No veo ninguna cara con claridad en esta imagen, así que no puedo estimar la edad "
            "ni el género.")
_PROBLEMS_ES = {"blurry": "borrosa", "dark": "oscura", "low in contrast": "con poco contraste",
                "small": "pequeña"}


@dataclass(frozen=True, slots=True)
class Refusal:
    """A refusal as sent: ``content`` (may be ``None``) and the ``message.refusal`` field."""

    form: RefusalForm
    content: str | None
    refusal: str | None = None


def refusal_chance(config: SimConfig, text: str, quality: Quality) -> float:
    """The probability of a refusal for this prompt and image (module docstring)."""
    wording = prompt_refusal_rate(config, text)
    if wording <= 0:
        return 0.0
    return 1 - (1 - wording) * (1 - quality.refusal_penalty)


def no_face_answer(style: PromptStyle) -> Refusal:
    """The "cannot determine" answer for an image with nothing the model could score."""
    return Refusal("no_face", _NO_FACE[style.spanish])


def render_refusal(age: int, style: PromptStyle, quality: Quality,
                   rng: random.Random) -> Refusal:
    """Pick a refusal form (quality-driven when the image has a named problem) and word it."""
    problem = quality.worst_problem
    forms: list[RefusalForm] = ["field", "policy", "hedged", "partial"]
    weights = [0.3, 0.3, 0.2, 0.2]
    if problem is not None:
        forms.append("quality")
        weights = [0.15, 0.15, 0.1, 0.1, 0.5]
    form = rng.choices(forms, weights)[0]
    es = style.spanish
    if form == "field":
        return Refusal(form, None, _FIELD[es])
    if form == "policy":
        return Refusal(form, _POLICY[es])
    if form == "quality":
        assert problem is not None
        if es:
            return Refusal(form, "No puedo determinar la edad ni el género en esta imagen porque "
                                 f"está demasiado {_PROBLEMS_ES[problem]}.")
        return Refusal(form, "I can't determine age or gender from this image because it is "
                             f"too {problem}.")
    if form == "hedged":
        low = max(1, 5 * round((age - 10) / 5))
        if es:
            return Refusal(form, f"Es difícil decirlo; podría tener entre {low} y {low + 20} años.")
        return Refusal(form, "It's hard to say; they could be anywhere between "
                             f"{low} and {low + 20}.")
    return Refusal(form, _partial(age, style))


def _partial(age: int, style: PromptStyle) -> str:
    """The age in the asked-for format with gender withheld."""
    if style.format == "json":
        return ("I can estimate the age, but I won't infer gender from appearance.\n"
                + json.dumps({"age": age, "gender": None}))
    if style.format == "final":
        return ("I can give an age estimate from the visible features, but gender can't be "
                f"reliably judged from appearance.\n\nFinal answer: age {age}, gender unknown")
    if style.format == "bare":
        return str(age)
    if style.spanish:
        return (f"Parece tener unos {age} años; no voy a suponer su género a partir de su "
                "apariencia.")
    return (f"They appear to be around {age} years old. I'd rather not guess their gender from "
            "appearance alone.")

"""Rendering an estimate as the varied free text a chat model writes, in the asked-for format.

The answered age is the model's estimate plus a little seeded noise (sd 1.5 years at
temperature 0, one more per unit of temperature, clipped at 2.5 sd), so one image asked twice
the same way gets the same answer, and asked another way may differ by a year or two, as real
MLLMs do. Templates per format:

- json: bare object, fenced `````json`` block, a lead-in sentence before either, or an object
  with ``confidence``/``age_range`` extras; keys in the prompt's order.
- final: a reasoning paragraph on skin, hair and face shape with a distracting number or two,
  then ``Final answer: age 34, gender female``.
- bare: ``34 female`` / ``34, female`` (``female 34`` gender-first).
- spanish: ``Parece una mujer de unos 34 años.`` and three more.
- prose: English templates with a number, a range (``30-35``) or words (``late twenties``), and
  the shapes real MLLM answers take (``prompts`` reads them all): negation and contrast ("a
  woman, not a man"), a disjunction of age words ("late twenties or early thirties"), an open
  range for older people ("over 60", "70+"), a decade ("in her 30s"), a life stage ("a
  teenager", "middle-aged"), records ("- female, 34, dark hair, jacket"; a header line and a
  value line; a YAML-ish list), a refusal followed by a guess, and a quoted word that is not the
  answer ("the badge reads 'Male'").
- Chinese or Russian prompts get answers in that language ("这是一名女性，年龄约34岁").

A prompt that asks only one field (``PromptStyle.asks``) gets only that field, in its format.
"""

from __future__ import annotations

import json
import random

from .._types import Gender
from ._prompting import PromptStyle

__all__ = ["age_words", "answered_age", "render_answer", "words"]

_DECADES = {2: "twenties", 3: "thirties", 4: "forties", 5: "fifties", 6: "sixties",
            7: "seventies", 8: "eighties", 9: "nineties"}
_DECADAS = {2: "veinte", 3: "treinta", 4: "cuarenta", 5: "cincuenta", 6: "sesenta",
            7: "setenta", 8: "ochenta", 9: "noventa"}
_EN = {"female": ("woman", "she", "her", "female"), "male": ("man", "he", "his", "male")}
_ES = {"female": ("una mujer", "femenino"), "male": ("un hombre", "masculino")}


def answered_age(age: int, rng: random.Random, temperature: float) -> int:
    """The model's age plus answer noise (clipped at 2.5 sd), kept between 1 and 99."""
    spread = 1.5 + temperature
    noise = min(2.5 * spread, max(-2.5 * spread, rng.gauss(0.0, spread)))
    return min(99, max(1, round(age + noise)))


def words(gender: Gender) -> tuple[str, str, str, str]:
    """Noun, subject pronoun, possessive and adjective for ``gender`` in English."""
    return _EN[gender]


def age_words(age: int) -> str | None:
    """``late twenties`` style words for ``age``, or ``None`` outside 13-99."""
    if age < 13 or age > 99:
        return None
    if age < 20:
        return "late teens" if age >= 17 else "teens"
    unit = age % 10
    part = "early" if unit < 4 else "mid" if unit < 7 else "late"
    return f"{part} {_DECADES[age // 10]}"


def render_answer(age: int, gender: Gender, style: PromptStyle, rng: random.Random) -> str:
    """One answer in the format ``style`` asks for; ``rng`` picks the template and range."""
    if tuple(style.asks) == ("gender",):
        return _gender_only(gender, style, rng)
    if tuple(style.asks) == ("age",):
        return _age_only(age, style, rng)
    low = max(1, age - rng.randint(2, 3))
    span = (low, low + 5)
    if style.format in ("prose", "spanish") and style.language in _FOREIGN:
        return _FOREIGN[style.language](age, gender, span, style.gender_first, rng)
    render = {"json": _json, "final": _final, "bare": _bare, "spanish": _spanish,
              "prose": _prose}[style.format]
    return render(age, gender, span, style.gender_first, rng)


def _gender_only(gender: Gender, style: PromptStyle, rng: random.Random) -> str:
    noun, pronoun, _, adjective = words(gender)
    other = words("male" if gender == "female" else "female")[0]
    if style.format == "json":
        return json.dumps({"gender": gender})
    if style.format == "final":
        return f"Judging by the face and hair, this looks {adjective}.\n\nFinal answer: {gender}"
    if style.format == "bare":
        return gender
    if style.spanish:
        return rng.choice([f"Es {_ES[gender][0]}.", f"Género: {_ES[gender][1]}."])
    return rng.choice([
        f"{pronoun.capitalize()} is a {noun}.", f"{adjective.capitalize()}.",
        f"A {noun}, not a {other}.", f"Most likely a {noun} rather than a {other}.",
        f"I can't be certain of gender from a photo, but I'd say a {noun}.",
    ])


def _age_only(age: int, style: PromptStyle, rng: random.Random) -> str:
    in_words = age_words(age)
    if style.format == "json":
        return json.dumps({"age": age})
    if style.format == "final":
        return f"The skin and hair suggest an adult.\n\nFinal answer: {age}"
    if style.format == "bare":
        return str(age)
    if style.spanish:
        return f"Unos {age} años."
    return rng.choice([f"About {age} years old.", f"I'd estimate {age}."]
                      + ([f"Probably in their {in_words}."] if in_words else []))


def _json(age: int, gender: Gender, span: tuple[int, int], gender_first: bool,
          rng: random.Random) -> str:
    fields: dict[str, object] = {"gender": gender, "age": age} if gender_first \
        else {"age": age, "gender": gender}
    choice = rng.randrange(5)
    if choice == 4:
        fields["age_range"] = f"{span[0]}-{span[1]}"
        fields["confidence"] = rng.choice(["low", "moderate", "high"])
    compact, indented = json.dumps(fields), json.dumps(fields, indent=2)
    lead = rng.choice(["Here is my estimate:", "Based on the visible facial features:",
                       "Sure! Here's the JSON you asked for:"])
    return [compact, f"```json\n{indented}\n```", f"{lead}\n{compact}",
            f"{lead}\n\n```json\n{indented}\n```", f"```json\n{indented}\n```"][choice]


def _final(age: int, gender: Gender, span: tuple[int, int], gender_first: bool,
           rng: random.Random) -> str:
    noun, _, possessive, adjective = words(gender)
    skin = ("the skin is smooth and even" if age < 25 else
            "the skin is mostly smooth, with faint lines near the eyes" if age < 40 else
            "there are visible lines around the eyes and mouth" if age < 55 else
            "there are deep wrinkles and the skin looks thinner")
    hair = ("the hair shows no grey" if age < 40 else
            "a few grey strands show in the hair" if age < 55 else "the hair is largely grey")
    distractor = rng.choice([
        f"The photo seems to have been taken from about {rng.randint(2, 4)} metres away, "
        "which doesn't change the estimate.",
        f"There are {rng.randint(2, 6)} patches or badges visible on the clothing, but they say "
        "nothing about age.",
        "People over 18 can look younger in good lighting, so I won't lean on that alone.",
        f"Lighting from roughly {rng.choice([10, 45, 90])} degrees softens some detail.",
    ])
    in_words = age_words(age)
    where = f"in {possessive} {in_words}" if in_words else f"around {age}"
    reasoning = (f"Looking at the face: {skin}, and {hair}. {distractor} The facial structure "
                 f"and hairstyle read as {adjective}, and overall this {noun} appears to be "
                 f"{where}, roughly {span[0]} to {span[1]}.")
    line = f"gender {gender}, age {age}" if gender_first else f"age {age}, gender {gender}"
    return f"{reasoning}\n\nFinal answer: {line}"


def _bare(age: int, gender: Gender, span: tuple[int, int], gender_first: bool,
          rng: random.Random) -> str:
    first, second = (gender, str(age)) if gender_first else (str(age), gender)
    return rng.choice([f"{first} {second}", f"{first} {second}", f"{first}, {second}"])


def _spanish(age: int, gender: Gender, span: tuple[int, int], gender_first: bool,
             rng: random.Random) -> str:
    person, label = _ES[gender]
    if gender_first:
        return rng.choice([
            f"Género: {label}. Edad aproximada: {age} años.",
            f"{person.capitalize()} de unos {age} años.",
        ])
    decade, unit = divmod(age, 10)
    range_words = (f"de {_DECADAS[decade]} y " + ("pocos" if unit < 4 else "tantos" if unit < 7
                   else "muchos") + " años") if decade in _DECADAS else f"de unos {age} años"
    return rng.choice([
        f"Parece {person} de unos {age} años.",
        f"Edad estimada: {age} años. Género: {label}.",
        f"Diría que es {person} de entre {span[0]} y {span[1]} años.",
        f"Parece {person} {range_words}.",
    ])


def _prose(age: int, gender: Gender, span: tuple[int, int], gender_first: bool,
           rng: random.Random) -> str:
    noun, pronoun, possessive, adjective = words(gender)
    if gender_first:
        return rng.choice([
            f"Gender: {adjective}. Estimated age: {age}.",
            f"A {noun}, probably around {age} years old.",
            f"{adjective.capitalize()}, about {span[0]} to {span[1]} years old.",
        ])
    in_words = age_words(age)
    templates = [
        f"Estimated age: {age}. Gender: {adjective}.",
        f"I'd guess {pronoun}'s about {age}.",
        f"The person in the image appears to be a {noun} aged roughly {span[0]}-{span[1]}.",
        f"Based on facial features, I would estimate this {noun} is approximately {age} "
        "years old.",
    ]
    if in_words is not None:
        templates += [
            f"This looks like a {noun} in {possessive} {in_words}, around {age} years old.",
            f"{pronoun.capitalize()} looks to be in {possessive} {in_words}.",
        ]
    return rng.choice(templates + _families(age, gender, rng))


def _families(age: int, gender: Gender, rng: random.Random) -> list[str]:
    """The shapes of real answers (module docstring), each carrying this age and gender."""
    noun, pronoun, possessive, adjective = words(gender)
    other_noun, _, _, other_adjective = words("male" if gender == "female" else "female")
    hair = rng.choice(["short dark hair", "long brown hair", "grey hair", "curly hair"])
    clothing = rng.choice(["t-shirt", "jacket", "polo shirt", "sweater"])
    found = [
        f"A {noun}, not a {other_noun}, about {age} years old.",
        f"Most likely a {noun} rather than a {other_noun}; {pronoun} looks about {age}.",
        f"- {adjective}, {age}, {hair}, {clothing}",
        f"gender, age, hair\n{adjective}, {age}, {hair}",
        f"- Gender: {adjective.capitalize()}\n- Age: {age}\n- Hair: {hair}",
        f"I can't determine gender or age with certainty from a photo, but if I had to guess, "
        f"this is a {noun} of about {age}.",
        f"The badge on the {clothing} reads '{other_adjective.capitalize()}', but that is just "
        f"a word; the person is a {noun} of about {age}.",
    ]
    if age >= 20:
        found.append(f"A {noun} in {possessive} {age // 10 * 10}s.")
    before, after = age_words(age - 1), age_words(age + 1)
    if before and after and before.split()[-1] != after.split()[-1]:
        found.append(f"{pronoun.capitalize()} is in {possessive} {before} or {after}.")
    if age >= 60:
        bound = age // 10 * 10
        found += [f"{pronoun.capitalize()} looks to be over {bound}.",
                  f"Gender: {adjective}. Age: {bound}+"]
    if 14 <= age <= 18:
        found.append(f"A teenage {'girl' if gender == 'female' else 'boy'}.")
    if 45 <= age <= 55:
        found.append(f"A middle-aged {noun}.")
    return found


def _chinese(age: int, gender: Gender, span: tuple[int, int], gender_first: bool,
             rng: random.Random) -> str:
    person = "女性" if gender == "female" else "男性"
    return rng.choice([
        f"这是一名{person}，年龄约{age}岁。",
        f"{person}，{span[0]}-{span[1]}岁。",
        f"性别：{person}；年龄：{age}岁左右。",
    ])


def _russian(age: int, gender: Gender, span: tuple[int, int], gender_first: bool,
             rng: random.Random) -> str:
    person = "женщина" if gender == "female" else "мужчина"
    return rng.choice([
        f"Это {person}, примерно {age} лет.",
        f"{person.capitalize()}, возраст около {age} лет.",
        f"Пол: {'женский' if gender == 'female' else 'мужской'}. Возраст: {span[0]}-{span[1]}.",
    ])


_FOREIGN = {"zh": _chinese, "ru": _russian}

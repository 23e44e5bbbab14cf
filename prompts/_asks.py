"""Which fields a prompt asks for: declared by a variant (``asks = [...]``) or read from its words.

``infer_asks`` reads free prompt text (a user's file, ``robustness parse --prompt-text``) in any
lexicon language: the ``[asks]`` words of every ``prompts/lexicons/*.toml`` (``edad``, ``возраст``,
``性别``, ...), matched on the folded text, and for gender also any "a man or a woman"
disjunction of gender words (in any language, once rewritten to English). A prompt that names
only one field asks for that one; one that names both, or neither (we cannot tell), asks for
both. A field named only under a negation ("do not guess the gender") is not asked.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import cache

from ._answer import ALL_ASKS, ASKABLE, Field
from ._gender import DISJUNCTION
from ._lexicon import fold, lexicons
from ._text import canonical

__all__ = ["infer_asks", "normalize_asks"]

_DENIED = re.compile(r"\b(?:not|no|never|without|don't|do not|rather than)\b[^.;:!?\n]{0,30}$")


@cache
def _patterns() -> dict[Field, tuple[re.Pattern[str], ...]]:
    found: dict[Field, tuple[re.Pattern[str], ...]] = {}
    for field in ASKABLE:
        words = {fold(word) for lexicon in lexicons().values()
                 for word in lexicon.words("asks", field)}
        words |= {canonical(word) for word in words}
        spaced = sorted((w for w in words if w.isascii() or " " in w or w.isalpha()
                         and not _is_cjk(w)), key=len, reverse=True)
        cjk = sorted((w for w in words if _is_cjk(w)), key=len, reverse=True)
        alternatives = [rf"(?<!\w)(?:{'|'.join(map(re.escape, spaced))})(?!\w)"]
        if cjk:
            alternatives.append("|".join(map(re.escape, cjk)))
        found[field] = (re.compile("|".join(alternatives)),)
    found["gender"] += (DISJUNCTION,)
    return found


def _is_cjk(word: str) -> bool:
    return any("\u3400" <= char <= "\u9fff" for char in word)


def infer_asks(prompt_text: str) -> tuple[Field, ...]:
    """The fields ``prompt_text`` asks for, in ``ASKABLE`` order (see the module docstring).

    Example:
        >>> infer_asks("Is the person in this photo male or female?")
        ('gender',)
        >>> infer_asks("¿Qué edad tiene esta persona?")
        ('age',)
    """
    texts = (fold(prompt_text), canonical(prompt_text))
    patterns = _patterns()
    asked = tuple(field for field in ASKABLE if any(
        not _DENIED.search(text, max(0, match.start() - 40), match.start())
        for text in texts for pattern in patterns[field]
        for match in pattern.finditer(text)
    ))
    return asked or ALL_ASKS


def normalize_asks(asks: Iterable[str] | str | None) -> tuple[Field, ...]:
    """``asks`` as a tuple in ``ASKABLE`` order; ``None`` means both fields.

    Accepts a sequence of names or one comma-separated string (``"age,gender"``, as stored).

    Raises:
        ValueError: An unknown field name, or no field at all, quoting the value.
    """
    if asks is None:
        return ALL_ASKS
    names = [part.strip() for part in asks.split(",")] if isinstance(asks, str) else list(asks)
    unknown = [name for name in names if name not in ASKABLE]
    if unknown or not names:
        raise ValueError(f"asks must name fields among {', '.join(ASKABLE)}, got {asks!r}")
    return tuple(field for field in ASKABLE if field in names)

"""Word tables the answer parser reads, built from the English lexicon (``lexicons/en.toml``).

Other languages reach these tables through the rewrite to canonical English (``_lexicon``). The
point estimate of every age word is the midpoint of its range (``late twenties`` → 27-29 → 28);
an open-ended life stage (``elderly``) has a lower bound and no upper one (``None``).
"""

from __future__ import annotations

from types import MappingProxyType
from typing import Final

from ._lexicon import english

__all__ = [
    "AGE_WORDS",
    "DECADE_SPANS",
    "DECADE_WORDS",
    "FEMALE_PLURALS",
    "FEMALE_PRONOUNS",
    "FEMALE_WORDS",
    "LIFE_STAGES",
    "MALE_PLURALS",
    "MALE_PRONOUNS",
    "MALE_WORDS",
    "TEEN_SPANS",
]

_EN = english()

DECADE_WORDS: Final = MappingProxyType(
    {word: int(start) for word, start in _EN.sections["age"]["decades"].items()}
)

# Offsets into a decade for the modifier before it ("early 30s" → 30-33). The three parts overlap
# nowhere and cover the decade, so a modifier never widens the answer beyond the plain decade.
DECADE_SPANS: Final = MappingProxyType({
    "": (0, 9), "early": (0, 3), "mid": (4, 6), "late": (7, 9),
})

# The teens start at 13, not 10: "early teens" is 13-15, not 10-13.
TEEN_SPANS: Final = MappingProxyType({
    "": (13, 19), "early": (13, 15), "mid": (14, 16), "late": (17, 19),
})

# Life stages that commit to an age band; -1 in the file marks an open upper end.
LIFE_STAGES: Final[MappingProxyType[str, tuple[int, int | None]]] = MappingProxyType({
    word: (int(low), None if high < 0 else int(high))
    for word, (low, high) in _EN.sections["age"]["life_stages"].items()
})


def _age_words() -> dict[str, tuple[int, int | None]]:
    table: dict[str, tuple[int, int | None]] = {}
    for word, start in DECADE_WORDS.items():
        spans, offset = (TEEN_SPANS, 0) if start == 10 else (DECADE_SPANS, start)
        names = (word,) if start == 10 else (word, f"{start}s")
        for modifier, (low, high) in spans.items():
            for name in names:
                table[f"{modifier} {name}".strip()] = (low + offset, high + offset)
    return table | dict(LIFE_STAGES)


# Every age phrase the parser understands, with its inclusive range in years; "mid-forties",
# "mid 40's" and "in her 40s" are spellings of these keys.
AGE_WORDS: Final = MappingProxyType(
    dict(sorted(_age_words().items(), key=lambda item: (item[1][0], item[1][1] or 999, item[0])))
)

MALE_WORDS: Final = frozenset(_EN.words("gender", "male"))
FEMALE_WORDS: Final = frozenset(_EN.words("gender", "female"))
MALE_PLURALS: Final = frozenset(_EN.words("gender", "male_plural"))
FEMALE_PLURALS: Final = frozenset(_EN.words("gender", "female_plural"))
MALE_PRONOUNS: Final = frozenset(_EN.words("gender", "male_pronouns"))
FEMALE_PRONOUNS: Final = frozenset(_EN.words("gender", "female_pronouns"))

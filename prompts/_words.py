"""Word tables the answer parser reads: age words → ranges, number words, gender words.

Plain data, so a reader can check every mapping in one place and a test can pin it. The point
estimate of every age word is the midpoint of its range (``late twenties`` → 27-29 → 28).
"""

from __future__ import annotations

from types import MappingProxyType
from typing import Final

__all__ = [
    "AGE_WORDS",
    "DECADE_SPANS",
    "DECADE_WORDS",
    "FEMALE_PLURALS",
    "FEMALE_WORDS",
    "LIFE_STAGES",
    "MALE_PLURALS",
    "MALE_WORDS",
    "NUMBER_WORDS",
    "TEEN_SPANS",
]

# "twenties" and "20s" both mean the decade starting at 20. Spanish "treinta y pocos / tantos /
# muchos" is rewritten to "early 30s / 30-something / late 30s" before matching (``_text``);
# other Spanish idioms ("treintañero", "veintitantos") are not read.
DECADE_WORDS: Final = MappingProxyType({
    "teens": 10, "twenties": 20, "thirties": 30, "forties": 40, "fifties": 50,
    "sixties": 60, "seventies": 70, "eighties": 80, "nineties": 90,
})

# Offsets into a decade for the modifier before it ("early 30s" → 30-33). The three parts overlap
# nowhere and cover the decade, so a modifier never widens the answer beyond the plain decade.
DECADE_SPANS: Final = MappingProxyType({
    "": (0, 9), "early": (0, 3), "mid": (4, 6), "late": (7, 9),
})

# The teens start at 13, not 10: "early teens" is 13-15, not 10-13.
TEEN_SPANS: Final = MappingProxyType({
    "": (13, 19), "early": (13, 15), "mid": (14, 16), "late": (17, 19),
})

# Life-stage words that commit to an age band. Vaguer ones ("young", "child", "elderly",
# "baby" as in "baby-faced") are left out on purpose: they would impute an age nobody gave.
LIFE_STAGES: Final = MappingProxyType({
    "teenager": (13, 19), "teenaged": (13, 19), "teenage": (13, 19), "teen": (13, 19),
    "adolescent": (13, 19), "adolescente": (13, 19), "toddler": (1, 3),
    "middle-aged": (40, 60), "middle aged": (40, 60),
})


def _age_words() -> dict[str, tuple[int, int]]:
    table: dict[str, tuple[int, int]] = {}
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
    dict(sorted(_age_words().items(), key=lambda item: (item[1], item[0])))
)

# English and Spanish number words, turned into digits before parsing. "one"/"uno"/"una" are
# left out alone ("one of the hardest things", "una mujer"); they still count inside compounds.
NUMBER_WORDS: Final = MappingProxyType({
    "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9,
    "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15,
    "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19, "twenty": 20, "thirty": 30,
    "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90,
    "dos": 2, "tres": 3, "cuatro": 4, "cinco": 5, "seis": 6, "siete": 7, "ocho": 8, "nueve": 9,
    "diez": 10, "once": 11, "doce": 12, "trece": 13, "catorce": 14, "quince": 15,
    "dieciseis": 16, "diecisiete": 17, "dieciocho": 18, "diecinueve": 19, "veinte": 20,
    "veintiuno": 21, "veintidos": 22, "veintitres": 23, "veinticuatro": 24, "veinticinco": 25,
    "veintiseis": 26, "veintisiete": 27, "veintiocho": 28, "veintinueve": 29, "treinta": 30,
    "cuarenta": 40, "cincuenta": 50, "sesenta": 60, "setenta": 70, "ochenta": 80, "noventa": 90,
})

# Singular nouns and adjectives name the person; they are read first. Spanish words are written
# without accents because the parser folds accents away before matching.
MALE_WORDS: Final = frozenset({
    "male", "man", "boy", "gentleman", "guy", "hombre", "varon", "chico", "nino", "senor",
    "masculino", "masculina",
})
FEMALE_WORDS: Final = frozenset({
    "female", "woman", "girl", "lady", "gal", "mujer", "chica", "nina", "senora", "femenino",
    "femenina",
})
# Plurals and adjectives of style mostly appear in comparisons ("more common in men"), so they
# count only when no singular word does.
MALE_PLURALS: Final = frozenset({
    "men", "males", "boys", "gentlemen", "guys", "masculine", "hombres", "chicos",
})
FEMALE_PLURALS: Final = frozenset({
    "women", "females", "girls", "ladies", "feminine", "mujeres", "chicas",
})

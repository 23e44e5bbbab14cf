"""The parser's lexicons: data files in ``prompts/lexicons/<language>.toml``, one per language.

Each file has the same sections (``en.toml`` documents them): number words, gender words, age
words (labels, units, estimate cues, open-range bounds, life stages, decades), refusal phrases,
negation and contrast words, and the words with which a prompt asks for a field.

English is the canonical language: the parser's patterns are written in English, and every other
language's words are **rewritten** to their English canonical form before matching (``hombre`` →
``male``, ``岁`` → ``years old``, ``не могу определить`` → ``impossible to tell``). Number words
become digits first, on the lower-cased text with its accents (so French "très" is not Spanish
"tres"); the rewrite runs on the folded text (no accents), so "genero" matches "género".
Chinese has no spaces (``spaced = false``): its terms match anywhere and are padded with spaces.

Every problem in a file is a ``ValueError`` naming the file and the key.
"""

from __future__ import annotations

import re
import tomllib
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from importlib.resources import files
from types import MappingProxyType
from typing import Any, Final

__all__ = ["LANGUAGES", "Lexicon", "english", "lexicons", "numbers_to_digits", "rewrite"]

LANGUAGES: Final[tuple[str, ...]] = ("en", "es", "fr", "de", "pt", "ru", "zh")

# Canonical English each section's words are rewritten to (English words of these sections
# are read by the English patterns directly and are not rewritten).
_CANONICAL: Final = MappingProxyType({
    ("gender", "male"): "male", ("gender", "female"): "female",
    ("gender", "male_plural"): "men", ("gender", "female_plural"): "women",
    ("gender", "male_pronouns"): "he", ("gender", "female_pronouns"): "she",
    ("gender", "labels"): "gender",
    ("age", "labels"): "age", ("age", "units"): "years old", ("age", "cues"): "about",
    ("age", "over"): "over", ("age", "under"): "under",
    ("refusal", "policy"): "i won't help with that",
    ("refusal", "cannot_determine"): "impossible to tell",
    ("refusal", "hedged"): "hard to say",
    ("negation", "words"): "not", ("negation", "contrast"): "rather than",
})
_REWRITTEN_IN_ENGLISH = frozenset({("refusal", "policy"), ("refusal", "cannot_determine"),
                                   ("refusal", "hedged"), ("negation", "words"),
                                   ("negation", "contrast")})
_SECTIONS: Final = MappingProxyType({
    "numbers": frozenset({"words", "compound_only", "joiners", "units_first", "grammar"}),
    "gender": frozenset({"male", "female", "male_plural", "female_plural", "male_pronouns",
                         "female_pronouns", "labels"}),
    "age": frozenset({"labels", "units", "cues", "over", "under", "life_stages", "stages",
                      "decades"}),
    "phrases": None, "refusal": frozenset({"policy", "cannot_determine", "hedged"}),
    "negation": frozenset({"words", "contrast"}), "asks": frozenset({"age", "gender"}),
})
_CJK_DIGITS = {"零": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7,
               "八": 8, "九": 9}
_EMPTY: MappingProxyType[str, Any] = MappingProxyType({})
_CJK_NUMBER = re.compile(r"[零一二两三四五六七八九十百]+")


@dataclass(frozen=True, slots=True)
class Lexicon:
    """One language's file, as read (section → key → value)."""

    language: str
    spaced: bool
    sections: MappingProxyType[str, MappingProxyType[str, Any]]

    def section(self, name: str) -> Mapping[str, Any]:
        """One section's keys (empty when the file has no such section)."""
        found: Mapping[str, Any] = self.sections.get(name, _EMPTY)
        return found

    def words(self, section: str, key: str) -> tuple[str, ...]:
        """A list of words, folded (lower case, no accents)."""
        return tuple(fold(word) for word in self.section(section).get(key, ()))


def fold(text: str) -> str:
    """Lower-case ``text`` and drop its accents (``"Género"`` → ``"genero"``)."""
    decomposed = unicodedata.normalize("NFKD", text.lower())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


@cache
def lexicons() -> MappingProxyType[str, Lexicon]:
    """Every language's lexicon, read once."""
    found = {}
    for language in LANGUAGES:
        name = f"prompts/lexicons/{language}.toml"
        text = files("prompts").joinpath("lexicons", f"{language}.toml").read_text("utf-8")
        found[language] = _parse(text, name, language)
    return MappingProxyType(found)


def english() -> Lexicon:
    """The canonical lexicon."""
    return lexicons()["en"]


def _parse(text: str, name: str, language: str) -> Lexicon:
    try:
        document = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ValueError(f"{name}: not valid TOML: {exc}") from None
    if document.get("language") != language:
        raise ValueError(f"{name}: key 'language': expected {language!r}, "
                         f"got {document.get('language')!r}")
    sections: dict[str, MappingProxyType[str, Any]] = {}
    for section, table in document.items():
        if section in ("language", "spaced"):
            continue
        if section not in _SECTIONS or not isinstance(table, dict):
            raise ValueError(f"{name}: key {section!r}: unknown section; allowed: "
                             f"{', '.join(_SECTIONS)}")
        allowed = _SECTIONS[section]
        for key, value in table.items():
            if allowed is not None and key not in allowed:
                raise ValueError(f"{name}: key '{section}.{key}': unknown key; allowed: "
                                 f"{', '.join(sorted(allowed))}")
            _check_value(value, f"{name}: key '{section}.{key}'")
        sections[section] = MappingProxyType(dict(table))
    return Lexicon(language, bool(document.get("spaced", True)), MappingProxyType(sections))


def _check_value(value: Any, where: str) -> None:
    if isinstance(value, list):
        if not all(isinstance(item, str) and item for item in value):
            raise ValueError(f"{where}: expected a list of words, got {value!r}")
    elif isinstance(value, dict):
        for item in value.values():
            ok = (isinstance(item, int | str) and not isinstance(item, bool)) or (
                isinstance(item, list) and len(item) == 2
                and all(isinstance(v, int) and not isinstance(v, bool) for v in item))
            if not ok:
                raise ValueError(f"{where}: bad value {item!r}")
    elif not isinstance(value, bool | str):
        raise ValueError(f"{where}: bad value {value!r}")


# -- number words → digits ------------------------------------------------------------------


@cache
def _number_rules() -> tuple[tuple[re.Pattern[str], dict[str, int]], ...]:
    """Per spaced language, compounds first and then single words, so Portuguese "trinta e
    cinco" is one number before Spanish "cinco" can be read alone."""
    compounds, singles = [], []
    for lexicon in lexicons().values():
        numbers = lexicon.section("numbers")
        if numbers.get("grammar") == "cjk":
            continue
        values = {w.lower(): int(v) for w, v in numbers.get("words", {}).items()}
        parts = {w.lower(): int(v) for w, v in numbers.get("compound_only", {}).items()}
        tens = [w for w, v in values.items() if v >= 20 and v % 10 == 0]
        small = [w for w, v in (values | parts).items() if 0 < v < 20]
        joiners = "|".join(re.escape(j) for j in numbers.get("joiners", ())) or "(?!)"
        if numbers.get("units_first"):
            compound = rf"(?P<u>{_alternation(small)})(?:{joiners})(?P<t>{_alternation(tens)})"
        else:
            compound = rf"(?P<t>{_alternation(tens)})(?:{joiners})(?P<u>{_alternation(small)})"
        compounds.append((re.compile(rf"(?<![\w-]){compound}(?![\w])"), values | parts))
        singles.append((re.compile(rf"(?<![\w-])(?P<s>{_alternation(list(values))})(?![\w])"),
                        values))
    return tuple(compounds + singles)


def _alternation(words: list[str]) -> str:
    return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True)) or "(?!)"


def numbers_to_digits(text: str) -> str:
    """Number words of every language in lower-cased ``text`` as digits."""
    for pattern, values in _number_rules():
        # Ignored below (misc): mypy cannot infer the lambda's default (it binds this loop's table).
        text = pattern.sub(lambda m, v=values: str(  # type: ignore[misc]
            v[m.group("s")] if "s" in m.groupdict() else v[m.group("t")] + v[m.group("u")]),
            text)
    return _CJK_NUMBER.sub(_cjk_value, text)


def _cjk_value(match: re.Match[str]) -> str:
    """``三十五`` → 35, ``十五`` → 15, ``二十`` → 20, ``一百零二`` → 102; anything else kept."""
    chars, total, current = match.group(), 0, 0
    for char in chars:
        if char in _CJK_DIGITS:
            current = current * 10 + _CJK_DIGITS[char] if current and char != "零" else (
                _CJK_DIGITS[char] or current)
        elif char == "十":
            total += (current or 1) * 10
            current = 0
        else:  # 百
            total += (current or 1) * 100
            current = 0
    return str(total + current)


# -- the rewrite to canonical English -------------------------------------------------------


@cache
def _rewrites() -> tuple[re.Pattern[str], MappingProxyType[str, str], frozenset[str]]:
    table: dict[str, str] = {}
    origin: dict[str, str] = {}
    unspaced: set[str] = set()
    for lexicon in lexicons().values():
        entries: list[tuple[str, str]] = []
        for (section, key), canonical in _CANONICAL.items():
            if lexicon.language == "en" and (section, key) not in _REWRITTEN_IN_ENGLISH:
                continue
            entries += [(word, canonical) for word in lexicon.words(section, key)]
        age = lexicon.section("age")
        entries += [(fold(word), fold(stage)) for word, stage in age.get("stages", {}).items()]
        if lexicon.language != "en":
            entries += [(fold(word), f"{start}s") for word, start in
                        age.get("decades", {}).items()]
        entries += [(fold(k), fold(v)) for k, v in lexicon.section("phrases").items()]
        for word, canonical in entries:
            if word == canonical:
                continue
            if table.get(word, canonical) != canonical:
                raise ValueError(f"prompts/lexicons/{lexicon.language}.toml: {word!r} means "
                                 f"{canonical!r}, but {origin[word]}.toml says {table[word]!r}")
            table[word], origin[word] = canonical, lexicon.language
            if not lexicon.spaced:
                unspaced.add(word)

    spaced = [w for w in table if w not in unspaced]
    pattern = re.compile(
        rf"(?<!\w)(?:{_alternation(spaced)})(?!\w)|{_alternation(sorted(unspaced))}"
    )
    return pattern, MappingProxyType(table), frozenset(unspaced)


def rewrite(folded: str) -> str:
    """Every language's lexicon words in ``folded`` as their canonical English."""
    pattern, table, unspaced = _rewrites()

    def replace(match: re.Match[str]) -> str:
        word = match.group()
        return f" {table[word]} " if word in unspaced else table[word]

    return pattern.sub(replace, folded)

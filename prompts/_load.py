"""Loading prompt variants from TOML: the built-in files, plus an optional user file.

A file holds one variant as top-level keys, or several as ``[[variant]]`` tables::

    [[variant]]
    id = "terse"
    purpose = "Shortest possible request."
    user = "Age and gender?"
    answer_format = "free"     # optional: free | json | number | final-line (default free)
    asks = ["age", "gender"]   # optional: the fields asked (default: read from the text)
    language = "en"            # optional (default en)
    system = "..."             # optional

Every problem is a ``ValueError`` naming the file and the key, quoting the bad value; the engine
turns it into a ``ConfigError``. Unknown keys are errors too: a misspelt ``answer-format`` must
not silently fall back to the default.
"""

from __future__ import annotations

import re
import tomllib
from importlib.resources import files
from pathlib import Path
from typing import Any, Final, get_args

from ._answer import Field
from ._asks import infer_asks, normalize_asks
from ._variant import AnswerFormat, PromptVariant

__all__ = ["ANSWER_FORMATS", "BUILTIN_IDS", "get_variant", "load_variants"]

BUILTIN_IDS: Final[tuple[str, ...]] = (
    "baseline", "json", "number-only", "gender-first", "expert-persona", "step-by-step",
    "annotation-context", "spanish",
)
ANSWER_FORMATS: Final[tuple[AnswerFormat, ...]] = get_args(AnswerFormat)

_REQUIRED = ("id", "purpose", "user")
_OPTIONAL = ("system", "answer_format", "language", "asks")
_ID = re.compile(r"[a-z0-9][a-z0-9-]*")
_LANGUAGE = re.compile(r"[a-z]{2,3}(?:-[A-Za-z0-9]{2,8})*")


def load_variants(extra: Path | str | None = None) -> dict[str, PromptVariant]:
    """The built-in variants in ``BUILTIN_IDS`` order, then those of ``extra``.

    Args:
        extra: A user TOML file; its variants are added, and replace built-ins of the same id.

    Raises:
        ValueError: A file is missing, is not TOML, or has a bad or unknown key.
    """
    variants: dict[str, PromptVariant] = {}
    for variant_id in BUILTIN_IDS:
        resource = files("prompts").joinpath("variants", f"{variant_id}.toml")
        name = f"prompts/variants/{variant_id}.toml"
        found = _parse_file(resource.read_text(encoding="utf-8"), name)
        if [variant.id for variant in found] != [variant_id]:
            raise ValueError(f"{name}: key 'id': expected the one variant {variant_id!r}, "
                             f"got {[variant.id for variant in found]!r}")
        variants[variant_id] = found[0]
    if extra is not None:
        path = Path(extra)
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise ValueError(f"{path}: cannot read prompt variants file: {exc}") from None
        for variant in _parse_file(text, str(path)):
            variants[variant.id] = variant
    return variants


def get_variant(variant_id: str, *, extra: Path | str | None = None) -> PromptVariant:
    """One variant by id (built-in, or from ``extra``).

    Raises:
        ValueError: Unknown id (the message lists the known ones), or a bad ``extra`` file.
    """
    variants = load_variants(extra)
    if variant_id not in variants:
        raise ValueError(f"unknown prompt variant {variant_id!r}; known: {', '.join(variants)}")
    return variants[variant_id]


def _parse_file(text: str, name: str) -> list[PromptVariant]:
    try:
        document = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ValueError(f"{name}: not valid TOML: {exc}") from None
    if "variant" in document:
        extra_keys = sorted(set(document) - {"variant"})
        if extra_keys:
            raise ValueError(f"{name}: key {extra_keys[0]!r}: not allowed beside [[variant]] "
                             "tables")
        tables = document["variant"]
        if not isinstance(tables, list) or not tables:
            raise ValueError(f"{name}: key 'variant': expected [[variant]] tables, got {tables!r}")
        where = [f"variant[{index}] " for index in range(1, len(tables) + 1)]
    else:
        tables, where = [document], [""]
    variants: list[PromptVariant] = []
    for table, location in zip(tables, where, strict=True):
        variant = _variant(table, f"{name}: {location}")
        if any(v.id == variant.id for v in variants):
            raise ValueError(f"{name}: {location}key 'id': duplicate id {variant.id!r}")
        variants.append(variant)
    return variants


def _variant(table: Any, where: str) -> PromptVariant:
    if not isinstance(table, dict):
        raise ValueError(f"{where}expected a table of keys, got {table!r}")
    unknown = sorted(set(table) - set(_REQUIRED) - set(_OPTIONAL))
    if unknown:
        raise ValueError(f"{where}key {unknown[0]!r}: unknown key; allowed: "
                         f"{', '.join(_REQUIRED + _OPTIONAL)}")
    for key in _REQUIRED:
        if key not in table:
            raise ValueError(f"{where}key {key!r}: missing")
    fields = {key: _text(table, key, where) for key in table if key != "asks"}
    if not _ID.fullmatch(fields["id"]):
        raise ValueError(f"{where}key 'id': must match [a-z0-9][a-z0-9-]*, got {fields['id']!r}")
    if "\n" in fields["purpose"]:
        raise ValueError(f"{where}key 'purpose': must be one line, got {fields['purpose']!r}")
    answer_format = fields.get("answer_format", "free")
    if answer_format not in ANSWER_FORMATS:
        raise ValueError(f"{where}key 'answer_format': must be one of "
                         f"{', '.join(ANSWER_FORMATS)}, got {answer_format!r}")
    language = fields.get("language", "en")
    if not _LANGUAGE.fullmatch(language):
        raise ValueError(f"{where}key 'language': expected a language tag such as 'en' or 'es', "
                         f"got {language!r}")
    return PromptVariant(
        id=fields["id"], purpose=fields["purpose"], user=fields["user"],
        answer_format=answer_format,
        system=fields.get("system"), language=language,
        asks=_asks(table, fields, where),
    )


def _asks(table: dict[str, Any], fields: dict[str, str], where: str) -> tuple[Field, ...]:
    """The declared fields, or those the prompt's words ask for."""
    if "asks" not in table:
        return infer_asks(f"{fields.get('system', '')}\n{fields['user']}")
    value = table["asks"]
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value) or len(
        set(value)
    ) != len(value):
        raise ValueError(f"{where}key 'asks': expected a list of distinct field names such as "
                         f'["age", "gender"], got {value!r}')
    try:
        return normalize_asks(value)
    except ValueError as exc:
        raise ValueError(f"{where}key 'asks': {exc}") from None


def _text(table: dict[str, Any], key: str, where: str) -> str:
    # Surrounding whitespace is dropped: a trailing newline from a TOML multi-line string
    # would otherwise change every request key without changing the question.
    value = table[key]
    if not isinstance(value, str) or not value.strip():
        raise ValueError(f"{where}key {key!r}: expected non-empty text, got {value!r}")
    return value.strip()

"""Reading age and gender from a JSON object anywhere in an answer.

Models asked for JSON wrap it in code fences, add prose around it, write ages as strings
("34", "25-30"), nest it (``{"person": {...}}``) or return a list. The first object, at any
depth, with an age or gender key wins; keys match without case or accents (``Género``, ``SEX``).
A key that is present but holds no usable value (``null``, ``"unknown"``) withholds that field,
so the prose around the object is not searched for it.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Iterator
from typing import Any

from ._age import Age, age_from_number, age_from_range, read_age_relaxed
from ._gender import WITHHELD, GenderReading, read_gender_relaxed
from ._text import canonical

__all__ = ["AgeReading", "read_json"]

# An Age, WITHHELD, or None (the object has no age key).
AgeReading = Age | str | None

_AGE_KEYS = frozenset({
    "age", "edad", "estimatedage", "ageestimate", "apparentage", "approximateage",
    "predictedage", "agerange", "agegroup", "ageyears", "edadestimada", "edadaproximada",
})
_LOW_KEYS = frozenset({
    "agemin", "minage", "agelow", "lowage", "agelower", "minimumage", "agefrom",
})
_HIGH_KEYS = frozenset({
    "agemax", "maxage", "agehigh", "highage", "ageupper", "maximumage", "ageto",
})
_GENDER_KEYS = frozenset({
    "gender", "sex", "genero", "sexo", "estimatedgender", "predictedgender", "apparentgender",
    "genderestimate",
})
_RANGE_KEYS = (("min", "max"), ("low", "high"), ("from", "to"), ("lower", "upper"))
_MAX_ATTEMPTS = 64  # bounds the work on text full of braces
_MAX_DEPTH = 4
_decoder = json.JSONDecoder()


def read_json(raw: str) -> tuple[AgeReading, GenderReading] | None:
    """(age, gender) from the first JSON object that has either key; ``None`` without one."""
    for start in _brace_positions(raw):
        try:
            value, _ = _decoder.raw_decode(raw, start)
        except (ValueError, RecursionError):
            continue
        found = _find_fields(value, depth=0)
        if found is not None:
            return _age_field(found), _gender_field(found)
    return None


def _brace_positions(raw: str) -> Iterator[int]:
    start = raw.find("{")
    for _ in range(_MAX_ATTEMPTS):
        if start < 0:
            return
        yield start
        start = raw.find("{", start + 1)


def _find_fields(value: Any, *, depth: int) -> dict[str, Any] | None:
    if depth > _MAX_DEPTH:
        return None
    if isinstance(value, dict):
        keyed = {_key(k): v for k, v in value.items() if isinstance(k, str)}
        if keyed.keys() & (_AGE_KEYS | _LOW_KEYS | _GENDER_KEYS):
            return keyed
        children: Any = value.values()
    elif isinstance(value, list):
        children = value
    else:
        return None
    for child in children:
        found = _find_fields(child, depth=depth + 1)
        if found is not None:
            return found
    return None


def _key(key: str) -> str:
    return re.sub(r"[^a-z]", "", canonical(key))


def _age_field(fields: dict[str, Any]) -> AgeReading:
    key = next((k for k in fields if k in _AGE_KEYS), None)
    if key is not None:
        return _age_value(fields[key]) or WITHHELD
    low = next((fields[k] for k in fields if k in _LOW_KEYS), None)
    high = next((fields[k] for k in fields if k in _HIGH_KEYS), None)
    if low is None and high is None:
        return None
    return _age_value([low, high]) or WITHHELD


def _age_value(value: Any) -> Age | None:
    if isinstance(value, str):
        return read_age_relaxed(canonical(value))
    if isinstance(value, list) and len(value) == 2:
        low, high = (_number(v) for v in value)
        return age_from_range(low, high) if low is not None and high is not None else None
    if isinstance(value, dict):
        keyed = {_key(k): v for k, v in value.items() if isinstance(k, str)}
        for low_key, high_key in _RANGE_KEYS:
            if low_key in keyed and high_key in keyed:
                return _age_value([keyed[low_key], keyed[high_key]])
        return None
    number = _number(value)
    return age_from_number(number) if number is not None else None


def _number(value: Any) -> float | None:
    # bool is an int to Python, but "age": true is no age.
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    try:
        number = float(value)
    except OverflowError:
        return None
    return number if math.isfinite(number) else None


def _gender_field(fields: dict[str, Any]) -> GenderReading:
    key = next((k for k in fields if k in _GENDER_KEYS), None)
    if key is None:
        return None
    value = fields[key]
    if not isinstance(value, str):
        return WITHHELD
    return read_gender_relaxed(canonical(value)) or WITHHELD

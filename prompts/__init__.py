"""Prompt variants for multimodal LLMs, and parsing of their age/gender answers.

The study this suite extends (Kuprashevich et al. 2024, arXiv 2403.02302) asked every MLLM with
one prompt whose exact text is **not public**. The variants here are this suite's own, short and
neutral, shipped as TOML data files in ``prompts/variants/`` — one per variant, each saying what
it tests — so prompt sensitivity can be measured instead of assumed.

``parse_answer`` turns one reply (text plus the API's refusal signals) into a ``ParsedAnswer``:
age (a number, or a range with its midpoint), gender, and an outcome — answer, partial, refusal
(with its kind) or unparseable. It is a pure function that never raises, and it never imputes a
refused or missing field.

Example:
    >>> from prompts import get_variant, parse_answer
    >>> get_variant("json").answer_format
    'json'
    >>> parse_answer('{"age": 34, "gender": "female"}').outcome
    'answer'
"""

from __future__ import annotations

from ._answer import ASKABLE, OUTCOMES, Field, Outcome, ParsedAnswer
from ._asks import infer_asks
from ._lexicon import LANGUAGES
from ._load import ANSWER_FORMATS, BUILTIN_IDS, get_variant, load_variants
from ._mentions import Mentions, mentions
from ._parse import PARSER_VERSION, parse_answer
from ._refusal import REFUSAL_KINDS, RefusalKind
from ._variant import AnswerFormat, PromptVariant
from ._words import AGE_WORDS

__all__ = [
    "AGE_WORDS",
    "ANSWER_FORMATS",
    "ASKABLE",
    "BUILTIN_IDS",
    "LANGUAGES",
    "OUTCOMES",
    "PARSER_VERSION",
    "REFUSAL_KINDS",
    "AnswerFormat",
    "Field",
    "Mentions",
    "Outcome",
    "ParsedAnswer",
    "PromptVariant",
    "RefusalKind",
    "get_variant",
    "infer_asks",
    "load_variants",
    "mentions",
    "parse_answer",
]

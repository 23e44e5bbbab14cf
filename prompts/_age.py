"""Reading an age (a number, a range or an age phrase) out of folded answer text.

Free text is full of numbers that are not ages: confidence percentages, image sizes, years, step
numbers, "over 40" in a general remark, "20 years of experience" in an expert persona's answer.
So a number counts only with a cue that makes it an age, tried strongest first:

1. a label: ``age: 34``, ``estimated age range 25-30``, ``edad: 34``;
2. a unit: ``34 years old``, ``34-year-old``, ``34 yo``, ``34 años``;
3. an estimate cue: ``about 34``, ``looks 34``, ``I'd say 34`` (and nothing after it but
   punctuation, a gender word or "and"/"or" — "about 3 people" is no age);
4. an age phrase in context: ``late twenties``, ``in her 30s``, ``mid-40s``;
5. a life stage: ``teenager``, ``middle-aged``, ``elderly`` — unless a negation or contrast in
   the same clause denies it ("a young man, not a child or a teenager").

Grammar of one age expression, first alternative that matches wins: ``between X and Y``; an open
range with its one stated bound (``over 60``, ``under 18``, ``70+``, ``60 or older``) and no
invented other bound; ``X-Y`` / ``X to Y`` / ``X or Y``; ``X ± D``; a decade phrase or a
disjunction or range of two (``late teens or early twenties`` → 17-23); a bare number. A
disjunction ("or") wider than ``WIDE_RANGE`` years ("20s or 30s") commits to nothing.

Non-committal spans are blanked first (``blank_hedges``): "anywhere between 20 and 40", "in
their 20s or 30s", and a modal range of 15 years or more ("could be between 20 and 40").

``read_age_relaxed`` reads a segment already known to hold the answer (a ``Final answer:`` line, a
JSON string, a bare ``34 female``) and also accepts a bare number or phrase there.
"""

from __future__ import annotations

import re
from typing import NamedTuple

from ._lexicon import english
from ._words import DECADE_SPANS, DECADE_WORDS, LIFE_STAGES, TEEN_SPANS

__all__ = [
    "Age", "age_from_number", "age_from_range", "age_open", "blank_hedges", "read_age",
    "read_age_relaxed",
]

MIN_AGE, MAX_AGE = 0.0, 120.0


class Age(NamedTuple):
    """A point estimate in years, with the range it came from (both ``None`` for a number)."""

    value: float
    low: float | None = None
    high: float | None = None


def _alternatives(words: tuple[str, ...]) -> str:
    return "|".join(re.escape(word) for word in sorted(words, key=len, reverse=True))


_OVER = _alternatives(english().words("age", "over"))
_UNDER = _alternatives(english().words("age", "under"))
_N = r"(?<![\w.])\d{1,3}(?:\.\d+)?(?!\d)"
_DECADE_NAMES = "|".join(DECADE_WORDS)
_DECADE_NAME = rf"(?:{_DECADE_NAMES}|[2-9]0(?:'?s\b|[\s-]*something))"
# "early 30s", "mid-to-late 20s", "late 30s to early 40s", "thirty-something".
_DECADE = (
    r"(?:(?P<mod>early|mid|late)(?:[\s-]+to[\s-]+(?P<mod2>mid|late))?[\s-]*)?"
    rf"(?P<dec>{_DECADE_NAME})"
    rf"(?:\s*(?:-|\bto\b|\b(?P<dec_or>or)\b)\s*(?:(?:the|their|his|her|an?)\s+)?"
    rf"(?P<mod3>early|mid|late)?[\s-]*(?P<dec2>{_DECADE_NAME}))?"
)
_EXPR = (
    rf"(?:between|entre)\s+(?P<b_lo>{_N})\s*(?:and|y|-|to)\s*(?P<b_hi>{_N})"
    rf"|(?P<ov_w>\b(?:{_OVER})\s+(?:the\s+age\s+of\s+)?(?P<ov>{_N}))"
    rf"|(?P<un_w>\b(?:{_UNDER})\s+(?:the\s+age\s+of\s+)?(?P<un>{_N}))"
    rf"|(?P<r_lo>{_N})(?:\s*[-~]\s*|\s+(?:to|a)\s+|\s+(?P<r_or>or|o)\s+)(?P<r_hi>{_N})"
    rf"|(?P<pm_mid>{_N})\s*(?:±|\+/-|\+-)\s*(?P<pm_d>{_N})"
    rf"|(?P<plus>{_N})\s*\+(?![/-]|\s*\d)"
    rf"|{_DECADE}"
    rf"|(?P<n>{_N})"
)
# After a number: "60 or older", "60 years and above", Chinese "60岁以上" (→ "60 years old over").
_OPEN_AFTER = re.compile(
    r"\s*(?:(?:years?|yrs?)(?:\s*old)?\s*)?(?:(?P<above>(?:or|and)\s+(?:older|over|above|up|"
    r"more)\b|over\b)|(?P<below>(?:or|and)\s+(?:younger|under|below|less)\b|under\b))"
)
_LABEL = re.compile(rf"\b(?:age[sd]?|edad(?:es)?)\b[^\d\n.,;!?#]{{0,30}}?(?:{_EXPR})")
_UNIT = re.compile(
    rf"(?:{_EXPR})[\s-]*(?:years?[\s-]*old|yrs?[\s-]*old|y/?o\b|y\.o\.|anos\b|"
    r"(?:years?|yrs?)\b(?!\s+(?:of(?!\s+age)|ago|in|into|experience|later|before|after|since|back|earlier)"
    r"\b))"
)
_CUE_WORDS = (
    r"about|around|approximately|approx|roughly|circa|maybe|probably|likely|perhaps|"
    r"aproximadamente|unos|unas|alrededor de|cerca de|looks?(?: to be)?(?: like)?|"
    r"appears?(?: to be)?|seems?(?: to be)?|estimated?(?: at)?|estimate|guess|"
    r"(?:could|might|may) be|podria tener|"
    r"i'd say|i would say|i'd guess|i would guess|tiene|parece tener|"
    r"(?:he|she|they|person|individual|subject|man|woman|boy|girl|lady|guy|who)"
    r"(?:'s|\s+is|\s+are|'re)(?:\s+(?:probably|likely|maybe|possibly))?|"
    r"(?:man|woman|boy|girl|person|lady|gentleman|guy|individual|child) of"
)
_CUE = re.compile(
    rf"(?:\b(?:{_CUE_WORDS})\b|~)[\s:]*(?:(?:about|around|approximately|roughly)\s+)?"
    rf"(?:{_EXPR})(?=\s*(?:$|[.,;:!?)\]}}\"'\n/]|-(?!\s*\d)|(?:and|or|but|with|y|o|pero|con|ish|give|"
    r"plus|now|today|male|female|man|woman|boy|girl|hombre|mujer|masculino|femenino)\b|-ish))"
)
_DECADE_ONLY = re.compile(_DECADE)
_DECADE_CONTEXT = re.compile(r"\b(?:in|into|en)\s+(?:(?:his|her|their|the|its|sus|los)\s+)?$")
_LIFE_STAGE = re.compile(rf"(?<![\w-])({_alternatives(tuple(LIFE_STAGES))})(?![\w-])")
# A negation or contrast earlier in the same clause denies a life stage: "not a child, teenager
# or elderly person", "rather than a teenager".
_DENIED = re.compile(r"\b(?:not|rather than|neither|nor|never|whether|if)\b(?![^.;:!?\n]*\bbut\b)"
                     r"[^.;:!?\n]*$")
_ANY = re.compile(_EXPR)

# What follows a number that is a measurement or a count, not an age.
_NOT_AGE_AFTER = re.compile(
    r"\s*(?:%|percent|per\s*cent|px|pixels?|p\b|[x×]\s*\d|cm|mm|kg|lbs?|pounds|"
    r"ft|feet|foot|inch|inches|\"|'\s*\d|°|degrees?|:\d|/\d|fps|dpi|mp\b|k\b|st\b|nd\b|rd\b|th\b|"
    r"am\b|pm\b|people|persons?|individuals|faces?|images?|photos?|pictures?|steps?|"
    r"points?|hours?|minutes?|seconds?|days?|weeks?|months?|times|percentile)"
)
# What precedes a number that is a bound, an error margin, an index or a score, not an estimate:
# "over 40", "give or take 5", "an error of about 5 years", "step 2", "8 out of 10".
_NOT_AGE_BEFORE = re.compile(
    r"(?:\b(?:over|under|above|below|than|least|most|after|before|until|since|by|step|fig|"
    r"figure|no\.|number|version|page|top|level|score|rating|size|resolution|confidence|"
    r"probability|scale|out\s+of|take|minus|plus|error|errors|margin|within|accuracy|off|"
    r"deviation|mae|uncertainty|tolerance)(?:\s+(?:of|by))?"
    r"(?:\s+(?:about|around|approximately|roughly|up\s+to|just|only))?\s*"
    r"|[$€£#×]\s*|\d\s*/\s*|\bx\s*)$"
)
# "could be anywhere between 20 and 40" and "in their 20s or 30s" commit to no estimate.
_HEDGES = re.compile(
    r"\banywhere\s+(?:between|from)\b[^.;\n]{0,40}"
    r"|\b(?:teenager|teenage|teen|adolescent|toddler|middle[\s-]aged)\s+or\s+(?:an?\s+)?[a-z-]+"
)
# "they could be between 20 and 40", "podría tener entre 20 y 40 años": a range under a modal
# is an estimate when narrow ("could be 25 to 30") and a shrug when wide.
_MODAL_RANGE = re.compile(
    r"\b(?:could|might|may|podria|puede)\s+(?:be|tener|ser)\s+(?:(?:about|around|unos)\s+)?"
    rf"(?:between|from|entre|de)?\s*(?P<lo>{_N})\s*(?:and|to|-|y|a)\s*(?P<hi>{_N})"
)
WIDE_RANGE = 15  # years; wider modal ranges are read as no estimate


def blank_hedges(folded: str) -> str:
    """Replace non-committal spans with spaces, so no estimate is read out of them."""
    blanked = _HEDGES.sub(lambda m: " " * len(m.group()), folded)
    return _MODAL_RANGE.sub(
        lambda m: " " * len(m.group())
        if float(m.group("hi")) - float(m.group("lo")) >= WIDE_RANGE else m.group(),
        blanked,
    )


def read_age(folded: str) -> Age | None:
    """The first age found by the strongest cue (see the module docstring), or ``None``."""
    for pattern in (_LABEL, _UNIT, _CUE):
        for match in pattern.finditer(folded):
            age = _interpret(match, folded)
            if age is not None:
                return age
    for match in _DECADE_ONLY.finditer(folded):
        window = max(0, match.start() - 24)
        # "30s" alone may be a decade of fashion; "early 30s", "in her 30s", "30-something"
        # can only be an age.
        has_context = (match.group("mod") or match.group("dec").endswith("something")
                       or _DECADE_CONTEXT.search(folded, window, match.start()))
        if has_context and (age := _interpret(match, folded)) is not None:
            return age
    for stage in _LIFE_STAGE.finditer(folded):
        clause_start = max(0, stage.start() - 80)
        if _DENIED.search(folded, clause_start, stage.start()):
            continue
        low, high = LIFE_STAGES[stage.group(1)]
        return age_from_range(low, high) if high is not None else age_open(low=low)
    return None


def read_age_relaxed(segment: str) -> Age | None:
    """Like ``read_age``, but a bare number or phrase in ``segment`` also counts."""
    age = read_age(segment)
    if age is not None:
        return age
    for match in _ANY.finditer(segment):
        if (age := _interpret(match, segment)) is not None:
            return age
    return None


def _interpret(match: re.Match[str], text: str) -> Age | None:
    groups = match.groupdict()
    if groups["dec"] is not None:
        first = _decade_span(groups["dec"], groups["mod"] or "")
        if groups["dec2"] is not None:
            last = _decade_span(groups["dec2"], groups["mod3"] or "")
        else:
            last = _decade_span(groups["dec"], groups["mod2"] or groups["mod"] or "")
        if groups["dec_or"] and last[1] - first[0] > WIDE_RANGE:
            return None  # "in their 20s or 30s" commits to no estimate
        return age_from_range(first[0], last[1])
    numeric_start = min(match.start(g) for g in groups if groups[g] is not None)
    numeric_end = max(match.end(g) for g in groups if groups[g] is not None)
    if _NOT_AGE_BEFORE.search(text, max(0, numeric_start - 40), numeric_start):
        return None
    if _NOT_AGE_AFTER.match(text, numeric_end):
        return None
    if groups["ov"] is not None or groups["plus"] is not None:
        return age_open(low=float(groups["ov"] or groups["plus"]))
    if groups["un"] is not None:
        return age_open(high=float(groups["un"]))
    if groups["n"] is not None:
        if (open_end := _OPEN_AFTER.match(text, numeric_end)) is not None:
            bound = float(groups["n"])
            return age_open(low=bound) if open_end.group("above") else age_open(high=bound)
        return age_from_number(float(groups["n"]))
    if groups["pm_mid"] is not None:
        middle, spread = float(groups["pm_mid"]), float(groups["pm_d"])
        return age_from_range(middle - spread, middle + spread)
    low, high = groups["b_lo"] or groups["r_lo"], groups["b_hi"] or groups["r_hi"]
    if groups["r_or"] and float(high) - float(low) > WIDE_RANGE:
        return None
    return age_from_range(float(low), float(high))


def _decade_span(name: str, modifier: str) -> tuple[int, int]:
    start = DECADE_WORDS.get(name)
    if start is None:
        start = int(name[:2])  # "30s", "30's", "30-something"
    if start == 10:
        return TEEN_SPANS[modifier]
    low, high = DECADE_SPANS[modifier]
    return low + start, high + start


def age_from_number(value: float) -> Age | None:
    """``value`` as an age, or ``None`` outside 0-120 years."""
    return Age(float(value)) if MIN_AGE <= value <= MAX_AGE else None


def age_open(*, low: float | None = None, high: float | None = None) -> Age | None:
    """An open range: its one stated bound is the point estimate; no other bound is invented."""
    bound = low if low is not None else high
    if bound is None or not MIN_AGE <= bound <= MAX_AGE:
        return None
    return Age(float(bound), None if low is None else float(low),
               None if high is None else float(high))


def age_from_range(low: float, high: float) -> Age | None:
    """The range as an age (point = midpoint), or ``None`` when reversed or outside 0-120."""
    if not MIN_AGE <= low <= high <= MAX_AGE:
        return None
    if low == high:
        return Age(float(low))
    return Age((low + high) / 2, float(low), float(high))

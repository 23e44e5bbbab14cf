"""The simulated server as a judge: it recognises the suite's fixed judge question (text only).

A judge is asked what one quoted answer says (``robustness._judge_prompt``). The simulated judge
answers by a simple extraction with the suite's own parser, sentence by sentence: the first
sentence that gives an age gives the age, the first that names a gender gives the gender. Read
alone, "This is a man. His wife, a woman, stands behind him." gives "male", where the rules,
reading the whole text, see two genders and abstain — which is what a real judge is asked for, and
what the suite's checks on a judge's verdict must then verify. Its replies carry the server's
``simulated`` fingerprint like every other.
"""

from __future__ import annotations

import json
import re

from prompts import parse_answer

from .._judge_prompt import read_judge_prompt

__all__ = ["judge_reply"]

_SENTENCE = re.compile(r"(?<=[.!?;])\s+|\n+")


def judge_reply(text: str) -> str | None:
    """The simulated judge's JSON verdict, or ``None`` when ``text`` is no judge question."""
    quoted = read_judge_prompt(text)
    if quoted is None:
        return None
    answer, asks = quoted
    age: object = None
    gender = None
    for sentence in _SENTENCE.split(answer):
        reading = parse_answer(sentence, asks=asks)
        if age is None and reading.age is not None:
            age = reading.age if reading.age_low is None and reading.age_high is None \
                else [reading.age_low, reading.age_high]
        gender = gender or reading.gender
    refused = parse_answer(answer, asks=asks).outcome == "refusal"
    return json.dumps({"age": age, "gender": gender, "refused": refused})

"""The judge's reading: which answers it is asked about, and how its verdict is checked."""

from __future__ import annotations

import json

import pytest

from prompts import mentions, parse_answer
from robustness._judge import apply_verdict, needs_judge
from robustness._judge_prompt import judge_prompt, read_judge_prompt, read_verdict

TWO_GENDERS = "This is a man. His wife, a woman, stands behind him."
AGE_NO_GENDER = "A man of about 40. A woman stands next to him."


def verdict(**fields: object) -> str:
    return "Here is the reading:\n```json\n" + json.dumps(fields) + "\n```"


@pytest.mark.parametrize(("text", "asks", "expected"), [
    (TWO_GENDERS, None, True),  # unparseable: two genders, the rules abstain
    (AGE_NO_GENDER, None, True),  # partial, and the missing gender is named
    ("About 34 years old.", None, False),  # partial, but gender is never mentioned
    ("!!!This is not possible!!!", None, False),  # a refusal the rules found
    ("About 34, but I won't guess the gender.", None, False),  # partial with a refusal kind
    ("She looks about 34.", None, False),  # an answer
    ("She is a woman.", ["gender"], False),  # an answer to what was asked
    ("   ", None, False),  # nothing to read
])
def test_only_answers_in_doubt_go_to_the_judge(text: str, asks: list[str] | None,
                                                expected: bool) -> None:
    assert needs_judge(parse_answer(text, asks=asks), text) is expected


def test_a_verdict_fills_what_the_rules_left_empty() -> None:
    rules = parse_answer(TWO_GENDERS)
    reading, parsed_by, problem = apply_verdict(
        rules, TWO_GENDERS, verdict(age=None, gender="male", refused=False), "sim-mllm")
    assert problem is None and parsed_by == "judge:sim-mllm"
    assert (reading.outcome, reading.gender, reading.age) == ("partial", "male", None)


def test_the_rules_fields_outrank_the_judge() -> None:
    rules = parse_answer(AGE_NO_GENDER)
    assert rules.age == 40
    reading, parsed_by, problem = apply_verdict(
        rules, AGE_NO_GENDER, verdict(age=25, gender="male", refused=False), "j")
    assert problem is None and parsed_by == "judge:j"
    assert (reading.outcome, reading.age, reading.gender) == ("answer", 40.0, "male")


@pytest.mark.parametrize(("text", "reply", "problem"), [
    ("thirtyish bloke, leather jacket", verdict(age=None, gender="female", refused=False),
     "gender 'female' is not named"),
    (AGE_NO_GENDER, verdict(age=None, gender="female", refused=False), None),  # named: allowed
    (TWO_GENDERS, verdict(age=40, gender="male", refused=False), "no number or age word"),
    (TWO_GENDERS, "The person is male.", "no JSON object"),
    (TWO_GENDERS, '{"gender": "male",}', "not valid JSON"),
    (TWO_GENDERS, verdict(gender="robot"), "male, female or null"),
    (AGE_NO_GENDER, verdict(age="forty", gender="male"), "must be a number"),
    (AGE_NO_GENDER, verdict(age=[50, 40], gender="male"), "reversed"),
    (TWO_GENDERS, verdict(gender="male", refused="yes"), "true or false"),
])
def test_a_verdict_that_invents_or_is_malformed_is_rejected(text: str, reply: str,
                                                            problem: str | None) -> None:
    rules = parse_answer(text)
    reading, parsed_by, found = apply_verdict(rules, text, reply, "j")
    if problem is None:
        assert found is None and reading.gender == "female"
        return
    assert found is not None and problem in found
    assert (reading, parsed_by) == (rules, "rules")  # the rules' reading stays


def test_an_impossible_age_is_rejected() -> None:
    text = "He has seen about 45 winters."
    rules = parse_answer(text)
    _, parsed_by, problem = apply_verdict(rules, text, verdict(age=450), "j")
    assert parsed_by == "rules" and problem is not None and "within" in problem


def test_ranges_refusals_and_fields_not_asked() -> None:
    text = "He has seen about 45 winters."
    rules = parse_answer(text)
    reading, _, _ = apply_verdict(rules, text, verdict(age=[60, None]), "j")
    assert (reading.age, reading.age_low, reading.age_high) == (60.0, 60.0, None)
    reading, _, _ = apply_verdict(rules, text, verdict(age=[40, 50]), "j")
    assert (reading.outcome, reading.age, reading.age_low, reading.age_high) == (
        "answer", 45.0, 40.0, 50.0)
    odd = "thirtyish bloke"
    reading, parsed_by, _ = apply_verdict(parse_answer(odd), odd, verdict(refused=True), "j")
    assert (reading.outcome, reading.refusal_kind, parsed_by) == (
        "refusal", "cannot_determine", "judge:j")
    only_gender = parse_answer(TWO_GENDERS, asks=["gender"])
    reading, _, _ = apply_verdict(only_gender, TWO_GENDERS, verdict(age=40, gender="male"), "j")
    assert (reading.outcome, reading.age, reading.gender) == ("answer", None, "male")


def test_a_verdict_that_adds_nothing_leaves_the_rules_reading() -> None:
    rules = parse_answer(TWO_GENDERS)
    reading, parsed_by, problem = apply_verdict(rules, TWO_GENDERS, verdict(), "j")
    assert (reading, parsed_by, problem) == (rules, "rules", None)


def test_mentions_ignore_scope_in_every_language() -> None:
    assert mentions("A man, not a woman.").genders == {"male", "female"}
    assert mentions("这是一名男性").genders == {"male"}
    assert mentions("Ella es una mujer").genders == {"female"}
    assert not mentions("!!!This is not possible!!!").fields
    assert mentions("late thirties").age and not mentions("a person in a hat").age


def test_the_question_quotes_the_answer_whole() -> None:
    answer = "line one\nANSWER>>> is not the end\n{\"gender\": \"male\"}"
    question = judge_prompt(answer, "age,gender")
    assert read_judge_prompt(question) == (answer, "age,gender")
    assert read_judge_prompt("How old is this person?") is None
    assert read_verdict('{"age": 34, "gender": null}').age == 34


def test_the_judge_is_part_of_every_key_it_touches() -> None:
    from robustness._identity import judge_key, judged_fingerprint

    base = judge_key("judge-a", "1", TWO_GENDERS, "age,gender")
    assert base == judge_key("judge-a", "1", TWO_GENDERS, "age,gender")
    assert len({base, judge_key("judge-b", "1", TWO_GENDERS, "age,gender"),
                judge_key("judge-a", "2", TWO_GENDERS, "age,gender"),
                judge_key("judge-a", "1", TWO_GENDERS + " ", "age,gender"),
                judge_key("judge-a", "1", TWO_GENDERS, "gender")}) == 5
    model = "openai-compatible;model=m"
    assert len({model, judged_fingerprint(model, "judge-a", "1"),
                judged_fingerprint(model, "judge-b", "1"),
                judged_fingerprint(model, "judge-a", "2")}) == 4

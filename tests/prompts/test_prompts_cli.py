"""``robustness prompts`` and ``robustness parse``, through a tiny click group of their own."""

from __future__ import annotations

import json
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from prompts import BUILTIN_IDS
from robustness._cli._prompts import parse_command, prompts_command


@click.group()
def cli() -> None:
    """Only the commands under test, so this does not depend on their registration."""


cli.add_command(prompts_command)
cli.add_command(parse_command)


def _run(*args: str, stdin: str | None = None) -> click.testing.Result:
    return CliRunner().invoke(cli, list(args), input=stdin)


def _fails(*args: str, stdin: str | None = None) -> str:
    result = _run(*args, stdin=stdin)
    assert result.exit_code == 2, result.output
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), result.output
    return lines[0]


def test_command_names() -> None:
    assert (prompts_command.name, parse_command.name) == ("prompts", "parse")


def test_prompts_lists_every_variant_and_says_the_prompt_is_not_public() -> None:
    result = _run("prompts")
    assert result.exit_code == 0, result.output
    for variant_id in BUILTIN_IDS:
        assert variant_id in result.output
    assert "final-line" in result.output and " es " in result.output
    assert "not public" in " ".join(result.output.split())


def test_prompts_with_extra_file_and_text(tmp_path: Path) -> None:
    extra = tmp_path / "extra.toml"
    extra.write_text('id = "terse"\npurpose = "[short] one"\nuser = "Age and [b]gender[/b]?"\n')
    result = _run("prompts", "--file", str(extra), "--text")
    assert result.exit_code == 0, result.output
    assert "terse" in result.output and "[short] one" in result.output  # markup escaped
    assert "user: Age and [b]gender[/b]?" in result.output
    assert "system: You are an expert in forensic age estimation." in " ".join(
        result.output.split())


def test_prompts_with_bad_extra_file(tmp_path: Path) -> None:
    extra = tmp_path / "bad.toml"
    extra.write_text('id = "x"\npurpose = "p"\nuser = "u"\nanswer_format = "xml"\n')
    assert "bad.toml" in _fails("prompts", "--file", str(extra))
    assert "key 'answer_format'" in _fails("prompts", "--file", str(extra))
    assert "cannot read" in _fails("prompts", "--file", str(tmp_path / "missing.toml"))


def test_parse_text_shows_each_field() -> None:
    result = _run("parse", "She is in her late twenties.")
    assert result.exit_code == 0, result.output
    assert result.output.splitlines() == [
        "age:          28",
        "age_low:      27",
        "age_high:     29",
        "gender:       female",
        "outcome:      answer",
        "refusal_kind: -",
        "asks:         age, gender",
    ]


def test_parse_text_with_api_signals() -> None:
    assert "refusal_kind: content_filter" in _run(
        "parse", "", "--finish-reason", "content_filter").output
    assert "refusal_kind: api_refusal" in _run("parse", "34 male", "--refusal", "no").output


def test_parse_jsonl_reads_concatenated_objects_over_several_lines(tmp_path: Path) -> None:
    source = tmp_path / "answers.jsonl"
    source.write_text(
        '{"text": "34 female"}\n'
        '{\n  "text": "Sorry, I can\'t help with images of people yet.",\n  "refusal": null\n}'
        '{"text": null, "finish_reason": "content_filter"}  {"text": "25-30 male", "id": 7}\n'
        '\n{"text": "", "refusal": "I can\'t help"}\n',
        encoding="utf-8",
    )
    result = _run("parse", "--jsonl", str(source))
    assert result.exit_code == 0, result.output
    rows = [json.loads(line) for line in result.output.splitlines()]
    assert [row["index"] for row in rows] == [0, 1, 2, 3, 4]
    assert list(rows[0]) == ["index", "age", "age_low", "age_high", "gender", "outcome",
                             "refusal_kind", "asks"]
    assert rows[0] | {} == {"index": 0, "age": 34.0, "age_low": None, "age_high": None,
                            "gender": "female", "outcome": "answer", "refusal_kind": None,
                            "asks": ["age", "gender"]}
    assert (rows[1]["outcome"], rows[1]["refusal_kind"]) == ("refusal", "policy")
    assert rows[2]["refusal_kind"] == "content_filter"
    assert (rows[3]["age_low"], rows[3]["age_high"], rows[3]["age"]) == (25, 30, 27.5)
    assert rows[4]["refusal_kind"] == "api_refusal"
    assert all(line == json.dumps(json.loads(line), separators=(",", ":"), ensure_ascii=False)
               for line in result.output.splitlines())


def test_parse_jsonl_from_stdin() -> None:
    result = _run("parse", "--jsonl", "-", stdin='{"text": "Mujer de 30 años"}')
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["gender"] == "female"
    assert _run("parse", "--jsonl", "-", stdin="  \n").output == ""


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ('{"text": "a"}\n{"text": "b",}\n',
         "stdin: object at index 1 (line 2, column 1): malformed JSON at line 2, column 14"),
        ('{"text": "a"}\n\n  [1, 2]', "object at index 1 (line 3, column 3): expected a JSON "
                                      "object with a 'text' field, got list [1, 2]"),
        ('{"answer": "a"}', "object at index 0 (line 1, column 1): missing key 'text'"),
        ('{"text": 34}', "key 'text' must be a string or null, got 34"),
        ('{"text": "a", "refusal": true}', "key 'refusal' must be a string or null, got true"),
        ('{"text": "a"} garbage', "object at index 1 (line 1, column 15): malformed JSON"),
        ("[" * 100_000, "object at index 0 (line 1, column 1):"),
    ],
)
def test_parse_jsonl_malformed_objects(content: str, message: str) -> None:
    assert message in _fails("parse", "--jsonl", "-", stdin=content)


def test_parse_jsonl_malformed_object_writes_nothing(tmp_path: Path) -> None:
    result = _run("parse", "--jsonl", "-", stdin='{"text": "34 male"} {"text": ')
    assert result.exit_code == 2 and '"age"' not in result.output


def test_parse_usage_errors(tmp_path: Path) -> None:
    assert "nothing to parse" in _fails("parse")
    assert "not both" in _fails("parse", "34 male", "--jsonl", "-")
    assert "go with TEXT" in _fails("parse", "--jsonl", "-", "--refusal", "x", stdin="")
    assert "no such file" in _fails("parse", "--jsonl", str(tmp_path / "none.jsonl"))
    binary = tmp_path / "binary.jsonl"
    binary.write_bytes(b"\xff\xfe")
    assert "cannot read" in _fails("parse", "--jsonl", str(binary))


@pytest.mark.parametrize("args", [
    ("parse", "- male, 30"),
    ("parse", "--", "- male, 30"),
    ("parse", "-", ),
])
def test_parse_reads_text_that_starts_with_a_dash(args: tuple[str, ...]) -> None:
    result = _run(*args, stdin="- male, 30" if args[-1] == "-" else None)
    assert result.exit_code == 0, result.output
    assert "age:          30" in result.output and "gender:       male" in result.output
    assert "outcome:      answer" in result.output


def test_parse_as_an_answer_to_a_prompt(tmp_path: Path) -> None:
    assert "outcome:      partial" in _run("parse", "He is a man.").output
    by_text = _run("parse", "He is a man.", "--prompt-text", "Man or woman?")
    assert "outcome:      answer" in by_text.output and "asks:         gender" in by_text.output
    extra = tmp_path / "extra.toml"
    extra.write_text('id = "gender-only"\npurpose = "p"\nuser = "Which gender?"\n')
    by_id = _run("parse", "He is a man.", "--prompt", "gender-only", "--file", str(extra))
    assert "outcome:      answer" in by_id.output, by_id.output
    assert "outcome:      partial" in _run("parse", "He is a man.", "--prompt", "baseline").output
    assert "unknown prompt variant 'nope'" in _fails("parse", "x", "--prompt", "nope")
    assert "not both" in _fails("parse", "x", "--prompt", "json", "--prompt-text", "Age?")


def test_parse_jsonl_records_may_carry_a_prompt_or_asks() -> None:
    stdin = ('{"text": "A woman.", "prompt": "Is this a man or a woman?"}\n'
             '{"text": "A woman.", "asks": ["gender"]}\n'
             '{"text": "A woman.", "asks": "age,gender"}\n'
             '{"text": "A woman."}\n')
    rows = [json.loads(line) for line in _run("parse", "--jsonl", "-", stdin=stdin)
            .output.splitlines()]
    assert [row["outcome"] for row in rows] == ["answer", "answer", "partial", "partial"]
    assert [row["asks"] for row in rows] == [["gender"], ["gender"], ["age", "gender"],
                                             ["age", "gender"]]
    by_prompt = _run("parse", "--jsonl", "-", "--prompt-text", "How old?",
                     stdin='{"text": "About 40."}')
    assert json.loads(by_prompt.output)["outcome"] == "answer"


@pytest.mark.parametrize(("content", "message"), [
    ('{"text": "a", "asks": ["height"]}', "key 'asks': asks must name fields among age, gender"),
    ('{"text": "a", "asks": 3}', "key 'asks' must be a list of field names or null, got 3"),
    ('{"text": "a", "prompt": 3}', "key 'prompt' must be a string or null, got 3"),
])
def test_parse_jsonl_bad_prompt_or_asks(content: str, message: str) -> None:
    assert message in _fails("parse", "--jsonl", "-", stdin=content)

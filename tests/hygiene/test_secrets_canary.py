"""Acceptance: a canary key echoed by the endpoint, and credentials in the URL, persist nowhere.

A fault server on 127.0.0.1 speaks just enough of the chat-completions protocol. It picks its
reply from a marker in the prompt text and quotes back the credentials it received (the
``Authorization`` header) in every body: a 200 answer, a 400, a 500 (retried, then the item's
error) and a 401 (which stops the run). The runs, exports (CSV and Parquet), report and JSON
summary are then searched byte for byte for the key, the URL's password and its Basic-auth form.
"""

from __future__ import annotations

import base64
import json
import os
import subprocess
import sys
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

KEY = "sk-canary-7f3a9c2e51d84b6f"
USER, PASSWORD = "canaryuser", "pw-canary-0d9e8f7a6b"
BASIC = base64.b64encode(f"{USER}:{PASSWORD}".encode()).decode()
CANARIES = (KEY, PASSWORD, BASIC)

PROMPTS = """
[[variant]]
id = "answers"
purpose = "a 200 whose text quotes the credentials"
user = "MODE200 How old is this person, and what gender?"

[[variant]]
id = "bad-request"
purpose = "a 400 quoting them"
user = "MODE400 How old is this person, and what gender?"

[[variant]]
id = "server-error"
purpose = "a 500 quoting them, retried, then the item's error"
user = "MODE500 How old is this person, and what gender?"

[[variant]]
id = "unauthorised"
purpose = "a 401 quoting them: the run stops"
user = "MODE401 How old is this person, and what gender?"
"""


class _EchoingHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        text = json.dumps(json.loads(body))
        credentials = self.headers.get("Authorization", "")
        echo = f"credentials received: {credentials} (key {KEY}, password {PASSWORD})"
        if "MODE200" in text:
            answer = {"id": "c1", "object": "chat.completion", "created": 0, "model": "canary",
                      "choices": [{"index": 0, "finish_reason": "stop", "message": {
                          "role": "assistant", "content": f"About 30, male. {echo}"}}],
                      "usage": {"prompt_tokens": 5, "completion_tokens": 5, "total_tokens": 10}}
            self._reply(200, answer)
            return
        status = 400 if "MODE400" in text else 500 if "MODE500" in text else 401
        self._reply(status, {"error": {"message": f"rejected: {echo}", "type": "invalid",
                                       "code": str(status)}})

    def _reply(self, status: int, payload: dict[str, object]) -> None:
        data = json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.send_header("Retry-After", "0")  # the 500s are retried at once
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture
def echoing_server() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _EchoingHandler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://{USER}:{PASSWORD}@127.0.0.1:{server.server_address[1]}/v1"
    finally:
        server.shutdown()
        server.server_close()


def _cli(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "OPENAI_API_KEY": KEY, "OPENAI_LOG": "debug"}
    return subprocess.run([sys.executable, "-m", "robustness", *args], capture_output=True,
                          text=True, cwd=cwd, env=env, timeout=300)


def _leaks(text: str) -> list[str]:
    return [canary for canary in CANARIES if canary in text]


def test_no_canary_in_any_file_or_output_line(
    london: Path, tmp_path: Path, echoing_server: str
) -> None:
    (tmp_path / "prompts.toml").write_text(PROMPTS, encoding="utf-8")
    common = ("--model", "openai:canary", "--base-url", echoing_server, "--data", str(london),
              "--limit", "2", "--perturbations", "none", "--prompts-file", "prompts.toml",
              "--store", "r.sqlite", "--concurrency", "2", "--timeout", "10")
    first = _cli("run", *common, "--prompts", "answers,bad-request,server-error",
                 "--json", "summary.json", "--report", "run-report.html", cwd=tmp_path)
    assert "summary written" in first.stdout, first.stderr
    run_id = json.loads((tmp_path / "summary.json").read_text())["run"]["id"]
    outputs = [
        first,
        _cli("run", *common, "--prompts", "unauthorised", cwd=tmp_path),
        _cli("export", "--store", "r.sqlite", "--run", run_id, "--out", "items.csv",
             cwd=tmp_path),
        _cli("export", "--store", "r.sqlite", "--run", run_id, "--out", "items.parquet",
             cwd=tmp_path),
        _cli("report", "--store", "r.sqlite", "--run", run_id, "--out", "report.html",
             cwd=tmp_path),
    ]
    unauthorised = outputs[1]
    assert unauthorised.returncode == 2 and "401" in unauthorised.stderr
    assert "***" in unauthorised.stderr  # the echoed key was there, and was replaced
    for result in outputs:
        assert not _leaks(result.stdout + result.stderr), (result.args, result.stderr[-2000:])

    # The run did store what the endpoint said, only without the credentials.
    items = (tmp_path / "items.csv").read_text(encoding="utf-8")
    # httpx turns the URL's user information into Basic credentials, which the server quotes.
    assert "About 30, male. credentials received: Basic *** (key ***, password ***)" in items
    assert "rejected: credentials received: Basic *** (key ***, password ***)" in items
    config = json.dumps(json.loads(subprocess.run(
        [sys.executable, "-c", "import sqlite3,sys; print(sqlite3.connect('r.sqlite')"
         ".execute('SELECT config FROM runs').fetchone()[0])"],
        capture_output=True, text=True, cwd=tmp_path, check=True).stdout))
    assert "127.0.0.1" in config and USER not in config

    written = [path for path in tmp_path.rglob("*") if path.is_file()]
    assert {"r.sqlite", "summary.json", "items.csv", "items.parquet", "report.html",
            "run-report.html"} <= {path.name for path in written}
    for path in written:
        data = path.read_bytes()
        assert not [c for c in CANARIES if c.encode() in data], path

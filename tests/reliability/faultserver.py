"""A request-logging OpenAI-compatible server on 127.0.0.1 that fails on cue.

Every chat-completions request is logged with its arrival time, the SHA-256 of its body (the same
body is the same request: image, prompt and parameters) and what the server did with it. A
``script`` decides the action per request from (request number, attempt number of this body).
The answer itself is fixed text: these tests are about delivery, not about what a model says.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import socket
import struct
import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

# An action names what the server does with one request.
ANSWERS = ("ok", "length")  # the actions that deliver a usable answer (a paid request)
Script = Callable[[int, int], str]

ANSWER_TEXT = "The person in the photo looks about 34 years old and appears to be male."
HTML_502 = b"<html><head><title>502 Bad Gateway</title></head><body><h1>502 Bad Gateway</h1>" \
           b"<hr><center>nginx</center></body></html>"


@dataclass(frozen=True, slots=True)
class Entry:
    at: float
    digest: str
    attempt: int
    action: str

    @property
    def answered(self) -> bool:
        return self.action in ANSWERS


def always_ok(number: int, attempt: int) -> str:
    return "ok"


def completion(content: str | None, finish: str = "stop", *, choices: bool = True) -> bytes:
    choice = {"index": 0, "message": {"role": "assistant", "content": content, "refusal": None},
              "logprobs": None, "finish_reason": finish}
    return json.dumps({
        "id": "chatcmpl-test", "object": "chat.completion", "created": 1_700_000_000,
        "model": "llava", "system_fingerprint": "fp_test",
        "choices": [choice] if choices else [],
        "usage": {"prompt_tokens": 100, "completion_tokens": 16, "total_tokens": 116},
    }).encode()


def error(status: int, message: str) -> bytes:
    return json.dumps({"error": {"message": message, "type": "test", "param": None,
                                 "code": None}}).encode()


class FaultServer:
    """Serve on a fixed or free port; ``stop`` then ``start`` again restarts on the same port."""

    def __init__(self, script: Script = always_ok, *, latency_s: float = 0.0,
                 hang_s: float = 5.0, port: int = 0) -> None:
        self.script, self.latency_s, self.hang_s = script, latency_s, hang_s
        self.port = port
        self.log: list[Entry] = []
        self._attempts: Counter[str] = Counter()
        self._lock = threading.Lock()
        self._httpd: ThreadingHTTPServer | None = None
        self._stopping = threading.Event()

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/v1"

    def start(self) -> FaultServer:
        self._stopping.clear()
        handler = type("Handler", (_Handler,), {"fault_server": self})
        httpd = ThreadingHTTPServer(("127.0.0.1", self.port), handler)
        httpd.daemon_threads = True
        self.port = httpd.server_address[1]
        self._httpd = httpd
        threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.05},
                         daemon=True).start()
        return self

    def stop(self) -> None:
        """Stop listening and end hung replies; requests mid-answer get a dropped connection."""
        httpd, self._httpd = self._httpd, None
        if httpd is not None:
            self._stopping.set()
            httpd.shutdown()
            httpd.server_close()

    def __enter__(self) -> FaultServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def decide(self, body: bytes) -> Entry:
        digest = hashlib.sha256(body).hexdigest()
        with self._lock:
            attempt = self._attempts[digest]
            self._attempts[digest] += 1
            number = len(self.log)
            entry = Entry(time.monotonic(), digest, attempt, self.script(number, attempt))
            self.log.append(entry)
        return entry

    # -- what the log says ---------------------------------------------------------------

    def answered(self, since: float = 0.0) -> Counter[str]:
        """Usable answers delivered per request body (a paid request), from ``since`` on."""
        with self._lock:
            return Counter(e.digest for e in self.log if e.answered and e.at >= since)

    def actions(self) -> Counter[str]:
        with self._lock:
            return Counter(e.action for e in self.log)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    fault_server: FaultServer

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length", "0"))
        body = self.rfile.read(length)
        if len(body) < length:  # the client died mid-send: no request, nothing to pay for
            self.close_connection = True
            return
        server = self.fault_server
        entry = server.decide(body)
        if server.latency_s:
            time.sleep(server.latency_s)
        action = entry.action
        if action == "hang":  # past the client's timeout, then hang up unanswered
            server._stopping.wait(server.hang_s)
            self.close_connection = True
            return
        if action == "reset":  # a TCP reset instead of an answer
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER,
                                       struct.pack("ii", 1, 0))
            self.close_connection = True
            return
        replies: dict[str, tuple[int, str, bytes]] = {
            "ok": (200, "application/json", completion(ANSWER_TEXT)),
            "length": (200, "application/json", completion("The person looks about", "length")),
            "empty": (200, "application/json", completion(None, choices=False)),
            "null": (200, "application/json", completion(None)),
            "malformed": (200, "application/json", b'{"id": "chatcmpl-x", "choices": [{"ind'),
            "429": (429, "application/json", error(429, "Rate limit reached (test).")),
            "500": (500, "application/json", error(500, "The server had an error (test).")),
            "502": (502, "text/html", HTML_502),
            "400": (400, "application/json", error(400, "Invalid image (test).")),
            "401": (401, "application/json", error(401, "Incorrect API key provided.")),
        }
        if action == "truncated":  # promise a full body, send half, hang up
            full = completion(ANSWER_TEXT)
            self._head(200, "application/json", len(full))
            with contextlib.suppress(OSError):
                self.wfile.write(full[: len(full) // 2])
                self.wfile.flush()
            self.close_connection = True
            return
        status, kind, payload = replies[action]
        extra = [("Retry-After", "0.05")] if action == "429" else []
        self._head(status, kind, len(payload), extra)
        with contextlib.suppress(OSError):
            self.wfile.write(payload)

    def _head(self, status: int, kind: str, length: int,
              extra: list[tuple[str, str]] | None = None) -> None:
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(length))
        for name, value in extra or []:
            self.send_header(name, value)
        self.end_headers()

    def log_message(self, format: str, *args: Any) -> None:
        pass

"""HTTP/1.1 plumbing: one handler thread per connection, keep-alive, OpenAI-shaped errors.

Every response carries ``Content-Length`` so a keep-alive client knows where it ends, plus
``x-simulated: true``. A request whose body length cannot be known is answered and the connection
closed, since the next request's start could not be found. Delays (latency, a stalled
"timeout" fault) wait on the server's stop event, so they hold no lock and end at shutdown.
"""

from __future__ import annotations

import contextlib
import logging
import sys
import threading
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from socket import SHUT_RDWR, socket
from typing import Any
from urllib.parse import urlsplit

from ._protocol import ProtocolError
from ._responses import encode, model_body
from ._simulator import Reply, Simulator

__all__ = ["SimHTTPServer"]

logger = logging.getLogger("robustness.simserver")

_CHAT = "/v1/chat/completions"
_MODELS = "/v1/models"
# A vision request carries a few MB at most; refuse absurd bodies before reading them.
_MAX_BODY = 64 * 1024 * 1024


class SimHTTPServer(ThreadingHTTPServer):
    """A threading HTTP server that knows its simulator and can drop open connections."""

    daemon_threads = True
    # The listen backlog: the suite opens 32+ connections at once, the default 5 would reset some.
    request_queue_size = 512

    def __init__(self, address: tuple[str, int], simulator: Simulator) -> None:
        self.simulator = simulator
        self.stopping = threading.Event()
        self._connections: set[socket] = set()
        self._connections_lock = threading.Lock()
        super().__init__(address, _Handler)

    def process_request(self, request: Any, client_address: Any) -> None:
        with self._connections_lock:
            self._connections.add(request)
        super().process_request(request, client_address)

    def shutdown_request(self, request: Any) -> None:
        with self._connections_lock:
            self._connections.discard(request)
        super().shutdown_request(request)

    def handle_error(self, request: Any, client_address: Any) -> None:
        """Log a handler failure; a client that vanished mid-request is routine, not an error."""
        error = sys.exc_info()[1]
        if isinstance(error, ConnectionError | TimeoutError):
            logger.debug("connection from %s ended: %r", client_address, error)
        else:
            logger.exception("error while serving %s", client_address)

    def drop_connections(self) -> None:
        """Shut every open connection, so idle keep-alive handler threads end now."""
        with self._connections_lock:
            connections = list(self._connections)
        for connection in connections:
            with contextlib.suppress(OSError):  # already closed by its client
                connection.shutdown(SHUT_RDWR)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "robustness-simserver/0.1"
    sys_version = ""
    # Idle keep-alive connections are dropped after this many seconds, as real servers do.
    timeout = 120
    # Headers and body go out in two writes; with Nagle on, the body waits for the client's
    # delayed ACK (~40 ms per request on Linux keep-alive connections).
    disable_nagle_algorithm = True
    server: SimHTTPServer

    def do_GET(self) -> None:
        path = self._start()
        if path == _MODELS:
            self._send(self.server.simulator.models())
        elif path.startswith(_MODELS + "/") and len(path) > len(_MODELS) + 1:
            self._send(Reply(200, encode(model_body(path[len(_MODELS) + 1:]))))
        else:
            self._not_found(path)

    def do_POST(self) -> None:
        path = self._start()
        try:
            body = self._read_body()
        except ProtocolError as exc:
            self.close_connection = True
            self._send(self.server.simulator.error(exc))
            return
        if path != _CHAT:
            self._not_found(path)
            return
        try:
            reply = self.server.simulator.chat(body)
        except Exception:
            logger.exception("the simulator failed on a request")
            reply = self.server.simulator.error(ProtocolError(
                500, "the simulator failed unexpectedly; see its log", error_type="server_error"))
        self._send(reply)

    def do_PUT(self) -> None:
        self.close_connection = True  # any body stays unread, so this connection cannot go on
        self._not_found(self._start())

    do_DELETE = do_PATCH = do_PUT

    def _start(self) -> str:
        self.server.simulator.stats.count("requests")
        return urlsplit(self.path).path.rstrip("/")

    def _not_found(self, path: str) -> None:
        status = 405 if path in (_CHAT, _MODELS) else 404
        message = f"Invalid URL ({self.command} {self.path})"
        if status == 405:
            message = f"Method {self.command} is not allowed on {path}"
        self._send(self.server.simulator.error(ProtocolError(status, message, code="unknown_url")))

    def _read_body(self) -> bytes:
        if "chunked" in self.headers.get("Transfer-Encoding", "").lower():
            return self._read_chunked()
        length = self.headers.get("Content-Length")
        if length is None:
            if self.command == "POST":
                raise ProtocolError(411, "a Content-Length header is required")
            return b""
        try:
            size = int(length)
        except ValueError:
            raise ProtocolError(400, f"bad Content-Length {length!r}") from None
        if not 0 <= size <= _MAX_BODY:
            raise ProtocolError(413, f"the body must be at most {_MAX_BODY} bytes, got {size}")
        return self.rfile.read(size)

    def _read_chunked(self) -> bytes:
        chunks: list[bytes] = []
        total = 0
        while True:
            line = self.rfile.readline(1024).split(b";")[0].strip()
            try:
                size = int(line, 16)
            except ValueError:
                raise ProtocolError(400, f"bad chunk size {line!r}") from None
            total += size
            if total > _MAX_BODY:
                raise ProtocolError(413, f"the body must be at most {_MAX_BODY} bytes")
            if size == 0:
                while self.rfile.readline(1024).strip():
                    pass  # trailers, ignored
                return b"".join(chunks)
            chunks.append(self.rfile.read(size))
            self.rfile.readline(8)

    def _send(self, reply: Reply) -> None:
        if reply.delay_s > 0 and self.server.stopping.wait(reply.delay_s):
            reply = Reply(0, hang_up=True)  # shutting down: give up like a dying server would
        if reply.hang_up:
            self.close_connection = True
            return
        try:
            self.send_response(reply.status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(reply.body)))
            self.send_header("x-simulated", "true")
            self.send_header("x-request-id", f"req_sim_{uuid.uuid4().hex[:20]}")
            for name, value in reply.headers:
                self.send_header(name, value)
            if self.close_connection:
                self.send_header("Connection", "close")
            self.end_headers()
            self.wfile.write(reply.body)
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True  # the client gave up (its own timeout); nothing to do

    def log_message(self, format: str, *args: Any) -> None:
        logger.debug("%s - %s", self.address_string(), format % args)

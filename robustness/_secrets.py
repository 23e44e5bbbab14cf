"""Secrets never persist: one redaction rule for every message, stored text, export and report.

What is replaced by ``***`` (``REDACTED``), wherever it appears in a text:

- every API key in use: each key an adapter registers (``register_secret``), and the value of any
  environment variable whose name says it holds one (``*KEY*``, ``*TOKEN*``, ``*SECRET*``,
  ``*PASSWORD*``, ``*CREDENTIAL*``; 8 characters or more, so a flag like ``USE_KEY=1`` is not
  hunted through every answer);
- the user information of a URL (``http://user:secret@host`` → ``http://***@host``), and the
  password of a registered URL wherever it appears alone or as HTTP Basic credentials;
- the value of a URL query parameter named like a credential (``?api-key=…``, ``&token=…``,
  ``sig``, ``signature``, ``secret``, ``password``, ``auth``);
- an ``Authorization`` header's value and a ``Bearer …`` token quoted in a message.

It is applied at the sources (a provider error becoming a message, a model's fingerprint and
base URL being recorded) and again at the choke points (the store's writes of error and raw text
and of the run config, exports, the report's input, CLI error lines, log records), so text an
endpoint echoes back (a 401 body quoting the key) is caught too. Nothing here runs at import;
the first registered secret installs the log-record scrubber.
"""

from __future__ import annotations

import base64
import logging
import os
import re
import threading
from collections.abc import Iterable
from dataclasses import fields, is_dataclass, replace
from typing import Any, Final, TypeVar
from urllib.parse import quote, unquote, urlsplit, urlunsplit

__all__ = [
    "REDACTED",
    "Redactor",
    "public_url",
    "redact",
    "redact_fields",
    "redact_json",
    "redact_rows",
    "redactor",
    "register_secret",
    "register_url",
]

REDACTED: Final = "***"
# Shorter values are too likely to occur by chance in answers ("EMPTY", "sk", "1").
_MIN_LENGTH: Final = 8
_SECRET_NAME: Final = re.compile(r"KEY|TOKEN|SECRET|PASSWORD|PASSWD|CREDENTIAL", re.IGNORECASE)
_QUERY_NAME: Final = re.compile(
    r"(?:api[-_]?key|key|token|access[-_]?token|secret|client[-_]?secret|password|passwd|pwd|"
    r"sig|signature|auth|code)", re.IGNORECASE,
)
_USERINFO: Final = re.compile(r"(?P<scheme>\b[a-zA-Z][a-zA-Z0-9+.-]*://)[^/?#\s@\"'<>]+@")
_QUERY_VALUE: Final = re.compile(
    r"(?P<lead>[?&;](?:" + _QUERY_NAME.pattern + r")=)[^&#\s\"'<>]+", re.IGNORECASE
)
_HEADER: Final = re.compile(
    r"(?P<lead>\b(?:authorization|x-api-key|api-key)\b[\"']?\s*[:=]\s*[\"']?)"
    r"(?:(?:bearer|basic)\s+)?[^\s\"',}&]+",
    re.IGNORECASE,
)
# A token, not a word: "the Bearer of" stays, "Bearer sk-live-1234" does not.
_BEARER: Final = re.compile(r"(?P<lead>\b[Bb]earer\s+)(?=[^\s]*[\d_-])[A-Za-z0-9._~+/=-]{8,}")

_registered: set[str] = set()
_lock = threading.Lock()
_log_scrubber_installed = False

T = TypeVar("T")


def register_secret(value: str | None) -> None:
    """Redact ``value`` (and its URL-quoted form) from everything from now on."""
    if not value or len(value) < _MIN_LENGTH:
        return
    with _lock:
        _registered.update({value, quote(value, safe="")})
    _install_log_scrubber()


def register_url(url: str | None) -> None:
    """Register a URL's password, ``user:password`` (also as Basic auth) and secret query values."""
    if not url:
        return
    parts = urlsplit(url)
    if parts.password:
        password = unquote(parts.password)
        register_secret(password)
        pair = f"{unquote(parts.username or '')}:{password}"
        register_secret(pair)
        register_secret(base64.b64encode(pair.encode()).decode("ascii"))
    for match in _QUERY_VALUE.finditer("?" + parts.query):
        register_secret(unquote(match.group(0).split("=", 1)[1]))


def _known_secrets() -> list[str]:
    from_env = [value for name, value in os.environ.items()
                if len(value) >= _MIN_LENGTH and _SECRET_NAME.search(name)]
    with _lock:
        known = {*_registered, *from_env}
    # Longest first, so a key is not half-replaced by a shorter secret it contains.
    return sorted(known, key=len, reverse=True)


class Redactor:
    """The redaction rule with the secrets known when it was made: one per export or report."""

    def __init__(self, secrets: Iterable[str]) -> None:
        alternatives = "|".join(map(re.escape, secrets))
        self._secrets = re.compile(alternatives) if alternatives else None

    def __call__(self, text: str) -> str:
        if not text:
            return text
        if self._secrets is not None:
            text = self._secrets.sub(REDACTED, text)
        text = _USERINFO.sub(lambda m: m.group("scheme") + REDACTED + "@", text)
        text = _QUERY_VALUE.sub(lambda m: m.group("lead") + REDACTED, text)
        text = _HEADER.sub(lambda m: m.group("lead") + REDACTED, text)
        return _BEARER.sub(lambda m: m.group("lead") + REDACTED, text)


def redactor() -> Redactor:
    """A redactor for the secrets known now (registered ones and the environment's)."""
    return Redactor(_known_secrets())


def redact(text: str) -> str:
    """``text`` with every secret the module knows of replaced by ``***``."""
    return redactor()(text) if text else text


def redact_json(value: Any) -> Any:
    """Every string inside a JSON-like value (dicts, lists, tuples) redacted."""
    if isinstance(value, str):
        return redact(value)
    if isinstance(value, dict):
        return {redact_json(k): redact_json(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return type(value)(redact_json(v) for v in value)
    return value


def redact_rows(
    rows: list[dict[str, object]], columns: Iterable[str] = ("error", "raw_text")
) -> list[dict[str, object]]:
    """Rows read from the store with their free-text ``columns`` redacted, in place."""
    clean = redactor()
    names = tuple(columns)
    for row in rows:
        for name in names:
            text = row.get(name)
            if isinstance(text, str):
                row[name] = clean(text)
    return rows


def redact_fields(value: T, names: Iterable[str]) -> T:
    """A frozen dataclass with its text fields ``names`` redacted (the same object when clean)."""
    assert is_dataclass(value) and not isinstance(value, type)
    present = {f.name for f in fields(value)}
    changes: dict[str, Any] = {}
    for name in names:
        text = getattr(value, name) if name in present else None
        if isinstance(text, str) and (cleaned := redact(text)) != text:
            changes[name] = cleaned
    return replace(value, **changes) if changes else value


def public_url(url: str) -> str:
    """``url`` as it may be stored and shown: no user information, no secret query values."""
    parts = urlsplit(url)
    netloc = parts.netloc.rpartition("@")[2]
    query = _QUERY_VALUE.sub(lambda m: m.group("lead") + REDACTED, "?" + parts.query)[1:]
    return redact(urlunsplit((parts.scheme, netloc, parts.path, query, parts.fragment)))


def _install_log_scrubber() -> None:
    """Redact every log record's message as it is made (httpx and the SDK log request URLs)."""
    global _log_scrubber_installed
    with _lock:
        if _log_scrubber_installed:
            return
        _log_scrubber_installed = True
    make_record = logging.getLogRecordFactory()

    def scrubbed(*args: Any, **kwargs: Any) -> logging.LogRecord:
        record = make_record(*args, **kwargs)
        try:
            message = record.getMessage()
        except Exception:  # noqa: BLE001 - a malformed record is the logger's problem, not ours
            return record
        cleaned = redact(message)
        if cleaned != message:
            record.msg, record.args = cleaned, None
        return record

    logging.setLogRecordFactory(scrubbed)

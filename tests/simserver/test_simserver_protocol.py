"""The HTTP/1.1 protocol as a raw client sees it: status codes, error JSON, keep-alive."""

from __future__ import annotations

import base64
import http.client
import json
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest

from robustness._simserver import SimServer


def _connect(server: SimServer) -> http.client.HTTPConnection:
    return http.client.HTTPConnection("127.0.0.1", server.port, timeout=30)


def _post(connection: http.client.HTTPConnection, body: bytes | dict[str, Any],
          path: str = "/v1/chat/completions",
          headers: dict[str, str] | None = None) -> tuple[http.client.HTTPResponse, bytes]:
    data = body if isinstance(body, bytes) else json.dumps(body).encode()
    connection.request("POST", path, body=data,
                       headers={"Content-Type": "application/json", **(headers or {})})
    response = connection.getresponse()
    return response, response.read()


def _error(payload: bytes) -> dict[str, Any]:
    error: dict[str, Any] = json.loads(payload)["error"]
    assert set(error) == {"message", "type", "param", "code"} and error["message"]
    return error


def test_keep_alive_serves_many_requests_on_one_connection(
        server: SimServer, chat_body: Callable[..., Any], astronaut_url: str) -> None:
    connection = _connect(server)
    connection.request("GET", "/v1/models")
    models = connection.getresponse()
    assert models.status == 200 and json.loads(models.read())["object"] == "list"
    sock = connection.sock
    for index in range(3):
        response, payload = _post(connection, chat_body(f"Age and gender? {index}", astronaut_url))
        assert response.status == 200
        assert int(response.headers["Content-Length"]) == len(payload)
        assert response.headers["x-simulated"] == "true"
        assert json.loads(payload)["system_fingerprint"] == "simulated"
    response, _ = _post(connection, b"{}", path="/v1/nowhere")
    assert response.status == 404
    assert connection.sock is sock, "the server closed a keep-alive connection"
    connection.close()


def test_connection_close_is_honoured(server: SimServer) -> None:
    connection = _connect(server)
    connection.request("GET", "/v1/models", headers={"Connection": "close"})
    response = connection.getresponse()
    assert response.headers["Connection"] == "close"
    response.read()
    assert response.will_close
    connection.close()


def test_models_are_labelled_simulated(server: SimServer, client_for: Callable[..., Any]) -> None:
    client = client_for(server)
    models = list(client.models.list())
    assert {"sim-mllm", "chatgpt4v", "llava", "sharegpt4v", "gpt-4o"} <= {m.id for m in models}
    assert {model.owned_by for model in models} == {"robustness-simulator"}
    assert client.models.retrieve("any-name-at-all").owned_by == "robustness-simulator"


@pytest.mark.parametrize(("mutate", "code"), [
    (lambda body: body["messages"][0]["content"].pop(1), "missing_image"),
    (lambda body: body["messages"][0]["content"][1]["image_url"].update(
        url="https://example.com/face.png"), "invalid_image_url"),
    (lambda body: body["messages"][0]["content"][1]["image_url"].update(
        url="data:image/png;base64,@@not base64@@"), "invalid_image_url"),
    (lambda body: body["messages"][0]["content"][1]["image_url"].update(
        url="data:image/png;base64," + base64.b64encode(b"not an image").decode()),
     "invalid_image_format"),
    (lambda body: body.update(n=2), None),
    (lambda body: body.update(temperature=3), None),
    (lambda body: body.pop("model"), None),
    (lambda body: body.update(messages=[]), None),
])
def test_bad_requests_get_400(server: SimServer, chat_body: Callable[..., Any],
                              astronaut_url: str, mutate: Callable[[dict[str, Any]], Any],
                              code: str | None) -> None:
    body = chat_body("Age and gender?", astronaut_url)
    mutate(body)
    connection = _connect(server)
    response, payload = _post(connection, body)
    assert response.status == 400
    error = _error(payload)
    assert error["type"] == "invalid_request_error" and error["code"] == code
    # The body was consumed: the same connection still works.
    connection.request("GET", "/v1/models")
    assert connection.getresponse().status == 200


def test_invalid_json_and_unknown_paths(server: SimServer) -> None:
    connection = _connect(server)
    response, payload = _post(connection, b'{"model": ')
    assert response.status == 400 and "not valid JSON" in _error(payload)["message"]
    connection.request("GET", "/v2/whatever")
    response = connection.getresponse()
    assert response.status == 404 and _error(response.read())["code"] == "unknown_url"
    connection.request("GET", "/v1/chat/completions")
    response = connection.getresponse()
    assert response.status == 405
    response.read()
    assert server.stats.errors == 3


def test_the_openai_client_sees_bad_requests_as_bad_requests(
        server: SimServer, client_for: Callable[..., Any]) -> None:
    import openai

    with pytest.raises(openai.BadRequestError) as caught:
        client_for(server).chat.completions.create(
            model="gpt-4o", messages=[{"role": "user", "content": "How old am I?"}])
    assert caught.value.code == "missing_image"


def test_chunked_bodies_and_missing_length(server: SimServer, chat_body: Callable[..., Any],
                                           astronaut_url: str) -> None:
    data = json.dumps(chat_body("Age and gender?", astronaut_url)).encode()
    connection = _connect(server)
    connection.request("POST", "/v1/chat/completions", body=iter([data[:1000], data[1000:]]),
                       headers={"Content-Type": "application/json"}, encode_chunked=True)
    response = connection.getresponse()
    assert response.status == 200, response.read()
    response.read()
    raw = _connect(server)
    raw.putrequest("POST", "/v1/chat/completions")
    raw.endheaders()
    response = raw.getresponse()
    assert response.status == 411 and response.headers["Connection"] == "close"


def test_64_concurrent_keep_alive_connections(
        serve: Callable[..., SimServer], chat_body: Callable[..., Any],
        astronaut_url: str) -> None:
    server = serve(refusal_rate=0.0, latency_ms=100)

    def session(index: int) -> list[int]:
        connection = _connect(server)
        statuses = []
        for repeat in range(3):
            response, payload = _post(connection, chat_body(f"Age? {index}/{repeat}",
                                                            astronaut_url))
            statuses.append(response.status)
            assert json.loads(payload)["choices"][0]["message"]["content"]
        connection.close()
        return statuses

    with ThreadPoolExecutor(max_workers=64) as pool:
        results = list(pool.map(session, range(64)))
    assert results == [[200, 200, 200]] * 64
    assert server.stats.requests == 64 * 3


def test_stop_ends_idle_connections_and_frees_the_port(
        serve: Callable[..., SimServer]) -> None:
    server = serve()
    port = server.port
    connection = _connect(server)
    connection.request("GET", "/v1/models")
    connection.getresponse().read()
    server.stop()
    with pytest.raises((ConnectionError, http.client.HTTPException, OSError)):
        connection.request("GET", "/v1/models")
        connection.getresponse()
    with SimServer(port=port) as again:
        assert again.base_url == f"http://127.0.0.1:{port}/v1"
    with pytest.raises(RuntimeError):
        _ = again.base_url

"""The request body goes out as the JSON the encoder would write, the data URL spliced in."""

from __future__ import annotations

import asyncio
import json

import numpy as np
import openai
import pytest

import prompts
from robustness._exceptions import ModelError
from robustness._models import ModelInput
from robustness._models._openai import (
    IMAGE_SLOT,
    OpenAIModel,
    OpenAISettings,
    png_data_url,
    request_json,
)


def _body(text: str) -> dict[str, object]:
    return {"model": "m", "messages": [{"role": "user", "content": [
        {"type": "text", "text": text},
        {"type": "image_url", "image_url": {"url": IMAGE_SLOT, "detail": "high"}}]}],
        "temperature": 0.0}


def _with_url(body: dict[str, object], url: str) -> dict[str, object]:
    return json.loads(json.dumps(body).replace(IMAGE_SLOT, json.dumps(url)[1:-1]))


def test_a_png_data_url_is_spliced_as_the_encoder_would_write_it() -> None:
    url = png_data_url(np.random.default_rng(0).integers(0, 256, (40, 30, 3), dtype=np.uint8))
    body = _body('Age? Say "é" \\ then\nstop')
    sent = request_json(body, url)
    assert json.loads(sent) == _with_url(body, url)
    assert sent == json.dumps(_with_url(body, url), ensure_ascii=False,
                              separators=(",", ":")).encode()


@pytest.mark.parametrize("url", ['https://x.test/a"b\\c.png', "data:image/png;base64,AB\nCD",
                                 "https://x.test/é.png"])
def test_other_urls_are_escaped(url: str) -> None:
    body = _body("Age?")
    assert json.loads(request_json(body, url)) == _with_url(body, url)


def test_text_only_bodies_are_plain_json() -> None:
    body = {"model": "m", "messages": [{"role": "user", "content": "Age?"}]}
    assert json.loads(request_json(body, None)) == body


def test_a_prompt_holding_the_placeholder_is_refused() -> None:
    with pytest.raises(ModelError, match="placeholder"):
        request_json(_body(f"say {IMAGE_SLOT}"), "data:image/png;base64,AAAA")


@pytest.mark.parametrize(("seed", "top_p"), [(None, None), (3, 0.9)])
def test_the_bytes_are_those_the_sdks_create_sends(seed: int | None, top_p: float | None) -> None:
    """Same bytes as ``chat.completions.create`` sent: the simulated server seeds its answers
    from the body's hash, so its answers (and tests pinned to them) stay as they were."""
    http = openai._base_client.httpx2  # the SDK's own HTTP client package
    sent: list[bytes] = []

    def answer(request: object) -> object:
        sent.append(request.content)  # type: ignore[attr-defined]
        return http.Response(200, json={"id": "x", "object": "chat.completion", "created": 0,
                                        "model": "m", "choices": []})

    model = OpenAIModel(OpenAISettings(name="m", model="llava", base_url="http://x.test/v1",
                                       api_key_required=False, seed=seed, top_p=top_p))
    face = np.zeros((4, 4, 3), np.uint8)
    body = model._request(ModelInput(face=face, prompt=prompts.get_variant("json")), True)
    url = png_data_url(face)

    async def send() -> None:
        transport = http.MockTransport(answer)
        client = openai.AsyncOpenAI(base_url="http://x.test/v1", api_key="k", max_retries=0,
                                    http_client=http.AsyncClient(transport=transport))
        await client.chat.completions.create(**_with_url(body, url))

    asyncio.run(send())
    assert sent == [request_json(body, url)]

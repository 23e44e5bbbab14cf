"""Seeding: the output depends only on (image, boxes, severity, rng state), never on call order."""

from __future__ import annotations

import numpy as np
import pytest

import perturbations as P

# Families whose output is drawn from the rng; the others must ignore it.
RANDOM_FAMILIES = {"motion_blur", "gaussian_noise", "crop_jitter", "occlusion"}


def _severities(name: str) -> tuple[int, ...]:
    return (1,) if name in P.INVARIANCES else P.SEVERITIES


def _run(name: str, severity: int, seed: int, scene: tuple[np.ndarray, P.Boxes]):
    image, boxes = scene
    return P.apply(name, image, boxes, severity, np.random.default_rng([seed, severity]))


ITEMS = [(name, s) for name in P.FAMILIES for s in _severities(name)]


def test_random_families_are_registered() -> None:
    assert set(P.FAMILIES) >= RANDOM_FAMILIES


@pytest.mark.parametrize("name", P.FAMILIES)
def test_same_seed_gives_identical_bytes(name: str, astronaut: tuple[np.ndarray, P.Boxes]) -> None:
    for severity in _severities(name):
        first, first_boxes = _run(name, severity, 11, astronaut)
        second, second_boxes = _run(name, severity, 11, astronaut)
        assert first.tobytes() == second.tobytes(), (name, severity)
        assert first_boxes == second_boxes


def test_order_and_subset_do_not_change_bytes(astronaut: tuple[np.ndarray, P.Boxes]) -> None:
    forward = {item: _run(*item, 3, astronaut) for item in ITEMS}
    backward = {item: _run(*item, 3, astronaut) for item in reversed(ITEMS)}
    subset = {item: _run(*item, 3, astronaut) for item in ITEMS[::4]}
    for item, (image, boxes) in forward.items():
        assert backward[item][0].tobytes() == image.tobytes(), item
        assert backward[item][1] == boxes, item
    for item, (image, boxes) in subset.items():
        assert forward[item][0].tobytes() == image.tobytes(), item
        assert forward[item][1] == boxes, item


def test_same_in_another_thread(astronaut: tuple[np.ndarray, P.Boxes]) -> None:
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(max_workers=4) as pool:
        threaded = list(pool.map(lambda item: _run(item[0], item[1], 5, astronaut)[0], ITEMS))
    for item, image in zip(ITEMS, threaded, strict=True):
        assert _run(*item, 5, astronaut)[0].tobytes() == image.tobytes(), item


@pytest.mark.parametrize("name", sorted(RANDOM_FAMILIES))
def test_different_seeds_differ_for_random_families(
    name: str, astronaut: tuple[np.ndarray, P.Boxes]
) -> None:
    for severity in _severities(name):
        a, a_boxes = _run(name, severity, 1, astronaut)
        b, b_boxes = _run(name, severity, 2, astronaut)
        assert a.tobytes() != b.tobytes() or a_boxes != b_boxes, (name, severity)


@pytest.mark.parametrize("name", sorted(set(P.FAMILIES) - RANDOM_FAMILIES))
def test_deterministic_families_ignore_the_seed(
    name: str, astronaut: tuple[np.ndarray, P.Boxes]
) -> None:
    for severity in _severities(name):
        a, a_boxes = _run(name, severity, 1, astronaut)
        b, b_boxes = _run(name, severity, 2, astronaut)
        assert a.tobytes() == b.tobytes() and a_boxes == b_boxes, (name, severity)

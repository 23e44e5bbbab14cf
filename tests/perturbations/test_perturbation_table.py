"""The severity table: coverage against the registry (albumentations' check_all_augs_exists idea),
the shape of ``severity_table()`` and the scaling done by ``parameters()``."""

from __future__ import annotations

import pytest

import perturbations as P
from perturbations._severity import TABLE


def _severities(name: str) -> tuple[int, ...]:
    return (1,) if name in P.INVARIANCES else P.SEVERITIES


def test_every_family_has_every_severity_in_the_table() -> None:
    rows = P.severity_table()
    covered = {(row["family"], row["severity"]) for row in rows}
    missing = [(f, s) for f in P.FAMILIES for s in _severities(f) if (f, s) not in covered]
    assert not missing, f"registered perturbations without table rows: {missing}"


def test_every_table_row_names_a_registered_family() -> None:
    unknown = sorted({row.family for row in TABLE} - set(P.FAMILIES))
    assert not unknown, f"table rows for unregistered families: {unknown}"
    for row in TABLE:
        assert len(row.values) == len(_severities(row.family)), (row.family, row.name)


def test_table_rows_are_complete_and_sourced() -> None:
    rows = P.severity_table()
    assert rows[0]["family"] == P.FAMILIES[0]
    for row in rows:
        assert set(row) == {"family", "severity", "parameter", "value", "unit", "source"}
        assert isinstance(row["value"], float)
        assert row["unit"] and row["source"]
    by_key = {(r["family"], r["severity"], r["parameter"]): r for r in rows}
    # ImageNet-C values are quoted unscaled; the source says when they get scaled.
    sigma = by_key[("gaussian_blur", 5, "sigma")]
    assert sigma["value"] == 6.0
    assert "scaled to face size" in str(sigma["source"])
    assert by_key[("jpeg", 1, "quality")]["source"] == "ImageNet-C"
    assert str(by_key[("gamma", 3, "gamma")]["source"]).startswith("this suite")
    for parameter in TABLE:
        if parameter.scaled:
            assert "scaled to face size" in parameter.source, parameter


@pytest.mark.parametrize("name", P.FAMILIES)
def test_parameters_match_table_keys(name: str) -> None:
    for severity in _severities(name):
        params = P.parameters(name, severity, face_size=224)
        expected = {row.name for row in TABLE if row.family == name}
        if name == "downscale":
            expected.add("scale")
        assert set(params) == expected
        assert all(isinstance(v, float) for v in params.values())


def test_pixel_parameters_scale_with_face_size() -> None:
    assert P.parameters("gaussian_blur", 3, face_size=224) == {"sigma": 3.0}
    assert P.parameters("gaussian_blur", 3, face_size=448) == {"sigma": 6.0}
    motion = P.parameters("motion_blur", 5, face_size=112)
    assert motion == {"radius": 10.0, "sigma": 7.5, "max_angle": 45.0}  # angle is not a length
    assert P.parameters("defocus_blur", 1, face_size=448) == {"radius": 6.0, "alias_sigma": 0.2}
    # unit-free values do not scale
    assert P.parameters("jpeg", 2, face_size=448) == {"quality": 18.0}
    assert P.parameters("gaussian_noise", 5, face_size=50) == {"std": 0.38}
    assert P.parameters("brightness_down", 2, face_size=50) == {"v_shift": -0.2}


def test_downscale_scale_is_face_px_over_face_size_capped_at_one() -> None:
    assert P.parameters("downscale", 3, face_size=320) == {"face_px": 32.0, "scale": 0.1}
    assert P.parameters("downscale", 1, face_size=40)["scale"] == 1.0


@pytest.mark.parametrize("bad", [0, -5.0, float("nan"), float("inf"), "100", True])
def test_parameters_rejects_bad_face_size(bad: object) -> None:
    with pytest.raises(ValueError, match="face_size must be"):
        P.parameters("gaussian_blur", 1, face_size=bad)  # type: ignore[arg-type]

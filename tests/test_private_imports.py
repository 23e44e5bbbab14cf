"""No module reaches into another package's private module: it imports from that package's
``__init__`` (its ``__all__``) instead, so a package can rearrange its insides freely.

A name starting with ``_`` is private to the package that holds it: ``robustness._metrics`` may be
imported anywhere in ``robustness``, ``robustness._metrics._accuracy`` only inside
``robustness._metrics``, ``prompts._parse`` only inside ``prompts``. A module's own private names
(``prompts._gender._FEMALE_PRONOUNS``) are its package's business.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("perturbations", "prompts", "reports", "robustness")


def _module_name(path: Path) -> tuple[str, bool]:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    is_package = parts[-1] == "__init__"
    return ".".join(parts[:-1] if is_package else parts), is_package


def _imports(path: Path) -> list[tuple[int, str]]:
    """(line, module or module.name) for every import in a file, relative ones resolved."""
    module, is_package = _module_name(path)
    package = module.split(".") if is_package else module.split(".")[:-1]
    found: list[tuple[int, str]] = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = package[: len(package) - node.level + 1] if node.level else []
            target = ".".join([*base, *([node.module] if node.module else [])])
            found.append((node.lineno, target))
            found += [(node.lineno, f"{target}.{alias.name}") for alias in node.names]
    return found


def private_reaches(path: Path) -> list[str]:
    """Imports in ``path`` of a private name owned by a package that does not contain it."""
    module, _ = _module_name(path)
    bad: dict[int, str] = {}  # one entry per line: ``from a._b import c`` also yields a._b.c
    for line, target in _imports(path):
        parts = target.split(".")
        if parts[0] not in PACKAGES:
            continue
        for index, part in enumerate(parts):
            if not part.startswith("_") or part.startswith("__"):
                continue
            owner = ".".join(parts[:index])
            if (ROOT / owner.replace(".", "/")).with_suffix(".py").is_file():
                break  # a module's private name, shared inside its own package
            if module != owner and not module.startswith(owner + "."):
                bad.setdefault(line, f"{path.relative_to(ROOT)}:{line}: {target}")
                break
    return list(bad.values())


def _sources() -> list[Path]:
    return sorted(p for name in PACKAGES for p in (ROOT / name).rglob("*.py"))


def test_no_import_reaches_into_another_packages_private_module() -> None:
    sources = _sources()
    assert len(sources) > 100
    bad = [entry for path in sources for entry in private_reaches(path)]
    assert not bad, "import these from the package's __init__ instead:\n" + "\n".join(bad)


@pytest.mark.parametrize(("where", "code", "flagged"), [
    ("robustness/_api.py", "from ._metrics._accuracy import mae", True),
    ("robustness/_api.py", "from ._metrics import summarize", False),
    ("robustness/_metrics/_summary.py", "from ._accuracy import mae", False),
    ("robustness/_metrics/_summary.py", "from .._ab._holm import holm", True),
    ("robustness/_cli/_run.py", "from prompts._parse import parse_answer", True),
    ("robustness/_cli/_run.py", "import prompts._parse", True),
    ("robustness/_cli/_run.py", "from .._models import _hf_memory", True),
    ("robustness/_cli/__init__.py", "from ._run import run", False),
    ("prompts/_asks.py", "from prompts._gender import DISJUNCTION", False),
])
def test_the_scan_tells_reaching_in_from_importing_a_package(
    tmp_path: Path, where: str, code: str, flagged: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / where
    path.parent.mkdir(parents=True)
    path.write_text(code + "\n", encoding="utf-8")
    monkeypatch.setattr(__import__(__name__), "ROOT", tmp_path)
    assert bool(private_reaches(path)) == flagged

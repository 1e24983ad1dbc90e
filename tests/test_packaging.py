"""What a wheel holds: every package of cnncalc/ is listed in pyproject.toml (setuptools is
given the list, so a new folder left out of it is missing from every install, while the
editable checkout still works)."""

from __future__ import annotations

from pathlib import Path

import pytest

tomllib = pytest.importorskip("tomllib", reason="tomllib is Python 3.11's (the floors run 3.10)")

ROOT = Path(__file__).resolve().parents[1]


def test_every_package_folder_is_listed() -> None:
    setuptools = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]
    listed = set(setuptools["packages"])
    folders = {".".join(p.parent.relative_to(ROOT).parts)
               for p in (ROOT / "cnncalc").rglob("__init__.py")}
    assert folders <= listed, f"not in pyproject.toml's packages: {sorted(folders - listed)}"
    mapped = {name for name in listed if name not in folders}
    assert mapped == set(setuptools.get("package-dir", {})), "a listed package has no folder"

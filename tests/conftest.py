"""Shared test fixtures: the zoo, golden files, and analysing YAML text."""

from __future__ import annotations

import json
import textwrap
from functools import cache
from pathlib import Path
from typing import Any

import pytest

from cnncalc.analysis import Analysis, analyze
from cnncalc.source import Source

ROOT = Path(__file__).resolve().parents[1]
ZOO = sorted((ROOT / "architectures").glob("*.yaml"))
DATA = Path(__file__).resolve().parent / "data"


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--regen-golden", action="store_true",
                     help="rewrite tests/golden/* from the current output (review the diff)")


@pytest.fixture
def regen(request: pytest.FixtureRequest) -> bool:
    return bool(request.config.getoption("--regen-golden"))


def generated_section(page: Path, markers: tuple[str, str], table: str, regen: bool,
                      how: str) -> None:
    """The section of `page` between the two markers is `table`; with --regen-golden it is
    rewritten to it (review the diff). `how` says which test file regenerates it."""
    start, end = markers
    text = page.read_text(encoding="utf-8")
    before, _, rest = text.partition(start)
    shown, _, after = rest.partition(end)
    if regen and shown.strip() != table:
        page.write_text(f"{before}{start}\n{table}\n{end}{after}", encoding="utf-8")
        return
    assert shown.strip() == table, f"pytest --regen-golden {how} rewrites it"


def zoo_source(path: Path) -> Source:
    """A zoo file under its repository-relative name, so outputs don't depend on the cwd."""
    return Source(path.relative_to(ROOT).as_posix(), path.read_text(encoding="utf-8"))


@cache
def torchvision_totals() -> dict[str, dict[str, Any]]:
    """torchvision's models as PyTorch builds them: input, params, buffers, macs, output
    (tests/data/README.md says where they come from); read on first use."""
    return _torchvision_data()["models"]  # type: ignore[no-any-return]


@cache
def torchvision_1_1() -> dict[str, dict[str, Any]]:
    """The format 1.1 zoo's networks and family members as torchvision builds them, same keys
    (`models_1_1` and `families` of tests/data/torchvision.json)."""
    data = _torchvision_data()
    return {**data["models_1_1"], **data["families"]}


@cache
def torchvision_families() -> dict[str, dict[str, Any]]:
    """The family members torchvision.json measured (`families`): mobilenet_v2's widths and
    EfficientNet B1-B3."""
    return _torchvision_data()["families"]  # type: ignore[no-any-return]


@cache
def _torchvision_data() -> dict[str, Any]:
    data: dict[str, Any] = json.loads((DATA / "torchvision.json").read_text(encoding="utf-8"))
    return data


# Family files: each member of tests/data/torchvision.json's "families" (and EfficientNet-B0,
# the default of its file) is a zoo file with --set, as the file's comment gives it.
FAMILIES: dict[str, tuple[str, dict[str, Any]]] = {
    "efficientnet_b0": ("efficientnet", {}),
    "mobilenet_v2(width_mult=0.5)": ("mobilenet_v2", {"width": 0.5}),
    "mobilenet_v2(width_mult=0.75)": ("mobilenet_v2", {"width": 0.75}),
    "mobilenet_v2(width_mult=1.4)": ("mobilenet_v2", {"width": 1.4}),
    "efficientnet_b1": ("efficientnet", {"depth": 1.1, "res": 240}),
    "efficientnet_b2": ("efficientnet", {"width": 1.1, "depth": 1.2, "res": 260,
                                         "dropout": 0.3}),
    "efficientnet_b3": ("efficientnet", {"width": 1.2, "depth": 1.4, "res": 300,
                                         "dropout": 0.3}),
}


def family_member(name: str) -> Analysis:
    """The zoo file of family member `name`, analysed with its --set values."""
    stem, params = FAMILIES[name]
    return analyze(zoo_source(ROOT / "architectures" / f"{stem}.yaml"), params=params)


def run(text: str, **kwargs: object) -> Analysis:
    """Analyze dedented YAML text as the file `t.yaml`."""
    return analyze(Source("t.yaml", textwrap.dedent(text)), **kwargs)  # type: ignore[arg-type]

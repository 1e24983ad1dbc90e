"""`export --to svg`, the volume diagram, read as a program reads it: well-formed XML with a
viewBox that holds every element, a box per drawn output, every label present and inside the
picture (tests/test_browser.py looks at it in a real browser)."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from conftest import ZOO, run, zoo_source

from cnncalc.analysis import Analysis, analyze
from cnncalc.export import ExportError, export, picture
from cnncalc.graph import format_shape
from cnncalc.render.svg import CHAR, MAX_DRAWN, svg, volumes

NS = {"s": "http://www.w3.org/2000/svg"}


def _zoo(stem: str) -> Analysis:
    return analyze(zoo_source(next(p for p in ZOO if p.stem == stem)), batch=1)


def _texts(root: ET.Element) -> list[ET.Element]:
    return root.findall(".//s:text", NS)


def check_svg(a: Analysis, text: str, depth: int | None = 2) -> ET.Element:
    """Valid XML, SVG 1.1, the viewBox holds every label, one box group per drawn volume and
    every drawn item's name, shape and params among the labels."""
    root = ET.fromstring(text.encode("utf-8"))
    assert root.tag == "{http://www.w3.org/2000/svg}svg" and root.get("version") == "1.1"
    x0, y0, width, height = map(float, (root.get("viewBox") or "").split())
    assert (x0, y0) == (0, 0) and width > 0 and height > 0
    boxes, _ = volumes(picture(a, depth))
    groups = root.findall("./s:g[@class='volume']", NS)
    assert len(groups) == len(boxes)
    labels = [t.text or "" for t in _texts(root)]
    for v in boxes.values():
        assert v.item.name in labels
        assert (format_shape(v.item.shape) if v.item.shape else "?") in labels
        if v.item.params:
            assert f"{v.item.params:,} params" in labels
    for t in root.findall(".//s:text[@class='label']", NS):
        x, y = float(t.get("x", 0)), float(t.get("y", 0))
        half = len(t.text or "") * CHAR / 2
        assert x - half >= 0 and x + half <= width and 0 <= y <= height, t.text
    for rect in root.findall(".//s:rect[@class='box']", NS):
        assert float(rect.get("x", 0)) + float(rect.get("width", 0)) <= width
        assert float(rect.get("y", 0)) + float(rect.get("height", 0)) <= height
    return root


@pytest.mark.parametrize("path", ZOO, ids=lambda p: p.stem)
def test_zoo_svg(path: Path) -> None:
    a = analyze(zoo_source(path), batch=1)
    text = export(a, "svg")
    check_svg(a, text)
    assert text == export(a, "svg")  # deterministic


def test_alexnet_volumes() -> None:
    """AlexNet: the classic boxes, relu and dropout folded into the volume they act on, the FC
    layers as bars, each kernel drawn on the volume it slides over."""
    a = _zoo("alexnet")
    root = check_svg(a, svg(a))
    labels = [t.text for t in _texts(root)]
    for line in ("conv k11 s4 c64", "64x55x55", "23,296 params", "+ relu", "linear f4096",
                 "4,097,000 params", "maxpool k3 s2", "256x6x6"):
        assert line in labels
    boxes, _ = volumes(picture(a))
    assert [v.item.name for v in boxes.values()] == [
        "input", "conv1", "maxpool1", "conv2", "maxpool2", "conv3", "conv4", "conv5",
        "maxpool3", "flatten1", "linear1", "linear2", "linear3"]
    assert sum(v.flat for v in boxes.values()) == 4  # flatten and the three FC bars
    assert len(root.findall(".//s:rect[@class='kernel']", NS)) == 8


def test_branches_get_lanes_and_skips_arcs() -> None:
    """GoogLeNet's inception branches side by side; ResNet-50's skips as arcs."""
    g = _zoo("googlenet")
    root = check_svg(g, svg(g, 2), 2)
    ys = {round(float(r.get("y", 0))) for r in root.findall(".//s:rect[@class='box']", NS)}
    assert len({y // 100 for y in ys}) >= 4  # four lanes of branches
    r = _zoo("resnet50")
    root = check_svg(r, svg(r, 3), 3)
    arcs = root.findall(".//s:path[@stroke-dasharray]", NS)
    assert len(arcs) == 16 - 4  # an identity skip per bottleneck but each stage's first


def test_unet_collapsed_and_full() -> None:
    u = _zoo("unet")
    check_svg(u, svg(u))
    check_svg(u, svg(u, None), None)
    root = ET.fromstring(svg(u).encode())
    assert len(root.findall(".//s:path[@stroke-dasharray]", NS)) == 4  # crop-and-concat skips


def test_labels_are_escaped() -> None:
    a = run("""\
        name: "a <script>alert(1)</script> ]]> & \\e[31m\\u202e"
        input: [3, 8, 8]
        layers:
          - conv: [4, 3]
          - relu
    """)
    text = svg(a)
    root = ET.fromstring(text.encode())
    labels = [t.text or "" for t in _texts(root)]
    assert "a <script>alert(1)</script> ]]> & \\x1b[31m\\u202e" in labels
    assert "<script>" not in text and "\x1b" not in text and "\u202e" not in text


def test_too_many_boxes_is_refused() -> None:
    layers = "\n".join(f"  - conv: [{2 + i % 2}, 1]" for i in range(MAX_DRAWN + 1))
    a = run(f"input: [3, 4, 4]\nlayers:\n{layers}\n", max_layers=MAX_DRAWN + 10)
    with pytest.raises(ExportError, match=r"2,002 boxes .*--depth"):
        svg(a)


IMAGES = Path(__file__).resolve().parents[1] / "docs" / "images"


def test_readme_volume_diagram_is_current(regen: bool) -> None:
    """docs/images/alexnet.svg, shown in the README, is what cnncalc draws today."""
    drawn = svg(_zoo("alexnet"))
    target = IMAGES / "alexnet.svg"
    if regen or not target.exists():
        target.write_text(drawn, encoding="utf-8")
    assert target.read_text(encoding="utf-8") == drawn
    readme = (IMAGES.parents[1] / "README.md").read_text(encoding="utf-8")
    assert '<img src="docs/images/alexnet.svg"' in readme

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
from cnncalc.render.svg import (
    A4_WIDTH,
    CHAR,
    FONT,
    MAX_DRAWN,
    Cell,
    box_inputs,
    layout,
    svg,
    unwrap,
    volumes,
    wrap,
)

NS = {"s": "http://www.w3.org/2000/svg"}


def _zoo(stem: str) -> Analysis:
    return analyze(zoo_source(next(p for p in ZOO if p.stem == stem)), batch=1)


def _texts(root: ET.Element) -> list[ET.Element]:
    return root.findall(".//s:text", NS)


def _label(t: ET.Element) -> str:
    """A text's line as written before it was wrapped into tspans."""
    pieces = [span.text or "" for span in t.findall("s:tspan", NS)]
    return unwrap(pieces) if pieces else t.text or ""


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
    labels = [_label(t) for t in _texts(root)]
    for v in boxes.values():
        assert v.item.name in labels
        assert (format_shape(v.item.shape) if v.item.shape else "?") in labels
        if v.item.params:
            assert f"{v.item.params:,} params" in labels
    for t in root.findall(".//s:text[@class='label']/s:tspan", NS):
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
    root = check_svg(a, text)
    assert text == export(a, "svg")  # deterministic
    assert float((root.get("viewBox") or "").split()[2]) <= A4_WIDTH  # rows fit an A4 page


def test_alexnet_volumes() -> None:
    """AlexNet: the classic boxes, relu and dropout folded into the volume they act on, the FC
    layers as bars, each kernel drawn on the volume it slides over."""
    a = _zoo("alexnet")
    root = check_svg(a, svg(a))
    labels = [_label(t) for t in _texts(root)]
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
    labels = [_label(t) for t in _texts(root)]
    assert "a <script>alert(1)</script> ]]> & \\x1b[31m\\u202e" in labels
    assert "<script>" not in text and "\x1b" not in text and "\u202e" not in text


def test_too_many_boxes_is_refused() -> None:
    layers = "\n".join(f"  - conv: [{2 + i % 2}, 1]" for i in range(MAX_DRAWN + 1))
    a = run(f"input: [3, 4, 4]\nlayers:\n{layers}\n", max_layers=MAX_DRAWN + 10)
    with pytest.raises(ExportError, match=r"would have 2,002 boxes: at most 2,000") as refused:
        svg(a)
    d = refused.value.diagnostic
    assert d is not None and d.code == "E181"
    # every conv is a box of its own whatever the depth: nothing to collapse
    assert d.hint == "draw a part of it: the network has more boxes than that even at --depth 1"
    nested = run(f"input: [3, 4, 4]\nlayers:\n  - {{conv: [3, 1], repeat: {MAX_DRAWN + 1}}}\n",
                 max_layers=MAX_DRAWN + 10)
    with pytest.raises(ExportError) as refused:
        svg(nested)
    d = refused.value.diagnostic
    assert d is not None and d.hint is not None and d.hint.startswith("draw it with --depth 1,")
    svg(nested, 1)


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


def test_wrap_breaks_at_spaces_and_dots_and_joins_back() -> None:
    for line in ("conv_transpose k2 s2 c512", "inception3a.basic_conv2", "bottleneck (12 layers)",
                 "+ adaptive_avgpool", "a" * 30, "conv k3 c64", "dropout p0.5 and more words"):
        pieces = wrap(line)
        assert unwrap(pieces) == line
        assert all(len(p) <= 18 or " " not in p for p in pieces)
    assert wrap("conv_transpose k2 s2 c512") == ("conv_transpose k2", "s2 c512")
    assert wrap("inception3a.basic_conv2") == ("inception3a.", "basic_conv2")
    assert wrap("bottleneck (12 layers)") == ("bottleneck", "(12 layers)")
    assert wrap("0.123456789012345678") == ("0.123456789012345678",)  # no break in a number


# Readable at A4 width: scaled to 180 mm (510.2 pt) wide, the labels are at least 6 pt.
A4_POINTS = 180 / 25.4 * 72


@pytest.mark.parametrize(("stem", "depth"), [
    ("alexnet", 2), ("vgg16", 2), ("googlenet", 2), ("googlenet", 1), ("resnet50", 2),
    ("resnet50", 1), ("unet", 2), ("unet", 1)])
def test_readable_at_a4_width(stem: str, depth: int) -> None:
    a = _zoo(stem)
    root = ET.fromstring(svg(a, depth).encode())
    width = float((root.get("viewBox") or "").split()[2])
    assert width <= A4_WIDTH
    assert FONT * A4_POINTS / width >= 6, (stem, width)


def _cells(net: str | Analysis, direction: str,
           depth: int | None = 2) -> tuple[dict[int, str], dict[int, Cell]]:
    """The drawn boxes' names and cells."""
    pic = picture(_zoo(net) if isinstance(net, str) else net, depth)
    boxes, drawn_in = volumes(pic)
    cells, _, _ = layout(boxes, box_inputs(pic, boxes, drawn_in), direction, 40, 0)
    return {i: v.item.name for i, v in boxes.items()}, cells


@pytest.mark.parametrize("depth", (2, 1))
def test_unet_is_a_u_left_to_right(depth: int) -> None:
    """U-Net's encoder runs down the left, the bottom across the last row, the decoder back
    up the right: each crop-and-concat joins the two halves of one row, the encoder's side
    left of the decoder's, and each level's row below the one before."""
    names, cells = _cells("unet", "LR", depth)
    by_name = {n: cells[i] for i, n in names.items()}
    levels = [("enc1", "concat4"), ("enc2", "concat3"), ("enc3", "concat2"), ("enc4", "concat1")]
    rows = []
    for enc, cat in levels:
        e = next(c for n, c in by_name.items() if n.startswith(enc))
        k = by_name[cat]
        assert e.band == k.band and e.y == k.y and e.x < k.x
        rows.append(e.y)
    assert rows == sorted(rows) and len(set(rows)) == 4
    bottom = next(c for n, c in by_name.items() if n.startswith("bottom"))
    assert bottom.y > rows[-1]
    assert by_name["input"].band == by_name["head"].band == 0
    assert by_name["head"].x > by_name["concat4"].x


def test_unet_top_to_bottom_is_the_u_turned() -> None:
    """--direction TB: the same fold, turned: each level a column, encoder above decoder."""
    names, cells = _cells("unet", "TB")
    by_name = {n: cells[i] for i, n in names.items()}
    xs = []
    for enc, cat in [("enc1.conv2", "concat4"), ("enc2.conv2", "concat3"),
                     ("enc3.conv2", "concat2"), ("enc4.conv2", "concat1")]:
        assert by_name[enc].x == by_name[cat].x and by_name[enc].y < by_name[cat].y
        xs.append(by_name[enc].x)
    assert xs == sorted(xs) and by_name["bottom.conv1"].x > xs[-1]


def test_fold_is_a_rule_not_a_file() -> None:
    """Any encoder-decoder whose skips nest and join volumes of one size is folded; ResNet's
    skips, one after another, and skips that nest without the size shrinking are not."""
    hourglass = """\
        name: hourglass
        input: [3, 64, 64]
        layers:
          - {id: e1, conv: {out_channels: 8, kernel_size: 3, padding: 1}}
          - maxpool: 2
          - {id: e2, conv: {out_channels: 16, kernel_size: 3, padding: 1}}
          - maxpool: 2
          - conv: {out_channels: 16, kernel_size: 3, padding: 1}
          - upsample: {scale_factor: 2}
          - {id: up2, add: [e2, prev]}
          - upsample: {scale_factor: 2}
          - conv: {out_channels: 8, kernel_size: 3, padding: 1}
          - {id: up1, add: [e1, prev]}
    """
    names, cells = _cells(run(hourglass), "LR")
    by_name = {n: cells[i] for i, n in names.items()}
    assert by_name["e1"].y == by_name["up1"].y < by_name["e2"].y == by_name["up2"].y
    assert by_name["e1"].x < by_name["up1"].x and by_name["e2"].x < by_name["up2"].x
    flat = hourglass.replace("- maxpool: 2", "- relu").replace(
        "- upsample: {scale_factor: 2}", "- relu")
    names, cells = _cells(run(flat), "LR")
    assert {c.band for c in cells.values()} == {0}  # one row: its 9 boxes fit A4_WIDTH
    root = ET.fromstring(svg(_zoo("resnet50"), 3).encode())
    assert len(root.findall(".//s:path[@stroke-dasharray]", NS)) == 12
    names, cells = _cells("resnet50", "LR", 3)
    assert cells[0].band == 0 and max(c.band for c in cells.values()) > 0  # wrapped, not folded


def test_direction_top_to_bottom() -> None:
    """--direction TB: one column of cells, flowing down, no wider than a cell."""
    a = _zoo("alexnet")
    root = ET.fromstring(export_view(a, "TB").encode())
    width, height = map(float, (root.get("viewBox") or "").split()[2:])
    assert height > 3 * width
    check_svg(a, export_view(a, "TB"))
    ys = [float(g.find("s:rect[@class='box']", NS).get("y", 0))
          for g in root.findall("./s:g[@class='volume']", NS)]
    assert ys == sorted(ys)


def export_view(a: Analysis, direction: str) -> str:
    from cnncalc.render.registry import EXPORT, View
    return "".join(EXPORT["svg"](a, View(direction=direction)))


def test_rows_keep_a_module_whole_and_a_branch_on_its_lane() -> None:
    """GoogLeNet wraps between inception modules, never inside one, and each branch's
    second layer stands on its first's lane."""
    names, cells = _cells("googlenet", "LR")
    by_name = {n: cells[i] for i, n in names.items()}
    modules: dict[str, set[int]] = {}
    for name, cell in by_name.items():
        if name.startswith("inception"):
            modules.setdefault(name.split(".")[0], set()).add(cell.band)
    assert len(modules) == 9 and all(len(b) == 1 for b in modules.values())
    assert len({b for bands in modules.values() for b in bands}) > 1  # and it does wrap
    for module in modules:
        for first, second in (("basic_conv2", "b2"), ("basic_conv4", "b3"), ("maxpool1", "b4")):
            assert by_name[f"{module}.{first}"].lane == by_name[f"{module}.{second}"].lane > 0
        assert by_name[f"{module}.b1"].lane == by_name[f"{module}.concat1"].lane == 0

"""Hostile input against the pictures (issue 17): every case through the real console entry
point, each within the time and memory bound it states.

- P1: a network name carrying `<script>`, `]]>`, quotes, control characters and bidirectional
  overrides reaches the SVG, Mermaid and DOT only escaped: the SVG stays well-formed XML with
  no element but the picture's own.
- P2: 10^5 layers: the volume diagram and Mermaid refuse (exit 1, naming --depth) within their
  bounds instead of writing a file nobody can open; at --depth 1 they draw one box.
- P3: the HTML report of a file whose name, text and file name carry markup: no element but
  the page's own, and still no script.
- P4: the HTML report of 10^5 layers within its time and memory bound (the diagram says why it
  is not drawn; the table has every layer).
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

from harness import run

EVIL_NAME = r'"<script>alert(1)</script> ]]> <![CDATA[ & \" \e]0;x\a \u202e ::error::y"'


def test_p1_name_with_markup_and_control_characters(tmp_path: Path) -> None:
    path = tmp_path / "evil.yaml"
    path.write_text(f"name: {EVIL_NAME}\ninput: [3, 8, 8]\nlayers:\n"
                    "  - conv: [4, 3]\n  - relu\n  - flatten\n  - linear: 2\n",
                    encoding="utf-8")
    svg = run(["export", path, "--to", "svg"], seconds=20, mib=300)
    assert svg.code == 0
    root = ET.fromstring(svg.out.encode("utf-8"))
    tags = {element.tag.rpartition("}")[2] for element in root.iter()}
    assert tags <= {"svg", "title", "defs", "marker", "rect", "text", "tspan", "g", "polygon",
                    "path"}
    assert "<script" not in svg.out and "]]>" not in svg.out
    mermaid = run(["export", path, "--to", "mermaid"], seconds=20, mib=300)
    assert mermaid.code == 0 and "<script>" not in mermaid.out and "]]>" not in mermaid.out
    dot = run(["export", path, "--to", "dot"], seconds=20, mib=300)
    # a DOT string is text, never markup: only its quote and backslash are escaped
    assert dot.code == 0 and 'digraph "<script>alert(1)</script> ]]> <![CDATA[ & \\" ' in dot.out


def test_p2_a_hundred_thousand_layers(tmp_path: Path) -> None:
    path = tmp_path / "deep.yaml"
    path.write_text("input: [3, 4, 4]\nlayers:\n  - {conv: [3, 1], repeat: 100000}\n",
                    encoding="utf-8")
    svg = run(["export", path, "--to", "svg"], seconds=60, mib=600)
    assert svg.code == 1 and svg.out == ""
    assert "100,001 boxes" in svg.err and "--depth" in svg.err
    mermaid = run(["export", path, "--to", "mermaid"], seconds=60, mib=600)
    assert mermaid.code == 1 and mermaid.out == "" and "--depth 1" in mermaid.err
    small = run(["export", path, "--to", "svg", "--depth", "1"], seconds=60, mib=600)
    assert small.code == 0
    root = ET.fromstring(small.out.encode("utf-8"))
    assert len(root.findall("./{http://www.w3.org/2000/svg}g[@class='volume']")) == 2


def test_p3_report_of_markup(tmp_path: Path) -> None:
    path = tmp_path / "<b>x<i>.yaml"
    path.write_text(f"name: {EVIL_NAME}\ninput: [3, 8, 8]\nlayers:\n"
                    "  - conv: [4, 3]  # </pre><script>alert(2)</script>\n  - linear: 2\n",
                    encoding="utf-8")
    result = run(["report", path], seconds=20, mib=300)
    assert result.code == 1  # linear on a [4, 6, 6] input
    assert "<script" not in result.out and "<b>x<i>" not in result.out
    assert "&lt;b&gt;x&lt;i&gt;.yaml" in result.out
    assert "&lt;/pre&gt;&lt;script&gt;alert(2)&lt;/script&gt;" in result.out
    assert "error[E205]" in result.out


def test_p4_report_of_a_hundred_thousand_layers(tmp_path: Path) -> None:
    path = tmp_path / "deep.yaml"
    path.write_text("input: [3, 4, 4]\nlayers:\n  - {conv: [3, 1], repeat: 100000}\n",
                    encoding="utf-8")
    target = tmp_path / "deep.html"
    result = run(["report", path, "-o", target], seconds=90, mib=1500)
    assert result.code == 0
    page = target.read_text(encoding="utf-8")
    assert "100,001 boxes" in page and page.count("<tr>") > 100_000

"""Hostile input against the volume diagram's layout (issue 17: rows, folds, lanes): every case
through the real console entry point, each within the time and memory bound it states.

- L1: 900 nested skips, every one joining volumes of one size (nested like an encoder-decoder's,
  but never shrinking, so not folded): 1,801 boxes wrapped into rows and their arcs, both
  directions within their bounds.
- L2: 1,900 layers each read by a merge at the end (a boundary crossed by 1,900 lines from
  1,900 boxes): where rows may break is counted in time linear in the lines, not their spans.
- L3: a layer name of 20,000 characters with no place to break: the row is as wide as the
  label (readability is lost, nothing else is), and --direction TB is as wide.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

from harness import run

SVG = "{http://www.w3.org/2000/svg}"


def _boxes(text: str) -> int:
    return len(ET.fromstring(text.encode("utf-8")).findall(f"./{SVG}g[@class='volume']"))


def test_l1_nine_hundred_nested_skips(tmp_path: Path) -> None:
    n = 900
    layers = [f"  - {{id: e{k}, conv: [4, 1]}}" for k in range(n)]
    layers += [f"  - add: [e{k}, prev]" for k in range(n - 1, -1, -1)]
    path = tmp_path / "nested.yaml"
    path.write_text("input: [4, 8, 8]\nlayers:\n" + "\n".join(layers) + "\n", encoding="utf-8")
    out = run(["export", path, "--to", "svg"], seconds=60, mib=500)
    assert out.code == 0 and _boxes(out.out) == 2 * n + 1
    tb = run(["export", path, "--to", "svg", "--direction", "TB"], seconds=60, mib=500)
    assert tb.code == 0 and _boxes(tb.out) == 2 * n + 1


def test_l2_every_layer_read_at_the_end(tmp_path: Path) -> None:
    n = 1900
    layers = [f"  - {{id: l{k}, conv: [2, 1]}}" for k in range(n)]
    layers.append("  - concat: [" + ", ".join(f"l{k}" for k in range(n)) + "]")
    path = tmp_path / "wide.yaml"
    path.write_text("input: [2, 4, 4]\nlayers:\n" + "\n".join(layers) + "\n", encoding="utf-8")
    out = run(["export", path, "--to", "svg"], seconds=60, mib=500)
    assert out.code == 0 and _boxes(out.out) == n + 2


def test_l3_a_label_with_no_place_to_break(tmp_path: Path) -> None:
    name = "x" * 20_000
    path = tmp_path / "long.yaml"
    path.write_text(f"input: [3, 8, 8]\nlayers:\n  - {{id: {name}, conv: [4, 3]}}\n  - relu\n",
                    encoding="utf-8")
    for direction in ("LR", "TB"):
        out = run(["export", path, "--to", "svg", "--direction", direction], seconds=20, mib=300)
        assert out.code == 0 and name in out.out
        width = float(ET.fromstring(out.out.encode()).get("viewBox", "").split()[2])
        assert width >= 20_000 * 6

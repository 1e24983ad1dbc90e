"""The pictures as a person sees them: headless Chromium opens the volume diagrams of the zoo and
the HTML reports, and the real Mermaid library renders every zoo file's flowchart.

Chromium comes from the distribution's packages and Mermaid from its npm package, both
installed by .ci/run outside the package (cnncalc never ships or loads them): set
CNNCALC_CHROMIUM to the browser (default: `chromium` on the PATH) and CNNCALC_MERMAID_JS to
mermaid.min.js. Without them these tests skip, saying why.

Each check page runs a few lines of script in the browser and writes what it measured as JSON
into the page, which `--dump-dom` hands back; screenshots are decoded here (PNG, zlib) to check
they are not blank. What the browser saw (sizes, counts, overflow checks) is printed and written
to browser-facts.json in pytest's temporary directory (its path is printed at the end), so a
run's numbers can be quoted.
"""

from __future__ import annotations

import json
import os
import shutil
import struct
import subprocess
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from conftest import ROOT, ZOO, zoo_source

from cnncalc.analysis import Analysis, analyze
from cnncalc.export import picture
from cnncalc.render.diagram import MERMAID_MAX_EDGES, MERMAID_MAX_TEXT, mermaid
from cnncalc.render.html import report
from cnncalc.render.svg import FONT, svg, volumes

CHROMIUM = os.environ.get("CNNCALC_CHROMIUM") or shutil.which("chromium") or shutil.which(
    "chromium-browser")
MERMAID_JS = os.environ.get("CNNCALC_MERMAID_JS", "")
IMAGES = ROOT / "docs" / "images"

pytestmark = pytest.mark.skipif(
    CHROMIUM is None, reason="no Chromium (set CNNCALC_CHROMIUM; .ci/run installs it with "
    "apt-get install chromium)")
needs_mermaid = pytest.mark.skipif(
    not Path(MERMAID_JS).is_file(), reason="no mermaid.min.js (set CNNCALC_MERMAID_JS; .ci/run "
    "installs the mermaid npm package)")


FACTS: dict[str, Any] = {}


@pytest.fixture(scope="module", autouse=True)
def facts_file(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """Every test's measurements, in one JSON file when the module's tests are done."""
    yield
    if FACTS:
        path = tmp_path_factory.getbasetemp() / "browser-facts.json"
        path.write_text(json.dumps(FACTS, indent=1, sort_keys=True), encoding="utf-8")
        print(f"\nwhat the browser saw: {path}")


def _record(key: str, seen: dict[str, Any]) -> None:
    FACTS[key] = seen
    print(f"{key}: {json.dumps(seen, sort_keys=True)}")


def _browser(*args: str, url: str, seconds: float = 180) -> str:
    assert CHROMIUM is not None
    result = subprocess.run(
        [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
         "--allow-file-access-from-files", "--disable-dev-shm-usage", *args, url],
        capture_output=True, text=True, timeout=seconds, check=False)
    assert result.returncode == 0, result.stderr[-2000:]
    return result.stdout


def _measure(page: Path, width: int = 1280, height: int = 900) -> dict[str, object]:
    """Open `page`, let its script run, read the JSON it wrote into <pre id="result">."""
    dom = _browser("--dump-dom", "--virtual-time-budget=30000",
                   f"--window-size={width},{height}", url=page.as_uri())
    start = dom.index('<pre id="result">') + len('<pre id="result">')
    text = dom[start:dom.index("</pre>", start)]
    text = text.replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", '"').replace(
        "&amp;", "&")
    found: dict[str, object] = json.loads(text)
    return found


def _png_pixels(data: bytes) -> tuple[int, int, list[bytes]]:
    """Width, height and the rows (RGB or RGBA, 8 bits) of a PNG, unfiltered."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    pos, idat, header = 8, b"", b""
    while pos < len(data):
        length, kind = struct.unpack(">I4s", data[pos:pos + 8])
        chunk = data[pos + 8:pos + 8 + length]
        if kind == b"IHDR":
            header = chunk
        elif kind == b"IDAT":
            idat += chunk
        pos += 12 + length
    width, height, depth, colour = struct.unpack(">IIBB", header[:10])
    assert depth == 8 and colour in (2, 6)
    bpp = 3 if colour == 2 else 4
    raw = zlib.decompress(idat)
    stride = width * bpp
    rows: list[bytes] = []
    previous = bytearray(stride)
    for y in range(height):
        at = y * (stride + 1)
        kind, line = raw[at], bytearray(raw[at + 1:at + 1 + stride])
        for i in range(stride):
            a = line[i - bpp] if i >= bpp else 0
            b = previous[i]
            c = previous[i - bpp] if i >= bpp else 0
            if kind == 1:
                line[i] = (line[i] + a) & 255
            elif kind == 2:
                line[i] = (line[i] + b) & 255
            elif kind == 3:
                line[i] = (line[i] + (a + b) // 2) & 255
            elif kind == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                line[i] = (line[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
        rows.append(bytes(line))
        previous = line
    return width, height, rows


def _ink(png: Path) -> float:
    """The share of pixels (sampled) that are not the background's colour."""
    width, height, rows = _png_pixels(png.read_bytes())
    bpp = len(rows[0]) // width
    background = rows[0][:3]
    seen = inked = 0
    for y in range(0, height, 4):
        for x in range(0, width, 4):
            seen += 1
            inked += rows[y][x * bpp:x * bpp + 3] != background
    return inked / seen


def _zoo(stem: str) -> Analysis:
    return analyze(zoo_source(next(p for p in ZOO if p.stem == stem)), batch=1)


SVG_PROBE = """<!DOCTYPE html><html><body style="margin:0">%s
<pre id="result"></pre><script>
const svg = document.querySelector("svg");
const box = svg.viewBox.baseVal;
const labels = [...svg.querySelectorAll("text")].map(t => {
  const b = t.getBBox(); return {text: t.textContent, x: b.x, y: b.y, w: b.width, h: b.height};
});
const outside = labels.filter(l => l.x < 0 || l.y < 0 || l.x + l.w > box.width + 0.5
                                   || l.y + l.h > box.height + 0.5).map(l => l.text);
const meet = (a, b) => a.x < b.x + b.w - 0.5 && b.x < a.x + a.w - 0.5
                       && a.y < b.y + b.h - 0.5 && b.y < a.y + a.h - 0.5;
const overlaps = [];
const placed = labels.filter((l, i) => i >= 2);  // the title and summary lines stand alone
for (let i = 0; i < placed.length; i++) for (let j = i + 1; j < placed.length; j++) {
  if (meet(placed[i], placed[j])) overlaps.push([placed[i].text, placed[j].text]);
}
// every box (its faces, not its labels) against every label: no text over a box
const shapes = [...svg.querySelectorAll("g.volume")].map(g => {
  const parts = [...g.querySelectorAll("polygon, rect.box")].map(p => p.getBBox());
  const x = Math.min(...parts.map(b => b.x)), y = Math.min(...parts.map(b => b.y));
  return {x: x, y: y, w: Math.max(...parts.map(b => b.x + b.width)) - x,
          h: Math.max(...parts.map(b => b.y + b.height)) - y};
});
const over_boxes = placed.filter(l => shapes.some(s => meet(l, s))).map(l => l.text);
// the labels' size when the picture is printed 180 mm wide (an A4 page less its margins)
svg.style.width = "180mm"; svg.style.height = "auto";
const at_a4 = %s * svg.getScreenCTM().a * 0.75;  // CSS px to pt
document.getElementById("result").textContent = JSON.stringify({
  volumes: svg.querySelectorAll("g.volume").length,
  kernels: svg.querySelectorAll("rect.kernel").length,
  edges: svg.querySelectorAll("g.edges path").length,
  labels: labels.length, outside: outside, overlaps: overlaps.slice(0, 10),
  labels_over_boxes: over_boxes.slice(0, 10), label_pt_at_180mm: Math.round(at_a4 * 100) / 100,
  width: box.width, height: box.height});
</script></body></html>"""

# the five the issue asks to be readable at A4 width, at the default depth (GoogLeNet and
# ResNet-50 collapsed to their blocks), U-Net also top to bottom
DRAWN = (("alexnet", "LR"), ("vgg16", "LR"), ("googlenet", "LR"), ("resnet50", "LR"),
         ("unet", "LR"), ("unet", "TB"))


@pytest.mark.parametrize(("stem", "direction"), DRAWN)
def test_volume_diagram_in_the_browser(stem: str, direction: str, tmp_path: Path) -> None:
    """Every box and edge drawn, no label outside the picture, over another label or over a
    box; left to right, labels of 6 pt or more when the picture is printed 180 mm wide; a
    screenshot that is not blank."""
    a = _zoo(stem)
    drawn = svg(a, direction=direction)
    page = tmp_path / "probe.html"
    page.write_text(SVG_PROBE % (drawn.split("\n", 1)[1], FONT), encoding="utf-8")
    seen = _measure(page)
    boxes, _ = volumes(picture(a))
    assert seen["volumes"] == len(boxes)
    assert seen["edges"] == drawn.count("marker-end=")
    assert seen["outside"] == [] and seen["overlaps"] == [] and seen["labels_over_boxes"] == []
    if direction == "LR":
        assert float(seen["label_pt_at_180mm"]) >= 6
    image = tmp_path / f"{stem}.svg"
    image.write_text(drawn, encoding="utf-8")
    shot = tmp_path / f"{stem}.png"
    width, height = int(float(str(seen["width"]))) + 1, int(float(str(seen["height"]))) + 1
    _browser(f"--screenshot={shot}", f"--window-size={width},{height}", url=image.as_uri())
    shot_width, shot_height, _ = _png_pixels(shot.read_bytes())
    ink = _ink(shot)
    assert (shot_width, shot_height) == (width, height) and 0.03 < ink < 0.6
    _record(f"svg {stem} {direction}", {**seen, "screenshot": f"{shot_width}x{shot_height}",
                                         "ink": round(ink, 3)})


REPORT_PROBE = """<pre id="result"></pre><script>
const doc = document.documentElement;
const totals = [...document.querySelectorAll(".totals b")];
document.getElementById("result").textContent = JSON.stringify({
  overflow: doc.scrollWidth - window.innerWidth,
  totals_overflow: totals.filter(b => b.scrollWidth > b.clientWidth + 1).length,
  rows: document.querySelectorAll("body > div.scroll > table > tbody > tr").length,
  blocks: document.querySelectorAll("body > div.scroll details").length,
  volumes: document.querySelectorAll("svg g.volume").length,
  scripts: document.scripts.length});
</script></body>"""


@pytest.mark.parametrize("stem", ("alexnet", "resnet50", "unet"))
@pytest.mark.parametrize("width", (1280, 390))
def test_report_in_the_browser(stem: str, width: int, tmp_path: Path, regen: bool) -> None:
    """The report at desktop and phone width: the page never scrolls sideways (the diagram
    and the table scroll in their own boxes), every top-level row and box is there, no total
    overflows its cell, and the screenshot is not blank."""
    a = _zoo(stem)
    page = report(a)
    assert "<script" not in page
    probe = tmp_path / "probe.html"
    probe.write_text(page.replace("</body>", REPORT_PROBE, 1), encoding="utf-8")
    seen = _measure(probe, width, 900)
    top = [layer.parts[:1] for layer in a.layers]
    runs = sum(1 for i, key in enumerate(top) if i == 0 or key != top[i - 1])
    assert seen["rows"] == runs + 1  # and the header
    assert seen["volumes"] == len(volumes(picture(a))[0])
    assert seen["overflow"] == 0 and seen["totals_overflow"] == 0 and seen["scripts"] == 1
    plain = tmp_path / "report.html"
    plain.write_text(page, encoding="utf-8")
    shot = tmp_path / "report.png"
    _browser(f"--screenshot={shot}", f"--window-size={width},900", url=plain.as_uri())
    shot_width, shot_height, _ = _png_pixels(shot.read_bytes())
    ink = _ink(shot)
    assert (shot_width, shot_height) == (width, 900) and ink > 0.02
    if stem == "resnet50" and width == 1280 and regen:
        IMAGES.mkdir(exist_ok=True)
        shutil.copyfile(shot, IMAGES / "report-resnet50.png")
    _record(f"report {stem} at {width} px", {**seen, "screenshot": f"{shot_width}x{shot_height}",
                                              "ink": round(ink, 3)})


def test_readme_screenshot_exists() -> None:
    """docs/images/report-resnet50.png, in the README, is a real screenshot (made by the test
    above with --regen-golden)."""
    width, height, _ = _png_pixels((IMAGES / "report-resnet50.png").read_bytes())
    assert (width, height) == (1280, 900)
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert '<img src="docs/images/report-resnet50.png"' in readme


MERMAID_PROBE = """<!DOCTYPE html><html><body>
<script src="%s"></script>
<pre id="result"></pre>
<script>
const diagrams = %s;
(async () => {
  mermaid.initialize({startOnLoad: false});
  const config = mermaid.mermaidAPI.getConfig();
  const out = {maxTextSize: config.maxTextSize, maxEdges: config.maxEdges, results: {}};
  for (const [name, text] of Object.entries(diagrams)) {
    try {
      const {svg} = await mermaid.render("d" + Object.keys(out.results).length, text);
      const holder = document.createElement("div");
      holder.innerHTML = svg;
      out.results[name] = {nodes: holder.querySelectorAll("g.node").length,
                           edges: holder.querySelectorAll("path.flowchart-link").length,
                           error: svg.includes("Syntax error") ? "syntax error" : null};
    } catch (e) { out.results[name] = {error: String(e && e.message || e)}; }
  }
  document.getElementById("result").textContent = JSON.stringify(out);
})();
</script></body></html>"""


@needs_mermaid
def test_mermaid_renders_every_zoo_file(tmp_path: Path) -> None:
    """The real Mermaid: its default limits are the ones cnncalc checks, and every zoo file's
    flowchart at the default depth renders without an error, a node per item."""
    diagrams = {p.stem: mermaid(analyze(zoo_source(p), batch=1)) for p in ZOO}
    page = tmp_path / "mermaid.html"
    page.write_text(MERMAID_PROBE % (Path(MERMAID_JS).as_uri(),
                                     json.dumps(diagrams).replace("</", "<\\/")),
                    encoding="utf-8")
    seen = _measure(page)
    assert (seen["maxTextSize"], seen["maxEdges"]) == (MERMAID_MAX_TEXT, MERMAID_MAX_EDGES)
    results = seen["results"]
    assert isinstance(results, dict)
    for path in ZOO:
        got = results[path.stem]
        assert got["error"] is None, (path.stem, got)
        pic = picture(analyze(zoo_source(path), batch=1))
        assert got["nodes"] == len(pic.items), path.stem
        assert got["edges"] == len(pic.edges), path.stem
    _record("mermaid", {"maxTextSize": seen["maxTextSize"], "maxEdges": seen["maxEdges"],
                        **{stem: results[stem] for stem in sorted(results)}})

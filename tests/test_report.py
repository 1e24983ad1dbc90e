"""`cnncalc report`: one self-contained HTML page, read as a program reads it (well-formed
enough for the standard library's parser, nothing fetched from anywhere, every part present);
tests/test_browser.py looks at it in a real browser."""

from __future__ import annotations

import re
from html import escape
from html.parser import HTMLParser
from pathlib import Path

import pytest
from conftest import ZOO, run, zoo_source

from cnncalc.analysis import Analysis, analyze
from cnncalc.render.html import report


class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.links: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        self.links += [v or "" for k, v in attrs if k in ("src", "href")]


def _parse(page: str) -> _Tags:
    parser = _Tags()
    parser.feed(page)
    parser.close()
    return parser


def check_page(a: Analysis, page: str) -> _Tags:
    """Self-contained (no script, no link, no source to fetch), the totals, every top-level
    row and the file's own text."""
    tags = _parse(page)
    assert "script" not in tags.tags and "link" not in tags.tags and tags.links == []
    # url(#id) names an element of the page itself (the diagram's arrowhead): nothing fetched
    assert re.search(r"(?:src|href)=|@import|url\((?!#cnncalc-)", page) is None
    assert f"<b>{a.totals.params:,}</b>" in page and f"<b>{a.totals.macs:,}</b>" in page
    top = {layer.parts[0] for layer in a.layers}
    for name in top:
        assert f"<td>{name}</td>" in page or f"<summary>{name} " in page
    assert page.count("<svg") == 1
    return tags


@pytest.mark.parametrize("path", ZOO, ids=lambda p: p.stem)
def test_zoo_report(path: Path) -> None:
    a = analyze(zoo_source(path), batch=1)
    page = report(a)
    check_page(a, page)
    first = path.read_text(encoding="utf-8").split("\n", 1)[0]
    assert escape(first, quote=True) in page


def test_problems_with_their_source_lines() -> None:
    a = run("""\
        name: "<script>alert(1)</script>"
        input: [3, 8, 8]
        layers:
          - conv: [4, 3]
          - linear: 10
    """)
    page = report(a)
    assert "<script>" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert '<pre class="error">t.yaml:5:5: error[E205]' in page
    assert "   5 |   - linear: 10\n     |     ^~~~~~\n  = hint: add flatten" in page
    assert "<h2>Problems (1)</h2>" in page


def test_command_writes_the_page(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from cnncalc import cli

    target = tmp_path / "r.html"
    path = next(p for p in ZOO if p.stem == "alexnet")
    assert cli.main(["report", str(path), "-o", str(target)]) == 0
    assert target.read_text(encoding="utf-8") == report(analyze(path))
    assert cli.main(["report", str(path), "-o", str(tmp_path / "no" / "r.html")]) == 2
    assert "cannot write" in capsys.readouterr().err


def test_check_writes_a_report_per_file_and_an_index(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from cnncalc import cli

    bad = tmp_path / "bad <x>.yaml"
    bad.write_text("input: [3, 8, 8]\nlayers:\n  - conv: [4, 3]\n  - linear: 10\n",
                   encoding="utf-8")
    alexnet = next(p for p in ZOO if p.stem == "alexnet")
    folder = tmp_path / "out"
    assert cli.main(["check", str(alexnet), str(bad), "--report", str(folder), "-q"]) == 1
    assert sorted(p.name for p in folder.iterdir()) == [
        "001-alexnet.html", "002-bad_x_.html", "index.html"]
    index = (folder / "index.html").read_text(encoding="utf-8")
    assert _parse(index).links == ["001-alexnet.html", "002-bad_x_.html"]
    assert "bad &lt;x&gt;.yaml</a>" in index and '<td class="n error">1</td>' in index
    page = (folder / "001-alexnet.html").read_text(encoding="utf-8")
    check_page(analyze(alexnet), page)
    capsys.readouterr()
    assert cli.main(["check", str(alexnet), "--report", str(bad / "x")]) == 2
    assert "cannot write" in capsys.readouterr().err

"""The table's layout is rich's SIMPLE_HEAD box, byte for byte, whenever the table fits
(render/table.py lays it out itself: rich is slow, and shortens numbers with an ellipsis in a
narrow terminal); at any width every number is written whole, colour or plain."""

from __future__ import annotations

import io
import re

import pytest
from conftest import ZOO, run, zoo_source

from cnncalc.analysis import Analysis, analyze
from cnncalc.render import registry, table
from cnncalc.render.columns import Column

OPTIONS = [
    {},
    {"depth": 1},
    {"depth": 2, "layout": "hwc"},
    {"columns": registry.COLUMNS},
    {"columns": ("output", "rf"), "share": "macs"},
    {"columns": ("params",), "share": "memory", "depth": 1},
    {"share": "params"},
]


def through_rich(a: Analysis, **options: object) -> str:
    """The table as rich draws it, from the same cells (the reference for the layout)."""
    from rich import box
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    captured: dict[str, object] = {}

    def layout(title: str, heads: list[Column], body: list[tuple[list[str], bool]],
               width: int | None, color: bool) -> str:
        buffer = io.StringIO()
        console = Console(file=buffer, width=1000, color_system=None, highlight=False,
                          emoji=False, soft_wrap=False)
        t = Table(box=box.SIMPLE_HEAD, title=Text(title), title_justify="left",
                  pad_edge=False, header_style="")
        for head in heads:
            t.add_column(head.header, justify="right" if head.right else "left", no_wrap=True)
        for cells, _ in body:
            t.add_row(*(Text(c) for c in cells))
        console.print(t)
        captured["done"] = True
        return "".join(line.rstrip() + "\n" for line in buffer.getvalue().splitlines())

    original = table._layout
    table._layout = layout  # type: ignore[assignment]
    try:
        return table.render(a, **options)  # type: ignore[arg-type]
    finally:
        table._layout = original  # type: ignore[assignment]


def both(a: Analysis, monkeypatch: pytest.MonkeyPatch, **options: object) -> tuple[str, str]:
    return table.render(a, **options), through_rich(a, **options)  # type: ignore[arg-type]


@pytest.mark.parametrize("path", ZOO, ids=lambda p: p.stem)
def test_zoo_tables_match_rich(path: object, monkeypatch: pytest.MonkeyPatch) -> None:
    a = analyze(zoo_source(path))  # type: ignore[arg-type]
    for options in OPTIONS:
        direct, through_rich = both(a, monkeypatch, **options)
        assert direct == through_rich, options


@pytest.mark.parametrize("name", [
    "plain", "[bold]markup[/bold]", "wide 名前", "tab\there", "a\\[b]",
    "écrit", "[0]", "emoji :smile:",
])
def test_unusual_names_match_rich(name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    quoted = name.replace("\\", "\\\\").replace('"', '\\"').replace("\t", "\\t")
    a = run(f"""\
        name: "{quoted}"
        input: [3, 8, 8]
        layers:
          - conv: {{out_channels: 4, kernel_size: 3}}
          - {{id: very_long_layer_identifier_{"y" * 40}, relu: {{}}}}
        """)
    for options in OPTIONS:
        direct, through_rich = both(a, monkeypatch, **options)
        assert direct == through_rich, options


def test_a_long_title_is_written_whole() -> None:
    """rich wraps a title longer than the table over several lines; it is written whole."""
    a = run(f"""\
        name: {"x" * 150}
        input: [3, 8, 8]
        layers:
          - conv: {{out_channels: 4, kernel_size: 3}}
        """)
    assert table.render(a).startswith("x" * 150 + "\n\n")


def test_unbuildable_files_match_rich(monkeypatch: pytest.MonkeyPatch) -> None:
    a = run("""\
        input: [3, 8, 8]
        layers:
          - conv: {out_channels: 4, kernel_size: 30}
        """)
    direct, through_rich = both(a, monkeypatch)
    assert direct == through_rich
    assert " Layer " in direct and "error[E" in direct  # the rows up to the error, the error


def test_a_network_of_no_layers_matches_rich(monkeypatch: pytest.MonkeyPatch) -> None:
    """The input row alone: the narrowest table the layout builds."""
    direct, through_rich = both(run("input: [3, 8, 8]\nlayers: []\n"), monkeypatch)
    assert " Layer " in direct and " input " in direct
    assert direct == through_rich


def test_a_file_without_input_has_no_table() -> None:
    """Nothing to build: the error and the count, no header row."""
    out = table.render(run("layers: []\n"))
    assert "error[E102]" in out and out.endswith("\n1 error\n") and " Layer " not in out


def test_plain_tables_do_not_import_rich() -> None:
    import subprocess
    import sys

    code = ("import sys\nfrom cnncalc.analysis import analyze\nfrom cnncalc.render import table\n"
            "table.render(analyze('architectures/resnet18.yaml'))\n"
            "print('rich' in sys.modules)")
    from conftest import ROOT

    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         cwd=ROOT, check=True).stdout
    assert out.strip() == "False"


@pytest.mark.parametrize("width", [40, 60, 80, 120, None])
@pytest.mark.parametrize("color", [False, True])
def test_no_number_is_cut_at_any_width(width: int | None, color: bool) -> None:
    """Issue 11: `1,027,604,…` in an 80-column colour terminal. Every number of the wide
    table appears whole at every width, columns dropped whole and named, colour or not."""
    a = analyze(zoo_source(ZOO[[p.stem for p in ZOO].index("resnet50")]))
    wide = table.render(a, depth=1)
    shown = table.render(a, depth=1, width=width, color=color)
    plain = re.sub("\x1b\\[[0-9;]*m", "", shown)
    assert plain == table.render(a, depth=1, width=width)  # colour adds only SGR sequences
    assert "…" not in plain.split("Total params")[0]
    def body(text: str) -> dict[str, str]:
        lines = text.splitlines()[4:]
        return {line.split()[0]: line for line in lines[:lines.index("")]}

    rows, narrow = body(wide), body(plain)
    assert rows.keys() == narrow.keys()
    for name, line in rows.items():
        cells = iter(re.split(r"\s{2,}", line.strip()))
        # each cell shown is a whole cell of the wide table, in its order
        assert all(cell in cells for cell in re.split(r"\s{2,}", narrow[name].strip()))
    if width is not None and width < len(wide.splitlines()[2]):
        assert "(not shown, to fit" in plain
        widest = max(len(line) for line in plain.splitlines()[:14])
        assert widest <= width or width < 60  # below 60 even Layer + Params is wider
    else:
        assert "(not shown" not in plain
    if width is not None:  # the totals wrap too, at spaces
        totals = plain[plain.index("Total params"):plain.index("\n\n", plain.index("Total"))]
        assert all(len(line) <= width for line in totals.splitlines())

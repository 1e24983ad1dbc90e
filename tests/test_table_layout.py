"""The table's direct plain-text layout is rich's, byte for byte (render/table.py draws plain
tables itself for speed and falls back to rich when unsure)."""

from __future__ import annotations

import pytest
from conftest import ZOO, run, zoo_source

from cnncalc.analysis import Analysis, analyze
from cnncalc.render import table

OPTIONS = [
    {},
    {"depth": 1},
    {"depth": 2, "layout": "hwc"},
    {"columns": table.COLUMNS},
    {"columns": ("output", "rf"), "share": "macs"},
    {"columns": ("params",), "share": "memory", "depth": 1},
    {"share": "params", "width": 120},
    {"width": 60},  # narrower than most tables: rich shrinks them
]


def both(a: Analysis, monkeypatch: pytest.MonkeyPatch, **options: object) -> tuple[str, str]:
    direct = table.render(a, **options)  # type: ignore[arg-type]
    with monkeypatch.context() as m:
        m.setattr(table, "_plain", lambda *args, **kwargs: None)
        through_rich = table.render(a, **options)  # type: ignore[arg-type]
    return direct, through_rich


@pytest.mark.parametrize("path", ZOO, ids=lambda p: p.stem)
def test_zoo_tables_match_rich(path: object, monkeypatch: pytest.MonkeyPatch) -> None:
    a = analyze(zoo_source(path))  # type: ignore[arg-type]
    for options in OPTIONS:
        direct, through_rich = both(a, monkeypatch, **options)
        assert direct == through_rich, options
    with monkeypatch.context() as m:  # the zoo's default tables never need rich
        m.setattr(table, "_rich", None)
        table.render(a)


@pytest.mark.parametrize("name", [
    "plain", "[bold]markup[/bold]", "x" * 150, "wide 名前", "tab\there", " padded", "a\\[b]",
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


def test_unbuildable_files_match_rich(monkeypatch: pytest.MonkeyPatch) -> None:
    a = run("""\
        input: [3, 8, 8]
        layers:
          - conv: {out_channels: 4, kernel_size: 30}
        """)
    direct, through_rich = both(a, monkeypatch)
    assert direct == through_rich
    a = run("layers: []\n")
    assert both(a, monkeypatch)[0] == both(a, monkeypatch)[1]


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

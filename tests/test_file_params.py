"""Format 1.1: `let:`, file parameters (`params:`, `--set`, `analyze(params=)`), the version."""

from __future__ import annotations

import json

import pytest
from conftest import ROOT  # noqa: F401 - the tests' shared setup

from cnncalc.analysis import analyze_text
from cnncalc.cli import main
from cnncalc.declare import parse_set
from cnncalc.render import json as json_render

FAMILY = """\
cnncalc: 1.1
params: [width=1.0, size=32, act=true]
let:
  c: $(make_divisible(16 * width, 8))
input: [3, $size, $size]
blocks:
  cbr:
    params: [out, width=2]          # shadows the file's width inside the block
    let: {doubled: $(out * width)}
    layers:
      - conv: [$doubled, 3, 1, 1]
      - {relu: {}, when: $act}      # a file parameter, seen inside the block
layers:
  - conv: [$c, 3, 1, 1]
  - cbr: $c
expect: {output: ["$(2 * c)", $size, $size], params: 448}
"""


def codes(text: str, **params: object) -> list[str]:
    return [d.code for d in analyze_text(text, "f.yaml", params=params or None).diagnostics]


def test_defaults_and_set_values() -> None:
    a = analyze_text(FAMILY, "f.yaml")
    assert [d.code for d in a.diagnostics] == ["E301"]  # params: 448 is the conv alone
    assert a.output_shape == (32, 32, 32)
    assert dict(a.params) == {"width": 1.0, "size": 32, "act": True}
    assert a.format_version == "1.1"
    b = analyze_text(FAMILY, "f.yaml", params={"width": 0.5, "size": 16, "act": False})
    assert b.output_shape == (16, 16, 16)  # make_divisible(8, 8) = 8, doubled in the block
    assert [layer.op for layer in b.layers] == ["conv", "conv"]  # relu skipped
    # the literal params figure is not checked for another member; the $(...) shape is
    assert [d.code for d in b.diagnostics] == ["N110"]
    assert [v.ok for v in b.expectations] == [True]


def test_json_records_the_parameters_and_version() -> None:
    a = analyze_text(FAMILY, "f.yaml", params={"width": 0.5})
    document = json_render.document(a)
    assert document["params"] == {"width": 0.5, "size": 32, "act": True}
    assert document["format_version"] == "1.1"
    plain = json_render.document(analyze_text("input: [3]\nlayers: [relu]\n"))
    assert plain["params"] == {} and plain["format_version"] is None


def test_setting_the_default_value_checks_everything() -> None:
    assert codes(FAMILY, width=1.0) == ["E301"]


@pytest.mark.parametrize("params, code", [
    ({"widht": 0.5}, "E121"),
    ({"width": float("inf")}, "E123"),
    ({"width": float("nan")}, "E123"),
    ({"size": 2**70}, "E118"),
    ({"size": "x" * 1000}, "E123"),
    ({"size": [1, 2]}, "E123"),
])
def test_bad_settings(params: dict[str, object], code: str) -> None:
    assert codes(FAMILY, **params) == [code]


def test_unknown_setting_hint() -> None:
    a = analyze_text(FAMILY, "f.yaml", params={"widht": 0.5})
    assert a.diagnostics[0].hint == "did you mean 'width'?"
    assert (a.diagnostics[0].span.line, a.diagnostics[0].span.col) == (2, 9)


def test_api_refuses_a_non_mapping() -> None:
    with pytest.raises(TypeError):
        analyze_text(FAMILY, params=[("width", 1)])  # type: ignore[arg-type]


def test_let_is_ordered_and_evaluated_per_call() -> None:
    text = """\
input: [8, 16, 16]
blocks:
  grow:
    let: {twice: $(in_c * 2), more: $(twice + 1)}
    layers:
      - conv: [$more, 1]
layers:
  - grow
  - grow
"""
    a = analyze_text(text)
    assert [layer.output_shape for layer in a.layers] == [(17, 16, 16), (35, 16, 16)]


def test_top_level_let_failure_is_reported_once() -> None:
    text = "input: [3, 8, 8]\nlet: {a: $(1 // 0)}\nlayers:\n  - conv: [$a, 1]\n  - conv: [$a, 1]\n"
    assert codes(text) == ["E112"]


@pytest.mark.parametrize("text, name, value", [
    ("width=0.5", "width", 0.5), ("act=true", "act", True), ("n=3", "n", 3),
    ("mode=relu", "mode", "relu"), ("s='3'", "s", "3"), ("x=", "x", None),
])
def test_parse_set(text: str, name: str, value: object) -> None:
    assert parse_set(text) == (name, value)


@pytest.mark.parametrize("text", ["width", "=1", "a b=1", "w=[1, 2]", "w={a: 1}", "w='open",
                                  "w=" + "9" * 300])
def test_parse_set_refuses(text: str) -> None:
    with pytest.raises(ValueError):
        parse_set(text)


def test_cli_set(tmp_path: object, capsys: pytest.CaptureFixture[str],
                 monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)  # type: ignore[arg-type]
    with open("f.yaml", "w", encoding="utf-8") as f:
        f.write(FAMILY)
    assert main(["show", "f.yaml", "--set", "width=0.5", "--set", "act=false", "-f",
                 "json"]) == 0
    document = json.loads(capsys.readouterr().out)
    assert document["params"]["width"] == 0.5 and document["output_shape"] == [16, 32, 32]
    for command in (["check"], ["explain"], ["export"], ["sizes", "--min", "30", "--max",
                                                            "31"]):
        status = main([*command, "f.yaml", "--set", "widht=1"])
        printed = capsys.readouterr()
        assert status == 1, command
        assert "E121" in printed.out + printed.err, command
    assert main(["diff", "f.yaml", "f.yaml", "--set", "width=0.5"]) == 0
    assert main(["show", "f.yaml", "--set", "width"]) == 2
    assert main(["show", "f.yaml", "--set", "width=1", "--set", "width=2"]) == 2

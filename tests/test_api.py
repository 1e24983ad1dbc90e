"""The Python API (docs/api.md): analyze() of a path, a Source or a mapping, and its options."""

from __future__ import annotations

import dataclasses
import doctest
import json
import math
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from conftest import ROOT, ZOO

import cnncalc
import cnncalc.ops
from cnncalc.analysis import Analysis
from cnncalc.render import text


def _numbers(a: Analysis) -> list[tuple[Any, ...]]:
    """What a layer reports, without where it was written."""
    return [(r.path, r.op, r.inputs, r.output_shape, r.params, r.buffers, r.macs,
             r.activation_bytes, r.receptive_field) for r in a.layers]


@pytest.mark.parametrize("path", ZOO, ids=[p.stem for p in ZOO])
def test_a_mapping_analyses_as_its_file(path: Path) -> None:
    """yaml.safe_load of a zoo file gives the same network as the file: the node tree built
    from a mapping is the loader's (YAML 1.1's typing differs from 1.2's only where no zoo
    file writes a value)."""
    from_file = cnncalc.analyze(path)
    from_mapping = cnncalc.analyze(yaml.safe_load(path.read_text(encoding="utf-8")))
    assert from_mapping.totals == from_file.totals
    assert _numbers(from_mapping) == _numbers(from_file)
    assert [(d.code, d.message) for d in from_mapping.diagnostics] == [
        (d.code, d.message) for d in from_file.diagnostics]
    assert from_mapping.source.name == "<mapping>"


def test_mapping_diagnostics_point_at_the_value_in_a_listing() -> None:
    """No file to point into: each entry of the mapping is a line of a listing, its path and
    its value, and the caret stands under the value."""
    a = cnncalc.analyze({"input": [3, 32, 32],
                         "layers": [{"conv": {"out_channels": 8, "kernel_size": 3,
                                              "stride": 0}}, "relux"]})
    stride, relux = a.diagnostics
    assert (stride.code, relux.code) == ("E108", "E104")
    assert text.diagnostic(stride, a.source).splitlines()[1:3] == [
        "  11 | layers[0].conv.stride: 0",
        "     |                        ^"]
    assert text.diagnostic(relux, a.source).splitlines()[1:3] == [
        "  12 | layers[1]: 'relux'",
        "     |            ^~~~~~~"]


def test_a_key_is_underlined_without_its_path() -> None:
    a = cnncalc.analyze({"input": [3, 8, 8], "layers": [{"conv": {"out_channels": 4,
                                                                  "kernal_size": 3}}]})
    shown = text.diagnostic(next(d for d in a.diagnostics if d.code == "E105"), a.source)
    assert shown.splitlines()[1:3] == ["  10 | layers[0].conv.kernal_size: 3",
                                       "     |                ^~~~~~~~~~~"]


def test_a_value_cannot_add_lines_to_the_listing() -> None:
    """A line break in a key or value is escaped: every position after it stays right."""
    a = cnncalc.analyze({"input": [3, 8, 8], "name": "a\nb\x1b[2J",
                         "layers": ["relu", "bogus\nop"]})
    (d,) = a.diagnostics
    assert d.span is not None and a.source.line(d.span.line) == "layers[1]: 'bogus\\nop'"
    assert all(ch.isprintable() for ch in a.source.text.replace("\n", ""))


def test_a_shared_value_is_converted_once_and_a_cycle_is_refused() -> None:
    conv = {"conv": {"out_channels": 3, "kernel_size": 3, "padding": 1}}
    a = cnncalc.analyze({"input": [3, 8, 8], "layers": [conv] * 1000})
    assert a.exit_code() == 0 and len(a.layers) == 1000
    layers: list[Any] = ["relu"]
    layers.append(layers)
    (d,) = cnncalc.analyze({"input": [3, 8, 8], "layers": layers}).diagnostics
    assert d.code == "E006" and "contains itself" in d.message


def test_deep_nesting_costs_no_recursion() -> None:
    value: Any = 3
    for _ in range(10_000):  # ten times the recursion limit
        value = [value]
    a = cnncalc.analyze({"input": [3, 8, 8], "layers": [{"conv": {"out_channels": 4,
                                                                  "kernel_size": value}}]})
    assert a.exit_code() == 1


def test_a_key_that_is_no_plain_value_is_e103() -> None:
    a = cnncalc.analyze({"input": [3, 8, 8], "layers": ["relu"], (1, 2): 3})
    assert [d.code for d in a.diagnostics] == ["E103"]


@pytest.mark.parametrize("value", [{1, 2}, b"bytes", object()])
def test_a_value_yaml_cannot_hold_is_the_callers_mistake(value: object) -> None:
    with pytest.raises(TypeError, match=r"layers\[1\]: a \w+ is not a YAML value"):
        cnncalc.analyze({"input": [3, 8, 8], "layers": ["relu", value]})


def test_a_str_is_always_a_path(tmp_path: Path) -> None:
    """S1: text is never guessed from a str's content (a file can be named like YAML)."""
    name = "input: [3, 8, 8]\nlayers: [relu]\n#.yaml"
    (d,) = cnncalc.analyze(str(tmp_path / name)).diagnostics
    assert d.code == "E001"
    assert cnncalc.analyze(cnncalc.Source("net.yaml", name)).exit_code() == 0


@pytest.mark.parametrize(("option", "value"), [
    ("input", (3, 0, 8)), ("input", "3x8x8"), ("input", ()), ("input", (3, 2**63, 8)),
    ("batch", 0), ("batch", True), ("dtype", "float31"), ("count", "some"),
    ("optimizer", "lion"),
])
def test_an_option_out_of_range_is_refused(option: str, value: object) -> None:
    """The old API analysed a wrong dtype as the file's own: a caller's typo went unseen."""
    with pytest.raises(ValueError, match=option):
        cnncalc.analyze({"input": [3, 8, 8], "layers": ["relu"]}, **{option: value})


def test_options_change_the_numbers() -> None:
    net = {"input": [3, 8, 8], "layers": [{"conv": {"out_channels": 4, "kernel_size": 3}},
                                          "relu"]}
    base = cnncalc.analyze(net)
    assert base.totals.macs == 4 * 6 * 6 * 27
    wide = cnncalc.analyze(net, input=[3, 10, 10], batch=2, dtype="float16", count="all")
    assert wide.layers[0].output_shape == (4, 8, 8)
    assert wide.totals.param_bytes == base.totals.params * 2
    # `all` adds one bias add per conv output and one op per relu element, x batch 2
    assert wide.totals.macs == 2 * (4 * 8 * 8 * 27 + 4 * 8 * 8 + 4 * 8 * 8)


# ---------------------------------------------------------------- docs/api.md, run


def test_the_api_page_is_real_output(monkeypatch: pytest.MonkeyPatch) -> None:
    """docs/api.md's examples run as a doctest from the repository root: every number on the
    page is cnncalc's output (an op the page registers is removed again, even on failure)."""
    monkeypatch.chdir(ROOT)
    page = (ROOT / "docs" / "api.md").read_text(encoding="utf-8")
    test = doctest.DocTestParser().get_doctest(page, {}, "api.md", "docs/api.md", 0)
    assert len(test.examples) >= 30
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS)
    try:
        runner.run(test, out=lambda text: pytest.fail(text, pytrace=False))
    finally:
        if cnncalc.ops.lookup("space_to_depth") is not None:
            cnncalc.unregister_op("space_to_depth")
    assert runner.failures == 0 and runner.tries == len(test.examples)


# ---------------------------------------------------------------- a registered op


def _shift_spec() -> cnncalc.OpSpec:
    """A made-up op with parameters, MACs and a torch rule: `shift: n` adds n channels by a
    1x1 projection (a conv 1x1 under another name, so torch can check the numbers)."""
    from cnncalc import Arg, Counts, Ctx, Int, OpSpec

    def shape(ctx: Ctx) -> tuple[int, ...]:
        return (ctx.channels + ctx.args["extra"], *ctx.spatial)

    def params(ctx: Ctx, out: tuple[int, ...]) -> Counts:
        return Counts(ctx.channels * out[0] + out[0])

    def macs(ctx: Ctx, out: tuple[int, ...]) -> int:
        return ctx.channels * math.prod(out)

    def torch(ctx: Ctx) -> tuple[str | None, str]:
        out = ctx.channels + ctx.args["extra"]
        return f"nn.Conv2d({ctx.channels}, {out}, 1)", "{m}({0})"

    return OpSpec(name="widen", summary="adds `extra` channels (a 1x1 projection)",
                  args=(Arg("extra", Int(1), doc="channels added"),), shape=shape,
                  aliases={"widen2d": 2}, params=params, macs=macs, torch=torch)


@pytest.fixture
def widen() -> Iterator[cnncalc.OpSpec]:
    spec = cnncalc.register_op(_shift_spec())
    try:
        yield spec
    finally:
        cnncalc.unregister_op("widen")
    assert cnncalc.ops.lookup("widen") is None and cnncalc.ops.lookup("widen2d") is None


WIDE = "input: [3, 8, 8]\nlayers:\n  - widen: 5\n  - widen2d: {extra: 2}\n  - relu\n"


def test_a_registered_op_works_end_to_end(widen: cnncalc.OpSpec, tmp_path: Path,
                                          capsys: pytest.CaptureFixture[str]) -> None:
    """fvcore lets a program add a handle for its own module; cnncalc's registry does the
    same: analysis, the JSON output, the JSON schema, `cnncalc ops`, `show` and export."""
    jsonschema = pytest.importorskip("jsonschema")
    from cnncalc import cli, export, schema

    a = cnncalc.analyze_text(WIDE, name="wide.yaml")
    assert a.exit_code() == 0, a.diagnostics
    first, second, _ = a.layers
    assert (first.path, first.output_shape, second.output_shape) == (
        "widen1", (8, 8, 8), (10, 8, 8))
    assert (first.params, first.macs) == (3 * 8 + 8, 3 * 8 * 8 * 8)
    assert a.totals.params == 3 * 8 + 8 + 8 * 10 + 10
    data = json.loads(cnncalc.report(a, "json"))
    assert [layer["op"] for layer in data["layers"]] == ["widen", "widen", "relu"]
    # the schema is made from the registry: it accepts the op and checks its argument
    validator = jsonschema.Draft202012Validator(schema.schema())
    assert not list(validator.iter_errors(yaml.safe_load(WIDE)))
    assert list(validator.iter_errors({"input": [3, 8, 8], "layers": [{"widen": 0}]}))
    (tmp_path / "wide.yaml").write_text(WIDE, encoding="utf-8")
    assert cli.main(["show", str(tmp_path / "wide.yaml"), "--format", "csv"]) == 0
    assert "widen2,widen,widen1,10x8x8,90," in capsys.readouterr().out
    cli.main(["ops", "widen"])
    assert "adds `extra` channels" in capsys.readouterr().out
    assert "nn.Conv2d(3, 8, 1)" in export.export(a, "pytorch")


def test_a_registered_op_reports_like_a_builtin(widen: cnncalc.OpSpec) -> None:
    a = cnncalc.analyze({"input": [3, 8, 8], "layers": [{"widen": {"extra": 0}}, "widenn"]})
    extra, unknown = a.diagnostics
    assert extra.code == "E108" and "extra" in extra.message
    assert unknown.code == "E104" and unknown.hint == "did you mean 'widen'?"


@pytest.mark.parametrize("name", ["conv", "conv2d", "id", "prev", "from", "two words", ""])
def test_a_taken_or_malformed_name_is_refused(name: str) -> None:
    spec = dataclasses.replace(_shift_spec(), name=name, aliases={})
    with pytest.raises(ValueError, match="op name"):
        cnncalc.register_op(spec)
    assert cnncalc.ops.lookup("widen") is None


def test_builtin_ops_cannot_be_unregistered() -> None:
    with pytest.raises(ValueError, match="not an op registered"):
        cnncalc.unregister_op("conv")
    assert cnncalc.op("conv").name == "conv"

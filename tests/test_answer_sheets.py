"""Issue 16, homework that teaches: the layout trap (W130, W131), `layout: hwc` files and
`--layout` on every command, and answers in the other order."""

from __future__ import annotations

import re

import pytest
from typer.testing import CliRunner

from cnncalc.analysis import analyze_text
from cnncalc.cli import app


def codes(yaml: str, **options: object) -> list[str]:
    return [d.code for d in analyze_text(yaml, **options).diagnostics]  # type: ignore[arg-type]


def net(input: str, *layers: str, extra: str = "") -> str:
    return extra + f"input: {input}\nlayers:\n" + "".join(f"  - {x}\n" for x in layers)


@pytest.mark.parametrize("input, layer", [
    ("[1, 16000]", "conv: [16, 80, 4]"),  # audio
    ("[12, 1000]", "conv: [32, 7]"),  # a 12-lead ECG
    ("[3, 224, 224]", "conv: [64, 7, 2, 3]"),
    ("[1, 28, 28]", "conv: [8, 3]"),
    ("[256, 4, 4]", "conv: [8, 3]"),  # a small feature map: its height is not an image's
    ("[64, 64]", "conv1d: [8, 3]"),  # 1-D said outright
    ("[64, 64]", "linear: 10"),  # a square input no 2-D-minded op reads
])
def test_genuine_inputs_do_not_warn(input: str, layer: str) -> None:
    found = codes(net(input, layer))
    assert "W130" not in found and "W131" not in found, found


@pytest.mark.parametrize("input, layer, code", [
    ("[32, 32, 3]", "conv: [10, 3]", "W130"),
    ("[227, 227, 3]", "conv: [96, 11, 4]", "W130"),
    ("[7, 7]", "conv: [1, 3, 2]", "W131"),
    ("[4, 4]", "maxpool: 2", "W131"),
    ("[224, 224]", "avgpool: 2", "W131"),
])
def test_the_layout_trap_warns(input: str, layer: str, code: str) -> None:
    assert code in codes(net(input, layer))


def test_a_file_in_hwc_reads_its_input_and_expectations_that_way() -> None:
    a = analyze_text(net("[227, 227, 3]", "{conv: [96, 11, 4], expect: [55, 55, 96]}",
                         extra="layout: hwc\n"))
    assert a.input == (3, 227, 227)
    assert [v.ok for v in a.expectations] == [True]
    assert a.layout == "hwc" and not a.diagnostics


def test_an_answer_in_the_other_order_is_named() -> None:
    a = analyze_text(net("[3, 227, 227]", "{conv: [96, 11, 4], expect: [55, 55, 96]}"))
    [d] = a.diagnostics
    assert d.code == "E301"
    assert d.message == ("expected shape of conv1 55x55x96, computed 96x55x55 (same numbers, "
                         "other order: that is H×W×C)")
    assert d.hint == "write 96x55x55, or declare `layout: hwc`"


def test_an_unknown_layout_is_refused() -> None:
    assert codes(net("[3, 8, 8]", "relu", extra="layout: nhwc\n")) == ["E108"]


runner = CliRunner()


def test_calc_reads_and_prints_in_hwc() -> None:
    out = runner.invoke(app, ["calc", "conv", "out_channels=10", "kernel_size=5",
                              "--input", "32x32x3", "--layout", "hwc"]).output
    assert "shape: 32x32x3 → 28x28x10" in out and "W130" not in out


@pytest.mark.parametrize("args, fix", [
    (["--input", "32x32x3"], "write 3x32x32 (channels first), or --layout hwc"),
    (["--input", "7x7"], "an image of 7x7 is 1x7x7 (one channel)"),
])
def test_calc_warns_with_the_command_line_fix(args: list[str], fix: str) -> None:
    out = runner.invoke(app, ["calc", "conv", "out_channels=1", "kernel_size=1", *args]).output
    assert fix in out
    # no line of a listing the user never wrote
    assert not re.search(r"<calc>:\d", out.split("\n\n")[0])


def test_show_and_check_take_the_layout(tmp_path: object) -> None:
    from pathlib import Path

    path = Path(str(tmp_path)) / "a.yaml"
    path.write_text(net("[3, 227, 227]", "{conv: [96, 11, 4], expect: [96, 55, 55]}"))
    shown = runner.invoke(app, ["show", str(path), "--layout", "hwc"]).output
    assert "55x55x96" in shown
    checked = runner.invoke(app, ["check", str(path), "--layout", "hwc"]).output
    assert "conv1 shape = 55x55x96" in checked


# ---------------------------------------------------------------- answer sheets (part 2)

ALEXNET_START = """\
input: [3, 227, 227]
layers:
  - {conv: [96, 11, 4], expect: EXPECT}
  - maxpool: [3, 2]
  - flatten
  - linear: 10
"""


def verdicts(expect: str, network: str = "") -> list[tuple[str, bool]]:
    yaml = ALEXNET_START.replace("EXPECT", expect) + (f"expect: {network}\n" if network else "")
    a = analyze_text(yaml)
    assert [d.code for d in a.diagnostics if d.code != "E301"] == [], a.diagnostics
    return [(v.key, v.ok) for v in a.expectations]


@pytest.mark.parametrize("expect", [
    "{output: 96x55x55}", "{shape: \"96 x 55 x 55\"}", "{params: \"34,944\"}",
    "{params: 34_944}", "{params: 34944}", "{params: 35K}", "{params: \"34.9K\"}",
    "{macs: 105.4M}", "{memory: \"1.1 MiB\"}", "{memory: 1161600}", "{memory: \"1,161,600 B\"}",
    "{values: 290400}", "{rf: 11, rf_stride: 4, rf_start: 0}", "{rf: [11, 11]}",
])
def test_every_figure_as_cnncalc_prints_it(expect: str) -> None:
    assert all(ok for _, ok in verdicts(expect))


@pytest.mark.parametrize("expect", [
    "{params: \"34.8K\"}",  # 34,944 is 34.9K at the precision written
    "{params: 34_945}", "{memory: \"1.2 MiB\"}", "{rf: 12}", "{macs: 105.5M}",
])
def test_a_wrong_figure_is_wrong(expect: str) -> None:
    assert not any(ok for _, ok in verdicts(expect))


def test_network_figures_depth_values_and_memory() -> None:
    # the input, conv1's and maxpool1's outputs and the classifier's (flatten is a view)
    values = 3 * 227 * 227 + 96 * 55 * 55 + 96 * 27 * 27 + 10
    a = analyze_text(ALEXNET_START.replace("EXPECT", "{params: 34944}")
                     + f"expect: {{layers: 2, values: {values:_}, memory: \"2.0 MiB\"}}\n")
    assert [(v.key, v.computed, v.ok) for v in a.expectations][1:] == [
        ("layers", 2, True), ("values", values, True), ("memory", 4 * values, True)]


def test_a_file_in_hwc_expects_hwc_text() -> None:
    yaml = ALEXNET_START.replace("EXPECT", "{output: 55x55x96}")
    a = analyze_text("layout: hwc\n" + yaml.replace("[3, 227, 227]", "[227, 227, 3]"))
    assert [v.ok for v in a.expectations] == [True]


@pytest.mark.parametrize("value", ["\"1e999M\"", "\"12,34\"", "\"61.1Q\"", "\"-5\"", "true",
                                   "\"" + "9," * 30 + "999\""])
def test_what_is_not_a_figure_is_e160(value: str) -> None:
    a = analyze_text(ALEXNET_START.replace("EXPECT", f"{{params: {value}}}"))
    assert [d.code for d in a.diagnostics] == ["E160"]


def test_depth_counts_the_longest_path_of_conv_and_linear_layers() -> None:
    # a residual block with a projection shortcut: the shortcut's conv is beside the path
    yaml = """\
input: [3, 32, 32]
layers:
  - {id: a, conv: [8, 3, 1, 1]}
  - conv: [8, 3, 1, 1]
  - {id: b, conv: [8, 3, 1, 1]}
  - {from: a, conv: [8, 1]}
  - add: [b, prev]
  - gap
  - flatten
  - linear: 10
"""
    assert analyze_text(yaml).totals.depth == 4


# ---------------------------------------------------------------- subtotals and depth


@pytest.mark.parametrize("name, depth", [
    ("vgg16", 16), ("vgg19", 19), ("resnet50", 50), ("resnet152", 152), ("googlenet", 22),
])
def test_depth_is_the_depth_papers_quote(name: str, depth: int) -> None:
    """The number in the name (VGG-19, ResNet-152), and GoogLeNet's "22 layers deep"."""
    from cnncalc import zoo
    from cnncalc.analysis import analyze

    path = zoo.find(name)
    assert path is not None
    assert analyze(path).totals.depth == depth


def test_group_by_op_gives_each_op_s_share() -> None:
    """The issue's AlexNet: its convolutions hold 4% of the parameters and do 92% of the
    multiplies."""
    from cnncalc import zoo
    from cnncalc.analysis import analyze
    from cnncalc.subtotals import by_op

    path = zoo.find("alexnet")
    assert path is not None
    sums = {r.op: r for r in by_op(analyze(path)).rows}
    assert (round(100 * sums["conv"].params_share), round(100 * sums["conv"].macs_share)) \
        == (4, 92)
    assert sums["conv"].layers == 5 and sums["linear"].layers == 3
    out = runner.invoke(app, ["show", "alexnet", "--group-by", "op"]).output
    assert " conv " in out and "depth 8" in out


def test_group_by_op_writes_a_table_or_json() -> None:
    data = runner.invoke(app, ["show", "alexnet", "--group-by", "op", "-f", "json"]).output
    import json

    assert json.loads(data)["depth"] == 8
    r = runner.invoke(app, ["show", "alexnet", "--group-by", "op", "-f", "csv"])
    assert r.exit_code == 2


# ---------------------------------------------------------------- feedback (part 3)

def feedback_of(layers: str, input: str = "[3, 32, 32]", verbose: bool = False
                ) -> list[tuple[str, ...]]:
    from cnncalc import feedback

    a = analyze_text(f"input: {input}\nlayers:\n{layers}")
    return [feedback.lines(a, v, verbose) for v in a.expectations if not v.ok]


PAIR = """\
  - {id: a, conv: [64, 3, 1, 1]}
  - {conv: {out_channels: 64, kernel_size: 3, padding: 1}, repeat: 2, expect: {params: EXPECT}}
"""


@pytest.mark.parametrize("layers, mistake", [
    # no biases: (3·3·3)·64
    ("  - {conv: [64, 3, 1, 1], expect: {params: 1728}}\n", "the count without the biases"),
    # no padding: (32 − 5)/1 + 1 = 28
    ("  - {conv: [10, 5, 1, 2], expect: [10, 28, 28]}\n", "the size without the padding"),
    # one conv of two
    (PAIR.replace("EXPECT", "36928"), "of one layer (conv2[0]) of the 2 it covers"),
    # one filter: 5·5·3 weights, and its bias
    ("  - {conv: [10, 5], expect: {params: 75}}\n", "the weights of one filter (75)"),
    ("  - {conv: [10, 5], expect: {params: 76}}\n", "the weights of one filter (75 + 1 bias)"),
    # values for bytes, bytes for values (float32)
    ("  - {conv: [10, 5], expect: {memory: 7840}}\n", "the value count, not bytes"),
    ("  - {conv: [10, 5], expect: {values: 31360}}\n", "bytes, not values"),
    # FLOPs for MACs: 7,840 outputs × 75 multiplies, twice
    ("  - {conv: [10, 5], expect: {macs: 1176000}}\n", "FLOPs, not MACs"),
])
def test_each_mistake_rule_names_its_mistake(layers: str, mistake: str) -> None:
    [lines] = feedback_of(layers)
    assert mistake in lines[-1], lines


def test_a_wrong_answer_no_rule_knows_is_not_named() -> None:
    [lines] = feedback_of("  - {conv: [10, 5], expect: {params: 700}}\n")
    assert lines == ("params: (5·5·3)·10 + 10 = 760",)


def test_a_repeat_shows_the_arithmetic_summed_over_its_copies() -> None:
    [lines] = feedback_of(PAIR.replace("EXPECT", "70000"))
    assert lines == ("params: 2 × ((3·3·64)·64 + 64) = 73,856",)


def test_only_the_quantity_asked_unless_verbose() -> None:
    layer = "  - {conv: [10, 5], expect: {params: 700}}\n"
    [short] = feedback_of(layer)
    [full] = feedback_of(layer, verbose=True)
    assert not any(line.startswith(("MACs", "memory", "receptive")) for line in short)
    assert any(line.startswith("MACs") for line in full)
    assert any(line.startswith("receptive field") for line in full)


def test_check_writes_each_wrong_answer_as_an_error_line(tmp_path: object) -> None:
    from pathlib import Path

    path = Path(str(tmp_path)) / "hw.yaml"
    path.write_text("input: [3, 32, 32]\nlayers:\n  - {conv: [64, 3, 1, 1], expect: "
                    "{params: 1728}}\n")
    out = runner.invoke(app, ["check", str(path)]).output
    assert f"{path}:3:36: error[E301]: expected params of conv1 1,728, computed 1,792" in out
    assert "hint: that is the count without the biases (1,728)" in out


# ---------------------------------------------------------------- calc (part 4)

def calc(*args: str) -> tuple[int, str]:
    r = runner.invoke(app, ["calc", *args])
    return r.exit_code, r.output


def test_calc_errors_name_arguments_not_yaml_lines() -> None:
    code, out = calc("conv", "out_channels=10", "kernel_size=5", "--input", "3x4x4")
    assert code == 1
    assert "calc: error[E202]:" in out and "(kernel_size=5)" in out
    assert "<calc>" not in out and "layers[0]" not in out and "line " not in out


def test_calc_hints_in_name_value_form() -> None:
    _, out = calc("conv", "kernel_size=3")
    assert "hint: e.g. `out_channels=...`" in out


@pytest.mark.parametrize("size", ["3x5", "3,5", "3, 5", "[3, 5]", " 3 x 5"])
def test_calc_takes_sizes_as_shapes_are_written(size: str) -> None:
    code, out = calc("conv", "out_channels=4", f"kernel_size={size}")
    assert code == 0 and "shape: 3x32x32 → 4x30x28" in out


def test_calc_keeps_a_quoted_value_with_spaces_whole() -> None:
    """`"kernel_size=3, 5"` is one value (it was split at the space into kernel_size=3, and
    a 5 taken by position: "given twice"), alone or in a quoted layer."""
    assert calc("conv", "4", "kernel_size = 3, 5")[0] == 0
    code, out = calc("conv 4 kernel_size=3, 5 padding=1", "relu")
    assert code == 0 and "shape: 3x32x32 → 4x32x30" in out and "shape: 4x32x30 → 4x32x30" in out


def test_calc_takes_positional_values_as_the_format_does() -> None:
    assert calc("conv", "10", "5")[1] == calc("conv", "out_channels=10", "kernel_size=5")[1]
    assert calc("conv", "10", "5", "padding=2")[1] == calc(
        "conv", "out_channels=10", "kernel_size=5", "padding=2")[1]


def test_calc_chains_layers() -> None:
    code, out = calc("conv 96 11 4", "maxpool 3 2", "--input", "3x227x227")
    assert code == 0
    assert "shape: 3x227x227 → 96x55x55" in out and "shape: 96x55x55 → 96x27x27" in out
    assert calc("conv", "96", "11", "4", "maxpool", "3", "2", "--input", "3x227x227")[1] == out


def test_calc_pooling_has_params_0_and_flatten_its_product() -> None:
    assert "params: 0" in calc("maxpool", "3", "2", "--input", "96x55x55")[1]
    assert "features: 64·12·12 = 9,216" in calc("flatten", "--input", "64x12x12")[1]


def test_calc_refuses_a_value_given_twice() -> None:
    code, out = calc("conv", "10", "5", "out_channels=10")
    assert code == 2 and "given twice" in out


def test_per_op_subtotals_can_be_expected() -> None:
    yaml = ALEXNET_START.replace("EXPECT", "{params: 34944}") + (
        "expect: {ops: {conv: {layers: 1, params: \"34,944\"}, linear: {params: 699_850}, "
        "maxpool: {values: 69984}}}\n")
    a = analyze_text(yaml)
    assert [(v.key, v.ok) for v in a.expectations][1:] == [
        ("ops.conv.layers", True), ("ops.conv.params", True), ("ops.linear.params", True),
        ("ops.maxpool.values", True)]
    assert a.expectations[3].computed == 96 * 27 * 27 * 10 + 10  # linear on 69,984 features


def test_per_op_figures_of_an_unknown_op_are_e160() -> None:
    yaml = (ALEXNET_START.replace("EXPECT", "{params: 34944}")
            + "expect: {ops: {cnv: {params: 1}}}\n")
    [d] = analyze_text(yaml).diagnostics
    assert (d.code, d.hint) == ("E160", "did you mean 'conv'?")


# ---------------------------------------------------------------- layout on every command

def _two_sheets(tmp_path: object) -> tuple[str, str]:
    """A sheet written H×W×C and a submission with conv1 narrowed to 64 filters."""
    from pathlib import Path

    sheet = net("[227, 227, 3]", "{id: conv1, conv: [96, 11, 4]}", "{id: pool1, maxpool: [3, 2]}",
                extra="layout: hwc\n")
    a, b = Path(str(tmp_path)) / "sheet.yaml", Path(str(tmp_path)) / "student.yaml"
    a.write_text(sheet)
    b.write_text(sheet.replace("[96, 11, 4]", "[64, 11, 4]"))
    return str(a), str(b)


@pytest.mark.parametrize("format", ["text", "markdown"])
def test_diff_reads_and_prints_in_the_layout(tmp_path: object, format: str) -> None:
    """`diff` writes shapes as the files do (`layout: hwc`), or as --layout says."""
    a, b = _two_sheets(tmp_path)
    out = runner.invoke(app, ["diff", a, b, "--format", format]).output
    assert "55x55x96 → 55x55x64" in out and "Shape (HxWxC)" in out
    assert "227x227x3" in out and "27x27x96" in out and "96x55x55" not in out
    chw = runner.invoke(app, ["diff", a, b, "--format", format, "--layout", "chw"]).output
    assert "96x55x55 → 64x55x55" in chw and "3x227x227" in chw and "HxWxC" not in chw
    # --input is read in the layout too
    other = runner.invoke(app, ["diff", a, b, "--format", format, "--layout", "hwc",
                                "--input", "231x231x3"]).output
    assert "231x231x3" in other and "56x56x96 → 56x56x64" in other


@pytest.mark.parametrize("format", ["json", "csv"])
def test_diff_for_programs_keeps_shapes_channels_first(tmp_path: object, format: str) -> None:
    """JSON and CSV are read by programs: one order whatever the layout (docs/format.md)."""
    a, b = _two_sheets(tmp_path)
    out = runner.invoke(app, ["diff", a, b, "--format", format, "--layout", "hwc"]).output
    assert ("[96, 55, 55]" if format == "json" else "96x55x55") in out
    assert "55x55x96" not in out and "[55, 55, 96]" not in out


# ---------------------------------------------------------------- the depth in show's totals

def test_show_gives_the_depth_in_its_totals() -> None:
    """The depth a paper quotes is in every show's totals, as `expect: {layers: N}` checks
    it: the table, markdown, and JSON's `totals.depth`."""
    import json

    table = runner.invoke(app, ["show", "resnet152"]).output
    assert ("Layers:           515; depth 152 (conv and linear layers on the longest path, "
            "as papers count them)\nTotal params:") in table
    markdown = runner.invoke(app, ["show", "vgg19", "-f", "markdown"]).output
    assert "depth **19** (conv and linear layers on the longest path)" in markdown
    data = json.loads(runner.invoke(app, ["show", "googlenet", "-f", "json"]).output)
    assert data["totals"]["depth"] == 22
    # --group-by op says it once, in the same totals
    grouped = runner.invoke(app, ["show", "alexnet", "--group-by", "op"]).output
    assert grouped.count("depth 8") == 1


def test_the_depth_shown_is_the_depth_expected(tmp_path: object) -> None:
    from pathlib import Path

    path = Path(str(tmp_path)) / "deep.yaml"
    path.write_text("input: [3, 32, 32]\nlayers:\n  - {conv: [8, 3, 1, 1], repeat: 3}\n"
                    "  - gap\n  - flatten\n  - linear: 10\nexpect: {layers: 4}\n")
    assert "depth 4 " in runner.invoke(app, ["show", str(path)]).output
    r = runner.invoke(app, ["check", str(path)])
    assert r.exit_code == 0 and "network layers = 4" in r.output


# ---------------------------------------------------------------- check --format json feedback

def test_check_json_carries_the_feedback_of_each_answer(tmp_path: object) -> None:
    """The arithmetic and the named mistake the text report writes under a wrong answer are
    in the JSON too, as new keys of every expectation (a right one: none of either)."""
    import json
    from pathlib import Path

    path = Path(str(tmp_path)) / "hw.yaml"
    path.write_text("input: [3, 32, 32]\nlayers:\n"
                    "  - {conv: [64, 3, 1, 1], expect: {output: 64x32x32, params: 1728}}\n"
                    "  - {conv: [64, 3, 1, 1], repeat: 2, expect: {params: 70000}}\n"
                    "  - {conv: [8, 5, 1, 2], expect: {output: 32x32x8}}\n")
    r = runner.invoke(app, ["check", str(path), "--format", "json"])
    assert r.exit_code == 1
    [entry] = json.loads(r.output)["files"]
    found = {(e["path"], e["key"]): e for e in entry["expectations"]}
    right = found[("conv1", "shape")]
    assert right["ok"] and (right["arithmetic"], right["mistake"]) == ([], None)
    biases = found[("conv1", "params")]
    assert biases["arithmetic"] == ["params: (3·3·3)·64 + 64 = 1,792"]
    assert biases["mistake"] == {"rule": "no biases", "text": "the count without the biases "
                                 "(1,728): each filter has a bias too"}
    # a repeated layer: its arithmetic summed over the copies, no rule named
    summed = found[("conv2", "params")]
    assert summed["arithmetic"] == ["params: 2 × ((3·3·64)·64 + 64) = 73,856"]
    assert summed["mistake"] is None
    order = found[("conv3", "shape")]
    assert order["mistake"] == {"rule": "other order",
                                "text": "the same numbers in the other order (H×W×C)"}
    # what the text report writes, line for line
    text = runner.invoke(app, ["check", str(path)]).output
    for e in (biases, summed, order):
        for line in e["arithmetic"]:
            assert f"      {line}\n" in text
    assert "      that is " + biases["mistake"]["text"] in text


def test_check_json_verbose_gives_every_figure(tmp_path: object) -> None:
    import json
    from pathlib import Path

    path = Path(str(tmp_path)) / "hw.yaml"
    path.write_text("input: [3, 32, 32]\nlayers:\n  - {conv: [10, 5], expect: {params: 700}}\n")
    short = json.loads(runner.invoke(app, ["check", str(path), "-f", "json"]).output)
    full = json.loads(runner.invoke(app, ["check", str(path), "-f", "json", "-v"]).output)
    [s], [f] = short["files"][0]["expectations"], full["files"][0]["expectations"]
    assert s["arithmetic"] == ["params: (5·5·3)·10 + 10 = 760"]
    assert any(line.startswith("MACs:") for line in f["arithmetic"])


def test_the_mistake_rules_json_names_are_documented() -> None:
    from pathlib import Path

    from cnncalc.mistakes import RULES

    page = (Path(__file__).parent.parent / "docs" / "homework.md").read_text(encoding="utf-8")
    assert [n for n, _ in RULES if f"`{n}`" not in page] == []


def test_input_is_read_as_the_file_writes_shapes(tmp_path: object) -> None:
    """A `layout: hwc` file's --input is H×W×C too, unless --layout says otherwise: on show,
    explain, diff, export and report alike."""
    a, b = _two_sheets(tmp_path)
    shown = runner.invoke(app, ["show", a, "--input", "231x231x3"])
    assert shown.exit_code == 0 and "W130" not in shown.output
    assert " 231x231x3 " in shown.output and " 56x56x96 " in shown.output
    chw = runner.invoke(app, ["show", a, "--input", "3x231x231", "--layout", "chw"]).output
    assert " 3x231x231 " in chw and " 96x56x56 " in chw
    assert "shape: 231x231x3 → 56x56x96" in runner.invoke(
        app, ["explain", a, "conv1", "--input", "231x231x3"]).output
    # both sides of a diff at the same input, read as the first file writes it
    assert "56x56x96 → 56x56x64" in runner.invoke(
        app, ["diff", a, b, "--input", "231x231x3"]).output
    exported = runner.invoke(app, ["export", a, "--input", "231x231x3"])
    assert exported.exit_code == 0 and "W130" not in exported.output


def test_the_input_layout_of_the_api() -> None:
    from cnncalc.analysis import analyze
    from cnncalc.source import Source

    text = net("[227, 227, 3]", "conv: [96, 11, 4]", extra="layout: hwc\n")
    assert analyze(Source("a.yaml", text), (3, 231, 231)).input == (3, 231, 231)
    assert analyze(Source("a.yaml", text), (231, 231, 3),
                   input_layout=None).input == (3, 231, 231)
    with pytest.raises(ValueError, match="input_layout"):
        analyze(Source("a.yaml", text), input_layout="nhwc")


def test_n104_writes_each_input_in_its_order(tmp_path: object) -> None:
    from pathlib import Path

    path = Path(str(tmp_path)) / "sheet.yaml"
    path.write_text(net("[227, 227, 3]", "{conv: [96, 11, 4], expect: {output: 55x55x96}}",
                        extra="layout: hwc\n"))
    out = runner.invoke(app, ["show", str(path), "--input", "231x231x3"]).output
    assert "they describe the file's input 227x227x3, not the input 231x231x3 of this run" in out


def test_report_writes_shapes_in_the_layout(tmp_path: object) -> None:
    """The HTML report's table and totals write shapes as the file does, or as --layout says,
    and give the depth."""
    a, _ = _two_sheets(tmp_path)
    page = runner.invoke(app, ["report", a]).output
    table = page.split("<table>", 1)[1]
    assert ">55x55x96<" in table and ">96x55x55<" not in table
    assert "Depth (conv and linear)<b>1</b>" in page
    chw = runner.invoke(app, ["report", a, "--layout", "chw", "--input", "3x231x231"]).output
    assert ">96x56x56<" in chw.split("<table>", 1)[1] and "input 3x231x231" in chw


def test_calc_hints_say_name_value_and_name_an_argument_once() -> None:
    code, out = calc("conv", "10", "3", "groups=4")
    assert code == 1 and "not divisible by groups=4 (in conv1)" in out  # not "(groups=4)" again
    _, out = calc("linear", "10", "in_features=5", "--input", "3x32x32")
    assert "hint: write in_features=32, or leave it out" in out and "in_features: 32" not in out


def test_calc_e205_hint_is_a_command_that_can_be_followed() -> None:
    code, out = calc("linear", "10", "--input", "3x32x32")
    assert code == 1 and ("add flatten before it (giving [3072]: `cnncalc calc flatten linear "
                          "...`)") in out
    assert "give in_features=32" in out
    code, out = calc("flatten", "linear", "10", "--input", "3x32x32")
    assert code == 0 and "shape: 3072 → 10" in out


@pytest.mark.parametrize("args, hint", [
    (["conv", "1.5", "3"], "hint: write a whole number"),  # not "wrap the $(...)": none here
    (["conv", "10", "3", "1", "1", "1", "1", "true", "zeros", "9"],
     "hint: name the values: NAME=VALUE"),
    (["global_avgpool", "3"], "hint: write `global_avgpool` without values"),
])
def test_calc_hints_are_in_command_line_words(args: list[str], hint: str) -> None:
    code, out = calc(*args)
    assert code == 1 and hint in out and "mapping" not in out and "`- " not in out


def test_a_number_written_as_such_is_not_told_to_wrap_an_expression() -> None:
    yaml = ("input: [3, 8, 8]\nlayers:\n  - conv: [1.5, 3]\n  - {conv: [8, 3], when: true}\n"
            "  - conv: [$(3/2), 3]\n")
    hints = [d.hint for d in analyze_text(yaml).diagnostics if d.code == "E103"]
    assert hints == ["write a whole number",
                     "wrap the $(...) in int(), round(), floor() or ceil(), or divide with //"]


BLOCK = """\
input: [8, 16, 16]
blocks:
  pair:
    layers:
      - conv: [8, 3, 1, 1]
      - conv: [8, 3, 1, 1]
layers:
  - {id: b, pair: {}, repeat: 2, expect: EXPECT}
"""


def test_one_copy_of_a_repeated_block_is_named_and_its_copies_summed_alike() -> None:
    """A block called twice: the answer for one call is named, and the arithmetic is one
    call's sum times the calls (`2 × (a + b)`, as the issue writes `2 × (3·3·64·64 + 64)`)."""
    from cnncalc import feedback

    a = analyze_text(BLOCK.replace("EXPECT", "{params: 1168, macs: 1179648, memory: 1}"))
    params, macs, memory = (feedback.of(a, v) for v in a.expectations)
    assert params.arithmetic == ("params: 2 × ((3·3·8)·8 + 8 + (3·3·8)·8 + 8) = 2,336",)
    assert (params.rule, params.mistake) == (
        "one copy of several", "the params of one copy (b[0]) of the 2 it repeats")
    assert macs.arithmetic == ("macs: 2 × (147,456 + 147,456) = 589,824",)
    assert macs.rule == "FLOPs for MACs"  # 1,179,648 is twice the MACs: a rule before
    assert memory.arithmetic == ("memory: 2 × (8,192 + 8,192) = 32,768",)
    assert memory.mistake is None  # no rule knows 1 B


def test_copies_that_differ_are_summed_term_by_term() -> None:
    from cnncalc import feedback

    yaml = BLOCK.replace("input: [8, 16, 16]", "input: [3, 16, 16]")
    a = analyze_text(yaml.replace("EXPECT", "{params: 808}"))
    [v] = a.expectations
    said = feedback.of(a, v)
    # the first call reads 3 channels: its first conv differs from the second call's
    assert said.arithmetic == (
        "params: (3·3·3)·8 + 8 + 3 × ((3·3·8)·8 + 8) = 1,976",)
    assert said.mistake == "the params of one copy (b[0]) of the 2 it repeats"


def test_a_wrong_network_figure_shows_its_sum_by_kind_of_layer() -> None:
    net_yaml = ("input: [3, 224, 224]\nlayers:\n  - conv: [64, 3, 1, 1]\n  - relu\n  - gap\n"
                "  - flatten\n  - linear: 10\n"
                "expect: {params: 1800, values: 5, layers: 3, trainable_params: 1}\n")
    [params, values, layers, trainable] = feedback_of_file(net_yaml)
    assert params == ("params: 1,792 conv + 650 linear = 2,442",)
    # the network's values hold its input too; flatten is a view, and holds none
    assert values == ("values: 150,528 input + 3,211,264 conv + 10 linear + 64 global_avgpool"
                      " + 3,211,264 relu = 6,573,130",)
    assert layers == ("layers: 2 conv and linear layers on the longest path from the input to "
                      "the output (the depth a paper quotes)",)
    assert trainable == ()  # no sum by op of it: nothing rather than a wrong one


def test_a_network_of_one_kind_is_not_summed_to_itself() -> None:
    [params] = feedback_of_file("input: [3, 8, 8]\nlayers:\n  - conv: [4, 3]\n"
                                "  - conv: [4, 3]\nexpect: {params: 1}\n")
    assert params == ()


def feedback_of_file(yaml: str) -> list[tuple[str, ...]]:
    from cnncalc import feedback

    a = analyze_text(yaml)
    return [feedback.lines(a, v) for v in a.expectations if not v.ok]


def test_check_json_names_the_other_order_against_the_file_s_layout(tmp_path: object) -> None:
    """--layout changes how shapes are shown, not what the file wrote: an answer in the other
    order than the file's `layout:` is named as its E301 names it."""
    import json
    from pathlib import Path

    path = Path(str(tmp_path)) / "o.yaml"
    path.write_text(net("[3, 227, 227]", "{conv: [96, 11, 4], expect: {output: 55x55x96}}"))
    for layout in ("chw", "hwc"):
        out = runner.invoke(app, ["check", str(path), "-f", "json", "--layout", layout]).output
        [e] = json.loads(out)["files"][0]["expectations"]
        assert e["mistake"]["text"] == "the same numbers in the other order (H×W×C)"

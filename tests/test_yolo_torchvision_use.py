"""TorchVision and Index rows as a user writes them: Ultralytics' documented detector on a
split torchvision backbone (`[-1, 1, TorchVision, [768, convnext_tiny, DEFAULT, True, 2,
True]]`, Index rows picking its strides 8, 16 and 32, a YOLOv8 neck and Detect), at several
scales, through every command: its numbers against Ultralytics, the scales (which leave the
backbone alone), `sizes`, `explain`, `diff`, `convert`, `--input`; then the mistakes a user
makes with these rows, each said at its row with the fix."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import test_yolo_parity as parity
import yolo_oracle as oracle
from test_convert import assert_round_trip

from cnncalc.analysis import Analysis, analyze
from cnncalc.cli import main
from cnncalc.explain import explain
from cnncalc.sizes import fitting_sizes

NECK = """\
head:
  - [-1, 1, nn.Upsample, [None, 2, "nearest"]]
  - [[-1, 2], 1, Concat, [1]]  # 5
  - [-1, 3, C2f, [512]]  # 6
  - [-1, 1, nn.Upsample, [None, 2, "nearest"]]
  - [[-1, 1], 1, Concat, [1]]
  - [-1, 3, C2f, [256]]  # 9 (P3/8)
  - [-1, 1, Conv, [256, 3, 2]]
  - [[-1, 6], 1, Concat, [1]]
  - [-1, 3, C2f, [512]]  # 12 (P4/16)
  - [-1, 1, Conv, [512, 3, 2]]
  - [[-1, 3], 1, Concat, [1]]
  - [-1, 3, C2f, [1024]]  # 15 (P5/32)
  - [[9, 12, 15], 1, Detect, [nc]]
"""
SCALES = "scales:\n  n: [0.33, 0.25, 1024]\n  m: [0.67, 0.75, 768]\n"
CONVNEXT = f"""\
# a detector on ConvNeXt-T split into its strides 8, 16 and 32 (Ultralytics' docs' pattern)
nc: 80
{SCALES}backbone:
  - [-1, 1, TorchVision, [768, convnext_tiny, DEFAULT, True, 2, True]]  # 0
  - [0, 1, Index, [192, 4]]  # 1 P3/8
  - [0, 1, Index, [384, 6]]  # 2 P4/16
  - [0, 1, Index, [768, 8]]  # 3 P5/32
{NECK}"""
RESNET = CONVNEXT.replace("768, convnext_tiny", "512, resnet18").replace(
    "[192, 4]", "[128, 6]").replace("[384, 6]", "[256, 7]").replace("[768, 8]", "[512, 8]")


@pytest.fixture(params=["convnext", "resnet"])
def detector(request: pytest.FixtureRequest, tmp_path: Path) -> Path:
    path = tmp_path / f"{request.param}-det.yaml"
    path.write_text(CONVNEXT if request.param == "convnext" else RESNET, encoding="utf-8")
    return path


def _errors(analysis: Analysis) -> list[str]:
    return [f"{d.code} {d.message}" for d in analysis.diagnostics if d.severity.value == "error"]


def _rows(analysis: Analysis) -> dict[int, tuple[int, int]]:
    """Each row's params and MACs (its layers: l<row>, l<row>_..., l<row>.)."""
    sums: dict[int, tuple[int, int]] = {}
    for layer in analysis.layers:
        row = int(layer.parts[0][1:].partition("_")[0].partition("[")[0])
        params, macs = sums.get(row, (0, 0))
        sums[row] = (params + layer.params, macs + layer.macs)
    return sums


@pytest.mark.skipif(oracle.missing() is not None, reason=oracle.missing() or "")
@pytest.mark.parametrize("scale", ["n", "m"])
def test_the_detector_matches_ultralytics(detector: Path, scale: str) -> None:
    """Every row's params, buffers, MACs and output shape, and the totals, at two scales."""
    parity.test_totals_and_rows_match_ultralytics(str(detector), scale)


def test_the_scale_sizes_the_neck_not_the_backbone(detector: Path) -> None:
    """parse_model takes a TorchVision or Index row's c2 as written (no width, no cap) and
    builds the model as torchvision defines it: the rows before the neck are the same at
    every scale, the neck is not."""
    n, m = _rows(analyze(detector, scale="n")), _rows(analyze(detector, scale="m"))
    assert [n[row] for row in range(4)] == [m[row] for row in range(4)]
    assert n[0][0] > 0
    assert all(n[row] != m[row] for row in (6, 9, 12, 15, 16))


def test_the_model_s_own_notes_stay_out_and_every_multiple_of_32_fits(detector: Path) -> None:
    """ResNet's stride-2 7x7 conv and its max pooling floor a half pixel of padding at every
    even size (N101), as the block library's stride-2 convs do: notes about torchvision's
    model, which the config's author cannot change, left out of the report like the
    library's. So `sizes` lists every multiple of 32 as fitting, not none."""
    analysis = analyze(detector)
    assert _errors(analysis) == [] and analysis.diagnostics == ()
    found = fitting_sizes(detector, 32, 1024)
    assert found.grid == 32
    assert found.exact == tuple(range(32, 1025, 32)) and found.rounded == ()


def test_explain_names_the_file_a_layer_is_written_in(detector: Path) -> None:
    """A torchvision model's first layer (ResNet's conv1, ConvNeXt's stem block) is written
    in cnncalc's torchvision_models.yaml, as a block library's layers are in theirs; an
    Index row in the config, at its line."""
    analysis = analyze(detector)
    first, index = explain(analysis, ["l0_0"])[0], explain(analysis, ["l1"])[0]
    assert first.file == "cnncalc/readers/torchvision_models.yaml"
    assert (index.file, index.layer.line) == ("", 8)
    assert index.lines[0] == ("shape: 192x80x80 → 192x80x80" if "convnext" in detector.name
                              else "shape: 128x80x80 → 128x80x80")


def test_explain_by_row(detector: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """`explain FILE 0`: every layer of row 0 (its children l0_<k>, then l0), no other row."""
    assert main(["explain", str(detector), "0", "--color", "never"]) == 0
    heads = [line.split()[0] for line in capsys.readouterr().out.splitlines()
             if line and not line.startswith(" ")]
    assert heads[0].startswith("l0_0") and heads[-1].startswith("l0")
    assert {head.partition(".")[0].partition("[")[0].partition("_")[0] for head in heads} \
        == {"l0"}


def test_diff_of_two_scales_changes_only_the_neck(detector: Path,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["diff", str(detector), str(detector), "--scale", "n", "--scale", "m",
                 "-f", "json"]) == 0
    changed = {layer["path"].partition(".")[0].partition("[")[0].partition("_")[0]
               for layer in json.loads(capsys.readouterr().out)["layers"]}
    assert changed and not changed & {"l0", "l1", "l2", "l3"}


@pytest.mark.parametrize("scale", ["n", "m"])
def test_convert_round_trips_to_identical_numbers(detector: Path, scale: str) -> None:
    text = assert_round_trip(detector, scale)
    # the model's children one layer each, its blocks copied from torchvision_models.yaml
    assert "  # row 0: TorchVision from -1" in text.splitlines()


def test_check_every_scale_against_budgets(detector: Path,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    """Budgets by scale: the backbone's params are in every scale's total."""
    n = analyze(detector, scale="n").totals.params
    m = analyze(detector, scale="m").totals.params
    assert main(["check", str(detector), "--scale", "all", "--max-params",
                 f"n={n},{m - 1}", "-f", "json"]) == 1
    files = json.loads(capsys.readouterr().out)["files"]
    assert [(f["scale"], f["exit_code"], [d["code"] for d in f["diagnostics"]])
            for f in files] == [("n", 0, []), ("m", 1, ["E302"])]


def test_another_input_size(detector: Path) -> None:
    """--input 3x320x320: the maps halve, the head's anchors quarter (2100 = 40² + 20² +
    10²), the params stay."""
    at_640, at_320 = analyze(detector), analyze(detector, input=(3, 320, 320))
    assert _errors(at_320) == []
    assert (at_320.output_shape, at_320.totals.params) == ((84, 2100), at_640.totals.params)


def test_an_input_that_is_not_rgb(detector: Path) -> None:
    analysis = analyze(detector, input=(1, 640, 640))
    model = "convnext_tiny" if "convnext" in detector.name else "resnet18"
    assert _errors(analysis) == [
        f"E402 row 0 TorchVision: torchvision's {model} takes 3 input channels (RGB), but "
        "the input gives [1, 640, 640]: the model cannot run"]


def test_an_input_too_small_for_the_model(tmp_path: Path) -> None:
    """ConvNeXt's 4x4 stem on a 2x2 input: said at the TorchVision row (the config's line,
    where a CI annotation can point), naming the layer's place in cnncalc's models."""
    path = tmp_path / "det.yaml"
    path.write_text(CONVNEXT, encoding="utf-8")
    (error,) = [d for d in analyze(path, input=(3, 2, 2)).diagnostics
                if d.severity.value == "error"]
    assert error.span is not None and (error.span.line, error.path) == (7, "l0_0.conv1")
    assert re.search(r"output size 0 \(cnncalc's torchvision models, "
                     r"torchvision_models.yaml:\d+\)$", error.message), error.message


def test_a_split_row_last_returns_its_list(tmp_path: Path) -> None:
    """A config ending at a split TorchVision row: the model returns the row's list (its
    input, then each child's output), and cnncalc names them all as the outputs."""
    path = tmp_path / "features.yaml"
    path.write_text("backbone:\n  - [-1, 1, TorchVision, [512, resnet18, DEFAULT, True, 2, "
                    "True]]\nhead: []\n", encoding="utf-8")
    analysis = analyze(path)
    assert _errors(analysis) == []
    assert [name for name, _ in analysis.outputs] == ["input", *(f"l0_{k}" for k in range(7)),
                                                      "l0"]
    assert analysis.outputs[-1][1] == (512, 20, 20)


# --------------------------------------------------------------------------- mistakes

HEAD = "nc: 5\nbackbone:\n"
CLASSIFY = "head:\n  - [-1, 1, Classify, [nc]]\n"
SPLIT = "  - [-1, 1, TorchVision, [512, resnet18, DEFAULT, True, 2, True]]\n"
SPLIT_HINT = "[c2, model, weights, True, 2, True]"


@pytest.mark.parametrize(("rows", "said"), [
    # parse_model's `c1 = ch[f]`: a list (even of one) is a TypeError
    ("  - [[-1], 1, TorchVision, [512, resnet18]]\n" + CLASSIFY,
     ("E402", "3:6", "row 0 TorchVision takes one input; `from` lists 1", "give one row index")),
    (SPLIT + "  - [[0], 1, Index, [512, 8]]\n" + CLASSIFY,
     ("E402", "4:6", "row 1 Index takes one input; `from` lists 1", "give one row index")),
    # nn.Sequential(Index(6), Index(6)): the second indexes a tensor's batch
    (SPLIT + "  - [0, 2, Index, [128, 6]]\n" + CLASSIFY,
     ("E403", "4:5", "row 1 Index: 2 copies of Index in sequence: the second would pick from "
      "the first's tensor (along its batch), not from a list", "write 1 as the row's repeats")),
    # unwrap=False: TorchVision sets split False whatever is written
    ("  - [-1, 1, TorchVision, [1000, resnet18, DEFAULT, False, 2, True]]\n"
     "  - [0, 1, Index, [1000, 1]]\n" + CLASSIFY,
     ("E402", "4:5", "row 1 Index: picks one item of a TorchVision row's list (split=True), "
      "but reads row 0 TorchVision, whose unwrap=False runs the whole model: one tensor, its "
      "split ignored", f"give row 0 unwrap=True, its fourth argument: {SPLIT_HINT}")),
    ("  - [-1, 1, TorchVision, [512, resnet18]]\n  - [0, 1, Index, [512, 8]]\n" + CLASSIFY,
     ("E402", "4:5", "row 1 Index: picks one item of a TorchVision row's list (split=True), "
      "but reads row 0 TorchVision, which gives one tensor (its split is False)",
      f"give row 0 split=True, its sixth argument: {SPLIT_HINT}")),
    # an Index of an Index: the split row is named
    (SPLIT + "  - [0, 1, Index, [128, 6]]\n  - [-1, 1, Index, [128, 7]]\n" + CLASSIFY,
     ("E402", "5:5", "row 2 Index: picks one item of a TorchVision row's list (split=True), "
      "but reads row 1 Index, which gives one tensor",
      "read row 0 TorchVision, whose split is True: [0, 1, Index, [c2, i]]")),
    ("  - [-1, 1, Index, [3, 0]]\n" + CLASSIFY,
     ("E402", "3:5", "row 0 Index: picks one item of a TorchVision row's list (split=True), "
      "but reads the input, one tensor", "read a TorchVision row whose split is True")),
    # split written where truncate goes
    ("  - [-1, 1, TorchVision, [512, resnet18, DEFAULT, True, True]]\n" + CLASSIFY,
     ("E405", "3:5", "row 0 TorchVision: truncate is True: it is how many children to leave "
      "out at the end, a number, not a switch", "write a number (2 leaves out the pooling "
      "and the classifier); split comes after it: [c2, model, weights, True, 2, True]")),
    (SPLIT + "  - [0, 1, Index, [512, 99999999999999999999999]]\n" + CLASSIFY,
     ("E405", "4:5", "row 1 Index: index 99999999999999999999999 is past row 0's list of 9 "
      "(its input, then its 8 children's outputs)", "pick 0 to 8")),
    (SPLIT + "  - [0, 1, Index, [512, last]]\n" + CLASSIFY,
     ("E405", "4:5", "row 1 Index: index must be an integer (the item's place in row 0's "
      "list), got 'last'", "pick 0 to 8")),
    # the whole model ends in its classifier's scores
    ("  - [-1, 1, TorchVision, [1000, resnet18, DEFAULT, False]]\n" + CLASSIFY,
     ("E402", "5:5", "row 1 Classify reads row 0 TorchVision, whose output [1000] is the "
      "class scores of resnet18's classifier, not a feature map [C, H, W]",
      "keep row 0's feature map: unwrap its children and leave out the pooling and the "
      "classifier, [c2, model, weights, True, 2]")),
    # the TorchVision row's own mistake, and none said of the Index reading it
    ("  - [-1, 1, TorchVision, [512, resnet18, DEFAULT, True, '10**100', True]]\n"
     "  - [0, 1, Index, [512, 8]]\n" + CLASSIFY,
     ("E405", "3:5", "row 0 TorchVision: truncate is how many children to leave out at the "
      "end: 0 or more, got '10**100'", None)),
])
def test_a_mistake_is_said_at_its_row(tmp_path: Path, rows: str, said: tuple[str, ...]) -> None:
    path = tmp_path / "mistake.yaml"
    path.write_text(HEAD + rows, encoding="utf-8")
    errors = [(d.code, f"{d.span.line}:{d.span.col}" if d.span else "", d.message, d.hint)
              for d in analyze(path).diagnostics if d.severity.value == "error"]
    assert errors == [said]


def test_an_index_c2_wrong_under_a_concat_is_named(tmp_path: Path) -> None:
    """An Index's c2 other than its item's channels, read by a Concat: parse_model adds the
    c2 as written into the Concat's count, and the C2f after it is built for that sum (its
    forward fails: 'expected input[1, 1152, 16, 16] to have 1068 channels'). The fix is the
    Index's c2, not the Concat's dimension."""
    path = tmp_path / "wrong.yaml"
    path.write_text(CONVNEXT.replace("[384, 6]", "[300, 6]"), encoding="utf-8")
    errors = [(d.code, d.message, d.hint) for d in analyze(path).diagnostics
              if d.severity.value == "error"]
    assert errors == [("E402", "row 6 C2f: Ultralytics builds it for 1068 input channels "
                       "(parse_model's count for row 5), but row 5 gives [1152, 40, 40]: the "
                       "model cannot run", "write 384 as row 2's c2 (its first argument): "
                       "parse_model adds up the counts of row 5's inputs")]


def test_copies_made_by_the_depth_say_so(tmp_path: Path) -> None:
    """n 3 at depth 0.67 is 2 copies (max(round(2.01), 1)): the count said is the one built,
    with where it comes from."""
    path = tmp_path / "deep.yaml"
    path.write_text("nc: 5\ndepth_multiple: 0.67\nbackbone:\n" + SPLIT
                    + "  - [0, 3, Index, [512, 8]]\n" + CLASSIFY, encoding="utf-8")
    assert _errors(analyze(path)) == [
        "E403 row 1 Index: 2 copies (the row's n times the depth 0.67, rounded) of Index in "
        "sequence: the second would pick from the first's tensor (along its batch), not from "
        "a list"]


def test_the_whole_model_is_read_by_an_identity(tmp_path: Path) -> None:
    """nn.Identity takes the class scores: no error there (the row-terms message is only
    said where the layers already fail)."""
    path = tmp_path / "whole.yaml"
    path.write_text(HEAD + "  - [-1, 1, TorchVision, [1000, resnet18, DEFAULT, False]]\nhead:"
                    "\n  - [-1, 1, nn.Identity, []]\n", encoding="utf-8")
    analysis = analyze(path)
    assert _errors(analysis) == [] and analysis.output_shape == (1000,)

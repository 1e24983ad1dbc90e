"""YOLO configs as their users edit them (issue 15's QA): the names a network gets, scale keys
YAML does not read as text, a head that reads one stride twice, `sizes --why` of a size
outside the range. Configs written here; the numbers checked against Ultralytics 8.4.190 where
said (tests/yolo_oracle.py built them once, by hand, on 2026-12-07)."""

from __future__ import annotations

from pathlib import Path

import pytest

from cnncalc import analyze
from cnncalc.analysis import read_and_load
from cnncalc.cli import main
from cnncalc.diagnostics import Severity
from cnncalc.readers import ultralytics as u

ROOT = Path(__file__).parent.parent
TINY = ROOT / "architectures" / "yolo" / "tinydet.yaml"


def errors(a: object) -> list[tuple[str, str, str | None]]:
    return [(d.code, d.message, d.hint) for d in a.diagnostics  # type: ignore[attr-defined]
            if d.severity is Severity.ERROR]


def write(tmp_path: Path, text: str, name: str = "cfg.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def scaled(*names: str) -> str:
    """tinydet with `scales` of these names, every one tinydet's s."""
    text = TINY.read_text(encoding="utf-8")
    rows = "".join(f"  {n}: [0.33, 0.25, 512]\n" for n in names)
    return text.split("scales:")[0] + f"scales:\n{rows}\nbackbone:" + text.split("backbone:")[1]


@pytest.mark.parametrize(("file", "scales", "scale", "name"), [
    ("yolov10b.yaml", ["b"], None, "yolov10b"),  # one scale: the letter its name has
    ("yolov10b.yaml", ["b"], "b", "yolov10b"),
    ("yolov8b.yaml", ["n", "s"], None, "yolov8b-n"),  # b: no scale Ultralytics reads
    ("yolov9c.yaml", ["n", "s"], "s", "yolov9c-s"),
    ("yolov8.yaml", ["n", "s"], "s", "yolov8s"),
    ("yolov8-seg.yaml", ["n", "x"], "x", "yolov8x-seg"),
    ("yolov8s.yaml", ["n", "s"], None, "yolov8s"),
    ("mynet.yaml", ["n", "s"], None, "mynet-n"),
])
def test_the_network_is_named_as_ultralytics_names_it(tmp_path: Path, file: str,
                                                       scales: list[str], scale: str | None,
                                                       name: str) -> None:
    """A version followed by a letter of its own (yolov10b, yolov9c) was given the scale
    inside the name: `yolov10bb`, `yolov8nb`."""
    a = analyze(write(tmp_path, scaled(*scales), file), scale=scale)
    assert errors(a) == [] and a.name == name


@pytest.mark.parametrize(("key", "scale"), [("1", None), ("1", "1"), ("null", None),
                                            ("0.5", "0.5"), ("true", None)])
def test_scale_keys_yaml_does_not_read_as_text(tmp_path: Path, key: str,
                                               scale: str | None) -> None:
    """`1:` is an integer key, `null:` None: Ultralytics takes the first whatever it is. The
    reader looked the first key up as text and failed with "the file name's scale '1' names
    no scale of this config (it has 1)", did you mean '1'?"""
    text = TINY.read_text(encoding="utf-8").replace("  s: [0.33", f"  {key}: [0.33")
    a = analyze(write(tmp_path, text), scale=scale)
    assert errors(a) == []
    assert a.totals.params == analyze(TINY, scale="s").totals.params


def test_a_head_reading_one_stride_twice(tmp_path: Path) -> None:
    """Two levels at one stride: no order is right, so the sorted list the hint gave ("list
    them from the finest to the coarsest: [10, 10]") could not help."""
    text = TINY.read_text(encoding="utf-8").replace("[[10, 13], 1, Detect",
                                                    "[[10, 10], 1, Detect")
    assert errors(analyze(write(tmp_path, text))) == [
        ("E402", "row 14 Detect: reads row 10 twice, both at stride 8; each level of a head "
         "reads a map of its own stride",
         "read one row per stride, from the finest to the coarsest (e.g. P3/8, P4/16, P5/32)")]
    text = text.replace("[[10, 10], 1, Detect", "[[4, 10], 1, Detect")
    assert errors(analyze(write(tmp_path, text)))[0][1] == (
        "row 14 Detect: reads rows 4 and 10, both at stride 8; each level of a head reads a "
        "map of its own stride")


def test_a_head_of_many_levels_out_of_order_is_listed_short(tmp_path: Path) -> None:
    """A head reading many rows out of order: the message and the hint list eight of them,
    not every one (a row may read thousands)."""
    text = TINY.read_text(encoding="utf-8")
    rows = "".join("  - [-1, 1, Conv, [16, 3, 1]]\n" for _ in range(10))
    levels = ", ".join(str(n) for n in range(14, 24))
    text = text.replace("  - [[10, 13], 1, Detect, [nc]]",
                        f"{rows}  - [[{levels}], 1, Detect, [nc]]")
    loaded = read_and_load(write(tmp_path, text))
    assert loaded.config is not None
    head = loaded.config.rows[-1]
    # at 2048: row 14 of 2x2 (stride 1024) ... row 23 of 1024x1024 (stride 2)
    shapes = {row: (16, 2 ** (row - 13), 2 ** (row - 13)) for row in range(14, 24)}
    problem = u.detect_strides(loaded.config, head, shapes, 2048)
    assert problem is not None
    assert problem.message == ("row 24 Detect: its inputs' strides do not increase: rows 14 "
                               "(stride 1024), 15 (stride 512), 16 (stride 256), 17 (stride "
                               "128), 18 (stride 64), 19 (stride 32), 20 (stride 16), 21 "
                               "(stride 8), …")
    assert problem.hint == ("list them from the finest to the coarsest: [23, 22, 21, 20, 19, "
                            "18, 17, 16, …]")


def test_sizes_why_outside_the_range(capsys: pytest.CaptureFixture[str]) -> None:
    """`sizes FILE --why 1080` with the default range (32..1024) answered "1080: outside
    --min/--max"; the docs' own question now gets its answer, with the multiples of the grid
    around it built as its nearest candidates."""
    assert main(["sizes", str(TINY), "--min", "32", "--max", "64", "--why", "1080",
                 "--why", "1088", "--color", "never"]) == 0
    out = capsys.readouterr().out
    assert out.splitlines()[2:4] == [
        "1080 does not fit (nearest that do: 1056 or 1088):",
        f"{TINY}:22:5: error[E402]: row 9 Concat: inputs from rows 8 [128, 136, 136] and 4 "
        "[64, 135, 135] differ in H and W (136 vs 135)"]
    assert "1088 fits exactly." in out


def test_sizes_why_outside_the_range_of_a_cnncalc_file(
        capsys: pytest.CaptureFixture[str]) -> None:
    """A native file has no grid: the nearest sizes that fit are the range's, and said so."""
    unet = ROOT / "architectures" / "unet.yaml"
    assert main(["sizes", str(unet), "--min", "560", "--max", "600", "--why", "2000",
                 "--why", "572", "--color", "never"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[2] == "2000 does not fit (nearest in 560..600 that do: 588):"
    assert "warning[W101]" in out[3] and out[-1] == "572 fits exactly."


def test_sizes_why_outside_the_range_within_the_bound(
        capsys: pytest.CaptureFixture[str]) -> None:
    """Each size asked about outside the range is built: they count toward the 100,000 sizes
    a run may build."""
    why = [arg for n in range(200_000, 200_011) for arg in ("--why", str(n))]
    assert main(["sizes", str(TINY), "--min", "1", "--max", "99999", *why]) == 2
    assert "at most 100,000 sizes in all" in capsys.readouterr().err


def test_a_config_with_one_section_is_read_as_a_config(tmp_path: Path) -> None:
    """`backbone:` without `head:` (a classifier written in one list) was read as a cnncalc
    file: four errors about `nc`, `backbone`, `input` and `layers`. Now the one that matters,
    at the section the file has."""
    text = "nc: 10\nbackbone:\n  - [-1, 1, Conv, [64, 3, 2]]\n  - [-1, 1, Classify, [nc]]\n"
    assert errors(analyze(write(tmp_path, text))) == [
        ("E400", "the config has `backbone:` but no `head:`: Ultralytics builds the rows of "
         "`backbone:` and then those of `head:`", "add `head:` with its rows (the rows after "
         "the backbone: a detector's neck and Detect, a classifier's Classify), or `head: []` "
         "for none")]
    assert not errors(analyze(write(tmp_path, text.replace("backbone:\n", "backbone:\n") +
                                    "head: []\n")))


@pytest.mark.parametrize("key", ["blocks: {}", "params: {width: 0.5}", "let: {c: 3}",
                                 "defaults: {bias: false}", "include: [x.yaml]",
                                 "outputs: [l2]", "cnncalc: 1.1"])
def test_cnncalc_keys_that_would_define_the_network(tmp_path: Path, key: str) -> None:
    """A key of cnncalc's own format that shapes a network means nothing in a YOLO config:
    it was ignored without a word."""
    text = TINY.read_text(encoding="utf-8").replace("nc: 3 ", f"{key}\nnc: 3 ")
    ((code, message, hint),) = errors(analyze(write(tmp_path, text)))
    name = key.split(":")[0]
    assert code == "E411" and message.startswith(f"`{name}:` is a key of cnncalc's own format")
    assert hint is not None and "cnncalc convert" in hint


def test_cnncalc_keys_of_how_to_analyse_are_held(tmp_path: Path) -> None:
    """`input:`, `batch:`, `dtype:`, `name:` in a YOLO config were ignored: `check
    --max-memory` of a config saying `batch: 16` gated the memory of batch 1. They are held as
    in a cnncalc file (and as `expect:` was)."""
    plain = analyze(TINY)
    text = TINY.read_text(encoding="utf-8").replace(
        "nc: 3 ", "name: mine\ninput: [1, 320, 320]\nbatch: 16\ndtype: float16\nnc: 3 ")
    a = analyze(write(tmp_path, text))
    assert errors(a) == [] and a.name == "mine"
    assert (a.input, a.batch, a.dtype) == ((1, 320, 320), 16, "float16")
    assert a.totals.params < plain.totals.params  # one input channel: row 0's conv is smaller
    assert a.totals.peak_bytes > plain.totals.peak_bytes


@pytest.mark.parametrize(("args", "message", "hint"), [
    ("[128, three, 2]", "row 1 Conv: k (the kernel size) is the text 'three', not a number",
     "write a number"),
    ("[NC, 3, 2]", "row 1 Conv: c2 (the output channels) is the text 'NC', not a number",
     "did you mean 'nc'?"),
    ("[128, 3, 2, None, 1, 1, 'x']", "row 1 Conv: act is the text 'x', not True or False",
     "write True or False"),
    ("[128, 3, [2, 'two']]", "row 1 Conv: s (the stride) is the text 'two', not a number",
     "write a number"),
])
def test_text_where_a_number_belongs(tmp_path: Path, args: str, message: str,
                                     hint: str) -> None:
    """Text in a block module's args that parse_model cannot read as a name or a literal:
    at the argument, with the parameter it fills (it was E112 at the row about the block
    library's padding expression, `'k' is 'three', not a number (cnncalc's block library,
    ultralytics_blocks.yaml:25)`)."""
    text = TINY.read_text(encoding="utf-8").replace("[-1, 1, Conv, [128, 3, 2]]",
                                                    f"[-1, 1, Conv, {args}]")
    ((code, got, got_hint),) = errors(analyze(write(tmp_path, text)))
    assert code == "E405" and got.startswith(message + " (parse_model reads text")
    assert got_hint == hint


def test_text_that_parse_model_reads_is_not_refused(tmp_path: Path) -> None:
    """'3' is the literal 3 and 'True' True to parse_model, as `nc` is the class count: the
    same numbers as the plain values."""
    text = TINY.read_text(encoding="utf-8").replace("[-1, 1, Conv, [128, 3, 2]]",
                                                    "[-1, 1, Conv, [128, '3', '2']]")
    text = text.replace("[-1, 2, C2f, [128, True]]", "[-1, 2, C2f, [128, 'True']]")
    a = analyze(write(tmp_path, text))
    assert errors(a) == [] and a.totals.params == analyze(TINY).totals.params


@pytest.mark.parametrize(("head", "args", "message"), [
    ("Detect", "[nc, 5]", "row 14 Detect takes 1 argument (nc), got 2"),
    ("OBB", "[nc, 1, 16]", "row 14 OBB takes 2 arguments (nc, ne), got 3"),
    ("Pose", "[nc, [17, 3], 1]", "row 14 Pose takes 2 arguments (nc, kpt_shape), got 3"),
])
def test_a_head_with_more_arguments_than_its_constructor(tmp_path: Path, head: str, args: str,
                                                         message: str) -> None:
    """parse_model appends reg_max, end2end and the input channels to a head's args: an
    extra one makes the constructor's call fail (TypeError: Detect.__init__() takes from 1 to
    5 positional arguments but 6 were given). cnncalc analysed it as if it were not there."""
    text = TINY.read_text(encoding="utf-8").replace("Detect, [nc]]", f"{head}, {args}]")
    ((code, got, hint),) = errors(analyze(write(tmp_path, text)))
    assert (code, got) == ("E405", message)
    assert hint is not None and hint.endswith("parse_model adds the input channels itself")


def without_row(marker: str) -> str:
    """tinydet with the row holding `marker` removed, nothing renumbered."""
    lines = TINY.read_text(encoding="utf-8").splitlines(keepends=True)
    (row,) = [n for n, line in enumerate(lines) if marker in line]
    return "".join(lines[:row] + lines[row + 1:])


def test_a_removed_row_is_named_by_the_numbering_comments(tmp_path: Path) -> None:
    """The common edit: a row removed, the `from` indices after it not renumbered. The error
    (Detect reading itself) said to use a lower index; the rows' own numbering comments,
    which the shipped configs all have, now say where the rows shifted."""
    text = without_row("# 11")
    assert errors(analyze(write(tmp_path, text))) == [
        ("E402", "row 13 Detect: `from` 13 points at this row; a row reads only rows before it",
         "use an index below 13, or -1 for the row before (row 11 is commented '# 12', as if a "
         "row above it had been removed: `from` indices written before that still count it)")]


def test_a_removed_row_behind_a_concat_mismatch(tmp_path: Path) -> None:
    """Detect renumbered, the Concat not: the row-terms error carries the note too."""
    text = without_row("# 1 P2/4").replace("[[10, 13], 1, Detect", "[[9, 12], 1, Detect")
    ((code, message, hint),) = errors(analyze(write(tmp_path, text)))
    assert code == "E402" and message.startswith("row 8 Concat: inputs from rows 7")
    assert hint == ("did you mean 3? (row 1 is commented '# 2', as if a row above it had been "
                    "removed: `from` indices written before that still count it)")


def test_an_added_row_and_rows_without_numbers(tmp_path: Path) -> None:
    text = TINY.read_text(encoding="utf-8").replace(
        "  - [-1, 1, SPPF, [512, 5]] # 7\n",
        "  - [-1, 1, SPPF, [512, 5]] # 7\n  - [-1, 1, Conv, [512, 1, 1]]\n")
    text = text.replace("[[10, 13], 1, Detect", "[[10, 15], 1, Detect")
    ((_, _, hint),) = errors(analyze(write(tmp_path, text)))
    assert hint == ("use an index below 15, or -1 for the row before (row 9 is commented '# 8', "
                    "as if a row had been added above it: `from` indices written before that do "
                    "not count it)")
    bare = "\n".join(line.split("#")[0] for line in text.splitlines()) + "\n"
    ((_, _, hint),) = errors(analyze(write(tmp_path, bare)))
    assert hint == "use an index below 15, or -1 for the row before"


def test_check_names_the_scale_it_checked(capsys: pytest.CaptureFixture[str]) -> None:
    """A config is checked at one scale (by default its file name's, else its first): `check
    yolov8.yaml --max-params 3.5M` passed on scale n without saying so, and a budget line in
    a CI log did not say which scale broke it."""
    assert main(["check", str(TINY), "--scale", "m", "--max-params", "1M",
                 "--color", "never"]) == 1
    out = capsys.readouterr().out.splitlines()
    assert out[0] == f"{TINY} (scale m): FAILED — 6,451,462 params, 20,519,526,400 MACs"
    assert out[1] == (f"{TINY}: error[E302]: params 6,451,462 at scale m exceed the budget of "
                      "1,000,000 (by 5,451,462)")
    assert main(["check", str(ROOT / "architectures" / "alexnet.yaml")]) == 0
    assert "(scale" not in capsys.readouterr().out  # a cnncalc file has none


@pytest.mark.parametrize(("activation", "message"), [
    ("nn.ReLU(foo=1)", "activation 'nn.ReLU(foo=1)': no argument 'foo' (it has inplace)"),
    ("nn.LeakyReLU(negative_slope=[1, 2])", "activation 'nn.LeakyReLU(negative_slope=[1, 2])': "
     "negative_slope: expected a number, got [1, 2]"),
    ("nn.GELU(approximate='x')", "activation \"nn.GELU(approximate='x')\": approximate: "
     "expected one of none, tanh; got 'x'"),
])
def test_an_activation_with_arguments_its_op_has_not(tmp_path: Path, activation: str,
                                                     message: str) -> None:
    """Checked at `activation:` as the op checks them: they were reported at row 0 (the first
    Conv that uses the activation), in the op's terms (`negative_slope: expected a number`)."""
    text = TINY.read_text(encoding="utf-8").replace("nc: 3 ", f"activation: {activation}\nnc: 3 ")
    a = analyze(write(tmp_path, text))
    assert [(d.code, d.message, d.span.line if d.span else 0) for d in a.diagnostics
            if d.severity is Severity.ERROR] == [("E408", message, 5)]


@pytest.mark.parametrize("activation", ["nn.SiLU(True)", "nn.ReLU(True)", "nn.LeakyReLU(0.1, True)",
                                        "torch.nn.GELU('tanh')"])
def test_an_activation_with_positional_arguments(tmp_path: Path, activation: str) -> None:
    """Ultralytics builds `nn.ReLU(True)` (its restricted loader takes literal positional
    arguments too): cnncalc refused any but LeakyReLU's slope ("not one cnncalc knows")."""
    text = TINY.read_text(encoding="utf-8").replace("nc: 3 ", f"activation: {activation}\nnc: 3 ")
    a = analyze(write(tmp_path, text))
    assert errors(a) == [] and a.totals.params == analyze(TINY).totals.params


@pytest.mark.parametrize(("rows", "message"), [
    ("  - [-1, 1, Classify, [nc]]\n  - [-1, 1, Conv, [64, 3, 2]]\n",
     "row 15 Conv reads row 14 Classify, whose output [3] is the network's result, not a "
     "feature map [C, H, W]"),
    ("  - [[10, 13], 1, Detect, [nc]]\n  - [[13, 14], 1, Concat, [1]]\n",
     "row 15 Concat reads row 14 Detect, whose output [7, 8000] is the network's result, not a "
     "feature map [C, H, W]"),
])
def test_a_row_reading_the_networks_result(tmp_path: Path, rows: str, message: str) -> None:
    """A row after Classify or a head, reading its output: the forward pass fails in
    Ultralytics; cnncalc said so inside its block library (E201 `conv needs a spatial input
    [C, ...], got the flat vector [3] (cnncalc's block library, ultralytics_blocks.yaml:24)`)."""
    text = TINY.read_text(encoding="utf-8").replace("  - [[10, 13], 1, Detect, [nc]] # 14 "
                                                    "Detect(P3, P4)\n", rows)
    ((code, got, hint),) = errors(analyze(write(tmp_path, text)))
    assert (code, got) == ("E402", message)
    assert hint is not None and hint.endswith("read an earlier row, or move row 14 last")


def test_diff_of_two_scales_of_one_config(capsys: pytest.CaptureFixture[str]) -> None:
    """`--scale` once applies to both files; twice, to BEFORE and AFTER: the two scales of one
    config (it took one scale for both, so comparing n with s needed two copies of the file)."""
    assert main(["diff", str(TINY), str(TINY), "--scale", "s", "--scale", "m",
                 "--color", "never"]) == 0
    out = capsys.readouterr().out
    assert out.startswith(f"tinydet-s → tinydet-m  ({TINY} → {TINY})")
    assert "  params:           867,174 → 6,451,462 (+5,584,288, +644.0%)" in out
    assert main(["diff", str(TINY), str(TINY), "--scale", "s", "--scale", "m",
                 "--scale", "s"]) == 2
    assert "give it once (both files) or twice" in capsys.readouterr().err


def test_explain_names_the_block_librarys_lines(capsys: pytest.CaptureFixture[str]) -> None:
    """A layer inside a block of the library is written there: `explain` gave its line as
    `line 24`, which in the user's config is another row."""
    assert main(["explain", str(TINY), "l0", "l14", "--color", "never"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("l0.conv1 (conv, cnncalc/readers/ultralytics_blocks.yaml:24)\n")
    assert "\nl14 (concat, line 27)\n" in out  # the head's own layers are the row's


def test_a_depthwise_conv_that_changes_the_channels(tmp_path: Path) -> None:
    """DWConv(c1, c2) groups its conv by gcd(c1, c2): with c1 != c2 the block's expression
    (gcd is not in the expression language) failed, E112 inside the block library. The reader
    passes the groups. 79,475 params, 2,870 buffers and 555,575,040 MACs are what
    Ultralytics 8.4.190 builds for this config (tests/yolo_oracle.py, 2026-12-07)."""
    text = ("nc: 3\nbackbone:\n  - [-1, 1, Conv, [24, 3, 2]]\n  - [-1, 1, DWConv, [36, 3, 2]]\n"
            "  - [-1, 1, DWConv, [36, 3, 1]]\n  - [-1, 1, GhostConv, [48, 3, 2]]\nhead:\n"
            "  - [-1, 1, Classify, [nc]]\n")
    a = analyze(write(tmp_path, text))
    assert errors(a) == []
    assert (a.totals.params, a.totals.buffers, a.totals.macs) == (79_475, 2_870, 555_575_040)
    groups = {layer.path: layer for layer in a.layers}
    assert groups["l1.Conv1.conv1"].params == 3 * 3 * (24 // 8) * 40  # gcd(24, 40): 8 groups


def test_a_pose_head_of_kpt_shape_in_a_config_without_it(tmp_path: Path) -> None:
    """`Pose, [nc, kpt_shape]` with no top-level `kpt_shape:` (removed, or a detector turned
    into a pose model): parse_model passes None. The hint said to write "[17, 3]" in the row;
    the row is right, the top of the file lacks the key."""
    text = TINY.read_text(encoding="utf-8").replace("Detect, [nc]]", "Pose, [nc, kpt_shape]]")
    ((code, message, hint),) = errors(analyze(write(tmp_path, text)))
    assert (code, message) == ("E405", "row 14 Pose: the keypoints are `kpt_shape`, and the "
                                       "config has no `kpt_shape:`")
    assert hint == ("add `kpt_shape: [17, 3]` (keypoints, dims: COCO's 17 with visibility) "
                    "at the top")
    fixed = text.replace("nc: 3 ", "kpt_shape: [17, 3]\nnc: 3 ")
    assert errors(analyze(write(tmp_path, fixed))) == []


def test_torch_modules_take_their_constructors_arguments(tmp_path: Path) -> None:
    """nn.MaxPool2d's sixth argument is ceil_mode (after return_indices), which cnncalc's
    maxpool orders fifth; nn.ConvTranspose2d may end with padding_mode='zeros': both were
    handed to the op positionally (E106 "conv_transpose takes 8 positional arguments" with a
    hint to use a mapping, which a row cannot). 28,387 params and 8,537,706,240 MACs, and
    27,347 and 181,948,160, are what Ultralytics 8.4.190 builds (tests/yolo_oracle.py,
    2026-12-07)."""
    head = "head:\n  - [-1, 1, Classify, [nc]]\n"
    text = ("nc: 3\nbackbone:\n  - [-1, 1, Conv, [16, 3, 2]]\n  - [-1, 1, nn.ConvTranspose2d, "
            "[16, 2, 2, 0, 0, 1, True, 1, 'zeros']]\n" + head)
    a = analyze(write(tmp_path, text))
    assert errors(a) == [] and (a.totals.params, a.totals.macs) == (28_387, 8_537_706_240)
    text = ("nc: 3\nbackbone:\n  - [-1, 1, Conv, [16, 3, 2]]\n"
            "  - [-1, 1, nn.MaxPool2d, [3, 2, 1, 1, False, True]]\n"
            "  - [-1, 1, nn.AvgPool2d, [3, 2, 1, True]]\n"
            "  - [-1, 1, nn.ZeroPad2d, [[1, 0, 1, 0]]]\n" + head)
    a = analyze(write(tmp_path, text))
    assert errors(a) == [] and (a.totals.params, a.totals.macs) == (27_347, 181_948_160)
    shapes = {layer.path: layer.output_shape for layer in a.layers}
    assert [shapes[f"l{n}"] for n in (1, 2, 3)] == [(16, 161, 161), (16, 81, 81), (16, 82, 82)]


@pytest.mark.parametrize(("row", "message"), [
    ("[-1, 1, nn.MaxPool2d, [3, 2, 1, 1, True]]", "row 1 nn.MaxPool2d: return_indices=True "
     "makes it return (values, indices), which no row reads"),
    ("[-1, 1, nn.ConvTranspose2d, [16, 2, 2, 0, 0, 1, True, 1, 'reflect']]",
     "row 1 nn.ConvTranspose2d: padding_mode 'reflect': PyTorch's transposed convolutions "
     "take only 'zeros'"),
    ("[-1, 1, nn.AvgPool2d, [3, 2, 1, True, True, None, 7]]", "row 1 nn.AvgPool2d: takes at "
     "most 6 arguments (kernel_size, stride, padding, ceil_mode, count_include_pad, "
     "divisor_override), got 7"),
])
def test_torch_module_arguments_no_row_can_use(tmp_path: Path, row: str, message: str) -> None:
    text = ("nc: 3\nbackbone:\n  - [-1, 1, Conv, [16, 3, 2]]\n  - " + row + "\nhead:\n"
            "  - [-1, 1, Classify, [nc]]\n")
    ((code, got, _),) = errors(analyze(write(tmp_path, text)))
    assert (code, got) == ("E405", message)


def test_a_config_that_writes_shapes_height_first(tmp_path: Path) -> None:
    """`layout: hwc` in a config: the reader's input [3, 640, 640] was then read as 3x640
    with 640 channels (119,075 params for tinydet's first rows, not 27,347). The input is
    written in the config's layout; an `input:` of its own is read as written."""
    rows = ("backbone:\n  - [-1, 1, Conv, [16, 3, 2]]\nhead:\n  - [-1, 1, Classify, [nc]]\n")
    plain = analyze(write(tmp_path, "nc: 3\n" + rows))
    a = analyze(write(tmp_path, "nc: 3\nlayout: hwc\n" + rows))
    assert errors(a) == [] and a.totals.params == plain.totals.params == 27_347
    assert a.input == (3, 640, 640) and a.layout == "hwc"
    a = analyze(write(tmp_path, "nc: 3\nlayout: hwc\ninput: [320, 320, 1]\n" + rows))
    assert errors(a) == [] and a.input == (1, 320, 320)


def test_a_concat_of_one_row_and_a_head_of_one_level(tmp_path: Path) -> None:
    """`[[-1], 1, Concat, [1]]` and a single-scale Detect (`[[-1], 1, Detect, [nc]]`, a tiny
    detector of one level) build in Ultralytics; cnncalc's concat of one input was E108 "a
    merge needs at least two inputs". 58,035 params, 58,019 trainable, 390 buffers and
    1,508,556,800 MACs, output [7, 25600]: Ultralytics 8.4.190 (tests/yolo_oracle.py,
    2026-12-07)."""
    text = ("nc: 3\nbackbone:\n  - [-1, 1, Conv, [16, 3, 2]]\n  - [-1, 1, Conv, [16, 3, 2]]\n"
            "head:\n  - [[-1], 1, Concat, [1]]\n  - [[-1], 1, Detect, [nc]]\n")
    a = analyze(write(tmp_path, text))
    assert errors(a) == [] and a.output_shape == (7, 25600)
    t = a.totals
    assert (t.params, t.trainable_params, t.buffers, t.macs) == (58_035, 58_019, 390,
                                                                  1_508_556_800)


@pytest.mark.parametrize("row", ["[-1, 1, Concat, [1]]", "[1, 1, Detect, [nc]]"])
def test_a_module_of_several_inputs_given_one_index(tmp_path: Path, row: str) -> None:
    """parse_model iterates over a Concat's or a head's `from` (`[ch[x] for x in f]`): one
    index is a TypeError there ("'int' object is not iterable")."""
    text = ("nc: 3\nbackbone:\n  - [-1, 1, Conv, [16, 3, 2]]\n  - [-1, 1, Conv, [16, 3, 2]]\n"
            f"head:\n  - {row}\n")
    ((code, message, hint),) = errors(analyze(write(tmp_path, text)))
    index = row[1:].split(",")[0]
    assert code == "E402" and message.endswith(f"reads a list of rows; `from` is the one index "
                                               f"{index}")
    assert hint == f"write it as a list: [{index}], or the rows it joins"


def test_explain_a_row_by_its_number(capsys: pytest.CaptureFixture[str]) -> None:
    """A config's user thinks in rows (`# 14` in its comments): `explain FILE 14` is row 14's
    layers, a head's branches too (it was "no layer '14'"); a row past the last says which
    rows there are."""
    assert main(["explain", str(TINY), "14", "--color", "never"]) == 0
    heads = [line.split(" ")[0] for line in capsys.readouterr().out.splitlines()
             if line.startswith("l")]
    assert heads[0] == "l14_box0.Conv1.conv1" and heads[-1] == "l14"
    assert {h.split(".")[0] for h in heads} == {"l14", "l14_box", "l14_box0", "l14_box1",
                                               "l14_cls", "l14_cls0", "l14_cls1", "l14_dfl",
                                               "l14_scores"}
    assert main(["explain", str(TINY), "row 3", "--color", "never"]) == 0
    assert capsys.readouterr().out.startswith("l3.conv1 (conv, ")
    assert main(["explain", str(TINY), "99"]) == 2
    assert capsys.readouterr().err == (f"cnncalc: no layer '99' in {TINY}; its rows are 0 to 14 "
                                       "(layers l0 to l14)\n")

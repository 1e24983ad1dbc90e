"""Hostile rows for the Ultralytics YOLO reader's writer (cnncalc/readers/ultralytics.py):
arguments the writer computes with in Python (a head's class count and extra branch, Concat's
dimension, CBLinear's channels and kernel, CBFuse's pieces, C2fAttn's head count and ratio,
ResNetLayer's channels) given as text, lists, NaN or out of range (YN1-YN6).

Each case runs the installed console script through `run()` (tests/hostile/harness.py), which
also asserts exit 0/1/2, no traceback and no raw control character; the bounds are generous.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from harness import run

BACKBONE = ("nc: 3\nbackbone:\n  - [-1, 1, Conv, [16, 3, 2]]\n  - [-1, 1, Conv, [32, 3, 2]]\n"
            "  - [-1, 1, Conv, [64, 3, 2]]\nhead:\n")


def config(tmp_path: Path, *rows: str, top: str = "") -> Path:
    path = tmp_path / "y.yaml"
    path.write_text(top + BACKBONE + "".join(f"  - {row}\n" for row in rows), encoding="utf-8")
    return path


@pytest.mark.parametrize("row", [
    "[[0, 1, 2], 1, Detect, ['abc']]", "[[0, 1, 2], 1, Detect, [[1, 2]]]",
    "[[0, 1, 2], 1, Detect, [2.5]]", "[[0, 1, 2], 1, Detect, [-5]]",
    "[[0, 1, 2], 1, v10Detect, ['x']]", "[[0, 1, 2], 1, Detect, []]",
    "[[0, 1, 2], 1, OBB, [nc, 'x']]", "[[0, 1, 2], 1, Segment, [nc, -32, 256]]",
    "[[0, 1, 2], 1, Pose, [nc, 17]]", "[[0, 1, 2], 1, Pose, [nc]]",
    "[[0, 1, 2], 1, Pose, [nc, ['a', 1]]]"])
def test_yn1_head_arguments_that_are_not_counts(tmp_path: Path, row: str) -> None:
    """YN1: a head's class count or extra argument as text, a list, a fraction, negative or
    missing: E405 at the row (was an internal error: Python compared or indexed them)."""
    r = run(["check", config(tmp_path, row)], seconds=10, mib=300)
    assert r.code == 1 and "error[E405]" in r.out, r.text
    assert re.search(r"y\.yaml:7:\d+: error\[E405\]", r.out)  # in the row the user wrote


def test_yn2_kpt_shape_that_repeats_text_a_billion_times(tmp_path: Path) -> None:
    """YN2: kpt_shape ['aaaa', 10^9]: the writer multiplied the two (a 4 GB string, 5 s,
    then a crash); now refused before any arithmetic, in a small bound."""
    r = run(["check", config(tmp_path, "[[0, 1, 2], 1, Pose, [nc, kpt_shape]]",
                             top="kpt_shape: ['aaaa', 1000000000]\n")], seconds=10, mib=150)
    assert r.code == 1 and "kpt_shape must be [keypoints, dims]" in r.out, r.out


@pytest.mark.parametrize(("dim", "output"), [
    ("-1", "16x320x640"), ("-2", "16x640x320"), ("3", "16x320x640"), ("1", "32x320x320")])
def test_yn3_concat_along_a_negative_dimension(tmp_path: Path, dim: str, output: str) -> None:
    """YN3: Concat [-1] is torch.cat along W ([1, 16, 320, 640]); cnncalc joined along H
    (it subtracted the batch from a dimension that counts from the end)."""
    path = tmp_path / "y.yaml"
    path.write_text("nc: 3\nbackbone:\n  - [-1, 1, Conv, [16, 3, 2]]\n"
                    "  - [-1, 1, Conv, [16, 3, 1]]\nhead:\n"
                    f"  - [[0, 1], 1, Concat, [{dim}]]\n", encoding="utf-8")
    r = run(["show", path, "--columns", "output"], seconds=10, mib=300)
    assert r.code == 0, r.text
    assert [line.split()[-1] for line in r.out.splitlines() if line.startswith(" l2 ")] \
        == [output]


@pytest.mark.parametrize("dim", ["0", "'x'", "1.5", "100000000000000000000000"])
def test_yn3_concat_along_the_batch_or_not_a_dimension(tmp_path: Path, dim: str) -> None:
    """YN3: Concat(0) joins images (the batch), and a dimension of text, a fraction or past
    every size: E405 (text crashed; 0 joined along W)."""
    r = run(["check", config(tmp_path, f"[[0, 1], 1, Concat, [{dim}]]")], seconds=10,
            mib=300)
    assert r.code == 1 and "error[E405]" in r.out, r.text


@pytest.mark.parametrize("row", [
    "[-1, 1, CBLinear, [['a', 'b']]]", "[-1, 1, CBLinear, [[16, 16], 'k']]",
    "[-1, 1, CBLinear, [[]]]", "[-1, 1, CBLinear, [[-64, 32]]]"])
def test_yn4_cblinear_pieces_and_kernel_that_are_not_counts(tmp_path: Path, row: str) -> None:
    """YN4: CBLinear summed its pieces and halved its kernel in Python: text crashed."""
    r = run(["check", config(tmp_path, row)], seconds=10, mib=300)
    assert r.code == 1 and "error[E405]" in r.out, r.text


def test_yn4_cbfuse_pieces_cannot_write_a_reference(tmp_path: Path) -> None:
    """YN4: CBFuse's idx was pasted into a reference text (`l3[<piece>]`): a piece must be
    an integer."""
    r = run(["check", config(tmp_path, "[-1, 1, CBLinear, [[16, 16]]]",
                             "[[3, 1], 1, CBFuse, [['0][1']]]")], seconds=10, mib=300)
    assert r.code == 1 and "each piece of idx must be an integer" in r.out, r.text


@pytest.mark.parametrize(("args", "message"), [
    ("[16, 16, .nan]", "head count"), ("[16, 16, 'x']", "head count"),
    ("[100000000, 16, 1, 1, 1, 1, 'x']", "expansion ratio")])
def test_yn5_c2fattn_head_count_and_ratio(tmp_path: Path, args: str, message: str) -> None:
    """YN5: C2fAttn's head count NaN (int(nan) crashed) and a text ratio multiplied by the
    channels (a 100 MB string, then a crash): E405 before any arithmetic."""
    r = run(["check", config(tmp_path, f"[-1, 1, C2fAttn, {args}]")], seconds=10, mib=150)
    assert r.code == 1 and f"the {message} must be a positive number" in r.out, r.text


@pytest.mark.parametrize("c2", ["'abc'", "[1, 2]"])
def test_yn6_resnetlayer_channels_that_are_not_a_count(tmp_path: Path, c2: str) -> None:
    """YN6: ResNetLayer's channels were multiplied by 4 whatever they were (text, a list):
    E405 at the argument."""
    r = run(["check", config(tmp_path, f"[-1, 1, ResNetLayer, [64, {c2}, 1, False]]")],
            seconds=10, mib=300)
    assert r.code == 1 and "row 3 ResNetLayer: output channels must be" in r.out, r.text


@pytest.mark.parametrize(("top", "row"), [
    ("", "[-1, 1, Conv, [16, '$(1 + 2)']]"), ("", "[-1, 1, Conv, [16, '$nc']]"),
    ("", "[-1, 1, SPP, [64, ['$(5)', 9]]]"), ("kpt_shape: ['$(17)', 3]\n",
                                             "[[0, 1, 2], 1, Pose, [nc, kpt_shape]]"),
    ("activation: 'nn.ELU(alpha=\"$(2**99999)\")'\n", "[-1, 1, Conv, [16]]")])
def test_yn7_text_that_cnncalc_would_evaluate(tmp_path: Path, top: str, row: str) -> None:
    """YN7: text starting with `$` in a row's args (nested too), in a name a row uses, or in
    the activation's arguments reached the document as cnncalc's own `$name`/`$(...)`:
    `[16, '$(1 + 2)']` analysed as k=3 where Ultralytics cannot build the row. Refused."""
    r = run(["check", config(tmp_path, row, top=top)], seconds=10, mib=300)
    assert r.code == 1 and "cnncalc would read it as its own" in r.out, r.text


def test_yn7_a_file_named_like_an_expression(tmp_path: Path) -> None:
    """YN7: a config named `$(2**99999).yaml` failed (E112 at 1:1): its name, written into
    the document, was evaluated. The network is now named by the file, unevaluated."""
    path = tmp_path / "$(2**99999).yaml"
    path.write_text(BACKBONE.replace("head:\n", "head:\n  - [-1, 1, Classify, [nc]]\n"),
                    encoding="utf-8")
    r = run(["show", path], seconds=10, mib=300)
    assert r.code == 0 and r.out.startswith("$(2**99999)\n"), r.text


@pytest.mark.parametrize(("row", "top"), [
    # groups 0, which the library's conv refuses (text such as k: 'abc' is refused by the
    # reader now, at the argument: tests/hostile/test_yolo_qa.py YQ6)
    ("[-1, 1, Conv, [16, 3, 1, None, 0]]", ""),
    ("[-1, 1, C2f, [16, true, 1, .nan]]", ""),  # NaN expansion ratio
    ("[-1, 1, Conv, [16]]", "scales:\n  n: [1, 1.0e-300, 1.0e-300]\n"),  # 0 channels
])
def test_yn8_errors_inside_the_block_library_point_at_the_row(tmp_path: Path, row: str,
                                                              top: str) -> None:
    """YN8: a row's argument refused by the block library's arithmetic was reported at
    cnncalc/readers/ultralytics_blocks.yaml:LINE, a file not in the user's repository (a
    GitHub annotation pointing nowhere). It is reported at the row, the library's line kept
    in the message."""
    path = config(tmp_path, row, top=top)
    r = run(["check", "--format", "github", path], seconds=10, mib=300)
    assert r.code == 1, r.text
    errors = [line for line in r.out.splitlines() if line.startswith("::error")]
    assert errors and all(f"file={path}," in line and "ultralytics_blocks.yaml:" in line
                          for line in errors), r.out


def test_yn9_a_row_built_for_channels_its_input_does_not_have(tmp_path: Path) -> None:
    """YN9: after Concat [-1] (along W) parse_model still adds the channels (32), so the next
    Conv is built for 32 input channels and the model's forward fails on the 16 it gets;
    cnncalc took the input's own 16 and passed the model (5,136 params, none of them
    Ultralytics'). Now E402 at that row."""
    path = tmp_path / "y.yaml"
    path.write_text("nc: 3\nbackbone:\n  - [-1, 1, Conv, [16, 3, 2]]\n"
                    "  - [-1, 1, Conv, [16, 3, 1]]\nhead:\n  - [[0, 1], 1, Concat, [-1]]\n"
                    "  - [-1, 1, Conv, [16, 3, 1]]\n", encoding="utf-8")
    r = run(["check", path], seconds=10, mib=300)
    assert r.code == 1 and "y.yaml:7:5: error[E402]: row 3 Conv: Ultralytics builds it for " \
        "32 input channels" in r.out, r.text
    path.write_text(path.read_text().replace("[-1]]", "[1]]"), encoding="utf-8")
    assert run(["check", path], seconds=10, mib=300).code == 0


@pytest.mark.parametrize(("text", "where"), [
    ("input: [3000000000000, 1, 1]\nlayers:\n  - conv: {out_channels: 3000000000000, "
     "kernel_size: 1}\n", "net.yaml:3:5"),
    ("nc: 9223372036854775807\n" + BACKBONE.removeprefix("nc: 3\n")
     + "  - [-1, 1, Classify, [nc]]\n", "net.yaml:7:5"),
    (BACKBONE + "  - [[0, 1, 2], 1, Segment, [nc, 1000000000000, 256]]\n", "net.yaml:7:5"),
])
def test_yn10_one_layer_with_more_parameters_than_int64(tmp_path: Path, text: str,
                                                         where: str) -> None:
    """YN10: a conv of 3*10^12 channels each way (9*10^24 weights), a Classify head of
    2^63 - 1 classes, a Segment head of 10^12 masks: each layer's weights are past what
    PyTorch's int64 sizes hold, yet `check` passed them (exit 0). Now E118 at the layer (for
    a config, at its row)."""
    path = tmp_path / "net.yaml"
    path.write_text(text, encoding="utf-8")
    r = run(["check", path], seconds=20, mib=300)
    assert r.code == 1 and f"{where}: error[E118]" in r.out and "parameters in one layer" \
        in r.out, r.text

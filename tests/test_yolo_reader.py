"""The Ultralytics config reader without the oracle: recognising the format, choosing the
scale, the scaling rules on configs written here, and every row error with its span."""

from __future__ import annotations

import textwrap

import pytest

from cnncalc.loader import load
from cnncalc.readers import ultralytics as u
from cnncalc.source import Source

# a small detector in Ultralytics' format, written for these tests (not a shipped config)
TINY = """\
nc: 3
scales:
  a: [0.33, 0.25, 1024]
  b: [1.00, 1.00, 64]
backbone:
  - [-1, 1, Conv, [64, 3, 2]]          # 0
  - [-1, 1, Conv, [128, 3, 2]]         # 1
  - [-1, 3, C2f, [128, True]]          # 2
  - [-1, 1, Conv, [256, 3, 2]]         # 3
  - [-1, 2, C3k2, [256, False, 0.25]]  # 4
  - [-1, 1, SPPF, [256, 5]]            # 5
head:
  - [-1, 1, nn.Upsample, [None, 2, "nearest"]]  # 6
  - [[-1, 2], 1, Concat, [1]]                   # 7
  - [-1, 1, C2f, [128]]                          # 8
  - [[8, 5], 1, Detect, [nc]]                    # 9
"""


def parse(text: str, name: str = "tiny.yaml", scale: str | None = None,
          settings: dict[str, object] | None = None) -> tuple[u.Config | None, list]:
    src = Source(name, textwrap.dedent(text))
    root, _ = load(src)
    return u.read(root, name, scale, settings)


def root_of(text: str):  # type: ignore[no-untyped-def]
    return load(Source("x.yaml", textwrap.dedent(text)))[0]


# ------------------------------------------------------------------ recognising the format

def test_recognised_by_structure_whatever_the_name() -> None:
    assert u.recognise(root_of(TINY))


@pytest.mark.parametrize("text", [
    "input: [3, 32, 32]\nlayers: [relu]\n",  # a cnncalc file
    "backbone: [[-1, 1, Conv, [64]]]\nhead: []\nlayers: [relu]\n",  # has layers: cnncalc's
    "backbone: [[-1, 1, Conv]]\nhead: []\n",  # rows of 3
    "backbone: {a: 1}\nhead: []\n",
    "backbone: []\nhead: []\n",  # no rows at all
    "- [-1, 1, Conv, [64]]\n",
], ids=["cnncalc", "layers-key", "three-element-rows", "backbone-mapping", "no-rows", "list"])
def test_not_recognised(text: str) -> None:
    assert not u.recognise(root_of(text))


# ------------------------------------------------------------------ the scale

@pytest.mark.parametrize(("name", "scale"), [
    ("yolov8n.yaml", "n"), ("yolo11x-seg.yaml", "x"), ("yoloe-11s.yaml", "s"),
    ("path/to/yolov5m-p6.yaml", "m"), ("my_yolov8s_custom.yaml", "s"),
    ("yolov8.yaml", ""), ("yolov9c.yaml", ""), ("yolov10b.yaml", ""), ("tiny.yaml", ""),
])
def test_scale_from_name_as_ultralytics_derives_it(name: str, scale: str) -> None:
    assert u.scale_from_name(name) == scale


def test_scale_first_of_scales_by_default() -> None:
    config, problems = parse(TINY)
    assert not problems and config is not None
    assert (config.scale, config.depth, config.width, config.max_channels) == ("a", 0.33, 0.25,
                                                                                1024)


def test_scale_option_wins_over_the_name() -> None:
    config, _ = parse(TINY, name="yolov8a.yaml", scale="b")
    assert config is not None and config.scale == "b"


def test_unknown_scale_names_the_scales() -> None:
    config, (problem,) = parse(TINY, scale="c")
    assert config is None
    assert (problem.code, problem.span.line) == (u.BAD_SCALE, 3)
    assert problem.message == "--scale c names no scale of this config (it has a, b)"
    assert problem.hint == "use --scale a"


def test_scale_of_the_file_name_missing() -> None:
    _, (problem,) = parse(TINY, name="yolov8n.yaml")
    assert problem.message == ("the file name's scale 'n' names no scale of this config (it "
                               "has a, b)")


def test_multiples_without_scales() -> None:
    text = TINY.split("backbone:")[1]
    config, problems = parse("nc: 3\ndepth_multiple: 0.5\nwidth_multiple: 0.5\nbackbone:"
                             + text)
    assert not problems and config is not None
    assert (config.scale, config.depth, config.width) == ("", 0.5, 0.5)
    assert config.rows[0].args == (3, 32, 3, 2)


def test_scale_option_without_scales_is_refused() -> None:
    text = "backbone:" + TINY.split("backbone:")[1]
    _, (problem,) = parse(text, scale="n")
    assert problem.code == u.BAD_SCALE
    assert problem.message == "--scale n: this config has no `scales:`"


# ------------------------------------------------------------------ parse_model's rules

def test_rows_at_scale_a() -> None:
    config, _ = parse(TINY)
    assert config is not None
    rows = {r.index: r for r in config.rows}
    # ceil(min(64, 1024) * 0.25 / 8) * 8 = 16; C2f's 3 repeats: max(round(3 * 0.33), 1) = 1,
    # passed inside the module (one module in the row)
    assert rows[0].args == (3, 16, 3, 2)
    assert (rows[2].args, rows[2].repeats, rows[2].copies) == ((32, 32, 1, True), 1, 1)
    # 2 * 0.33 = 0.66 rounds to 1; C3k2's c3k switch stays as written at scale a
    assert rows[4].args == (64, 64, 1, False, 0.25)
    assert rows[7].source == (6, 2) and rows[7].channels == 64 + 32
    assert rows[9].args == (3, 16, None, [32, 64])
    assert config.legacy is False  # a C3k2 before the head: Detect's current class branch


def test_max_channels_caps_before_width() -> None:
    config, _ = parse(TINY, scale="b")
    assert config is not None
    # min(256, 64) * 1.0 = 64; repeats 3 stay 3
    assert config.rows[3].args == (64, 64, 3, 2)
    assert config.rows[2].args == (64, 64, 3, True)


def test_c3k2_switches_to_c3k_at_large_scales() -> None:
    text = TINY.replace("a: [0.33", "m: [0.33")
    config, _ = parse(text)
    assert config is not None and config.scale == "m"
    assert config.rows[4].args == (64, 64, 1, True, 0.25)


def test_nc_from_set_overrides_the_file() -> None:
    config, _ = parse(TINY, settings={"nc": 7})
    assert config is not None and config.rows[-1].args[0] == 7


def test_set_of_another_name() -> None:
    _, (problem,) = parse(TINY, settings={"width": 2})
    assert problem.code == u.BAD_SET
    assert problem.message == "--set width: an Ultralytics config has no parameter 'width'"


def test_repeats_round_half_to_even_as_python() -> None:
    text = TINY.replace("a: [0.33, 0.25", "a: [0.5, 0.25").replace("[-1, 3, C2f", "[-1, 5, C2f")
    config, _ = parse(text)
    assert config is not None and config.rows[2].repeats == 2  # round(2.5) == 2


# ------------------------------------------------------------------ errors at the row

def one_error(text: str) -> tuple[str, int, int, str, str | None]:
    config, problems = parse(text)
    assert config is None and len(problems) == 1, problems
    (p,) = problems
    assert p.span is not None
    return p.code, p.span.line, p.span.col, p.message, p.hint


def test_from_points_forward() -> None:
    text = TINY.replace("[[-1, 2], 1, Concat", "[[-1, 12], 1, Concat")
    assert one_error(text) == (
        u.BAD_FROM, 14, 11, "row 7 Concat: `from` 12 points forward; a row reads only rows "
        "before it", "use an index below 7, or -1 for the row before")


def test_from_before_the_first_row() -> None:
    text = TINY.replace("[[-1, 2], 1, Concat", "[[-1, -9], 1, Concat")
    code, line, col, message, _ = one_error(text)
    assert (code, line, col) == (u.BAD_FROM, 14, 11)
    assert message == "row 7 Concat: `from` -9 is before the first row (this is row 7)"


def test_from_not_an_index() -> None:
    text = TINY.replace("[[-1, 2], 1, Concat", "[[-1, two], 1, Concat")
    assert one_error(text)[:4] == (u.BAD_FROM, 14, 11, "row 7 Concat: `from` is a row index "
                                   "or a list of them, got 'two'")


def test_unknown_module_did_you_mean() -> None:
    text = TINY.replace("C2f, [128, True]", "C2F, [128, True]")
    assert one_error(text) == (u.UNKNOWN_MODULE, 8, 13, "row 2: unknown module 'C2F'",
                               "did you mean 'C2f'?")


def test_torch_module_without_its_prefix() -> None:
    text = TINY.replace("nn.Upsample", "Upsample")
    assert one_error(text)[4] == "did you mean 'nn.Upsample'?"


def test_row_of_three() -> None:
    text = TINY.replace("[-1, 1, SPPF, [256, 5]]", "[-1, 1, SPPF]")
    assert one_error(text)[:4] == (u.BAD_ROW, 11, 5, "row 5 must be [from, repeats, module, "
                                   "args], got a list of 3")


def test_repeats_zero() -> None:
    text = TINY.replace("[-1, 3, C2f", "[-1, 0, C2f")
    assert one_error(text)[:4] == (u.BAD_REPEATS, 8, 10, "row 2 C2f: repeats must be an "
                                   "integer from 1 to 2^63 - 1, got 0")


def test_base_module_with_two_inputs() -> None:
    text = TINY.replace("[-1, 1, SPPF", "[[-1, 3], 1, SPPF")
    assert one_error(text)[:4] == (u.BAD_FROM, 11, 6, "row 5 SPPF takes one input; `from` "
                                   "lists 2")


def test_missing_channels() -> None:
    text = TINY.replace("[-1, 1, Conv, [256, 3, 2]]", "[-1, 1, Conv, []]")
    assert one_error(text)[:4] == (u.BAD_ARGS, 9, 19, "row 3 Conv needs at least 1 argument "
                                   "(its output channels first), got 0")


def test_channels_not_a_number() -> None:
    text = TINY.replace("[-1, 1, Conv, [256, 3, 2]]", "[-1, 1, Conv, [wide, 3, 2]]")
    assert one_error(text)[:4] == (
        u.BAD_ARGS, 9, 20, "row 3 Conv: c2 (the output channels) is the text 'wide', not a "
        "number (parse_model reads text in a row's args only as a Python literal or one of its "
        "names: nc, kpt_shape, reg_max, end2end, depth, width, max_channels, scale)")


def test_args_name_parse_model_variables() -> None:
    config, _ = parse(TINY.replace("Detect, [nc]", "Detect, [nc]"))
    assert config is not None and config.rows[-1].args[0] == 3


def test_refused_modules_are_listed() -> None:
    text = TINY.replace("[-1, 1, SPPF, [256, 5]]", "[-1, 1, AIFI, [256, 1024, 8]]")
    config, problems = parse(text)
    assert not problems and config is not None
    assert [r.module for r in config.refused] == ["AIFI"]
    assert "transformer" in u.MODULES["AIFI"].refused


# ------------------------------------------------------------------ the top level

def test_head_missing() -> None:
    """At the section the config has, with what to add (the file was read as a cnncalc file
    when it lacked either section: unknown keys `nc` and `backbone`, no `input` or `layers`)."""
    assert one_error("nc: 3\nbackbone: [[-1, 1, Conv, [8]]]\n")[:4] == (
        u.NOT_A_CONFIG, 2, 1, "the config has `backbone:` but no `head:`: Ultralytics builds "
        "the rows of `backbone:` and then those of `head:`")
    assert one_error("nc: 3\nhead: [[-1, 1, Conv, [8]]]\n")[:4] == (
        u.NOT_A_CONFIG, 2, 1, "the config has `head:` but no `backbone:`: Ultralytics builds "
        "the rows of `backbone:` and then those of `head:`")


def test_bad_nc() -> None:
    assert one_error(TINY.replace("nc: 3", "nc: three"))[:4] == (
        u.BAD_ARGS, 1, 5, "nc must be a positive integer (the class count), got 'three'")


@pytest.mark.parametrize(("text", "op", "args"), [
    ("nn.ReLU()", "relu", {}), ("torch.nn.ReLU()", "relu", {}),
    ("nn.LeakyReLU(0.1)", "leaky_relu", {"negative_slope": 0.1}),
    ("nn.SiLU(inplace=True)", "silu", {}), ("nn.Hardswish()", "hardswish", {}),
])
def test_activation(text: str, op: str, args: dict[str, object]) -> None:
    assert u.activation_op(text) == (op, args)


@pytest.mark.parametrize("text", ["nn.Foo()", "ReLU", "nn.ReLU(", "os.system('x')",
                                  "nn.ReLU(" + "(" * 500 + ")"])
def test_activation_refused(text: str) -> None:
    assert u.activation_op(text) is None


def test_bad_activation_row() -> None:
    assert one_error('activation: "nn.Swish()"\n' + TINY) == (
        u.BAD_ACTIVATION, 1, 13, "activation 'nn.Swish()' is not one cnncalc knows",
        "write e.g. nn.ReLU(), nn.SiLU(), nn.LeakyReLU(0.1)")


# ------------------------------------------------------------------ attacks on the reader

@pytest.mark.parametrize(("old", "new", "code"), [
    ("[-1, 3, C2f", "[-1, " + "9" * 400 + ", C2f", u.BAD_REPEATS),  # D1: a 400-digit count
    ("[-1, 1, Conv, [256, 3, 2]]", "[-1, 1, Conv, [" + "9" * 400 + ", 3, 2]]", u.BAD_ARGS),
    ("a: [0.33, 0.25, 1024]", "a: [.inf, 0.25, 1024]", u.BAD_SCALE),  # float overflow
    ("a: [0.33, 0.25, 1024]", "a: [.nan, 0.25, 1024]", u.BAD_SCALE),
    ("a: [0.33, 0.25, 1024]", "a: [1" + "0" * 400 + ", 0.25, 1024]", u.BAD_SCALE),
    ("nc: 3", "nc: 1" + "0" * 400, u.BAD_ARGS),
])
def test_huge_numbers_are_refused_not_overflowed(old: str, new: str, code: str) -> None:
    """D1: numbers past int64 or a float's range are reported, never an OverflowError."""
    assert one_error(TINY.replace(old, new))[0] == code


def test_deeply_nested_args() -> None:
    """D6: a value nested past any config's need is refused where it starts."""
    deep = "[" * 200 + "]" * 200
    text = TINY.replace("[-1, 1, SPPF, [256, 5]]", f"[-1, 1, SPPF, [256, {deep}]]")
    code, line, _, message, _ = one_error(text)
    assert (code, line, message) == (u.BAD_ARGS, 11, "a value nested more than 16 levels deep")


def test_control_characters_are_escaped_in_messages() -> None:
    """S4: a module name with an escape sequence is shown escaped."""
    text = TINY.replace("SPPF, [256, 5]", '"SPPF\\e[31m", [256, 5]')
    message = one_error(text)[3]
    assert chr(27) not in message
    assert message == "row 5: unknown module 'SPPF" + chr(92) + "x1b[31m'"


def test_many_rows_read_in_linear_time() -> None:
    """P1: 20,000 rows read in well under a second each way (the channel list is appended,
    not copied, per row)."""
    import time

    rows = "".join("  - [-1, 1, Conv, [16, 3, 1]]\n" for _ in range(20_000))
    text = "nc: 1\nbackbone:\n" + rows + "head:\n  - [-1, 1, Conv, [16]]\n"
    start = time.process_time()
    config, problems = parse(text)
    assert config is not None and not problems and len(config.rows) == 20_001
    assert time.process_time() - start < 10  # ~0.5 s here; generous for a loaded machine


# ------------------------------------------------------------------ problems in row terms

# TINY's rows at scale a at 640x640, as the analysis gives them (row -> output shape)
SHAPES = {0: (16, 320, 320), 1: (32, 160, 160), 2: (32, 160, 160), 3: (64, 80, 80),
          4: (64, 80, 80), 5: (64, 80, 80), 6: (64, 160, 160), 7: (96, 160, 160),
          8: (32, 160, 160)}


def test_concat_of_rows_that_agree() -> None:
    config, _ = parse(TINY)
    assert config is not None
    assert u.concat_mismatch(config, config.rows[7], SHAPES) is None


def test_concat_mismatch_names_rows_shapes_and_the_row_meant() -> None:
    config, _ = parse(TINY.replace("[[-1, 2], 1, Concat", "[[-1, 4], 1, Concat"))
    assert config is not None
    problem = u.concat_mismatch(config, config.rows[7], SHAPES)
    assert problem is not None and problem.span is not None
    assert (problem.code, problem.span.line, problem.span.col) == (u.BAD_FROM, 14, 5)
    assert problem.message == ("row 7 Concat: inputs from rows 6 [64, 160, 160] and 4 "
                               "[64, 80, 80] differ in H and W (160 vs 80); row 2 has 160x160")
    assert problem.hint == "did you mean 2?"


def test_concat_mismatch_in_one_axis() -> None:
    config, _ = parse(TINY.replace("[[-1, 2], 1, Concat", "[[-1, 4], 1, Concat"))
    assert config is not None
    shapes = {**SHAPES, 4: (64, 160, 80)}
    problem = u.concat_mismatch(config, config.rows[7], shapes)
    assert problem is not None
    assert "differ in W (160 vs 80)" in problem.message


def test_detect_strides_increasing() -> None:
    config, _ = parse(TINY)
    assert config is not None
    assert u.detect_strides(config, config.rows[9], SHAPES, 640) is None


def test_detect_strides_out_of_order() -> None:
    config, _ = parse(TINY.replace("[[8, 5], 1, Detect", "[[5, 8], 1, Detect"))
    assert config is not None
    problem = u.detect_strides(config, config.rows[9], SHAPES, 640)
    assert problem is not None
    assert problem.message == ("row 9 Detect: its inputs' strides do not increase: rows 5 "
                               "(stride 8), 8 (stride 4)")
    assert problem.hint == "list them from the finest to the coarsest: [8, 5]"


def test_every_malformed_row_is_reported() -> None:
    """After a broken row, later rows have no channels to read, but their own form is still
    checked: one run reports every malformed row."""
    text = (TINY.replace("C2f, [128, True]", "C2F, [128, True]")
            .replace("[-1, 1, SPPF, [256, 5]]", "[-1, 1, SPPF]")
            .replace("[[-1, 2], 1, Concat", "[[-1, 12], 1, Concat"))
    config, problems = parse(text)
    assert config is None
    assert [(p.code, p.span.line) for p in problems if p.span] == [
        (u.UNKNOWN_MODULE, 8), (u.BAD_ROW, 11), (u.BAD_FROM, 14)]

"""`cnncalc.sizes`: which input sizes divide exactly everywhere (U-Net's 572, not 573)."""

from __future__ import annotations

import textwrap
import time

import pytest
from conftest import ROOT, zoo_source

from cnncalc.analysis import analyze
from cnncalc.render.sizes import render_ranges
from cnncalc.sizes import Fit, classify, fitting_sizes, progressions
from cnncalc.source import Source

UNET = zoo_source(ROOT / "architectures" / "unet.yaml")


def src(text: str) -> Source:
    return Source("t.yaml", textwrap.dedent(text))


PLAIN = src("""\
    input: [3, 32, 32]
    layers:
      - conv: {out_channels: 8, kernel_size: 3, padding: 1}
      - relu
      - conv: {out_channels: 8, kernel_size: 3, padding: 1}
    """)
STRIDE2 = src("""\
    input: [3, 32, 32]
    layers:
      - conv: {out_channels: 8, kernel_size: 2, stride: 2}
      - relu
    """)


# ---------------------------------------------------------------- U-Net


def test_unet_572_fits_573_does_not() -> None:
    result = fitting_sizes(UNET, 560, 600)
    assert result.exact == (572, 588)
    assert result.rounded == ()
    assert result.base == (1, 572, 572)
    assert result.axes == ("H", "W")
    fit = result.check(572)
    assert fit.fit is Fit.EXACT and fit.problem is None and fit.input == (1, 572, 572)
    miss = result.check(573)
    assert miss.fit is Fit.NO and miss.input == (1, 573, 573)
    assert miss.problem is not None
    assert miss.problem.code == "W101"
    assert miss.problem.path == "maxpool1"  # the first pool: 569 is odd
    assert "569" in miss.problem.message
    assert result.nearest(573) == (572, 588)
    assert result.nearest(572) == (None, 588)  # 556 is outside the range tried


def test_unet_whole_range() -> None:
    result = fitting_sizes(UNET, 32, 1024)
    assert result.exact == tuple(range(188, 1021, 16))
    assert render_ranges(result.exact) == "188, 204, 220, …, 1020 (every 16, 53 sizes)"
    # too small: the first problem in network order is a pool's W101, ahead of the later
    # layer whose size reaches zero (E202)
    small = result.check(100)
    assert small.fit is Fit.NO and small.problem is not None
    assert small.problem.code == "W101" and small.problem.path == "maxpool4"
    assert small.problems == 2


def test_file_expectations_do_not_pin_the_size() -> None:
    # unet.yaml's `expect:` figures hold at 572 only: for 588 they are not checked (N104)
    codes = {d.code for d in analyze(UNET, (1, 588, 588)).diagnostics}
    assert "N104" in codes and "E301" not in codes
    assert fitting_sizes(UNET, 588, 588).exact == (588,)
    # and one that fails at the file's own size is no matter of divisibility either
    wrong = Source(UNET.name, UNET.text.replace("expect: [64, 568, 568]", "expect: [64, 1, 1]"))
    assert any(d.code == "E301" for d in analyze(wrong).diagnostics)
    assert classify(analyze(wrong), 572).fit is Fit.EXACT
    assert fitting_sizes(wrong, 572, 572).exact == (572,)


def test_agrees_with_full_analysis() -> None:
    """The fast path (parse once, expand + fractions per size) judges as `analyze` would."""
    result = fitting_sizes(UNET, 562, 590)
    for check in result.checks:
        assert classify(analyze(UNET, check.input), check.size) == check
    resnet = zoo_source(ROOT / "architectures" / "resnet18.yaml")
    for check in fitting_sizes(resnet, 220, 226).checks:
        assert classify(analyze(resnet, check.input), check.size) == check


def test_unet_timing() -> None:
    start = time.perf_counter()
    result = fitting_sizes(UNET, 500, 700)
    elapsed = time.perf_counter() - start
    assert len(result.checks) == 201
    assert elapsed < 10, f"unet 500..700 took {elapsed:.1f} s"
    assert 0 < result.seconds <= elapsed


# ---------------------------------------------------------------- small networks


def test_plain_conv_net_fits_everywhere() -> None:
    result = fitting_sizes(PLAIN, 1, 64)
    assert result.exact == tuple(range(1, 65))
    assert result.failing == () and result.rounded == ()
    assert render_ranges(result.exact) == "1–64"


def test_stride_two_fits_even_sizes_only() -> None:
    result = fitting_sizes(STRIDE2, 8, 40)
    assert result.exact == tuple(range(8, 41, 2))
    assert result.failing == tuple(range(9, 41, 2))
    odd = result.check(9)
    assert odd.problem is not None and odd.problem.code == "W101"
    assert odd.problem.path == "conv1"


def test_only_padding_unread_is_rounded() -> None:
    # 3x3, stride 2, padding 1: odd sizes divide; even ones leave only padding unread (N101)
    net = src("""\
        input: [3, 32, 32]
        layers:
          - conv: {out_channels: 8, kernel_size: 3, stride: 2, padding: 1}
        """)
    result = fitting_sizes(net, 10, 20)
    assert result.exact == (11, 13, 15, 17, 19)
    assert result.rounded == (10, 12, 14, 16, 18, 20)
    assert result.failing == ()
    note = result.check(10).problem
    assert note is not None and note.code == "N101"


def test_ceil_mode_is_rounded_and_a_misaligned_merge_fails() -> None:
    # ceil_mode pooling then x2 upsampling gives n + 1 for odd n: the add cannot match
    net = src("""\
        input: [4, 16, 16]
        layers:
          - {id: down, maxpool: {kernel_size: 2, ceil_mode: true}}
          - upsample: {scale_factor: 2}
          - add: [input, prev]
        """)
    result = fitting_sizes(net, 8, 13)
    assert result.exact == (8, 10, 12)
    assert result.failing == (9, 11, 13)
    miss = result.check(9)
    assert miss.problem is not None and miss.problem.code == "E204"  # errors outrank notes
    assert miss.problem.path == "add1"


def test_size_dependent_expressions_are_evaluated_per_size() -> None:
    # `$(in_h)` pools the whole map to 1x1 at any size, so only the stride-2 pool decides
    net = src("""\
        input: [3, 32, 32]
        blocks:
          squash:
            layers:
              - avgpool: $(in_h)
        layers:
          - maxpool: 2
          - squash
          - flatten
          - linear: 10
        """)
    result = fitting_sizes(net, 4, 12)
    assert result.exact == (4, 6, 8, 10, 12)
    assert result.check(5).problem is not None
    assert result.check(5).problem.path == "maxpool1"  # type: ignore[union-attr]


def test_one_axis_with_the_others_fixed() -> None:
    result = fitting_sizes(STRIDE2, 8, 12, axes=["h"], base=(3, 7, 32))
    assert result.axes == ("H",)
    assert [c.input for c in result.checks] == [(3, n, 32) for n in range(8, 13)]
    assert result.exact == (8, 10, 12)
    # width 33 never divides, whatever the height
    assert fitting_sizes(STRIDE2, 8, 12, axes=["H"], base=(3, 7, 33)).exact == ()
    # channels from the base as well
    assert fitting_sizes(PLAIN, 5, 5, base=(1, 9, 9)).check(5).input == (1, 5, 5)


def test_no_size_fits_a_broken_file() -> None:
    net = src("""\
        input: [3, 32, 32]
        layers:
          - conv: {out_channels: 8, kernel_size: 3}
          - frobnicate
        """)
    result = fitting_sizes(net, 8, 10)
    assert result.exact == () and result.failing == (8, 9, 10)
    assert all(c.problem is not None and c.problem.code == "E104" for c in result.checks)


def test_unreadable_or_unparsable_files_check_nothing() -> None:
    missing = fitting_sizes(str(ROOT / "architectures" / "missing.yaml"), 1, 10)
    assert missing.checks == () and [d.code for d in missing.diagnostics] == ["E001"]
    bad = fitting_sizes(Source("bad.yaml", "input: [3, 32\n"), 1, 10)
    assert bad.checks == () and [d.code for d in bad.diagnostics] == ["E003"]
    no_input = fitting_sizes(src("layers:\n  - relu\n"), 1, 10)
    assert no_input.checks == () and [d.code for d in no_input.diagnostics] == ["E102"]


def test_from_a_path() -> None:
    result = fitting_sizes(ROOT / "architectures" / "stride_mismatch.yaml", 5, 10)
    assert result.name == "stride_mismatch"
    assert result.exact == (6, 9)  # 3x3 windows, stride 3: (n - 3)/3 + 1


def test_bad_arguments() -> None:
    with pytest.raises(ValueError, match="lo <= hi"):
        fitting_sizes(PLAIN, 10, 5)
    with pytest.raises(ValueError, match="lo <= hi"):
        fitting_sizes(PLAIN, 0, 5)
    with pytest.raises(ValueError, match="no axis 'd'"):
        fitting_sizes(PLAIN, 5, 6, axes=["d"])
    with pytest.raises(ValueError, match="no spatial axes"):
        fitting_sizes(src("input: [10]\nlayers:\n  - linear: 5\n"), 5, 6)
    with pytest.raises(KeyError):
        fitting_sizes(PLAIN, 5, 6).check(7)


def test_one_dimensional_and_three_dimensional_inputs() -> None:
    one = src("input: [2, 40]\nlayers:\n  - conv: {out_channels: 4, kernel_size: 4, "
              "stride: 4}\n")
    assert fitting_sizes(one, 8, 17).exact == (8, 12, 16)
    assert fitting_sizes(one, 8, 8).axes == ("L",)
    three = src("input: [1, 8, 8, 8]\nlayers:\n  - maxpool: 2\n")
    result = fitting_sizes(three, 4, 7, axes=["d"])
    assert result.axes == ("D",) and result.exact == (4, 6)
    assert result.check(5).input == (1, 5, 8, 8)


def test_progress_is_called_per_size() -> None:
    seen: list[int] = []
    fitting_sizes(PLAIN, 3, 7, progress=seen.append)
    assert seen == [3, 4, 5, 6, 7]


# ---------------------------------------------------------------- ranges


@pytest.mark.parametrize(("sizes", "text"), [
    ([], "none"),
    ([5], "5"),
    ([5, 9], "5, 9"),
    ([5, 6, 7], "5–7"),
    ([4, 8, 12], "4, 8, 12"),
    (range(188, 1005, 16), "188, 204, 220, …, 1004 (every 16, 52 sizes)"),
    ([1, 2, 3, 10, 20, 30, 40], "1–3; 10, 20, 30, …, 40 (every 10, 4 sizes)"),
    ([2, 4, 5, 6, 7], "2, 4–7"),
    ([3, 1, 2, 2], "1–3"),
])
def test_render_ranges(sizes: list[int], text: str) -> None:
    assert render_ranges(sizes) == text


def test_progressions_and_limit() -> None:
    assert progressions([2, 4, 5, 6, 7]) == [(2, 2, 0), (4, 7, 1)]
    assert progressions([1, 3]) == [(1, 1, 0), (3, 3, 0)]
    assert progressions(range(0, 100, 7)) == [(0, 98, 7)]
    scattered = [1, 2, 3, 10, 11, 12, 20, 21, 22, 30, 31, 32]
    assert render_ranges(scattered, limit=2) == "1–3, 10–12, and 2 more runs"
    assert render_ranges(scattered, limit=3) == "1–3, 10–12, 20–22, and 1 more run"

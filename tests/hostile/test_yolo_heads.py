"""Hostile input for YOLO heads and for `sizes` of a YOLO config (H1-H6): a head's own
arguments (the class count, Pose's kpt_shape, OBB's angles, Segment's masks) of the wrong
type or size, which parse_model would pass on and the reader once crashed on; YOLO26's
Pose26 flow on keypoints that are not points; and `sizes` asked about sizes the config does
not build.

Each case runs the installed console script through `run()` (tests/hostile/harness.py), which
also asserts exit 0/1/2, no traceback and no raw control character; the bounds are generous
(about ten times what the case takes on a loaded two-core machine).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from harness import run

BACKBONE = ("nc: 3\nbackbone:\n  - [-1, 1, Conv, [16, 3, 2]]\n  - [-1, 1, Conv, [32, 3, 2]]\n"
            "  - [-1, 1, Conv, [64, 3, 2]]\n  - [-1, 1, Conv, [64, 3, 2]]\nhead:\n")


def config(tmp_path: Path, head: str) -> Path:
    path = tmp_path / "h.yaml"
    path.write_text(BACKBONE + f"  - [[2, 3], 1, {head}]\n", encoding="utf-8")
    return path


@pytest.mark.parametrize(("head", "message"), [
    ("Detect, ['abc']", "the class count must be a positive integer (below 2^63), got 'abc'"),
    ("Detect, []", "needs at least 1 argument (the class count first), got 0"),
    ("Detect, [0]", "the class count must be a positive integer (below 2^63), got 0"),
    ("v10Detect, [x]", "the class count must be a positive integer (below 2^63), got 'x'"),
    ("OBB26, [3, x]", "the angle count must be a positive integer (below 2^63), got 'x'"),
    ("Segment, [3, x, 64]", "the mask count must be a positive integer (below 2^63), got 'x'"),
    ("Segment26, [3, 0, 64]", "the mask count must be a positive integer (below 2^63), got 0"),
    ("Pose, [3, 17]", "kpt_shape must be [keypoints, dims], dims 2 (x, y) or 3 (x, y, "
                      "visible), got 17"),
    ("Pose26, [3, [17]]", "got [17]"),
    ("Pose26, [3, [17, 1]]", "got [17, 1]"),
    ("Pose26, [3, [17, 2.0]]", "got [17, 2.0]"),
    ("Pose26, [3, [0, 3]]", "the keypoint count must be a positive integer (below 2^63), got 0"),
])
def test_h1_head_arguments_of_the_wrong_type(tmp_path: Path, head: str, message: str) -> None:
    """H1: a head's own arguments wrong: E405 at the argument, never an internal error."""
    r = run(["check", str(config(tmp_path, head))], seconds=10, mib=300)
    assert r.code == 1 and "E405" in r.out and message in r.out, r.out


def test_h2_pose26_with_two_dimensional_keypoints(tmp_path: Path) -> None:
    """H2: Pose26 on keypoints without visibility ([17, 2]): the flow reads them as points
    without a split; it builds."""
    r = run(["check", str(config(tmp_path, "Pose26, [3, [17, 2]]"))], seconds=10, mib=300)
    assert r.code == 0, r.out


def test_h3_pose26_with_ten_million_keypoints(tmp_path: Path) -> None:
    """H3: 10^7 keypoints: counted, never allocated (the flow is never run, its activations
    are not made); at 10^9 a layer's weights pass int64, which PyTorch cannot make (E118)."""
    r = run(["check", str(config(tmp_path, "Pose26, [3, [10000000, 3]]"))], seconds=10,
            mib=300)
    assert r.code == 0 and "ok" in r.out, r.out
    r = run(["check", str(config(tmp_path, "Pose26, [3, [1000000000, 3]]"))], seconds=10,
            mib=300)
    assert r.code == 1 and "error[E118]" in r.out, r.out


def test_h4_sizes_why_of_many_sizes(tmp_path: Path) -> None:
    """H4: `sizes --why` of every size in the range: each is built to be explained, within
    the range's bound."""
    file = config(tmp_path, "Detect, [nc]")
    whys = [a for n in range(32, 96) for a in ("--why", str(n))]
    r = run(["sizes", str(file), "--min", "32", "--max", "95", *whys], seconds=60, mib=400)
    assert r.code == 0 and "W420" in r.out and "32 fits exactly." in r.out, r.out


def test_h5_sizes_of_a_head_on_a_one_pixel_map(tmp_path: Path) -> None:
    """H5: a head reading a 1x1 map at 640 (stride 640): the grid is 640, so three sizes of
    the range fit, the others are W420 without being built; 700, asked about, is built and
    explained (its pool leaves input unread)."""
    text = BACKBONE.replace("head:\n", "  - [-1, 1, nn.MaxPool2d, [40, 40]]\nhead:\n")
    path = tmp_path / "h.yaml"
    path.write_text(text + "  - [[3, 4], 1, Detect, [nc]]\n", encoding="utf-8")
    r = run(["sizes", str(path), "--min", "32", "--max", "2000", "--why", "700"], seconds=30,
            mib=400)
    assert r.code == 0 and "(multiples of 640):\n  640, 1280, 1920\n" in r.out, r.out
    assert "700 does not fit (nearest that do: 640 or 1280)" in r.out and "W101" in r.out


def test_h6_sizes_of_a_config_that_does_not_build(tmp_path: Path) -> None:
    """H6: a config whose head reads rows of one stride (no grid to speak of) and a Concat
    that never matches: every size fails, each with its row."""
    text = BACKBONE + "  - [[-1, 1], 1, Concat, [1]]\n  - [[3, 3], 1, Detect, [nc]]\n"
    path = tmp_path / "h.yaml"
    path.write_text(text, encoding="utf-8")
    r = run(["sizes", str(path), "--min", "60", "--max", "70", "--why", "64"], seconds=30,
            mib=400)
    assert r.code == 1 and "E402" in r.out, r.out


def test_h7_a_head_of_nc_in_a_config_without_nc(tmp_path: Path) -> None:
    """H7: `[nc]` in a config with no `nc:` (parse_model would pass None): E405 with the fix;
    `--set nc=5` supplies it."""
    path = tmp_path / "h.yaml"
    path.write_text(BACKBONE.replace("nc: 3\n", "") + "  - [[2, 3], 1, Detect, [nc]]\n",
                    encoding="utf-8")
    r = run(["check", str(path)], seconds=10, mib=300)
    assert r.code == 1 and "the class count is `nc`, and the config has no `nc:`" in r.out
    assert run(["show", str(path), "--set", "nc=5"], seconds=10, mib=300).code == 0

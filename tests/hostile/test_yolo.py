"""Hostile input for the Ultralytics YOLO route (docs/yolo.md): `--scale` and `--set nc` from
the command line, and config files that look like YOLO configs but attack the reader or the
expansion it feeds (Y1-Y9).

Each case runs the installed console script through `run()` (tests/hostile/harness.py), which
also asserts exit 0/1/2, no traceback and no raw control character; the bounds are generous
(about ten times what the case takes on a loaded two-core machine).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from harness import run

ROWS = ("nc: 3\nbackbone:\n  - [-1, 1, Conv, [16, 3, 2]]\n  - [-1, 1, C2f, [16]]\nhead:\n"
        "  - [-1, 1, Classify, [nc]]\n")
COMMANDS = [["show"], ["check"], ["explain"], ["sizes", "--min", "32", "--max", "40"],
            ["export", "--to", "dot"]]


def config(tmp_path: Path, text: str = ROWS, name: str = "y.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize("command", COMMANDS, ids=[c[0] for c in COMMANDS])
def test_y1_scale_with_control_characters(tmp_path: Path, command: list[str]) -> None:
    """Y1: a --scale holding a terminal escape and a workflow command is refused, escaped."""
    file = config(tmp_path)
    r = run([command[0], str(file), *command[1:], "--scale", "n\x1b]0;owned\x07\n::error::x"],
            seconds=10, mib=300)
    assert r.code == 2 and "is not a scale name" in r.err


def test_y2_scale_of_100_kb(tmp_path: Path) -> None:
    """Y2: a --scale of 10^5 characters (near the longest argument Linux passes): refused at
    once, named in 40 characters or so."""
    r = run(["show", str(config(tmp_path)), "--scale", "n" * 10**5], seconds=10, mib=300)
    assert r.code == 2 and "100,000 characters" in r.err and len(r.err) < 2000


def test_y3_scale_the_config_lacks_with_a_hostile_key(tmp_path: Path) -> None:
    """Y3: `scales:` keys holding control characters, and a --scale it lacks: E406 escaped."""
    text = ROWS.replace("nc: 3\n", 'nc: 3\nscales:\n  "n\\e[2J\\u202e": [0.33, 0.25, 1024]\n')
    r = run(["check", str(config(tmp_path, text)), "--scale", "s"], seconds=10, mib=300)
    assert r.code == 1 and "E406" in r.out


def test_y4_scale_on_a_cnncalc_file(tmp_path: Path) -> None:
    """Y4: --scale on a file that is not a YOLO config: E406, exit 1, for every command."""
    file = config(tmp_path, "input: [3, 8, 8]\nlayers: [relu]\n")
    r = run(["show", str(file), "--scale", "n"], seconds=10, mib=300)
    assert r.code == 1 and "E406" in r.text


def test_y5_a_hundred_thousand_rows(tmp_path: Path) -> None:
    """Y5: 10^5 rows: read and refused by the layer limit (or analysed), within bounds."""
    rows = "".join("  - [-1, 1, nn.Identity, []]\n" for _ in range(10**5))
    text = f"nc: 3\nbackbone:\n  - [-1, 1, Conv, [16, 3, 2]]\n{rows}head:\n" \
           "  - [-1, 1, Classify, [nc]]\n"
    r = run(["check", str(config(tmp_path, text))], seconds=60, mib=1500)
    assert r.code in (0, 1)


def test_y6_repeats_of_ten_to_the_eighteen(tmp_path: Path) -> None:
    """Y6: repeats 10^18 on a module built n times in sequence (Bottleneck) and on one whose
    repeats go inside (C2f): the layer limit refuses them without building them."""
    for row in ("[-1, 1000000000000000000, Bottleneck, [16]]",
                "[-1, 1000000000000000000, C2f, [16]]"):
        r = run(["show", str(config(tmp_path, ROWS.replace("[-1, 1, C2f, [16]]", row)))],
                seconds=20, mib=400)
        assert r.code == 1, r.text


def test_y7_huge_channels_and_class_count(tmp_path: Path) -> None:
    """Y7: 10^18 output channels, and --set nc=10^18: errors, not memory."""
    r = run(["show", str(config(tmp_path, ROWS.replace("[16, 3, 2]", "[1000000000000000000, "
                                                      "3, 2]")))], seconds=20, mib=400)
    assert r.code == 1, r.text
    r = run(["show", str(config(tmp_path)), "--set", "nc=1000000000000000000"],
            seconds=20, mib=400)
    assert r.code in (0, 1), r.text


def test_y8_from_index_far_out_of_range(tmp_path: Path) -> None:
    """Y8: a `from` of 10^30 and of -10^30: E402 at the row."""
    for source in ("1" + "0" * 30, "-1" + "0" * 30):
        text = ROWS.replace("[-1, 1, C2f, [16]]", f"[{source}, 1, C2f, [16]]")
        r = run(["check", str(config(tmp_path, text))], seconds=10, mib=300)
        assert r.code == 1 and "E402" in r.out, r.text


def test_y9_deeply_nested_args_and_hostile_module_names(tmp_path: Path) -> None:
    """Y9: args nested 500 deep, and a module name holding escapes: reported, escaped."""
    nested = "[" * 500 + "]" * 500
    text = ROWS.replace("[-1, 1, C2f, [16]]", f"[-1, 1, C2f, {nested}]")
    r = run(["check", str(config(tmp_path, text))], seconds=10, mib=300)
    assert r.code in (1, 2), r.text
    text = ROWS.replace("C2f", '"C2f\\e[31m\\u202e::error::x"')
    r = run(["check", "--format", "github", str(config(tmp_path, text))], seconds=10, mib=300)
    assert r.code == 1 and "E404" in r.out

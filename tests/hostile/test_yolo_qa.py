"""Hostile YOLO configs from issue 15's QA session (YQ1-): attacks the earlier corpus
(test_yolo.py Y1-Y9, test_yolo_heads.py H1-H7, test_newest_yolo.py YN1-YN10) does not make.

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


def config(tmp_path: Path, text: str, name: str = "y.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def laughs(levels: int, leaf: str = "1") -> str:
    """YAML anchors a..: each list holds ten aliases of the one before: 10^levels items."""
    text = f"a0: &a0 [{', '.join([leaf] * 10)}]\n"
    for n in range(1, levels):
        text += f"a{n}: &a{n} [{', '.join([f'*a{n - 1}'] * 10)}]\n"
    return text


@pytest.mark.parametrize("where", [
    "  - [-1, 1, Conv, [16, 3, 2, *a8]]\n",  # a row's args
    "  - [*a8, 1, Conv, [16, 3, 2]]\n",  # its `from`
    "  - [-1, *a8, Conv, [16, 3, 2]]\n",  # its repeats
], ids=["args", "from", "repeats"])
def test_yq1_billion_laughs_in_a_row(tmp_path: Path, where: str) -> None:
    """YQ1: a row's value aliasing 10^9 items in ten lines: the reader turned it into Python
    lists (10 GB and minutes, killed); now E116 at the value, read no further than the item
    limit."""
    text = "nc: 3\n" + laughs(9) + "backbone:\n" + where + "head:\n  - [-1, 1, Classify, [nc]]\n"
    r = run(["check", str(config(tmp_path, text))], seconds=10, mib=300)
    assert r.code == 1 and "E116" in r.out and "more than 10,000 items" in r.out, r.text


@pytest.mark.parametrize("key", ["kpt_shape", "nc", "depth_multiple", "reg_max"])
def test_yq1_billion_laughs_in_a_top_level_value(tmp_path: Path, key: str) -> None:
    """YQ1: the values the reader reads at the top (and quotes in its messages) likewise."""
    text = laughs(9) + f"{key}: *a8\n" + ROWS.replace("nc: 3\n", "nc: 3\n" if key != "nc" else "")
    r = run(["check", str(config(tmp_path, text))], seconds=10, mib=300)
    assert r.code == 1 and "E116" in r.out, r.text


def test_yq2_many_rows_each_aliasing_a_long_list(tmp_path: Path) -> None:
    """YQ2: 2*10^4 rows whose args each alias 9,000 items (each under the limit of one
    value): 1.8*10^8 items in all from a 600 KB file. The config's values are bounded in all
    too (10^6 items): E116, in a small bound."""
    rows = "".join("  - [-1, 1, nn.Identity, *big]\n" for _ in range(2 * 10**4))
    text = ("nc: 3\nbig: &big [" + ", ".join(["1"] * 9000) + "]\nbackbone:\n"
            "  - [-1, 1, Conv, [16, 3, 2]]\n" + rows + "head:\n  - [-1, 1, Classify, [nc]]\n")
    r = run(["check", str(config(tmp_path, text))], seconds=30, mib=600)
    assert r.code == 1 and "items in all" in r.out, r.text


def test_yq3_a_head_reading_ten_thousand_rows(tmp_path: Path) -> None:
    """YQ3: Detect reading one row 9,000 times: its message listed every level (two 50 KB
    lines); a `from` of 10^5 items built 10^5 levels (5 s, 500 MB) before the layer limit
    said so, at a line of the block library. Now: the message is one stride read twice, and
    a `from` past the item limit is E116 at the row."""
    base = "nc: 3\nbackbone:\n  - [-1, 1, Conv, [16, 3, 2]]\n  - [-1, 1, Conv, [16, 3, 1]]\n"
    text = base + f"head:\n  - [[{', '.join(['0'] * 9000)}], 1, Detect, [nc]]\n"
    r = run(["check", str(config(tmp_path, text))], seconds=40, mib=800)
    assert r.code == 1 and "reads row 0 twice, both at stride 2" in r.out, r.text
    assert max(len(line) for line in r.out.splitlines()) < 400
    text = base + f"head:\n  - [[{', '.join(['0'] * 100_000)}], 1, Detect, [nc]]\n"
    r = run(["check", str(config(tmp_path, text))], seconds=20, mib=400)
    assert r.code == 1 and "y.yaml:6:6: error[E116]" in r.out, r.text


@pytest.mark.parametrize("key", ["1", "null", "0.5", "true", "[1, 2]"])
def test_yq4_scale_keys_that_are_not_text(tmp_path: Path, key: str) -> None:
    """YQ4: `scales:` keys YAML reads as an integer, None, a float, a boolean or (flow) a
    list: the first is the scale, as in Ultralytics, never "did you mean '1'" for '1'."""
    text = ROWS.replace("nc: 3\n", f"nc: 3\nscales:\n  {key}: [0.33, 0.25, 1024]\n")
    r = run(["check", str(config(tmp_path, text))], seconds=10, mib=300)
    assert r.code in (0, 1) and "did you mean" not in r.out, r.text


def test_yq5_a_batch_the_memory_gate_did_not_read(tmp_path: Path) -> None:
    """YQ5: `batch: 64` in a YOLO config was dropped: `check --max-memory 100MiB` passed a
    network whose batch needs gigabytes. cnncalc's keys of how to analyse are held (as
    `expect:` was); those that would define the network are E411, not ignored."""
    text = ROWS.replace("nc: 3\n", "nc: 3\nbatch: 64\n")
    r = run(["check", str(config(tmp_path, text)), "--max-memory", "100MiB"], seconds=10,
            mib=300)
    assert r.code == 1 and "E302" in r.out, r.text
    text = ROWS.replace("nc: 3\n", "nc: 3\nblocks:\n  Conv: {layers: [relu]}\n")
    r = run(["check", str(config(tmp_path, text))], seconds=10, mib=300)
    assert r.code == 1 and "E411" in r.out, r.text


@pytest.mark.parametrize("args", ["[16, 'abc']", "[16, 3, 2, None, 1, 1, '\\e[2J']",
                                  "[16, [3, [3, ['x']]]]", "['\\u202enc', 3]"])
def test_yq6_text_in_a_block_module_args(tmp_path: Path, args: str) -> None:
    """YQ6: text left in a block module's args (nested too, holding escapes): E405 at the
    argument, escaped, before the block library computes with it."""
    text = ROWS.replace("[-1, 1, C2f, [16]]", f"[-1, 1, Conv, {args}]")
    r = run(["check", str(config(tmp_path, text))], seconds=10, mib=300)
    assert r.code == 1 and "error[E405]" in r.out and "is the text" in r.out, r.text


def test_yq7_the_layer_limit_crossed_inside_a_head(tmp_path: Path) -> None:
    """YQ7: an end2end Detect reading 9,000 rows crosses the layer limit inside the block
    library: E116 was located at cnncalc/readers/ultralytics_blocks.yaml:26 (a CI annotation
    in a file the user does not have), with a hint about `repeat`, a word the config never
    writes. Now at the config, in its terms."""
    text = ("nc: 3\nend2end: true\nbackbone:\n  - [-1, 1, Conv, [16, 3, 2]]\n"
            "  - [-1, 1, Conv, [16, 3, 1]]\nhead:\n"
            f"  - [[{', '.join(['0'] * 9000)}], 1, Detect, [nc]]\n")
    path = config(tmp_path, text)
    r = run(["check", "--format", "github", str(path)], seconds=60, mib=1000)
    assert r.code == 1 and f"file={path},line=1," in r.out, r.text
    assert "ultralytics_blocks.yaml:26" in r.out and "file=cnncalc/" not in r.out


@pytest.mark.parametrize("scales", ["  n: [1.0e+15, 0.25, 1024]\n", "  x: [100000, 0.25, 1024]\n"])
def test_yq7_a_depth_multiplier_of_a_million_billion(tmp_path: Path, scales: str) -> None:
    """YQ7: a scale's depth of 10^15 (or 10^5 on C3k2 at x, whose inner blocks switch): the
    layer limit refuses it at the row, its hint naming the repeats the row is built with."""
    text = ROWS.replace("nc: 3\n", f"nc: 3\nscales:\n{scales}").replace(
        "[-1, 1, C2f, [16]]", "[-1, 3, C3k2, [16, False, 0.25]]")
    r = run(["check", str(config(tmp_path, text))], seconds=10, mib=300)
    assert r.code == 1 and "E116" in r.out and "is built with" in r.out, r.text

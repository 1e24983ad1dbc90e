"""Hostile input for `inference: false` and the `buffer` op (format 1.1, docs/format.md):
garbage values (I1), a buffer past int64 (I2), and a large branch that is never run (I3).

Each case runs the installed console script through `run()` (tests/hostile/harness.py), which
also asserts exit 0/1/2, no traceback and no raw control character; the bounds are generous
(about ten times what the case takes on a loaded two-core machine).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from harness import run


def net(tmp_path: Path, *layers: str, input: str = "[3, 8, 8]") -> Path:
    path = tmp_path / "n.yaml"
    path.write_text(f"input: {input}\nlayers:\n" + "".join(f"  - {x}\n" for x in layers),
                    encoding="utf-8")
    return path


@pytest.mark.parametrize("layer", [
    "{relu: {}, inference: [1, 2]}", "{relu: {}, inference: {a: 1}}",
    "{relu: {}, inference: no}", "{relu: {}, inference: \"\\e[2J\"}",
    "{buffer: {shape: [0]}}", "{buffer: {}}", "{buffer: {shape: [-1]}}",
    "{buffer: {shape: 99999999999999999999999}}", "{buffer: {shape: [a, b]}}",
])
def test_i1_garbage(tmp_path: Path, layer: str) -> None:
    """I1: `inference` that is not a boolean, buffer shapes that are not sizes: an error at
    the value, exit 1."""
    r = run(["check", str(net(tmp_path, layer))], seconds=10, mib=300)
    assert r.code == 1 and "error[" in r.out, r.out


def test_i2_a_buffer_past_int64(tmp_path: Path) -> None:
    """I2: a buffer of (2^63 - 1)^2 elements: counted exactly, never allocated."""
    big = 2**63 - 1
    r = run(["show", str(net(tmp_path, f"buffer: {{shape: [{big}, {big}]}}"))], seconds=10,
            mib=300)
    assert r.code == 0 and f"{big * big:,}" in r.out, r.out


def test_i3_a_branch_not_run_on_a_huge_input(tmp_path: Path) -> None:
    """I3: a repeated branch under `inference: false` on a 16384x16384 input: its params
    count, nothing of it is run or held (its activations are not made)."""
    r = run(["show", str(net(tmp_path, "{conv: [8, 3, 1, 1], inference: false, repeat: 50}",
                             input="[3, 16384, 16384]"))], seconds=20, mib=400)
    assert r.code == 0 and "MACs:             0," in r.out, r.out

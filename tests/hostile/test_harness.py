"""The harness itself: it must catch what it promises to catch."""

from __future__ import annotations

from pathlib import Path

import pytest
from harness import RAW_CONTROL, run

ROOT = Path(__file__).resolve().parents[2]


def test_a_good_run_passes_and_is_measured() -> None:
    result = run(["show", ROOT / "architectures" / "lenet5.yaml"], seconds=20, mib=200)
    assert result.code == 0 and "Total params" in result.out
    assert 0 < result.peak_mib < 200 and result.seconds > 0


def test_memory_bound_is_enforced() -> None:
    with pytest.raises(AssertionError, match="peak"):
        run(["show", ROOT / "architectures" / "lenet5.yaml"], seconds=20, mib=1)


def test_raw_controls_are_recognised() -> None:
    assert RAW_CONTROL.search("a\x1b[2Jb") and RAW_CONTROL.search("\u2028")
    assert RAW_CONTROL.search("line\n\ttab") is None

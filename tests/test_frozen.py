"""`@frozen`: value semantics at run time, immutability enforced by the type checker."""

from __future__ import annotations

import dataclasses
import importlib.util
import textwrap
from pathlib import Path

import pytest

from cnncalc.frozen import frozen
from cnncalc.source import Span


def test_values_compare_and_hash_by_their_fields() -> None:
    a, b = Span("f.yaml", 3, 5), Span("f.yaml", 3, 5)
    assert a == b and hash(a) == hash(b) and a is not b
    assert {a: 1}[b] == 1  # diagnostics are deduplicated by span
    assert a != Span("f.yaml", 3, 6)
    assert dataclasses.replace(a, col=6) == Span("f.yaml", 3, 6)
    assert not hasattr(a, "__dict__")  # slotted: no stray attributes, less memory


def test_slots_can_be_turned_off_for_cached_properties() -> None:
    import functools

    @frozen(slots=False)
    class Spec:
        names: tuple[str, ...]

        @functools.cached_property
        def index(self) -> dict[str, int]:
            return {n: i for i, n in enumerate(self.names)}

    spec = Spec(("a", "b"))
    assert spec.index == {"a": 0, "b": 1} and spec.index is spec.index


@pytest.mark.skipif(importlib.util.find_spec("mypy") is None, reason="needs mypy")
def test_the_type_checker_refuses_assignment(tmp_path: Path) -> None:
    from mypy import api

    program = tmp_path / "assign.py"
    program.write_text(textwrap.dedent("""\
        from cnncalc.source import Span

        span = Span("f.yaml", 1, 1)
        span.line = 2
    """))
    out, _, status = api.run([str(program), "--no-incremental", "--follow-imports=silent"])
    assert status == 1
    assert 'Property "line" defined in "Span" is read-only' in out

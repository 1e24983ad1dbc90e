"""Block calls alike are replayed, not expanded again (expand._Expander._expand_call): the
result must be exactly what expanding every call gives."""

from __future__ import annotations

import textwrap

import pytest
from conftest import ZOO, zoo_source

from cnncalc.analysis import Analysis, analyze
from cnncalc.expand import _Expander
from cnncalc.render import json, table
from cnncalc.source import Source

CASES = {
    "nested repeats, first, when, expressions": """
        input: [8, 32, 32]
        blocks:
          cbr:
            params: [out, s=1, act=true]
            layers:
              - conv: {out_channels: $out, kernel_size: 3, stride: $s, padding: 1}
              - bn
              - {relu: {}, when: $act}
          stage:
            params: [out, n=2]
            layers:
              - {id: a, cbr: {out: $out}, repeat: $n, first: {s: 2}}
              - {id: skip, from: in, conv: {out_channels: $out, kernel_size: 1, stride: 2}}
              - add: [a, skip]
              - conv: {out_channels: "$(in_c * 2)", kernel_size: 1}
              - {conv: {out_channels: $out, kernel_size: 1}, from: input, when: false}
        layers:
          - {id: s1, stage: {out: 8}, repeat: 3}
          - {stage: [16, 3], repeat: 2}
          - gap
          - flatten
          - linear: 10
        """,
    "a block on the network input, expect inside a block, errors in some copies": """
        input: [4, 16, 16]
        blocks:
          pair:
            params: [k]
            layers:
              - conv: {out_channels: 4, kernel_size: $k, padding: 1}
              - {relu: {}, expect: [4, 16, 16]}
        layers:
          - {pair: [3], repeat: 4}
          - {pair: [5], repeat: 3}
          - {pair: [3], repeat: 2}
        """,
    "the layer limit crossed inside a replay": """
        input: [2, 8, 8]
        blocks:
          unit:
            layers: [relu, relu, relu]
        layers:
          - {unit: {}, repeat: 40}
        """,
}


def both(source: Source, **options: object) -> tuple[Analysis, Analysis]:
    replayed = analyze(source, **options)  # type: ignore[arg-type]
    with pytest.MonkeyPatch.context() as m:
        m.setattr(_Expander, "_record", lambda self, *args: None)  # nothing is ever replayed
        expanded = analyze(source, **options)  # type: ignore[arg-type]
    return replayed, expanded


def assert_same(a: Analysis, b: Analysis) -> None:
    assert (a.graph is None) == (b.graph is None)
    if a.graph is not None and b.graph is not None:
        assert a.graph.nodes == b.graph.nodes
        assert a.graph.groups == b.graph.groups
        assert a.graph.expects == b.graph.expects
    assert a.shapes == b.shapes
    assert a.diagnostics == b.diagnostics
    assert a.layers == b.layers
    assert table.render(a, depth=2) == table.render(b, depth=2)
    assert json.render(a) == json.render(b)


@pytest.mark.parametrize("path", ZOO, ids=lambda p: p.stem)
def test_zoo(path: object) -> None:
    assert_same(*both(zoo_source(path)))  # type: ignore[arg-type]


@pytest.mark.parametrize("name", CASES)
def test_cases(name: str) -> None:
    source = Source("t.yaml", textwrap.dedent(CASES[name]))
    assert_same(*both(source))
    assert_same(*both(source, max_layers=100))

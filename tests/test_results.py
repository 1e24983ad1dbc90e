"""Format 1.1's several results: `id[i]` and `id[*]` over split ops and repeats, the nodes
they make, and the shape lookup `size(x, d)` uses (Scopes.ref_shape)."""

from __future__ import annotations

import textwrap

from cnncalc.analysis import Analysis, analyze_text
from cnncalc.declare import declare
from cnncalc.expand import _Expander
from cnncalc.loader import load
from cnncalc.source import Source, Span
from cnncalc.values import Scope


def run(text: str) -> Analysis:
    return analyze_text(textwrap.dedent(text))


def test_an_index_picks_a_copy_of_a_repeat_negative_from_the_end() -> None:
    a = run("""\
        input: [4, 8, 8]
        layers:
          - {id: m, conv: [4, 3, 1, 1], repeat: 3}
          - {id: first, from: "m[0]", relu: {}}
          - {id: last, from: "m[-1]", relu: {}}
          - {id: same, from: m, relu: {}}
          - {id: one, from: "first[0]", relu: {}}
          - concat: ["m[*]", "first[-1]"]
        """)
    assert a.exit_code() == 0, a.diagnostics
    inputs = {layer.path: layer.inputs for layer in a.layers}
    assert inputs["first"] == ("m[0]",)
    assert inputs["last"] == inputs["same"] == ("m[2]",)
    assert inputs["one"] == ("first",)  # a layer with one result: [0] is itself
    assert inputs["concat1"] == ("m[0]", "m[1]", "m[2]", "first")
    assert a.layers[-1].output_shape == (16, 8, 8)


def test_each_output_read_is_one_view_node_however_often_it_is_read() -> None:
    a = run("""\
        input: [6, 4, 4]
        layers:
          - {id: y, split: {split_size_or_sections: [1, 2, 3]}}
          - {id: a, from: "y[2]", relu: {}}
          - add: ["y[2]", a]
          - concat: ["y[*]"]
        """)
    assert a.exit_code() == 0, a.diagnostics
    rows = [(layer.path, layer.op, layer.output_shape, layer.activation_bytes)
            for layer in a.layers if layer.op in ("split", "getitem")]
    assert rows == [("y", "split", (1, 4, 4), 0), ("y[2]", "getitem", (3, 4, 4), 0),
                    ("y[0]", "getitem", (1, 4, 4), 0), ("y[1]", "getitem", (2, 4, 4), 0)]
    assert a.layers[0].output_shapes == ((1, 4, 4), (2, 4, 4), (3, 4, 4))
    assert a.layers[-1].output_shape == (6, 4, 4)


def test_a_frozen_and_a_trained_call_of_one_block_are_not_replayed_from_each_other() -> None:
    a = run("""\
        input: [4, 8, 8]
        blocks:
          b:
            layers: [{conv: [4, 1]}, {id: y, chunk: 2}, {concat: ["y[1]", "y[0]"]}]
        layers:
          - {b: {}, repeat: 2}
          - {b: {}, repeat: 2, trainable: false}
          - {b: {}, repeat: 2}
        """)
    assert a.exit_code() == 0, a.diagnostics
    assert [layer.trainable_params for layer in a.layers if layer.op == "conv"] == [
        20, 20, 0, 0, 20, 20]


def test_ref_shape_reads_a_split_output_without_making_a_node() -> None:
    """What `size(y[1], 0)` resolves through: the piece's shape, and no getitem row."""
    text = ("input: [5, 8, 8]\nlayers:\n  - {id: y, chunk: 4}\n"
            '  - {id: m, from: "y[0]", relu: {}, repeat: 2}\n')
    root, _ = load(Source("t.yaml", text))
    expander = _Expander(declare(root, "t", None, 1000), 1000)
    expansion = expander.run()
    assert expansion.graph is not None and not expansion.diagnostics
    nodes = len(expander.nodes)  # input, y, y[0], m[0], m[1]
    scope = Scope(prefix=(), inp=0)
    scope.ids.update(y=1, m=4)
    scope.copies["m"] = [3, 4]
    span = Span("t.yaml", 1, 1)
    assert expander.ref_shape("y[2]", span, scope) == (1, 8, 8)  # 5 in 4 chunks: 2, 2, 1
    assert expander.ref_shape("y[-3]", span, scope) == (2, 8, 8)
    assert expander.ref_shape("m[0]", span, scope) == (2, 8, 8)
    assert len(expander.nodes) == nodes

"""`--format json` writes its text itself (for speed), one style for show, diff and check: it
must stay exactly json.dumps(indent=2) with each list of integers on one line."""

from __future__ import annotations

import json
from typing import Any

import pytest
from conftest import ZOO, run, zoo_source
from hypothesis import given, settings
from hypothesis import strategies as st

from cnncalc.analysis import LayerResult, analyze
from cnncalc.passes.receptive import Field
from cnncalc.render import json as json_render


def reference(value: Any) -> str:
    """json.dumps(indent=2) of `value` (`##[` escaped), with each list of integers (a value,
    never text inside a string) on one line: each such list is swapped for a marker string
    before dumping, and the marker's encoding for the list's one-line text after."""
    lists: list[str] = []

    def mark(v: Any) -> Any:
        if isinstance(v, list) and v and all(type(i) is int for i in v):
            lists.append("[" + ", ".join(map(str, v)) + "]")
            return f"\x00{len(lists) - 1}\x00"
        if isinstance(v, list):
            return [mark(i) for i in v]
        if isinstance(v, dict):
            return {k: mark(i) for k, i in v.items()}
        return v

    text = json.dumps(mark(value), indent=2)
    for n, one_line in enumerate(lists):
        text = text.replace(f'"\\u0000{n}\\u0000"', one_line, 1)
    # cnncalc writes `##[` (a legacy CI workflow command) as `##\u005b`, in keys as in values
    return json_render.no_legacy_command(text + "\n")


@pytest.mark.parametrize("path", ZOO, ids=lambda p: p.stem)
def test_zoo_documents(path: object) -> None:
    a = analyze(zoo_source(path))  # type: ignore[arg-type]
    assert json_render.render(a) == reference(json_render.document(a))


def test_documents_with_problems_and_strings_that_look_like_lists() -> None:
    a = run("""\
        name: "odd [1,2] name \\u00e9 \\"quoted\\""
        input: [3, 8, 8]
        layers:
          - conv: {out_channels: 4, kernel_size: 30}
          - relu
        """)
    assert a.diagnostics
    assert json_render.render(a) == reference(json_render.document(a))
    empty = run("input: [3, 8, 8]\nlayers: []\n")
    assert json_render.render(empty) == reference(json_render.document(empty))


scalars = (st.none() | st.booleans() | st.integers(-10**20, 10**20)
           | st.floats(allow_nan=True, allow_infinity=True)
           | st.text(alphabet=st.sampled_from("ab[]1-, \n\t\"\\é€"), max_size=12))
documents = st.recursive(
    scalars,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=4), inner,
                                                                max_size=4),
    max_leaves=25)


@settings(max_examples=300, deadline=None)
@given(documents)
def test_any_value_is_written_as_json_dumps_writes_it(value: Any) -> None:
    assert json_render._text(value, "\n") + "\n" == reference(value)


ints = st.lists(st.integers(-10**12, 10**12), max_size=4)
names = st.text(alphabet=st.sampled_from("ab_.[]0 1,-\"\\é"), min_size=1, max_size=10)
fields = st.none() | st.builds(Field, ints.map(tuple), ints.map(tuple), ints.map(tuple))
layer_results = st.builds(
    LayerResult, path=names, parts=st.just(("x",)), op=names,
    inputs=st.lists(names, max_size=3).map(tuple),
    output_shape=st.none() | ints.map(tuple), params=st.integers(0, 10**15),
    trainable_params=st.integers(0, 10**15), buffers=st.integers(0, 10**9),
    macs=st.integers(0, 10**18), activation_bytes=st.integers(0, 10**12),
    receptive_field=fields, line=st.integers(1, 10**6), column=st.integers(1, 100))


@settings(max_examples=300, deadline=None)
@given(layer_results)
def test_layers_are_written_as_their_dicts_would_be(layer: LayerResult) -> None:
    newline = "\n    "
    seen: tuple[dict[object, str], dict[int, str]] = ({}, {})
    expected = json_render._text(json_render.layer(layer), newline)
    assert json_render._layer_text(layer, newline, seen) == expected
    assert json_render._layer_text(layer, newline, seen) == expected  # from what it has seen

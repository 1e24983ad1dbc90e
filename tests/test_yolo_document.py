"""The Ultralytics reader's translation: the cnncalc document (format 1.1) it writes for a
config, checked as data (analysing it needs format 1.1), and its block library (checked
against the installed Ultralytics' constructors where the oracle is installed)."""

from __future__ import annotations

import inspect
from typing import Any

import pytest
import yolo_oracle as oracle
from test_yolo_reader import TINY, parse

from cnncalc.format import META, TOP_KEYS
from cnncalc.loader import YMap, YNode, YScalar, YSeq
from cnncalc.mapping import plain
from cnncalc.ops import names
from cnncalc.readers import ultralytics as u

# ops the library and the documents use that format 1.1 added (docs/yolo.md, "What the reader
# needs from format 1.1"), now in the op registry like every other
FORMAT_1_1_OPS = {"chunk", "split", "reshape", "transpose", "permute", "matmul", "layer_scale"}


def document(text: str = TINY, **options: Any) -> dict[str, Any]:
    config, problems = parse(text, **options)
    assert config is not None and not problems
    doc, problems = u.document(config, "tiny")
    assert doc is not None and not problems, problems
    value: dict[str, Any] = plain(doc, depth=64)
    return value


def test_rows_become_layers() -> None:
    """One layer per row with the id l<row>; a `from` list is a concat (over channels:
    Concat's dim 1 counts the batch); Detect inline: per level a box and a class branch,
    then the anchors concatenated, DFL, the sigmoid of the scores and the output."""
    layers = document()["layers"]
    assert layers == [
        {"id": "l0", "Conv": {"c2": 16, "k": 3, "s": 2}},
        {"id": "l1", "Conv": {"c2": 32, "k": 3, "s": 2}},
        {"id": "l2", "C2f": {"c2": 32, "n": 1, "shortcut": True}},
        {"id": "l3", "Conv": {"c2": 64, "k": 3, "s": 2}},
        {"id": "l4", "C3k2": {"c2": 64, "n": 1, "c3k": False, "e": 0.25}},
        # a row of (c1, c2, k): cv1 keeps the default activation, as parse_model sets it
        {"id": "l5", "SPPF": {"c2": 64, "k": 5, "legacy": True}},
        {"id": "l6", "upsample": {"scale_factor": 2, "mode": "nearest"}},
        {"id": "l7", "concat": {"inputs": ["l6", "l2"], "dim": 0}},
        {"id": "l8", "C2f": {"c2": 32, "n": 1}},
        # Detect(nc=3, ch=(32, 64)): c2 = max(16, 32 // 4, 16 * 4) = 64, c3 = max(32, 3)
        {"id": "l9_box0", "from": "l8", "DetectBox": {"c2": 64, "reg_max": 16}},
        {"id": "l9_cls0", "from": "l8", "DetectClass": {"c3": 32, "nc": 3}},
        {"id": "l9_box1", "from": "l5", "DetectBox": {"c2": 64, "reg_max": 16}},
        {"id": "l9_cls1", "from": "l5", "DetectClass": {"c3": 32, "nc": 3}},
        {"id": "l9_box", "concat": {"inputs": ["l9_box0", "l9_box1"], "dim": 1}},
        {"id": "l9_cls", "concat": {"inputs": ["l9_cls0", "l9_cls1"], "dim": 1}},
        {"id": "l9_dfl", "from": "l9_box", "DFL": {"c1": 16}},
        {"id": "l9_scores", "from": "l9_cls", "sigmoid": {}},
        {"id": "l9", "concat": {"inputs": ["l9_dfl", "l9_scores"], "dim": 0}},
    ]


def test_top_level() -> None:
    doc = document()
    outputs = {"outputs": ["l9"]} if "outputs" in TOP_KEYS else {}  # once the format has it
    assert {k: v for k, v in doc.items() if k not in ("layers", "blocks")} == {
        "cnncalc": 1.1, "name": "tiny", "input": [3, 640, 640], **outputs}
    assert set(doc["blocks"]) == set(plain(u.library(), depth=64)["blocks"])


def test_legacy_detect_before_any_c3k2() -> None:
    text = TINY.replace("C3k2, [256, False, 0.25]", "C2f, [256]")
    layers = document(text)["layers"]
    assert {"id": "l9_cls0", "from": "l8", "DetectClassLegacy": {"c3": 32, "nc": 3}} in layers


def test_end2end_heads_add_the_one_to_one_branches() -> None:
    layers = document("end2end: true\n" + TINY)["layers"]
    ids = [layer["id"] for layer in layers if layer["id"].startswith("l9_")]
    assert ids[:8] == ["l9_box0", "l9_cls0", "l9_box1", "l9_cls1",
                       "l9_o2o_box0", "l9_o2o_cls0", "l9_o2o_box1", "l9_o2o_cls1"]


def test_repeated_plain_module_and_from() -> None:
    text = TINY.replace("[-1, 1, Conv, [256, 3, 2]]", "[1, 2, Conv, [256, 3, 1]]")
    layers = document(text, scale="b")["layers"]
    assert layers[3] == {"id": "l3", "from": "l1", "Conv": {"c2": 64, "k": 3, "s": 1},
                         "repeat": 2}


def test_every_node_points_at_its_row() -> None:
    config, _ = parse(TINY)
    assert config is not None
    doc, _ = u.document(config, "tiny")
    assert doc is not None
    layers = doc.get("layers")
    assert isinstance(layers, YSeq)
    lines = {layer.span.line for layer in layers.items}
    assert lines == {row.span.line for row in config.rows}
    detect = [layer for layer in layers.items if isinstance(layer, YMap)
              and str(plain(layer)["id"]).startswith("l9")]
    assert {n.span.line for layer in detect for n in _nodes(layer)} == {config.rows[9].span.line}


def _nodes(node: YNode) -> list[YNode]:
    if isinstance(node, YScalar):
        return [node]
    if isinstance(node, YSeq):
        return [node, *(n for item in node.items for n in _nodes(item))]
    return [node, *(n for k, v in node.items for n in (k, *_nodes(v)))]


def test_activation_replaces_the_default() -> None:
    doc = document('activation: "nn.LeakyReLU(0.1)"\n' + TINY)
    assert doc["blocks"]["act"] == {"layers": [{"leaky_relu": {"negative_slope": 0.1}}]}
    assert document()["blocks"]["act"] == {"layers": ["silu"]}


def test_refused_module_at_its_row() -> None:
    text = TINY.replace("[-1, 1, SPPF, [256, 5]]", "[-1, 1, AIFI, [256, 1024, 8]]")
    config, _ = parse(text)
    assert config is not None
    doc, (problem,) = u.document(config, "tiny")
    assert doc is None and problem.span is not None
    assert (problem.code, problem.span.line, problem.span.col) == (u.REFUSED, 11, 5)
    assert problem.message == ("row 5 AIFI: cnncalc does not read this module: a transformer "
                               "encoder layer (RT-DETR's attention-based intra-scale feature "
                               "interaction)")


def test_too_many_args_for_the_block() -> None:
    text = TINY.replace("[-1, 1, Conv, [256, 3, 2]]", "[-1, 1, Conv, [256, 3, 2, 1, 1, 1, 1, 1]]")
    config, _ = parse(text)
    assert config is not None
    _, (problem,) = u.document(config, "tiny")
    assert (problem.code, problem.message, problem.hint) == (
        u.BAD_ARGS, "row 3 Conv: takes at most 7 arguments (c2, k, s, p, g, d, act), got 8",
        "parse_model passes the input channels itself")


def test_too_many_args_for_a_block_that_takes_the_repeats() -> None:
    """Counted as the row writes them: parse_model inserts the repeats (and the reader's own
    parameters, SPPF's legacy, DWConv's groups, are no argument of the row)."""
    text = TINY.replace("[-1, 3, C2f, [128, True]]", "[-1, 3, C2f, [128, True, 1, 0.5, 7]]")
    text = text.replace("[-1, 1, SPPF, [256, 5]]", "[-1, 1, SPPF, [256, 5, 3, False, 1]]")
    config, _ = parse(text)
    assert config is not None
    _, problems = u.document(config, "tiny")
    assert [(p.message, p.hint) for p in problems] == [
        ("row 2 C2f: takes at most 4 arguments (c2, shortcut, g, e), got 5",
         "parse_model passes the input channels and the repeats itself"),
        ("row 5 SPPF: takes at most 4 arguments (c2, k, n, shortcut), got 5",
         "parse_model passes the input channels itself")]


# ------------------------------------------------------------------ the block library

def _calls(node: YNode) -> set[str]:
    """The op or block names a library body calls."""
    found: set[str] = set()
    if isinstance(node, YSeq):
        for item in node.items:
            if isinstance(item, YScalar) and isinstance(item.value, str):
                found.add(item.value)
            elif isinstance(item, YMap):
                found |= {str(k.value) for k, _ in item.items
                          if k.value not in META}
    return found


def test_library_calls_only_ops_blocks_and_format_1_1() -> None:
    blocks = u.library().get("blocks")
    assert isinstance(blocks, YMap)
    defined = {str(k.value) for k, _ in blocks.items}
    used: set[str] = set()
    for _, body in blocks.items:
        assert isinstance(body, YMap)
        layers = body.get("layers")
        assert layers is not None
        used |= _calls(layers)
    assert used - defined - set(names()) == set()
    assert used & set(names()) >= FORMAT_1_1_OPS


# Where a block's parameters differ from its constructor's, and why (the expression language
# has no None and no list defaults); each is documented in the library's header
DEVIATIONS = {
    ("Conv", "p"): (None, -1), ("Classify", "p"): (None, -1), ("Focus", "p"): (None, -1),
    ("Bottleneck", "k"): ((3, 3), 3),  # both convs' kernel; C3x's (1, 3)/(3, 1) is C3x's own
}
# parameters a block adds: SPPF's cv1 activation, which parse_model sets by the row's length;
# DWConv's groups, gcd(c1, c2), which the reader computes (the expression language has no gcd)
ADDED = {("SPPF", "legacy"), ("DWConv", "g")}


@pytest.mark.skipif(oracle.missing() is not None, reason=oracle.missing() or "")
def test_library_blocks_mirror_the_constructors() -> None:
    from ultralytics.nn import modules

    checked = []
    for name, params in _library_params().items():
        cls = getattr(modules, name, None)
        if cls is None:  # a piece of a module (DetectBox, C3k2_inner), not a module
            continue
        # less self, and c1, the input channels (PSABlock calls them c), except DFL's c1:
        # its bins, read from a [4 * c1, anchors] input
        wanted = list(inspect.signature(cls.__init__).parameters.values())[
            1 if name == "DFL" else 2:]
        mine = [(p, d) for p, d in params if (name, p) not in ADDED]
        theirs = []
        for p in wanted:
            default = p.default
            if (name, p.name) in DEVIATIONS:
                expected, default = DEVIATIONS[name, p.name]
                assert p.default == expected
            theirs.append((p.name, default))
        assert mine == theirs, name
        checked.append(name)
    assert len(checked) >= 15


def _library_params() -> dict[str, list[tuple[str, Any]]]:
    from cnncalc.loader import type_scalar

    blocks = u.library().get("blocks")
    assert isinstance(blocks, YMap)
    found = {}
    for key, body in blocks.items:
        assert isinstance(body, YMap)
        declared = body.get("params")
        params = []
        for item in declared.items if isinstance(declared, YSeq) else ():
            assert isinstance(item, YScalar)
            name, eq, default = str(item.value).partition("=")
            params.append((name.strip(), type_scalar(default.strip()) if eq
                           else inspect.Parameter.empty))
        found[str(key.value)] = params
    return found


def test_spp_written_out() -> None:
    """SPP's k is a list, one pool per kernel: the reader writes the layers itself."""
    text = TINY.replace("[-1, 1, SPPF, [256, 5]]", "[-1, 1, SPP, [256, [5, 9]]]")
    layers = document(text)["layers"]
    assert layers[5:9] == [
        {"id": "l5_cv1", "Conv": {"c2": 32, "k": 1}},  # c1 // 2 of row 4's 64
        {"id": "l5_m0", "from": "l5_cv1", "maxpool": {"kernel_size": 5, "stride": 1,
                                                      "padding": 2}},
        {"id": "l5_m1", "from": "l5_cv1", "maxpool": {"kernel_size": 9, "stride": 1,
                                                      "padding": 4}},
        {"id": "l5_cat", "concat": ["l5_cv1", "l5_m0", "l5_m1"]},
    ]
    assert layers[9] == {"id": "l5", "Conv": {"c2": 64, "k": 1}}


def test_segment_output_last_and_proto_beside_it() -> None:
    text = TINY.replace("Detect, [nc]", "Segment, [nc, 32, 256]")
    doc = document(text)
    assert doc.get("outputs") == (["l9", "l9_proto"] if "outputs" in TOP_KEYS else None)
    assert doc["layers"][-1]["id"] == "l9"
    assert {"id": "l9_proto", "from": "l8", "Proto": {"c_": 64, "c2": 32}} in doc["layers"]

"""The figures docs/metrics.md states in prose, computed again: the CS231n VGG-16 table, the
receptive fields of VGG-16 and ResNet-50, AlexNet's MACs under both conventions and under the
other tools' rules, and the op lists of its tables against the registry."""

from __future__ import annotations

import re

import pytest
from conftest import ROOT, zoo_source

from cnncalc.analysis import Analysis, LayerResult, analyze
from cnncalc.graph import Shape
from cnncalc.ops import SPECS
from cnncalc.ops.base import prod
from cnncalc.passes.receptive import Field
from cnncalc.render import json as json_render
from cnncalc.render import table
from cnncalc.source import Source

DOC = (ROOT / "docs" / "metrics.md").read_text(encoding="utf-8")
ZOO = ROOT / "architectures"


def zoo(name: str, **options: str) -> Analysis:
    return analyze(zoo_source(ZOO / f"{name}.yaml"), **options)  # type: ignore[arg-type]


def section(start: str, end: str) -> str:
    return DOC[DOC.index(start):DOC.index(end)]


# ---------------------------------------------------------------- the CS231n VGG-16 table

# The notes' rows ("VGGNet in detail"): memory in values per image, weights without biases.
NOTES_VGG16 = [
    ("INPUT", 224 * 224 * 3, 0),
    ("CONV3-64", 224 * 224 * 64, (3 * 3 * 3) * 64),
    ("CONV3-64", 224 * 224 * 64, (3 * 3 * 64) * 64),
    ("POOL2", 112 * 112 * 64, 0),
    ("CONV3-128", 112 * 112 * 128, (3 * 3 * 64) * 128),
    ("CONV3-128", 112 * 112 * 128, (3 * 3 * 128) * 128),
    ("POOL2", 56 * 56 * 128, 0),
    ("CONV3-256", 56 * 56 * 256, (3 * 3 * 128) * 256),
    ("CONV3-256", 56 * 56 * 256, (3 * 3 * 256) * 256),
    ("CONV3-256", 56 * 56 * 256, (3 * 3 * 256) * 256),
    ("POOL2", 28 * 28 * 256, 0),
    ("CONV3-512", 28 * 28 * 512, (3 * 3 * 256) * 512),
    ("CONV3-512", 28 * 28 * 512, (3 * 3 * 512) * 512),
    ("CONV3-512", 28 * 28 * 512, (3 * 3 * 512) * 512),
    ("POOL2", 14 * 14 * 512, 0),
    ("CONV3-512", 14 * 14 * 512, (3 * 3 * 512) * 512),
    ("CONV3-512", 14 * 14 * 512, (3 * 3 * 512) * 512),
    ("CONV3-512", 14 * 14 * 512, (3 * 3 * 512) * 512),
    ("POOL2", 7 * 7 * 512, 0),
    ("FC", 4096, 7 * 7 * 512 * 4096),
    ("FC", 4096, 4096 * 4096),
    ("FC", 1000, 4096 * 1000),
]
NOTES_VALUES = sum(values for _, values, _ in NOTES_VGG16)
NOTES_WEIGHTS = sum(weights for _, _, weights in NOTES_VGG16)
NOTES_BIASES = 2 * 64 + 2 * 128 + 3 * 256 + 6 * 512 + 4096 + 4096 + 1000


def test_the_notes_rows_sum_to_15_237_608_values_not_24m() -> None:
    assert NOTES_VGG16[0][1] == 150_528
    assert NOTES_VALUES == 15_237_608
    assert NOTES_VALUES * 4 == 60_950_432  # about 61 MB, not the notes' "93MB"
    assert table.size(NOTES_VALUES * 4) == "58.1 MiB"
    for figure in ("15,237,608", "150,528", "60,950,432", "61 MB", "58.1 MiB", "93 MB"):
        assert figure in DOC


def test_vgg16_activations_are_the_notes_rows_plus_the_adaptive_pool() -> None:
    a = zoo("vgg16")
    assert a.totals.activation_bytes == 61_050_784
    assert json_render.document(a)["totals"]["activation_bytes"] == 61_050_784
    values = a.totals.activation_bytes // 4
    assert values == 15_262_696 == NOTES_VALUES + 25_088
    pool = next(layer for layer in a.layers if layer.op == "adaptive_avgpool")
    assert pool.activation_bytes // 4 == 25_088
    # every other allocation is one of the notes' rows, in the notes' order
    allocated = [layer.activation_bytes // 4 for layer in a.layers
                 if layer.activation_bytes and layer is not pool]
    assert [NOTES_VGG16[0][1], *allocated] == [v for _, v, _ in NOTES_VGG16]
    for figure in ("15,262,696", "61,050,784", "61050784", "25,088"):
        assert figure in DOC


def test_vgg16_weights_are_the_notes_plus_biases() -> None:
    assert NOTES_WEIGHTS == 138_344_128
    assert NOTES_BIASES == 13_416
    assert NOTES_WEIGHTS + NOTES_BIASES == zoo("vgg16").totals.params == 138_357_544
    for figure in ("138,344,128", "13,416", "138,357,544"):
        assert figure in DOC


# ---------------------------------------------------------------- receptive fields

@pytest.mark.parametrize(("network", "path", "field"), [
    ("vgg16", "stage5.maxpool1", (212, 32, -90)),  # pool5
    ("resnet50", "res5[2].relu1", (427, 32, -213)),  # the end of layer4
])
def test_well_known_receptive_fields(network: str, path: str,
                                     field: tuple[int, int, int]) -> None:
    layers = {layer.path: layer for layer in zoo(network).layers}
    size, stride, start = field
    assert layers[path].receptive_field == Field((size, size), (stride, stride), (start, start))
    assert f"{size} /{stride} @{start}" in DOC


# ---------------------------------------------------------------- MACs

def _input_shape(a: Analysis, layer: LayerResult) -> Shape:
    shapes = {other.path: other.output_shape for other in a.layers}
    shape = a.input if layer.inputs[0] == "input" else shapes[layer.inputs[0]]
    assert shape is not None
    return shape


def _extra(tv: Analysis, every: Analysis, *ops: str) -> int:
    """What `--count all` adds to the layers of these ops."""
    return sum(b.macs - a.macs for a, b in zip(tv.layers, every.layers) if a.op in ops)


def test_alexnet_macs_under_both_conventions() -> None:
    tv, every = zoo("alexnet"), zoo("alexnet", count="all")
    assert tv.totals.macs == 714_188_480
    assert tv.totals.flops == 1_428_376_960
    assert every.totals.macs == 715_979_944
    assert every.totals.macs - tv.totals.macs == 1_791_464
    # the parts the document names
    assert _extra(tv, every, "conv") == 484_992
    assert _extra(tv, every, "linear") == 9_192
    assert _extra(tv, every, "relu") == 493_184
    pools = [layer for layer in tv.layers if layer.op == "maxpool"]
    assert sum(prod(p.output_shape or ()) for p in pools) == 88_320
    assert _extra(tv, every, "maxpool") == 88_320 * 9 == 794_880
    assert _extra(tv, every, "adaptive_avgpool") == 9_216
    for figure in ("714,188,480", "715,979,944", "1,791,464", "494,184", "493,184",
                   "794,880", "1,428,376,960"):
        assert figure in DOC


def test_other_tools_alexnet_totals_follow_from_their_rules() -> None:
    """The table 'Why tools disagree': each tool's reported total is cnncalc's count plus
    what the document says that tool adds."""
    tv, every = zoo("alexnet"), zoo("alexnet", count="all")
    macs = tv.totals.macs
    biases = _extra(tv, every, "conv", "linear")
    adaptive = next(layer for layer in tv.layers if layer.op == "adaptive_avgpool")
    adaptive_in = prod(_input_shape(tv, adaptive))
    adaptive_out = prod(adaptive.output_shape or ())
    relu = sum(prod(layer.output_shape or ()) for layer in tv.layers if layer.op == "relu")
    pool_in = sum(prod(_input_shape(tv, layer)) for layer in tv.layers
                  if layer.op in ("maxpool", "adaptive_avgpool"))
    assert (biases, adaptive_in, relu, pool_in) == (494_184, 9_216, 493_184, 386_048)
    reported = {
        "fvcore": (714_197_696, macs + adaptive_in),
        "thop": (714_206_912, macs + 2 * adaptive_out),  # an add and a divide per output
        "torchinfo": (714_682_664, macs + biases),
        "ptflops": (716_441_128, macs + biases + 2 * (relu + pool_in)),
    }
    for tool, (total, derived) in reported.items():
        assert total == derived, tool
        assert re.search(rf"^\| {tool}\b.*\| {total:,} \|", DOC, re.M), tool
    assert round(2 * macs / 1e9, 3) == 1.428


@pytest.mark.parametrize(("network", "published"), [
    ("alexnet", "0.714"), ("vgg16", "15.47"), ("resnet50", "4.089"), ("mobilenet_v2", "0.301"),
])
def test_torchvision_published_gflops_are_cnncalcs_gmacs(network: str, published: str) -> None:
    assert round(zoo(network).totals.macs / 1e9, 3) == float(published)
    assert published in DOC


def test_count_all_example_transposed_convolution() -> None:
    text = re.search(r"<!-- file: count_all.yaml -->\n```yaml\n(.*?)^```$", DOC,
                     re.M | re.S)
    assert text
    a = analyze(Source("count_all.yaml", text.group(1)))
    (layer,) = [layer for layer in a.layers if layer.op == "conv_transpose"]
    assert layer.macs == 16 * 16 * 8 * 4 * (4 * 4) == 131_072
    # counted over output positions as a convolution would be: stride² = 4 times more
    assert prod(layer.output_shape or ()) * 8 * (4 * 4) == 524_288
    assert "524,288" in DOC


def test_count_all_table_lists_every_op() -> None:
    rows = section("### `--count all`", "## Memory")
    listed = [name for line in re.findall(r"^\| (`.*?) \|", rows, re.M)
              for name in re.findall(r"`(\w+)`", line)]
    assert sorted(listed) == sorted(spec.name for spec in SPECS if not spec.internal)


def test_in_place_activations_are_the_ops_with_inplace() -> None:
    rows = section("### What a layer allocates", "### Totals")
    line = next(line for line in rows.splitlines() if "`inplace: true`" in line)
    listed = [name for name in re.findall(r"`(\w+)`", line.split("|")[2]) if name != "inplace"]
    assert sorted(listed) == sorted(spec.name for spec in SPECS
                                    if spec.arg("inplace") and spec.name != "dropout")


# ---------------------------------------------------------------- memory example

def test_memory_example_figures() -> None:
    text = re.search(r"<!-- file: memory.yaml -->\n```yaml\n(.*?)^```$", DOC, re.M | re.S)
    assert text
    a = analyze(Source("memory.yaml", text.group(1)))
    assert a.totals.activation_bytes == 159_784 == 39_946 * 4
    assert a.totals.peak_activation_bytes == 2 * 64 * 1024 and a.totals.peak_at == "bn1"
    assert a.totals.buffer_bytes == 32 * 4 + 8
    half = analyze(Source("memory.yaml", text.group(1)), batch=8, dtype="float16",
                   optimizer="sgd")
    assert half.totals.buffer_bytes == 32 * 2 + 8 == 72
    assert half.totals.training_bytes == (2 * half.totals.param_bytes + half.totals.buffer_bytes
                                          + half.totals.activation_bytes)
    assert half.totals.macs == 8 * a.totals.macs
    assert half.totals.activation_bytes == 4 * a.totals.activation_bytes
    for figure in ("39,946", "159,784"):
        assert figure in DOC


# ---------------------------------------------------------------- share bars

def test_vgg16_fc6_holds_three_quarters_of_the_parameters() -> None:
    a = zoo("vgg16")
    fc6 = next(layer for layer in a.layers if layer.path == "linear1")
    assert f"{fc6.params / a.totals.params:.1%}" == "74.3%"
    assert fc6.macs / a.totals.macs < 0.01  # "under 1%" of the MACs
    assert "74.3%" in DOC

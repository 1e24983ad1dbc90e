"""The CS231n notes, layer by layer: the numbers are the course's, written out here."""

from __future__ import annotations

from conftest import ROOT, run, zoo_source

from cnncalc.analysis import analyze
from cnncalc.graph import format_shape

ZOO = ROOT / "architectures"

# AlexNet as the notes walk through it (227x227x3 input, one tower): H x W x C and weights.
ALEXNET_CS231N = [
    ("conv1.conv1", "55x55x96", 34_944),      # (11*11*3)*96 + 96
    ("norm1", "55x55x96", 0),
    ("pool1", "27x27x96", 0),
    ("conv2.conv1", "27x27x256", 614_656),    # (5*5*96)*256 + 256
    ("norm2", "27x27x256", 0),
    ("pool2", "13x13x256", 0),
    ("conv3.conv1", "13x13x384", 885_120),    # (3*3*256)*384 + 384
    ("conv4.conv1", "13x13x384", 1_327_488),  # (3*3*384)*384 + 384
    ("conv5.conv1", "13x13x256", 884_992),    # (3*3*384)*256 + 256
    ("pool3", "6x6x256", 0),
    ("fc6", "4096", 37_752_832),              # 9216*4096 + 4096
    ("fc7", "4096", 16_781_312),              # 4096*4096 + 4096
    ("fc8", "1000", 4_097_000),               # 4096*1000 + 1000
]


def test_alexnet_layer_by_layer() -> None:
    a = analyze(zoo_source(ZOO / "alexnet_cs231n.yaml"))
    layers = {layer.path: layer for layer in a.layers}
    for path, shape, params in ALEXNET_CS231N:
        layer = layers[path]
        assert layer.output_shape is not None
        assert (path, format_shape(layer.output_shape, "hwc"), layer.params) == (
            path, shape, params)
    assert a.totals.params == 62_378_344
    assert [d.code for d in a.diagnostics if d.code.startswith(("E", "W"))] == []


def test_conv_layer_example() -> None:
    a = analyze(zoo_source(ZOO / "cs231n_examples.yaml"))
    (layer,) = a.layers
    assert (layer.output_shape, layer.params) == ((10, 32, 32), 760)  # (5*5*3)*10 + 10


def test_seed_quiz_4x4() -> None:
    a = analyze(zoo_source(ZOO / "cs231n_quiz.yaml"))
    assert a.output_shape == (1, 2, 2)  # (4 - 3 + 2*0)/1 + 1 = 2


def test_stride_mismatch_is_flagged_with_the_fraction() -> None:
    a = analyze(zoo_source(ZOO / "stride_mismatch.yaml"))
    (warning,) = a.diagnostics
    assert warning.code == "W101"
    assert "(7 − 3 + 2·0)/3 + 1 = 2.33" in warning.message
    assert "the last input row and column are never read" in warning.message
    assert warning.hint is not None and "padding=1" in warning.hint
    assert a.output_shape == (1, 2, 2)  # floored, as PyTorch floors it


def test_only_padding_unread_is_a_note() -> None:
    a = run("""
        input: [64, 56, 56]
        layers:
          - conv: {out_channels: 128, kernel_size: 3, stride: 2, padding: 1}
    """)
    (note,) = a.diagnostics
    assert note.code == "N101" and note.severity.value == "note"
    assert "(56 − 3 + 2·1)/2 + 1 = 28.50" in note.message
    assert a.output_shape == (128, 28, 28)
    assert a.exit_code(strict=True) == 0


def test_notes_volume_example() -> None:
    """The notes: 'the first CONV layer ... 227x227x3 input ... 96 filters of 11x11, stride 4'
    gives (227 - 11)/4 + 1 = 55 with no remainder."""
    a = run("input: [3, 227, 227]\nlayers:\n  - conv: [96, 11, 4]\n")
    assert a.output_shape == (96, 55, 55)
    assert a.diagnostics == ()

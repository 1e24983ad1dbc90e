"""The format v1, feature by feature: layer forms, meta keys, merges, blocks, expressions."""

from __future__ import annotations

import pytest
from conftest import run

from cnncalc.analysis import Analysis


def shapes(a: Analysis) -> dict[str, tuple[int, ...] | None]:
    return {layer.path: layer.output_shape for layer in a.layers}


def clean(a: Analysis) -> Analysis:
    assert [d for d in a.diagnostics if d.severity.value == "error"] == []
    return a


def test_four_layer_forms() -> None:
    a = clean(run("""
        input: [3, 32, 32]
        layers:
          - conv: {out_channels: 8, kernel_size: 3, padding: 1}   # keyword
          - conv: [8, 3, 2, 1]                                     # positional
          - relu                                                   # bare
          - flatten: {}
          - linear: 10                                             # scalar
    """))
    assert shapes(a) == {"conv1": (8, 32, 32), "conv2": (8, 16, 16), "relu1": (8, 16, 16),
                         "flatten1": (2048,), "linear1": (10,)}
    assert [layer.params for layer in a.layers] == [224, 584, 0, 0, 20490]


def test_input_mapping_forms_and_override() -> None:
    assert clean(run("input: {c: 3, h: 20, w: 10}\nlayers: [relu]\n")).input == (3, 20, 10)
    assert clean(run("input: {c: 2, l: 50}\nlayers: [relu]\n")).input == (2, 50)
    assert clean(run("input: {c: 1, d: 8, h: 9, w: 10}\nlayers: [relu]\n")).input == (1, 8, 9, 10)
    a = clean(run("input: [3, 224, 224]\nlayers: [{conv: [4, 3]}]\n", input=(3, 512, 512)))
    assert a.output_shape == (4, 510, 510)


def test_ids_from_and_merges() -> None:
    a = clean(run("""
        input: [16, 8, 8]
        layers:
          - {id: a, conv: [16, 3, 1, 1]}
          - {id: b, from: input, conv: [16, 1]}
          - {id: s, add: [a, b]}
          - {id: gate, from: a, conv: [16, 1]}
          - {mul: [s, gate]}
          - {concat: [prev, a, input]}
          - {concat: {inputs: [a, b], dim: 1}}
    """))
    assert shapes(a)["concat1"] == (48, 8, 8)
    assert shapes(a)["concat2"] == (16, 16, 8)
    assert a.layers[2].inputs == ("a", "b")


def test_broadcasting_merge() -> None:
    a = clean(run("""
        input: [8, 4, 4]
        layers:
          - {id: x, relu: {}}
          - gap
          - {id: g, conv: [8, 1]}
          - mul: [x, g]
    """))
    assert a.output_shape == (8, 4, 4)


def test_blocks_calls_nesting_and_expressions() -> None:
    a = clean(run("""
        input: [3, 16, 16]
        blocks:
          cbr:
            params: [out, k=3, act=true]
            layers:
              - conv: {out_channels: $out, kernel_size: $k, padding: $(k // 2)}
              - bn
              - {relu: {}, when: $act}
          double:
            params: [out]
            layers:
              - cbr: {out: $(in_c * 2)}
              - cbr: [$out, 1, false]
          plain:
            layers: [identity]
        layers:
          - cbr: 4
          - double: {out: 6}
          - plain
          - {plain: {}}
    """))
    assert shapes(a) == {
        "cbr1.conv1": (4, 16, 16), "cbr1.bn1": (4, 16, 16), "cbr1.relu1": (4, 16, 16),
        "double1.cbr1.conv1": (8, 16, 16), "double1.cbr1.bn1": (8, 16, 16),
        "double1.cbr1.relu1": (8, 16, 16),
        "double1.cbr2.conv1": (6, 16, 16), "double1.cbr2.bn1": (6, 16, 16),
        "plain1.identity1": (6, 16, 16), "plain2.identity1": (6, 16, 16)}


def test_repeat_first_paths_and_last_copy_id() -> None:
    a = clean(run("""
        input: [4, 32, 32]
        blocks:
          down:
            params: [out, s=1]
            layers: [{conv: {out_channels: $out, kernel_size: 3, stride: $s, padding: 1}}]
        layers:
          - {id: stage, down: 8, repeat: 3, first: {s: 2}}
          - {conv: [8, 3, 1, 1], repeat: 2, first: {stride: 2}}
          - {from: stage, relu: {}}
    """))
    assert shapes(a) == {"stage[0].conv1": (8, 16, 16), "stage[1].conv1": (8, 16, 16),
                         "stage[2].conv1": (8, 16, 16), "conv1[0]": (8, 8, 8),
                         "conv1[1]": (8, 8, 8), "relu1": (8, 16, 16)}


def test_when_false_passes_input_through_and_merge_passes_first() -> None:
    a = clean(run("""
        input: [4, 8, 8]
        blocks:
          maybe_res:
            params: [res=false]
            layers:
              - {id: proj, conv: [4, 1]}
              - {add: [proj, in], when: $res}
        layers:
          - {id: skipped, conv: [99, 1], when: false}
          - {from: skipped, maybe_res: {}}
          - {maybe_res: {res: true}}
    """))
    assert [layer.path for layer in a.layers] == [
        "maybe_res1.proj", "maybe_res2.proj", "maybe_res2.add1"]
    assert a.output_shape == (4, 8, 8)


def test_defaults_apply_to_aliases_and_are_overridden() -> None:
    a = clean(run("""
        input: [3, 8, 8]
        defaults:
          conv: {bias: false}
        layers:
          - conv2d: [4, 3]
          - conv: {out_channels: 4, kernel_size: 3, bias: true}
    """))
    assert [layer.params for layer in a.layers] == [108, 148]


def test_expect_passes_and_fails() -> None:
    a = run("""
        input: [3, 32, 32]
        layers:
          - {conv: [10, 5, 1, 2], expect: {shape: [10, 32, 32], params: 760}}
          - {conv: [10, 5], expect: [10, 27, 27]}
        expect: {params: 3270, output: [10, 28, 28], macs: 1}
    """)
    failed = [(d.span.line, d.span.col, d.message) for d in a.diagnostics if d.code == "E301"]
    assert [(line, col) for line, col, _ in failed] == [(5, 29), (6, 46)]
    assert "expected shape of conv2 10x27x27, computed 10x28x28" in failed[0][2]
    assert "expected macs of the network 1, computed" in failed[1][2]
    assert a.exit_code() == 1


@pytest.mark.parametrize(("layer", "shape", "params", "buffers"), [
    ("conv: {out_channels: 4, kernel_size: 3, padding: same, dilation: 2}", (4, 10, 10), 112, 0),
    ("conv: {out_channels: 4, kernel_size: 4, padding: same}", (4, 10, 10), 196, 0),
    ("conv: {out_channels: 4, kernel_size: [3, 1], padding: valid}", (4, 8, 10), 40, 0),
    ("conv: {out_channels: 6, kernel_size: 3, groups: 3}", (6, 8, 8), 60, 0),
    ("conv_transpose: {out_channels: 2, kernel_size: 3, stride: 2, padding: 1, "
     "output_padding: 1}", (2, 20, 20), 56, 0),
    ("maxpool: {kernel_size: 3, stride: 2, ceil_mode: true}", (3, 5, 5), 0, 0),
    ("avgpool: {kernel_size: 3, stride: 2, padding: 1}", (3, 5, 5), 0, 0),
    ("adaptive_avgpool: {output_size: [3, null]}", (3, 3, 10), 0, 0),
    ("adaptive_maxpool: {output_size: 20}", (3, 20, 20), 0, 0),
    ("gap", (3, 1, 1), 0, 0),
    ("bn", (3, 10, 10), 6, 7),
    ("bn: {affine: false, track_running_stats: false}", (3, 10, 10), 0, 0),
    ("groupnorm: {num_groups: 3}", (3, 10, 10), 6, 0),
    ("layernorm", (3, 10, 10), 6, 0),
    ("layernorm: {normalized_shape: [10, 10]}", (3, 10, 10), 200, 0),
    ("lrn: 5", (3, 10, 10), 0, 0),
    ("prelu", (3, 10, 10), 1, 0),
    ("prelu: {num_parameters: channels}", (3, 10, 10), 3, 0),
    ("upsample: {scale_factor: 2}", (3, 20, 20), 0, 0),
    ("upsample: [7]", (3, 7, 7), 0, 0),
    ("pad: 1", (3, 12, 12), 0, 0),
    ("pad: {padding: [1, 2, 0, -1]}", (3, 9, 13), 0, 0),
    ("channel_shuffle: 3", (3, 10, 10), 0, 0),
    ("softmax", (3, 10, 10), 0, 0),
    ("dropout2d: 0.1", (3, 10, 10), 0, 0),
])
def test_ops_2d(layer: str, shape: tuple[int, ...], params: int, buffers: int) -> None:
    a = clean(run(f"input: [3, 10, 10]\nlayers:\n  - {layer}\n"))
    assert (a.output_shape, a.totals.params, a.totals.buffers) == (shape, params, buffers)


@pytest.mark.parametrize(("input", "layer", "shape", "params"), [
    ("[2, 50]", "conv1d: [4, 5, 2]", (4, 23), 44),
    ("[2, 50]", "maxpool: 2", (2, 25), 0),
    ("[2, 50]", "conv_transpose: [3, 4, 2]", (3, 102), 27),
    ("[2, 8, 16, 16]", "conv3d: [4, 3, 1, 1]", (4, 8, 16, 16), 220),
    ("[2, 8, 16, 16]", "maxpool: {kernel_size: [1, 2, 2]}", (2, 8, 8, 8), 0),
    ("[2, 8, 16, 16]", "adaptive_avgpool: 1", (2, 1, 1, 1), 0),
    ("[2, 8, 16, 16]", "bn", (2, 8, 16, 16), 4),
    ("[100]", "linear: [10, false]", (10,), 1000),
])
def test_ops_1d_3d_and_flat(input: str, layer: str, shape: tuple[int, ...],
                            params: int) -> None:
    a = clean(run(f"input: {input}\nlayers:\n  - {layer}\n"))
    assert (a.output_shape, a.totals.params) == (shape, params)


def test_activations_accept_inplace() -> None:
    names = ["relu", "relu6", "leaky_relu", "elu", "selu", "celu", "silu", "mish",
             "hardswish", "hardsigmoid", "hardtanh", "dropout"]
    layers = "\n".join(f"  - {n}: {{inplace: true}}" for n in names)
    assert clean(run(f"input: [3, 4, 4]\nlayers:\n{layers}\n")).output_shape == (3, 4, 4)


def test_yaml_12_scalars() -> None:
    a = clean(run("input: [3, 8, 8]\nlayers:\n  - bn: {eps: 1e-5}\n  - {relu: {}, when: true}\n"))
    assert a.totals.buffers == 7
    bad = run("input: [3, 8, 8]\nlayers:\n  - {relu: {}, when: yes}\n")
    assert [d.code for d in bad.diagnostics] == ["E103"]
    assert "write true or false" in (bad.diagnostics[0].hint or "")


def test_merge_inputs_from_defaults() -> None:
    a = clean(run("""
        input: [3, 8, 8]
        defaults:
          add: {inputs: [input, prev]}
        layers: [relu, add]
    """))
    assert a.layers[-1].inputs == ("input", "relu1")


def test_generated_names_skip_ids_in_use() -> None:
    a = clean(run("""
        input: [3, 8, 8]
        layers:
          - {id: conv1, relu: {}}
          - conv: [4, 3]
          - {from: conv1, relu: {}}
    """))
    assert [layer.path for layer in a.layers] == ["conv1", "conv2", "relu2"]
    assert a.layers[-1].inputs == ("conv1",)
    assert a.layers[-1].output_shape == (3, 8, 8)


def test_float_powers_in_expressions() -> None:
    a = clean(run('input: [3, 8, 8]\nlayers:\n  - dropout: "$(0.5 ** 2)"\n'))
    assert a.output_shape == (3, 8, 8)


@pytest.mark.parametrize("text", [
    "input: [1, 3000000001]\nlayers:\n  - conv: {out_channels: 1, kernel_size: 3, stride: 3}\n",
    "input: [300000001, 1, 1]\nlayers:\n  - conv: {out_channels: 300000001, kernel_size: 1, "
    "groups: 2}\n",
    "input: [300000001, 1, 1]\nlayers:\n  - groupnorm: 2\n",
])
def test_hints_cost_the_same_for_huge_sizes(text: str) -> None:
    import time

    start = time.perf_counter()
    a = run(text)
    assert a.diagnostics and all(d.hint for d in a.diagnostics)
    assert time.perf_counter() - start < 1.0


def test_concat_along_a_spatial_axis_has_no_single_receptive_field() -> None:
    a = clean(run("input: [1, 8, 8]\nlayers:\n  - concat: {inputs: [input, input], dim: -1}\n"))
    assert a.output_shape == (1, 8, 16)
    assert a.layers[0].receptive_field is None

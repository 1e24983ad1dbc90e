"""`inference: false` (a layer or block call the model builds but its inference forward never
runs: its params and buffers count, its MACs and activations do not) and the `buffer` op
(state registered with register_buffer), checked by hand and against PyTorch."""

from __future__ import annotations

import importlib.util
import math
import textwrap

import pytest

from cnncalc.analysis import Analysis, analyze_text

AUX = """\
    input: [3, 32, 32]
    blocks:
      head:
        params: [n]
        layers: [gap, flatten, {linear: $n}]
    layers:
      - {id: stem, conv: {out_channels: 16, kernel_size: 3, padding: 1}}
      - {from: stem, head: 10, inference: false}
      - {from: stem, conv: {out_channels: 32, kernel_size: 2, stride: 2}}
      - head: 10
    """


def run(text: str, **options: object) -> Analysis:
    return analyze_text(textwrap.dedent(text), "t.yaml", **options)  # type: ignore[arg-type]


def test_a_branch_not_run_counts_its_params_but_no_macs_and_no_memory() -> None:
    a = run(AUX)
    assert a.exit_code() == 0, a.diagnostics
    aux = [layer for layer in a.layers if layer.parts[0] == "head1"]
    assert [(layer.op, layer.params, layer.macs, layer.activation_bytes) for layer in aux] == [
        ("global_avgpool", 0, 0, 0), ("flatten", 0, 0, 0), ("linear", 170, 0, 0)]
    # the same network without the aux head, plus its 170 params
    alone = run(AUX.replace("      - {from: stem, head: 10, inference: false}\n", ""))
    assert a.totals.params == alone.totals.params + 170
    assert a.totals.macs == alone.totals.macs
    assert a.totals.activation_bytes == alone.totals.activation_bytes
    assert a.totals.peak_activation_bytes == alone.totals.peak_activation_bytes


def test_inside_a_call_not_run_everything_is_not_run_and_replays_stay_apart() -> None:
    """`inference: true` inside a call not run changes nothing; a call run and one not run of
    the same block are not replayed from each other."""
    a = run("""\
        input: [4, 8, 8]
        blocks:
          b:
            layers: [{conv: [4, 1], inference: true}, relu]
        layers:
          - {b: {}, repeat: 2}
          - {b: {}, repeat: 2, inference: false}
          - {b: {}, repeat: 2}
        """)
    assert a.exit_code() == 0, a.diagnostics
    assert [(layer.params, layer.macs) for layer in a.layers if layer.op == "conv"] == [
        (20, 1024), (20, 1024), (20, 0), (20, 0), (20, 1024), (20, 1024)]


def test_inference_must_be_a_boolean() -> None:
    a = run("input: [3, 8, 8]\nlayers:\n  - {relu: {}, inference: no}\n")
    assert [(d.code, d.message) for d in a.diagnostics] == [
        ("E103", "inference must be true or false, got 'no'")]


def test_a_buffer_counts_its_elements_and_passes_its_input_on() -> None:
    a = run("""\
        input: [2]
        layers:
          - buffer: {shape: [2, 2]}
          - buffer: {shape: 6}
          - linear: 3
        """)
    assert a.exit_code() == 0, a.diagnostics
    assert [(layer.op, layer.output_shape, layer.params, layer.buffers, layer.macs)
            for layer in a.layers] == [
        ("buffer", (2,), 0, 4, 0), ("buffer", (2,), 0, 6, 0), ("linear", (3,), 9, 0, 6)]
    assert a.totals.buffers == 10


@pytest.mark.skipif(importlib.util.find_spec("torch") is None, reason="needs torch")
def test_against_torch_parameters_and_the_eval_forward_hooks() -> None:
    """A module with an auxiliary head its eval forward skips and a registered buffer:
    parameters and buffers as torch counts them, MACs as the eval forward calls convs and
    linears."""
    import torch
    from torch import nn

    class Net(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.stem = nn.Conv2d(3, 16, 3, padding=1)
            self.aux = nn.Sequential(nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(16, 10))
            self.down = nn.Conv2d(16, 32, 2, 2)
            self.head = nn.Sequential(nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(32, 10))
            self.register_buffer("prior", torch.zeros(2, 2))

        def forward(self, x: torch.Tensor) -> torch.Tensor:
            x = self.stem(x)
            aux = self.aux(x) if self.training else None
            y = self.head(self.down(x))
            return y if aux is None else y + aux

    net = Net().eval()
    macs = []

    def hook(module: nn.Module, inputs: tuple[torch.Tensor, ...], out: torch.Tensor) -> None:
        per = (module.in_channels // module.groups * math.prod(module.kernel_size)
               if isinstance(module, nn.Conv2d) else module.in_features)
        macs.append(out[0].numel() * per)

    for module in net.modules():
        if isinstance(module, (nn.Conv2d, nn.Linear)):
            module.register_forward_hook(hook)
    with torch.no_grad():
        net(torch.zeros(1, 3, 32, 32))
    a = run(AUX.rstrip(" ") + "      - buffer: {shape: [2, 2]}\n")
    assert a.exit_code() == 0, a.diagnostics
    assert (a.totals.params, a.totals.buffers, a.totals.macs) == (
        sum(p.numel() for p in net.parameters()), sum(b.numel() for b in net.buffers()),
        sum(macs))

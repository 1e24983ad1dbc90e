"""Receptive fields against PyTorch, by gradient footprint.

Turn a network into a positive linear map with the same geometry: every conv gets weights
1/fan_in and no bias, ReLU/BN/dropout/LRN become the identity, max pooling becomes average
pooling over the same window (count_include_pad, so every tap is positive). Then the gradient
of one output unit with respect to an input of ones is nonzero exactly where that unit can see,
and its extent per axis must be cnncalc's [y*stride + start, y*stride + start + size - 1].
Two neighbouring units y and y+1 give the stride. Through merges the footprint is the union of
the paths, which for the aligned merges used here is the widest path (cnncalc's rule).

The units are picked inside the image with a margin of one pixel on each side, so a field that
is really larger than cnncalc says shows up as a footprint reaching past cnncalc's ends instead
of being clipped to them. A conv with uniform weights makes all its output channels equal, so
its channels are collapsed to one (their mean, then a 1-in 1-out conv): shapes, fields and
footprints don't depend on channel counts, and the whole check stays cheap in float64.

Skipped without torch; CI installs it, so there it always runs.
"""

from __future__ import annotations

import math
import textwrap
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from conftest import ROOT

torch = pytest.importorskip("torch", reason="receptive-field checks need torch (CI installs it)")

import torch.nn.functional as F  # noqa: E402
from reference_models import MODELS  # noqa: E402
from torch import Tensor, nn  # noqa: E402

from cnncalc.analysis import Analysis, analyze  # noqa: E402
from cnncalc.passes.receptive import Field  # noqa: E402
from cnncalc.source import Source  # noqa: E402
from cnncalc.torchgen import PRELUDE, node_code  # noqa: E402

NAMESPACE: dict[str, Any] = {"torch": torch, "nn": nn}
exec(PRELUDE, NAMESPACE)  # defines the helper modules generated code may use

DTYPE = torch.float64
ZOO = ROOT / "architectures"


@pytest.fixture(autouse=True)
def _one_thread() -> Iterator[None]:
    """One-channel maps are too small to share out: on a busy 2-core machine, two intra-op
    threads made these tests 5-10x slower than one."""
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(threads)


# --------------------------------------------------------------------------- positive twins


class CollapsedConv(nn.Module):
    """A conv with every weight 1/fan_in and no bias. All its output channels would be equal,
    so one stands for them: average the input channels, then a 1-in 1-out conv with the
    original geometry (kernel, stride, padding, dilation, padding mode)."""

    def __init__(self, conv: nn.modules.conv._ConvNd) -> None:
        super().__init__()
        self.conv = type(conv)(
            1, 1, conv.kernel_size, conv.stride, conv.padding, conv.dilation,
            bias=False, padding_mode=conv.padding_mode, device="cpu", dtype=DTYPE)
        nn.init.constant_(self.conv.weight, 1 / math.prod(conv.kernel_size))

    def forward(self, x: Tensor) -> Tensor:
        return self.conv(x.mean(1, keepdim=True))


def _per_axis(value: Any, rank: int) -> tuple[int, ...]:
    return tuple(value) if isinstance(value, (tuple, list)) else (value,) * rank


class DilatedAvgPool(nn.Module):
    """A dilated max pool as a positive average over the same dilated window (AvgPool has no
    dilation): zero padding, a depthwise conv of 1/k weights, cut to max pooling's output size
    (ceil mode may add a last window that runs into the right padding)."""

    def __init__(self, pool: nn.Module) -> None:
        super().__init__()
        self.pool = pool  # the real max pool, for its output size only

    def forward(self, x: Tensor) -> Tensor:
        rank = x.dim() - 2
        k, s, p, d = (_per_axis(getattr(self.pool, name), rank)
                      for name in ("kernel_size", "stride", "padding", "dilation"))
        out = self.pool(x.detach()).shape[2:]
        pads: list[int] = []
        for L, n, kk, ss, pp, dd in reversed(list(zip(x.shape[2:], out, k, s, p, d))):
            pads += [pp, max(pp, (n - 1) * ss + dd * (kk - 1) + 1 - L - pp)]
        x = F.pad(x, pads)
        weight = x.new_full((x.shape[1], 1, *k), 1 / math.prod(k))
        y = getattr(F, f"conv{rank}d")(x, weight, stride=s, dilation=d, groups=x.shape[1])
        for axis, n in enumerate(out, start=2):
            y = y.narrow(axis, 0, n)
        return y


def _per_pixel(module: nn.Module) -> bool:
    """Activations, norms, dropout, channel shuffles: no spatial extent, identity here."""
    return (isinstance(module, (nn.modules.batchnorm._NormBase, nn.LayerNorm, nn.GroupNorm,
                                nn.LocalResponseNorm, nn.modules.dropout._DropoutNd,
                                nn.ChannelShuffle, nn.Identity))
            or type(module).__module__ == "torch.nn.modules.activation")


def surrogate(module: nn.Module) -> nn.Module:
    """`module` as a positive linear map of the same geometry, containers rebuilt in place."""
    if isinstance(module, nn.modules.conv._ConvTransposeNd):
        raise TypeError("transposed convs have no receptive field to check")
    if isinstance(module, nn.modules.conv._ConvNd):
        return CollapsedConv(module)
    if isinstance(module, nn.modules.pooling._MaxPoolNd):
        rank = int(type(module).__name__[-2])
        if any(d != 1 for d in _per_axis(module.dilation, rank)):
            return DilatedAvgPool(module)
        return getattr(nn, f"AvgPool{rank}d")(module.kernel_size, module.stride, module.padding,
                                              ceil_mode=module.ceil_mode, count_include_pad=True)
    if isinstance(module, nn.modules.pooling._AdaptiveMaxPoolNd):  # same bins as the average
        rank = int(type(module).__name__[-2])
        return getattr(nn, f"AdaptiveAvgPool{rank}d")(module.output_size)
    if _per_pixel(module):
        return nn.Identity()
    if isinstance(module, (nn.modules.pooling._AvgPoolNd, nn.modules.pooling._AdaptiveAvgPoolNd,
                           nn.modules.padding._ConstantPadNd, nn.Flatten)):
        return module  # already positive and linear
    children = list(module.named_children())
    if not children:
        raise TypeError(f"no positive twin for {type(module).__name__}")
    for name, child in children:
        setattr(module, name, surrogate(child))
    return module


# --------------------------------------------------------------------------- footprints


def _extent(grad: Tensor) -> list[tuple[int, int]]:
    """Per spatial axis, the first and last input coordinate with a nonzero gradient (`grad`
    of one sample: channels, then the spatial axes)."""
    seen = grad.abs().sum(0) > 0  # gradients are >= 0; any channel counts
    spans = []
    for axis in range(seen.dim()):
        others = [a for a in range(seen.dim()) if a != axis]
        line = seen.amax(dim=others) if others else seen
        hit = line.nonzero().flatten()
        assert hit.numel(), "the unit sees no input pixel at all"
        spans.append((int(hit.min()), int(hit.max())))
    return spans


def _units(field: Field, inputs: tuple[int, ...], outputs: tuple[int, ...]) -> list[int] | None:
    """Per axis, a unit y whose field and y+1's lie inside the input with a pixel to spare on
    either side (the middle such unit), by cnncalc's field; None if some axis has none."""
    units = []
    for L, n, size, stride, start in zip(inputs, outputs, field.size, field.stride, field.start):
        fits = [y for y in range(n - 1)
                if start + y * stride >= 1 and start + (y + 1) * stride + size - 1 <= L - 2]
        if not fits:
            return None
        units.append(fits[len(fits) // 2])
    return units


def measure(x: Tensor, out: Tensor, field: Field) -> Field | None:
    """The field of `out` with respect to `x` as the gradient footprint shows it, at units
    chosen by cnncalc's `field` (None: no two neighbouring units fit inside the input).

    `x` is a batch of two identical samples: unit y is backpropagated from the first, unit y+1
    from the second, in one backward pass (nothing mixes samples)."""
    units = _units(field, tuple(x.shape[2:]), tuple(out.shape[2:]))
    if units is None:
        return None
    picked = [out[(sample, slice(None), *(y + sample for y in units))].sum()
              for sample in (0, 1)]
    (grad,) = torch.autograd.grad(picked[0] + picked[1], x, retain_graph=True)
    first, second = _extent(grad[0]), _extent(grad[1])
    stride = tuple(b[0] - a[0] for a, b in zip(first, second))
    return Field(size=tuple(hi - lo + 1 for lo, hi in first), stride=stride,
                 start=tuple(lo - y * j for (lo, _), y, j in zip(first, units, stride)))


def ones(shape: tuple[int, ...]) -> Tensor:
    """Two samples of ones (see `measure`), for gradients."""
    return torch.ones(2, *shape, dtype=DTYPE, requires_grad=True)


# --------------------------------------------------------------------------- cnncalc graph twins


def build_twin(analysis: Analysis, last: int) -> tuple[Tensor, dict[int, Tensor]]:
    """Run an input of ones through nodes 1..last, each built by cnncalc's torch codegen and
    made positive: (the input, every node's output by index)."""
    graph = analysis.graph
    assert graph is not None
    shape = analysis.shapes[0]
    assert shape is not None
    x = ones((1, *shape[1:]))  # channels collapse at the first conv anyway
    outs: dict[int, Tensor] = {0: x}
    for node in graph.nodes[1:last + 1]:
        code = node_code(node, analysis.shapes, graph.nodes)
        assert code is not None, f"{node.op} has no torch rule"
        module_code, forward = code
        module = surrogate(eval(module_code, NAMESPACE)) if module_code else None
        args = {f"x{i}": outs[j] for i, j in enumerate(node.inputs)}
        outs[node.index] = eval(forward.format(*args, m="m"), {**NAMESPACE, "m": module, **args})
    return x, outs


def check_every_layer(analysis: Analysis) -> tuple[list[str], list[str]]:
    """Footprint against cnncalc for every layer with a field: (disagreements, layers that
    have a field but no two neighbouring units inside the input)."""
    graph = analysis.graph
    assert graph is not None and not any(d.fatal for d in analysis.diagnostics)
    pairs = [(layer, node) for layer, node in zip(analysis.layers, graph.nodes[1:])
             if layer.receptive_field is not None]
    assert pairs, "no layer has a receptive field"
    x, outs = build_twin(analysis, max(node.index for _, node in pairs))
    wrong, unchecked = [], []
    # identities (the twins of ReLU, BN...) hand on their input tensor itself: measure it once
    seen: dict[tuple[int, Field], Field | None] = {}
    for layer, node in pairs:
        field = layer.receptive_field
        assert field is not None
        out = outs[node.index]
        key = (id(out), field)
        if key not in seen:
            seen[key] = measure(x, out, field)
        measured = seen[key]
        if measured is None:
            unchecked.append(layer.path)
        elif measured != field:
            wrong.append(f"{layer.path}: cnncalc {field}, footprint {measured}")
    return wrong, unchecked


def single_unit(analysis: Analysis) -> list[str]:
    """The layers with a field but one unit on some axis (global pools): no y+1 to place."""
    return [layer.path for layer in analysis.layers if layer.receptive_field is not None
            and layer.output_shape is not None and min(layer.output_shape[1:]) < 2]


# Zoo files at inputs large enough that every layer with two units per axis has two
# neighbouring ones whose fields fit inside (GoogLeNet's inception5b spans 379 pixels,
# ResNet-50's res5 427, MobileNetV2's last conv 491). DenseNet-121 would need about 2,100
# pixels (its last field spans 2,071), ResNet-34/101/152 1,000-1,500: left out for time.
ZOO_CASES = [
    ("lenet5", (1, 32, 32)),
    ("mnist_net", (1, 28, 28)),
    ("alexnet", (3, 415, 415)),  # a 12x12 map before the adaptive 6x6 pool: fixed 2x2 bins
    ("alexnet_cs231n", (3, 291, 291)),  # with LRN
    ("alexnet_paper", (3, 291, 291)),
    ("zfnet", (3, 256, 256)),
    ("googlenet", (3, 448, 448)),
    ("vgg16", (3, 320, 320)),
    ("vgg16_bn", (3, 320, 320)),
    ("resnet18", (3, 512, 512)),
    ("resnet50", (3, 512, 512)),
    ("mobilenet_v2", (3, 576, 576)),
    ("squeezenet1_0", (3, 224, 224)),
    ("squeezenet1_1", (3, 256, 256)),
    ("unet", (1, 572, 572)),  # the contracting path: upsampled layers have no field
]


@pytest.mark.parametrize(("name", "shape"), ZOO_CASES, ids=[f"{n}-{s[-1]}" for n, s in ZOO_CASES])
def test_every_zoo_layer_field_is_its_gradient_footprint(
        name: str, shape: tuple[int, ...]) -> None:
    a = analyze(ZOO / f"{name}.yaml", input=shape)
    wrong, unchecked = check_every_layer(a)
    assert wrong == []
    assert unchecked == single_unit(a)


# --------------------------------------------------------------------------- dilated network

DILATED = textwrap.dedent("""\
    cnncalc: 1
    name: dilated
    input: [3, 384, 352]
    layers:
      - conv: {out_channels: 4, kernel_size: 3, padding: 2, dilation: 2}
      - relu
      - conv: {out_channels: 4, kernel_size: 3, stride: 2, padding: 1}
      - maxpool: {kernel_size: 3, stride: 2, padding: 1, dilation: 2}
      - conv: {out_channels: 4, kernel_size: [3, 5], padding: [4, 2], dilation: [4, 1]}
      - {id: mid, bn: {}}
      - {id: narrow, conv: {out_channels: 4, kernel_size: 3, padding: 2, dilation: 2}}
      - {id: wide, from: mid, conv: {out_channels: 4, kernel_size: 3, padding: 4, dilation: 4}}
      - concat: [narrow, wide]
      - conv: {out_channels: 4, kernel_size: 4, padding: same}
      - pad: {padding: [2, 0, 1, 3]}      # left, right, top, bottom
      - conv: {out_channels: 4, kernel_size: 2, stride: 2, dilation: 3}
      - maxpool: {kernel_size: 2, stride: 2, dilation: 3, ceil_mode: true}
      - {id: trunk, avgpool: {kernel_size: 3, stride: 1, padding: 1}}
      - conv: {out_channels: 4, kernel_size: 3, padding: 2, dilation: 2}
      - relu
      - {id: branch, conv: {out_channels: 4, kernel_size: 3, padding: 1}}
      - add: [trunk, branch]
    """)


# torch's note that an even 'same' kernel pads a copy of the input: the point of that layer
@pytest.mark.filterwarnings("ignore:Using padding='same' with even kernel:UserWarning")
def test_dilated_network_every_layer() -> None:
    a = analyze(Source("dilated.yaml", DILATED))
    assert a.exit_code() == 0, a.diagnostics
    assert len(a.layers) == 18
    wrong, unchecked = check_every_layer(a)
    assert wrong == []
    assert unchecked == []


# --------------------------------------------------------------------------- reference models


def _reference(name: str) -> nn.Module:
    """The plain-torch reference model, its weights on the meta device: the twin replaces
    every weighted module anyway."""
    constructor, _ = MODELS[name]
    with torch.device("meta"):
        return constructor()


def _layer_field(path: Path, shape: tuple[int, ...], pick: Any) -> Field:
    a = analyze(path, input=shape)
    layer = pick(a.layers)
    assert layer.receptive_field is not None, layer.path
    return layer.receptive_field


def test_vgg16_pool5_against_reference_model() -> None:
    """VGG-16 pool5: r=212, S=32, P=90 (semantics section 7), at 320 so units 3 and 4 fit."""
    shape = (3, 320, 320)
    field = _layer_field(ZOO / "vgg16.yaml", shape,
                         lambda layers: next(lr for lr in layers
                                             if lr.path.endswith("stage5.maxpool1")))
    assert field == Field((212, 212), (32, 32), (-90, -90))
    features = surrogate(_reference("vgg16").features)
    x = ones(shape)
    assert measure(x, features(x), field) == field


def test_resnet50_layer4_against_reference_model() -> None:
    """torchvision ResNet-50's last stage: r=427, S=32, P=213 (semantics section 7), at 512
    (the field spans 427 pixels). The footprint is the union over the residual paths."""
    shape = (3, 512, 512)
    field = _layer_field(ZOO / "resnet50.yaml", shape,
                         lambda layers: [lr for lr in layers if lr.parts[0] == "res5"][-1])
    assert field == Field((427, 427), (32, 32), (-213, -213))
    m = _reference("resnet50")
    body = surrogate(nn.Sequential(m.conv1, m.bn1, m.relu, m.maxpool,
                                   m.layer1, m.layer2, m.layer3, m.layer4))
    x = ones(shape)
    assert measure(x, body(x), field) == field

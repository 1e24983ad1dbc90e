"""Plain-torch reference models for checking cnncalc against what PyTorch really builds.

The torchvision entries mirror ``torchvision.models`` (0.28/0.29) module for module: same
attribute names, registration order, hyper-parameters and functional ops, so parameter/buffer
counts and leaf-call sequences match. torchvision itself is not imported; weights keep PyTorch's
default initialisation (torchvision's own initialisers change no count). One deliberate
difference: the segmentation models return the "out" tensor where torchvision returns
``{"out": tensor}`` (aux_loss=False leaves no other key). ``MODELS`` maps a name to
(constructor, input shape without batch) and ``leaf_trace`` records every leaf-module call of
one forward pass.
"""

from __future__ import annotations

import math
from collections import OrderedDict
from collections.abc import Callable, Sequence
from functools import partial
from itertools import pairwise
from typing import Any

import torch
import torch.nn.functional as F
from torch import Tensor, nn


def _conv_relu(
    cin: int, cout: int, kernel: int, stride: int = 1, padding: int = 0
) -> list[nn.Module]:
    return [nn.Conv2d(cin, cout, kernel, stride, padding), nn.ReLU(inplace=True)]


def _fc_head(
    cin: int, *, dropout_first: bool, hidden: int = 4096, classes: int = 1000
) -> nn.Sequential:
    """Two FC(hidden)+ReLU layers and a final FC; dropout before (AlexNet) or after (VGG) each."""
    layers: list[nn.Module] = []
    for n_in in (cin, hidden):
        fc = [nn.Linear(n_in, hidden), nn.ReLU(inplace=True)]
        layers += [nn.Dropout(0.5), *fc] if dropout_first else [*fc, nn.Dropout(0.5)]
    return nn.Sequential(*layers, nn.Linear(hidden, classes))


class _FeaturesPoolClassifier(nn.Module):
    """The AlexNet/VGG forward: features -> avgpool -> flatten -> classifier."""

    features: nn.Sequential
    avgpool: nn.Module
    classifier: nn.Sequential

    def forward(self, x: Tensor) -> Tensor:
        return self.classifier(torch.flatten(self.avgpool(self.features(x)), 1))


# --------------------------------------------------------------------------- AlexNet, VGG


class AlexNet(_FeaturesPoolClassifier):
    """torchvision.models.alexnet: the "one weird trick" single tower, 64-192-384-256-256."""

    def __init__(self) -> None:
        super().__init__()
        self.features = nn.Sequential(
            *_conv_relu(3, 64, 11, stride=4, padding=2), nn.MaxPool2d(3, 2),
            *_conv_relu(64, 192, 5, padding=2), nn.MaxPool2d(3, 2),
            *_conv_relu(192, 384, 3, padding=1),
            *_conv_relu(384, 256, 3, padding=1),
            *_conv_relu(256, 256, 3, padding=1), nn.MaxPool2d(3, 2),
        )  # fmt: skip
        self.avgpool = nn.AdaptiveAvgPool2d((6, 6))
        self.classifier = _fc_head(256 * 6 * 6, dropout_first=True)


_VGG_CFGS: dict[str, list[int | str]] = {
    "A": [64, "M", 128, "M", 256, 256, "M", 512, 512, "M", 512, 512, "M"],
    "D": [64, 64, "M", 128, 128, "M", 256, 256, 256, "M", *[512] * 3, "M", *[512] * 3, "M"],
    "E": [64, 64, "M", 128, 128, "M", *[256] * 4, "M", *[512] * 4, "M", *[512] * 4, "M"],
}


class VGG(_FeaturesPoolClassifier):
    """torchvision.models.vgg11/vgg16/vgg19 (cfg "A"/"D"/"E"), and the *_bn variants."""

    def __init__(self, cfg: str, batch_norm: bool = False) -> None:
        super().__init__()
        layers: list[nn.Module] = []
        cin = 3
        for v in _VGG_CFGS[cfg]:
            if isinstance(v, str):
                layers.append(nn.MaxPool2d(2, 2))
                continue
            bn = [nn.BatchNorm2d(v)] if batch_norm else []
            layers += [nn.Conv2d(cin, v, 3, padding=1), *bn, nn.ReLU(inplace=True)]
            cin = v
        self.features = nn.Sequential(*layers)
        self.avgpool = nn.AdaptiveAvgPool2d((7, 7))
        self.classifier = _fc_head(512 * 7 * 7, dropout_first=False)


def alexnet_cs231n() -> nn.Sequential:
    """CS231n's ungrouped AlexNet on 3x227x227 (96-256-384-384-256, LRN after conv1/conv2)."""
    lrn = partial(nn.LocalResponseNorm, 5, alpha=1e-4, beta=0.75, k=2.0)
    return nn.Sequential(
        *_conv_relu(3, 96, 11, stride=4), lrn(), nn.MaxPool2d(3, 2),
        *_conv_relu(96, 256, 5, padding=2), lrn(), nn.MaxPool2d(3, 2),
        *_conv_relu(256, 384, 3, padding=1),
        *_conv_relu(384, 384, 3, padding=1),
        *_conv_relu(384, 256, 3, padding=1), nn.MaxPool2d(3, 2),
        nn.Flatten(),
        *_fc_head(256 * 6 * 6, dropout_first=False),
    )  # fmt: skip


# --------------------------------------------------------------------------- ResNet


def _conv_nobias(cin: int, cout: int, kernel: int, stride: int = 1, groups: int = 1) -> nn.Conv2d:
    """Bias-free conv with "same" padding (kernel // 2), like torchvision's conv1x1/conv3x3."""
    return nn.Conv2d(cin, cout, kernel, stride, kernel // 2, groups=groups, bias=False)


class BasicBlock(nn.Module):
    """torchvision.models.resnet.BasicBlock (resnet18/34)."""

    expansion = 1

    def __init__(self, cin: int, planes: int, stride: int = 1, downsample: nn.Module | None = None):
        super().__init__()
        self.conv1 = _conv_nobias(cin, planes, 3, stride)
        self.bn1 = nn.BatchNorm2d(planes)
        self.relu = nn.ReLU(inplace=True)
        self.conv2 = _conv_nobias(planes, planes, 3)
        self.bn2 = nn.BatchNorm2d(planes)
        self.downsample = downsample

    def forward(self, x: Tensor) -> Tensor:
        out = self.bn2(self.conv2(self.relu(self.bn1(self.conv1(x)))))
        identity = x if self.downsample is None else self.downsample(x)
        return self.relu(out + identity)


class Bottleneck(nn.Module):
    """torchvision.models.resnet.Bottleneck (ResNet v1.5: stride, or dilation, on the 3x3 conv)."""

    expansion = 4

    def __init__(self, cin: int, planes: int, stride: int = 1, downsample: nn.Module | None = None,
                 dilation: int = 1):
        super().__init__()
        self.conv1 = _conv_nobias(cin, planes, 1)
        self.bn1 = nn.BatchNorm2d(planes)
        # torchvision's conv3x3: padding = dilation keeps the size at stride 1
        self.conv2 = nn.Conv2d(planes, planes, 3, stride, dilation, dilation=dilation, bias=False)
        self.bn2 = nn.BatchNorm2d(planes)
        self.conv3 = _conv_nobias(planes, planes * self.expansion, 1)
        self.bn3 = nn.BatchNorm2d(planes * self.expansion)
        self.relu = nn.ReLU(inplace=True)
        self.downsample = downsample

    def forward(self, x: Tensor) -> Tensor:
        out = self.relu(self.bn1(self.conv1(x)))
        out = self.relu(self.bn2(self.conv2(out)))
        out = self.bn3(self.conv3(out))
        identity = x if self.downsample is None else self.downsample(x)
        return self.relu(out + identity)


class ResNet(nn.Module):
    """torchvision.models.resnet18/34/50/101/152; `replace_stride_with_dilation` as the
    segmentation models use it (stages 3 and 4 keep their size and dilate instead)."""

    def __init__(
        self,
        block: type[BasicBlock | Bottleneck],
        layers: Sequence[int],
        replace_stride_with_dilation: Sequence[bool] = (False, False, False),
    ) -> None:
        super().__init__()
        self.inplanes = 64
        self.dilation = 1
        self.conv1 = nn.Conv2d(3, 64, 7, 2, 3, bias=False)
        self.bn1 = nn.BatchNorm2d(64)
        self.relu = nn.ReLU(inplace=True)
        self.maxpool = nn.MaxPool2d(3, 2, 1)
        dilate = replace_stride_with_dilation
        self.layer1 = self._make_layer(block, 64, layers[0])
        self.layer2 = self._make_layer(block, 128, layers[1], stride=2, dilate=dilate[0])
        self.layer3 = self._make_layer(block, 256, layers[2], stride=2, dilate=dilate[1])
        self.layer4 = self._make_layer(block, 512, layers[3], stride=2, dilate=dilate[2])
        self.avgpool = nn.AdaptiveAvgPool2d((1, 1))
        self.fc = nn.Linear(512 * block.expansion, 1000)

    def _make_layer(
        self, block: type[BasicBlock | Bottleneck], planes: int, blocks: int, stride: int = 1,
        dilate: bool = False,
    ) -> nn.Sequential:
        cout = planes * block.expansion
        previous_dilation = self.dilation
        if dilate:  # the stage's first block keeps the previous dilation, the rest take the new
            self.dilation *= stride
            stride = 1
        # only Bottleneck dilates (torchvision's BasicBlock refuses dilation > 1)
        first = {"dilation": previous_dilation} if block is Bottleneck else {}
        rest = {"dilation": self.dilation} if block is Bottleneck else {}
        downsample = None
        if stride != 1 or self.inplanes != cout:
            downsample = nn.Sequential(
                _conv_nobias(self.inplanes, cout, 1, stride), nn.BatchNorm2d(cout)
            )
        layers = [block(self.inplanes, planes, stride, downsample, **first)]
        self.inplanes = cout
        layers += [block(cout, planes, **rest) for _ in range(1, blocks)]
        return nn.Sequential(*layers)

    def forward(self, x: Tensor) -> Tensor:
        x = self.maxpool(self.relu(self.bn1(self.conv1(x))))
        x = self.layer4(self.layer3(self.layer2(self.layer1(x))))
        return self.fc(torch.flatten(self.avgpool(x), 1))


# --------------------------------------------------------------------------- GoogLeNet


class BasicConv2d(nn.Module):
    """torchvision.models.googlenet.BasicConv2d: bias-free conv, BN(eps=0.001), functional ReLU."""

    def __init__(self, cin: int, cout: int, kernel: int, stride: int = 1, padding: int = 0):
        super().__init__()
        self.conv = nn.Conv2d(cin, cout, kernel, stride, padding, bias=False)
        self.bn = nn.BatchNorm2d(cout, eps=0.001)

    def forward(self, x: Tensor) -> Tensor:
        return F.relu(self.bn(self.conv(x)), inplace=True)


def _reduce_then_3x3(cin: int, reduce: int, cout: int) -> nn.Sequential:
    return nn.Sequential(BasicConv2d(cin, reduce, 1), BasicConv2d(reduce, cout, 3, padding=1))


class Inception(nn.Module):
    """torchvision.models.googlenet.Inception (its "5x5" branch really uses a 3x3 conv)."""

    def __init__(self, cin: int, c1: int, c3red: int, c3: int, c5red: int, c5: int, proj: int):
        super().__init__()
        self.branch1 = BasicConv2d(cin, c1, 1)
        self.branch2 = _reduce_then_3x3(cin, c3red, c3)
        self.branch3 = _reduce_then_3x3(cin, c5red, c5)
        self.branch4 = nn.Sequential(
            nn.MaxPool2d(3, stride=1, padding=1, ceil_mode=True), BasicConv2d(cin, proj, 1)
        )

    def forward(self, x: Tensor) -> Tensor:
        branches = (self.branch1, self.branch2, self.branch3, self.branch4)
        return torch.cat([branch(x) for branch in branches], 1)


class GoogLeNet(nn.Module):
    """torchvision.models.googlenet(aux_logits=False, transform_input=False)."""

    def __init__(self) -> None:
        super().__init__()
        pool = partial(nn.MaxPool2d, ceil_mode=True)
        self.conv1 = BasicConv2d(3, 64, 7, stride=2, padding=3)
        self.maxpool1 = pool(3, 2)
        self.conv2 = BasicConv2d(64, 64, 1)
        self.conv3 = BasicConv2d(64, 192, 3, padding=1)
        self.maxpool2 = pool(3, 2)
        self.inception3a = Inception(192, 64, 96, 128, 16, 32, 32)
        self.inception3b = Inception(256, 128, 128, 192, 32, 96, 64)
        self.maxpool3 = pool(3, 2)
        self.inception4a = Inception(480, 192, 96, 208, 16, 48, 64)
        self.inception4b = Inception(512, 160, 112, 224, 24, 64, 64)
        self.inception4c = Inception(512, 128, 128, 256, 24, 64, 64)
        self.inception4d = Inception(512, 112, 144, 288, 32, 64, 64)
        self.inception4e = Inception(528, 256, 160, 320, 32, 128, 128)
        self.maxpool4 = pool(2, 2)
        self.inception5a = Inception(832, 256, 160, 320, 32, 128, 128)
        self.inception5b = Inception(832, 384, 192, 384, 48, 128, 128)
        self.avgpool = nn.AdaptiveAvgPool2d((1, 1))
        self.dropout = nn.Dropout(0.2)
        self.fc = nn.Linear(1024, 1000)

    def forward(self, x: Tensor) -> Tensor:
        *body, dropout, fc = self.children()  # registration order is execution order
        for module in body:
            x = module(x)
        return fc(dropout(torch.flatten(x, 1)))


# --------------------------------------------------------------------------- torchvision.ops


def _make_divisible(v: float, divisor: int, min_value: int | None = None) -> int:
    """torchvision.models._utils._make_divisible: round to the nearest multiple of divisor,
    never below min_value (default divisor) and never more than 10% below v."""
    if min_value is None:
        min_value = divisor
    new_v = max(min_value, int(v + divisor / 2) // divisor * divisor)
    if new_v < 0.9 * v:
        new_v += divisor
    return new_v


class Conv2dNormActivation(nn.Sequential):
    """torchvision.ops.Conv2dNormActivation: conv ("same" padding by default, bias only without
    a norm), norm, activation (in place); a None norm or activation is left out."""

    def __init__(
        self,
        cin: int,
        cout: int,
        kernel: int = 3,
        stride: int = 1,
        groups: int = 1,
        *,
        padding: int | None = None,
        dilation: int = 1,
        norm: Callable[[int], nn.Module] | None = nn.BatchNorm2d,
        activation: Callable[..., nn.Module] | None = nn.ReLU,
        bias: bool | None = None,
    ) -> None:
        if padding is None:
            padding = (kernel - 1) // 2 * dilation
        if bias is None:
            bias = norm is None
        layers: list[nn.Module] = [nn.Conv2d(cin, cout, kernel, stride, padding, dilation=dilation,
                                             groups=groups, bias=bias)]
        if norm is not None:
            layers.append(norm(cout))
        if activation is not None:
            layers.append(activation(inplace=True))
        super().__init__(*layers)


class SqueezeExcitation(nn.Module):
    """torchvision.ops.SqueezeExcitation: avgpool, 1x1 conv, activation, 1x1 conv, scale
    activation, times the input."""

    def __init__(
        self,
        cin: int,
        squeeze: int,
        activation: Callable[[], nn.Module] = nn.ReLU,
        scale_activation: Callable[[], nn.Module] = nn.Sigmoid,
    ) -> None:
        super().__init__()
        self.avgpool = nn.AdaptiveAvgPool2d(1)
        self.fc1 = nn.Conv2d(cin, squeeze, 1)
        self.fc2 = nn.Conv2d(squeeze, cin, 1)
        self.activation = activation()
        self.scale_activation = scale_activation()

    def forward(self, x: Tensor) -> Tensor:
        scale = self.fc2(self.activation(self.fc1(self.avgpool(x))))
        return self.scale_activation(scale) * x


class StochasticDepth(nn.Module):
    """torchvision.ops.StochasticDepth: drops whole rows (samples) of the residual branch with
    probability p in training; the identity at inference."""

    def __init__(self, p: float, mode: str) -> None:
        super().__init__()
        self.p, self.mode = p, mode

    def forward(self, x: Tensor) -> Tensor:
        if not self.training or self.p == 0.0:
            return x
        keep = 1.0 - self.p
        shape = [x.shape[0]] + [1] * (x.ndim - 1) if self.mode == "row" else [1] * x.ndim
        noise = torch.empty(shape, dtype=x.dtype, device=x.device).bernoulli_(keep)
        return x * noise.div_(keep) if keep > 0.0 else x * noise


class Permute(nn.Module):
    """torchvision.ops.Permute."""

    def __init__(self, dims: Sequence[int]) -> None:
        super().__init__()
        self.dims = list(dims)

    def forward(self, x: Tensor) -> Tensor:
        return torch.permute(x, self.dims)


# --------------------------------------------------------------------------- MobileNetV2


def _cbr6(cin: int, cout: int, kernel: int = 3, stride: int = 1, groups: int = 1) -> nn.Sequential:
    return Conv2dNormActivation(cin, cout, kernel, stride, groups, activation=nn.ReLU6)


class InvertedResidual(nn.Module):
    """torchvision.models.mobilenetv2.InvertedResidual."""

    def __init__(self, cin: int, cout: int, stride: int, expand_ratio: int) -> None:
        super().__init__()
        hidden = round(cin * expand_ratio)
        self.use_res_connect = stride == 1 and cin == cout
        expand = [_cbr6(cin, hidden, 1)] if expand_ratio != 1 else []
        self.conv = nn.Sequential(
            *expand,
            _cbr6(hidden, hidden, stride=stride, groups=hidden),
            nn.Conv2d(hidden, cout, 1, bias=False),
            nn.BatchNorm2d(cout),
        )

    def forward(self, x: Tensor) -> Tensor:
        return x + self.conv(x) if self.use_res_connect else self.conv(x)


class MobileNetV2(nn.Module):
    """torchvision.models.mobilenet_v2(width_mult=w): every width through _make_divisible(.., 8);
    the last conv never narrower than 1280."""

    # (expand ratio t, channels c, repeats n, first stride s)
    SETTINGS = ((1, 16, 1, 1), (6, 24, 2, 2), (6, 32, 3, 2), (6, 64, 4, 2), (6, 96, 3, 1),
                (6, 160, 3, 2), (6, 320, 1, 1))  # fmt: skip

    def __init__(self, width_mult: float = 1.0, round_nearest: int = 8) -> None:
        super().__init__()
        cin = _make_divisible(32 * width_mult, round_nearest)
        last = _make_divisible(1280 * max(1.0, width_mult), round_nearest)
        layers: list[nn.Module] = [_cbr6(3, cin, stride=2)]
        for t, c, n, s in self.SETTINGS:
            cout = _make_divisible(c * width_mult, round_nearest)
            for i in range(n):
                layers.append(InvertedResidual(cin, cout, s if i == 0 else 1, t))
                cin = cout
        layers.append(_cbr6(cin, last, 1))
        self.features = nn.Sequential(*layers)
        self.classifier = nn.Sequential(nn.Dropout(0.2), nn.Linear(last, 1000))

    def forward(self, x: Tensor) -> Tensor:
        x = F.adaptive_avg_pool2d(self.features(x), (1, 1))
        return self.classifier(torch.flatten(x, 1))


# --------------------------------------------------------------------------- SqueezeNet


class Fire(nn.Module):
    """torchvision.models.squeezenet.Fire."""

    def __init__(self, cin: int, squeeze: int, expand1x1: int, expand3x3: int) -> None:
        super().__init__()
        self.squeeze = nn.Conv2d(cin, squeeze, 1)
        self.squeeze_activation = nn.ReLU(inplace=True)
        self.expand1x1 = nn.Conv2d(squeeze, expand1x1, 1)
        self.expand1x1_activation = nn.ReLU(inplace=True)
        self.expand3x3 = nn.Conv2d(squeeze, expand3x3, 3, padding=1)
        self.expand3x3_activation = nn.ReLU(inplace=True)

    def forward(self, x: Tensor) -> Tensor:
        x = self.squeeze_activation(self.squeeze(x))
        return torch.cat(
            [
                self.expand1x1_activation(self.expand1x1(x)),
                self.expand3x3_activation(self.expand3x3(x)),
            ],
            1,
        )


class SqueezeNet(nn.Module):
    """torchvision.models.squeezenet1_0 / squeezenet1_1."""

    def __init__(self, version: str) -> None:
        super().__init__()
        pool = partial(nn.MaxPool2d, 3, 2, ceil_mode=True)
        if version == "1_0":
            self.features = nn.Sequential(
                *_conv_relu(3, 96, 7, stride=2), pool(),
                Fire(96, 16, 64, 64), Fire(128, 16, 64, 64), Fire(128, 32, 128, 128), pool(),
                Fire(256, 32, 128, 128), Fire(256, 48, 192, 192), Fire(384, 48, 192, 192),
                Fire(384, 64, 256, 256), pool(),
                Fire(512, 64, 256, 256),
            )  # fmt: skip
        elif version == "1_1":
            self.features = nn.Sequential(
                *_conv_relu(3, 64, 3, stride=2), pool(),
                Fire(64, 16, 64, 64), Fire(128, 16, 64, 64), pool(),
                Fire(128, 32, 128, 128), Fire(256, 32, 128, 128), pool(),
                Fire(256, 48, 192, 192), Fire(384, 48, 192, 192),
                Fire(384, 64, 256, 256), Fire(512, 64, 256, 256),
            )  # fmt: skip
        else:
            raise ValueError(f"unknown SqueezeNet version {version!r}")
        self.classifier = nn.Sequential(
            nn.Dropout(0.5), *_conv_relu(512, 1000, 1), nn.AdaptiveAvgPool2d((1, 1))
        )

    def forward(self, x: Tensor) -> Tensor:
        return torch.flatten(self.classifier(self.features(x)), 1)


# --------------------------------------------------------------------------- DenseNet


class _DenseLayer(nn.Module):
    """torchvision.models.densenet._DenseLayer (drop_rate 0, memory_efficient off)."""

    def __init__(self, cin: int, growth: int, bn_size: int) -> None:
        super().__init__()
        self.norm1 = nn.BatchNorm2d(cin)
        self.relu1 = nn.ReLU(inplace=True)
        self.conv1 = nn.Conv2d(cin, bn_size * growth, 1, bias=False)
        self.norm2 = nn.BatchNorm2d(bn_size * growth)
        self.relu2 = nn.ReLU(inplace=True)
        self.conv2 = nn.Conv2d(bn_size * growth, growth, 3, padding=1, bias=False)

    def forward(self, features: list[Tensor]) -> Tensor:
        x = self.conv1(self.relu1(self.norm1(torch.cat(features, 1))))
        return self.conv2(self.relu2(self.norm2(x)))


class _DenseBlock(nn.ModuleDict):
    """torchvision.models.densenet._DenseBlock: every layer sees all earlier feature maps."""

    def __init__(self, num_layers: int, cin: int, growth: int, bn_size: int) -> None:
        super().__init__(
            {
                f"denselayer{i + 1}": _DenseLayer(cin + i * growth, growth, bn_size)
                for i in range(num_layers)
            }
        )

    def forward(self, x: Tensor) -> Tensor:
        features = [x]
        for layer in self.values():
            features.append(layer(features))
        return torch.cat(features, 1)


class _Transition(nn.Sequential):
    """torchvision.models.densenet._Transition: BN, ReLU, 1x1 conv, 2x2 avgpool."""

    def __init__(self, cin: int, cout: int) -> None:
        super().__init__(
            OrderedDict(
                norm=nn.BatchNorm2d(cin),
                relu=nn.ReLU(inplace=True),
                conv=nn.Conv2d(cin, cout, 1, bias=False),
                pool=nn.AvgPool2d(2, 2),
            )
        )


class DenseNet(nn.Module):
    """torchvision.models.densenet121 (growth 32, blocks 6-12-24-16, 64 stem features)."""

    def __init__(
        self,
        growth: int = 32,
        blocks: Sequence[int] = (6, 12, 24, 16),
        stem: int = 64,
        bn_size: int = 4,
    ) -> None:
        super().__init__()
        layers: OrderedDict[str, nn.Module] = OrderedDict(
            conv0=nn.Conv2d(3, stem, 7, 2, 3, bias=False),
            norm0=nn.BatchNorm2d(stem),
            relu0=nn.ReLU(inplace=True),
            pool0=nn.MaxPool2d(3, 2, 1),
        )
        nf = stem
        for i, n in enumerate(blocks, 1):
            layers[f"denseblock{i}"] = _DenseBlock(n, nf, growth, bn_size)
            nf += n * growth
            if i != len(blocks):
                layers[f"transition{i}"] = _Transition(nf, nf // 2)
                nf //= 2
        layers["norm5"] = nn.BatchNorm2d(nf)
        self.features = nn.Sequential(layers)
        self.classifier = nn.Linear(nf, 1000)

    def forward(self, x: Tensor) -> Tensor:
        x = F.adaptive_avg_pool2d(F.relu(self.features(x), inplace=True), (1, 1))
        return self.classifier(torch.flatten(x, 1))


# --------------------------------------------------------------------------- ConvNeXt


class LayerNorm2d(nn.LayerNorm):
    """torchvision.models.convnext.LayerNorm2d: LayerNorm over the channels of a [N, C, H, W]
    tensor (channels last for the norm, then back)."""

    def forward(self, x: Tensor) -> Tensor:
        x = F.layer_norm(x.permute(0, 2, 3, 1), self.normalized_shape, self.weight, self.bias,
                         self.eps)
        return x.permute(0, 3, 1, 2)


class CNBlock(nn.Module):
    """torchvision.models.convnext.CNBlock: 7x7 depthwise conv, channels last, LayerNorm,
    Linear(4C), GELU, Linear(C), channels first; times the layer scale (a parameter of the
    block itself, not of a leaf), stochastic depth, plus the input."""

    def __init__(self, dim: int, layer_scale: float, stochastic_depth_prob: float) -> None:
        super().__init__()
        self.block = nn.Sequential(
            nn.Conv2d(dim, dim, kernel_size=7, padding=3, groups=dim, bias=True),
            Permute([0, 2, 3, 1]),
            nn.LayerNorm(dim, eps=1e-6),
            nn.Linear(dim, 4 * dim),
            nn.GELU(),
            nn.Linear(4 * dim, dim),
            Permute([0, 3, 1, 2]),
        )
        self.layer_scale = nn.Parameter(torch.ones(dim, 1, 1) * layer_scale)
        self.stochastic_depth = StochasticDepth(stochastic_depth_prob, "row")

    def forward(self, x: Tensor) -> Tensor:
        return self.stochastic_depth(self.layer_scale * self.block(x)) + x


class ConvNeXt(nn.Module):
    """torchvision.models.convnext_tiny: stages of (channels, next stage's channels, blocks)."""

    def __init__(
        self,
        block_setting: Sequence[tuple[int, int | None, int]] = (
            (96, 192, 3), (192, 384, 3), (384, 768, 9), (768, None, 3)),
        stochastic_depth_prob: float = 0.1,
        layer_scale: float = 1e-6,
    ) -> None:
        super().__init__()
        norm = partial(LayerNorm2d, eps=1e-6)
        layers: list[nn.Module] = [Conv2dNormActivation(
            3, block_setting[0][0], 4, 4, padding=0, norm=norm, activation=None, bias=True)]
        total = sum(n for _, _, n in block_setting)
        block_id = 0
        for cin, cout, n in block_setting:
            stage = []
            for _ in range(n):
                # the drop probability grows linearly with the block's depth
                sd_prob = stochastic_depth_prob * block_id / (total - 1.0)
                stage.append(CNBlock(cin, layer_scale, sd_prob))
                block_id += 1
            layers.append(nn.Sequential(*stage))
            if cout is not None:  # downsampling between stages
                layers.append(nn.Sequential(norm(cin), nn.Conv2d(cin, cout, 2, stride=2)))
        self.features = nn.Sequential(*layers)
        self.avgpool = nn.AdaptiveAvgPool2d(1)
        last = block_setting[-1][1] or block_setting[-1][0]
        self.classifier = nn.Sequential(norm(last), nn.Flatten(1), nn.Linear(last, 1000))

    def forward(self, x: Tensor) -> Tensor:
        return self.classifier(self.avgpool(self.features(x)))


# --------------------------------------------------------------------------- ShuffleNetV2


def channel_shuffle(x: Tensor, groups: int) -> Tensor:
    """torchvision.models.shufflenetv2.channel_shuffle: [g, C/g] channels transposed."""
    n, c, h, w = x.size()
    x = torch.transpose(x.view(n, groups, c // groups, h, w), 1, 2).contiguous()
    return x.view(n, -1, h, w)


class ShuffleUnit(nn.Module):
    """torchvision.models.shufflenetv2.InvertedResidual: at stride 1 the input is chunked in
    two halves and only the second goes through branch2 (branch1 stays an empty Sequential);
    at stride 2 both branches see the whole input. Then concat and channel shuffle."""

    def __init__(self, cin: int, cout: int, stride: int) -> None:
        super().__init__()
        self.stride = stride
        half = cout // 2

        def depthwise(c: int) -> nn.Conv2d:
            return nn.Conv2d(c, c, 3, stride, 1, bias=False, groups=c)

        if stride > 1:
            self.branch1 = nn.Sequential(
                depthwise(cin), nn.BatchNorm2d(cin),
                nn.Conv2d(cin, half, 1, bias=False), nn.BatchNorm2d(half), nn.ReLU(inplace=True),
            )  # fmt: skip
        else:
            self.branch1 = nn.Sequential()
        self.branch2 = nn.Sequential(
            nn.Conv2d(cin if stride > 1 else half, half, 1, bias=False), nn.BatchNorm2d(half),
            nn.ReLU(inplace=True),
            depthwise(half), nn.BatchNorm2d(half),
            nn.Conv2d(half, half, 1, bias=False), nn.BatchNorm2d(half), nn.ReLU(inplace=True),
        )  # fmt: skip

    def forward(self, x: Tensor) -> Tensor:
        if self.stride == 1:
            x1, x2 = x.chunk(2, dim=1)
            out = torch.cat((x1, self.branch2(x2)), dim=1)
        else:
            out = torch.cat((self.branch1(x), self.branch2(x)), dim=1)
        return channel_shuffle(out, 2)


class ShuffleNetV2(nn.Module):
    """torchvision.models.shufflenet_v2_x1_0 (stages of 4, 8, 4 units)."""

    def __init__(
        self, repeats: Sequence[int] = (4, 8, 4), widths: Sequence[int] = (24, 116, 232, 464, 1024)
    ) -> None:
        super().__init__()
        self.conv1 = nn.Sequential(nn.Conv2d(3, widths[0], 3, 2, 1, bias=False),
                                   nn.BatchNorm2d(widths[0]), nn.ReLU(inplace=True))
        self.maxpool = nn.MaxPool2d(kernel_size=3, stride=2, padding=1)
        cin = widths[0]
        for i, (n, cout) in enumerate(zip(repeats, widths[1:-1], strict=True), 2):
            units = [ShuffleUnit(cin, cout, 2)] + [ShuffleUnit(cout, cout, 1) for _ in range(n - 1)]
            setattr(self, f"stage{i}", nn.Sequential(*units))
            cin = cout
        self.conv5 = nn.Sequential(nn.Conv2d(cin, widths[-1], 1, bias=False),
                                   nn.BatchNorm2d(widths[-1]), nn.ReLU(inplace=True))
        self.fc = nn.Linear(widths[-1], 1000)

    def forward(self, x: Tensor) -> Tensor:
        x = self.maxpool(self.conv1(x))
        x = self.stage4(self.stage3(self.stage2(x)))
        return self.fc(self.conv5(x).mean([2, 3]))  # global pooling by mean


# --------------------------------------------------------------------------- RegNet


def regnet_block_params(
    depth: int, w_0: int, w_a: float, w_m: float, group_width: int,
    bottleneck_multiplier: float = 1.0,
) -> list[tuple[int, int, int, int]]:
    """torchvision.models.regnet.BlockParams.from_init_params, in torch's float32 arithmetic as
    torchvision computes it: per stage (width, depth, group width, stride)."""
    quant, stride = 8, 2
    widths_cont = torch.arange(depth) * w_a + w_0
    block_capacity = torch.round(torch.log(widths_cont / w_0) / math.log(w_m))
    block_widths = (torch.round(torch.divide(w_0 * torch.pow(w_m, block_capacity), quant))
                    * quant).int().tolist()
    # a new stage starts wherever the width changes
    splits = [w != wp for w, wp in zip([*block_widths, 0], [0, *block_widths])]
    stage_widths = [w for w, t in zip(block_widths, splits[:-1]) if t]
    stage_depths = torch.diff(torch.tensor([d for d, t in enumerate(splits) if t])).int().tolist()
    # _adjust_widths_groups_compatibilty: bottleneck widths divisible by the group width
    bottlenecks = [int(w * bottleneck_multiplier) for w in stage_widths]
    groups = [min(group_width, b) for b in bottlenecks]
    bottlenecks = [_make_divisible(b, g) for b, g in zip(bottlenecks, groups)]
    stage_widths = [int(b / bottleneck_multiplier) for b in bottlenecks]
    return [(w, d, g, stride) for w, d, g in zip(stage_widths, stage_depths, groups)]


class BottleneckTransform(nn.Sequential):
    """torchvision.models.regnet.BottleneckTransform (no SE: the X family): 1x1, grouped 3x3
    carrying the stride, 1x1 without activation."""

    def __init__(self, cin: int, cout: int, stride: int, group_width: int,
                 bottleneck_multiplier: float) -> None:
        w_b = round(cout * bottleneck_multiplier)
        super().__init__(OrderedDict(
            a=Conv2dNormActivation(cin, w_b, 1),
            b=Conv2dNormActivation(w_b, w_b, 3, stride, groups=w_b // group_width),
            c=Conv2dNormActivation(w_b, cout, 1, activation=None),
        ))


class ResBottleneckBlock(nn.Module):
    """torchvision.models.regnet.ResBottleneckBlock: ReLU(proj(x) + f(x)); the projection
    (registered and run first) only when the width or the size changes."""

    def __init__(self, cin: int, cout: int, stride: int, group_width: int,
                 bottleneck_multiplier: float = 1.0) -> None:
        super().__init__()
        self.proj = None
        if cin != cout or stride != 1:
            self.proj = Conv2dNormActivation(cin, cout, 1, stride, activation=None)
        self.f = BottleneckTransform(cin, cout, stride, group_width, bottleneck_multiplier)
        self.activation = nn.ReLU(inplace=True)

    def forward(self, x: Tensor) -> Tensor:
        shortcut = x if self.proj is None else self.proj(x)
        return self.activation(shortcut + self.f(x))


class RegNet(nn.Module):
    """torchvision.models.regnet_x_400mf: BlockParams.from_init_params(depth=22, w_0=24,
    w_a=24.48, w_m=2.54, group_width=16), stem of 32."""

    def __init__(self, depth: int = 22, w_0: int = 24, w_a: float = 24.48, w_m: float = 2.54,
                 group_width: int = 16, stem_width: int = 32) -> None:
        super().__init__()
        self.stem = Conv2dNormActivation(3, stem_width, 3, 2)  # SimpleStemIN
        blocks: OrderedDict[str, nn.Module] = OrderedDict()
        cin = stem_width
        for i, (cout, n, g, stride) in enumerate(
                regnet_block_params(depth, w_0, w_a, w_m, group_width), 1):
            stage = nn.Sequential()  # AnyStage
            for j in range(n):
                stage.add_module(f"block{i}-{j}", ResBottleneckBlock(
                    cin if j == 0 else cout, cout, stride if j == 0 else 1, g))
            blocks[f"block{i}"] = stage
            cin = cout
        self.trunk_output = nn.Sequential(blocks)
        self.avgpool = nn.AdaptiveAvgPool2d((1, 1))
        self.fc = nn.Linear(cin, 1000)

    def forward(self, x: Tensor) -> Tensor:
        x = self.avgpool(self.trunk_output(self.stem(x)))
        return self.fc(x.flatten(start_dim=1))


# --------------------------------------------------------------------------- MobileNetV3


# torchvision's mobilenet_v3_large table: (input, kernel, expanded, out, SE, activation,
# stride, dilated); "dilated" blocks get dilation 2 (and stride 1) in dilated=True backbones
_MOBILENET_V3_LARGE = (
    (16, 3, 16, 16, False, "RE", 1, False),
    (16, 3, 64, 24, False, "RE", 2, False),  # C1
    (24, 3, 72, 24, False, "RE", 1, False),
    (24, 5, 72, 40, True, "RE", 2, False),  # C2
    (40, 5, 120, 40, True, "RE", 1, False),
    (40, 5, 120, 40, True, "RE", 1, False),
    (40, 3, 240, 80, False, "HS", 2, False),  # C3
    (80, 3, 200, 80, False, "HS", 1, False),
    (80, 3, 184, 80, False, "HS", 1, False),
    (80, 3, 184, 80, False, "HS", 1, False),
    (80, 3, 480, 112, True, "HS", 1, False),
    (112, 3, 672, 112, True, "HS", 1, False),
    (112, 5, 672, 160, True, "HS", 2, True),  # C4
    (160, 5, 960, 160, True, "HS", 1, True),
    (160, 5, 960, 160, True, "HS", 1, True),
)


class MobileNetV3Block(nn.Module):
    """torchvision.models.mobilenetv3.InvertedResidual: expand (when the width changes),
    depthwise (dilation replaces the stride), SE with hard sigmoid, linear project."""

    def __init__(self, cin: int, kernel: int, expanded: int, cout: int, use_se: bool,
                 act: str, stride: int, dilation: int) -> None:
        super().__init__()
        self.use_res_connect = stride == 1 and cin == cout
        norm = partial(nn.BatchNorm2d, eps=0.001, momentum=0.01)
        activation = nn.Hardswish if act == "HS" else nn.ReLU
        layers: list[nn.Module] = []
        if expanded != cin:
            layers.append(Conv2dNormActivation(cin, expanded, 1, norm=norm, activation=activation))
        layers.append(Conv2dNormActivation(
            expanded, expanded, kernel, 1 if dilation > 1 else stride, expanded,
            dilation=dilation, norm=norm, activation=activation))
        if use_se:
            layers.append(SqueezeExcitation(expanded, _make_divisible(expanded // 4, 8),
                                            scale_activation=nn.Hardsigmoid))
        layers.append(Conv2dNormActivation(expanded, cout, 1, norm=norm, activation=None))
        self.block = nn.Sequential(*layers)
        self.out_channels = cout
        self._is_cn = stride > 1  # a stage boundary, even where dilation replaced the stride

    def forward(self, x: Tensor) -> Tensor:
        result = self.block(x)
        return result + x if self.use_res_connect else result


class MobileNetV3Large(nn.Module):
    """torchvision.models.mobilenet_v3_large(dilated=...), width 1.0, full tail."""

    def __init__(self, dilated: bool = False) -> None:
        super().__init__()
        norm = partial(nn.BatchNorm2d, eps=0.001, momentum=0.01)
        layers: list[nn.Module] = [
            Conv2dNormActivation(3, 16, 3, 2, norm=norm, activation=nn.Hardswish)]
        for cin, k, exp, cout, se, act, s, dil in _MOBILENET_V3_LARGE:
            layers.append(MobileNetV3Block(cin, k, exp, cout, se, act, s, 2 if dilated and dil
                                           else 1))
        layers.append(Conv2dNormActivation(160, 960, 1, norm=norm, activation=nn.Hardswish))
        self.features = nn.Sequential(*layers)
        self.avgpool = nn.AdaptiveAvgPool2d(1)
        self.classifier = nn.Sequential(nn.Linear(960, 1280), nn.Hardswish(inplace=True),
                                        nn.Dropout(p=0.2, inplace=True), nn.Linear(1280, 1000))

    def forward(self, x: Tensor) -> Tensor:
        return self.classifier(torch.flatten(self.avgpool(self.features(x)), 1))


# --------------------------------------------------------------------------- segmentation


class IntermediateLayerGetter(nn.ModuleDict):
    """torchvision.models._utils.IntermediateLayerGetter: a model's children up to the last
    one asked for; forward returns their outputs by the names asked for."""

    def __init__(self, model: nn.Module, return_layers: dict[str, str]) -> None:
        wanted = dict(return_layers)
        layers: OrderedDict[str, nn.Module] = OrderedDict()
        for name, module in model.named_children():
            layers[name] = module
            wanted.pop(name, None)
            if not wanted:
                break
        super().__init__(layers)
        self.return_layers = dict(return_layers)

    def forward(self, x: Tensor) -> dict[str, Tensor]:  # type: ignore[override]
        out = {}
        for name, module in self.items():
            x = module(x)
            if name in self.return_layers:
                out[self.return_layers[name]] = x
        return out


class FCNHead(nn.Sequential):
    """torchvision.models.segmentation.fcn.FCNHead."""

    def __init__(self, cin: int, channels: int) -> None:
        inter = cin // 4
        super().__init__(nn.Conv2d(cin, inter, 3, padding=1, bias=False), nn.BatchNorm2d(inter),
                         nn.ReLU(), nn.Dropout(0.1), nn.Conv2d(inter, channels, 1))


class ASPPPooling(nn.Sequential):
    """torchvision's ASPPPooling: image pooling branch, resized back to the input's size."""

    def __init__(self, cin: int, cout: int) -> None:
        super().__init__(nn.AdaptiveAvgPool2d(1), nn.Conv2d(cin, cout, 1, bias=False),
                         nn.BatchNorm2d(cout), nn.ReLU())

    def forward(self, x: Tensor) -> Tensor:
        size = x.shape[-2:]
        for module in self:
            x = module(x)
        return F.interpolate(x, size=size, mode="bilinear", align_corners=False)


class ASPP(nn.Module):
    """torchvision's ASPP: a 1x1 branch, one 3x3 branch per atrous rate, the pooling branch;
    concatenated and projected to 256 (with dropout 0.5)."""

    def __init__(self, cin: int, rates: Sequence[int], cout: int = 256) -> None:
        super().__init__()
        modules: list[nn.Module] = [nn.Sequential(
            nn.Conv2d(cin, cout, 1, bias=False), nn.BatchNorm2d(cout), nn.ReLU())]
        for rate in rates:  # ASPPConv
            modules.append(nn.Sequential(
                nn.Conv2d(cin, cout, 3, padding=rate, dilation=rate, bias=False),
                nn.BatchNorm2d(cout), nn.ReLU()))
        modules.append(ASPPPooling(cin, cout))
        self.convs = nn.ModuleList(modules)
        self.project = nn.Sequential(
            nn.Conv2d(len(self.convs) * cout, cout, 1, bias=False), nn.BatchNorm2d(cout),
            nn.ReLU(), nn.Dropout(0.5))

    def forward(self, x: Tensor) -> Tensor:
        return self.project(torch.cat([conv(x) for conv in self.convs], dim=1))


class DeepLabHead(nn.Sequential):
    """torchvision.models.segmentation.deeplabv3.DeepLabHead (rates 12, 24, 36)."""

    def __init__(self, cin: int, classes: int) -> None:
        super().__init__(ASPP(cin, [12, 24, 36]), nn.Conv2d(256, 256, 3, padding=1, bias=False),
                         nn.BatchNorm2d(256), nn.ReLU(), nn.Conv2d(256, classes, 1))


class SimpleSegmentationModel(nn.Module):
    """torchvision's _SimpleSegmentationModel (FCN, DeepLabV3) with aux_loss=False: backbone
    features "out", the classifier, a bilinear resize to the input size. torchvision returns
    {"out": x}; this returns x, the tensor its reference totals count."""

    def __init__(self, backbone: nn.Module, classifier: nn.Module) -> None:
        super().__init__()
        self.backbone = backbone
        self.classifier = classifier
        self.aux_classifier = None

    def forward(self, x: Tensor) -> Tensor:
        out = self.classifier(self.backbone(x)["out"])
        return F.interpolate(out, size=x.shape[-2:], mode="bilinear", align_corners=False)


def _dilated_resnet50_features() -> IntermediateLayerGetter:
    """resnet50(replace_stride_with_dilation=[False, True, True]) up to layer4 (output stride 8)."""
    resnet = ResNet(Bottleneck, (3, 4, 6, 3), replace_stride_with_dilation=(False, True, True))
    return IntermediateLayerGetter(resnet, {"layer4": "out"})


def fcn_resnet50(classes: int = 21) -> SimpleSegmentationModel:
    """torchvision.models.segmentation.fcn_resnet50(weights=None, weights_backbone=None)."""
    return SimpleSegmentationModel(_dilated_resnet50_features(), FCNHead(2048, classes))


def deeplabv3_resnet50(classes: int = 21) -> SimpleSegmentationModel:
    """torchvision.models.segmentation.deeplabv3_resnet50(weights=None, weights_backbone=None)."""
    return SimpleSegmentationModel(_dilated_resnet50_features(), DeepLabHead(2048, classes))


class LRASPPHead(nn.Module):
    """torchvision.models.segmentation.lraspp.LRASPPHead: the high features gated by their own
    pooled sigmoid, resized to the low features' size; both classified and added."""

    def __init__(self, low: int, high: int, classes: int, inter: int) -> None:
        super().__init__()
        self.cbr = nn.Sequential(nn.Conv2d(high, inter, 1, bias=False), nn.BatchNorm2d(inter),
                                 nn.ReLU(inplace=True))
        self.scale = nn.Sequential(nn.AdaptiveAvgPool2d(1), nn.Conv2d(high, inter, 1, bias=False),
                                   nn.Sigmoid())
        self.low_classifier = nn.Conv2d(low, classes, 1)
        self.high_classifier = nn.Conv2d(inter, classes, 1)

    def forward(self, features: dict[str, Tensor]) -> Tensor:
        low, high = features["low"], features["high"]
        x = self.cbr(high) * self.scale(high)
        x = F.interpolate(x, size=low.shape[-2:], mode="bilinear", align_corners=False)
        return self.low_classifier(low) + self.high_classifier(x)


class LRASPP(nn.Module):
    """torchvision.models.segmentation.lraspp_mobilenet_v3_large(weights=None,
    weights_backbone=None): the dilated MobileNetV3-Large features, "low" at C2 (output stride
    8), "high" at the last conv (output stride 16); returns the "out" tensor."""

    def __init__(self, classes: int = 21, inter: int = 128) -> None:
        super().__init__()
        features = MobileNetV3Large(dilated=True).features
        # torchvision's choice: the strided blocks are stage boundaries C1..C4
        stages = [0] + [i for i, b in enumerate(features) if getattr(b, "_is_cn", False)]
        stages.append(len(features) - 1)
        low, high = stages[-4], stages[-1]
        self.backbone = IntermediateLayerGetter(
            features, {str(low): "low", str(high): "high"})
        low_c = features[low].out_channels
        high_c = features[high][0].out_channels  # the last Conv2dNormActivation's conv
        self.classifier = LRASPPHead(low_c, high_c, classes, inter)

    def forward(self, x: Tensor) -> Tensor:
        out = self.classifier(self.backbone(x))
        return F.interpolate(out, size=x.shape[-2:], mode="bilinear", align_corners=False)


# --------------------------------------------------------------------------- EfficientNet


# torchvision's EfficientNet-B0 table (MBConvConfig): expand ratio, kernel, stride, input
# channels, output channels, layers
_EFFICIENTNET_B0 = ((1, 3, 1, 32, 16, 1), (6, 3, 2, 16, 24, 2), (6, 5, 2, 24, 40, 2),
                    (6, 3, 2, 40, 80, 3), (6, 5, 1, 80, 112, 3), (6, 5, 2, 112, 192, 4),
                    (6, 3, 1, 192, 320, 1))  # fmt: skip


class MBConv(nn.Module):
    """torchvision.models.efficientnet.MBConv: expand (unless the ratio keeps the width),
    depthwise, SE (squeeze to a quarter of the block's *input*, SiLU), linear project;
    stochastic depth and the residual only at stride 1 with equal widths (the StochasticDepth
    module is registered in every block, called only there)."""

    def __init__(self, expand_ratio: float, kernel: int, stride: int, cin: int, cout: int,
                 sd_prob: float) -> None:
        super().__init__()
        self.use_res_connect = stride == 1 and cin == cout
        expanded = _make_divisible(cin * expand_ratio, 8)
        layers: list[nn.Module] = []
        if expanded != cin:
            layers.append(Conv2dNormActivation(cin, expanded, 1, activation=nn.SiLU))
        layers.append(Conv2dNormActivation(expanded, expanded, kernel, stride, expanded,
                                           activation=nn.SiLU))
        layers.append(SqueezeExcitation(expanded, max(1, cin // 4),
                                        activation=partial(nn.SiLU, inplace=True)))
        layers.append(Conv2dNormActivation(expanded, cout, 1, activation=None))
        self.block = nn.Sequential(*layers)
        self.stochastic_depth = StochasticDepth(sd_prob, "row")
        self.out_channels = cout

    def forward(self, x: Tensor) -> Tensor:
        result = self.block(x)
        if self.use_res_connect:
            result = self.stochastic_depth(result) + x
        return result


class EfficientNet(nn.Module):
    """torchvision.models.efficientnet_b0..b3: B0's table with widths through
    _make_divisible(c * width_mult, 8) and layer counts ceil(n * depth_mult)."""

    def __init__(self, width_mult: float = 1.0, depth_mult: float = 1.0, dropout: float = 0.2,
                 stochastic_depth_prob: float = 0.2) -> None:
        super().__init__()
        setting = [(t, k, s, _make_divisible(cin * width_mult, 8),
                    _make_divisible(cout * width_mult, 8), math.ceil(n * depth_mult))
                   for t, k, s, cin, cout, n in _EFFICIENTNET_B0]
        layers: list[nn.Module] = [Conv2dNormActivation(3, setting[0][3], 3, 2, activation=nn.SiLU)]
        total = sum(n for *_, n in setting)
        block_id = 0
        for t, k, s, cin, cout, n in setting:
            stage: list[nn.Module] = []
            for i in range(n):
                sd_prob = stochastic_depth_prob * float(block_id) / total
                stage.append(MBConv(t, k, s if i == 0 else 1, cin if i == 0 else cout, cout,
                                    sd_prob))
                block_id += 1
            layers.append(nn.Sequential(*stage))
        last_in = setting[-1][4]
        layers.append(Conv2dNormActivation(last_in, 4 * last_in, 1, activation=nn.SiLU))
        self.features = nn.Sequential(*layers)
        self.avgpool = nn.AdaptiveAvgPool2d(1)
        self.classifier = nn.Sequential(nn.Dropout(p=dropout, inplace=True),
                                        nn.Linear(4 * last_in, 1000))

    def forward(self, x: Tensor) -> Tensor:
        return self.classifier(torch.flatten(self.avgpool(self.features(x)), 1))


# --------------------------------------------------------------------------- classics


def lenet5() -> nn.Sequential:
    """Modern LeNet-5 on 1x32x32: full C3, ReLU, max pooling, Linear 84->10 (61,706 params)."""
    return nn.Sequential(
        *_conv_relu(1, 6, 5), nn.MaxPool2d(2),
        *_conv_relu(6, 16, 5), nn.MaxPool2d(2),
        nn.Flatten(),
        nn.Linear(16 * 5 * 5, 120), nn.ReLU(inplace=True),
        nn.Linear(120, 84), nn.ReLU(inplace=True),
        nn.Linear(84, 10),
    )  # fmt: skip


class MnistNet(nn.Module):
    """pytorch/examples mnist/main.py ``Net`` as written there (ReLU/max-pool/log_softmax are
    functional, so they leave no leaf records)."""

    def __init__(self) -> None:
        super().__init__()
        self.conv1 = nn.Conv2d(1, 32, 3, 1)
        self.conv2 = nn.Conv2d(32, 64, 3, 1)
        self.dropout1 = nn.Dropout(0.25)
        self.dropout2 = nn.Dropout(0.5)
        self.fc1 = nn.Linear(9216, 128)
        self.fc2 = nn.Linear(128, 10)

    def forward(self, x: Tensor) -> Tensor:
        x = F.max_pool2d(F.relu(self.conv2(F.relu(self.conv1(x)))), 2)
        x = torch.flatten(self.dropout1(x), 1)
        x = self.dropout2(F.relu(self.fc1(x)))
        return F.log_softmax(self.fc2(x), dim=1)


def _double_conv(cin: int, cout: int) -> nn.Sequential:
    return nn.Sequential(*_conv_relu(cin, cout, 3), *_conv_relu(cout, cout, 3))


def _center_crop(x: Tensor, height: int, width: int) -> Tensor:
    top, left = (x.shape[-2] - height) // 2, (x.shape[-1] - width) // 2
    return x[..., top : top + height, left : left + width]


class UNet(nn.Module):
    """Ronneberger et al. 2015 U-Net: unpadded convs, 1x572x572 in, 2x388x388 out."""

    def __init__(
        self, cin: int = 1, classes: int = 2, widths: Sequence[int] = (64, 128, 256, 512, 1024)
    ):
        super().__init__()
        self.down = nn.ModuleList(_double_conv(a, b) for a, b in pairwise((cin, *widths)))
        self.pool = nn.MaxPool2d(2)
        self.up = nn.ModuleList(nn.ConvTranspose2d(w, w // 2, 2, stride=2) for w in widths[:0:-1])
        self.dec = nn.ModuleList(_double_conv(w, w // 2) for w in widths[:0:-1])
        self.head = nn.Conv2d(widths[0], classes, 1)

    def forward(self, x: Tensor) -> Tensor:
        skips = []
        for block in self.down[:-1]:
            x = block(x)
            skips.append(x)
            x = self.pool(x)
        x = self.down[-1](x)
        for up, dec, skip in zip(self.up, self.dec, reversed(skips), strict=True):
            x = up(x)
            x = dec(torch.cat([_center_crop(skip, x.shape[-2], x.shape[-1]), x], 1))
        return self.head(x)


# --------------------------------------------------------------------------- registry, trace

_RGB224 = (3, 224, 224)
_RGB520 = (3, 520, 520)  # torchvision's segmentation resize

MODELS: dict[str, tuple[Callable[[], nn.Module], tuple[int, ...]]] = {
    "alexnet": (AlexNet, _RGB224),
    "vgg11": (partial(VGG, "A"), _RGB224),
    "vgg16": (partial(VGG, "D"), _RGB224),
    "vgg16_bn": (partial(VGG, "D", batch_norm=True), _RGB224),
    "vgg19": (partial(VGG, "E"), _RGB224),
    "resnet18": (partial(ResNet, BasicBlock, (2, 2, 2, 2)), _RGB224),
    "resnet34": (partial(ResNet, BasicBlock, (3, 4, 6, 3)), _RGB224),
    "resnet50": (partial(ResNet, Bottleneck, (3, 4, 6, 3)), _RGB224),
    "resnet101": (partial(ResNet, Bottleneck, (3, 4, 23, 3)), _RGB224),
    "resnet152": (partial(ResNet, Bottleneck, (3, 8, 36, 3)), _RGB224),
    "googlenet": (GoogLeNet, _RGB224),
    "mobilenet_v2": (MobileNetV2, _RGB224),
    "squeezenet1_0": (partial(SqueezeNet, "1_0"), _RGB224),
    "squeezenet1_1": (partial(SqueezeNet, "1_1"), _RGB224),
    "densenet121": (DenseNet, _RGB224),
    # the networks of the format 1.1 zoo (issue 14)
    "convnext_tiny": (ConvNeXt, _RGB224),
    "shufflenet_v2_x1_0": (ShuffleNetV2, _RGB224),
    "regnet_x_400mf": (RegNet, _RGB224),
    "fcn_resnet50": (fcn_resnet50, _RGB520),
    "deeplabv3_resnet50": (deeplabv3_resnet50, _RGB520),
    "lraspp_mobilenet_v3_large": (LRASPP, _RGB520),
    # family members: one builder, several multipliers
    **{f"mobilenet_v2(width_mult={w})": (partial(MobileNetV2, w), _RGB224)
       for w in (0.5, 0.75, 1.4)},
    # (width, depth, dropout) and the resolution torchvision trains each at
    "efficientnet_b0": (partial(EfficientNet, 1.0, 1.0, 0.2), _RGB224),
    "efficientnet_b1": (partial(EfficientNet, 1.0, 1.1, 0.2), (3, 240, 240)),
    "efficientnet_b2": (partial(EfficientNet, 1.1, 1.2, 0.3), (3, 260, 260)),
    "efficientnet_b3": (partial(EfficientNet, 1.2, 1.4, 0.3), (3, 300, 300)),
    "lenet5": (lenet5, (1, 32, 32)),
    "mnist_net": (MnistNet, (1, 28, 28)),
    "alexnet_cs231n": (alexnet_cs231n, (3, 227, 227)),
    "unet": (UNet, (1, 572, 572)),
}

_CONVS = (nn.Conv1d, nn.Conv2d, nn.Conv3d)
_CONV_TRANSPOSES = (nn.ConvTranspose1d, nn.ConvTranspose2d, nn.ConvTranspose3d)


def _macs(module: nn.Module, x: Tensor, out: Tensor) -> int:
    """Multiplies of one sample (x, out without batch); bias, norms and activations count 0."""
    if isinstance(module, _CONV_TRANSPOSES):  # counted over input positions
        per_input = (module.out_channels // module.groups) * math.prod(module.kernel_size)
        return x.numel() * per_input
    if isinstance(module, _CONVS):
        per_output = (module.in_channels // module.groups) * math.prod(module.kernel_size)
        return out.numel() * per_output
    if isinstance(module, nn.Linear):
        return out.numel() * module.in_features
    return 0


_CONTAINERS = (nn.Sequential, nn.ModuleList, nn.ModuleDict)


def traced_modules(model: nn.Module) -> dict[nn.Module, str]:
    """The modules leaf_trace records, with their names: every leaf (an empty container is none:
    ShuffleNetV2's stride-1 units keep an empty `branch1`), and every module that holds
    parameters or buffers of its own beside its children (ConvNeXt's layer scale is a Parameter
    of the block, recorded when the block returns)."""
    traced = {}
    for name, m in model.named_modules():
        leaf = next(m.children(), None) is None and not isinstance(m, _CONTAINERS)
        owner = any(True for _ in m.parameters(recurse=False)) or any(
            True for _ in m.buffers(recurse=False))
        if leaf or owner:
            traced[m] = name
    return traced


def leaf_trace(model: nn.Module, shape: Sequence[int]) -> list[dict[str, Any]]:
    """One record per call of a traced module (traced_modules: the leaves, and the modules
    owning tensors beside children), in execution order, for a zero batch-1 input in eval mode.

    Keys: name, cls, out (shape without batch), params and buffers (the module's own element
    counts), macs (Conv/ConvTranspose/Linear multiplies, else 0).
    """
    leaves = traced_modules(model)
    records: list[dict[str, Any]] = []

    def hook(module: nn.Module, args: tuple[Any, ...], out: Tensor) -> None:
        records.append(
            {
                "name": leaves[module],
                "cls": type(module).__name__,
                "out": tuple(out.shape[1:]),
                "params": sum(p.numel() for p in module.parameters(recurse=False)),
                "buffers": sum(b.numel() for b in module.buffers(recurse=False)),
                "macs": _macs(module, args[0][0], out[0]),
            }
        )

    handles = [m.register_forward_hook(hook) for m in leaves]
    was_training = model.training
    try:
        model.eval()
        with torch.no_grad():
            model(torch.zeros(1, *shape))
    finally:
        for handle in handles:
            handle.remove()
        model.train(was_training)
    return records

"""Plain-torch reference models for checking cnncalc against what PyTorch really builds.

The torchvision entries mirror ``torchvision.models`` (0.29) module for module: same attribute
names, registration order, hyper-parameters and functional ops, so parameter/buffer counts and
leaf-call sequences match. torchvision itself is not imported; weights keep PyTorch's default
initialisation. ``MODELS`` maps a name to (constructor, input shape without batch) and
``leaf_trace`` records every leaf-module call of one forward pass.
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
    """torchvision.models.resnet.Bottleneck (ResNet v1.5: stride on the 3x3 conv)."""

    expansion = 4

    def __init__(self, cin: int, planes: int, stride: int = 1, downsample: nn.Module | None = None):
        super().__init__()
        self.conv1 = _conv_nobias(cin, planes, 1)
        self.bn1 = nn.BatchNorm2d(planes)
        self.conv2 = _conv_nobias(planes, planes, 3, stride)
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
    """torchvision.models.resnet18/34/50/101/152."""

    def __init__(self, block: type[BasicBlock | Bottleneck], layers: Sequence[int]) -> None:
        super().__init__()
        self.inplanes = 64
        self.conv1 = nn.Conv2d(3, 64, 7, 2, 3, bias=False)
        self.bn1 = nn.BatchNorm2d(64)
        self.relu = nn.ReLU(inplace=True)
        self.maxpool = nn.MaxPool2d(3, 2, 1)
        self.layer1 = self._make_layer(block, 64, layers[0])
        self.layer2 = self._make_layer(block, 128, layers[1], stride=2)
        self.layer3 = self._make_layer(block, 256, layers[2], stride=2)
        self.layer4 = self._make_layer(block, 512, layers[3], stride=2)
        self.avgpool = nn.AdaptiveAvgPool2d((1, 1))
        self.fc = nn.Linear(512 * block.expansion, 1000)

    def _make_layer(
        self, block: type[BasicBlock | Bottleneck], planes: int, blocks: int, stride: int = 1
    ) -> nn.Sequential:
        cout = planes * block.expansion
        downsample = None
        if stride != 1 or self.inplanes != cout:
            downsample = nn.Sequential(
                _conv_nobias(self.inplanes, cout, 1, stride), nn.BatchNorm2d(cout)
            )
        layers = [block(self.inplanes, planes, stride, downsample)]
        self.inplanes = cout
        layers += [block(cout, planes) for _ in range(1, blocks)]
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


# --------------------------------------------------------------------------- MobileNetV2


class Conv2dNormActivation(nn.Sequential):
    """torchvision.ops.Conv2dNormActivation as MobileNetV2 uses it: conv, BN, ReLU6."""

    def __init__(self, cin: int, cout: int, kernel: int = 3, stride: int = 1, groups: int = 1):
        super().__init__(
            _conv_nobias(cin, cout, kernel, stride, groups), nn.BatchNorm2d(cout), nn.ReLU6(True)
        )


class InvertedResidual(nn.Module):
    """torchvision.models.mobilenetv2.InvertedResidual."""

    def __init__(self, cin: int, cout: int, stride: int, expand_ratio: int) -> None:
        super().__init__()
        hidden = round(cin * expand_ratio)
        self.use_res_connect = stride == 1 and cin == cout
        expand = [Conv2dNormActivation(cin, hidden, 1)] if expand_ratio != 1 else []
        self.conv = nn.Sequential(
            *expand,
            Conv2dNormActivation(hidden, hidden, stride=stride, groups=hidden),
            nn.Conv2d(hidden, cout, 1, bias=False),
            nn.BatchNorm2d(cout),
        )

    def forward(self, x: Tensor) -> Tensor:
        return x + self.conv(x) if self.use_res_connect else self.conv(x)


class MobileNetV2(nn.Module):
    """torchvision.models.mobilenet_v2 (width 1.0)."""

    # (expand ratio t, channels c, repeats n, first stride s)
    SETTINGS = ((1, 16, 1, 1), (6, 24, 2, 2), (6, 32, 3, 2), (6, 64, 4, 2), (6, 96, 3, 1),
                (6, 160, 3, 2), (6, 320, 1, 1))  # fmt: skip

    def __init__(self) -> None:
        super().__init__()
        layers: list[nn.Module] = [Conv2dNormActivation(3, 32, stride=2)]
        cin = 32
        for t, c, n, s in self.SETTINGS:
            for i in range(n):
                layers.append(InvertedResidual(cin, c, s if i == 0 else 1, t))
                cin = c
        layers.append(Conv2dNormActivation(cin, 1280, 1))
        self.features = nn.Sequential(*layers)
        self.classifier = nn.Sequential(nn.Dropout(0.2), nn.Linear(1280, 1000))

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


def leaf_trace(model: nn.Module, shape: Sequence[int]) -> list[dict[str, Any]]:
    """One record per leaf-module call, in execution order, for a zero batch-1 input in eval mode.

    Keys: name, cls, out (shape without batch), params and buffers (the module's own element
    counts), macs (Conv/ConvTranspose/Linear multiplies, else 0).
    """
    leaves = {m: name for name, m in model.named_modules() if next(m.children(), None) is None}
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

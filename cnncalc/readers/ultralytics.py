"""Ultralytics YOLO model configs (`yolov8.yaml`, `yolo11.yaml`, ...), read the way Ultralytics'
`parse_model` reads them (ultralytics/nn/tasks.py, checked against ultralytics 8.4.190 by
tests/test_yolo_oracle.py): the scale, the depth and width multipliers, each row's
`[from, repeats, module, args]`, and the arguments each module's constructor receives after
parse_model's rewriting (channel rounding, repeats passed in, variants switched by scale).

`recognise(root)` tells the format by its structure; `read(root, ...)` returns the rows as
data (`Config`), every problem located at the row the user wrote. `document(config)` turns
the rows into a cnncalc document (format 1.1, docs/yolo.md "Design").

Nothing here imports or copies Ultralytics (AGPL-3.0): the rules below are written from
reading its constructors, and the tests compare them with the installed package.
"""

from __future__ import annotations

import ast
import contextlib
import functools
import itertools
import math
import re
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from ..diagnostics import Diagnostic, did_you_mean
from ..format import TOP_KEYS
from ..frozen import frozen
from ..limits import MAX_INT, MAX_VALUE_ITEMS
from ..loader import YMap, YNode, YScalar, YSeq
from ..source import Source, Span

# --------------------------------------------------------------------------- the modules

# How parse_model treats a module's row (the branch of its if-chain the module takes)
BASE = "base"  # c2 = args[0] scaled by width; args = [c1, c2, *args[1:]]
REPEAT = "repeat"  # BASE, and the row's repeats are passed in as args[2] (one module)
CLASSIFY = "classify"  # BASE without the width scaling (the class count)
CONCAT = "concat"  # c2 = the sum of the inputs' channels
HEAD = "head"  # Detect and its kin: args + [reg_max, end2end, input channels]
V10HEAD = "v10head"  # v10Detect: args + [input channels]
SAME = "same"  # c2 = the input's channels; args as written (nn.Upsample, nn.MaxPool2d, ...)
BATCHNORM = "batchnorm"  # args = [c1]
OTHER = "other"  # a branch of its own (TorchVision, Index, and refused modules: AIFI, ...)


@frozen
class Module:
    """One module a row may name: how parse_model builds its arguments, and whether cnncalc
    reads it (`refused` says why not, in the user's terms)."""

    name: str
    kind: str
    refused: str = ""


_TEXT = "it embeds text or visual prompts (a CLIP-style text model), not a CNN layer"
_RTDETR = "RT-DETR's transformer decoder: attention over object queries, not a CNN layer"
_OTHER_TASK = "its task ({}) is not one cnncalc reads: detect, segment, classify, pose, obb"

MODULES: dict[str, Module] = {m.name: m for m in [
    # convolutions and CSP blocks (ultralytics/nn/modules/conv.py, block.py)
    *(Module(n, BASE) for n in (
        "Conv", "Conv2", "ConvTranspose", "GhostConv", "DWConv", "Focus", "Bottleneck",
        "GhostBottleneck", "SPP", "SPPF", "SPPELAN", "RepNCSPELAN4", "ELAN1", "ADown",
        "AConv", "SCDown", "PSA", "DWConvTranspose2d", "nn.ConvTranspose2d")),
    *(Module(n, REPEAT) for n in (
        "BottleneckCSP", "C1", "C2", "C2f", "C3k2", "C3", "C3x", "RepC3", "C3Ghost",
        "C2fPSA", "C2fCIB", "C2PSA", "A2C2f")),
    Module("C3TR", REPEAT, "a C3 whose bottlenecks are transformer layers (multi-head "
           "attention over every position)"),
    Module("C2fAttn", REPEAT, _TEXT),
    Module("Classify", CLASSIFY),
    Module("Concat", CONCAT),
    *(Module(n, HEAD) for n in ("Detect", "Segment", "Pose", "OBB", "Segment26", "Pose26",
                                "OBB26")),
    *(Module(n, HEAD, _TEXT) for n in ("WorldDetect", "YOLOEDetect", "YOLOESegment",
                                       "YOLOESegment26")),
    Module("v10Detect", V10HEAD),
    Module("CBLinear", OTHER),
    Module("CBFuse", OTHER),
    Module("nn.BatchNorm2d", BATCHNORM),
    *(Module(n, SAME) for n in ("nn.Upsample", "nn.MaxPool2d", "nn.AvgPool2d", "nn.ZeroPad2d",
                                "nn.Identity", "nn.ReLU", "nn.SiLU")),
    Module("AIFI", OTHER, "a transformer encoder layer (RT-DETR's attention-based intra-scale "
           "feature interaction)"),
    Module("HGStem", OTHER, "RT-DETR's HGNetv2 backbone, read only with RT-DETR, which cnncalc "
           "refuses"),
    Module("HGBlock", OTHER, "RT-DETR's HGNetv2 backbone, read only with RT-DETR, which "
           "cnncalc refuses"),
    Module("ResNetLayer", OTHER),
    Module("RTDETRDecoder", OTHER, _RTDETR),
    Module("ImagePoolingAttn", OTHER, _TEXT),
    Module("TorchVision", OTHER),  # a torchvision model's children (torchvision_models.yaml)
    Module("Index", OTHER),  # one output of a TorchVision row with split=True
    Module("Depth", OTHER, _OTHER_TASK.format("depth")),
    Module("SemanticSegment", OTHER, _OTHER_TASK.format("semantic segmentation")),
]}

# block parameters the reader sets and a row never writes (not counted in a row's arity)
_READER_ONLY = {"SPPF": ("legacy",), "DWConv": ("g",)}
# the heads whose constructor takes a second leading argument Ultralytics scales by width
_SEGMENT = frozenset({"Segment", "Segment26", "YOLOESegment", "YOLOESegment26"})
# what a head's row writes in its args (parse_model appends the rest): the constructor's
# parameters before reg_max, end2end and ch
_HEAD_ARGS = {"Detect": ("nc",), "v10Detect": ("nc",), "OBB": ("nc", "ne"),
              "OBB26": ("nc", "ne"), "Pose": ("nc", "kpt_shape"), "Pose26": ("nc", "kpt_shape"),
              "Segment": ("nc", "nm", "npr"), "Segment26": ("nc", "nm", "npr")}
# modules that make Detect build its current (not legacy) class branch: parse_model sets
# `legacy = False` when it meets one of them before the head
_NOT_LEGACY = frozenset({"C3k2", "A2C2f", "C2fCIB"})
# the names parse_model's rows may use as argument values (its own local variables)
_NAMES = ("nc", "kpt_shape", "reg_max", "end2end", "depth", "width", "max_channels", "scale")
# the block parameters that are switches (True/False), as the library names them
_FLAGS = frozenset({"shortcut", "act", "c3k", "attn", "lk", "residual", "a2", "is_first",
                    "bn", "deploy", "legacy"})
# what a block parameter is, where its name does not say (Ultralytics' own names)
_PARAM = {"c2": "c2 (the output channels)", "k": "k (the kernel size)", "s": "s (the stride)",
          "p": "p (the padding)", "g": "g (the groups)", "d": "d (the dilation)",
          "e": "e (the expansion ratio)", "n": "n (the repeats)"}
# Ultralytics derives the scale from a file name this way (tasks.guess_model_scale)
_SCALE_IN_NAME = re.compile(r"yolo(e-)?[v]?\d+([nslmx])")
_LITERAL_CHARS = 200  # longer text is never a number or a list a row needs
_DEPTH = 16  # levels of nesting a value may have (a row's args hold lists of lists at most)
# cnncalc's top-level keys that say how to analyse a network, not what it is: a config may
# carry them, and they are held as in a cnncalc file (`expect: {params: 3157200}`, `batch: 16`
# for a memory budget); Ultralytics ignores keys it does not read
ANALYSIS_KEYS = ("name", "input", "batch", "dtype", "layout", "expect")
# cnncalc's keys that would define the network (`layers:` makes a file a cnncalc file)
_NATIVE_ONLY = frozenset(TOP_KEYS) - {"layers", *ANALYSIS_KEYS}
_SECTION = {"backbone": "the first rows", "head": "the rows after the backbone: a detector's "
            "neck and Detect, a classifier's Classify"}
# items all of a config's values may hold together (each at most MAX_VALUE_ITEMS): a shipped
# config's hold a few hundred, a config of 10^5 rows some 10^6; aliases cannot multiply them
_TOTAL_ITEMS = 100 * MAX_VALUE_ITEMS

# diagnostic codes (E400-E409); registered in diagnostics.CODES with the hook that routes
# Ultralytics files here (docs/yolo.md, "What remains")
NOT_A_CONFIG = "E400"  # the top level is not a config (backbone/head missing or not lists)
BAD_ROW = "E401"  # a row is not [from, repeats, module, args]
BAD_FROM = "E402"  # `from` is not an index, points forward, or out of range
BAD_REPEATS = "E403"
UNKNOWN_MODULE = "E404"
BAD_ARGS = "E405"  # args of the wrong arity or type for the module
BAD_SCALE = "E406"  # --scale not in `scales`, or a `scales` entry malformed
REFUSED = "E407"  # the module is not a CNN layer cnncalc reads (attention, text)
BAD_ACTIVATION = "E408"
BAD_SET = "E409"  # a --set name the format has no use for, or a bad nc
CHANNELS_UNREAD = "W421"  # `channels:` in a config whose model class does not read it
NATIVE_KEY = "E411"  # a key of cnncalc's own format that would define the network
TOO_LARGE = "E116"  # a value, or all of them, past the item limit (as for a cnncalc file)


# --------------------------------------------------------------------------- the result

@frozen
class Row:
    """One row as parse_model builds it."""

    index: int  # numbered from 0 over backbone then head
    span: Span  # the row as written
    source: tuple[int, ...]  # the rows it reads (absolute; -1 is the network input)
    many: bool  # `from` written as a list: the module receives a list of tensors
    repeats: int  # after the depth gain (parse_model's `n_`)
    copies: int  # how many modules the row builds in sequence (1 when repeats go inside)
    module: str
    args: tuple[Any, ...]  # what the constructor receives, after parse_model's rewriting
    channels: int  # parse_model's `c2` for this row (what later rows take as their c1)


@frozen
class Config:
    """A config read for one scale: the multipliers in force and every row."""

    scale: str  # "" when the file has no `scales` and its name names none
    depth: float
    width: float
    max_channels: float
    nc: int | None
    activation: str | None  # the `activation:` as written (e.g. "nn.ReLU()")
    reg_max: int
    end2end: bool | None
    legacy: bool  # Detect builds its legacy class branch (no C3k2/A2C2f/C2fCIB before it)
    rows: tuple[Row, ...]
    refused: tuple[Row, ...]  # rows naming a module cnncalc refuses
    channels: int = 3  # the input's (`channels:`)
    scales: tuple[str, ...] = ()  # every scale the file offers (`scales:`), in its order
    # the rows' numbering comments disagree with their indices (renumbered()): "" when not
    renumbered: str = ""


def recognise(root: YNode) -> bool:
    """Whether `root` is an Ultralytics model config: a mapping with `backbone` and `head`
    lists whose rows are 4-element lists, and no `layers:` (a cnncalc file's key)."""
    if not isinstance(root, YMap) or root.get("layers") is not None:
        return False
    sections = [root.get("backbone"), root.get("head")]
    if not all(isinstance(s, YSeq) for s in sections):
        return False
    rows = [row for s in sections if isinstance(s, YSeq) for row in s.items]
    return bool(rows) and isinstance(rows[0], YSeq) and len(rows[0].items) == 4


def scale_from_name(name: str) -> str:
    """The scale Ultralytics reads from a file name (`yolov8n.yaml` -> "n"), or ""."""
    stem = name.replace("\\", "/").rsplit("/", 1)[-1]
    stem = stem.rsplit(".", 1)[0] if "." in stem else stem
    found = _SCALE_IN_NAME.search(stem)
    return found.group(2) if found else ""


def read(root: YNode, file_name: str, scale: str | None = None,
         settings: Mapping[str, Any] | None = None, source: Source | None = None
         ) -> tuple[Config | None, list[Diagnostic]]:
    """The config in `root` (loaded from `file_name`) at `scale` (else the one the file name
    names, else the first of `scales`), with `settings` (`--set nc=3`) applied; None when it
    cannot be read, and the diagnostics say why. `source`, the file's text, lets a row error
    say that the rows' numbering comments are off by one (a row removed or added)."""
    reader = _Reader()
    if source is not None and isinstance(root, YMap):
        reader.renumbered = renumbered(root, source)
    config = reader.run(root, file_name, scale, dict(settings or {}))
    return config, reader.diagnostics


def _offered(root: YMap) -> tuple[str, ...]:
    """The scales a config offers: its `scales:` keys (read by _scale, which refuses a
    malformed `scales:`)."""
    scales = root.get("scales")
    return tuple(str(k.value) for k, _ in scales.items) if isinstance(scales, YMap) else ()


def with_note(hint: str | None, note: str) -> str:
    """A hint with a note after it (the note alone without one)."""
    return f"{hint} ({note})" if hint else note


def renumbered(root: YMap, source: Source) -> str:
    """A note for a row error when the rows' numbering comments (`# 12`, `# 3-P3/8`, as the
    shipped configs number their rows) disagree with the rows' indices: a row was removed or
    added above the first that disagrees, and `from` indices written for the old numbering
    now point at other rows. "" when they agree, or the rows have no such comments."""
    rows = [row for key in ("backbone", "head") if isinstance(section := root.get(key), YSeq)
            for row in section.items]
    for index, row in enumerate(rows):
        end = row.span.end_line or row.span.line
        after = source.line(end)[row.span.end_col - 1:] if end == row.span.end_line \
            else ""
        found = re.match(r"\s*#\s*(\d{1,9})(?![\d.])", after)
        if found is None or int(found.group(1)) == index:
            continue
        number = int(found.group(1))
        if number > index:
            return (f"row {index} is commented '# {number}', as if a row above it had been "
                    "removed: `from` indices written before that still count it")
        return (f"row {index} is commented '# {number}', as if a row had been added above it: "
                "`from` indices written before that do not count it")
    return ""


def make_divisible(x: float, divisor: int) -> int:
    """Ultralytics' channel rounding (utils/ops.make_divisible): the smallest multiple of
    `divisor` that is >= x."""
    return math.ceil(x / divisor) * divisor


class _Fail(Exception):
    """A problem already reported: stop reading this row (or the file)."""


class _Reader:
    def __init__(self) -> None:
        self.diagnostics: list[Diagnostic] = []
        self.items_left = _TOTAL_ITEMS  # what _plain may still read
        self.renumbered = ""  # said with each row-index error (see renumbered())

    def error(self, code: str, message: str, span: Span, hint: str | None = None) -> _Fail:
        if code == BAD_FROM and self.renumbered:
            hint = with_note(hint, self.renumbered)
        self.diagnostics.append(Diagnostic(code, message, span, hint))
        return _Fail()

    # ----------------------------------------------------------------- the top level

    def run(self, root: YNode, file_name: str, wanted: str | None,
            settings: dict[str, Any]) -> Config | None:
        try:
            if not isinstance(root, YMap):
                raise self.error(NOT_A_CONFIG, "an Ultralytics model config is a mapping with "
                                 "`backbone:` and `head:`", root.span)
            sections = []
            for key, other in (("backbone", "head"), ("head", "backbone")):
                node = root.get(key)
                written = root.key(other)
                if node is None and written is not None:
                    raise self.error(NOT_A_CONFIG, f"the config has `{other}:` but no "
                                     f"`{key}:`: Ultralytics builds the rows of `backbone:` "
                                     "and then those of `head:`", written.span,
                                     f"add `{key}:` with its rows ({_SECTION[key]}), or "
                                     f"`{key}: []` for none")
                if not isinstance(node, YSeq):
                    raise self.error(NOT_A_CONFIG, f"'{key}' must be a list of rows "
                                     "[from, repeats, module, args]",
                                     (node or root).span)
                sections.append(node)
            self._native_keys(root)
            nc = self._nc(root, settings)
            scale, depth, width, max_channels = self._scale(root, file_name, wanted)
            activation = self._activation(root)
            reg_max = self._int(root, "reg_max", 16)
            end2end = self._optional_bool(root, "end2end")
            kpt_shape = self._plain(root.get("kpt_shape"))
            image_channels = self._channels(root, sections[1])
        except _Fail:
            return None
        names: dict[str, Any] = {
            "nc": nc, "kpt_shape": kpt_shape, "reg_max": reg_max, "end2end": end2end,
            "depth": depth, "width": width, "max_channels": max_channels, "scale": scale}
        rows: list[Row] = []
        refused: list[Row] = []
        # parse_model's `ch`: the input's channels, then each row's c2
        channels = [image_channels]
        last_c2 = image_channels
        legacy = True
        broken = False
        for i, node in enumerate([r for s in sections for r in s.items]):
            if broken:
                # a row after a broken one has no channels to read: only its own form is
                # checked, so one run still reports every malformed row
                with contextlib.suppress(_Fail):
                    self._parts(node, i, depth)
                continue
            try:
                row, last_c2, legacy = self._row(node, i, channels, last_c2, legacy, names)
            except _Fail:
                broken = True
                continue
            rows.append(row)
            if row.index == 0:  # parse_model: row 0 reads the input's channels, then only rows
                channels.clear()
            channels.append(row.channels)
            if MODULES[row.module].refused:
                refused.append(row)
        if broken:
            return None
        if not rows:
            self.error(NOT_A_CONFIG, "the config has no rows", root.span,
                       "add rows [from, repeats, module, args] under `backbone:` and `head:`")
            return None
        return Config(scale, depth, width, max_channels, nc, activation, reg_max, end2end,
                      legacy, tuple(rows), tuple(refused), channels=image_channels,
                      scales=_offered(root), renumbered=self.renumbered)

    def _native_keys(self, root: YMap) -> None:
        """cnncalc's own top-level keys that shape a network (`blocks:`, `params:`, ...) mean
        nothing in an Ultralytics config, whose network is its rows: said, not ignored. The
        keys that say how to analyse it (ANALYSIS_KEYS: `input:`, `batch:`, `expect:`, ...)
        are held as in a cnncalc file (analysis.read_and_load)."""
        found = [key for key, _ in root.items if key.value in _NATIVE_ONLY]
        for key in found:
            self.diagnostics.append(Diagnostic(
                NATIVE_KEY, f"`{key.value}:` is a key of cnncalc's own format; an Ultralytics "
                "config's network is its `backbone:` and `head:` rows, and nothing reads it",
                key.span, "remove it; to build the network from cnncalc blocks, convert the "
                "config (cnncalc convert FILE -o net.yaml) and edit the file it writes"))
        if found:
            raise _Fail()

    def _plain(self, node: YNode | None) -> Any:
        """The Python value of a node, as Ultralytics' YAML load gives it. A value nested
        deeper than any config needs, or holding more items than one may (YAML aliases repeat
        what they name: nine nested lists of ten aliases are 10^9 items in a few lines), is
        refused where it starts; so is a config whose values hold more than _TOTAL_ITEMS in
        all (a hundred thousand rows each aliasing a long list)."""
        if node is None:
            return None
        left = min(MAX_VALUE_ITEMS, self.items_left)

        def walk(item: YNode, depth: int) -> Any:
            nonlocal left
            left -= 1
            if left < 0:
                raise OverflowError
            if isinstance(item, YScalar):
                return item.value
            if depth <= 0:
                raise ValueError
            if isinstance(item, YSeq):
                return [walk(i, depth - 1) for i in item.items]
            return {key.value: walk(value, depth - 1) for key, value in item.items}

        budget = left
        try:
            value = walk(node, _DEPTH)
        except ValueError:
            raise self.error(BAD_ARGS, f"a value nested more than {_DEPTH} levels deep",
                             node.span, "a config's values are numbers, names and short "
                             "lists") from None
        except OverflowError:
            if self.items_left < MAX_VALUE_ITEMS:
                raise self.error(TOO_LARGE, f"the config's values hold more than "
                                 f"{_TOTAL_ITEMS:,} items in all", node.span,
                                 "a config's values are numbers, names and short lists "
                                 "(YAML aliases count each time they are used)") from None
            raise self.error(TOO_LARGE, f"this value has more than {MAX_VALUE_ITEMS:,} items",
                             node.span, "a config's values are numbers, names and short "
                             "lists (YAML aliases count each time they are used)") from None
        self.items_left -= budget - left
        return value

    def _nc(self, root: YMap, settings: dict[str, Any]) -> int | None:
        for name in settings:
            if name != "nc":
                raise self.error(BAD_SET, f"--set {_clean(name)}: an Ultralytics config has "
                                 f"no parameter '{_clean(name)}'", root.span,
                                 "set nc (the class count); pick the scale with --scale")
        if "nc" in settings:
            value = settings["nc"]
            if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= MAX_INT:
                raise self.error(BAD_SET, f"--set nc={value!r}: the class count must be a "
                                 "positive integer", root.span)
            return value
        node = root.get("nc")
        if node is None:
            return None
        if (not isinstance(node, YScalar) or isinstance(node.value, bool)
                or not isinstance(node.value, int) or not 1 <= node.value <= MAX_INT):
            raise self.error(BAD_ARGS, f"nc must be a positive integer (the class count), got "
                             f"{_shown(self._plain(node))}", node.span)
        return node.value

    def _channels(self, root: YMap, head: YSeq) -> int:
        """The input's channels (parse_model's first `ch`). Ultralytics 8.4.190 reads the
        config's `channels:` for a classifier only (ClassificationModel); a detection-family
        model is built for the `ch` its caller passes (the trainer: the dataset's channels, 3
        by default) and the key is overwritten, so there it changes nothing, and saying so
        beats silently analysing 3 channels."""
        value = self._int(root, "channels", 3)
        last = head.items[-1] if head.items else None
        module = (last.items[2] if isinstance(last, YSeq) and len(last.items) == 4
                  else None)
        if value == 3 or (isinstance(module, YScalar) and module.value == "Classify"):
            return value
        node = root.get("channels")
        assert node is not None
        self.diagnostics.append(Diagnostic(
            CHANNELS_UNREAD, f"channels: {value} is not read for this config: Ultralytics "
            "builds a detection, segmentation, pose or OBB model for the channels its caller "
            "gives (a dataset's `channels:`, else 3), and reads the key only for a classifier; "
            "analysed for 3 channels", node.span,
            f"to analyse it for {value} channel{'s' if value != 1 else ''}: --input "
            f"{value}x640x640 (and train it with `channels: {value}` in the dataset's YAML)"))
        return 3

    def _int(self, root: YMap, key: str, default: int) -> int:
        node = root.get(key)
        if node is None:
            return default
        if (not isinstance(node, YScalar) or isinstance(node.value, bool)
                or not isinstance(node.value, int) or node.value < 1):
            raise self.error(BAD_ARGS, f"{key} must be a positive integer, got "
                             f"{_shown(self._plain(node))}", node.span)
        return node.value

    def _optional_bool(self, root: YMap, key: str) -> bool | None:
        node = root.get(key)
        if node is None:
            return None
        if not isinstance(node, YScalar) or not isinstance(node.value, bool):
            raise self.error(BAD_ARGS, f"{key} must be true or false, got "
                             f"{_shown(self._plain(node))}", node.span)
        return node.value

    def _scale(self, root: YMap, file_name: str, wanted: str | None
               ) -> tuple[str, float, float, float]:
        """parse_model: `scales[scale]` gives (depth, width, max_channels) when the file has
        `scales`; else depth_multiple and width_multiple (1.0 by default) and no channel cap.
        The scale itself is kept either way: C3k2 and A2C2f switch variants by it."""
        scale = wanted if wanted is not None else scale_from_name(file_name)
        scales = root.get("scales")
        if scales is None:
            if wanted is not None:
                raise self.error(BAD_SCALE, f"--scale {_clean(wanted)}: this config has no "
                                 "`scales:`",
                                 root.span, "leave out --scale; the config's depth_multiple "
                                 "and width_multiple apply")
            depth = self._multiple(root, "depth_multiple")
            width = self._multiple(root, "width_multiple")
            return scale, depth, width, math.inf
        if not isinstance(scales, YMap) or not scales.items:
            raise self.error(BAD_SCALE, "'scales' maps each scale to [depth, width, "
                             "max_channels]", scales.span)
        keys = [_clean(str(k.value)) for k, _ in scales.items]
        # a key is the text it reads as: YAML makes `1:` an integer and `null:` None, which
        # Ultralytics takes as the first scale like any other (and --scale 1 names)
        entries: dict[str, YNode] = {}
        for key, value in scales.items:
            entries.setdefault(str(key.value), value)
        if not scale:
            # Ultralytics assumes the first and warns (the key itself: `keys` are cleaned for
            # messages)
            scale = str(scales.items[0][0].value)
        entry = entries.get(scale)
        if entry is None:
            where = (f"--scale {_clean(scale)}" if wanted is not None
                     else f"the file name's scale '{_clean(scale)}'")
            raise self.error(BAD_SCALE, f"{where} names no scale of this config (it has "
                             f"{_listed(keys, 12)})", scales.span,
                             did_you_mean(scale, keys) or f"use --scale {keys[0]}")
        value = self._plain(entry)
        if (not isinstance(value, list) or len(value) != 3
                or not all(_positive(v) for v in value)):
            raise self.error(BAD_SCALE, f"scale '{scale}' must be [depth, width, "
                             f"max_channels], positive numbers; got {_shown(value)}",
                             entry.span)
        return scale, float(value[0]), float(value[1]), value[2]

    def _multiple(self, root: YMap, key: str) -> float:
        node = root.get(key)
        if node is None:
            return 1.0
        value = self._plain(node)
        if not _positive(value):
            raise self.error(BAD_SCALE, f"{key} must be a positive number, got "
                             f"{_shown(value)}", node.span)
        return float(value)

    def _activation(self, root: YMap) -> str | None:
        node = root.get("activation")
        if node is None:
            return None
        value = node.value if isinstance(node, YScalar) else None
        found = activation_op(value) if isinstance(value, str) else None
        if not isinstance(value, str) or found is None:
            raise self.error(BAD_ACTIVATION, f"activation {_shown(self._plain(node))} is not "
                             "one cnncalc knows", node.span,
                             "write e.g. nn.ReLU(), nn.SiLU(), nn.LeakyReLU(0.1)")
        self._no_expression(found[1], node.span, "the activation", BAD_ACTIVATION)
        problem = activation_problem(*found)
        if problem is not None:  # said here, not at row 0, where the first Conv uses it
            raise self.error(BAD_ACTIVATION, f"activation {_shown(value)}: {problem}",
                             node.span, "write e.g. nn.ReLU(), nn.SiLU(), nn.LeakyReLU(0.1)")
        return value

    # ----------------------------------------------------------------- rows

    def _parts(self, node: YNode, i: int, depth: float
               ) -> tuple[Module, str, tuple[int, ...], bool, int, YNode, YSeq]:
        """A row's form checked: its module, label, sources, repeats, `from` and args."""
        if not isinstance(node, YSeq) or len(node.items) != 4:
            got = (f"a list of {len(node.items)}" if isinstance(node, YSeq)
                   else _shown(self._plain(node)))
            raise self.error(BAD_ROW, f"row {i} must be [from, repeats, module, args], got "
                             f"{got}", node.span)
        f_node, n_node, m_node, a_node = node.items
        module = self._module(m_node, i)
        label = f"row {i} {module.name}"
        source, many = self._from(f_node, i, label)
        n = self._repeats(n_node, label, depth)
        if not isinstance(a_node, YSeq):
            raise self.error(BAD_ARGS, f"{label}: args must be a list, got "
                             f"{_shown(self._plain(a_node))}", a_node.span)
        return module, label, source, many, n, f_node, a_node

    def _row(self, node: YNode, i: int, ch: list[int], last_c2: int, legacy: bool,
             names: dict[str, Any]) -> tuple[Row, int, bool]:
        module, label, source, many, n, f_node, a_node = self._parts(node, i, names["depth"])
        args = [self._arg(item, names, label) for item in a_node.items]
        copies = n
        c_in = [ch[s] if s >= 0 else ch[-1] for s in source]  # -1: row 0 reads the input
        c2 = last_c2
        width, max_channels = names["width"], names["max_channels"]
        kind = module.kind
        if kind in (BASE, REPEAT, CLASSIFY):
            if not module.refused:  # (a refused module is never built: E407 says so)
                self._no_text(module, args, a_node, label)
            if many:
                raise self.error(BAD_FROM, f"{label} takes one input; `from` lists "
                                 f"{len(source)}", f_node.span, "give one row index")
            self._need(args, 1, label, a_node.span, "its output channels first")
            c2 = self._count(args[0], label, "output channels", a_node.items[0].span)
            if kind != CLASSIFY:
                c2 = make_divisible(min(c2, max_channels) * width, 8)
            if module.name == "C2fAttn":
                self._c2fattn(args, c2, names, label, a_node.span)
            args = [c_in[0], c2, *args[1:]]
            if kind == REPEAT:
                args.insert(2, n)
                copies = 1
            if module.name in _NOT_LEGACY:
                legacy = False
            if module.name == "C3k2" and names["scale"] in ("m", "l", "x"):
                args[3:4] = [True]  # c3k: C3k inner blocks at the larger scales
            if module.name == "A2C2f" and names["scale"] in ("l", "x"):
                args.extend((True, 1.2))  # residual with layer scale, mlp_ratio 1.2
        elif kind == CONCAT:
            self._listed_from(many, f_node, label)
            c2 = sum(c_in)
        elif kind in (HEAD, V10HEAD):
            self._listed_from(many, f_node, label)
            self._head_args(module.name, args, label, a_node)
            if kind == HEAD:
                args.extend([names["reg_max"], names["end2end"], c_in])
                if module.name in _SEGMENT:
                    self._need(args, 4, label, a_node.span, "nc, masks, protos")
                    protos = self._count(args[2], label, "proto channels",
                                         a_node.span)
                    args[2] = make_divisible(min(protos, max_channels) * width, 8)
            else:
                args.append(c_in)
        elif kind == BATCHNORM:
            args = [c_in[0]]
            c2 = c_in[0]
        elif module.name == "CBLinear":
            self._need(args, 1, label, a_node.span, "the output channels of each piece")
            c2 = args[0]
            args = [c_in[0], c2, *args[1:]]
        elif module.name == "CBFuse":
            self._listed_from(many, f_node, label)
            c2 = c_in[-1]
        elif module.name == "ResNetLayer":
            self._need(args, 4, label, a_node.span, "c1, c2, s, is_first")
            c2 = self._count(args[1], label, "output channels", a_node.items[1].span)
            c2 = c2 if args[3] else c2 * 4
        elif module.name in ("TorchVision", "Index"):
            if many:  # parse_model's `c1 = ch[f]`: a list is no index (a TypeError)
                raise self.error(BAD_FROM, f"{label} takes one input; `from` lists "
                                 f"{len(source)}", f_node.span, "give one row index")
            self._need(args, 1, label, a_node.span, "its output channels first")
            c2 = self._count(args[0], label, "c2 (the output channels)", a_node.items[0].span)
            args = args[1:]
        elif module.name == "AIFI":
            args = [c_in[0], *args]
            c2 = c_in[0]
        elif module.name in ("HGStem", "HGBlock"):
            self._need(args, 2, label, a_node.span, "cm, c2")
            c2 = args[1]
            args = [c_in[0], args[0], args[1], *args[2:]]
            if module.name == "HGBlock":
                args.insert(4, n)
                copies = 1
        elif module.name in ("Depth",):
            args = [*args[:1], c_in]
        elif module.name in ("SemanticSegment",):
            args.append(c_in)
        elif module.name in ("ImagePoolingAttn", "RTDETRDecoder"):
            args.insert(1, c_in)
        else:  # SAME
            c2 = c_in[0]
        row = Row(i, node.span, source, many, n, copies, module.name, tuple(args),
                  c2 if isinstance(c2, int) else last_c2)
        return row, row.channels, legacy

    def _no_text(self, module: Module, args: list[Any], a_node: YSeq, label: str) -> None:
        """Text left in a block module's arguments once names and literals are read: none of
        the constructors the block library models takes text (Ultralytics fails on it as a
        size, or builds no activation for it as `act`), and cnncalc's block would compute
        with it. Said at the argument, with the parameter it fills."""
        params = block_params(module.name)
        if params is None:  # no block (nn.ConvTranspose2d takes padding_mode='zeros')
            return
        for j, (value, node) in enumerate(zip(args, a_node.items)):
            text = _first_text(value)
            if text is None:
                continue
            # the constructor's parameter it fills: parse_model passes the repeats second
            at = j + 1 if module.kind == REPEAT and j >= 1 else j
            name = params[at] if at < len(params) else f"argument {j + 1}"
            flag = name in _FLAGS
            # a name in other capitals (NC), else a near miss
            same = [n for n in _NAMES if n.lower() == text.lower()]
            hint = (f"did you mean '{same[0]}'?" if same else  # ("width" is no size)
                    None if flag else did_you_mean(text, ("nc", "reg_max")))
            what = "True or False" if flag else "a number"
            raise self.error(BAD_ARGS, f"{label}: {_PARAM.get(name, name)} is the text "
                             f"{_shown(text)}, not {what} (parse_model reads text in a row's "
                             f"args only as a Python literal or one of its names: "
                             f"{', '.join(_NAMES)})", node.span, hint or f"write {what}")

    def _listed_from(self, many: bool, f_node: YNode, label: str) -> None:
        """A module that takes a list of inputs is given its `from` as a list: parse_model
        iterates over it (`[ch[x] for x in f]`), and one index is a TypeError there."""
        if not many:
            written = _shown(self._plain(f_node))
            raise self.error(BAD_FROM, f"{label} reads a list of rows; `from` is the one "
                             f"index {written}", f_node.span,
                             f"write it as a list: [{written}], or the rows it joins")

    def _head_args(self, name: str, args: list[Any], label: str, a_node: YSeq) -> None:
        """A head's own arguments, before parse_model appends reg_max, end2end and the input
        channels: the class count, then Pose's kpt_shape, OBB's angle count, or Segment's
        mask and proto counts (which parse_model would otherwise fill with what it appends)."""
        def span(i: int) -> Span:
            return a_node.items[i].span if i < len(a_node.items) else a_node.span

        self._need(args, 1, label, a_node.span, "the class count first")
        if args[0] is None:  # `nc` written, and the file has no `nc:`
            raise self.error(BAD_ARGS, f"{label}: the class count is `nc`, and the config has "
                             "no `nc:`", span(0), "add `nc: 80` (or your class count) at the "
                             "top, or give --set nc=N")
        self._count(args[0], label, "the class count", span(0))
        if name in ("Pose", "Pose26"):
            self._need(args, 2, label, a_node.span, "nc, kpt_shape")
            shape = args[1]
            written = a_node.items[1]
            if shape is None and isinstance(written, YScalar) and written.value == "kpt_shape":
                raise self.error(BAD_ARGS, f"{label}: the keypoints are `kpt_shape`, and the "
                                 "config has no `kpt_shape:`", span(1), "add `kpt_shape: "
                                 "[17, 3]` (keypoints, dims: COCO's 17 with visibility) at "
                                 "the top")
            if (not isinstance(shape, list) or len(shape) != 2 or isinstance(shape[1], bool)
                    or not isinstance(shape[1], int) or shape[1] not in (2, 3)):
                raise self.error(BAD_ARGS, f"{label}: kpt_shape must be [keypoints, dims], "
                                 f"dims 2 (x, y) or 3 (x, y, visible), got {_shown(shape)}",
                                 span(1), "write e.g. [17, 3] (COCO's 17 keypoints)")
            self._count(shape[0], label, "the keypoint count", span(1))
        elif name in ("OBB", "OBB26"):
            self._need(args, 2, label, a_node.span, "nc, the angle count")
            self._count(args[1], label, "the angle count", span(1))
        elif name in _SEGMENT:
            self._need(args, 3, label, a_node.span, "nc, masks, protos")
            self._count(args[1], label, "the mask count", span(1))
        taken = _HEAD_ARGS.get(name)
        if taken is not None and len(args) > len(taken):
            # parse_model appends reg_max, end2end and the input channels after them: the
            # constructor is called with more arguments than it has (a TypeError)
            raise self.error(BAD_ARGS, f"{label} takes {len(taken)} argument"
                             f"{'s' if len(taken) > 1 else ''} ({', '.join(taken)}), got "
                             f"{len(args)}", span(len(taken)),
                             f"write [{', '.join(taken)}]; parse_model adds the input "
                             "channels itself")

    def _c2fattn(self, args: list[Any], c2: int, names: dict[str, Any], label: str,
                 span: Span) -> None:
        """parse_model's own rule for C2fAttn: its head count (args[2]) scaled by width and
        capped by max_channels, and args[1] replaced by the hidden channels."""
        self._need(args, 3, label, span, "c2, ec, nh")
        nh = args[2]
        if isinstance(nh, bool) or not _positive(nh):
            raise self.error(BAD_ARGS, f"{label}: the head count must be a positive number, "
                             f"got {_shown(nh)}", span)
        if len(args) > 6 and not _positive(args[6]):  # the ratio multiplies the channels
            raise self.error(BAD_ARGS, f"{label}: the expansion ratio must be a positive "
                             f"number, got {_shown(args[6])}", span)
        cap = names["max_channels"] // 2 // 32
        args[2] = int(max(round(min(nh, cap)) * names["width"], 1) if nh > 1 else nh)
        args[1] = int(c2 * (args[6] if len(args) > 6 else 0.5))

    def _module(self, node: YNode, i: int) -> Module:
        name = node.value if isinstance(node, YScalar) else None
        if not isinstance(name, str):
            raise self.error(BAD_ROW, f"row {i}: the module is a name such as Conv, got "
                             f"{_shown(self._plain(node))}", node.span)
        module = MODULES.get(name)
        if module is None:
            shown = _shown(name)
            # the spelling Ultralytics wants, with its capitals (C2F -> C2f), or torch's
            # prefix (Upsample -> nn.Upsample), before any near miss
            folded = {key.lower().removeprefix("nn."): key for key in MODULES}
            close = folded.get(name.lower().removeprefix("nn."))
            hint = (f"did you mean '{close}'?" if close is not None
                    else did_you_mean(name, MODULES))
            raise self.error(UNKNOWN_MODULE, f"row {i}: unknown module {shown}", node.span,
                             hint or "the modules are listed in docs/yolo.md")
        return module

    def _from(self, node: YNode, i: int, label: str) -> tuple[tuple[int, ...], bool]:
        """Each index as parse_model and the forward pass read it: -1 is the previous row
        (the input, for row 0), other negatives count back from this row, the others name
        an earlier row."""
        value = self._plain(node)
        many = isinstance(value, list)
        items = value if many else [value]
        if many and not items:
            raise self.error(BAD_FROM, f"{label}: `from` is an empty list", node.span,
                             "name the rows it reads, e.g. [-1, 6]")
        source = []
        spans = node.items if isinstance(node, YSeq) else [node]
        for item, span in zip(items, [s.span for s in spans]):
            if isinstance(item, bool) or not isinstance(item, int):
                raise self.error(BAD_FROM, f"{label}: `from` is a row index or a list of "
                                 f"them, got {_shown(item)}", span)
            if item == -1:
                source.append(i - 1)
                continue
            absolute = i + item if item < 0 else item
            if absolute >= i:
                raise self.error(BAD_FROM, f"{label}: `from` {item} points "
                                 f"{'at this row' if absolute == i else 'forward'}; a row "
                                 "reads only rows before it", span,
                                 f"use an index below {i}, or -1 for the row before")
            if absolute < 0:
                raise self.error(BAD_FROM, f"{label}: `from` {item} is before the first row "
                                 f"(this is row {i})", span,
                                 "count back at most to row 0" if i else
                                 "row 0 reads the input: write -1")
            source.append(absolute)
        return tuple(source), many

    def _repeats(self, node: YNode, label: str, depth: float) -> int:
        value = self._plain(node)
        if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= MAX_INT:
            raise self.error(BAD_REPEATS, f"{label}: repeats must be an integer from 1 to "
                             f"2^63 - 1, got {_shown(value)}", node.span)
        # parse_model: `max(round(n * depth), 1) if n > 1 else n` (Python's round, half to
        # even)
        return max(round(value * depth), 1) if value > 1 else value

    def _arg(self, node: YNode, names: dict[str, Any], label: str) -> Any:
        """An argument as parse_model reads it: text naming one of its variables becomes
        that value, text that is a Python literal becomes the literal, other text stays."""
        value = self._plain(node)
        if isinstance(value, str):
            if value in names:
                value = names[value]
            elif len(value) <= _LITERAL_CHARS:
                with contextlib.suppress(ValueError, SyntaxError, TypeError, MemoryError,
                                         RecursionError):
                    value = ast.literal_eval(value)
        self._no_expression(value, node.span, f"{label}: an argument", BAD_ARGS)
        return value

    def _no_expression(self, value: Any, span: Span, what: str, code: str) -> None:
        """Refuse text starting with `$` anywhere in `value`: the document would hand it to
        cnncalc's expander as `$name` or `$(...)`, which Ultralytics never evaluates (and no
        module of it takes such text)."""
        stack = [value]
        while stack:
            item = stack.pop()
            if isinstance(item, str) and item.startswith("$"):
                raise self.error(code, f"{what} holds the text {_shown(item)}: cnncalc would "
                                 "read it as its own $name or $(...) expression, which "
                                 "Ultralytics never evaluates", span,
                                 "write the value itself (a number, or a name such as nc)")
            if isinstance(item, (list, tuple)):
                stack.extend(item)
            elif isinstance(item, dict):
                stack.extend((*item.keys(), *item.values()))

    def _need(self, args: list[Any], count: int, label: str, span: Span, what: str) -> None:
        if len(args) < count:
            raise self.error(BAD_ARGS, f"{label} needs at least {count} argument"
                             f"{'s' if count > 1 else ''} ({what}), got {len(args)}", span)

    def _count(self, value: Any, label: str, what: str, span: Span) -> int:
        if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= MAX_INT:
            raise self.error(BAD_ARGS, f"{label}: {what} must be a positive integer (below "
                             f"2^63), got {_shown(value)}", span)
        return value


def activation_op(text: str) -> tuple[str, dict[str, Any]] | None:
    """A config's `activation:` (`nn.ReLU()`, `torch.nn.LeakyReLU(0.1)`) as a cnncalc op and
    its arguments; None when it is not a call of a torch.nn activation cnncalc has."""
    match = re.fullmatch(r"\s*(?:torch\.)?nn\.(\w+)\((.*)\)\s*", text)
    if match is None or len(text) > _LITERAL_CHARS:
        return None
    name, inner = match.groups()
    op = _ACTIVATIONS.get(name)
    if op is None:
        return None
    try:
        call = ast.parse(f"f({inner})", mode="eval").body
    except SyntaxError:
        return None
    assert isinstance(call, ast.Call)
    try:
        positional = [ast.literal_eval(a) for a in call.args]
        named = {k.arg: ast.literal_eval(k.value) for k in call.keywords if k.arg}
    except (ValueError, TypeError, SyntaxError, MemoryError, RecursionError):
        return None
    from ..ops import lookup

    found = lookup(op)
    assert found is not None, op  # _ACTIVATIONS names ops cnncalc has
    # positional arguments in the constructor's order, which the op's follows
    # (LeakyReLU(negative_slope, inplace), ReLU(inplace), GELU(approximate))
    order = [arg.name for arg in found[0].args]
    if len(positional) > len(order):
        return None
    for arg, value in zip(order, positional):
        if arg in named:  # given twice: a TypeError in Python
            return None
        named[arg] = value
    named.pop("inplace", None)  # changes memory in place, never a count
    return op, named


def activation_problem(op: str, args: Mapping[str, Any]) -> str | None:
    """What is wrong with an activation's arguments, checked as cnncalc's op checks them (an
    argument the op has not, a value of the wrong type), or None."""
    from ..ops import lookup
    from ..ops.base import ArgError

    found = lookup(op)
    assert found is not None, op  # _ACTIVATIONS names ops cnncalc has
    known = {arg.name: arg for arg in found[0].args}
    for name, value in args.items():
        arg = known.get(name)
        if arg is None:
            return f"no argument {_shown(str(name))}" + (
                f" (it has {', '.join(known)})" if known else " (it has none)")
        try:
            arg.type.check(value)
        except ArgError as exc:
            return f"{name}: {exc.message}"
    return None


_ACTIVATIONS = {"SiLU": "silu", "ReLU": "relu", "LeakyReLU": "leaky_relu", "Hardswish":
                "hardswish", "Mish": "mish", "GELU": "gelu", "ReLU6": "relu6",
                "Sigmoid": "sigmoid", "Tanh": "tanh", "ELU": "elu", "Identity": "identity"}


def _first_text(value: Any) -> str | None:
    """The first text in a value (nested lists too), or None."""
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            return item
        if isinstance(item, (list, tuple)):
            stack.extend(reversed(item))
    return None


def _number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _positive(value: Any) -> bool:
    """A multiplier or a channel cap: a positive, finite number that fits a float."""
    return _number(value) and 0 < value <= MAX_INT and math.isfinite(value)


def _clean(text: str) -> str:
    """Text from the user for a message: control characters escaped, cut short."""
    from ..render.safe import clean

    return clean(text[:60]) + ("…" if len(text) > 60 else "")


def _shown(value: Any) -> str:
    """A value as a message names it, cut short (text comes from the user)."""
    from ..render.safe import clean

    text = repr(value) if isinstance(value, str) else str(value)
    if isinstance(value, list):
        text = "[" + ", ".join(_shown(v) for v in value[:6]) + (", …]" if len(value) > 6
                                                                 else "]")
    return clean(text[:60] + ("…" if len(text) > 60 else ""))


# --------------------------------------------------------------------------- the document

LIBRARY = "ultralytics_blocks.yaml"  # package data beside this module: the modules as blocks
TORCHVISION = "torchvision_models.yaml"  # torchvision's models as TorchVision rows list them
VERSION = 1.1  # the format the document is written in (`cnncalc: 1.1`, a number)
# torch.nn modules that keep their input's channels, as cnncalc ops (args as PyTorch's)
_TORCH_OPS = {"nn.Upsample": "upsample", "nn.MaxPool2d": "maxpool", "nn.AvgPool2d": "avgpool",
              "nn.ZeroPad2d": "zero_pad", "nn.Identity": "identity", "nn.ReLU": "relu",
              "nn.SiLU": "silu", "nn.BatchNorm2d": "bn"}
_UPSAMPLE_ARGS = ("size", "scale_factor", "mode", "align_corners")
# the other torch.nn modules' constructor parameters, in order (ConvTranspose2d's after c1)
_TORCH_PARAMS = {
    "nn.MaxPool2d": ("kernel_size", "stride", "padding", "dilation", "return_indices",
                     "ceil_mode"),
    "nn.AvgPool2d": ("kernel_size", "stride", "padding", "ceil_mode", "count_include_pad",
                     "divisor_override"),
    "nn.ZeroPad2d": ("padding",),
    "nn.ConvTranspose2d": ("out_channels", "kernel_size", "stride", "padding",
                           "output_padding", "groups", "bias", "dilation", "padding_mode")}
# the heads the document builds, and the channels per anchor of the extra branch (cv4) each
# adds from its second argument: Segment's mask coefficients nm, Pose's keypoints
# kpt_shape[0] * kpt_shape[1], OBB's angles ne
_HEAD_EXTRA: dict[str, Any] = {
    "Detect": None, "Segment": lambda a: a, "Pose": lambda a: a[0] * a[1], "OBB": lambda a: a,
    "OBB26": lambda a: a,  # OBB26 is OBB with another angle decoding: the same modules
    "Segment26": lambda a: a, "Pose26": lambda a: a[0] * a[1]}


@functools.lru_cache(maxsize=2)
def package_yaml(name: str) -> YMap:
    """A YAML file of package data beside this module, loaded once per process."""
    from ..loader import load

    root, problems = load(Source(f"cnncalc/readers/{name}", package_text(name)))
    assert isinstance(root, YMap) and not problems, f"{name} is broken"
    return root


def package_text(name: str) -> str:
    """The text of the package data file `name` beside this module, read as a file, as the
    zoo's are (importlib.resources would import zipfile and tempfile for it: about 5 ms of
    each `show` of a config, measured while the machine was busy)."""
    return (Path(__file__).parent / name).read_text(encoding="utf-8")


def package_file(span: Span | None) -> str | None:
    """The reader's package data file `span` lies in (its name), or None."""
    if span is not None:
        for name in (LIBRARY, TORCHVISION):
            if span.file.endswith(f"/{name}"):
                return name
    return None


def library() -> YMap:
    """The block library (package data)."""
    return package_yaml(LIBRARY)


def torchvision_models() -> dict[str, list[Any]]:
    """The torchvision models a TorchVision row may name: each one's children, in order, as
    plain layer entries (torchvision_models.yaml; its `blocks` join the document's)."""
    models = package_yaml(TORCHVISION).get("models")
    assert isinstance(models, YMap)
    return {str(k.value): _plain(v) for k, v in models.items}


def _model_entries(model: str) -> tuple[YNode, ...]:
    """The entries of torchvision's `model` (a key of torchvision_models() ) as the package
    data's nodes, each where torchvision_models.yaml writes it."""
    models = package_yaml(TORCHVISION).get("models")
    assert isinstance(models, YMap)
    entries = models.get(model)
    assert isinstance(entries, YSeq)
    return entries.items


def _plain(node: YNode | None) -> Any:
    """The package data's nodes as Python values (trusted: no limits to check)."""
    if isinstance(node, YMap):
        return {str(k.value): _plain(v) for k, v in node.items}
    if isinstance(node, YSeq):
        return [_plain(v) for v in node.items]
    return node.value if isinstance(node, YScalar) else None


def block_params(name: str) -> tuple[str, ...] | None:
    """The parameter names of the library's block `name` (None: no such block)."""
    blocks = library().get("blocks")
    assert isinstance(blocks, YMap)
    block = blocks.get(name)
    if not isinstance(block, YMap):
        return None
    params = block.get("params")
    if not isinstance(params, YSeq):
        return ()
    return tuple(str(p.value).partition("=")[0].strip() for p in params.items
                 if isinstance(p, YScalar))


def document(config: Config, name: str, imgsz: int = 640
             ) -> tuple[YMap | None, list[Diagnostic]]:
    """`config` as a cnncalc document (format 1.1): the library's blocks, one layer (or, for a
    head, a few) per row with the id `l<row>`, every node spanning the row it came from; None
    when a row names a module cnncalc does not read, and the diagnostics say which."""
    writer = _Writer(config)
    layers: list[tuple[dict[str, Any], Span]] = []
    for row in config.rows:
        try:
            layers += [(entry, row.span) for entry in writer.row(row)]
        except _Fail:
            continue
    if writer.diagnostics:
        return None, writer.diagnostics
    if config.rows[-1].index in writer.splits:  # the model returns the last row's list
        writer.outputs = writer.splits[config.rows[-1].index]
    blocks = library().get("blocks")
    assert isinstance(blocks, YMap)
    if config.activation is not None:
        blocks = _with_activation(blocks, config.activation, config.rows[0].span)
    if any(row.module == "TorchVision" for row in config.rows):
        more = package_yaml(TORCHVISION).get("blocks")
        assert isinstance(more, YMap)
        blocks = YMap(blocks.items + more.items, blocks.span)
    start = Span(config.rows[0].span.file, 1, 1)
    head: dict[str, Any] = {"cnncalc": VERSION, "name": name,
                            "input": [config.channels, imgsz, imgsz]}
    if name.startswith("$"):  # (a file named so) it would be read as an expression: the
        del head["name"]  # network is named by the file, as a cnncalc file without `name:`
    items = [(YScalar(k, start), _node(v, start)) for k, v in head.items()]
    items.append((YScalar("blocks", start), blocks))
    items.append((YScalar("layers", start),
                  YSeq(tuple(_node(entry, span) for entry, span in layers), start)))
    # `outputs:` names the head's results (and Segment's proto) where the format has the key;
    # without it the network's output is its last layer, which the reader writes last
    if writer.outputs and "outputs" in TOP_KEYS:
        items.append((YScalar("outputs", start), _node(writer.outputs, start)))
    return YMap(tuple(items), start), []


def _with_activation(blocks: YMap, activation: str, span: Span) -> YMap:
    """The library's blocks with `act` (Conv.default_act) replaced by the config's."""
    found = activation_op(activation)
    assert found is not None  # checked when the config was read
    op, args = found
    layer: Any = op if not args else {op: args}
    act = _node({"layers": [layer]}, span)
    return YMap(tuple((k, act if k.value == "act" else v) for k, v in blocks.items),
                blocks.span)


class _Writer:
    """The layers of each row, in order."""

    def __init__(self, config: Config) -> None:
        self.config = config
        self.diagnostics: list[Diagnostic] = []
        self.outputs: list[str] = []
        # the TorchVision rows with split=True: the layers of their list's items (the row's
        # input, then each child's output), which only Index rows read
        self.splits: dict[int, list[str]] = {}
        self.whole: set[int] = set()  # the TorchVision rows whose split unwrap=False ignores
        self.failed: set[int] = set()  # the rows said to be wrong: no more is said of them

    def fail(self, row: Row, message: str, code: str = REFUSED, hint: str | None = None
             ) -> _Fail:
        self.failed.add(row.index)
        self.diagnostics.append(Diagnostic(code, f"row {row.index} {row.module}: {message}",
                                           row.span, hint))
        return _Fail()

    def row(self, row: Row) -> list[dict[str, Any]]:
        module = MODULES[row.module]
        if module.refused:
            raise self.fail(row, f"cnncalc does not read this module: {module.refused}")
        listed = next((s for s in row.source if s in self.splits), None)
        if listed is not None and row.module != "Index":
            raise self.fail(row, f"reads row {listed} TorchVision, whose split=True makes it "
                            "return a list (its input, then each child's output), not a tensor",
                            BAD_FROM, f"pick one item with an Index row: [{listed}, 1, Index, "
                            "[c2, i]]")
        if row.module == "TorchVision":
            return self._torchvision(row)
        if row.module == "Index":
            return [self._index(row)]
        entry: dict[str, Any] = {"id": _id(row.index)}
        if row.source != (row.index - 1,) and not row.many:
            entry["from"] = _ref(row.source[0])
        if row.module in _TORCH_OPS:
            entry[_TORCH_OPS[row.module]] = self._torch_args(row)
        elif row.module == "nn.ConvTranspose2d":
            entry["conv_transpose"] = self._by_name(row, list(row.args[1:]))
        elif module.kind == CONCAT:
            dimension = self._whole(row, row.args[0] if row.args else 1,
                                    "the dimension", -MAX_INT)
            if dimension == 0:
                raise self.fail(row, "Concat(0) joins along the batch; cnncalc's rows are "
                                "one image's [C, H, W]", BAD_ARGS, "write 1 (the channels)")
            # Concat's dim counts the batch, cnncalc's does not (negative ones count from the
            # end in both)
            entry.update(_joined(_id(row.index), [_ref(s) for s in row.source],
                                 dimension - 1 if dimension > 0 else dimension))
        elif row.module == "SPP":
            return self._spp(row)
        elif module.kind in (BASE, REPEAT, CLASSIFY) or row.module == "ResNetLayer":
            # ResNetLayer's args are written with their c1 (parse_model passes them as
            # written): _call drops args[0] either way
            entry[row.module] = self._call(row)
        elif module.kind in (HEAD, V10HEAD) and (row.module in _HEAD_EXTRA
                                                 or row.module == "v10Detect"):
            return self._head(row)
        elif row.module == "CBLinear":
            return self._cblinear(row)
        elif row.module == "CBFuse":
            return self._cbfuse(row)
        else:
            raise self.fail(row, "cnncalc has no block for this module yet",
                            hint="docs/yolo.md lists the modules and their status")
        if row.copies > 1:
            entry["repeat"] = row.copies
        return [entry]

    def _torchvision(self, row: Row) -> list[Any]:
        """TorchVision(model, weights="DEFAULT", unwrap=True, truncate=2, split=False): the
        model's children (torchvision_models.yaml) less the last `truncate`, in sequence;
        without `unwrap` the whole model, its forward's own steps included. The weights
        change no count: any name is taken (torchvision checks it when it downloads)."""
        args = list(row.args)
        names = ("model", "weights", "unwrap", "truncate", "split")
        if not args:
            raise self.fail(row, "needs the torchvision model's name after c2, e.g. "
                            "[512, resnet18, DEFAULT, True, 2]", BAD_ARGS)
        if len(args) > len(names):
            raise self.fail(row, f"takes at most {len(names)} arguments after c2 "
                            f"({', '.join(names)}), got {len(args)}", BAD_ARGS)
        given = [*args, *_TORCHVISION_DEFAULTS[len(args) - 1:]]
        model, weights, unwrap, truncate, split = given
        models = torchvision_models()
        if not isinstance(model, str) or model not in models:
            close = None
            if isinstance(model, str):
                # a path or a dotted name holding a model's name (`weights/resnet18.pt`,
                # `torchvision.models.resnet18`): get_model takes the name alone
                named = [part for part in re.split(r"[\\/.:]+", model) if part in models]
                close = (f"write the model's name alone: '{named[-1]}' (get_model takes a name, "
                         "not a path)" if named else did_you_mean(model, models))
            raise self.fail(row, f"cnncalc does not read torchvision's {_shown(model)}: it "
                            f"reads {', '.join(models)}", REFUSED if close is None else
                            BAD_ARGS, close or "docs/yolo.md lists the models and their status")
        if weights is not None and not isinstance(weights, str):
            raise self.fail(row, f"weights must be a weights name (DEFAULT, IMAGENET1K_V1) or "
                            f"None, got {_shown(weights)}", BAD_ARGS)
        unwrap = self._switch(row, unwrap, "unwrap")
        # the whole model returns one tensor: TorchVision reads neither split nor truncate
        asked = isinstance(split, int) and bool(split)
        split = self._switch(row, split, "split") if unwrap else False
        if row.copies > 1:
            raise self.fail(row, f"{self._copies(row)} of {model} in sequence: the second "
                            "would read the first's output where its first conv takes 3 "
                            "channels", BAD_REPEATS, "write 1 as the row's repeats")
        entries = models[model]
        # the entries torchvision's forward runs: with `unwrap` its children (not the steps of
        # its own forward, such as ResNet's flatten) less the last `truncate`, else all
        kept = list(range(len(entries)))
        if unwrap:
            children = [i for i, e in enumerate(entries) if not _forward_only(e)]
            if isinstance(truncate, bool):  # Python would slice with it as 0 or 1
                raise self.fail(row, f"truncate is {truncate}: it is how many children to "
                                "leave out at the end, a number, not a switch", BAD_ARGS,
                                "write a number (2 leaves out the pooling and the classifier); "
                                "split comes after it: [c2, model, weights, True, 2, True]")
            if not isinstance(truncate, int) or truncate < 0:
                raise self.fail(row, f"truncate is how many children to leave out at the "
                                f"end: 0 or more, got {_shown(truncate)}", BAD_ARGS)
            if truncate >= len(children):
                raise self.fail(row, f"truncate {truncate} leaves none of {model}'s "
                                f"{len(children)} children", BAD_ARGS,
                                f"truncate at most {len(children) - 1}")
            kept = children[:len(children) - truncate]
            # a step that is no child (ResNet's flatten) before the last child kept is
            # skipped, and that child fails
            steps = [i for i in range(kept[-1]) if _forward_only(entries[i])]
            if steps:
                step = next(iter(_call_of(entries[steps[0]])))
                before = sum(1 for i in children if i < steps[0])
                raise self.fail(row, f"its children skip the {step} that {model}'s forward "
                                f"runs after child {before - 1}, so child {before} fails in "
                                "PyTorch", BAD_ARGS,
                                f"truncate at least {len(children) - before}")
        elif asked:
            self.whole.add(row.index)  # split=True, which the whole model ignores
        nodes = _model_entries(model)
        ids = [f"{_id(row.index)}_{k}" for k in range(len(kept) - 1)] + [_id(row.index)]
        layers = [_layer(nodes[i], name, row.span) for i, name in zip(kept, ids)]
        if row.source != (row.index - 1,):
            layers[0] = _layer(nodes[kept[0]], ids[0], row.span, _ref(row.source[0]))
        if split:
            self.splits[row.index] = [_ref(row.source[0]), *ids]
        return layers

    def _copies(self, row: Row) -> str:
        """`3 copies`, and where the count comes from when the scale's depth made it."""
        depth = self.config.depth
        return f"{row.copies} copies" + ("" if depth == 1 else
                                         f" (the row's n times the depth {depth:g}, rounded)")

    def _switch(self, row: Row, value: Any, what: str) -> bool:
        """A switch as Python's `if` reads it: a bool or an integer."""
        if not isinstance(value, int):
            raise self.fail(row, f"{what} must be True or False, got {_shown(value)}",
                            BAD_ARGS)
        return bool(value)

    def _index(self, row: Row) -> dict[str, Any]:
        """Index(index=0): item `index` of a split TorchVision row's list (Python's indexing:
        a negative index counts from the end)."""
        source = row.source[0]  # (the reader refuses a `from` list: parse_model's ch[f])
        if source in self.failed:
            raise _Fail()  # that row's mistake is said; this one may be none
        items = self.splits.get(source)
        if items is None:
            raise self._not_a_list(row, source)
        if row.copies > 1:  # nn.Sequential of Index: the second indexes the first's tensor
            raise self.fail(row, f"{self._copies(row)} of Index in sequence: the second "
                            "would pick from the first's tensor (along its batch), not from a "
                            "list",
                            BAD_REPEATS, "write 1 as the row's repeats")
        if len(row.args) > 1:
            raise self.fail(row, f"takes at most 1 argument after c2 (index), got "
                            f"{len(row.args)}", BAD_ARGS)
        index = row.args[0] if row.args else 0
        if isinstance(index, bool) or not isinstance(index, int):
            raise self.fail(row, f"index must be an integer (the item's place in row "
                            f"{source}'s list), got {_shown(index)}", BAD_ARGS,
                            f"pick 0 to {len(items) - 1}")
        if not -len(items) <= index < len(items):
            raise self.fail(row, f"index {_shown(index)} is past row {source}'s list of "
                            f"{len(items)} (its input, then its {len(items) - 1} children's "
                            "outputs)", BAD_ARGS, f"pick 0 to {len(items) - 1}")
        return {"id": _id(row.index), "from": items[index], "identity": {}}

    def _not_a_list(self, row: Row, source: int) -> _Fail:
        """An Index reading a row that gives one tensor: what that row gives, and the way to
        a list (the row's split, or the split row before it)."""
        if source < 0:
            what = "the input, one tensor"
        else:
            what = f"row {source} {self.config.rows[source].module}, which gives one tensor"
        split = max((s for s in self.splits if s < row.index), default=None)
        if source in self.whole:
            what = (f"row {source} TorchVision, whose unwrap=False runs the whole model: one "
                    "tensor, its split ignored")
            hint = (f"give row {source} unwrap=True, its fourth argument: [c2, model, "
                    "weights, True, 2, True]")
        elif source >= 0 and self.config.rows[source].module == "TorchVision":
            what += " (its split is False)"
            hint = (f"give row {source} split=True, its sixth argument: [c2, model, "
                    "weights, True, 2, True]")
        elif split is not None:
            hint = f"read row {split} TorchVision, whose split is True: [{split}, 1, Index, " \
                   "[c2, i]]"
        else:
            hint = "read a TorchVision row whose split is True"
        return self.fail(row, f"picks one item of a TorchVision row's list (split=True), but "
                         f"reads {what}", BAD_FROM, hint)

    def _whole(self, row: Row, value: Any, what: str, low: int = 1) -> int:
        """An argument the writer computes with in Python, checked first: an integer from
        `low` to 2^63 - 1, else E405 at the row (arithmetic on text or a list would raise, or
        repeat the text into a string of any length)."""
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= MAX_INT:
            shown = "a positive integer" if low == 1 else "an integer"
            raise self.fail(row, f"{what} must be {shown}, got {_shown(value)}", BAD_ARGS)
        return value

    def _extra(self, row: Row) -> int:
        """The channels per anchor of a head's extra branch, from its second argument (a
        count, or Pose's kpt_shape [keypoints, dims])."""
        extra = _HEAD_EXTRA[row.module]
        if len(row.args) < 5:  # written: nc and the extra; parse_model adds three
            raise self.fail(row, "needs 2 arguments (nc and "
                            f"{'kpt_shape' if row.module.startswith('Pose') else 'its count'})"
                            f", got {len(row.args) - 3}", BAD_ARGS)
        value = row.args[1]
        if row.module.startswith("Pose"):
            if not isinstance(value, (list, tuple)) or len(value) < 2:
                raise self.fail(row, f"kpt_shape must be [keypoints, dims], got "
                                f"{_shown(value)}", BAD_ARGS)
            value = [self._whole(row, v, "each size of kpt_shape") for v in value[:2]]
        else:
            self._whole(row, value, "the second argument")
        return int(extra(value))

    def _torch_args(self, row: Row) -> Any:
        if row.module == "nn.Upsample":
            return {k: v for k, v in zip(_UPSAMPLE_ARGS, row.args) if v is not None}
        if row.module in ("nn.Identity", "nn.ReLU", "nn.SiLU", "nn.BatchNorm2d"):
            return {}
        return self._by_name(row, list(row.args))

    def _by_name(self, row: Row, args: list[Any]) -> dict[str, Any]:
        """A torch.nn module's positional args by the names of its constructor (cnncalc's op
        orders some otherwise: MaxPool2d's return_indices comes before ceil_mode), the ones
        that change no count checked and dropped."""
        names = _TORCH_PARAMS[row.module]
        if len(args) > len(names):
            raise self.fail(row, f"takes at most {len(names)} arguments ({', '.join(names)}), "
                            f"got {len(args)}", BAD_ARGS)
        named = dict(zip(names, args))
        if named.pop("return_indices", False):
            raise self.fail(row, "return_indices=True makes it return (values, indices), "
                            "which no row reads", BAD_ARGS, "leave return_indices False")
        mode = named.pop("padding_mode", "zeros")
        if mode != "zeros":
            raise self.fail(row, f"padding_mode {_shown(mode)}: PyTorch's transposed "
                            "convolutions take only 'zeros'", BAD_ARGS, "leave it out")
        return named

    def _call(self, row: Row) -> dict[str, Any]:
        """The block call: the constructor's args after c1, by the block's parameter names."""
        params = block_params(row.module)
        if params is None:
            raise self.fail(row, "cnncalc has no block for this module yet",
                            hint="docs/yolo.md lists the modules and their status")
        args = list(row.args[1:])
        internal = _READER_ONLY.get(row.module, ())
        if len(args) > len(params) - len(internal):
            # said in the row's terms: what its args may hold (parse_model passes the input
            # channels, and a REPEAT module's repeats, itself)
            repeats = MODULES[row.module].kind == REPEAT
            written = [p for p in params if p not in internal and not (repeats and p == "n")]
            raise self.fail(row, f"takes at most {len(written)} argument"
                            f"{'s' if len(written) != 1 else ''} ({', '.join(written)}), got "
                            f"{len(args) - repeats}", BAD_ARGS,
                            "parse_model passes the input channels"
                            f"{' and the repeats' if repeats else ''} itself")
        call = {p: (-1 if p == "p" and a is None else a) for p, a in zip(params, args)}
        if row.module == "SPPF" and len(row.args) <= 3:
            call["legacy"] = True  # parse_model gives these rows' cv1 the default activation
        if row.module == "DWConv" and row.args[0] != row.args[1]:
            # its groups, gcd(c1, c2), which the block's expressions cannot compute
            call["g"] = math.gcd(row.args[0], row.args[1])
        return call

    def _head(self, row: Row) -> list[dict[str, Any]]:
        """Detect and its kin inline: each level's branches, then the concatenations over
        the anchors, DFL and the decoded output (as the eval forward returns it)."""
        i, args = row.index, row.args
        if len(args) < (2 if row.module == "v10Detect" else 4):  # parse_model appended 1 or 3
            raise self.fail(row, "needs nc (the class count) as its first argument",
                            BAD_ARGS)
        nc = self._whole(row, args[0], "nc (the class count)")
        ch: list[int] = args[-1]
        if row.module == "v10Detect":
            reg_max, end2end, legacy = 16, True, False
        else:
            reg_max, end2end = args[-3], bool(args[-2])
            legacy = self.config.legacy
        c2 = max(16, ch[0] // 4, reg_max * 4)
        c3 = max(ch[0], min(nc, 100))
        cls = ("V10DetectClass" if row.module == "v10Detect"
               else "DetectClassLegacy" if legacy else "DetectClass")
        extra = _HEAD_EXTRA.get(row.module)
        out_extra = self._extra(row) if extra else 0
        c4 = max(ch[0] // 4, out_extra)
        extra_block: tuple[str, dict[str, Any]] = ("DetectExtra", {"c4": c4, "out": out_extra})
        if row.module == "Pose26":  # its cv4 ends before the 1x1 convs: keypoints and sigmas
            kpts, dims = args[1][0], args[1][1]
            c4 = max(ch[0] // 4, kpts * (dims + 2))
            extra_block = ("Pose26Extra", {"c4": c4, "nk": out_extra, "nk_sigma": kpts * 2})
        layers: list[dict[str, Any]] = []
        copies = ("", "_o2o") if end2end else ("",)
        for copy in copies:  # end2end heads run the one-to-many and one-to-one branches
            for level, source in enumerate(row.source):
                base = {"from": _ref(source)}
                layers.append({"id": f"{_id(i)}{copy}_box{level}", **base,
                               "DetectBox": {"c2": c2, "reg_max": reg_max}})
                layers.append({"id": f"{_id(i)}{copy}_cls{level}", **base,
                               cls: {"c3": c3, "nc": nc}})
                if extra:
                    layers.append({"id": f"{_id(i)}{copy}_ext{level}", **base,
                                   extra_block[0]: extra_block[1]})
        levels = range(len(row.source))
        merged = ["box", "cls", "ext"] if extra else ["box", "cls"]
        for part in merged:
            layers.append(_joined(f"{_id(i)}_{part}", [f"{_id(i)}_{part}{n}" for n in levels],
                                  1))
        box = f"{_id(i)}_box"
        if reg_max > 1:
            layers.append({"id": f"{_id(i)}_dfl", "from": box, "DFL": {"c1": reg_max}})
            box = f"{_id(i)}_dfl"
        layers.append({"id": f"{_id(i)}_scores", "from": f"{_id(i)}_cls", "sigmoid": {}})
        # before the output, which stays the row's last layer
        if row.module == "Segment":
            layers.append({"id": f"{_id(i)}_proto", "from": _ref(row.source[0]),
                           "Proto": {"c_": args[2], "c2": args[1]}})
        elif row.module == "Segment26":
            layers += self._proto26(row, nc, args[2], args[1])
        elif row.module == "Pose26":
            layers += self._flow(row, args[1], f"{_id(i)}_ext")
        parts = [box, f"{_id(i)}_scores"] + ([f"{_id(i)}_ext"] if extra else [])
        layers.append({"id": _id(i), "concat": {"inputs": parts, "dim": 0}})
        self.outputs.append(_id(i))
        if row.module in ("Segment", "Segment26"):
            self.outputs.append(f"{_id(i)}_proto")
        return layers

    def _proto26(self, row: Row, nc: int, c_: int, nm: int) -> list[dict[str, Any]]:
        """Proto26(ch, c_, c2=nm, nc): each coarser input through a 1x1 Conv to the finest's
        channels, upsampled (nearest, by 2, 4, ...) and added to the finest; a 3x3 Conv to c_,
        then Proto(c_, c_, nm). Its `semseg` branch (two 3x3 Convs and a 1x1 conv to nc) is
        computed only while training: its parameters count, its MACs do not."""
        i, ch = row.index, row.args[-1]
        name = f"{_id(i)}_proto"
        layers: list[dict[str, Any]] = []
        for level, source in enumerate(row.source[1:], start=1):
            layers.append({"id": f"{name}_refine{level}", "from": _ref(source),
                           "Conv": {"c2": ch[0], "k": 1}})
            layers.append({"id": f"{name}_up{level}",
                           "upsample": {"scale_factor": 2 ** level, "mode": "nearest"}})
        inputs = [_ref(row.source[0])] + [f"{name}_up{n}" for n in range(1, len(row.source))]
        feat = inputs[0]
        if len(inputs) > 1:
            feat = f"{name}_feat"
            layers.append({"id": feat, "add": inputs})
        layers.append({"id": f"{name}_semseg", "from": feat, "inference": False,
                       "ProtoSemseg": {"c_": c_, "nc": nc}})
        layers.append({"id": f"{name}_fuse", "from": feat, "Conv": {"c2": c_, "k": 3}})
        layers.append({"id": name, "Proto": {"c_": c_, "c2": nm}})
        return layers

    def _flow(self, row: Row, kpt_shape: list[int], keypoints: str) -> list[dict[str, Any]]:
        """Pose26's flow_model, RealNVP(): a normalising flow over the keypoints' (x, y) that
        only the training loss runs; its parameters and buffers count, its MACs do not. It
        reads the keypoint predictions (the layer `keypoints`) [kpts, dims, anchors] as
        points [kpts, anchors, 2]."""
        i = row.index
        kpts, dims = kpt_shape[0], kpt_shape[1]
        name = f"{_id(i)}_flow"
        layers: list[dict[str, Any]] = [
            {"id": f"{name}_points", "from": keypoints, "inference": False,
             "reshape": {"shape": [kpts, dims, -1]}},
            {"id": f"{name}_xy", "inference": False, "transpose": [1, 2]}]
        xy = f"{name}_xy"
        if dims > 2:  # (x, y) without the visibility
            layers.append({"id": f"{name}_split", "inference": False,
                           "split": {"split_size_or_sections": [2, dims - 2], "dim": 2}})
            xy = f"{name}_split[0]"
        layers.append({"id": name, "from": xy, "inference": False, "RealNVP": {}})
        return layers

    def _spp(self, row: Row) -> list[dict[str, Any]]:
        """SPP(c1, c2, k=(5, 9, 13)): a 1x1 Conv to c1 // 2, one stride-1 max pool of it per
        kernel, their concatenation and a 1x1 Conv (written out: a block's parameter cannot
        be a list it indexes)."""
        i, (c1, c2, *rest) = row.index, row.args
        kernels = rest[0] if rest else [5, 9, 13]
        if (not isinstance(kernels, (list, tuple)) or not kernels
                or not all(isinstance(k, int) and not isinstance(k, bool) and k > 0
                           for k in kernels)):
            raise self.fail(row, f"k must be a list of kernel sizes, got {_shown(kernels)}",
                            BAD_ARGS)
        first: dict[str, Any] = {"id": f"{_id(i)}_cv1", "Conv": {"c2": c1 // 2, "k": 1}}
        if row.source != (i - 1,):
            first["from"] = _ref(row.source[0])
        pools = [{"id": f"{_id(i)}_m{n}", "from": f"{_id(i)}_cv1",
                  "maxpool": {"kernel_size": k, "stride": 1, "padding": k // 2}}
                 for n, k in enumerate(kernels)]
        merge = {"id": f"{_id(i)}_cat", "concat": [f"{_id(i)}_cv1", *(p["id"] for p in pools)]}
        return [first, *pools, merge, {"id": _id(i), "Conv": {"c2": c2, "k": 1}}]

    def _cblinear(self, row: Row) -> list[dict[str, Any]]:
        """CBLinear(c1, c2s, k=1, s=1, p=None, g=1): one conv with a bias, split by c2s."""
        c2s, k, s, p, g = (list(row.args[1:]) + [1, 1, None, 1][len(row.args) - 2:])[:5]
        if not isinstance(c2s, list) or not c2s:
            raise self.fail(row, f"the output channels are a list, got {_shown(c2s)}",
                            BAD_ARGS)
        c2s = [self._whole(row, c, "each piece's output channels") for c in c2s]
        pad = p
        if p is None:  # autopad: half of each kernel size
            halves = [self._whole(row, n, "the kernel size") // 2
                      for n in (k if isinstance(k, list) else [k])]
            pad = halves if isinstance(k, list) else halves[0]
        conv: dict[str, Any] = {"id": f"{_id(row.index)}_conv", "conv": {
            "out_channels": sum(c2s), "kernel_size": k, "stride": s, "padding": pad,
            "groups": g, "bias": True}}
        if row.source != (row.index - 1,):
            conv["from"] = _ref(row.source[0])
        return [conv, {"id": _id(row.index), "split": {"split_size_or_sections": c2s}}]

    def _cbfuse(self, row: Row) -> list[dict[str, Any]]:
        """CBFuse(idx): piece idx[j] of each earlier CBLinear, resized (nearest) to the last
        input, summed with it."""
        idx = row.args[0] if row.args else None
        *pieces, last = row.source
        if not isinstance(idx, list) or len(idx) != len(pieces):
            raise self.fail(row, f"idx must list one piece per input before the last "
                            f"({len(pieces)}), got {_shown(idx)}", BAD_ARGS)
        idx = [self._whole(row, piece, "each piece of idx", -MAX_INT) for piece in idx]
        target = _ref(last)
        layers = [{"id": f"{_id(row.index)}_{j}", "from": f"{_ref(source)}[{piece}]",
                   "upsample": {"size": [f"$(size({target}, 1))", f"$(size({target}, 2))"],
                                "mode": "nearest"}}
                  for j, (source, piece) in enumerate(zip(pieces, idx))]
        layers.append({"id": _id(row.index),
                       "add": [f"{_id(row.index)}_{j}" for j in range(len(pieces))] + [target]})
        return layers


def _id(index: int) -> str:
    return f"l{index}"


_TORCHVISION_DEFAULTS = ["DEFAULT", True, 2, False]  # weights, unwrap, truncate, split


def _call_of(entry: Any) -> dict[str, Any]:
    """A layer entry of the package data as a mapping (`bn` is `{bn: {}}`)."""
    return entry if isinstance(entry, dict) else {str(entry): {}}


def _forward_only(entry: Any) -> bool:
    return isinstance(entry, dict) and bool(entry.get("forward_only"))


def _layer(entry: YNode, name: str, span: Span, source: str | None = None) -> YMap:
    """An entry of a torchvision model (package data) as the layer `name` of the row at
    `span`, reading `source` when given: its op and arguments keep their place in
    torchvision_models.yaml, as a block library's layers do, so that what cnncalc says of
    them is said as of the library's (analysis.py: its notes left out, its errors moved to
    the row, `explain` naming the file)."""
    if isinstance(entry, YScalar):  # an op without arguments (`bn`)
        entry = YMap(((entry, YMap((), entry.span)),), entry.span)
    assert isinstance(entry, YMap)
    own = [(YScalar("id", span, True), YScalar(name, span, True))]
    if source is not None:
        own.append((YScalar("from", span, True), YScalar(source, span, True)))
    return YMap((*own, *((k, v) for k, v in entry.items if k.value != "forward_only")), span)


def _joined(name: str, inputs: list[str], dim: int) -> dict[str, Any]:
    """torch.cat of `inputs` along `dim` as a layer: of one input, its values as they are (a
    Concat of one row, a head of one level; cnncalc's concat takes two or more, and
    torch.cat's copy of the one is not counted as memory)."""
    if len(inputs) == 1:
        return {"id": name, "from": inputs[0], "identity": {}}
    return {"id": name, "concat": {"inputs": inputs, "dim": dim}}


def _ref(index: int) -> str:
    return "input" if index < 0 else _id(index)


def _node(value: Any, span: Span) -> YNode:
    """A Python value as the loader's nodes, every one at `span` (the row it came from); a
    node already (a torchvision model's layer) as it is."""
    if isinstance(value, (YMap, YSeq, YScalar)):
        return value
    if isinstance(value, dict):
        return YMap(tuple((YScalar(k, span, True), _node(v, span)) for k, v in value.items()),
                    span)
    if isinstance(value, (list, tuple)):
        return YSeq(tuple(_node(v, span) for v in value), span, True)
    return YScalar(value, span, isinstance(value, str))


# --------------------------------------------------------------------------- row terms

# Problems found once shapes are known, said in the config's terms: rows and their shapes.
# The analysis gives each row's output shape (the layer with the row's id); these turn them
# into the messages the routing reports at the row (docs/yolo.md, "What remains").

Shape = tuple[int, ...]
_AXES = ("H", "W")  # the spatial axes of a [C, H, W] row output


def concat_mismatch(config: Config, row: Row, shapes: Mapping[int, Shape]
                    ) -> Diagnostic | None:
    """A Concat whose inputs differ in H or W: which rows, their shapes, and the earlier
    row of the first input's size that the user probably meant; None when they agree."""
    first = row.source[0]
    base = shapes.get(first)
    if base is None:
        return None
    for other in row.source[1:]:
        shape = shapes.get(other)
        if shape is None or len(shape) != len(base) or shape[1:] == base[1:]:
            continue
        axes = [i for i in range(1, len(base)) if base[i] != shape[i]]
        names = " and ".join(_AXES[i - 1] if len(base) == 3 else f"dim {i}" for i in axes)
        pairs = {(base[i], shape[i]) for i in axes}
        # "40 vs 80" when every differing axis differs alike, else each axis's sizes
        detail = (" vs ".join(map(str, pairs.pop())) if len(pairs) == 1
                  else ", ".join(f"{base[i]} vs {shape[i]}" for i in axes))
        message = (f"row {row.index} Concat: inputs from rows {_row_name(first, row)} "
                   f"{list(base)} and {_row_name(other, row)} {list(shape)} differ in "
                   f"{names} ({detail})")
        meant = _meant(config, row, shapes, base, other)
        hint = None
        if meant is not None:
            size = "x".join(str(d) for d in base[1:])
            message += f"; row {meant} has {size}"
            hint = f"did you mean {meant}?"
        return Diagnostic(BAD_FROM, message, row.span, hint)
    return None


def reads_a_result(config: Config, row: Row, shapes: Mapping[int, Shape]
                   ) -> Diagnostic | None:
    """A row reading a Classify's or a head's output (the network's result, not a feature
    map): Ultralytics builds it, and its forward pass fails; cnncalc's layers would report it
    inside the block library (`conv needs a spatial input [C, ...], got the flat vector`)."""
    for source in row.source:
        if source < 0 or source >= len(config.rows):
            continue
        before = config.rows[source]
        if MODULES[before.module].kind not in (HEAD, V10HEAD, CLASSIFY):
            continue
        shape = shapes.get(source)
        shown = f" {list(shape)}" if shape else ""
        return Diagnostic(BAD_FROM, f"row {row.index} {row.module} reads row {source} "
                          f"{before.module}, whose output{shown} is the network's result, not "
                          "a feature map [C, H, W]", row.span,
                          f"a {before.module} row ends the network: read an earlier row, or "
                          f"move row {source} last")
    return None


def reads_a_vector(config: Config, row: Row, shapes: Mapping[int, Shape]
                   ) -> Diagnostic | None:
    """A row reading a TorchVision row whose output is flat (its classifier's: the whole
    model, or children kept up to the classifier), where it needs a feature map: said at
    the row in its terms (the caller asks only of a row with an error)."""
    for source in row.source:
        shape = shapes.get(source)
        if (source < 0 or config.rows[source].module != "TorchVision" or shape is None
                or len(shape) != 1):
            continue
        model = config.rows[source].args[0]
        return Diagnostic(BAD_FROM, f"row {row.index} {row.module} reads row {source} "
                          f"TorchVision, whose output {list(shape)} is the class scores of "
                          f"{model}'s classifier, not a feature map [C, H, W]", row.span,
                          f"keep row {source}'s feature map: unwrap its children and leave "
                          "out the pooling and the classifier, [c2, model, weights, True, 2]")
    return None


TORCHVISION_CHANNELS = 3  # every torchvision classifier's first conv takes RGB


def torchvision_input(row: Row, shapes: Mapping[int, Shape], base: Shape | None
                      ) -> Diagnostic | None:
    """A TorchVision row reading other than 3 channels: torchvision builds its first conv for
    RGB whatever the config's `channels:` (cnncalc's layers would take the input's own)."""
    source = row.source[0]
    shape = base if source < 0 else shapes.get(source)
    if not shape or shape[0] == TORCHVISION_CHANNELS:
        return None
    what = "the input" if source < 0 else f"row {source}"
    return Diagnostic(BAD_FROM, f"row {row.index} TorchVision: torchvision's {row.args[0]} "
                      f"takes {TORCHVISION_CHANNELS} input channels (RGB), but {what} gives "
                      f"{list(shape)}: the model cannot run", row.span,
                      "give it an RGB input: `channels: 3`, or a row of 3 channels")


def _row_name(index: int, row: Row) -> str:
    return "input" if index < 0 else str(index)


def _meant(config: Config, row: Row, shapes: Mapping[int, Shape], base: Shape,
           wrong: int) -> int | None:
    """The row the user probably meant: one of the first input's H and W that ends a stage
    (the next row has another size, as where a backbone stage hands its map to the neck),
    not merged here already, nearest the index written (the later one on a tie)."""
    ends = []
    for r in config.rows[:row.index]:
        shape, after = shapes.get(r.index), shapes.get(r.index + 1)
        if (r.index not in row.source and shape is not None and shape[1:] == base[1:]
                and (r.index + 1 == row.index or after is None or after[1:] != base[1:])):
            ends.append(r.index)
    return min(ends, key=lambda e: (abs(e - wrong), -e)) if ends else None


def detect_strides(config: Config, row: Row, shapes: Mapping[int, Shape], input_hw: int
                   ) -> Diagnostic | None:
    """A head whose inputs' strides (input size / their H) do not increase: Ultralytics
    pairs its levels with anchors and strides from the finest (P3) to the coarsest."""
    strides = []
    for source in row.source:
        shape = shapes.get(source)
        if shape is None or len(shape) != 3 or shape[1] < 1:
            return None
        strides.append(input_hw / shape[1])
    if all(a < b for a, b in itertools.pairwise(strides)):
        return None
    pairs = list(zip(row.source, strides))
    seen: dict[float, int] = {}
    for source, stride in pairs:
        if stride in seen:  # two levels at one stride: no order of these rows is right
            same = (f"row {source} twice" if seen[stride] == source
                    else f"rows {seen[stride]} and {source}")
            return Diagnostic(BAD_FROM, f"row {row.index} {row.module}: reads {same}, both "
                              f"at stride {_stride(stride)}; each level of a head reads a map "
                              f"of its own stride", row.span,
                              "read one row per stride, from the finest to the coarsest "
                              "(e.g. P3/8, P4/16, P5/32)")
        seen[stride] = source
    order = sorted(pairs, key=lambda p: p[1])
    return Diagnostic(BAD_FROM, f"row {row.index} {row.module}: its inputs' strides do not "
                      f"increase: rows {_listed(f'{s} (stride {_stride(t)})' for s, t in pairs)}",
                      row.span, f"list them from the finest to the coarsest: "
                      f"[{_listed(str(s) for s, _ in order)}]")


def _listed(items: Iterable[str], most: int = 8) -> str:
    """Items joined by commas, the first `most` of them (a row may read thousands)."""
    shown = list(itertools.islice(items, most + 1))
    return ", ".join(shown[:most]) + (", …" if len(shown) > most else "")


# Ultralytics' trainer and predictor round `imgsz` up to a multiple of the model's largest
# stride, never of less than 32 (engine/trainer.py `gs = max(int(model.stride.max()), 32)`,
# nn/backends/pytorch.py likewise, then utils/checks.check_imgsz)
MIN_GRID = 32
OFF_GRID = "W420"  # an imgsz Ultralytics would not use as given: it rounds it up


@frozen
class Grid:
    """The imgsz multiple Ultralytics uses for a config, and why."""

    step: int  # max(largest stride, MIN_GRID)
    stride: int  # the model's largest stride (0: no detection head, as for Classify)
    head: Row | None  # the head reading a row at that stride
    source: int  # that row (-1 without a head)


def grid(config: Config, shapes: Mapping[int, Shape], input_hw: int) -> Grid:
    """The largest stride of the heads' inputs (input size / their H, as Ultralytics measures
    it on a square input) and the imgsz step that follows from it."""
    best: tuple[int, Row | None, int] = (0, None, -1)
    for row in config.rows:
        if MODULES[row.module].kind not in (HEAD, V10HEAD):
            continue
        for source in row.source:
            shape = shapes.get(source)
            if shape is None or len(shape) != 3 or shape[1] < 1:
                continue
            stride = int(input_hw / shape[1])  # Ultralytics: int(stride.max())
            if stride > best[0]:
                best = (stride, row, source)
    return Grid(max(best[0], MIN_GRID), *best)


def off_grid(config: Config, found: Grid, imgsz: int) -> Diagnostic:
    """Why Ultralytics would not use `imgsz` (not a multiple of `found.step`) as given."""
    up = math.ceil(imgsz / found.step) * found.step
    if found.head is not None:
        why = (f"row {found.head.index} {found.head.module} reads row {found.source} at "
               f"stride {found.stride}")
        if found.stride < found.step:
            why += f", and Ultralytics never uses a grid below {MIN_GRID}"
        span = found.head.span
    else:
        why = f"no detection head: Ultralytics' default grid of {MIN_GRID}"
        span = config.rows[-1].span
    return Diagnostic(OFF_GRID, f"imgsz {imgsz} is not a multiple of {found.step} ({why}): "
                      f"Ultralytics rounds it up to {up}", span,
                      f"use a multiple of {found.step}, such as {up}")


def _stride(value: float) -> str:
    return str(int(value)) if value == int(value) else f"{value:g}"

"""Declarations: everything about an architecture file that needs no input shape.

`declare(root)` checks the top level (its keys, `cnncalc:`, `name`, `batch`, `dtype`, `input`),
reads `defaults:` and `blocks:` (names, parameters and their defaults, calls of a block to
itself) and finds `layers:`, reporting each problem where it was written. The result,
`Declarations`, is what the expander instantiates into the graph for one input shape.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import Any

from .diagnostics import Diagnostic, did_you_mean
from .format import (
    BLOCK_KEYS,
    DEFAULT_DTYPE,
    DTYPES,
    INPUT_AXES,
    LAYOUTS,
    META,
    REFS,
    TOP_KEYS,
    VERSION,
)
from .frozen import frozen
from .graph import Shape, from_layout
from .limits import MAX_INT
from .loader import YMap, YNode, YScalar, YSeq, type_scalar
from .ops import lookup, names
from .ops.base import REQUIRED, TOO_LARGE_HINT, short_int
from .source import Span
from .values import IDENT, Invalid, Reader, TooLarge, Value, arg_hint, describe

Param = tuple[str, Any, Span]  # (name, default or REQUIRED, where it is declared)


@frozen
class Block:
    """A block of `blocks:`: its parameters in order and the layer entries of its body."""

    name: str
    params: tuple[Param, ...]
    layers: tuple[YNode, ...]
    span: Span
    broken: bool = False  # calls itself: reported once at the definition


@frozen
class Declarations:
    """A checked file, ready to expand: `layers` is None when there is nothing to expand (no
    layer list, or no usable input shape), and the diagnostics then say why."""

    name: str
    batch: int
    dtype: str
    shape: Shape | None  # the input of this run: the file's, or the override (channels first)
    declared: Shape | None  # the file's own input (checked expectations describe it)
    input_span: Span  # where the input is written (the file's start when it is not)
    defaults: dict[str, dict[str, Value]]  # op name -> argument -> value
    blocks: dict[str, Block]
    broken_blocks: frozenset[str]  # reported at the definition; calls are skipped quietly
    layers: tuple[YNode, ...] | None
    expect: YNode | None  # the network's `expect:`
    diagnostics: tuple[Diagnostic, ...]
    work: int  # units of the expansion's work budget spent reading `defaults:`
    layout: str = "chw"  # how the file writes shapes (`layout:`)


def declare(root: YNode, stem: str, input_override: Shape | None = None,
            max_layers: int = 1) -> Declarations:
    """Check `root`, the file's node tree; `stem` names a network without `name:`."""
    return _Declarer(max_layers).run(root, stem, input_override)


class _Declarer(Reader):
    layout = "chw"  # the file's `layout:`, once read

    def run(self, root: YNode, stem: str, input_override: Shape | None) -> Declarations:
        if not isinstance(root, YMap):
            self.error("E004", f"an architecture is a mapping of keys, got {describe(root)}",
                       root.span, "start from `input:` and `layers:`")
            return self._result(stem, 1, DEFAULT_DTYPE, None, None, root.span)
        for key, _ in root.items:
            if key.value not in TOP_KEYS:
                self.error("E101", f"unknown top-level key '{key.text}'", key.span,
                           did_you_mean(key.text, TOP_KEYS)
                           or f"the keys are: {', '.join(TOP_KEYS)}")
        self._version(root)
        name = self._scalar(root, "name", str, stem)
        batch = self._scalar(root, "batch", int, 1)
        if batch < 1:
            self.error("E108", f"batch must be >= 1, got {batch}", self._span(root, "batch"))
            batch = 1
        elif batch > MAX_INT:
            self.error("E118", f"batch {short_int(batch)} is larger than PyTorch's sizes allow "
                       "(2^63 - 1)", self._span(root, "batch"), TOO_LARGE_HINT)
            batch = 1
        dtype = self._scalar(root, "dtype", str, DEFAULT_DTYPE)
        if dtype not in DTYPES:
            self.error("E108", f"unknown dtype '{dtype}'", self._span(root, "dtype"),
                       did_you_mean(dtype, DTYPES) or f"use one of {', '.join(DTYPES)}")
            dtype = DEFAULT_DTYPE
        self.layout = self._layout(root)
        shape = self._input(root) if input_override is None else self._override(
            input_override, root)
        declared = shape if input_override is None else self._declared_input(root)
        span = self._span(root, "input")
        try:
            defaults = self._defaults(root.get("defaults"))
        except TooLarge:  # reported
            return self._result(name, batch, dtype, shape, declared, span)
        blocks, broken = self._blocks(root.get("blocks"))
        layers = root.get("layers")
        if layers is None:
            self.error("E102", "missing required key 'layers'", root.span,
                       "add `layers:` with the network's layers in order")
        elif not isinstance(layers, YSeq):
            self.error("E103", f"'layers' must be a list of layers, got {describe(layers)}",
                       layers.span)
        return self._result(name, batch, dtype, shape, declared, span, defaults, blocks,
                            broken, layers.items if isinstance(layers, YSeq) else None,
                            root.get("expect"))

    def _result(self, name: str, batch: int, dtype: str, shape: Shape | None,
                declared: Shape | None, span: Span,
                defaults: dict[str, dict[str, Value]] | None = None,
                blocks: dict[str, Block] | None = None, broken: frozenset[str] = frozenset(),
                layers: tuple[YNode, ...] | None = None, expect: YNode | None = None
                ) -> Declarations:
        return Declarations(name, batch, dtype, shape, declared, span, defaults or {},
                            blocks or {}, broken, layers if shape is not None else None,
                            expect, tuple(self.diagnostics), self.work,
                            self.layout)

    # ------------------------------------------------------------ the top level

    def _span(self, root: YMap, key: str) -> Span:
        node = root.get(key)
        return node.span if node is not None else root.span

    def _scalar(self, root: YMap, key: str, kind: type, default: Any) -> Any:
        node = root.get(key)
        if node is None:
            return default
        if (not isinstance(node, YScalar) or not isinstance(node.value, kind)
                or isinstance(node.value, bool)):
            what = "an integer" if kind is int else "text"
            self.error("E103", f"'{key}' must be {what}, got {describe(node)}", node.span)
            return default
        return node.value

    def _layout(self, root: YMap) -> str:
        layout = self._scalar(root, "layout", str, "chw")
        if layout not in LAYOUTS:
            self.error("E108", f"unknown layout '{layout}'", self._span(root, "layout"),
                       "write `layout: chw` (channels first, as PyTorch) or `layout: hwc` "
                       "(55x55x96, as course notes)")
            return "chw"
        return str(layout)

    def _version(self, root: YMap) -> None:
        node = root.get("cnncalc")
        if node is not None and not (isinstance(node, YScalar) and node.value == VERSION
                                     and not isinstance(node.value, bool)):
            self.error("E115", f"the format version must be the number {VERSION}, got "
                       f"{describe(node)}", node.span,
                       f"this cnncalc reads version {VERSION}: write `cnncalc: {VERSION}`")

    def _input(self, root: YMap) -> Shape | None:
        node = root.get("input")
        if node is None:
            self.error("E102", "missing required key 'input'", root.span,
                       "add e.g. `input: [3, 224, 224]` (channels first, no batch)")
            return None
        if isinstance(node, YMap):
            keys = tuple(str(k.value) for k, _ in node.items)
            order = next((axes for axes in INPUT_AXES if sorted(axes) == sorted(keys)), None)
            if order is None:
                self.error("E103", f"input keys {{{', '.join(keys)}}} do not name a shape",
                           node.span, "write {c, h, w}, {c, l} or {c, d, h, w}, or a list")
                return None
            items = [node.get(k) for k in order]
        elif isinstance(node, YSeq):
            items = list(node.items)
        else:
            self.error("E103", f"input must be a shape such as [3, 224, 224], got "
                       f"{describe(node)}", node.span)
            return None
        if not 1 <= len(items) <= 4:
            self.error("E108", f"input has {len(items)} dimensions; cnncalc takes [F], [C, L], "
                       "[C, H, W] or [C, D, H, W]", node.span)
            return None
        dims = []
        for item in items:
            assert item is not None
            if (not isinstance(item, YScalar) or isinstance(item.value, bool)
                    or not isinstance(item.value, int) or item.value < 1):
                self.error("E108", f"an input size must be a positive integer, got "
                           f"{describe(item)}", item.span)
                return None
            if item.value > MAX_INT:
                self.error("E118", f"input size {short_int(item.value)} is larger than PyTorch's "
                           "sizes allow (2^63 - 1)", item.span, TOO_LARGE_HINT)
                return None
            dims.append(item.value)
        # a list is written in the file's layout; a mapping names its axes
        return from_layout(tuple(dims), self.layout if isinstance(node, YSeq) else "chw")

    def _declared_input(self, root: YMap) -> Shape | None:
        """The file's own input when an override replaces it (None if it is not a shape: the
        override makes its problems moot, so they are not reported)."""
        reported = len(self.diagnostics)
        declared = self._input(root)
        del self.diagnostics[reported:]
        return declared

    def _override(self, shape: Shape, root: YMap) -> Shape | None:
        if 1 <= len(shape) <= 4 and all(isinstance(d, int) and 1 <= d <= MAX_INT for d in shape):
            return tuple(shape)
        self.error("E108", f"the input override {list(shape)} is not a shape: 1 to 4 positive "
                   "sizes, channels first", root.span, "e.g. 3x224x224")
        return None

    # ------------------------------------------------------------ defaults and blocks

    def _defaults(self, node: YNode | None) -> dict[str, dict[str, Value]]:
        defaults: dict[str, dict[str, Value]] = {}
        if node is None:
            return defaults
        if not isinstance(node, YMap):
            self.error("E103", f"'defaults' maps op names to arguments, got {describe(node)}",
                       node.span)
            return defaults
        for key, value in node.items:
            found = lookup(str(key.value))
            if found is None:
                self.error("E104", f"unknown op '{key.text}' in defaults", key.span,
                           did_you_mean(key.text, names()))
                continue
            spec = found[0]
            if not isinstance(value, YMap):
                self.error("E103", f"defaults for '{key.text}' must be a mapping of "
                           f"arguments, got {describe(value)}", value.span)
                continue
            args = defaults.setdefault(spec.name, {})
            for arg_key, arg_value in value.items:
                if spec.arg(str(arg_key.value)) is None:
                    self.error("E105", f"{spec.name} has no argument '{arg_key.text}'",
                               arg_key.span, arg_hint(spec, arg_key.text))
                    continue
                with contextlib.suppress(Invalid):  # reported; the default stays unset
                    args[str(arg_key.value)] = Value(self.plain(arg_value), arg_value.span)
        return defaults

    def _blocks(self, node: YNode | None) -> tuple[dict[str, Block], frozenset[str]]:
        blocks: dict[str, Block] = {}
        broken: set[str] = set()
        if node is None:
            return blocks, frozenset()
        if not isinstance(node, YMap):
            self.error("E103", f"'blocks' maps block names to definitions, got "
                       f"{describe(node)}", node.span)
            return blocks, frozenset()
        for key, body in node.items:
            name = str(key.value)
            if not IDENT.match(name):
                self.error("E108", f"block name '{key.text}' is not a name", key.span,
                           "use letters, digits and _")
                continue
            if lookup(name) is not None or name in REFS:
                self.error("E108", f"block name '{name}' is already the name of an op",
                           key.span, "rename the block")
                continue
            block = self._block(name, key, body)
            if block is not None:
                blocks[name] = block
            else:  # reported; calls to it are skipped quietly
                broken.add(name)
        for name in self._recursive(blocks):
            block = blocks[name]
            blocks[name] = Block(block.name, block.params, block.layers, block.span, True)
        return blocks, frozenset(broken)

    def _block(self, name: str, key: YScalar, body: YNode) -> Block | None:
        if not isinstance(body, YMap):
            self.error("E103", f"block '{name}' must be a mapping with `layers:` (and "
                       f"optionally `params:`), got {describe(body)}", body.span)
            return None
        for k, _ in body.items:
            if k.value not in BLOCK_KEYS:
                self.error("E101", f"unknown key '{k.text}' in block '{name}'", k.span,
                           did_you_mean(k.text, BLOCK_KEYS)
                           or "a block has `params` and `layers`")
        params: list[Param] = []
        declared = body.get("params")
        if declared is not None:
            if not isinstance(declared, YSeq):
                self.error("E103", f"params of '{name}' must be a list such as [out, k=1], "
                           f"got {describe(declared)}", declared.span)
                return None
            for item in declared.items:
                param = self._param(item, params)
                if param is not None:
                    params.append(param)
        layers = body.get("layers")
        if not isinstance(layers, YSeq):
            self.error("E102" if layers is None else "E103",
                       f"block '{name}' needs `layers:`, a list of layers", (layers or key).span)
            return None
        return Block(name, tuple(params), tuple(layers.items), key.span)

    def _param(self, item: YNode, params: list[Param]) -> Param | None:
        if not isinstance(item, YScalar) or not isinstance(item.value, str):
            self.error("E103", f"a block parameter is a name or name=default, got "
                       f"{describe(item)}", item.span)
            return None
        pname, eq, default_text = item.value.partition("=")
        pname = pname.strip()
        default: Any = type_scalar(default_text.strip()) if eq else REQUIRED
        if not IDENT.match(pname):
            self.error("E108", f"'{item.value}' is not a parameter name", item.span,
                       "write `name` or `name=default`")
            return None
        if any(p[0] == pname for p in params):
            self.error("E110", f"parameter '{pname}' is declared twice", item.span)
            return None
        if default is REQUIRED and any(p[1] is not REQUIRED for p in params):
            self.error("E108", f"parameter '{pname}' has no default but follows one that "
                       "does", item.span, "put parameters with defaults last")
            return None
        return pname, default, item.span

    def _recursive(self, blocks: dict[str, Block]) -> set[str]:
        """The blocks that call themselves, directly or through others (they can never
        finish), each cycle reported once."""
        calls = {name: [(c, span) for c, span in _calls(block) if c in blocks]
                 for name, block in blocks.items()}
        broken: set[str] = set()
        state: dict[str, int] = {}  # 1 visiting, 2 done
        for start in blocks:
            if state.get(start):
                continue
            stack: list[tuple[str, Iterator[tuple[str, Span]]]] = [(start, iter(calls[start]))]
            state[start] = 1
            while stack:
                name, it = stack[-1]
                nxt = next(it, None)
                if nxt is None:
                    state[name] = 2
                    stack.pop()
                    continue
                callee, span = nxt
                if state.get(callee) == 1:
                    cycle = [n for n, _ in stack[[n for n, _ in stack].index(callee):]]
                    chain = " -> ".join([*cycle, callee])
                    self.error("E111", f"block '{callee}' calls itself ({chain})", span,
                               "a block may call other blocks, but never itself")
                    broken.update(cycle)
                elif not state.get(callee):
                    state[callee] = 1
                    stack.append((callee, iter(calls[callee])))
        return broken


def _calls(block: Block) -> Iterator[tuple[str, Span]]:
    """The names a block's body calls (ops and blocks alike), where they are written."""
    for layer in block.layers:
        if isinstance(layer, YScalar) and isinstance(layer.value, str):
            yield layer.value, layer.span
        elif isinstance(layer, YMap):
            for key, _ in layer.items:
                if key.value not in META:
                    yield str(key.value), key.span

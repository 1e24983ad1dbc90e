"""Expansion: the YAML node tree -> the graph IR.

Resolves blocks, `repeat`, `first`, `when`, `from`, ids, `defaults`, `$name` and `$(expr)`,
validates every argument against the op registry, and infers each node's shape as it is
emitted (`$(in_c)` needs the shape of what came before). Every problem becomes a diagnostic at
the line and column it was written; a layer that cannot be built poisons its output, and what
depends on it is skipped quietly instead of reported as a cascade.
"""

from __future__ import annotations

import contextlib
import itertools
import re
from collections.abc import Callable, Collection, Iterator
from dataclasses import dataclass, field
from typing import Any

from .diagnostics import Diagnostic, did_you_mean
from .frozen import frozen
from .graph import Graph, Node, Shape, ShapeExpect, format_shape, path_str
from .limits import DEFAULT_MAX_LAYERS as DEFAULT_MAX_LAYERS  # re-exported
from .limits import MAX_CALL_DEPTH, MAX_INT, MAX_VALUE_DEPTH, WORK_PER_LAYER
from .loader import YMap, YNode, YScalar, YSeq, type_scalar
from .ops import REGISTRY, OpSpec, lookup, names
from .ops.base import REQUIRED, TOO_LARGE_HINT, ArgError, describe_value, quote, short_int
from .passes import kind
from .passes.shapes import infer
from .source import Span

MAX_VALUE_ITEMS = 10_000  # items in one argument value (aliases can nest lists exponentially)
TOP_KEYS = ("cnncalc", "name", "input", "batch", "dtype", "defaults", "blocks", "layers", "expect")
META = ("id", "from", "repeat", "first", "when", "expect")
REFS = ("prev", "in", "input")
DTYPES = {"float32": 4, "float16": 2, "bfloat16": 2, "float64": 8, "int8": 1}
NET_EXPECT = ("params", "trainable_params", "buffers", "output", "macs")
LAYER_EXPECT = ("shape", "params", "trainable_params", "buffers", "macs")
INPUT_AXES = {("c",): 0, ("c", "l"): 1, ("c", "h", "w"): 2, ("c", "d", "h", "w"): 3}

POISON = -1  # the output of a layer that could not be built

_PARAM_REF = re.compile(r"\$([A-Za-z_][A-Za-z0-9_]*)\Z")
_IDENT = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")
_IN_NAMES = re.compile(r"\bin_[a-z]\b")
_SUGGEST_BUDGET = 200_000  # names did-you-mean hints compare a misspelling with, in all
_SIZE_MEMO = 10_000  # calls `_size` tells apart by their parameters; past it, only by block


class _Skip(Exception):
    """The layer depends on something that already failed: skip it without a message."""


class _Invalid(Exception):
    """The layer is wrong; its diagnostic has been recorded."""


class _TooLarge(Exception):
    """The expansion passed the layer limit; its diagnostic has been recorded."""


@frozen
class Value:
    """A resolved value and where the user wrote it."""

    value: Any
    span: Span


@dataclass
class Block:
    name: str
    params: list[tuple[str, Any, Span]]  # (name, default or REQUIRED, span)
    layers: list[YNode]
    span: Span
    broken: bool = False  # calls itself: reported once at the definition


@dataclass
class Scope:
    """One layer list being expanded: the file's, or one block body's."""

    prefix: tuple[str, ...]
    inp: int  # what `in` refers to (the network input at the top level)
    params: dict[str, Value] = field(default_factory=dict)
    ids: dict[str, int] = field(default_factory=dict)
    id_spans: dict[str, Span] = field(default_factory=dict)
    declared: dict[str, Span] = field(default_factory=dict)  # every id in the body
    counters: dict[str, int] = field(default_factory=dict)
    calls: tuple[str, ...] = ()  # blocks being expanded, outermost first
    prev: int = 0

    def __post_init__(self) -> None:
        self.prev = self.inp


@frozen
class Call:
    """A block call's nodes, recorded to be replayed (see `_Expander._expand_call`): per node
    (op, path below the call, args, inputs, span, arg spans, rank, shape), inputs and `out` as
    offsets into the call, -1 for the call's input and -2 for the network's."""

    nodes: list[tuple[Any, ...]]
    out: int
    visited: int  # layer entries the call visited
    groups: list[tuple[tuple[str, ...], str]]  # the blocks and repeats inside, by path
    parts: int  # path parts of its nodes below the call (work, see `_Expander._spend`)


@dataclass
class Expansion:
    graph: Graph | None
    shapes: list[Shape | None]
    diagnostics: list[Diagnostic]


def expand(root: YNode, stem: str, input_override: Shape | None = None,
           max_layers: int = DEFAULT_MAX_LAYERS) -> Expansion:
    return _Expander(stem, max_layers).run(root, input_override)


def _describe(node: YNode) -> str:
    if isinstance(node, YMap):
        return "a mapping"
    if isinstance(node, YSeq):
        return "a list"
    if node.value is None:
        return "nothing (null)"
    if isinstance(node.value, bool):
        return "a boolean"
    if isinstance(node.value, int):
        return f"the number {short_int(node.value)}"
    if isinstance(node.value, float):
        return f"the number {node.value}"
    return f"the text {quote(str(node.value))}"


class _Expander:
    def __init__(self, stem: str, max_layers: int) -> None:
        self.stem = stem
        self.max_layers = max_layers
        self.nodes: list[Node] = []
        self.shapes: list[Shape | None] = []
        self.diagnostics: list[Diagnostic] = []
        self.expects: list[ShapeExpect] = []
        self.blocks: dict[str, Block] = {}
        self.defaults: dict[str, dict[str, Value]] = {}
        self.groups: dict[tuple[str, ...], str] = {}
        self.group_paths: list[tuple[str, ...]] = []  # the keys of `groups`, in order made
        # layer entries visited, emitted or not: skipped layers inside big repeats cost time too
        self.visited = 0
        self.work, self.work_limit = 0, WORK_PER_LAYER * max_layers  # see _spend
        self.suggested: dict[tuple[str, Any], str | None] = {}  # see _suggest
        self.suggest_budget = _SUGGEST_BUDGET
        self.sizes: dict[tuple[str, tuple[tuple[str, type, Any], ...]], int] = {}  # _size
        self.broken_blocks: set[str] = set()  # layer entries one call of a block visits, at least
        self.checked: dict[tuple[Any, ...], dict[str, Any]] = {}  # see _check_args
        self.recorded: dict[tuple[Any, ...], Call | None] = {}  # see _expand_call
        self.forms: dict[int, tuple[YScalar, YNode | None, dict[str, YNode]]] = {}  # _form
        self.bound: dict[tuple[int, str], dict[str, Value] | None] = {}  # see _bind
        self.literal: dict[int, bool] = {}  # see _literal
        self.inferred: dict[tuple[Any, ...], Shape] = {}  # see _emit

    # ------------------------------------------------------------ reporting

    def error(self, code: str, message: str, span: Span, hint: str | None = None,
              path: tuple[str, ...] | None = None) -> None:
        self.diagnostics.append(
            Diagnostic(code, message, span, hint, path_str(path) if path else None))

    def fail(self, code: str, message: str, span: Span, hint: str | None = None,
             path: tuple[str, ...] | None = None) -> _Invalid:
        self.error(code, message, span, hint, path)
        return _Invalid()

    # ------------------------------------------------------------ top level

    def run(self, root: YNode, input_override: Shape | None) -> Expansion:
        if not isinstance(root, YMap):
            self.error("E004", f"an architecture is a mapping of keys, got {_describe(root)}",
                       root.span, "start from `input:` and `layers:`")
            return Expansion(None, [], self.diagnostics)
        for key, _ in root.items:
            if key.value not in TOP_KEYS:
                self.error("E101", f"unknown top-level key '{key.text}'", key.span,
                           did_you_mean(key.text, TOP_KEYS)
                           or f"the keys are: {', '.join(TOP_KEYS)}")
        self._version(root)
        name = self._scalar(root, "name", str, self.stem)
        batch = self._scalar(root, "batch", int, 1)
        if batch < 1:
            self.error("E108", f"batch must be >= 1, got {batch}", self._span(root, "batch"))
            batch = 1
        elif batch > MAX_INT:
            self.error("E118", f"batch {short_int(batch)} is larger than PyTorch's sizes allow "
                       "(2^63 - 1)", self._span(root, "batch"), TOO_LARGE_HINT)
            batch = 1
        dtype = self._scalar(root, "dtype", str, "float32")
        if dtype not in DTYPES:
            self.error("E108", f"unknown dtype '{dtype}'", self._span(root, "dtype"),
                       did_you_mean(dtype, DTYPES) or f"use one of {', '.join(DTYPES)}")
            dtype = "float32"
        shape = self._input(root) if input_override is None else self._override(
            input_override, root)
        declared = shape if input_override is None else self._declared_input(root)
        try:
            return self._network(root, name, batch, dtype, shape, declared)
        except _TooLarge:  # reported
            return Expansion(None, self.shapes, self.diagnostics)

    def _network(self, root: YMap, name: str, batch: int, dtype: str, shape: Shape | None,
                 declared: Shape | None) -> Expansion:
        self._defaults(root.get("defaults"))
        self._blocks(root.get("blocks"))
        layers = root.get("layers")
        if layers is None:
            self.error("E102", "missing required key 'layers'", root.span,
                       "add `layers:` with the network's layers in order")
        elif not isinstance(layers, YSeq):
            self.error("E103", f"'layers' must be a list of layers, got {_describe(layers)}",
                       layers.span)
        if shape is None or not isinstance(layers, YSeq):
            return Expansion(None, self.shapes, self.diagnostics)
        value_node = root.get("input")
        span = value_node.span if value_node is not None else root.span
        self._emit(REGISTRY["input"], None, {"shape": shape}, {}, (), ("input",), span)
        scope = Scope(prefix=(), inp=0)
        self._body(layers.items, scope)
        self._network_expect(root.get("expect"), scope.prev)
        expects = tuple(self.expects)
        if expects and declared != shape:
            # every figure may depend on the input: shapes and MACs, and parameters too (a
            # linear layer after flatten, the first conv's input channels)
            written = (f"the file's input {format_shape(declared)}" if declared
                       else "the file's input")
            self.diagnostics.append(Diagnostic(
                "N104", f"expectations not checked: they describe {written}, not the input "
                f"{format_shape(shape)} of this run", span,
                "analyse the file with its own input to check them"))
            expects = ()
        graph = Graph(name, tuple(self.nodes), scope.prev, batch, dtype, expects, self.groups)
        return Expansion(graph, self.shapes, self.diagnostics)

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
            self.error("E103", f"'{key}' must be {what}, got {_describe(node)}", node.span)
            return default
        return node.value

    def _version(self, root: YMap) -> None:
        node = root.get("cnncalc")
        if node is not None and not (isinstance(node, YScalar) and node.value == 1
                                     and not isinstance(node.value, bool)):
            self.error("E115", f"the format version must be the number 1, got "
                       f"{_describe(node)}", node.span,
                       "this cnncalc reads version 1: write `cnncalc: 1`")

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
                       f"{_describe(node)}", node.span)
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
                           f"{_describe(item)}", item.span)
                return None
            if item.value > MAX_INT:
                self.error("E118", f"input size {short_int(item.value)} is larger than PyTorch's "
                           "sizes allow (2^63 - 1)", item.span, TOO_LARGE_HINT)
                return None
            dims.append(item.value)
        return tuple(dims)

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

    def _defaults(self, node: YNode | None) -> None:
        if node is None:
            return
        if not isinstance(node, YMap):
            self.error("E103", f"'defaults' maps op names to arguments, got {_describe(node)}",
                       node.span)
            return
        for key, value in node.items:
            found = lookup(str(key.value))
            if found is None:
                self.error("E104", f"unknown op '{key.text}' in defaults", key.span,
                           did_you_mean(key.text, names()))
                continue
            spec = found[0]
            if not isinstance(value, YMap):
                self.error("E103", f"defaults for '{key.text}' must be a mapping of "
                           f"arguments, got {_describe(value)}", value.span)
                continue
            args = self.defaults.setdefault(spec.name, {})
            for arg_key, arg_value in value.items:
                if spec.arg(str(arg_key.value)) is None:
                    self.error("E105", f"{spec.name} has no argument '{arg_key.text}'",
                               arg_key.span, self._arg_hint(spec, arg_key.text))
                    continue
                with contextlib.suppress(_Invalid):  # reported; the default stays unset
                    args[str(arg_key.value)] = Value(self._plain(arg_value), arg_value.span)

    def _blocks(self, node: YNode | None) -> None:
        if node is None:
            return
        if not isinstance(node, YMap):
            self.error("E103", f"'blocks' maps block names to definitions, got "
                       f"{_describe(node)}", node.span)
            return
        for key, body in node.items:
            name = str(key.value)
            if not _IDENT.match(name):
                self.error("E108", f"block name '{key.text}' is not a name", key.span,
                           "use letters, digits and _")
                continue
            if lookup(name) is not None or name in REFS:
                self.error("E108", f"block name '{name}' is already the name of an op",
                           key.span, "rename the block")
                continue
            block = self._block(name, key, body)
            if block is not None:
                self.blocks[name] = block
            else:  # reported; calls to it are skipped quietly
                self.broken_blocks.add(name)
        self._check_recursion()

    def _block(self, name: str, key: YScalar, body: YNode) -> Block | None:
        if not isinstance(body, YMap):
            self.error("E103", f"block '{name}' must be a mapping with `layers:` (and "
                       f"optionally `params:`), got {_describe(body)}", body.span)
            return None
        for k, _ in body.items:
            if k.value not in ("params", "layers"):
                self.error("E101", f"unknown key '{k.text}' in block '{name}'", k.span,
                           did_you_mean(k.text, ("params", "layers"))
                           or "a block has `params` and `layers`")
        params: list[tuple[str, Any, Span]] = []
        declared = body.get("params")
        if declared is not None:
            if not isinstance(declared, YSeq):
                self.error("E103", f"params of '{name}' must be a list such as [out, k=1], "
                           f"got {_describe(declared)}", declared.span)
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
        return Block(name, params, list(layers.items), key.span)

    def _param(self, item: YNode, params: list[tuple[str, Any, Span]]
               ) -> tuple[str, Any, Span] | None:
        if not isinstance(item, YScalar) or not isinstance(item.value, str):
            self.error("E103", f"a block parameter is a name or name=default, got "
                       f"{_describe(item)}", item.span)
            return None
        pname, eq, default_text = item.value.partition("=")
        pname = pname.strip()
        default: Any = type_scalar(default_text.strip()) if eq else REQUIRED
        if not _IDENT.match(pname):
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

    def _check_recursion(self) -> None:
        """A block that calls itself, directly or through others, can never finish."""
        calls = {name: [(c, span) for c, span in self._calls(block) if c in self.blocks]
                 for name, block in self.blocks.items()}
        state: dict[str, int] = {}  # 1 visiting, 2 done
        for start in self.blocks:
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
                    for n in cycle:
                        self.blocks[n].broken = True
                elif not state.get(callee):
                    state[callee] = 1
                    stack.append((callee, iter(calls[callee])))

    @staticmethod
    def _calls(block: Block) -> Iterator[tuple[str, Span]]:
        for layer in block.layers:
            if isinstance(layer, YScalar) and isinstance(layer.value, str):
                yield layer.value, layer.span
            elif isinstance(layer, YMap):
                for key, _ in layer.items:
                    if key.value not in META:
                        yield str(key.value), key.span

    def _size(self, block: Block, env: dict[str, Any], depth: int = 0) -> int:
        """How many layer entries one call of `block` visits, at least, when its parameters
        have the values `env` (those known without expanding: literals, and `$name` or
        `$(expr)` of known ones). Repeats counted this way, literal or parameterised, let
        nested fan-out be refused before it is walked."""
        # typed: true and 1 are equal keys, but not the same `when`
        key = (block.name, tuple((k, type(v), v) for k, v in env.items())
               if len(self.sizes) < _SIZE_MEMO else ())
        if key in self.sizes:
            return self.sizes[key]
        if not key[1]:
            env = {}
        self.sizes[key] = 1  # provisional: a recursive block is reported elsewhere
        total = 0
        for layer in block.layers:
            total += 1
            if isinstance(layer, YScalar):
                callee, value, when, count = self.blocks.get(str(layer.value)), None, None, None
            elif isinstance(layer, YMap):
                op = next(((k, v) for k, v in layer.items if k.value not in META), None)
                callee = self.blocks.get(str(op[0].value)) if op is not None else None
                value, when, count = op[1] if op else None, layer.get("when"), layer.get("repeat")
            else:
                continue
            # op copies are nodes, bounded by the node limit as they are made
            if callee is None or self._static(when, env) is False:
                continue
            repeat = self._static(count, env)
            if not isinstance(repeat, int) or isinstance(repeat, bool) or repeat < 1:
                repeat = 1
            inner = 1 if depth >= MAX_CALL_DEPTH else self._size(
                callee, self._static_args(callee, value, env), depth + 1)
            total = min(total + repeat * inner, MAX_INT)  # compared with the limit only
        self.sizes[key] = total
        return total

    def _static(self, node: YNode | None, env: dict[str, Any]) -> Any:
        """A scalar's value when it is known before expansion (None when it is not)."""
        if not isinstance(node, YScalar):
            return None
        text = node.value
        if not isinstance(text, str) or not text.startswith("$"):
            return text
        match = _PARAM_REF.match(text)
        if match:
            return env.get(match.group(1))
        if text.startswith("$(") and text.endswith(")") and not _IN_NAMES.search(text):
            from .expr import ExprError, evaluate

            with contextlib.suppress(ExprError):
                return evaluate(text[2:-1], env)
        return None

    def _static_args(self, block: Block, value: YNode | None, env: dict[str, Any]
                     ) -> dict[str, Any]:
        """The parameters of a call of `block` with `value`, as far as `_static` knows them
        (plain values only: they key a memo)."""
        args = {name: default for name, default, _ in block.params if default is not REQUIRED}
        names_ = [name for name, _, _ in block.params]
        if isinstance(value, YMap):
            given = [(str(k.value), v) for k, v in value.items]
        elif isinstance(value, YSeq):
            given = list(zip(names_, value.items))
        elif value is not None and not (isinstance(value, YScalar) and value.value is None):
            given = list(zip(names_, [value]))
        else:
            given = []
        for name, item in given:
            args[name] = self._static(item, env)
        return {k: v for k, v in args.items() if isinstance(v, (int, float, str))}

    def _network_expect(self, node: YNode | None, output: int) -> None:
        if node is None:
            return
        if not isinstance(node, YMap):
            self.error("E103", f"'expect' must be a mapping such as {{params: 61100840}}, got "
                       f"{_describe(node)}", node.span)
            return
        figures = self._figures(node, NET_EXPECT, "output", Scope(prefix=(), inp=0))
        everything = tuple(range(len(self.nodes)))
        self.expects.append(ShapeExpect(everything, output, figures, "network", node.span))

    def _figures(self, node: YMap, keys: tuple[str, ...], shape_key: str,
                 scope: Scope) -> tuple[tuple[str, Any, Span], ...]:
        figures = []
        for key, value in node.items:
            if key.value not in keys:
                self.error("E105", f"cannot expect '{key.text}'", key.span,
                           did_you_mean(key.text, keys) or f"expect one of: {', '.join(keys)}")
                continue
            try:
                resolved = self._plain(value, scope)
            except (_Invalid, _Skip):
                continue
            if key.value == shape_key:
                ok = isinstance(resolved, list) and all(
                    isinstance(v, int) and not isinstance(v, bool) for v in resolved)
                if not ok:
                    self.error("E103", f"an expected shape is a list of sizes such as "
                               f"[64, 56, 56], got {_describe(value)}", value.span)
                    continue
                resolved = tuple(resolved)
            elif isinstance(resolved, bool) or not isinstance(resolved, int):
                self.error("E103", f"expected {key.text} must be an integer, got "
                           f"{_describe(value)}", value.span)
                continue
            figures.append((str(key.value), resolved, key.span))
        return tuple(figures)

    def _spend(self, units: int, span: Span) -> None:
        """Count `units` of work against the expansion's budget (limits.WORK_PER_LAYER per
        allowed layer): what the layer count alone does not bound, such as long paths of
        deeply nested calls and large values read again at every call."""
        self.work += units
        if self.work > self.work_limit:
            self.error("E116", f"expanding the network takes more than {self.work_limit:,} "
                       "units of work (layers' nesting depth and the items of values read at "
                       "each call)", span, "flatten deeply nested blocks and shorten values "
                       "read in repeated blocks, or raise the limit with --max-layers")
            raise _TooLarge()

    def _suggest(self, word: str, choices: Collection[str] | Callable[[], Collection[str]],
                 kind: str | None = None, size: int = 0) -> str | None:
        """did_you_mean within a budget: a file can repeat one mistake thousands of times
        against thousands of names, and each comparison costs microseconds. Remembered by
        `kind` when the names of that kind are fixed (ops and blocks), else by the names.
        Long lists of names come as a function and their `size`: made only within budget."""
        if kind and (word, kind) in self.suggested:
            return self.suggested[word, kind]
        if callable(choices):
            self.suggest_budget -= size
            if self.suggest_budget < 0:
                return None
            choices = choices()
        key = (word, kind) if kind else (word, tuple(choices)) if len(choices) <= 64 else None
        if key in self.suggested:
            return self.suggested[key]
        self.suggest_budget -= len(choices)
        hint = did_you_mean(word, choices) if self.suggest_budget >= 0 else None
        if key is not None:
            self.suggested[key] = hint
        return hint

    # ------------------------------------------------------------ values

    def _plain(self, node: YNode, scope: Scope | None = None) -> Any:
        """The Python value of `node`, `$` references resolved, size-bounded against aliases."""
        if isinstance(node, YScalar):  # most values: no walk, no budget
            return self._scalar_value(node, scope)
        budget = [MAX_VALUE_ITEMS]

        def walk(n: YNode, depth: int) -> Any:
            budget[0] -= 1
            if budget[0] < 0:
                raise self.fail("E116", f"this value has more than {MAX_VALUE_ITEMS} items",
                                node.span, "arguments are numbers or short lists")
            if isinstance(n, YScalar):
                return self._scalar_value(n, scope)
            if depth >= MAX_VALUE_DEPTH:  # the walk recurses: bounded well inside the stack
                raise self.fail("E119", f"this value nests lists or mappings more than "
                                f"{MAX_VALUE_DEPTH} levels deep", n.span,
                                "arguments are numbers or short lists",
                                scope.prefix if scope else None)
            if isinstance(n, YSeq):
                return [walk(item, depth + 1) for item in n.items]
            return {str(k.value): walk(v, depth + 1) for k, v in n.items}

        value = walk(node, 0)
        # a value re-read at every visit (a block body's) costs its items each time
        self._spend(MAX_VALUE_ITEMS - budget[0], node.span)
        return value

    def _scalar_value(self, node: YScalar, scope: Scope | None) -> Any:
        text = node.value
        if node.quoted and not (isinstance(text, str) and text.startswith("$")):
            return text
        if not isinstance(text, str) or not text.startswith("$"):
            return text
        if text.startswith("$("):
            return self._expression(node, text, scope)
        match = _PARAM_REF.match(text)
        if not match:
            raise self.fail("E112", f"'{text}' is neither $name nor $(expression)", node.span,
                            "write $name for a parameter or $(...) for an expression",
                            scope.prefix if scope else None)
        name = match.group(1)
        if scope is None or name not in scope.params:
            raise self.fail("E117", f"unknown parameter ${name}", node.span,
                            self._param_hint(name, scope), scope.prefix if scope else None)
        return scope.params[name].value

    def _param_hint(self, name: str, scope: Scope | None) -> str:
        if scope is None or not scope.calls:
            return "$name refers to a block parameter; there are none outside blocks"
        known = list(scope.params)
        return (self._suggest(name, known)
                or f"the parameters of '{scope.calls[-1]}' are: {_listing(known) or 'none'}")

    def _expression(self, node: YScalar, text: str, scope: Scope | None) -> Any:
        from .expr import ExprError, evaluate  # `ast` costs an import only files with $(...)

        if not text.endswith(")") or text.count("(") != text.count(")"):
            raise self.fail("E112", f"unbalanced parentheses in '{text}'", node.span,
                            "quote the expression: YAML splits an unquoted $(...) at commas "
                            "in [..] and {..} — write \"$(max(a, b))\"",
                            scope.prefix if scope else None)
        body = text[2:-1]
        env: dict[str, Any] = {} if scope is None else {
            k: v.value for k, v in scope.params.items()}
        if scope is not None and _IN_NAMES.search(body):
            shape = self._shape(scope.inp)
            if shape is None:
                raise _Skip()
            env.update(_input_names(shape))
        try:
            return evaluate(body, env)
        except ExprError as exc:
            hint = exc.hint
            if hint is None and "name" in exc.message:
                hint = f"names here: {_listing(env) or 'none'}"
            raise self.fail("E112", f"in $({body}): {exc.message}", node.span, hint,
                            scope.prefix if scope else None) from None

    def _shape(self, ref: int) -> Shape | None:
        return None if ref < 0 else self.shapes[ref]

    # ------------------------------------------------------------ layers

    def _body(self, layers: list[YNode] | tuple[YNode, ...], scope: Scope) -> None:
        for entry in layers:
            if isinstance(entry, YMap):
                node = entry.get("id")
                if isinstance(node, YScalar) and isinstance(node.value, str):
                    scope.declared.setdefault(node.value, node.span)
        for entry in layers:
            self._layer(entry, scope)

    def _layer(self, entry: YNode, scope: Scope) -> None:
        self.visited += 1
        if self.visited > 2 * self.max_layers:
            self.error("E116", f"expanding the network visits more than {2 * self.max_layers:,} "
                       "layer entries", entry.span, "lower `repeat` counts, or raise the limit "
                       "with --max-layers")
            raise _TooLarge()
        try:
            scope.prev = self._layer_output(entry, scope)
        except (_Invalid, _Skip):  # reported (or upstream failed): what follows is skipped
            scope.prev = POISON

    def _form(self, entry: YNode) -> tuple[YScalar, YNode | None, dict[str, YNode]]:
        """(op key, its value, meta keys) of a layer entry: a bare name, or one op key plus
        meta keys. Entries inside repeated blocks are read once (`self.forms`)."""
        meta: dict[str, YNode] = {}
        if isinstance(entry, YScalar) and isinstance(entry.value, str):
            return entry, None, meta
        if isinstance(entry, YMap):
            op_keys = [(k, v) for k, v in entry.items if k.value not in META]
            meta = {str(k.value): v for k, v in entry.items if k.value in META}
            if len(op_keys) != 1:
                raise self._op_key_error(entry, op_keys)
            return op_keys[0][0], op_keys[0][1], meta
        raise self.fail("E114", f"a layer is an op name or a mapping such as "
                        f"{{conv: {{out_channels: 64, kernel_size: 3}}}}, got "
                        f"{_describe(entry)}", entry.span)

    def _layer_output(self, entry: YNode, scope: Scope) -> int:
        form = self.forms.get(id(entry))  # the entry lives as long as the expansion
        if form is None:
            form = self.forms[id(entry)] = self._form(entry)
        op_key, value, meta = form
        name = str(op_key.value)
        block = self.blocks.get(name)
        found = lookup(name) if block is None else None
        if block is None and found is None:
            if name in self.broken_blocks:
                raise _Skip()
            raise self.fail("E104", f"unknown op or block '{op_key.text}'", op_key.span,
                            self._suggest(name, lambda: [*names(), *self.blocks], "op",
                                          len(self.blocks))
                            or "`cnncalc ops` lists the ops")
        canonical = block.name if block else found[0].name  # type: ignore[index]
        scope.counters[canonical] = scope.counters.get(canonical, 0) + 1
        label = self._id(meta.get("id"), scope) or self._auto_name(canonical, scope)
        path = (*scope.prefix, label)
        id_node = meta.get("id")
        layer_id = str(id_node.value) if isinstance(id_node, YScalar) else None

        # -- meta keys (all validated, whatever happens after)
        when = self._when(meta.get("when"), scope)
        repeat = self._repeat(meta.get("repeat"), scope)
        spec = found[0] if found else None
        if spec is not None and spec.multi_input:
            for key in ("from", "repeat"):
                if key in meta:
                    raise self.fail("E114", f"'{key}' does not apply to {spec.name}: a merge "
                                    "takes its inputs from its list", meta[key].span)
        first = meta.get("first")
        if first is not None and "repeat" not in meta:
            raise self.fail("E114", "'first' overrides the first copy of a `repeat`; this "
                            "layer has no repeat", first.span, "add `repeat: N` or remove first")
        source = self._ref_meta(meta.get("from"), scope)
        start = len(self.nodes)

        if block is not None:
            out = self._call_block(block, op_key, value, first, source, repeat, when, path,
                                   scope)
        else:
            assert found is not None
            out = self._call_op(found[0], found[1], op_key, value, first, source, repeat, when,
                                path, scope)
        if layer_id is not None:
            scope.ids[layer_id] = out
        expect = meta.get("expect")
        if expect is not None:
            self._spend(len(self.nodes) - start, expect.span)  # the nodes it covers, listed
            self._layer_expect(expect, tuple(range(start, len(self.nodes))), out, path, scope)
        return out

    @staticmethod
    def _auto_name(canonical: str, scope: Scope) -> str:
        """conv1, relu2; a name ending in a digit gets a separator (conv3x3_1); numbers an id
        in this scope already uses are skipped, so every path names one layer."""
        sep = "_" if canonical[-1].isdigit() else ""
        while True:
            label = f"{canonical}{sep}{scope.counters[canonical]}"
            if label not in scope.declared:
                return label
            scope.counters[canonical] += 1

    def _op_key_error(self, entry: YMap, op_keys: list[tuple[YScalar, YNode]]) -> _Invalid:
        if not op_keys:
            return self.fail("E114", "this layer has no op: only meta keys ("
                             + ", ".join(str(k.value) for k, _ in entry.items) + ")",
                             entry.span, "add the op, e.g. `conv: {...}`")
        known = [k for k, _ in op_keys if lookup(str(k.value)) or k.value in self.blocks]
        if len(known) == 1:
            stray = next(k for k, _ in op_keys if k is not known[0])
            return self.fail("E114", f"'{stray.text}' is not a meta key, and a layer has one "
                             f"op ('{known[0].text}')", stray.span,
                             did_you_mean(stray.text, META)
                             or f"meta keys are: {', '.join(META)}; op arguments go inside "
                             f"`{known[0].text}: {{...}}`")
        listed = _listing([f"'{k.text}'" for k, _ in op_keys])
        return self.fail("E114", f"a layer has exactly one op, found {listed}", op_keys[1][0].span,
                         "split them into separate list entries (`- ...`)")

    def _id(self, node: YNode | None, scope: Scope) -> str | None:
        if node is None:
            return None
        if not isinstance(node, YScalar) or not isinstance(node.value, str) or not _IDENT.match(
                node.value):
            raise self.fail("E108", f"an id is a name (letters, digits, _), got "
                            f"{_describe(node)}", node.span)
        name = node.value
        if name in REFS:
            raise self.fail("E108", f"'{name}' is reserved (it means "
                            f"{_REF_MEANING[name]})", node.span, "choose another id")
        if name in scope.id_spans:
            first = scope.id_spans[name]
            raise self.fail("E110", f"id '{name}' is already used at line {first.line}",
                            node.span, "give each layer in a scope its own id")
        scope.id_spans[name] = node.span
        return name

    def _when(self, node: YNode | None, scope: Scope) -> bool:
        if node is None:
            return True
        value = self._plain(node, scope)
        if not isinstance(value, bool):
            hint = ("cnncalc reads YAML 1.2: write true or false"
                    if isinstance(value, str) and value.lower() in ("yes", "no", "on", "off")
                    else None)
            raise self.fail("E103", f"when must be true or false, got {describe_value(value)}",
                            node.span, hint)
        return value

    def _repeat(self, node: YNode | None, scope: Scope) -> int | None:
        if node is None:
            return None
        value = self._plain(node, scope)
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            raise self.fail("E108", f"repeat must be an integer >= 1, got "
                            f"{describe_value(value)}", node.span)
        if len(self.nodes) + value > self.max_layers:
            self.error("E116", f"repeat {short_int(value)} would expand past the limit of "
                       f"{self.max_layers:,} layers", node.span,
                       "lower the repeat count, or raise the limit with --max-layers")
            raise _TooLarge()
        return value

    def _ref_meta(self, node: YNode | None, scope: Scope) -> int:
        if node is None:
            return scope.prev
        value = self._plain(node, scope)
        if not isinstance(value, str):
            raise self.fail("E103", f"from names an earlier layer's id, got "
                            f"{describe_value(value)}", node.span)
        return self._ref(value, node.span, scope)

    def _ref(self, name: str, span: Span, scope: Scope) -> int:
        if name == "prev":
            ref = scope.prev
        elif name == "in":
            if not scope.calls:
                raise self.fail("E109", "'in' means a block's input; at the top level the "
                                "network input is 'input'", span, "write 'input'")
            ref = scope.inp
        elif name == "input":
            ref = 0
        elif name in scope.ids:
            ref = scope.ids[name]
        elif name in scope.id_spans:  # its layer failed and was reported
            raise _Skip()
        elif name in scope.declared:
            later = scope.declared[name]
            raise self.fail("E109", f"id '{name}' is defined later (line {later.line}); a "
                            "layer can only take earlier outputs", span,
                            "move the layer after it, or refer to an earlier id")
        else:
            where = "this block" if scope.calls else "the file"
            raise self.fail("E109", f"no layer with id '{name}' in {where}", span,
                            self._suggest(name, lambda: [*scope.ids, *REFS], None,
                                          len(scope.ids))
                            or (f"ids here: {_listing(scope.ids)}" if scope.ids else
                                "give the layer you mean an `id:`"))
        if ref < 0:
            raise _Skip()
        return ref

    # ------------------------------------------------------------ ops

    def _call_op(self, spec: OpSpec, rank: int | None, op_key: YScalar, value: YNode | None,
                 first: YNode | None, source: int, repeat: int | None, when: bool,
                 path: tuple[str, ...], scope: Scope) -> int:
        known = spec.by_name.__contains__

        def hint(name: str) -> str | None:
            return self._arg_hint(spec, name)

        given = self._bind(value, op_key, scope, spec.name, spec.by_name.keys(), spec.list_arg,
                           known, hint)
        overrides = self._bind_first(first, scope, spec.name, known, hint)
        defaults = self.defaults.get(spec.name)
        base = self._check_args(spec, {**defaults, **given} if defaults else given, op_key,
                                path)
        copy0 = self._check_args(spec, {**(defaults or {}), **given, **overrides}, op_key,
                                 path) if overrides else base
        if spec.multi_input:
            span = base[1].get("inputs", op_key.span)  # written here, or in defaults
            inputs = tuple(self._ref(name, span, scope) for name in base[0]["inputs"])
            if not when:
                return inputs[0]
            return self._emit(spec, rank, *base, inputs, path, op_key.span)
        if not when:
            return source
        if repeat is not None:
            self._group(path, f"{spec.name} x{repeat}")
        out = source
        for i in range(repeat or 1):
            args, spans = copy0 if i == 0 else base
            copy_path = (*path, f"[{i}]") if repeat is not None else path
            if out < 0 or self.shapes[out] is None:
                raise _Skip()
            out = self._emit(spec, rank, args, spans, (out,), copy_path, op_key.span)
        return out

    def _bind(self, value: YNode | None, op_key: YScalar, scope: Scope, what: str,
              positional: Collection[str], list_arg: str | None, known: Callable[[str], bool],
              hint: Callable[[str], str | None], unknown: str = "E105") -> dict[str, Value]:
        """A layer's value as named arguments: mapping = keywords, list = positional (or the
        list argument of a merge), scalar = the first positional."""
        if value is None or (isinstance(value, YScalar) and value.value is None
                             and not value.quoted):
            return {}
        # a value without `$` binds the same way every time: read again (a repeated block's
        # body), its binding is kept; a flat file's entries are read once and keep nothing
        key = (id(value), what)  # the value lives as long as the expansion; `what` names the op
        read_before = key in self.bound
        kept = self.bound.get(key)
        if kept is not None:
            return kept
        reported = len(self.diagnostics)
        bound = self._bind_value(value, op_key, scope, what, positional, list_arg, known, hint,
                                 unknown)
        if not read_before:
            self.bound[key] = None
        elif len(self.diagnostics) == reported and self._literal(value):
            self.bound[key] = bound
        return bound

    def _literal(self, node: YNode) -> bool:
        """Whether no `$name` or `$(expr)` is written in `node` (a value `_plain` has read,
        so of bounded size)."""
        if id(node) not in self.literal:
            literal, stack = True, [node]
            while stack and literal:
                n = stack.pop()
                if isinstance(n, YScalar):
                    literal = not (isinstance(n.value, str) and n.value.startswith("$"))
                else:
                    stack.extend(n.items if isinstance(n, YSeq) else [v for _, v in n.items])
            self.literal[id(node)] = literal
        return self.literal[id(node)]

    def _bind_value(self, value: YNode, op_key: YScalar, scope: Scope, what: str,
                    positional: Collection[str], list_arg: str | None, known: Callable[[str], bool],
                    hint: Callable[[str], str | None], unknown: str) -> dict[str, Value]:
        if isinstance(value, YMap):
            bound = {}
            for key, item in value.items:
                name = str(key.value)
                if not known(name):
                    noun = "parameter" if unknown == "E113" else "argument"
                    self.error(unknown, f"{what} has no {noun} '{key.text}'", key.span,
                               hint(name))
                    continue
                bound[name] = Value(self._plain(item, scope), item.span)
            return bound
        if isinstance(value, YSeq) and list_arg is not None:
            return {list_arg: Value(self._plain(value, scope), value.span)}
        items = list(value.items) if isinstance(value, YSeq) else [value]
        if len(items) > len(positional):
            extra = items[len(positional)]
            takes = (f"takes {len(positional)} positional argument"
                     f"{'s' if len(positional) != 1 else ''} ({_listing(positional)})"
                     if positional else "takes no arguments")
            raise self.fail("E106", f"{what} {takes}; got {len(items)}", extra.span,
                            "pass arguments by name in a mapping" if positional else
                            f"write `- {what}`")
        return {name: Value(self._plain(item, scope), item.span)
                for name, item in zip(positional, items)}

    def _bind_first(self, first: YNode | None, scope: Scope, what: str,
                    known: Callable[[str], bool], hint: Callable[[str], str | None],
                    unknown: str = "E105") -> dict[str, Value]:
        if first is None:
            return {}
        if not isinstance(first, YMap):
            raise self.fail("E103", f"first overrides arguments by name, e.g. {{stride: 2}}; "
                            f"got {_describe(first)}", first.span)
        return self._bind(first, YScalar("first", first.span), scope, what, [], None, known,
                          hint, unknown)

    def _arg_hint(self, spec: OpSpec, name: str) -> str | None:
        visible = [a.name for a in spec.args]
        return did_you_mean(name, visible) or (
            f"{spec.name} takes: {', '.join(visible)}" if visible else
            f"{spec.name} takes no arguments")

    def _check_args(self, spec: OpSpec, given: dict[str, Value], op_key: YScalar,
                    path: tuple[str, ...]) -> tuple[dict[str, Any], dict[str, Span]]:
        spans = {name: value.span for name, value in given.items()}
        # layers alike (the copies of a repeated block, a flat file's identical lines) are
        # validated once and share one arguments dict, which `_emit` memoizes shapes on; repr
        # keeps true, 1 and 1.0 apart
        key = (spec.name, *[(name, repr(value.value)) for name, value in given.items()])
        args = self.checked.get(key)
        if args is None:
            args = self._validate(spec, given, op_key, path)
            self.checked[key] = args
        return args, spans

    def _validate(self, spec: OpSpec, given: dict[str, Value], op_key: YScalar,
                  path: tuple[str, ...]) -> dict[str, Any]:
        args: dict[str, Any] = {}
        ok = True
        for arg in spec.args:
            if arg.name not in given:
                if arg.required:
                    self.error("E107", f"{spec.name} needs '{arg.name}'", op_key.span,
                               f"e.g. `{spec.name}: {{{arg.name}: ...}}`", path)
                    ok = False
                args[arg.name] = None if arg.required else arg.default
                continue
            value = given[arg.name]
            try:
                args[arg.name] = arg.type.check(
                    tuple(value.value) if isinstance(value.value, list) else value.value)
            except ArgError as exc:
                code = exc.code or ("E103" if exc.message.startswith("expected") else "E108")
                self.error(code, f"{arg.name}: {exc.message}", value.span, exc.hint, path)
                ok = False
        if not ok:
            raise _Invalid()
        return args

    def _emit(self, spec: OpSpec, rank: int | None, args: dict[str, Any],
              spans: dict[str, Span], inputs: tuple[int, ...], path: tuple[str, ...],
              span: Span) -> int:
        if len(self.nodes) >= self.max_layers:
            self.error("E116", f"the network expands past the limit of {self.max_layers:,} "
                       "layers", span, "lower `repeat` counts, or raise the limit with "
                       "--max-layers")
            raise _TooLarge()
        if POISON in inputs:
            raise _Skip()
        self._spend(len(path), span)  # a node's path and name are as long as its nesting
        node = Node(len(self.nodes), spec.name, path, args, inputs, span, spans, rank)
        self.nodes.append(node)
        # layers of one kind (passes.kind) have one shape: infer it once
        key = kind(node, self.shapes)
        shape = self.inferred.get(key)
        if shape is None:
            shape, diagnostic = infer(node, self.shapes, self.nodes)
            if diagnostic is not None:
                self.diagnostics.append(diagnostic)
            elif shape is not None:
                self.inferred[key] = shape
        self.shapes.append(shape)
        return node.index

    # ------------------------------------------------------------ blocks

    def _call_block(self, block: Block, op_key: YScalar, value: YNode | None,
                    first: YNode | None, source: int, repeat: int | None, when: bool,
                    path: tuple[str, ...], scope: Scope) -> int:
        if block.broken or block.name in scope.calls:
            raise _Skip()  # reported once at the recursive call
        if len(scope.calls) >= MAX_CALL_DEPTH:  # expansion recurses once per level
            raise self.fail("E119", f"block calls nest more than {MAX_CALL_DEPTH} levels deep "
                            f"here ({' -> '.join(scope.calls[:3])} -> ... -> {block.name})",
                            op_key.span, "call fewer blocks inside blocks", scope.prefix)
        param_names = [p[0] for p in block.params]

        def hint(n: str) -> str | None:
            return self._suggest(n, param_names) or (
                f"the parameters of '{block.name}' are: {_listing(param_names)}"
                if param_names else f"block '{block.name}' has no parameters")

        given = self._bind(value, op_key, scope, f"block '{block.name}'", param_names, None,
                           lambda n: n in param_names, hint, "E113")
        overrides = self._bind_first(first, scope, f"block '{block.name}'",
                                     lambda n: n in param_names, hint, "E113")
        missing = [p for p, default, _ in block.params if default is REQUIRED and p not in given]
        if missing:
            raise self.fail("E107", f"block '{block.name}' needs "
                            f"{_listing([repr(m) for m in missing])}",
                            op_key.span, f"e.g. `{block.name}: {{{missing[0]}: ...}}`", path)
        if not when:
            return source
        # the copies' visits with their parameters' values, the first with its overrides
        params = {p: default for p, default, _ in block.params if default is not REQUIRED}
        params.update((p, v.value) for p, v in given.items())
        first_copy = {**params, **{p: v.value for p, v in overrides.items()}}
        visits = self.visited + self._size(block, _plain_values(first_copy)) + (
            (repeat or 1) - 1) * self._size(block, _plain_values(params))
        if visits > 2 * self.max_layers:
            self.error("E116", f"this call would visit at least {visits:,} layer entries, past "
                       f"the limit of {2 * self.max_layers:,}", op_key.span,
                       "lower `repeat` counts, or raise the limit with --max-layers")
            raise _TooLarge()
        self._group(path, block.name if repeat is None else f"{block.name} x{repeat}")
        out = source
        for i in range(repeat or 1):
            bound = {p: Value(default, span) for p, default, span in block.params}
            bound.update(given)
            if i == 0:
                bound.update(overrides)
            copy_path = (*path, f"[{i}]") if repeat is not None else path
            if copy_path not in self.groups:
                self._group(copy_path, block.name)
            if out < 0:
                raise _Skip()
            out = self._expand_call(block, bound, copy_path, out, scope)
        return out

    def _expand_call(self, block: Block, bound: dict[str, Value], prefix: tuple[str, ...],
                     inp: int, scope: Scope) -> int:
        """One call of `block` on node `inp`, under path `prefix`; returns its output node.

        A call alike an earlier one (same block, parameter values, input shape and callers)
        makes the same nodes, so it is replayed from the first under its own prefix instead of
        expanded entry by entry: the copies of a repeat cost what making their nodes costs.
        Only calls that went cleanly are recorded (no diagnostic, no `expect:`, every shape
        known), from the second alike on (most calls in a zoo network are one of a kind), and a
        replay that would cross a size limit expands instead, to report it.
        """
        calls = (*scope.calls, block.name)
        key = (calls, tuple((p, repr(v.value)) for p, v in bound.items()), self.shapes[inp])
        recorded = self.recorded.get(key) if inp > 0 else None
        if recorded is not None and (
                len(self.nodes) + len(recorded.nodes) <= self.max_layers
                and self.visited + recorded.visited <= 2 * self.max_layers):
            return self._replay(recorded, prefix, inp)
        start, visited = len(self.nodes), self.visited
        reported, expects = len(self.diagnostics), len(self.expects)
        groups = len(self.group_paths)
        inner = Scope(prefix=prefix, inp=inp, params=bound, calls=calls)
        self._body(block.layers, inner)
        if (inp > 0 and len(self.diagnostics) == reported and len(self.expects) == expects
                and (inner.prev == inp or inner.prev >= start)
                and all(s is not None for s in self.shapes[start:])):
            if key in self.recorded:  # seen before: worth recording
                self.recorded[key] = self._record(start, inp, prefix, inner.prev,
                                                  self.visited - visited, groups)
            else:
                self.recorded[key] = None
        return inner.prev

    def _group(self, path: tuple[str, ...], label: str) -> None:
        """Name the block call or repeat at `path` (`groups`), keeping `group_paths` in step."""
        if path not in self.groups:
            self.group_paths.append(path)
        self.groups[path] = label

    def _record(self, start: int, inp: int, prefix: tuple[str, ...], out: int, visited: int,
                groups: int) -> Call:
        def where(i: int) -> int:  # in the call: its offset; the call's input -1, the net's -2
            return i - start if i >= start else -1 if i == inp else -2

        n = len(prefix)
        nodes = [(node.op, node.path[n:], node.args, tuple(map(where, node.inputs)), node.span,
                  node.arg_spans, node.rank, self.shapes[node.index])
                 for node in self.nodes[start:]]
        made = [(path[n:], self.groups[path]) for path in self.group_paths[groups:]]
        return Call(nodes, where(out), visited, made, sum(len(node[1]) for node in nodes))

    def _replay(self, call: Call, prefix: tuple[str, ...], inp: int) -> int:
        if call.nodes:
            self._spend(call.parts + len(prefix) * len(call.nodes), call.nodes[0][4])
        start = len(self.nodes)
        places = (inp, 0)  # where -1 and -2 point

        def at(offset: int) -> int:
            return start + offset if offset >= 0 else places[-1 - offset]

        for op, path, args, inputs, span, spans, rank, shape in call.nodes:
            self.nodes.append(Node(len(self.nodes), op, prefix + path, args,
                                   tuple(map(at, inputs)), span, spans, rank))
            self.shapes.append(shape)
        for path, label in call.groups:
            self._group(prefix + path, label)
        self.visited += call.visited
        return at(call.out)

    # ------------------------------------------------------------ expectations

    def _layer_expect(self, node: YNode, covered: tuple[int, ...], out: int,
                      path: tuple[str, ...], scope: Scope) -> None:
        if isinstance(node, YSeq):
            node = YMap(((YScalar("shape", node.span), node),), node.span)
        if not isinstance(node, YMap):
            self.error("E103", f"expect is a shape such as [96, 55, 55] or a mapping "
                       f"{{shape: [...], params: N}}, got {_describe(node)}", node.span)
            return
        figures = self._figures(node, LAYER_EXPECT, "shape", scope)
        if out >= 0:
            self.expects.append(ShapeExpect(covered, out, figures, path_str(path), node.span))


_REF_MEANING = {"prev": "the previous layer", "in": "a block's input",
                "input": "the network input"}


def _plain_values(params: dict[str, Any]) -> dict[str, Any]:
    """The parameters `_Expander._size` can key on: numbers and text."""
    return {k: v for k, v in params.items() if isinstance(v, (int, float, str))}


def _listing(items: Collection[str], limit: int = 10) -> str:
    """`a, b, c`; a long list cut to its first `limit` items and its length (a message must
    not grow with the file: a mistake can be reported once per call)."""
    shown = ", ".join(itertools.islice(items, limit))
    return shown if len(items) <= limit else f"{shown}, ... ({len(items):,} in all)"


def _input_names(shape: Shape) -> dict[str, int]:
    """`in_c`, `in_h`, ... for `$(expr)`: the block input's shape."""
    axes = {0: ("c",), 1: ("c", "l"), 2: ("c", "h", "w"), 3: ("c", "d", "h", "w")}
    letters = axes.get(len(shape) - 1, ("c",) if len(shape) == 1 else ())
    return {f"in_{a}": d for a, d in zip(letters, shape)}

"""Declarations: everything about an architecture file that needs no input shape.

`declare(root)` checks the top level (its keys, `cnncalc:`, `name`, `batch`, `dtype`, `input`),
reads `defaults:` and `blocks:` (names, parameters and their defaults, calls of a block to
itself) and finds `layers:`, reporting each problem where it was written. The result,
`Declarations`, is what the expander instantiates into the graph for one input shape.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Collection, Iterator, Mapping
from typing import TYPE_CHECKING, Any

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
    VERSIONS,
)
from .frozen import frozen
from .graph import Shape, from_layout
from .include import Origin, beside, identity
from .include import read as read_included
from .limits import MAX_INCLUDE_DEPTH, MAX_INCLUDED_FILES, MAX_INT
from .loader import YMap, YNode, YScalar, YSeq, type_scalar
from .ops import lookup, names
from .ops.base import REQUIRED, TOO_LARGE_HINT, ArgError, quote, short_int
from .source import Source, Span
from .values import (
    IDENT,
    PARAM_REF,
    POISON,
    Invalid,
    Reader,
    Scope,
    Skip,
    TooLarge,
    Value,
    arg_hint,
    describe,
    listing,
)

if TYPE_CHECKING:
    from .replay import Shared

Param = tuple[str, Any, Span]  # (name, default or REQUIRED, where it is declared)
Let = tuple[tuple[YScalar, YNode], ...]  # `let:` entries in order: (name, value)
MAX_SET_TEXT = 256  # characters of one file parameter's value: a number, a flag, a short name


def parse_set(text: str) -> tuple[str, Any]:
    """`--set name=value`: the name and the value read as a YAML scalar (`0.5`, `true`,
    `relu`, `'text'`); ValueError saying what is wrong (the caller escapes it)."""
    from .diagnostics import FatalError
    from .loader import load
    from .source import Source

    name, eq, value = text.partition("=")
    name = name.strip()
    if not eq or not IDENT.match(name):
        raise ValueError(f"'{text[:40]}' is not NAME=VALUE (e.g. width=0.5)")
    if len(value) > MAX_SET_TEXT:
        raise ValueError(f"the value of {name} has {len(value):,} characters; a parameter is a "
                         f"number, a boolean or a short text (at most {MAX_SET_TEXT})")
    try:
        node, _ = load(Source("--set", value.strip() or "null"))
    except FatalError as exc:
        raise ValueError(f"the value of {name} is not YAML: {exc.diagnostic.message}") from None
    if not isinstance(node, YScalar):
        raise ValueError(f"the value of {name} must be a number, a boolean or a text, "
                         f"got {describe(node)}")
    return name, node.value


def _bad_value(value: Any) -> tuple[str, str] | None:
    """(code, why) when `value` cannot be a file parameter's value."""
    if isinstance(value, float) and not math.isfinite(value):
        return "E123", f"{value} is not a finite number"
    if isinstance(value, int) and not isinstance(value, bool) and abs(value) > MAX_INT:
        return "E118", f"{short_int(value)} is larger than PyTorch's sizes allow (2^63 - 1)"
    if isinstance(value, str) and len(value) > MAX_SET_TEXT:
        return "E123", f"a text of {len(value):,} characters (at most {MAX_SET_TEXT})"
    if not isinstance(value, (bool, int, float, str)) and value is not None:
        return "E123", f"{type(value).__name__} is not a number, a boolean or a text"
    return None


@frozen
class Block:
    """A block of `blocks:`: its parameters in order and the layer entries of its body."""

    name: str
    params: tuple[Param, ...]
    layers: tuple[YNode, ...]
    span: Span
    broken: bool = False  # calls itself: reported once at the definition
    let: Let = ()  # local names, evaluated at each call after the parameters
    local: bool = True  # defined in the file itself (not included): sees its file parameters
    entry: Span | None = None  # included: the `include:` entry that brought it in


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
    params: dict[str, Value] = dataclasses.field(default_factory=dict)  # file parameters
    changed: tuple[str, ...] = ()  # the file parameters whose value is not the default
    let: Let = ()  # the top level's local names
    version: str | None = None  # `cnncalc:` as written (1, 1.1), None when absent
    library: tuple[str, ...] | None = None  # a block library (no `layers:`): its blocks
    sources: tuple[Source, ...] = ()  # the included files' text, for diagnostics to quote
    # an `include` failed (reported): a call of a block it may have defined is skipped quietly
    unresolved: bool = False
    layout: str = "chw"  # how the file writes shapes (`layout:`)


def declare(root: YNode, stem: str, input_override: Shape | None = None,
            max_layers: int = 1, params: Mapping[str, Any] | None = None,
            origin: Origin | None = None, input_layout: str | None = "chw",
            shared: Shared | None = None) -> Declarations:
    """Check `root`, the file's node tree; `stem` names a network without `name:`; `params`
    sets file parameters (`--set`); `origin` is where the file is, for its `include:`.
    `input_layout` is the order `input_override` is written in (None: the file's `layout:`,
    as `--input` is read when no `--layout` says otherwise). `shared`: what the files of one
    run share (replay.Shared)."""
    return _Declarer(max_layers, origin or Origin(), shared).run(root, stem, input_override,
                                                                 params or {}, input_layout)


class _Declarer(Reader):
    layout = "chw"  # the file's `layout:`, once read

    def __init__(self, max_layers: int, origin: Origin, shared: Shared | None = None) -> None:
        super().__init__(max_layers)
        self.origin = origin
        self.shared = shared
        self.sources: list[Source] = []  # included files, in the order first read
        self.unresolved = False
        # each included file's blocks, by the file's identity: a file included again (a
        # library that many libraries include) is read and walked once per declaration
        self.done: dict[str, dict[str, Block]] = {}

    scope: Scope  # the file parameters, for `input`, `batch` and `defaults`
    file_params: dict[str, Value]
    changed: tuple[str, ...] = ()
    let: Let = ()
    version: str | None = None

    def run(self, root: YNode, stem: str, input_override: Shape | None,
            given: Mapping[str, Any], input_layout: str | None = "chw") -> Declarations:
        self.file_params = {}
        self.scope = Scope(prefix=(), inp=POISON)
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
        if not self._file_parameters(root, given):  # reported: nothing can be computed
            return self._result(stem, 1, DEFAULT_DTYPE, None, None, root.span)
        self.scope = Scope(prefix=(), inp=POISON, params=dict(self.file_params))
        self.let = self._let(root.get("let"), self.file_params, "the file's `params`")
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
        # a block library (`blocks:` without `layers:`) needs no input
        self.layout = self._layout(root)
        library = root.get("layers") is None and root.get("blocks") is not None
        if library:
            shape = declared = None
        else:
            shape = self._input(root) if input_override is None else self._override(
                input_override, root, input_layout or self.layout)
            declared = shape if input_override is None else self._declared_input(root)
        span = self._span(root, "input")
        try:
            defaults = self._defaults(root.get("defaults"))
        except TooLarge:  # reported
            return self._result(name, batch, dtype, shape, declared, span)
        blocks, broken = self._blocks(root.get("blocks"), root.get("include"))
        layers = root.get("layers")
        blocks_node = root.get("blocks")
        if library and blocks_node is not None:
            # a block library: its blocks are called by the files that include it
            self.error("N111", f"a block library (no `layers:`): {len(blocks)} block"
                       f"{'s' if len(blocks) != 1 else ''} ({listing(list(blocks)) or 'none'})",
                       blocks_node.span, "other files use it with `include:`")
            for block in blocks.values():
                if block.local:
                    self._library_block(block, blocks)
            return self._result(name, batch, dtype, None, None, span, defaults, blocks,
                                broken, library=tuple(blocks))
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
                layers: tuple[YNode, ...] | None = None, expect: YNode | None = None,
                library: tuple[str, ...] | None = None) -> Declarations:
        return Declarations(name, batch, dtype, shape, declared, span, defaults or {},
                            blocks or {}, broken, layers if shape is not None else None,
                            expect, tuple(self.diagnostics), self.work, self.file_params,
                            self.changed, self.let, self.version, library,
                            tuple(self.sources), self.unresolved, self.layout)

    # ------------------------------------------------------------ file parameters and let

    def _file_parameters(self, root: YMap, given: Mapping[str, Any]) -> bool:
        """Read `params:` and apply `given` (--set); False when a parameter has no value."""
        node = root.get("params")
        declared: list[Param] = []
        if node is not None and not isinstance(node, YSeq):
            self.error("E103", f"'params' must be a list such as [width=1.0, depth=1.0], got "
                       f"{describe(node)}", node.span)
        elif node is not None:
            for item in node.items:
                param = self._param(item, declared, ordered=False)
                if param is not None:
                    declared.append(param)
        where = node.span if node is not None else root.span
        names = [p[0] for p in declared]
        ok = True
        for pname in given:
            if pname not in names:
                self.error("E121", f"the file has no parameter {quote(pname)} to set",
                           where, did_you_mean(pname, names) or (
                               f"its parameters are: {listing(names)}" if names else
                               "the file declares no `params:`"))
                ok = False
        changed = []
        for pname, default, pspan in declared:
            value = given.get(pname, default)
            if value is REQUIRED:
                self.error("E122", f"file parameter '{pname}' has no default and is not set",
                           pspan, f"set it: --set {pname}=VALUE (or params={{'{pname}': ...}})")
                ok = False
                continue
            bad = _bad_value(value)
            if bad is not None:
                set_here = pname in given
                self.error(bad[0], f"file parameter '{pname}': {bad[1]}"
                           + (" (set on the command line)" if set_here else ""), pspan)
                ok = False
                continue
            if pname in given and default is not REQUIRED and (
                    (type(value), value) != (type(default), default)):
                changed.append(pname)
            self.file_params[pname] = Value(value, pspan)
        self.changed = tuple(changed)
        return ok

    def _let(self, node: YNode | None, params: Collection[str], whose: str) -> Let:
        """`let:` entries, checked for their names (their values are read by the expander,
        in order, where the input is known)."""
        if node is None:
            return ()
        if not isinstance(node, YMap):
            self.error("E103", f"'let' maps local names to values, e.g. {{c: $(out // 2)}}, "
                       f"got {describe(node)}", node.span)
            return ()
        entries = []
        for key, value in node.items:
            name = str(key.value)
            if not IDENT.match(name) or name in REFS:
                self.error("E108", f"'{key.text}' is not a name for `let`", key.span,
                           "use letters, digits and _")
                continue
            if name in params:
                self.error("E120", f"`let` name '{name}' shadows a parameter of the same name",
                           key.span, f"rename it: '{name}' is one of {whose}")
                continue
            entries.append((key, value))
        return tuple(entries)

    def _resolved(self, node: YNode | None) -> YNode | None:
        """`node` with a `$name` or `$(expr)` over the file parameters replaced by its value
        (None when that is wrong: reported)."""
        if not (isinstance(node, YScalar) and isinstance(node.value, str)
                and node.value.startswith("$")):
            return node
        try:
            return YScalar(self.plain(node, self.scope), node.span)
        except Invalid:
            return None
        except Skip:  # in_c and the like: there is no input yet
            self.error("E112", f"'{node.value}' needs an input shape, and this value decides "
                       "it", node.span, "use only file parameters here")
            return None

    # ------------------------------------------------------------ the top level

    def _span(self, root: YMap, key: str) -> Span:
        node = root.get(key)
        return node.span if node is not None else root.span

    def _scalar(self, root: YMap, key: str, kind: type, default: Any) -> Any:
        node = self._resolved(root.get(key))
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
        if node is None:
            return
        if not (isinstance(node, YScalar) and node.value in VERSIONS
                and not isinstance(node.value, bool)):
            versions = " or ".join(str(v) for v in VERSIONS)
            self.error("E115", f"the format version must be the number {versions}, got "
                       f"{describe(node)}", node.span,
                       f"this cnncalc reads versions {versions}: write `cnncalc: {VERSION}`")
            return
        self.version = str(node.value)

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
            items = [self._resolved(node.get(k)) for k in order]
        elif isinstance(node, YSeq):
            items = [self._resolved(item) for item in node.items]
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
            if item is None:  # reported
                return None
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

    def _override(self, shape: Shape, root: YMap, layout: str) -> Shape | None:
        """The input override, channels first (`layout`: the order it is written in)."""
        if 1 <= len(shape) <= 4 and all(isinstance(d, int) and 1 <= d <= MAX_INT for d in shape):
            return from_layout(tuple(shape), layout)
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
                try:
                    args[str(arg_key.value)] = Value(
                        self.plain(arg_value, self.scope), arg_value.span,
                        isinstance(arg_value, YScalar) and not isinstance(arg_value.value, str))
                except Invalid:  # reported; the default stays unset
                    pass
                except Skip:  # in_c and the like: a default has no one input
                    self.error("E112", "a default cannot use the input's shape (in_c, ...): "
                               "it applies to every layer", arg_value.span,
                               "use file parameters here, or write the value in the layers")
        return defaults

    def _blocks(self, node: YNode | None, include: YNode | None = None
                ) -> tuple[dict[str, Block], frozenset[str]]:
        """The file's blocks and those of the files it includes (the file's own first)."""
        if node is not None and include is None and self.shared is not None:
            # the very node another file of the run declared (the YOLO reader's library):
            # its blocks are those, and were found without a problem
            known = self.shared.blocks(node)
            if known is not None:
                return dict(known[0]), known[1]
        reported = len(self.diagnostics)
        found = self._own_blocks(node, include)
        if (node is not None and include is None and self.shared is not None
                and len(self.diagnostics) == reported):
            self.shared.keep_blocks(node, found)
        return found

    def _own_blocks(self, node: YNode | None, include: YNode | None
                    ) -> tuple[dict[str, Block], frozenset[str]]:
        blocks, broken = self._definitions(node, True)
        if include is not None:
            for name, block in self._included(include, self.origin, (
                    identity(self.origin.path),) if self.origin.path else (), 1).items():
                if name in blocks:
                    self._twice(block, blocks[name])
                elif name not in broken:
                    blocks[name] = block
        for name in self._recursive(blocks):
            blocks[name] = dataclasses.replace(blocks[name], broken=True)
        return blocks, frozenset(broken)

    def _twice(self, block: Block, first: Block) -> None:
        """A block defined twice: reported where the second is defined (its own file), and
        where the include that brought it is written. One file included twice (directly and
        through another) defines its blocks once."""
        if block.span == first.span:
            return
        if block.entry is not None:
            self.error("E126", f"this include defines block '{block.name}' again (first at "
                       f"{first.span})", block.entry, "rename one of the two blocks, or "
                       "include only one of the files")
        self.error("E126", f"block '{block.name}' is already defined at {first.span}",
                   block.span, "rename one of the two blocks")

    def _included(self, node: YNode, origin: Origin, chain: tuple[str, ...], depth: int
                  ) -> dict[str, Block]:
        """The blocks of the files `node` (an `include:` list) names, recursively; each
        problem at the entry that names the file."""
        found: dict[str, Block] = {}
        if not isinstance(node, YSeq):
            self.error("E103", f"'include' is a list of file paths, got {describe(node)}",
                       node.span, "e.g. include: [blocks/common.yaml]")
            return found
        for entry in node.items:
            if not isinstance(entry, YScalar) or not isinstance(entry.value, str) or \
                    not entry.value.strip():
                self.error("E103", f"an include is a file path, got {describe(entry)}",
                           entry.span)
                continue
            path, shown = beside(origin, entry.value)
            key = identity(path)
            if key in chain:
                self.error("E125", f"{quote(shown)} includes itself" if key == chain[-1] else
                           f"{quote(shown)} is included again by a file it includes (a cycle "
                           f"of {len(chain) - chain.index(key)} files)",
                           entry.span, "files may include each other only one way")
                self.unresolved = True
                continue
            if depth > MAX_INCLUDE_DEPTH or len(self.sources) >= MAX_INCLUDED_FILES:
                self.error("E119", f"includes nest more than {MAX_INCLUDE_DEPTH} files deep, "
                           f"or bring in more than {MAX_INCLUDED_FILES} files",
                           entry.span, "include block libraries directly")
                self.unresolved = True
                continue
            own = self.done.get(key)
            if own is None:
                own = self._library_blocks(entry, path, shown, key, origin, chain, depth)
                if own is None:  # reported
                    continue
                self.done[key] = own
            for name, block in own.items():
                if name in found:
                    self._twice(dataclasses.replace(block, entry=entry.span), found[name])
                else:
                    found[name] = dataclasses.replace(block, entry=entry.span)
        return found

    def _library_blocks(self, entry: YScalar, path: str, shown: str, key: str,
                        origin: Origin, chain: tuple[str, ...], depth: int
                        ) -> dict[str, Block] | None:
        """The blocks an included file defines and includes (None: it cannot be read)."""
        included = read_included(path, shown, origin.max_bytes)
        if included.root is None or not isinstance(included.root, YMap):
            problem = included.problem
            why = "it is not a mapping with `blocks:`" if problem is None else (
                problem.message + (f" (at {problem.span})" if problem.span else ""))
            self.error("E124", f"cannot include {quote(shown)}: {why}", entry.span,
                       problem.hint if problem is not None and problem.hint else
                       "the path is relative to the including file")
            self.unresolved = True
            return None
        if all(s.name != included.source.name for s in self.sources):
            self.sources.append(included.source)
        inner = Origin(path, shown, origin.max_bytes)
        own, broken = self._definitions(included.root.get("blocks"), False, entry.span)
        more = included.root.get("include")
        if more is not None:
            for name, block in self._included(more, inner, (*chain, key), depth + 1).items():
                if name in own:
                    self._twice(block, own[name])
                elif name not in broken:
                    own[name] = block
        return own

    def _definitions(self, node: YNode | None, local: bool, entry: Span | None = None
                     ) -> tuple[dict[str, Block], set[str]]:
        """One file's `blocks:` (`local`: the file itself, not an included one)."""
        blocks: dict[str, Block] = {}
        broken: set[str] = set()
        if node is None:
            return blocks, broken
        if not isinstance(node, YMap):
            self.error("E103", f"'blocks' maps block names to definitions, got "
                       f"{describe(node)}", node.span)
            return blocks, broken
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
                blocks[name] = block if local else dataclasses.replace(
                    block, local=False, entry=entry)
            else:  # reported; calls to it are skipped quietly
                broken.add(name)
        return blocks, broken

    def _block(self, name: str, key: YScalar, body: YNode) -> Block | None:
        if not isinstance(body, YMap):
            self.error("E103", f"block '{name}' must be a mapping with `layers:` (and "
                       f"optionally `params:`), got {describe(body)}", body.span)
            return None
        for k, _ in body.items:
            if k.value not in BLOCK_KEYS:
                self.error("E101", f"unknown key '{k.text}' in block '{name}'", k.span,
                           did_you_mean(k.text, BLOCK_KEYS)
                           or "a block has `params`, `let` and `layers`")
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
        let = self._let(body.get("let"), {p[0] for p in params}, f"the parameters of '{name}'")
        return Block(name, tuple(params), tuple(layers.items), key.span, let=let)

    def _param(self, item: YNode, params: list[Param], ordered: bool = True) -> Param | None:
        """`name` or `name=default`; a block's positional parameters without a default come
        first (`ordered`), a file's are set by name."""
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
        if ordered and default is REQUIRED and any(p[1] is not REQUIRED for p in params):
            self.error("E108", f"parameter '{pname}' has no default but follows one that "
                       "does", item.span, "put parameters with defaults last")
            return None
        return pname, default, item.span

    def _library_block(self, block: Block, blocks: dict[str, Block]) -> None:
        """The checks of a library block's body that need no input (nothing calls it here):
        each entry's op or block exists, once; the names its mapping gives are arguments or
        parameters; literal arguments have the right type; `$name` names a parameter."""
        known = {p[0] for p in block.params} | {str(k.value) for k, _ in block.let}
        for entry in block.layers:
            if isinstance(entry, YScalar) and isinstance(entry.value, str):
                op_key, value = entry, None
            elif isinstance(entry, YMap):
                op_keys = [(k, v) for k, v in entry.items if k.value not in META]
                if len(op_keys) != 1:
                    self.error("E114", "a layer has exactly one op, found "
                               f"{len(op_keys)}", entry.span,
                               "split them into separate list entries (`- ...`)")
                    continue
                op_key, value = op_keys[0]
                self._library_refs(entry, known)
            else:
                self.error("E114", f"a layer is an op name or a mapping, got {describe(entry)}",
                           entry.span)
                continue
            name = str(op_key.value)
            found = lookup(name)
            callee = blocks.get(name)
            if found is None and callee is None:
                self.error("E104", f"unknown op or block '{op_key.text}'", op_key.span,
                           did_you_mean(name, [*names(), *blocks]) or "`cnncalc ops` lists "
                           "the ops")
                continue
            if not isinstance(value, YMap):
                continue
            for key, item in value.items:
                arg_name = str(key.value)
                if callee is not None:
                    if arg_name not in {p[0] for p in callee.params}:
                        self.error("E113", f"block '{name}' has no parameter '{key.text}'",
                                   key.span, did_you_mean(arg_name, [p[0] for p in
                                                                    callee.params]))
                    continue
                assert found is not None
                arg = found[0].arg(arg_name)
                if arg is None:
                    self.error("E105", f"{found[0].name} has no argument '{key.text}'",
                               key.span, arg_hint(found[0], arg_name))
                elif isinstance(item, YScalar) and not (isinstance(item.value, str)
                                                        and item.value.startswith("$")):
                    try:
                        arg.type.check(item.value)
                    except ArgError as exc:
                        code = exc.code or ("E103" if exc.message.startswith("expected")
                                            else "E108")
                        self.error(code, f"{arg_name}: {exc.message}", item.span, exc.hint)

    def _library_refs(self, entry: YNode, known: set[str]) -> None:
        """`$name` in a library block's entry that names no parameter or `let` name."""
        stack = [entry]
        while stack:
            node = stack.pop()
            if isinstance(node, YScalar):
                match = isinstance(node.value, str) and PARAM_REF.match(node.value)
                if match and match.group(1) not in known:
                    self.error("E117", f"unknown parameter ${match.group(1)}", node.span,
                               did_you_mean(match.group(1), known)
                               or f"names here: {listing(sorted(known)) or 'none'}")
            else:
                stack.extend(node.items if isinstance(node, YSeq)
                             else [v for _, v in node.items])

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

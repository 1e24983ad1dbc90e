"""Expansion: the checked declarations -> the graph IR, for one input shape.

Instantiates the layers of `declare.Declarations`: block calls with their parameters, `repeat`,
`first`, `when`, `from`, ids and their scopes, `$name` and `$(expr)`; validates every argument
against the op registry (arguments.py), and infers each node's shape as it is emitted
(`$(in_c)` needs the shape of what came before). Every problem becomes a diagnostic at the
line and column it was written; a layer that cannot be built poisons its output, and what
depends on it is skipped quietly instead of reported as a cascade. Calls alike are replayed
(replay.py) and every walk is bounded (limits.py).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from .declare import Block, Declarations, Let, declare
from .diagnostics import Diagnostic, did_you_mean
from .format import META
from .graph import Graph, Node, Shape, format_shape
from .include import Origin
from .limits import DEFAULT_MAX_LAYERS, MAX_CALL_DEPTH
from .loader import YMap, YNode, YScalar, YSeq
from .ops import REGISTRY, OpSpec, lookup, names
from .ops.base import REQUIRED
from .passes import context, kind
from .passes.shapes import infer
from .replay import Form, Shared, World, first_span, record
from .scopes import Scopes
from .source import Span
from .values import (
    POISON,
    Invalid,
    Scope,
    Skip,
    TooLarge,
    Value,
    arg_hint,
    describe,
    listing,
)
from .visits import Visits, plain_values


@dataclass
class Expansion:
    graph: Graph | None
    shapes: list[Shape | None]
    diagnostics: list[Diagnostic]
    declarations: Declarations | None = None
    params: dict[str, Any] = field(default_factory=dict)  # the file parameters as used
    result_names: tuple[str, ...] = ()  # the file's `outputs:` as written (graph.results)
    world: World | None = None  # what it shares with other files of the run (replay.Shared)


def expand(root: YNode, stem: str, input_override: Shape | None = None,
           max_layers: int = DEFAULT_MAX_LAYERS, params: Mapping[str, Any] | None = None,
           origin: Origin | None = None, input_layout: str | None = "chw",
           shared: Shared | None = None) -> Expansion:
    """`input_layout`: the order `input_override` is written in (None: the file's layout).
    `shared`: the memos of the files analysed before this one in the same run (replay.py)."""
    declarations = declare(root, stem, input_override, max_layers, params, origin,
                           input_layout, shared)
    if declarations.layers is None:  # nothing to expand; the diagnostics say why
        return Expansion(None, [], list(declarations.diagnostics), declarations)
    results = root.get("outputs") if isinstance(root, YMap) else None
    world = shared.world(root, declarations) if shared is not None else None
    return _Expander(declarations, max_layers, input_layout or declarations.layout,
                     world).run(results)


class _Expander(Scopes):
    def __init__(self, declarations: Declarations, max_layers: int,
                 input_layout: str = "chw", world: World | None = None) -> None:
        super().__init__(max_layers, declarations.work, world)
        self.world = world
        self.declarations = declarations
        self.layout = declarations.layout  # expected shapes are written in it
        self.input_layout = input_layout  # and the input override in this
        self.diagnostics.extend(declarations.diagnostics)
        self.blocks = declarations.blocks
        self.defaults = declarations.defaults
        self.visits = Visits(self.blocks, world.sizes if world is not None else None)
        self.groups: dict[tuple[str, ...], str] = {}
        self.group_paths: list[tuple[str, ...]] = []  # the keys of `groups`, in order made
        # layer entries visited, emitted or not: skipped layers inside big repeats cost time too
        self.visited = 0
        self.file_names: dict[str, Value] = {}  # file parameters and the top level's `let`
        self.file_broken: set[str] = set()  # top-level `let` names that failed
        self.skip_literal = bool(declarations.changed)
        # false inside a layer or block call marked `trainable: false` (and all it contains)
        self.trainable = True
        # false inside a layer or block call marked `inference: false` (and all it contains)
        self.inference = True
        self.pieces: dict[int, tuple[Shape, ...]] = {}  # see Scopes
        self.items: dict[tuple[int, int], int] = {}
        self.result_names: list[str] = []  # the `outputs:` as written, `id[*]` expanded
        # the outputs of each copy of the repeat being expanded, when it has an id (`m[i]`)
        self.copies: list[int] | None = None

    def run(self, results: YNode | None = None) -> Expansion:
        """Expand the network; `results` is the file's `outputs:` list, if any."""
        d = self.declarations
        assert d.layers is not None and d.shape is not None
        try:
            self._emit(REGISTRY["input"], None, {"shape": d.shape}, {}, (), ("input",),
                       d.input_span)
            scope = Scope(prefix=(), inp=0, params=dict(d.params))
            if d.let:
                self._top_let(d.let, scope)
            self.file_names, self.file_broken = scope.params, scope.broken
            self._body(d.layers, scope)
            named = self._outputs(results, scope)
            self.network_expect(d.expect, scope.prev, scope, named)
        except TooLarge:  # reported
            return Expansion(None, self.shapes, self.diagnostics, d)
        if self.unchecked:
            changed = ", ".join(f"{p}={self.file_names[p].value!r}"[:60] for p in d.changed)
            self.diagnostics.append(Diagnostic(
                "N110", f"{len(self.unchecked)} `expect:` figure"
                f"{'s' if len(self.unchecked) != 1 else ''} written as plain numbers not "
                f"checked: {'they describe' if len(self.unchecked) != 1 else 'it describes'} "
                f"the file's defaults, not {changed}",
                self.unchecked[0], "write a figure as $(...) of the parameters to check it "
                "for every member of the family"))
        expects = tuple(self.expects)
        if expects and d.declared != d.shape:
            # every figure may depend on the input: shapes and MACs, and parameters too (a
            # linear layer after flatten, the first conv's input channels). Both inputs are
            # written in the order the override was, for the two to compare
            written = (f"the file's input {format_shape(d.declared, self.input_layout)}"
                       if d.declared else "the file's input")
            self.diagnostics.append(Diagnostic(
                "N104", f"expectations not checked: they describe {written}, not the input "
                f"{format_shape(d.shape, self.input_layout)} of this run", d.input_span,
                "analyse the file with its own input to check them"))
            expects = ()
        graph = Graph(d.name, tuple(self.nodes), scope.prev, d.batch, d.dtype, expects,
                      self.groups, self.pieces, named, d.layout)
        return Expansion(graph, self.shapes, self.diagnostics, d,
                         {p: v.value for p, v in d.params.items()}, tuple(self.result_names),
                         self.world)

    def _top_let(self, let: Let, scope: Scope) -> None:
        """The top level's `let:`, in order; a name whose value fails is reported once and
        what uses it is skipped."""
        for key, node in let:
            try:
                scope.params[str(key.value)] = Value(self.plain(node, scope), node.span)
            except (Invalid, Skip):
                scope.broken.add(str(key.value))

    def _let(self, let: Let, scope: Scope) -> None:
        """A block's `let:`, in order, at each call (its input is known); each name costs a
        unit of the work budget, as a value read at each call does."""
        self.spend(len(let), let[0][0].span)
        for key, node in let:
            scope.params[str(key.value)] = Value(self.plain(node, scope), node.span)

    def _outputs(self, node: YNode | None, scope: Scope) -> tuple[int, ...]:
        """The nodes of the file's `outputs:` (ids, `id[i]`, `id[*]`), in order; () when it
        names none, or when one of them failed (reported)."""
        if node is None:
            return ()
        if not isinstance(node, YSeq) or not node.items:
            self.error("E103", f"outputs is a list of ids such as [p3, p4, p5], got "
                       f"{describe(node)}", node.span)
            return ()
        named: list[int] = []
        for item in node.items:
            if not isinstance(item, YScalar) or not isinstance(item.value, str):
                self.error("E103", f"an output is a layer's id, got {describe(item)}",
                           item.span)
                return ()
            try:
                refs = self._refs(item.value, item.span, scope)
            except (Invalid, Skip):
                return ()
            named += refs
            base = item.value[:-3]
            self.result_names += ([f"{base}[{i}]" for i in range(len(refs))]
                                  if item.value.endswith("[*]") else [item.value])
        return tuple(named)

    # ------------------------------------------------------------ layers

    def _body(self, layers: tuple[YNode, ...], scope: Scope) -> None:
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
            raise TooLarge()
        try:
            scope.prev = self._layer_output(entry, scope)
        except (Invalid, Skip):  # reported (or upstream failed): what follows is skipped
            scope.prev = POISON

    def _form(self, entry: YNode) -> Form:
        """(op key, its value, meta keys) of a layer entry: a bare name, or one op key plus
        meta keys. Entries inside repeated blocks are read once (`Memo.forms`)."""
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
                        f"{describe(entry)}", entry.span)

    def _layer_output(self, entry: YNode, scope: Scope) -> int:
        form = self.memo.forms.get(id(entry))
        if form is None:
            form = self.memo.forms[id(entry)] = self._form(entry)
        op_key, value, meta = form
        name = str(op_key.value)
        block = self.blocks.get(name)
        found = lookup(name) if block is None else None
        if block is None and found is None:
            if name in self.declarations.broken_blocks or self.declarations.unresolved:
                raise Skip()  # reported: its definition, or the include that would have it
            raise self.fail("E104", f"unknown op or block '{op_key.text}'", op_key.span,
                            self.suggest(name, lambda: [*names(), *self.blocks], "op",
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
        trainable = self._flag("trainable", meta.get("trainable"), scope)
        inference = self._flag("inference", meta.get("inference"), scope)
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
        if spec is not None and spec.outputs is not None and "repeat" in meta:
            raise self.fail("E143", f"{spec.name} has several outputs: it cannot be repeated in "
                            "a chain", meta["repeat"].span,
                            "split once, and repeat the layers that read its outputs")
        # a merge reads its list, never `prev`
        source = (scope.prev if spec is not None and spec.multi_input
                  else self._ref_meta(meta.get("from"), scope, op_key.span))
        start = len(self.nodes)

        outer, copies, running = self.trainable, self.copies, self.inference
        self.trainable = outer and trainable  # a frozen call freezes everything inside
        self.inference = running and inference  # and a call not run runs nothing inside
        self.copies = [] if layer_id is not None and repeat is not None else None
        try:
            if block is not None:
                out = self._call_block(block, op_key, value, first, source, repeat, when, path,
                                       scope)
            else:
                assert found is not None
                out = self._call_op(found[0], found[1], op_key, value, first, source, repeat,
                                    when, path, scope)
            if self.copies is not None and layer_id is not None:
                scope.copies[layer_id] = self.copies
        finally:
            self.trainable, self.copies, self.inference = outer, copies, running
        if layer_id is not None:
            scope.ids[layer_id] = out
        expect = meta.get("expect")
        if expect is not None:
            self.spend(len(self.nodes) - start, expect.span)  # the nodes it covers, listed
            self.layer_expect(expect, tuple(range(start, len(self.nodes))), out, path, scope)
        return out

    def _op_key_error(self, entry: YMap, op_keys: list[tuple[YScalar, YNode]]) -> Invalid:
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
        listed = listing([f"'{k.text}'" for k, _ in op_keys])
        return self.fail("E114", f"a layer has exactly one op, found {listed}", op_keys[1][0].span,
                         "split them into separate list entries (`- ...`)")

    # ------------------------------------------------------------ ops

    def _call_op(self, spec: OpSpec, rank: int | None, op_key: YScalar, value: YNode | None,
                 first: YNode | None, source: int, repeat: int | None, when: bool,
                 path: tuple[str, ...], scope: Scope) -> int:
        known = spec.by_name.__contains__

        def hint(name: str) -> str | None:
            return arg_hint(spec, name)

        given = self.bind(value, op_key, scope, spec.name, spec.by_name.keys(), spec.list_arg,
                          known, hint)
        overrides = self.bind_first(first, scope, spec.name, known, hint)
        defaults = self.defaults.get(spec.name)
        base = self.check_args(spec, {**defaults, **given} if defaults else given, op_key,
                               path)
        copy0 = self.check_args(spec, {**(defaults or {}), **given, **overrides}, op_key,
                                path) if overrides else base
        if spec.multi_input:
            span = base[1].get("inputs", op_key.span)  # written here, or in defaults
            inputs = tuple(ref for name in base[0]["inputs"]
                           for ref in self._refs(name, span, scope))
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
                raise Skip()
            out = self._emit(spec, rank, args, spans, (out,), copy_path, op_key.span)
            if self.copies is not None:
                self.copies.append(out)
        return out

    def _emit(self, spec: OpSpec, rank: int | None, args: dict[str, Any],
              spans: dict[str, Span], inputs: tuple[int, ...], path: tuple[str, ...],
              span: Span) -> int:
        if len(self.nodes) >= self.max_layers:
            self.error("E116", f"the network expands past the limit of {self.max_layers:,} "
                       "layers", span, "lower `repeat` counts, or raise the limit with "
                       "--max-layers")
            raise TooLarge()
        if POISON in inputs:
            raise Skip()
        self.spend(len(path), span)  # a node's path and name are as long as its nesting
        node = Node(len(self.nodes), spec.name, path, args, inputs, span, spans, rank,
                    self.trainable, self.inference)
        self.nodes.append(node)
        # layers of one kind (passes.kind) have one shape: infer it once
        key = kind(node, self.shapes)
        shape = self.memo.inferred.get(key)
        if shape is None:
            shape, diagnostic = infer(node, self.shapes, self.nodes)
            if diagnostic is not None:
                self.diagnostics.append(diagnostic)
            elif shape is not None:
                self.memo.inferred[key] = shape
        self.shapes.append(shape)
        if spec.outputs is not None and shape is not None:  # a split op: every output
            pieces = self.memo.pieces.get(key)
            if pieces is None:
                ctx = context(node, self.shapes, self.nodes)
                assert ctx is not None  # its shape is known
                pieces = self.memo.pieces[key] = spec.outputs(ctx)
            self.pieces[node.index] = pieces
        return node.index

    def _make(self, spec: OpSpec, args: dict[str, Any], inputs: tuple[int, ...],
              path: tuple[str, ...], span: Span) -> int:
        return self._emit(spec, None, args, {}, inputs, path, span)

    # ------------------------------------------------------------ blocks

    def _call_block(self, block: Block, op_key: YScalar, value: YNode | None,
                    first: YNode | None, source: int, repeat: int | None, when: bool,
                    path: tuple[str, ...], scope: Scope) -> int:
        if block.broken or block.name in scope.calls:
            raise Skip()  # reported once at the recursive call
        if len(scope.calls) >= MAX_CALL_DEPTH:  # expansion recurses once per level
            raise self.fail("E119", f"block calls nest more than {MAX_CALL_DEPTH} levels deep "
                            f"here ({' -> '.join(scope.calls[:3])} -> ... -> {block.name})",
                            op_key.span, "call fewer blocks inside blocks", scope.prefix)
        param_names = [p[0] for p in block.params]

        def hint(n: str) -> str | None:
            return self.suggest(n, param_names) or (
                f"the parameters of '{block.name}' are: {listing(param_names)}"
                if param_names else f"block '{block.name}' has no parameters")

        given = self.bind(value, op_key, scope, f"block '{block.name}'", param_names, None,
                          lambda n: n in param_names, hint, "E113")
        overrides = self.bind_first(first, scope, f"block '{block.name}'",
                                    lambda n: n in param_names, hint, "E113")
        missing = [p for p, default, _ in block.params if default is REQUIRED and p not in given]
        if missing:
            raise self.fail("E107", f"block '{block.name}' needs "
                            f"{listing([repr(m) for m in missing])}",
                            op_key.span, f"e.g. `{block.name}: {{{missing[0]}: ...}}`", path)
        if not when:
            return source
        # the copies' visits with their parameters' values, the first with its overrides
        params = {p: default for p, default, _ in block.params if default is not REQUIRED}
        params.update((p, v.value) for p, v in given.items())
        first_copy = {**params, **{p: v.value for p, v in overrides.items()}}
        visits = self.visited + self.visits.size(block, plain_values(first_copy)) + (
            (repeat or 1) - 1) * self.visits.size(block, plain_values(params))
        if visits > 2 * self.max_layers:
            self.error("E116", f"this call would visit at least {visits:,} layer entries, past "
                       f"the limit of {2 * self.max_layers:,}", op_key.span,
                       "lower `repeat` counts, or raise the limit with --max-layers")
            raise TooLarge()
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
                raise Skip()
            out = self._expand_call(block, bound, copy_path, out, scope)
            if self.copies is not None:
                self.copies.append(out)
        return out

    def _expand_call(self, block: Block, bound: dict[str, Value], prefix: tuple[str, ...],
                     inp: int, scope: Scope) -> int:
        """One call of `block` on node `inp`, under path `prefix`; returns its output node.
        A call alike an earlier one is replayed (replay.py)."""
        calls = (*scope.calls, block.name)
        key = (calls, tuple((p, repr(v.value)) for p, v in bound.items()), self.shapes[inp],
               self.trainable, self.inference)
        recorded = self.memo.recorded(key) if inp > 0 else None
        if recorded is not None and (
                len(self.nodes) + len(recorded.nodes) <= self.max_layers
                and self.visited + recorded.visited <= 2 * self.max_layers):
            if recorded.nodes:
                self.spend(recorded.parts + len(prefix) * len(recorded.nodes),
                           first_span(recorded))
            out = self.memo.replay(recorded, prefix, inp, self.nodes, self.shapes,
                                   self.pieces)
            for path, label in recorded.groups:
                self._group(prefix + path, label)
            self.visited += recorded.visited
            return out
        start, visited = len(self.nodes), self.visited
        reported, expects = len(self.diagnostics), len(self.expects)
        groups = len(self.group_paths)
        names = {**self.file_names, **bound} if block.local and self.file_names else (
            dict(bound) if block.let else bound)  # `let` adds to it: never to `bound`
        inner = Scope(prefix=prefix, inp=inp, params=names, calls=calls,
                      broken=self.file_broken if block.local else set())
        if block.let:
            self._let(block.let, inner)
        self._body(block.layers, inner)
        if (inp > 0 and len(self.diagnostics) == reported and len(self.expects) == expects
                and (inner.prev == inp or inner.prev >= start)
                and all(s is not None for s in self.shapes[start:])):
            self.memo.finished(key, lambda: record(
                self.nodes, self.shapes, self.pieces, start, inp, prefix, inner.prev,
                self.visited - visited,
                [(path, self.groups[path]) for path in self.group_paths[groups:]]))
        return inner.prev

    def _group(self, path: tuple[str, ...], label: str) -> None:
        """Name the block call or repeat at `path` (`groups`), keeping `group_paths` in step."""
        if path not in self.groups:
            self.group_paths.append(path)
        self.groups[path] = label

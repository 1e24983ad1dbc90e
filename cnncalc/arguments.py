"""Binding what a layer writes to what it calls: an op's arguments or a block's parameters,
checked against the op registry; and the `expect:` figures written beside layers.

`Arguments` is the expander's base (after `values.Reader`): these steps need its nodes and
memos, and nothing of how layers are walked.
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from typing import Any

from . import figures
from .diagnostics import did_you_mean
from .figures import SHAPES
from .format import LAYER_EXPECT, NET_EXPECT, OP_EXPECT
from .graph import Node, ShapeExpect, path_str
from .loader import YMap, YNode, YScalar, YSeq
from .ops import OpSpec, lookup, names
from .ops.base import ArgError
from .replay import Memo, World
from .source import Span
from .values import Invalid, Reader, Scope, Skip, Value, describe, listing


class Arguments(Reader):
    def __init__(self, max_layers: int, work: int, world: World | None = None) -> None:
        super().__init__(max_layers, work)
        self.nodes: list[Node] = []
        self.expects: list[ShapeExpect] = []
        self.memo = Memo(world)
        # `--set` changed a file parameter: figures written as plain numbers describe the
        # defaults and are not checked (their spans are kept for the note); `$(...)` ones are
        self.skip_literal = False
        self.unchecked: list[Span] = []
        self.layout = "chw"  # how the file writes expected shapes (`layout:`)

    # ------------------------------------------------------------ binding

    def bind(self, value: YNode | None, op_key: YScalar, scope: Scope, what: str,
             positional: Collection[str], list_arg: str | None, known: Callable[[str], bool],
             hint: Callable[[str], str | None], unknown: str = "E105") -> dict[str, Value]:
        """A layer's value as named arguments: mapping = keywords, list = positional (or the
        list argument of a merge), scalar = the first positional."""
        if value is None or (isinstance(value, YScalar) and value.value is None
                             and not value.quoted):
            return {}
        # a value without `$` binds the same way every time: read again (a repeated block's
        # body), its binding is kept; a flat file's entries are read once and keep nothing
        key = (id(value), what)  # `what` names the op
        memo = self.memo.bound
        read_before = key in memo
        kept = memo.get(key)
        if kept is not None:
            return kept
        reported = len(self.diagnostics)
        bound = self._bind_value(value, op_key, scope, what, positional, list_arg, known, hint,
                                 unknown)
        if not read_before:
            memo[key] = None
        elif len(self.diagnostics) == reported and self._literal(value):
            memo[key] = bound
        return bound

    def _literal(self, node: YNode) -> bool:
        """Whether no `$name` or `$(expr)` is written in `node` (a value `plain` has read,
        so of bounded size)."""
        memo = self.memo.literal
        if id(node) not in memo:
            literal, stack = True, [node]
            while stack and literal:
                n = stack.pop()
                if isinstance(n, YScalar):
                    literal = not (isinstance(n.value, str) and n.value.startswith("$"))
                else:
                    stack.extend(n.items if isinstance(n, YSeq) else [v for _, v in n.items])
            memo[id(node)] = literal
        return memo[id(node)]

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
                bound[name] = Value(self.plain(item, scope), item.span, _literal(item))
            return bound
        if isinstance(value, YSeq) and list_arg is not None:
            return {list_arg: Value(self.plain(value, scope), value.span)}
        items = list(value.items) if isinstance(value, YSeq) else [value]
        if len(items) > len(positional):
            extra = items[len(positional)]
            takes = (f"takes {len(positional)} positional argument"
                     f"{'s' if len(positional) != 1 else ''} ({listing(positional)})"
                     if positional else "takes no arguments")
            raise self.fail("E106", f"{what} {takes}; got {len(items)}", extra.span,
                            "pass arguments by name in a mapping" if positional else
                            f"write `- {what}`")
        return {name: Value(self.plain(item, scope), item.span, _literal(item))
                for name, item in zip(positional, items)}

    def bind_first(self, first: YNode | None, scope: Scope, what: str,
                   known: Callable[[str], bool], hint: Callable[[str], str | None],
                   unknown: str = "E105") -> dict[str, Value]:
        if first is None:
            return {}
        if not isinstance(first, YMap):
            raise self.fail("E103", f"first overrides arguments by name, e.g. {{stride: 2}}; "
                            f"got {describe(first)}", first.span)
        return self.bind(first, YScalar("first", first.span), scope, what, [], None, known,
                         hint, unknown)

    # ------------------------------------------------------------ checking

    def check_args(self, spec: OpSpec, given: dict[str, Value], op_key: YScalar,
                   path: tuple[str, ...]) -> tuple[dict[str, Any], dict[str, Span]]:
        spans = {name: value.span for name, value in given.items()}
        # layers alike (the copies of a repeated block, a flat file's identical lines) are
        # validated once and share one arguments dict, which `_emit` memoizes shapes on; repr
        # keeps true, 1 and 1.0 apart
        key = (spec.name, *[(name, repr(value.value)) for name, value in given.items()])
        args = self.memo.checked.get(key)
        if args is None:
            args = self._validate(spec, given, op_key, path)
            self.memo.checked[key] = args
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
                hint = exc.hint
                if value.literal and exc.message.startswith("expected an int"):
                    hint = hint or "write a whole number"
                elif isinstance(value.value, float) and exc.message.startswith(
                        "expected an int"):
                    # a float from `/` or a multiplier: say how to make it an integer
                    hint = ("wrap the $(...) in int(), round(), floor() or ceil(), or divide "
                            "with //" + (f" (a number written as such: {hint})" if hint
                                         else ""))
                self.error(code, f"{arg.name}: {exc.message}", value.span, hint, path)
                ok = False
        if not ok:
            raise Invalid()
        return args

    # ------------------------------------------------------------ expectations

    def network_expect(self, node: YNode | None, output: int, scope: Scope | None = None,
                       results: tuple[int, ...] = ()) -> None:
        if node is None:
            return
        if not isinstance(node, YMap):
            self.error("E103", f"'expect' must be a mapping such as {{params: 61100840}}, got "
                       f"{describe(node)}", node.span)
            return
        figures = self._figures(node, NET_EXPECT, "output", scope or Scope(prefix=(), inp=0))
        everything = tuple(range(len(self.nodes)))
        self.expects.append(ShapeExpect(everything, output, figures, "network", node.span,
                                        results or (output,)))

    def layer_expect(self, node: YNode, covered: tuple[int, ...], out: int,
                     path: tuple[str, ...], scope: Scope) -> None:
        if isinstance(node, YSeq):
            node = YMap(((YScalar("shape", node.span), node),), node.span)
        if not isinstance(node, YMap):
            self.error("E103", f"expect is a shape such as [96, 55, 55] or a mapping "
                       f"{{shape: [...], params: N}}, got {describe(node)}", node.span)
            return
        figures = self._figures(node, LAYER_EXPECT, "shape", scope)
        if out >= 0:
            self.expects.append(ShapeExpect(covered, out, figures, path_str(path), node.span))

    def _figures(self, node: YMap, keys: tuple[str, ...], shape_key: str,
                 scope: Scope) -> tuple[tuple[str, Any, Span], ...]:
        figures_read = []
        for key, value in node.items:
            if key.value not in keys:
                self.error("E105", f"cannot expect '{key.text}'", key.span,
                           did_you_mean(key.text, keys) or f"expect one of: {', '.join(keys)}")
                continue
            if key.value == "ops":
                figures_read += self._op_figures(value, scope)
                continue
            if self.skip_literal and self._literal(value):
                self.unchecked.append(value.span)
                continue
            try:
                resolved = self.plain(value, scope)
            except (Invalid, Skip):
                continue
            if key.value == "outputs":  # the network's outputs, in order: a list of shapes
                ok = isinstance(resolved, list) and all(
                    isinstance(s, list) and all(isinstance(v, int) and not isinstance(v, bool)
                                                for v in s) for s in resolved)
                if not ok:
                    self.error("E103", f"expected outputs are a list of shapes such as "
                               f"[[64, 80, 80], [128, 40, 40]], got {describe(value)}",
                               value.span)
                    continue
                figures_read.append(("outputs", tuple(tuple(s) for s in resolved), key.span))
                continue
            name = shape_key if key.value in SHAPES else str(key.value)
            try:
                resolved = figures.read(name, resolved, self.layout)
            except figures.FigureError as exc:
                self.error("E160", str(exc), value.span, figures.HINT)
                continue
            figures_read.append((name, resolved, key.span))
        return tuple(figures_read)

    def _op_figures(self, node: YNode, scope: Scope) -> list[tuple[str, Any, Span]]:
        """`ops: {conv: {params: N, ...}}`: figures summed over the layers of each op, keyed
        `ops.conv.params`."""
        if not isinstance(node, YMap):
            self.error("E160", f"'ops' is a mapping of op names to figures such as {{conv: "
                       f"{{params: 2469696}}}}, got {describe(node)}", node.span)
            return []
        out: list[tuple[str, Any, Span]] = []
        for op_key, wanted in node.items:
            found = lookup(str(op_key.value))
            if found is None:
                self.error("E160", f"expected figures of an unknown op '{op_key.text}'",
                           op_key.span, did_you_mean(op_key.text, names()))
                continue
            if not isinstance(wanted, YMap):
                self.error("E160", f"the figures of '{op_key.text}' are a mapping such as "
                           f"{{params: 2469696}}, got {describe(wanted)}", wanted.span)
                continue
            for name, prefixed, span in self._figures(wanted, OP_EXPECT, "", scope):
                out.append((f"ops.{found[0].name}.{name}", prefixed, span))
        return out


def _literal(node: YNode) -> bool:
    """Whether a value is written as a number, not computed (`$name`, `$(...)`)."""
    return isinstance(node, YScalar) and not isinstance(node.value, str)

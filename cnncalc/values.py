"""What the declarations step and the expander share: reading a value the user wrote.

`Reader` resolves a YAML node to its Python value (`$name`, `$(expr)`, size- and depth-bounded
against aliases), records diagnostics, and keeps the two budgets an expansion spends: work
(limits.WORK_PER_LAYER per allowed layer) and did-you-mean comparisons. The declarations step
reads `defaults:` with one; the expander, which carries the work spent so far on, is one.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable, Collection
from dataclasses import dataclass, field
from typing import Any

from .diagnostics import Diagnostic, did_you_mean
from .frozen import frozen
from .graph import Shape, path_str
from .limits import MAX_VALUE_DEPTH, MAX_VALUE_ITEMS, WORK_PER_LAYER
from .loader import YMap, YNode, YScalar, YSeq
from .ops import OpSpec
from .ops.base import quote, short_int
from .source import Span

POISON = -1  # the output of a layer that could not be built

PARAM_REF = re.compile(r"\$([A-Za-z_][A-Za-z0-9_]*)\Z")
IDENT = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")
IN_NAMES = re.compile(r"\bin_[a-z]\b")
_SUGGEST_BUDGET = 200_000  # names did-you-mean hints compare a misspelling with, in all


class Skip(Exception):
    """The layer depends on something that already failed: skip it without a message."""


class Invalid(Exception):
    """The layer is wrong; its diagnostic has been recorded."""


class TooLarge(Exception):
    """The expansion passed a size limit; its diagnostic has been recorded."""


@frozen
class Value:
    """A resolved value and where the user wrote it."""

    value: Any
    span: Span
    # written as a number (`1.5`), not computed by `$name` or `$(...)`: a hint about a value
    # that is not an integer tells the two apart
    literal: bool = False


@dataclass
class Scope:
    """One layer list being expanded: the file's, or one block body's."""

    prefix: tuple[str, ...]
    inp: int  # what `in` refers to (the network input at the top level)
    params: dict[str, Value] = field(default_factory=dict)
    ids: dict[str, int] = field(default_factory=dict)
    copies: dict[str, list[int]] = field(default_factory=dict)  # id of a repeat -> each copy
    id_spans: dict[str, Span] = field(default_factory=dict)
    declared: dict[str, Span] = field(default_factory=dict)  # every id in the body
    counters: dict[str, int] = field(default_factory=dict)
    calls: tuple[str, ...] = ()  # blocks being expanded, outermost first
    prev: int = 0
    broken: set[str] = field(default_factory=set)  # `let` names whose value failed (reported)

    def __post_init__(self) -> None:
        self.prev = self.inp


class Reader:
    """Diagnostics, the work and hint budgets, and the values of nodes (see the module)."""

    def __init__(self, max_layers: int, work: int = 0) -> None:
        self.max_layers = max_layers
        self.diagnostics: list[Diagnostic] = []
        self.shapes: list[Shape | None] = []  # the nodes' shapes, for `$(in_c)`
        self.work, self.work_limit = work, WORK_PER_LAYER * max_layers  # see spend
        self.suggested: dict[tuple[str, Any], str | None] = {}  # see suggest
        self.suggest_budget = _SUGGEST_BUDGET
        # values found to hold more than MAX_VALUE_ITEMS items: how many items a value holds
        # does not depend on the scope it is read in, so a block body's alias tree is walked
        # to its limit once, not again at every call
        self.oversized: set[int] = set()

    # ------------------------------------------------------------ reporting

    def error(self, code: str, message: str, span: Span, hint: str | None = None,
              path: tuple[str, ...] | None = None) -> None:
        self.diagnostics.append(
            Diagnostic(code, message, span, hint, path_str(path) if path else None))

    def fail(self, code: str, message: str, span: Span, hint: str | None = None,
             path: tuple[str, ...] | None = None) -> Invalid:
        self.error(code, message, span, hint, path)
        return Invalid()

    def spend(self, units: int, span: Span) -> None:
        """Count `units` of work against the expansion's budget (limits.WORK_PER_LAYER per
        allowed layer): what the layer count alone does not bound, such as long paths of
        deeply nested calls and large values read again at every call."""
        self.work += units
        if self.work > self.work_limit:
            self.error("E116", f"expanding the network takes more than {self.work_limit:,} "
                       "units of work (layers' nesting depth and the items of values read at "
                       "each call)", span, "flatten deeply nested blocks and shorten values "
                       "read in repeated blocks, or raise the limit with --max-layers")
            raise TooLarge()

    def suggest(self, word: str, choices: Collection[str] | Callable[[], Collection[str]],
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

    def plain(self, node: YNode, scope: Scope | None = None) -> Any:
        """The Python value of `node`, `$` references resolved, size-bounded against aliases."""
        if isinstance(node, YScalar):  # most values: no walk, no budget
            return self.scalar_value(node, scope)
        budget = [0 if id(node) in self.oversized else MAX_VALUE_ITEMS]
        value = self._walk(node, 0, node, budget, scope)
        # a value re-read at every visit (a block body's) costs its items each time
        self.spend(MAX_VALUE_ITEMS - budget[0], node.span)
        return value

    def _walk(self, n: YNode, depth: int, top: YNode, budget: list[int],
              scope: Scope | None) -> Any:
        """`plain` of `n`, at `depth` inside the value `top`, spending one of `budget` per
        item. (A method, not a closure calling itself: that would be a reference cycle
        holding the reader, whose whole expansion only the cyclic collector would free.)"""
        budget[0] -= 1
        if budget[0] < 0:
            self.oversized.add(id(top))
            raise self.fail("E116", f"this value has more than {MAX_VALUE_ITEMS} items",
                            top.span, "arguments are numbers or short lists")
        if isinstance(n, YScalar):
            return self.scalar_value(n, scope)
        if depth >= MAX_VALUE_DEPTH:  # the walk recurses: bounded well inside the stack
            raise self.fail("E119", f"this value nests lists or mappings more than "
                            f"{MAX_VALUE_DEPTH} levels deep", n.span,
                            "arguments are numbers or short lists",
                            scope.prefix if scope else None)
        if isinstance(n, YSeq):
            return [self._walk(item, depth + 1, top, budget, scope) for item in n.items]
        return {str(k.value): self._walk(v, depth + 1, top, budget, scope) for k, v in n.items}

    def scalar_value(self, node: YScalar, scope: Scope | None) -> Any:
        text = node.value
        if node.quoted and not (isinstance(text, str) and text.startswith("$")):
            return text
        if not isinstance(text, str) or not text.startswith("$"):
            return text
        if text.startswith("$("):
            return self._expression(node, text, scope)
        match = PARAM_REF.match(text)
        if not match:
            raise self.fail("E112", f"'{text}' is neither $name nor $(expression)", node.span,
                            "write $name for a parameter or $(...) for an expression",
                            scope.prefix if scope else None)
        name = match.group(1)
        if scope is not None and name in scope.broken:
            raise Skip()
        if scope is None or name not in scope.params:
            raise self.fail("E117", f"unknown parameter ${name}", node.span,
                            self._param_hint(name, scope), scope.prefix if scope else None)
        return scope.params[name].value

    def _param_hint(self, name: str, scope: Scope | None) -> str:
        known = [] if scope is None else list(scope.params)
        if scope is None or not scope.calls:
            return (self.suggest(name, known) if known else None) or (
                f"names here: {listing(known)}" if known else
                "$name refers to a block parameter, a file parameter (`params:`) or a "
                "`let` name; there are none here")
        return (self.suggest(name, known)
                or f"the parameters of '{scope.calls[-1]}' are: {listing(known) or 'none'}")

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
        if scope is not None and scope.broken and any(
                re.search(rf"\b{name}\b", body) for name in scope.broken):
            raise Skip()  # a `let` name it uses failed: reported there
        if scope is not None and IN_NAMES.search(body):
            shape = self.shape(scope.inp)
            if shape is None:
                raise Skip()
            env.update(input_names(shape))
        size = None
        if scope is not None and "size" in body:
            size = self._size_of(node.span, scope)
        try:
            return evaluate(body, env, size)
        except ExprError as exc:
            hint = exc.hint
            if hint is None and "name" in exc.message:
                hint = f"names here: {listing(env) or 'none'}"
            raise self.fail("E112", f"in $({body}): {exc.message}", node.span, hint,
                            scope.prefix if scope else None) from None

    def _size_of(self, span: Span, scope: Scope) -> Callable[[str, int], int]:
        """`size(x, d)` in scope: x resolved as `from:` resolves it (`ref`), d counted over
        the batch-less shape, negative from the end."""
        from .expr import ExprError

        def size(name: str, dim: int) -> int:
            shape = self.shape(self.ref(name, span, scope))
            if shape is None:
                raise Skip()
            if not -len(shape) <= dim < len(shape):
                raise ExprError(f"size({name}, {dim}): the output {list(shape)} has "
                                f"{len(shape)} dims", f"dims go from {-len(shape)} to "
                                f"{len(shape) - 1} (0 = channels; the batch is not counted)")
            return shape[dim]
        return size

    def ref(self, name: str, span: Span, scope: Scope) -> int:
        """The node an id, `prev`, `in` or `input` names in `scope` (scopes.py resolves them;
        the declarations step has no layers)."""
        raise self.fail("E109", f"size({name}, ...) needs a layer, and none is in scope here",
                        span)

    def shape(self, ref: int) -> Shape | None:
        return None if ref < 0 else self.shapes[ref]


def describe(node: YNode) -> str:
    """What a node is, for a message: "a mapping", "the number 3", "the text 'x'"."""
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


def listing(items: Collection[str], limit: int = 10) -> str:
    """`a, b, c`; a long list cut to its first `limit` items and its length (a message must
    not grow with the file: a mistake can be reported once per call)."""
    shown = ", ".join(itertools.islice(items, limit))
    return shown if len(items) <= limit else f"{shown}, ... ({len(items):,} in all)"


def input_names(shape: Shape) -> dict[str, int]:
    """`in_c`, `in_h`, ... for `$(expr)`: the block input's shape."""
    axes = {0: ("c",), 1: ("c", "l"), 2: ("c", "h", "w"), 3: ("c", "d", "h", "w")}
    letters = axes.get(len(shape) - 1, ("c",) if len(shape) == 1 else ())
    return {f"in_{a}": d for a, d in zip(letters, shape)}


def arg_hint(spec: OpSpec, name: str) -> str | None:
    """The hint for an argument `spec` does not take: the closest name, or all of them."""
    visible = [a.name for a in spec.args]
    return did_you_mean(name, visible) or (
        f"{spec.name} takes: {', '.join(visible)}" if visible else
        f"{spec.name} takes no arguments")

"""The expander's memos, in one place, and the replay of block calls.

An expansion reads the same entries again and again (a repeated block's body, a flat file's
identical lines); each memo here keeps what one reading found, keyed so that a reading alike
gives the same answer. The largest is the replay of block calls: a call alike an earlier one
(same block, parameter values, input shape and callers) makes the same nodes, so it is
replayed from the first under its own prefix instead of expanded entry by entry — the copies
of a repeat cost what making their nodes costs. Only calls that went cleanly are recorded (no
diagnostic, no `expect:`, every shape known), from the second alike on (most calls in a zoo
network are one of a kind); a replay that would cross a size limit expands instead, to
report it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from .frozen import frozen
from .graph import Node, Shape
from .loader import YNode, YScalar
from .source import Span
from .values import Value

CallKey = tuple[tuple[str, ...], tuple[tuple[str, str], ...], Shape | None, bool, bool]
Form = tuple[YScalar, YNode | None, dict[str, YNode]]
Groups = list[tuple[tuple[str, ...], str]]


@frozen
class Call:
    """A block call's nodes, recorded to be replayed: per node (op, path below the call, args,
    inputs, span, arg spans, rank, shape, trainable, inference, its outputs if several), inputs and
    `out` as offsets into the call, -1 for the call's input and -2 for the network's."""

    nodes: list[tuple[Any, ...]]
    out: int
    visited: int  # layer entries the call visited
    groups: Groups  # the blocks and repeats inside, by path
    parts: int  # path parts of its nodes below the call (work, see `Reader.spend`)


class Memo:
    """Every memo of one expansion. Entries keyed by `id(node)` are safe: the node tree lives
    as long as the expansion."""

    def __init__(self) -> None:
        self.forms: dict[int, Form] = {}  # layer entry -> (op key, value, meta keys)
        # (value, op) -> its binding, once read twice without `$` (None: read once)
        self.bound: dict[tuple[int, str], dict[str, Value] | None] = {}
        self.literal: dict[int, bool] = {}  # value -> whether it has no `$`
        # (op, arguments written) -> the checked arguments, shared by the layers alike
        self.checked: dict[tuple[Any, ...], dict[str, Any]] = {}
        self.inferred: dict[tuple[Any, ...], Shape] = {}  # passes.kind -> its output shape
        self.pieces: dict[tuple[Any, ...], tuple[Shape, ...]] = {}  # ... a split op's outputs
        self.calls: dict[CallKey, Call | None] = {}  # None: seen once, not recorded
        self.replays = 0  # calls replayed so far

    def recorded(self, key: CallKey) -> Call | None:
        return self.calls.get(key)

    def finished(self, key: CallKey, record: Callable[[], Call]) -> None:
        """A call went cleanly: record it if one alike was seen before."""
        self.calls[key] = record() if key in self.calls else None

    def replay(self, call: Call, prefix: tuple[str, ...], inp: int, nodes: list[Node],
               shapes: list[Shape | None], outputs: dict[int, tuple[Shape, ...]]) -> int:
        """Append `call`'s nodes under `prefix`, on node `inp`; returns the call's output."""
        self.replays += 1
        start = len(nodes)
        places = (inp, 0)  # where -1 and -2 point

        def at(offset: int) -> int:
            return start + offset if offset >= 0 else places[-1 - offset]

        for (op, path, args, inputs, span, spans, rank, shape, trainable, inference,
             pieces) in call.nodes:
            if pieces is not None:
                outputs[len(nodes)] = pieces
            nodes.append(Node(len(nodes), op, prefix + path, args, tuple(map(at, inputs)),
                              span, spans, rank, trainable, inference))
            shapes.append(shape)
        return at(call.out)


def record(nodes: list[Node], shapes: list[Shape | None],
           outputs: dict[int, tuple[Shape, ...]], start: int, inp: int,
           prefix: tuple[str, ...], out: int, visited: int, groups: Groups) -> Call:
    """The call on node `inp` under `prefix` that made `nodes[start:]` and `groups`."""
    def where(i: int) -> int:  # in the call: its offset; the call's input -1, the net's -2
        return i - start if i >= start else -1 if i == inp else -2

    n = len(prefix)
    made = [(node.op, node.path[n:], node.args, tuple(map(where, node.inputs)), node.span,
             node.arg_spans, node.rank, shapes[node.index], node.trainable, node.inference,
             outputs.get(node.index))
            for node in nodes[start:]]
    return Call(made, where(out), visited, [(path[n:], label) for path, label in groups],
                sum(len(node[1]) for node in made))


def first_span(call: Call) -> Span:
    return call.nodes[0][4]  # type: ignore[no-any-return]

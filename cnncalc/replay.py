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

The files of one run (`check` of many files) may share their records too (`Shared`): a
YOLO config's document calls the reader's block library, one and the same node tree in every
document, so `Conv` of 64 channels on a 160x160 input is expanded once per run, not once per
file.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from .frozen import frozen
from .graph import Node, Shape
from .loader import YMap, YNode, YScalar
from .passes import Answers
from .source import Span
from .values import Value

if TYPE_CHECKING:
    from .declare import Block, Declarations

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


class World:
    """The memos of the files that agree on everything a block call's expansion reads besides
    its key (`CallKey`): the block definitions it may call, op `defaults:`, the file
    parameters and top-level `let` names local blocks see, the network input (`input` inside
    a block) and the file's `layout:` (`Shared` says which files do). A file alone has a
    world of its own."""

    def __init__(self, blocks: YNode | None = None) -> None:
        # held, so that no other node takes its id while the world keyed by that id lives
        self.blocks = blocks
        self.calls: dict[CallKey, Call | None] = {}  # None: seen once, not recorded
        self.sizes: dict[Any, int] = {}  # visits.Visits' memo: it reads only the blocks
        # arguments.check_args' memo, by the arguments' values: nodes alike in any file of the
        # world share one arguments dict, so the passes' answers for them are shared too
        self.checked: dict[tuple[Any, ...], dict[str, Any]] = {}
        self.held = 0  # entries and recorded nodes in `calls`: bounds its memory
        self.files = 0  # the files that have used it
        self.answers = Answers()  # the passes' per-node rules, by kind of node


class Shared:
    """The worlds of one run's files, the most recently used last. Only a file without
    `include:`, `defaults:`, `params:` and `let:` may share one (what those bring differs
    from file to file), keyed by its `blocks:` node itself, its input shape and its layout:
    two documents share records only when they hold the very same definitions (the YOLO
    reader's library), never blocks that merely read alike, whose nodes would name another
    file's lines. A few worlds are kept, and each holds a bounded number of records, so that
    memory stays flat over any number of files."""

    WORLDS = 8
    # entries a world holds before it starts again: every shipped YOLO config at every scale
    # makes about 52,000 (about 20 MiB)
    HELD = 100_000

    def __init__(self) -> None:
        self.worlds: dict[tuple[int, Shape, str], World] = {}
        # a `blocks:` node's declared blocks, by the node's id (the node held beside them)
        self.declared: dict[int, tuple[YNode, dict[str, Block], frozenset[str]]] = {}

    def blocks(self, node: YNode) -> tuple[dict[str, Block], frozenset[str]] | None:
        """The blocks (and the broken ones) an earlier file declared from this very node."""
        known = self.declared.pop(id(node), None)
        if known is None or known[0] is not node:
            return None
        self.declared[id(node)] = known  # the most recently used last
        return known[1], known[2]

    def keep_blocks(self, node: YNode, found: tuple[dict[str, Block], frozenset[str]]) -> None:
        """Keep the blocks declared from `node`, without a problem, for the next files."""
        self.declared[id(node)] = (node, dict(found[0]), found[1])
        if len(self.declared) > self.WORLDS:
            del self.declared[next(iter(self.declared))]

    def world(self, root: YNode, declarations: Declarations) -> World | None:
        """The world of the file `root`, declared as `declarations` (None: it shares none).
        A file whose declarations found a problem shares nothing: a block that calls itself
        makes what `visits` counts depend on the order of the calls."""
        shape = declarations.shape
        if not isinstance(root, YMap) or shape is None or declarations.diagnostics:
            return None
        blocks = root.get("blocks")
        if blocks is None or any(root.get(k) is not None
                                 for k in ("include", "defaults", "params", "let")):
            return None
        key = (id(blocks), shape, declarations.layout)
        world = self.worlds.pop(key, None)
        if (world is None or world.blocks is not blocks
                or world.held + len(world.sizes) + len(world.checked)
                + len(world.answers.answers) > self.HELD):
            world = World(blocks)
        world.files += 1
        self.worlds[key] = world
        if len(self.worlds) > self.WORLDS:
            del self.worlds[next(iter(self.worlds))]
        return world


class Memo:
    """Every memo of one expansion. Entries keyed by `id(node)` are safe: the node tree lives
    as long as the expansion. The records of calls live in its `world`, which files alike
    share (`Shared`)."""

    def __init__(self, world: World | None = None) -> None:
        self.world = world or World()
        self.forms: dict[int, Form] = {}  # layer entry -> (op key, value, meta keys)
        # (value, op) -> its binding, once read twice without `$` (None: read once)
        self.bound: dict[tuple[int, str], dict[str, Value] | None] = {}
        self.literal: dict[int, bool] = {}  # value -> whether it has no `$`
        # (op, arguments written) -> the checked arguments, shared by the layers alike
        self.checked = self.world.checked
        self.inferred: dict[tuple[Any, ...], Shape] = {}  # passes.kind -> its output shape
        self.pieces: dict[tuple[Any, ...], tuple[Shape, ...]] = {}  # ... a split op's outputs
        self.calls = self.world.calls
        self.replays = 0  # calls replayed so far

    def recorded(self, key: CallKey) -> Call | None:
        return self.calls.get(key)

    def finished(self, key: CallKey, record: Callable[[], Call]) -> None:
        """A call went cleanly: record it if one alike was seen before, or at once in a world
        another file used before (the next file of the family likely calls it alike)."""
        call = record() if key in self.calls or self.world.files > 1 else None
        self.calls[key] = call
        self.world.held += 1 + (len(call.nodes) if call is not None else 0)

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

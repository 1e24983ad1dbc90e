"""Analysis passes over the graph IR. Each reads the registry and returns per-node values.

A pass's per-node rule is a function of (node, ctx, out); `Memo` runs it once per kind of
node, so a network of 10^5 layers built from a few repeated blocks costs a few rule calls.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, TypeVar

from ..graph import Node, Shape
from ..ops import REGISTRY, Ctx

T = TypeVar("T")


def context(node: Node, shapes: Sequence[Shape | None], nodes: Sequence[Node]) -> Ctx | None:
    """The rule context of `node`, or None when an input's shape is unknown (failed upstream)."""
    inputs = tuple(shapes[i] for i in node.inputs)
    if any(s is None for s in inputs):
        return None
    if not inputs:  # the network input node
        inputs = (node.args["shape"],)
    names = tuple(nodes[i].name for i in node.inputs)
    return Ctx(node.args, inputs, node.rank, names)  # type: ignore[arg-type]


class Memo:
    """Per-node rules run once per kind of node.

    A rule's answer depends on the node's op, arguments, demanded rank and input shapes, and
    on nothing else of the node: input names only go into error messages, which only shape
    inference makes. Layers alike share one arguments dict (`expand._check_args`), so every
    copy of a repeated block is the same kind of node; a merge's list of input ids says no
    more than its input shapes do, so merges alike are one kind too. The context the rules
    see is made once per kind, from its first node.
    """

    def __init__(self, nodes: Sequence[Node], shapes: Sequence[Shape | None],
                 shared: Answers | None = None) -> None:
        """`shared`: the answers of the files analysed before in the same run (`check`),
        kept for the next."""
        self.nodes, self.shapes = nodes, shapes
        kinds: dict[tuple[Any, ...], int] = {}  # the nodes keep their arguments dicts alive
        self.kind: list[int] = []  # by node index
        self.first: list[Node] = []  # by kind: its first node
        for node in nodes:
            k = kinds.setdefault(kind(node, shapes), len(kinds))
            self.kind.append(k)
            if k == len(self.first):
                self.first.append(node)
        self.kinds = list(kinds)  # by kind: its key
        self.answers: dict[tuple[Any, int], Any] = {}  # by (rule, kind)
        self.contexts: dict[int, Ctx | None] = {}  # by kind, made for the first rule asked
        self.shared = shared
        self.shared_by_kind: dict[int, dict[Any, Any]] = {}  # by kind: its shared answers

    def __call__(self, rule: Callable[[Node, Ctx | None, Shape | None], T], node: Node) -> T:
        kind = self.kind[node.index]
        key = (rule, kind)
        if key in self.answers:
            answer: T = self.answers[key]
            return answer
        shared = None
        if self.shared is not None:
            shared = self.shared_by_kind.get(kind)
            if shared is None:
                shared = self.shared_by_kind[kind] = self.shared.of(self.kinds[kind], node.args)
            if rule in shared:
                answer = self.answers[key] = shared[rule]
                return answer
        if kind not in self.contexts:
            self.contexts[kind] = context(node, self.shapes, self.nodes)
        answer = rule(node, self.contexts[kind], self.shapes[node.index])
        self.answers[key] = answer
        if shared is not None:
            shared[rule] = answer
        return answer

    def each(self, rule: Callable[[Node, Ctx | None, Shape | None], T]) -> list[T]:
        """The rule's answer for every node, in node order (asked once per kind)."""
        by_kind = [self(rule, node) for node in self.first]
        return [by_kind[k] for k in self.kind]


class Answers:
    """The rules' answers by kind of node, shared by the files of one run (`check`) that
    share their block calls' records and arguments (a replay.World): their nodes alike are
    of one kind. A kind names its arguments dict by id, so each answer holds that dict: no
    other dict can take its id while the answer is kept, and an answer is taken only for the
    very same dict."""

    def __init__(self) -> None:
        # kind -> (its arguments dict, {rule: answer})
        self.answers: dict[tuple[Any, ...], tuple[dict[str, Any], dict[Any, Any]]] = {}

    def of(self, kind: tuple[Any, ...], args: dict[str, Any]) -> dict[Any, Any]:
        """The answers by rule for nodes of `kind` whose arguments are `args` (a dict to add
        the answers found to; a new one when the kind's are for another dict)."""
        known = self.answers.get(kind)
        if known is None or known[0] is not args:
            known = self.answers[kind] = (args, {})
        return known[1]


def kind(node: Node, shapes: Sequence[Shape | None]) -> tuple[Any, ...]:
    """What a per-node rule's answer depends on (see Memo): op, arguments, rank, input shapes.
    The arguments are the node's dict, shared by layers alike and alive as long as the nodes,
    or for a merge its arguments other than the list of inputs."""
    listed = REGISTRY[node.op].list_arg
    arguments = id(node.args) if listed is None else tuple(
        item for item in node.args.items() if item[0] != listed)
    return (node.op, arguments, node.rank, *[shapes[i] for i in node.inputs])


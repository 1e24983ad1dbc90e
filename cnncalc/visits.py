"""How many layer entries a block call visits, at least, counted before it is expanded.

Repeats counted this way, literal or parameterised, let nested fan-out (a block repeating a
block repeating a block...) be refused with E116 before it is walked.
"""

from __future__ import annotations

import contextlib
from typing import Any

from .declare import Block
from .format import META
from .limits import MAX_CALL_DEPTH, MAX_INT
from .loader import YMap, YNode, YScalar, YSeq
from .ops.base import REQUIRED
from .values import IN_NAMES, PARAM_REF

_SIZE_MEMO = 10_000  # calls `size` tells apart by their parameters; past it, only by block


class Visits:
    def __init__(self, blocks: dict[str, Block], sizes: dict[Any, int] | None = None) -> None:
        """`sizes`: the memo of earlier files with the very same blocks (replay.World), if
        any: a size depends on the blocks and the parameters only (and on the depth it was
        first counted at, for blocks nested past MAX_CALL_DEPTH, which are refused with E119;
        the only blocks files share are the YOLO reader's, a few levels deep)."""
        self.blocks = blocks
        self.sizes = {} if sizes is None else sizes
        # the keys this expansion asked for: past _SIZE_MEMO of them, calls are told apart by
        # block only, counted per file so that a file's answers never depend on the files
        # that shared the memo before it
        self.asked: set[Any] = set()

    def size(self, block: Block, env: dict[str, Any], depth: int = 0) -> int:
        """How many layer entries one call of `block` visits, at least, when its parameters
        have the values `env` (those known without expanding: literals, and `$name` or
        `$(expr)` of known ones)."""
        # typed: true and 1 are equal keys, but not the same `when`
        key = (block.name, tuple((k, type(v), v) for k, v in env.items())
               if len(self.asked) < _SIZE_MEMO else ())
        self.asked.add(key)
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
            if callee is None or _static(when, env) is False:
                continue
            repeat = _static(count, env)
            if not isinstance(repeat, int) or isinstance(repeat, bool) or repeat < 1:
                repeat = 1
            inner = 1 if depth >= MAX_CALL_DEPTH else self.size(
                callee, _static_args(callee, value, env), depth + 1)
            total = min(total + repeat * inner, MAX_INT)  # compared with the limit only
        self.sizes[key] = total
        return total


def plain_values(params: dict[str, Any]) -> dict[str, Any]:
    """The parameters `Visits.size` can key on: numbers and text."""
    return {k: v for k, v in params.items() if isinstance(v, (int, float, str))}


def _static(node: YNode | None, env: dict[str, Any]) -> Any:
    """A scalar's value when it is known before expansion (None when it is not)."""
    if not isinstance(node, YScalar):
        return None
    text = node.value
    if not isinstance(text, str) or not text.startswith("$"):
        return text
    match = PARAM_REF.match(text)
    if match:
        return env.get(match.group(1))
    if text.startswith("$(") and text.endswith(")") and not IN_NAMES.search(text):
        from .expr import ExprError, evaluate

        with contextlib.suppress(ExprError):
            return evaluate(text[2:-1], env)
    return None


def _static_args(block: Block, value: YNode | None, env: dict[str, Any]) -> dict[str, Any]:
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
        args[name] = _static(item, env)
    return plain_values(args)

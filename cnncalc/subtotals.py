"""Per-op subtotals (`cnncalc show --group-by op`): where a network's parameters, MACs and
memory are, by kind of layer. AlexNet's convolutions hold 4% of its parameters and do 92% of
its multiplies; its fully connected layers the rest.
"""

from __future__ import annotations

from .analysis import Analysis
from .frozen import frozen


@frozen
class OpTotal:
    """One kind of op: how many layers, and their sums with each sum's share of the total (a
    fraction, 0 when the total is 0)."""

    op: str
    layers: int
    params: int
    macs: int
    memory: int  # bytes their outputs allocate (x batch)
    params_share: float
    macs_share: float
    memory_share: float


@frozen
class Subtotals:
    rows: tuple[OpTotal, ...]  # by parameters, then MACs, most first; then by name
    depth: int  # conv and linear layers on the longest path (the depth a paper quotes)
    layers: int  # every layer


def by_op(a: Analysis) -> Subtotals:
    """The layers of `a` summed by op (the layers it could compute; the totals say when some
    are missing)."""
    sums: dict[str, list[int]] = {}
    for layer in a.layers:
        row = sums.setdefault(layer.op, [0, 0, 0, 0])
        row[0] += 1
        row[1] += layer.params
        row[2] += layer.macs
        row[3] += layer.activation_bytes
    total = [sum(r[i] for r in sums.values()) for i in range(4)]

    def share(value: int, of: int) -> float:
        return value / of if of else 0.0

    rows = [OpTotal(op, n, params, macs, memory, share(params, total[1]),
                    share(macs, total[2]), share(memory, total[3]))
            for op, (n, params, macs, memory) in sums.items()]
    rows.sort(key=lambda r: (-r.params, -r.macs, r.op))
    return Subtotals(tuple(rows), a.totals.depth, len(a.layers))

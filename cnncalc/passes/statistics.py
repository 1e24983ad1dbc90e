"""Normalisation over too few values: PyTorch refuses to compute a mean and variance from one
value ("Expected more than 1 value per channel"), so a layer whose statistic covers a single
value at the analysed batch cannot run (GroupNorm after global pooling at batch 1).

cnncalc's figures are those of inference (`model.eval()`): batch norm then uses its running
statistics and needs nothing of the batch, unless `track_running_stats: false`; group norm
always normalises what it is given. Each op says how many values a statistic covers per batch
element (`OpSpec.statistics`); this pass multiplies by the batch.
"""

from __future__ import annotations

from collections.abc import Iterator

from ..diagnostics import Diagnostic
from ..graph import Graph, Node, Shape
from ..ops import REGISTRY, Ctx
from . import Memo


def values(node: Node, ctx: Ctx | None, out: Shape | None) -> int | None:
    """Values per statistic per batch element (a rule: see passes.Memo)."""
    rule = REGISTRY[node.op].statistics
    return None if rule is None or ctx is None or out is None else rule(ctx)


def check(graph: Graph, rules: Memo, batch: int) -> Iterator[Diagnostic]:
    """E211 for each layer whose statistics would cover one value at `batch`."""
    for node, n in zip(graph.nodes, rules.each(values)):
        if n is not None and n * batch <= 1:
            yield Diagnostic(
                "E211", f"{node.op} would compute each mean and variance from a single value "
                f"at batch {batch}: PyTorch refuses that (\"Expected more than 1 value per "
                "channel\")",
                node.span, "analyse a batch of 2 or more (`--batch 2`, or `batch: 2` in the "
                "file), or normalise before the spatial size drops to 1", node.name)

"""The depth a paper quotes: "ResNet-152", "VGG-19", "GoogLeNet, 22 layers deep".

Papers count the layers with weights, conv and linear (`OpSpec.depth`), on the longest path
from the input to the output: VGG-19's 16 convs and 3 fully connected layers; ResNet-152's
1 + 3·50 convs and its classifier, not the projection shortcuts beside them; GoogLeNet's 22,
an inception module counting 2 (its deepest branch, a 1x1 reduction and a 3x3 or 5x5).
"""

from __future__ import annotations

from ..graph import Graph
from ..ops import REGISTRY


def depth(graph: Graph) -> int:
    """Conv and linear layers on the longest path through the graph (nodes are in
    topological order, so one sweep)."""
    deepest: list[int] = []
    for node in graph.nodes:
        before = max((deepest[i] for i in node.inputs), default=0)
        deepest.append(before + (1 if REGISTRY[node.op].depth else 0))
    return deepest[graph.output] if graph.output >= 0 else max(deepest, default=0)

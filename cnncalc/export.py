"""What exporting an analysed network needs besides writing it: the checks that it can be
exported, the structure of its block calls, and for a PyTorch module the plan of it (each
layer's code, its attribute, the variable each output lives in). The writers are renderers
(render/pytorch.py, render/diagram.py, by name in render/registry.py's EXPORT); nothing here
writes a file's text and nothing imports torch.

The PyTorch code comes from each op's `torch` rule (torchgen.node_code), the same code the
parity tests build every layer with, so the exported model has the shapes, parameters and
buffers cnncalc reports.
"""

from __future__ import annotations

import builtins
import keyword
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from .analysis import Analysis
from .diagnostics import Diagnostic
from .graph import Graph, Node, Shape, path_str
from .ops import REGISTRY
from .render.registry import EXPORT, View
from .torchgen import PRELUDE, node_code

FORMATS = tuple(EXPORT)  # by name, as the CLI offers them


class ExportError(ValueError):
    """The analysis cannot be exported (no graph, a layer that failed, an unknown format), or
    a diagram is too large to draw: then `diagnostic` says so with its code (E180, E181)."""

    def __init__(self, message: str, diagnostic: Diagnostic | None = None) -> None:
        super().__init__(message)
        self.diagnostic = diagnostic


def too_large(code: str, message: str, hint: str) -> ExportError:
    """A diagram past what is drawn (the code's entry in diagnostics.CODES): a problem of the
    whole file at that depth, so its diagnostic has no span."""
    return ExportError(message, Diagnostic(code, message, hint=hint))


def deepest_fitting(fits: Callable[[int], bool], below: int) -> int | None:
    """The largest depth under `below` at which `fits` holds, or None when not even depth 1
    does; by bisection (a picture only grows with the depth), so a few pictures are drawn
    whatever the nesting."""
    lo, hi = 0, max(below, 1)  # fits at lo (0: none found yet), not at hi
    while hi - lo > 1:
        mid = (lo + hi) // 2
        if fits(mid):
            lo = mid
        else:
            hi = mid
    return lo or None


def export(analysis: Analysis, to: str) -> str:
    """The network in format `to` (one of FORMATS), as the text of a file (its renderer in
    render/registry.py's EXPORT); ExportError when it cannot be exported."""
    if to not in EXPORT:
        raise ExportError(f"unknown export format {to!r}; choose one of {', '.join(FORMATS)}")
    return "".join(EXPORT[to](analysis, View()))


# ---------------------------------------------------------------- names

# What nn.Module already means by an attribute name: a layer called `training`, `forward` or
# `to` would replace it. (Names starting with `_` are avoided altogether.)
_MODULE_ATTRIBUTES = frozenset((
    "T_destination", "add_module", "apply", "bfloat16", "buffers", "call_super_init",
    "children", "compile", "cpu", "cuda", "double", "dump_patches", "eval", "extra_repr",
    "float", "forward", "get_buffer", "get_extra_state", "get_parameter", "get_submodule",
    "half", "ipu", "load_state_dict", "modules", "mtia", "named_buffers", "named_children",
    "named_modules", "named_parameters", "parameters", "register_backward_hook",
    "register_buffer", "register_forward_hook", "register_forward_pre_hook",
    "register_full_backward_hook", "register_full_backward_pre_hook",
    "register_load_state_dict_post_hook", "register_load_state_dict_pre_hook",
    "register_module", "register_parameter", "register_state_dict_post_hook",
    "register_state_dict_pre_hook", "requires_grad_", "set_extra_state", "set_submodule",
    "share_memory", "state_dict", "to", "to_empty", "train", "training", "type", "xpu",
    "zero_grad",
))

# Names the generated file defines or uses besides the layers.
_PRELUDE_CHUNKS = [c.strip() for c in re.split(r"\n(?=(?:class|def) )", PRELUDE) if c.strip()]
PRELUDE_NAMES = {m.group(1): chunk for chunk in _PRELUDE_CHUNKS
                  if (m := re.match(r"(?:class|def) (\w+)", chunk))}
_GLOBALS = frozenset({"torch", "nn", "INPUT_SHAPE", "model", "out", *PRELUDE_NAMES})
_LOCALS = frozenset({"self", "x", "inp", *_GLOBALS, *dir(builtins)})
INPUT_VAR = "inp"  # the network input, when a later layer reads it again


def _identifier(parts: Sequence[str], fallback: str = "layer") -> str:
    """("res3", "[0]", "conv2") -> "res3_0_conv2": never empty, never starting with a digit
    or an underscore (nn.Module keeps its own state in `_` names)."""
    words = (re.sub(r"\W+", "_", p.strip("[]"), flags=re.ASCII).strip("_") for p in parts)
    name = "_".join(w for w in words if w)
    if not name or name[0].isdigit():
        name = f"{fallback}_{name}" if name else fallback
    return name


def _unique(name: str, taken: set[str], reserved: frozenset[str]) -> str:
    """`name`, or with a suffix when it is reserved or already taken."""
    if keyword.iskeyword(name) or name in reserved:
        name += "_"
    candidate, n = name, 2
    while candidate in taken or keyword.iskeyword(candidate) or candidate in reserved:
        candidate, n = f"{name}_{n}", n + 1
    taken.add(candidate)
    return candidate


def class_name(name: str) -> str:
    """The model class for a network name: "mobilenet_v2" -> "MobilenetV2"."""
    words = re.findall(r"[A-Za-z0-9]+", name)
    out = "".join(w[0].upper() + w[1:] for w in words)
    if not out or out[0].isdigit():
        out = "Net" + out
    if keyword.iskeyword(out) or out in _GLOBALS or out in dir(builtins):
        out += "Net"
    return out


def module_names(analysis: Analysis) -> dict[int, str]:
    """The attribute of every node that builds a module (node index -> name), from the layer
    path: res3[0].conv2 -> res3_0_conv2; unique, valid, and no nn.Module attribute. Merges
    and the input build none."""
    graph, shapes = _complete(analysis)
    return _module_names(graph, _codes(graph, shapes))


def _module_names(graph: Graph, codes: dict[int, tuple[str | None, str]]) -> dict[int, str]:
    taken: set[str] = set()
    return {node.index: _unique(_identifier(node.path), taken, _MODULE_ATTRIBUTES)
            for node in graph.nodes[1:] if codes[node.index][0] is not None}


# ---------------------------------------------------------------- checks


def graph_of(analysis: Analysis) -> Graph:
    """The network's graph, or ExportError when the file gave none."""
    if analysis.graph is None:
        raise ExportError("nothing to export: the file did not give a network "
                          "(run `cnncalc check` for the errors)")
    return analysis.graph


def _complete(analysis: Analysis) -> tuple[Graph, tuple[Shape, ...]]:
    """The graph and every node's shape, or ExportError naming the first layer that failed."""
    graph = graph_of(analysis)
    shapes = analysis.shapes
    for node in graph.nodes:
        if node.index >= len(shapes) or shapes[node.index] is None:
            raise ExportError(f"cannot export: layer {node.name} has no shape (it or an "
                              "earlier layer has an error)")
    if graph.output < 0:
        raise ExportError("cannot export: the network's output layer failed")
    return graph, tuple(s for s in shapes if s is not None)


def _codes(graph: Graph, shapes: Sequence[Shape]) -> dict[int, tuple[str | None, str]]:
    """Every layer's (module constructor or None, forward template), from its op's torch rule."""
    codes = {}
    for node in graph.nodes[1:]:
        code = node_code(node, shapes, graph.nodes)
        if code is None:
            raise ExportError(f"cannot export {node.name}: {node.op} has no PyTorch code")
        if code[0] is None and "{m}" in code[1]:
            raise ExportError(f"cannot export {node.name}: its forward code calls a module "
                              f"but {node.op} builds none")
        codes[node.index] = code
    return codes


def _consumers(graph: Graph) -> dict[int, list[int]]:
    """Node index -> the nodes reading its output, in order (twice if read twice)."""
    out: dict[int, list[int]] = {node.index: [] for node in graph.nodes}
    for node in graph.nodes:
        for i in node.inputs:
            out[i].append(node.index)
    return out


def groups_of(graph: Graph, path: tuple[str, ...]) -> list[tuple[str, ...]]:
    """The block calls and repeats a path lies in, outermost first."""
    return [path[:n] for n in range(1, len(path)) if path[:n] in graph.groups]


def _group_outputs(graph: Graph, consumers: dict[int, list[int]]) -> dict[int, tuple[str, ...]]:
    """Node -> the outermost block call or repeat whose output it is (the one node of the group
    read from outside it), so a local variable can be called `layer1` rather than
    `layer1_1_relu1`."""
    inside: dict[tuple[str, ...], list[int]] = {}
    for node in graph.nodes:
        for group in groups_of(graph, node.path):
            inside.setdefault(group, []).append(node.index)
    outputs: dict[int, tuple[str, ...]] = {}
    for group, members in sorted(inside.items(), key=lambda item: -len(item[0])):
        leaving = [i for i in members if i == graph.output
                   or any(graph.nodes[c].path[:len(group)] != group for c in consumers[i])]
        if len(leaving) == 1:  # the longest first: an outer group overrides an inner one
            outputs[leaving[0]] = group
    return outputs


# ---------------------------------------------------------------- the PyTorch module


@dataclass(frozen=True)
class TorchPlan:
    """The PyTorch module of a network, decided: render/pytorch.py writes it out."""

    graph: Graph
    shapes: tuple[Shape, ...]
    codes: dict[int, tuple[str | None, str]]  # node -> (module constructor, forward template)
    attrs: dict[int, str]  # node -> the module attribute it builds
    var: dict[int, str]  # node -> the variable its output lives in (dead ends: none)
    inplace: dict[int, str]  # node -> the variable its in-place op changes under a later reader
    class_name: str
    results: tuple[int, ...]  # the nodes forward returns: one, or a tuple of `outputs:`
    frozen: frozenset[int]  # nodes under `trainable: false` whose modules have parameters


def torch_plan(analysis: Analysis) -> TorchPlan:
    """The module's plan, or ExportError naming what cannot be exported."""
    graph, shapes = _complete(analysis)
    nodes = graph.nodes
    codes = _codes(graph, shapes)
    consumers = _consumers(graph)
    last = len(nodes) - 1
    results = graph.results if len(graph.results) > 1 else (graph.results or (graph.output,))

    # Where each output lives: `x` when only the next layer reads it, else a local named after
    # the layer (or the block it is the output of). Dead ends get no variable.
    group_outputs = _group_outputs(graph, consumers)
    taken: set[str] = set()
    var: dict[int, str] = {}
    for node in nodes:
        i = node.index
        if (consumers[i] == [i + 1] and i not in results) or (
                results == (i,) and i == last and not consumers[i]):
            var[i] = "x"
        elif i == 0:
            var[i] = INPUT_VAR
        elif consumers[i] or i in results:
            var[i] = _unique(_identifier(group_outputs.get(i, node.path)), taken, _LOCALS)
    inplace = {}
    for node in nodes[1:]:
        if node.args.get("inplace") is True and node.inputs:
            j = node.inputs[0]
            if any(c > node.index for c in consumers[j]):
                inplace[node.index] = var[j]
    frozen = frozenset(node.index for node in nodes[1:]
                       if not node.trainable and analysis.layers[node.index - 1].params)
    return TorchPlan(graph, shapes, codes, _module_names(graph, codes), var, inplace,
                     class_name(analysis.name), results, frozen)


# ---------------------------------------------------------------- pictures

# How deep diagrams go when the reader does not say (--depth): block calls and repeat copies
# stay one node each below this many path levels, so ResNet-152 draws in ~60 nodes and every
# file of the zoo fits Mermaid's limits (tests/test_export.py checks it).
DEFAULT_DEPTH = 2


@dataclass(frozen=True)
class Item:
    """One node of a picture: a layer, or at --depth a block call or repeat standing for its
    layers (`collapsed`), with their params and MACs summed."""

    index: int  # its place in Picture.items, in network order
    path: tuple[str, ...]  # the layer's or the group's path
    name: str  # the same, written res3[0].conv2
    op: str  # the layer's op, or what the group is ("bottleneck x4")
    kind: str  # the op's kind (its colour); "block" for a group
    keys: str  # the op's key arguments, "k3 s2 c64" (a group: how many layers)
    shape: Shape | None  # the output (a group's: its last layer's); None when it failed
    changes: bool  # whether its output shape differs from its input's
    params: int
    macs: int
    inputs: tuple[int, ...]  # the items it reads, each once, in order
    collapsed: bool
    first: int  # its first and last graph node
    last: int


@dataclass(frozen=True)
class Edge:
    source: int  # items
    target: int
    shape: Shape | None  # the shape that flows along it (the source layer's output)


@dataclass(frozen=True)
class Picture:
    """A network as the diagrams draw it (render/diagram.py, svg.py)."""

    name: str
    source: str
    items: tuple[Item, ...]
    edges: tuple[Edge, ...]
    depth: int | None
    groups: dict[tuple[str, ...], str]  # the graph's block calls and repeats, by path
    layout: str = "chw"  # how labels write shapes: --layout, else the file's `layout:`


def _value_text(value: Any) -> str:
    if isinstance(value, (list, tuple)):
        if value and all(v == value[0] for v in value):
            value = value[0]  # a square kernel: k3, not k3x3
        else:
            return "x".join(_value_text(v) for v in value)
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def key_text(node: Node) -> str:
    """The op's key arguments (its registry entry's key_args) that the layer sets to other
    than their default: "k3 s2 c64"."""
    spec = REGISTRY.get(node.op)
    if spec is None:
        return ""
    words = []
    for arg, prefix in spec.key_args:
        value = node.args.get(arg)
        known = spec.arg(arg)
        if value is None or (known is not None and known.default is not None
                             and value == known.default):
            continue
        words.append(f"{prefix}{_value_text(value)}")
    return " ".join(words)


def picture(analysis: Analysis, depth: int | None = DEFAULT_DEPTH) -> Picture:
    """The items and edges of the diagrams: every layer, or with `depth` one item per block
    call or repeat deeper than `depth` path levels (as `show --depth` sums them). A layer that
    failed is still drawn, its shape unknown (None)."""
    graph = graph_of(analysis)
    shapes = analysis.shapes
    layers = analysis.layers

    def shape_of(i: int) -> Shape | None:
        return shapes[i] if i < len(shapes) else None

    key_of: dict[tuple[str, ...], int] = {}
    members: list[list[Node]] = []
    keys: list[tuple[str, ...]] = []
    item_of: list[int] = []
    for node in graph.nodes:
        key = node.path if depth is None or node.index == 0 else node.path[:depth]
        at = key_of.get(key)
        if at is None:
            at = key_of[key] = len(members)
            members.append([])
            keys.append(key)
        members[at].append(node)
        item_of.append(at)

    edges: dict[tuple[int, int], Edge] = {}
    inputs: list[list[int]] = [[] for _ in members]
    for node in graph.nodes:
        b = item_of[node.index]
        for j in node.inputs:
            a = item_of[j]
            if a != b and (a, b) not in edges:
                edges[a, b] = Edge(a, b, shape_of(j))
                inputs[b].append(a)

    items = []
    for at, (key, nodes) in enumerate(zip(keys, members)):
        first, last = nodes[0], nodes[-1]
        collapsed = len(nodes) > 1 or first.path != key
        spec = REGISTRY.get(first.op)
        outside = [j for n in nodes for j in n.inputs if item_of[j] != at]
        shape = shape_of(last.index)
        params = sum(layers[n.index - 1].params for n in nodes if 0 < n.index <= len(layers))
        macs = sum(layers[n.index - 1].macs for n in nodes if 0 < n.index <= len(layers))
        items.append(Item(
            index=at, path=key, name=path_str(key),
            op=graph.groups.get(key, first.op) if collapsed else first.op,
            kind="block" if collapsed else (spec.kind if spec else "other"),
            keys=f"({len(nodes)} layers)" if collapsed else key_text(first),
            shape=shape, changes=not outside or shape != shape_of(outside[0]),
            params=params, macs=macs, inputs=tuple(inputs[at]), collapsed=collapsed,
            first=first.index, last=last.index))
    return Picture(analysis.name, analysis.source.name, tuple(items), tuple(edges.values()),
                   depth, graph.groups, analysis.layout)

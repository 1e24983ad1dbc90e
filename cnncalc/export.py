"""Export an analysed network: a standalone PyTorch module, a Mermaid flowchart or a Graphviz
digraph. Everything here returns text; nothing prints and nothing imports torch.

The PyTorch code comes from each op's `torch` rule (torchgen.node_code), the same code the
parity tests build every layer with, so the exported model has the shapes, parameters and
buffers cnncalc reports.
"""

from __future__ import annotations

import builtins
import keyword
import re
from collections.abc import Callable, Sequence

from .analysis import Analysis
from .graph import Graph, Node, Shape, format_shape, path_str
from .render.registry import EXPORT
from .torchgen import PRELUDE, node_code

FORMATS = EXPORT  # by name, as the CLI offers them


class ExportError(ValueError):
    """The analysis cannot be exported (no graph, a layer that failed, an unknown format)."""


def export(analysis: Analysis, to: str) -> str:
    """The network in format `to` (one of FORMATS), as the text of a file."""
    exporters: dict[str, Callable[[Analysis], str]] = {
        "pytorch": to_pytorch, "mermaid": to_mermaid, "dot": to_dot}
    if to not in exporters:
        raise ExportError(f"unknown export format {to!r}; choose one of {', '.join(FORMATS)}")
    return exporters[to](analysis)


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
_PRELUDE_NAMES = {m.group(1): chunk for chunk in _PRELUDE_CHUNKS
                  if (m := re.match(r"(?:class|def) (\w+)", chunk))}
_GLOBALS = frozenset({"torch", "nn", "INPUT_SHAPE", "model", "out", *_PRELUDE_NAMES})
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


def _graph(analysis: Analysis) -> Graph:
    if analysis.graph is None:
        raise ExportError("nothing to export: the file did not give a network "
                          "(run `cnncalc check` for the errors)")
    return analysis.graph


def _complete(analysis: Analysis) -> tuple[Graph, tuple[Shape, ...]]:
    """The graph and every node's shape, or ExportError naming the first layer that failed."""
    graph = _graph(analysis)
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


def _groups_of(graph: Graph, path: tuple[str, ...]) -> list[tuple[str, ...]]:
    """The block calls and repeats a path lies in, outermost first."""
    return [path[:n] for n in range(1, len(path)) if path[:n] in graph.groups]


def _group_outputs(graph: Graph, consumers: dict[int, list[int]]) -> dict[int, tuple[str, ...]]:
    """Node -> the outermost block call or repeat whose output it is (the one node of the group
    read from outside it), so a local variable can be called `layer1` rather than
    `layer1_1_relu1`."""
    inside: dict[tuple[str, ...], list[int]] = {}
    for node in graph.nodes:
        for group in _groups_of(graph, node.path):
            inside.setdefault(group, []).append(node.index)
    outputs: dict[int, tuple[str, ...]] = {}
    for group, members in sorted(inside.items(), key=lambda item: -len(item[0])):
        leaving = [i for i in members if i == graph.output
                   or any(graph.nodes[c].path[:len(group)] != group for c in consumers[i])]
        if len(leaving) == 1:  # the longest first: an outer group overrides an inner one
            outputs[leaving[0]] = group
    return outputs


# ---------------------------------------------------------------- pytorch


def _doc_text(text: str) -> str:
    """Text safe inside a generated docstring or comment: one line, no quotes to end it."""
    text = "".join(c if c.isprintable() else repr(c)[1:-1] for c in text)
    return text.replace("\\", "\\\\").replace('"', '\\"')


def _prelude(code: str) -> list[str]:
    """The prelude definitions the code uses (and the ones those use), in prelude order."""
    used: set[str] = set()
    pending = [code]
    while pending:
        text = pending.pop()
        for name, chunk in _PRELUDE_NAMES.items():
            if name not in used and re.search(rf"\b{name}\b", text):
                used.add(name)
                pending.append(chunk)
    return [chunk for name, chunk in _PRELUDE_NAMES.items() if name in used]


class _Sections:
    """Comment headers for the block calls and repeats code enters (two levels deep), with a
    blank line between top-level parts of the network."""

    def __init__(self, graph: Graph) -> None:
        self.graph = graph
        self.seen: set[tuple[str, ...]] = set()
        self.top: tuple[str, ...] | None = None
        self.started = False

    def before(self, node: Node) -> list[str]:
        lines = []
        groups = _groups_of(self.graph, node.path)
        top = groups[0] if groups else None
        if self.started and top != self.top:
            lines.append("")
        self.top, self.started = top, True
        for group in groups[:2]:
            if group not in self.seen:
                self.seen.add(group)
                lines.append(f"# {_doc_text(path_str(group))}: "
                             f"{_doc_text(self.graph.groups[group])}")
        return lines


def to_pytorch(analysis: Analysis) -> str:
    """A self-contained Python file defining the network as an nn.Module."""
    graph, shapes = _complete(analysis)
    nodes = graph.nodes
    codes = _codes(graph, shapes)
    attrs = _module_names(graph, codes)
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

    init: list[str] = []
    sections = _Sections(graph)
    for node in nodes[1:]:
        if node.index in attrs:
            init += sections.before(node)
            # `trainable: false`, said of the modules it freezes (those with parameters)
            frozen = ("" if node.trainable or not analysis.layers[node.index - 1].params
                      else ".requires_grad_(False)")
            init.append(f"self.{attrs[node.index]} = {codes[node.index][0]}{frozen}")

    forward: list[str] = [f"{INPUT_VAR} = x"] if var.get(0) == INPUT_VAR else []
    sections = _Sections(graph)
    for node in nodes[1:]:
        i = node.index
        module = f"self.{attrs[i]}" if i in attrs else ""
        expr = codes[i][1].format(*(var[j] for j in node.inputs), m=module)
        line = f"{var[i]} = {expr}" if i in var else f"{expr}  # not used by the output"
        if node.args.get("inplace") is True and node.inputs:
            j = node.inputs[0]
            if any(c > i for c in consumers[j]):
                line += f"  # in place: {var[j]} changes too"
        forward += sections.before(node)
        forward.append(line)
    if len(results) > 1:  # `outputs:` names several: a tuple, in their order
        forward.append(f"return ({', '.join(var[i] for i in results)})")
    else:
        forward.append(f"return {var[results[0]]}")

    name = class_name(analysis.name)
    source = analysis.source.name
    output: object = (tuple(shapes[i] for i in results) if len(results) > 1
                      else shapes[results[0]])
    doc = [f'"""{_doc_text(analysis.name)}: a PyTorch model generated by cnncalc from '
           f"{_doc_text(source)}.",
           "",
           f"Input shape:   {shapes[0]!r}, batch excluded",
           f"Output shape:  {output!r}",
           f"Parameters:    {analysis.totals.params:,}",
           f"Buffers:       {analysis.totals.buffers:,}"]
    if not source.startswith("<"):
        doc += ["", f"Regenerate with `cnncalc export {_doc_text(_shell_word(source))} "
                "--to pytorch`."]
    doc.append('"""')

    def block(lines: list[str], indent: int) -> list[str]:
        return [" " * indent + line if line else "" for line in lines]

    model = [
        f"class {name}(nn.Module):",
        "    def __init__(self):",
        "        super().__init__()",
        *block(init, 8),
        "",
        "    def forward(self, x):",
        *block(forward, 8),
    ]
    prelude = _prelude("\n".join(model))
    lines = [
        *doc,
        "",
        "import torch",
        "from torch import nn",
        "",
        f"INPUT_SHAPE = {shapes[0]!r}  # batch excluded",
        "",
    ]
    for chunk in prelude:
        lines += ["", chunk, ""]
    lines += [
        "",
        *model,
        "",
        "",
        'if __name__ == "__main__":',
        f"    model = {name}().eval()",
        "    with torch.no_grad():",
        "        out = model(torch.zeros(1, *INPUT_SHAPE))",
        *(['    print("output shapes:", [tuple(o.shape[1:]) for o in out])']
          if len(results) > 1 else ['    print("output shape:", tuple(out.shape[1:]))']),
        '    print(f"parameters: {sum(p.numel() for p in model.parameters()):,}")',
    ]
    return "\n".join(lines) + "\n"


def _shell_word(text: str) -> str:
    return text if re.fullmatch(r"[\w./+-]+", text) else "'" + text.replace("'", "'\\''") + "'"


# ---------------------------------------------------------------- diagrams


def _shape_text(analysis: Analysis, index: int) -> str:
    shape = analysis.shapes[index] if index < len(analysis.shapes) else None
    return format_shape(shape) if shape is not None else "?"


def _label_lines(analysis: Analysis, node: Node) -> list[str]:
    """path, op, output shape (the input node: its name and shape)."""
    shape = _shape_text(analysis, node.index)
    return [node.name, shape] if node.index == 0 else [node.name, node.op, shape]


def _nested(graph: Graph, emit_node: Callable[[Node, int], list[str]],
            open_group: Callable[[tuple[str, ...], int, int], list[str]],
            close_group: Callable[[int], list[str]]) -> list[str]:
    """Nodes in order, inside nested groups (block calls and repeats) opened and closed as the
    paths enter and leave them."""
    lines: list[str] = []
    stack: list[tuple[str, ...]] = []
    count = 0
    for node in graph.nodes:
        groups = _groups_of(graph, node.path)
        while stack and stack[-1] not in groups:
            stack.pop()
            lines += close_group(len(stack))
        for group in groups:
            if group not in stack:
                lines += open_group(group, count, len(stack))
                stack.append(group)
                count += 1
        lines += emit_node(node, len(stack))
    while stack:
        stack.pop()
        lines += close_group(len(stack))
    return lines


# Mermaid's defaults (maxEdges, maxTextSize), which GitHub keeps: past them it draws nothing.
MERMAID_MAX_EDGES = 500
MERMAID_MAX_TEXT = 50_000

_MERMAID_ESCAPES = {c: f"#{ord(c)};" for c in '#"<>&`|%'}  # % would start a %%{directive}%%


def _mermaid_text(text: str) -> str:
    """Text for a quoted Mermaid label: entity codes for the characters Mermaid reads."""
    return "".join(_MERMAID_ESCAPES.get(c, c if c.isprintable() else " ") for c in text)


def to_mermaid(analysis: Analysis) -> str:
    """A Mermaid flowchart (renders on GitHub): a node per layer, edges labelled with shapes."""
    graph = _graph(analysis)
    pad = "    "

    def node_line(node: Node, depth: int) -> list[str]:
        label = "<br/>".join(_mermaid_text(t) for t in _label_lines(analysis, node))
        left, right = ('(["', '"])') if node.index == 0 else ('["', '"]')
        return [f"{pad * (depth + 1)}n{node.index}{left}{label}{right}"]

    def open_group(group: tuple[str, ...], n: int, depth: int) -> list[str]:
        title = _mermaid_text(f"{path_str(group)}: {graph.groups[group]}")
        return [f'{pad * (depth + 1)}subgraph g{n}["{title}"]']

    def close_group(depth: int) -> list[str]:
        return [f"{pad * (depth + 1)}end"]

    lines = ["flowchart TD",
             f"{pad}%% {_mermaid_text(analysis.name)}, generated by cnncalc from "
             f"{_mermaid_text(analysis.source.name)}"]
    lines += _nested(graph, node_line, open_group, close_group)
    edges = [f'{pad}n{j} -->|"{_mermaid_text(_shape_text(analysis, j))}"| n{node.index}'
             for node in graph.nodes for j in node.inputs]
    size = sum(len(line) + 1 for line in lines + edges)
    if len(edges) > MERMAID_MAX_EDGES or size > MERMAID_MAX_TEXT:
        lines.insert(2, f"{pad}%% too large for Mermaid's default limits ({len(edges)} edges, "
                     f"{size:,} characters; at most {MERMAID_MAX_EDGES} and "
                     f"{MERMAID_MAX_TEXT:,}): GitHub will not render it; try --to dot")
    return "\n".join(lines + edges) + "\n"


def _dot_text(text: str) -> str:
    """A double-quoted DOT string (label escapes: \\n is a line break)."""
    text = "".join(c if c.isprintable() or c == "\n" else " " for c in text)
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def to_dot(analysis: Analysis) -> str:
    """A Graphviz digraph: a node per layer, edges labelled with shapes, a cluster per block
    call or repeat."""
    graph = _graph(analysis)
    pad = "    "

    def node_line(node: Node, depth: int) -> list[str]:
        label = _dot_text("\n".join(_label_lines(analysis, node)))
        shape = ', shape="oval"' if node.index == 0 else ""
        return [f'{pad * (depth + 1)}"n{node.index}" [label={label}{shape}];']

    def open_group(group: tuple[str, ...], n: int, depth: int) -> list[str]:
        title = _dot_text(f"{path_str(group)}: {graph.groups[group]}")
        return [f'{pad * (depth + 1)}subgraph "cluster_{n}" {{',
                f'{pad * (depth + 2)}graph [label={title}, style="dashed"];']

    def close_group(depth: int) -> list[str]:
        return [f"{pad * (depth + 1)}}}"]

    comment = "".join(c if c.isprintable() else " " for c in analysis.source.name)
    lines = [f"// {comment}: generated by cnncalc",
             f"digraph {_dot_text(analysis.name)} {{",
             f'{pad}graph [rankdir="TB", fontname="Helvetica"];',
             f'{pad}node [shape="box", style="rounded", fontname="Helvetica"];',
             f'{pad}edge [fontname="Helvetica", fontsize="10"];']
    lines += _nested(graph, node_line, open_group, close_group)
    for node in graph.nodes:
        for j in node.inputs:
            lines.append(f'{pad}"n{j}" -> "n{node.index}" '
                         f"[label={_dot_text(_shape_text(analysis, j))}];")
    lines.append("}")
    return "\n".join(lines) + "\n"

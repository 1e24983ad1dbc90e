"""A YOLO config's document (readers/ultralytics.document) written as a native cnncalc file
(format 1.1) for `cnncalc convert`: made to be read and edited by a person, and to analyse to
the numbers the config analyses to (tests/test_convert.py checks every shipped config).

- the blocks the layers reach (and the blocks those call), copied as the block library
  (readers/ultralytics_blocks.yaml) writes them, comments included; an `act` the config's
  `activation:` replaced is written from the document;
- one layer per row (a few for a head), ids `l<row>`, each row named in a comment;
- block style, with a layer's arguments as one short flow mapping; keys in the document's
  order; no anchors, aliases or tags; a text quoted only when it would otherwise read as
  something else (`"$(...)"`, `"l3[0]"`, `"yes"`), every character a terminal or a YAML
  reader would act on written as an escape.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterator, Sequence
from typing import Any

from ..loader import YMap, YNode, YScalar, YSeq, type_scalar
from ..readers import ultralytics as u
from .safe import clean, escaped

WIDTH = 96  # a flow mapping longer than this is written in block style
_INDENT = "  "

# a text that YAML reads back as that text, in a flow collection too: a name, `$name`, a
# dotted name (`nn.Upsample`); everything else is quoted
_PLAIN = re.compile(r"[A-Za-z_$][A-Za-z0-9_.$-]*\Z")
# words PyYAML (a YAML 1.1 reader: safe_load) takes for booleans or null: quoted as well, so
# the file means the same to them as to cnncalc (YAML 1.2)
_YAML11 = frozenset({"yes", "no", "on", "off", "true", "false", "null"})


def scalar(value: Any) -> str:
    """`value` (None, bool, int, float or str) as a YAML scalar cnncalc's loader reads back as
    exactly that value."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return _float(value)
    text = str(value)
    if (_PLAIN.match(text) and text.lower() not in _YAML11 and type_scalar(text) == text
            and "##" not in text):
        return text
    return quoted(text)


def _float(value: float) -> str:
    if math.isnan(value):
        return ".nan"
    if math.isinf(value):
        return ".inf" if value > 0 else "-.inf"
    text = repr(value)
    mantissa, e, exponent = text.partition("e")
    if e and "." not in mantissa:  # 1e-05 -> 1.0e-05: a float to YAML 1.1 readers too
        text = f"{mantissa}.0e{exponent}"
    return text


# what a double-quoted YAML scalar must escape: the quote, the backslash, and every character
# YAML does not allow raw or a terminal would act on (render/safe.py's set); `##[` too, so that
# the output guard (which escapes it in a line) changes no value
_ESCAPE = re.compile("[\"\\\\\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069\ufeff"
                     "\ud800-\udfff\ufffe\uffff]|(?<=##)\\[")
_NAMED = {'"': '\\"', "\\": "\\\\", "\n": "\\n", "\t": "\\t", "\r": "\\r", "\x00": "\\0"}


def _escape(match: re.Match[str]) -> str:
    return escaped(match.group(), _NAMED)


def quoted(text: str) -> str:
    """`text` as a double-quoted YAML scalar."""
    return '"' + _ESCAPE.sub(_escape, text) + '"'


def comment(text: str) -> str:
    """Text from the user (a file name) for a comment: one line, nothing a terminal acts on,
    nothing YAML refuses in a file (a lone surrogate of an undecodable file name)."""
    return re.sub("[\ud800-\udfff\ufffe\uffff]", lambda m: f"\\u{ord(m.group()):04x}",
                  clean(text))


# --------------------------------------------------------------------------- values

def plain(node: YNode) -> Any:
    """The document's node as Python values (mappings keep their key order)."""
    if isinstance(node, YMap):
        return {k.value: plain(v) for k, v in node.items}
    if isinstance(node, YSeq):
        return [plain(v) for v in node.items]
    return node.value


def flow(value: Any) -> str:
    """`value` on one line: `{c2: 64, k: 3}`, `[l11, l6]`."""
    if isinstance(value, dict):
        return "{" + ", ".join(f"{scalar(k)}: {flow(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list):
        return "[" + ", ".join(flow(v) for v in value) + "]"
    return scalar(value)


def block(key: str, value: Any, indent: str) -> Iterator[str]:
    """`key: value` at `indent`: on one line when short enough, else each item on its own."""
    line = f"{indent}{scalar(key)}: {flow(value)}"
    if len(line) <= WIDTH or not isinstance(value, (dict, list)) or not value:
        yield line
        return
    yield f"{indent}{scalar(key)}:"
    inner = indent + _INDENT
    if isinstance(value, dict):
        for k, v in value.items():
            yield from block(k, v, inner)
    else:
        for item in value:
            yield from entry(item, inner)


def entry(value: Any, indent: str) -> Iterator[str]:
    """One item of a list at `indent`: `- value`, a mapping's keys one per line under it."""
    if isinstance(value, dict) and value:
        lines = [line for k, v in value.items() for line in block(k, v, indent + _INDENT)]
        yield f"{indent}- {lines[0].lstrip()}"
        yield from lines[1:]
    else:
        yield f"{indent}- {flow(value)}"


# --------------------------------------------------------------------------- the file

def convert(doc: YMap, config: u.Config, original: YNode, file_name: str,
            input: Sequence[int] | None = None) -> str:
    """The native file for `doc`, the document the reader made of `config` (read from
    `original`, the config file's top level, named `file_name`), with `input` (C, H, W) in
    place of the document's when given."""
    head = plain(YMap(tuple((k, v) for k, v in doc.items
                            if k.value not in ("blocks", "layers", "outputs")), doc.span))
    if input is not None:
        head["input"] = list(input)
    blocks = doc.get("blocks")
    layers = doc.get("layers")
    assert isinstance(blocks, YMap) and isinstance(layers, YSeq)
    out = [*_header(config, file_name, str(head.get("name", ""))), ""]
    out += [line for k, v in head.items() for line in block(k, v, "")]
    out += ["", "blocks:", *_blocks(blocks, layers), "", "layers:"]
    out += _layers(layers, config, original)
    outputs = doc.get("outputs")
    if outputs is not None:
        out += ["", *block("outputs", plain(outputs), "")]
    return "\n".join(out) + "\n"


def _number(value: float) -> str:
    """A multiplier as written (0.33, 1), every digit kept (0.3333333)."""
    if not isinstance(value, float):
        return str(value)
    short = f"{value:g}"
    return short if float(short) == value else repr(value)


def _header(config: u.Config, file_name: str, name: str) -> list[str]:
    """The comment saying where the file came from; every line passes comment() whole, so no
    text from the user (a file name, a scale's key, the activation) can end it early."""
    if config.scale and not math.isinf(config.max_channels):
        scale = (f"at scale {config.scale} (depth {_number(config.depth)}, width "
                 f"{_number(config.width)}, max_channels {_number(config.max_channels)})")
    else:
        scale = (f"at depth_multiple {_number(config.depth)}, width_multiple "
                 f"{_number(config.width)}")
    classes = f"nc {config.nc}" if config.nc is not None else "no nc"
    activation = f", activation {config.activation}" if config.activation else ""
    lines = [
        f"{name}: converted by `cnncalc convert` from the Ultralytics YOLO config",
        f"  {file_name}",
        f"{scale}, {classes}{activation}.",
        "Layer l<N> is row N of that file (a head's row and a few others are several layers",
        "l<N>_...), its numbers already scaled; the blocks are cnncalc's models of the",
        "modules the rows name. It analyses to the same shapes, params, MACs and memory.",
    ]
    return [f"# {comment(line)}" for line in lines]


def _blocks(blocks: YMap, layers: YSeq) -> list[str]:
    """The blocks the layers reach, in the library's order: each as the library writes it,
    or, when the document's differs (`act` under an `activation:`), from the document."""
    names = {k.value for k, _ in blocks.items}
    reached: set[str] = set()
    stack = [n for layer in layers.items for n in _calls(layer, names)]
    while stack:
        name = stack.pop()
        if name in reached:
            continue
        reached.add(name)
        body = blocks.get(name)
        inner = body.get("layers") if isinstance(body, YMap) else None
        if isinstance(inner, YSeq):
            stack += [n for layer in inner.items for n in _calls(layer, names)]
    texts = {name: text for file in (u.LIBRARY, u.TORCHVISION)
             for name, text in _library_texts(file).items()}
    out: list[str] = []
    for key, body in blocks.items:
        if key.value not in reached:
            continue
        if out:
            out.append("")
        if texts.get(str(key.value), (None,))[0] is body:
            out += texts[str(key.value)][1]
        else:
            # `act` under the config's `activation:` (the only block the reader rewrites)
            out.append(f"{_INDENT}{scalar(key.value)}:".ljust(41)
                       + "# Conv.default_act: the config's `activation:`")
            for k, v in plain(body).items():
                if isinstance(v, list):
                    out.append(f"{_INDENT * 2}{scalar(k)}:")
                    for item in v:
                        out += entry(item, _INDENT * 3)
                else:
                    out += block(k, v, _INDENT * 2)
    return out


def _calls(layer: YNode, names: set[Any]) -> list[str]:
    """The blocks a layer calls: its keys (or its bare name) that name a block."""
    if isinstance(layer, YMap):
        return [str(k.value) for k, _ in layer.items if k.value in names]
    if isinstance(layer, YScalar) and layer.value in names:
        return [str(layer.value)]
    return []


def _library_texts(file: str) -> dict[str, tuple[YNode, list[str]]]:
    """Each block of the reader's package data `file` (the block library, or the torchvision
    models' blocks): its node, and its lines as the file writes them: from its key (and the
    comment lines just above it) to the next block's, or to the next top-level key."""
    text = u.package_text(file)
    lines = text.splitlines()
    root = u.package_yaml(file)
    library = root.get("blocks")
    assert isinstance(library, YMap)
    after = [k.span.line - 1 for k, _ in root.items if k.span.line > library.span.line]

    def between(line: str) -> bool:
        """A blank line, or a comment no deeper than a block's key: it separates blocks or
        leads the next one."""
        stripped = line.strip()
        return not stripped or (stripped.startswith("#")
                                and len(line) - len(line.lstrip()) <= len(_INDENT))

    starts = [(str(k.value), k.span.line - 1) for k, _ in library.items]
    texts: dict[str, tuple[YNode, list[str]]] = {}
    for (name, start), (_, end) in zip(starts, [*starts[1:], ("", min(after, default=len(lines)))]):
        chunk = lines[start:end]
        while chunk and between(chunk[-1]):
            chunk.pop()
        first = start
        while first > 0 and between(lines[first - 1]) and lines[first - 1].strip():
            first -= 1
        body = library.get(name)
        assert body is not None
        texts[name] = (body, lines[first:start] + chunk)
    return texts


def _layers(layers: YSeq, config: u.Config, original: YNode) -> list[str]:
    """Each layer in block style under a comment naming its row."""
    written = _rows_written(original)
    rows = {u_row.index: u_row for u_row in config.rows}
    out: list[str] = []
    named: set[int] = set()
    for node in layers.items:
        layer = plain(node)
        found = re.match(r"l(\d+)", str(layer.get("id", ""))) if isinstance(layer, dict) \
            else None
        if found and int(found.group(1)) not in named:
            index = int(found.group(1))
            named.add(index)
            out.append(f"{_INDENT}# "
                       f"{_row_comment(rows[index], written.get(index), config.depth)}")
        out += entry(layer, _INDENT)
    return out


def _rows_written(original: YNode) -> dict[int, tuple[Any, Any]]:
    """Each row's `from` and repeats as the config writes them (the reader checked both:
    an index or a list of them, and a whole number)."""
    if not isinstance(original, YMap):
        return {}
    rows = [row for key in ("backbone", "head")
            for section in [original.get(key)] if isinstance(section, YSeq)
            for row in section.items]
    return {i: (plain(row.items[0]), plain(row.items[1])) for i, row in enumerate(rows)
            if isinstance(row, YSeq) and len(row.items) == 4}


def _row_comment(row: u.Row, written: tuple[Any, Any] | None, depth: float) -> str:
    """`row 12: Concat from [-1, 6]`, and the repeats (as scaled by the depth)."""
    source, repeats = written if written is not None else (None, row.repeats)
    text = f"row {row.index}: {row.module}"
    if source is not None:
        text += f" from {source}"
    if repeats != row.repeats:
        text += f", repeats {repeats} ({row.repeats} at depth {_number(depth)})"
    elif row.repeats > 1:
        text += f", repeats {row.repeats}"
    return comment(text)


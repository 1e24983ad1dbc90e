"""`--format json`: the keys of the format spec, stable; sizes are exact integers."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from .. import __version__
from ..analysis import COUNTS, Analysis, LayerResult, Totals
from ..diagnostics import Diagnostic
from ..passes.receptive import Field
from .registry import View


def diagnostic(d: Diagnostic, file: str | None = None) -> dict[str, Any]:
    """`file` names the file for a problem with no position in it (unreadable, a budget)."""
    return {
        "severity": d.severity.value, "code": d.code, "message": d.message,
        "file": d.span.file if d.span else file,
        "line": d.span.line if d.span else None,
        "column": d.span.col if d.span else None,
        "path": d.path, "hint": d.hint,
    }


def field(f: Field | None) -> dict[str, list[int]] | None:
    if f is None:
        return None
    return {"size": list(f.size), "stride": list(f.stride), "start": list(f.start)}


def layer(layer: LayerResult) -> dict[str, Any]:
    several = ({"output_shapes": [list(s) for s in layer.output_shapes]}
               if layer.output_shapes else {})  # a layer with several outputs (chunk, split)
    return {"path": layer.path, "op": layer.op, "inputs": list(layer.inputs),
            "output_shape": list(layer.output_shape) if layer.output_shape else None,
            **several,
            "params": layer.params, "trainable_params": layer.trainable_params,
            "buffers": layer.buffers, "macs": layer.macs, "flops": 2 * layer.macs,
            "activation_bytes": layer.activation_bytes,
            "receptive_field": field(layer.receptive_field), "line": layer.line}


def totals(t: Totals) -> dict[str, Any]:
    return {"params": t.params, "trainable_params": t.trainable_params,
            "buffers": t.buffers, "macs": t.macs, "flops": t.flops,
            "param_bytes": t.param_bytes, "buffer_bytes": t.buffer_bytes,
            "activation_bytes": t.activation_bytes,
            "peak_activation_bytes": t.peak_activation_bytes,
            "peak_bytes": t.peak_bytes, "peak_at": t.peak_at,
            "training_bytes": t.training_bytes, "depth": t.depth}


def document(a: Analysis) -> dict[str, Any]:
    return _document(a, [layer(x) for x in a.layers])


def _document(a: Analysis, layers: Iterable[Any]) -> dict[str, Any]:
    return {
        "cnncalc": __version__,
        "name": a.name,
        "file": a.source.name,
        "input": list(a.input) if a.input else None,
        "output_shape": list(a.output_shape) if a.output_shape else None,
        "batch": a.batch,
        "dtype": a.dtype,
        "count": a.count,
        "count_convention": COUNTS[a.count] + "; FLOPs = 2 x MACs",
        "optimizer": a.optimizer,
        "format_version": a.format_version,
        "params": dict(a.params),
        **({"outputs": [{"id": name, "shape": list(shape) if shape else None}
                        for name, shape in a.outputs]} if a.outputs else {}),  # `outputs:`
        "layers": layers,
        "totals": totals(a.totals),
        "diagnostics": [diagnostic(d, a.source.name) for d in a.diagnostics],
    }


def render(a: Analysis) -> str:
    return "".join(chunks(a))


def chunks(a: Analysis) -> Iterator[str]:
    """The document's text a piece at a time, one layer per piece, so that a network of 10^5
    layers is written without holding its whole text, or every layer's dict, in memory."""
    newline = "\n  "
    separator = "{" + newline
    for key, value in _document(a, iter(a.layers)).items():
        yield separator + _key(key)
        separator = "," + newline
        if isinstance(value, Iterator):  # the layers
            items = newline + "  "
            opening = "[" + items
            seen: tuple[dict[Any, str], dict[int, str]] = ({}, {})
            for item in value:
                yield opening + _layer_text(item, items, seen)
                opening = "," + items
            yield "[]" if opening[0] == "[" else newline + "]"
        else:
            yield _text(value, newline)
    yield "\n}\n"


def _layer_text(x: LayerResult, newline: str,
                seen: tuple[dict[Any, str], dict[int, str]]) -> str:
    """`_text(layer(x), newline)`, written out: the layers are nearly all of the text, and this
    is several times faster than walking each one's dict (tests/test_json_text.py holds the two
    to the same text). `seen` keeps the text of shapes and of receptive fields (by identity:
    layers that keep their input's field share it, and all of them live until the document is
    written) already written at this depth."""
    n = newline + "  "
    inputs = f"[{n}  " + f",{n}  ".join(map(_string, x.inputs)) + f"{n}]" if x.inputs else "[]"
    shapes, fields = seen
    shape = shapes.get(x.output_shape)
    if shape is None:
        shape = shapes[x.output_shape] = _ints(x.output_shape) if x.output_shape else "null"
    f = x.receptive_field
    field = fields.get(id(f))
    if field is None:
        field = fields[id(f)] = (
            f'{{{n}  "size": {_ints(f.size)},{n}  "stride": {_ints(f.stride)},{n}  "start": '
            f'{_ints(f.start)}{n}}}' if f is not None else "null")
    several = (f'{n}"output_shapes": [{n}  ' + f",{n}  ".join(map(_ints, x.output_shapes))
               + f"{n}],") if x.output_shapes else ""
    return (f'{{{n}"path": {_string(x.path)},{n}"op": {_string(x.op)},{n}"inputs": {inputs},'
            f'{n}"output_shape": {shape},{several}'
            f'{n}"params": {x.params},{n}"trainable_params": {x.trainable_params},'
            f'{n}"buffers": {x.buffers},{n}"macs": {x.macs},{n}"flops": {2 * x.macs},'
            f'{n}"activation_bytes": {x.activation_bytes},{n}"receptive_field": {field},'
            f'{n}"line": {x.line}{newline}}}')


def _ints(values: Sequence[int]) -> str:
    return repr(list(values))  # "[64, 112, 112]": a list of ints' repr is its JSON, at C speed


# The text is json.dumps(document, indent=2) with every list of integers on one line
# ([64, 112, 112], as people write them): one style for every command's JSON (show, diff,
# check). Written here because json.dumps with an indent runs the pure-Python encoder: this is
# 3-4x faster (profiled on 10^4 layers), and tests/test_json_text.py holds it to json.dumps'
# bytes. Strings are the standard library's encoding, never rewritten (but `##[`, below).
_encode = json.encoder.encode_basestring_ascii


def no_legacy_command(text: str) -> str:
    """JSON text with `##[` written `##\\u005b`: the same document to a parser, and no legacy
    workflow command (render/safe.py) when a CI log shows it. `#` is never JSON syntax, so
    the sequence can only be inside a string."""
    return text.replace("##[", "##\\u005b") if "##[" in text else text


def _string(text: str) -> str:
    out: str = _encode(text)
    return no_legacy_command(out) if "##[" in out else out


def dumps(value: Any, depth: int = 0) -> str:
    """`value` as JSON, indented by two spaces a level, lists of integers on one line; its
    lines after the first start `depth` levels in (a part of a larger document)."""
    return _text(value, "\n" + "  " * depth)


_KEYS: dict[str, str] = {}  # a key's text ("params": ), made once: every layer repeats them


def _key(key: Any) -> str:
    text = _KEYS.get(key) if isinstance(key, str) else None
    if text is None:  # json.dumps' key coercion: true, null, numbers as text
        text = _string(key if isinstance(key, str) else json.dumps(key)) + ": "
        if isinstance(key, str):
            _KEYS[key] = text
    return text


def _text(value: Any, newline: str) -> str:
    """`value` as json.dumps(indent=2) writes it at the depth where lines start `newline`."""
    out: list[str] = []
    _write(value, newline, out)
    return "".join(out)


def _scalar(value: Any) -> str | None:
    """The text of a number, string, boolean or null; None for a list or mapping."""
    kind = type(value)
    if kind is int:
        return int.__repr__(value)
    if kind is str:
        return _string(value)
    if value is None or value is True or value is False:
        return "null" if value is None else "true" if value else "false"
    if isinstance(value, (list, tuple, dict)):
        return None
    if isinstance(value, str):
        return _string(value)
    if isinstance(value, int):
        return int.__repr__(value)
    return json.dumps(value)  # floats (and what json.dumps refuses)


def _write(value: Any, newline: str, out: list[str]) -> None:
    text = _scalar(value)
    if text is not None:
        out.append(text)
        return
    inner = newline + "  "
    if isinstance(value, dict):
        separator = "{" + inner
        for key, item in value.items():
            text = _scalar(item)
            if text is None:
                out.append(separator + _key(key))
                _write(item, inner, out)
            else:
                out.append(separator + _key(key) + text)
            separator = "," + inner
        out.append(newline + "}" if value else "{}")
    elif not value:
        out.append("[]")
    elif all(type(v) is int for v in value) or all(
            isinstance(v, int) and not isinstance(v, bool) for v in value):
        out.append("[" + ", ".join(map(int.__repr__, value)) + "]")
    else:
        separator = "[" + inner
        for item in value:
            out.append(separator)
            _write(item, inner, out)
            separator = "," + inner
        out.append(newline + "]")


def view(a: Analysis, v: View) -> Iterator[str]:
    """`show`'s json format (render/registry.py): one document, written layer by layer."""
    return chunks(a)

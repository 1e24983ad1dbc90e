"""A Python mapping (what `yaml.safe_load` or `json.load` gives) -> the loader's node tree,
built directly: no YAML text is written and read back, so no value can add structure.

A mapping has no file to point into, so diagnostics point into a listing made alongside the
tree, in the mapping's order: one line per entry, its path and its value
(`layers[1].conv.stride: 0`), kept as the Source `<mapping>`. A diagnostic's caret stands
under the value it names.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from .diagnostics import Diagnostic, FatalError
from .loader import YMap, YNode, YScalar, YSeq
from .source import Source, Span

NAME = "<mapping>"
_SCALARS = (type(None), bool, int, float, str)
_SHOWN = 40  # characters of a text value written into a listing line
_PATH = 200  # characters of a path in a listing line, at most (the end of it is kept)


def tree(mapping: Mapping[Any, Any], name: str = NAME
         ) -> tuple[YNode, Source, list[Diagnostic]]:
    """The node tree of `mapping`, the listing (the Source `name`) its spans point into, and
    the problems found in its keys (E103, a key that is not a plain value, as the loader
    reports it).

    Raises FatalError E006 when the mapping contains itself, and TypeError for a value that
    YAML cannot hold (a set, an object): that is a program's mistake, not an input's. A list
    or dict that appears twice is converted once and shared, as the loader shares aliases.
    """
    lines = ["(the mapping)"]
    diagnostics: list[Diagnostic] = []
    done: dict[int, YSeq | YMap] = {}  # converted collections, by identity
    open_: set[int] = set()  # collections whose children are being converted
    # each open collection's children: key, key span, value, value span
    children: dict[int, list[tuple[Any, Span, Any, Span]]] = {}
    # events, iterative (nesting depth costs no recursion): "enter" a collection, list one
    # "child" entry, "exit" (build) a collection whose children are built
    stack: list[tuple[Any, ...]] = [("enter", mapping, "", Span(name, 1, 1, 1, 14))]
    while stack:
        event = stack.pop()
        if event[0] == "enter":
            _, value, path, span = event
            open_.add(id(value))
            children[id(value)] = []
            stack.append(("exit", value, span))
            pairs = (list(value.items()) if isinstance(value, Mapping)
                     else [(None, item) for item in value])
            stack.extend(("child", value, path, i, key, item)
                         for i, (key, item) in reversed(list(enumerate(pairs))))
        elif event[0] == "child":
            _, parent, path, i, key, item = event
            if isinstance(parent, Mapping):
                label = _clean(key) if isinstance(key, str) else _show(key)
                here = f"{path}.{label}" if path else label
            else:
                label, here = "", f"{path}[{i}]"
            if len(here) > _PATH:  # the start of a deep path: no line grows with the depth
                here = "…" + here[-_PATH:]
            if not isinstance(item, _SCALARS) and not _collection(item):
                raise TypeError(f"{here}: a {type(item).__name__} is not a YAML value "
                                "(use dict, list, str, int, float, bool or None)")
            shown = _show(item)
            lines.append(f"{here}: {shown}")
            line, col = len(lines), len(here) + 3
            key_span = Span(name, line, len(here) - len(label) + 1, line, len(here) + 1)
            item_span = Span(name, line, col, line, col + len(shown))
            children[id(parent)].append((key, key_span, item, item_span))
            if _collection(item) and id(item) not in done:
                if id(item) in open_:
                    raise FatalError(Diagnostic(
                        "E006", "the mapping contains itself (a list or dict inside itself)",
                        item_span, "a value must not contain the list or dict it is in"))
                stack.append(("enter", item, here, item_span))
        else:
            _, value, span = event
            open_.discard(id(value))
            built = children.pop(id(value))
            if isinstance(value, Mapping):
                items = []
                for key, key_span, item, item_span in built:
                    if not isinstance(key, _SCALARS):
                        diagnostics.append(Diagnostic(
                            "E103", "a mapping key must be a plain value", key_span))
                        continue
                    items.append((YScalar(key, key_span, isinstance(key, str)),
                                  _node(item, item_span, done)))
                done[id(value)] = YMap(tuple(items), span)
            else:
                done[id(value)] = YSeq(tuple(_node(item, item_span, done)
                                             for _, _, item, item_span in built), span)
    return done[id(mapping)], Source(name, "\n".join(lines) + "\n"), diagnostics


def _collection(value: Any) -> bool:
    return isinstance(value, Mapping) or (isinstance(value, Sequence)
                                          and not isinstance(value, (str, bytes, bytearray)))


def _node(value: Any, span: Span, done: dict[int, YSeq | YMap]) -> YNode:
    return done[id(value)] if _collection(value) else YScalar(value, span, isinstance(value, str))


def _clean(text: str) -> str:
    """Text for one listing line: control characters escaped (a line break in a key or value
    would start a new line and move every position after it)."""
    from .render.safe import clean

    return clean(text[:_SHOWN]) + ("…" if len(text) > _SHOWN else "")


def _show(value: Any) -> str:
    """A value as its listing line shows it: collections by their brackets, text quoted and
    cut short, a huge integer by its length (str() refuses ints of over 4,300 digits)."""
    from .ops.base import describe_value

    if isinstance(value, Mapping):
        return "{…}" if value else "{}"
    if _collection(value):
        return "[…]" if value else "[]"
    if isinstance(value, str):
        return f"'{_clean(value)}'"
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, (type(None), bool, int)):
        return describe_value(value)
    return _clean(repr(value))  # a key that is not a plain value (a tuple), reported as E103


def plain(node: YNode, depth: int = 32) -> Any:
    """The Python value of a loaded node (the inverse of tree(), positions dropped): how a
    program puts a value read from YAML into a mapping. Raises ValueError past `depth`
    levels of nesting."""
    if isinstance(node, YScalar):
        return node.value
    if depth <= 0:
        raise ValueError("the value is nested too deeply")
    if isinstance(node, YSeq):
        return [plain(item, depth - 1) for item in node.items]
    return {key.value: plain(value, depth - 1) for key, value in node.items}

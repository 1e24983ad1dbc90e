"""YAML text -> a tree of typed nodes that remember where they came from.

PyYAML's own constructor is not used: it types scalars by YAML 1.1 (`1e-5` is a string,
`on`/`yes`/`no` are booleans), drops positions and silently keeps the last of two duplicate
keys. We compose the node graph and type scalars ourselves by YAML 1.2's core schema.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import field
from typing import ClassVar, Union

import yaml

from .diagnostics import Diagnostic, FatalError
from .frozen import frozen
from .source import Source, Span, position

try:  # the C composer is several times faster; positions and errors are the same
    _Base: type = yaml.CSafeLoader
except AttributeError:  # pragma: no cover - PyYAML built without libyaml
    _Base = yaml.SafeLoader


class _Loader(_Base):  # type: ignore[misc]
    """PyYAML's composer without tag resolution: cnncalc types scalars itself and never reads
    a tag, and resolving (implicit-tag regexes tried on every scalar) was a quarter of the
    time spent composing."""

    _TAGS: ClassVar[dict[type, str]] = {
        yaml.ScalarNode: yaml.resolver.BaseResolver.DEFAULT_SCALAR_TAG,
        yaml.SequenceNode: yaml.resolver.BaseResolver.DEFAULT_SEQUENCE_TAG,
        yaml.MappingNode: yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG,
    }

    def resolve(self, kind: type, value: object, implicit: object) -> str:
        return self._TAGS[kind]


@frozen
class YScalar:
    """A scalar typed by YAML 1.2's core schema, and where it was written."""

    value: object  # None, bool, int, float or str
    span: Span
    quoted: bool = False

    @property
    def text(self) -> str:
        return str(self.value)


@frozen
class YSeq:
    """A sequence, block or flow (`[...]`)."""

    items: tuple[YNode, ...]
    span: Span
    flow: bool = False


@frozen
class YMap:
    """A mapping with its keys in file order, repeated keys reported and dropped."""

    items: tuple[tuple[YScalar, YNode], ...]
    span: Span
    flow: bool = False
    # the first item of each key (the loader reports and drops repeated keys and passes the
    # index it made doing so; made here for a mapping built otherwise)
    _index: dict[object, int] = field(default_factory=dict, compare=False, repr=False)

    def __post_init__(self) -> None:
        if not self._index:
            for i, (key, _) in enumerate(self.items):
                self._index.setdefault(key.value, i)

    def get(self, key: str) -> YNode | None:
        i = self._index.get(key)
        return None if i is None else self.items[i][1]

    def key(self, key: str) -> YScalar | None:
        i = self._index.get(key)
        return None if i is None else self.items[i][0]


YNode = Union[YScalar, YSeq, YMap]  # noqa: UP007 - a runtime alias, evaluated on 3.10

_INT = re.compile(r"[-+]?[0-9][0-9_]*\Z")
_INT_BASE = re.compile(r"0o[0-7]+\Z|0x[0-9a-fA-F]+\Z")
_FLOAT = re.compile(r"[-+]?(\.[0-9]+|[0-9][0-9_]*(\.[0-9_]*)?)([eE][-+]?[0-9]+)?\Z")
_SPECIAL = {
    "": None, "~": None, "null": None, "Null": None, "NULL": None,
    "true": True, "True": True, "TRUE": True, "false": False, "False": False, "FALSE": False,
    ".inf": float("inf"), "+.inf": float("inf"), "-.inf": float("-inf"), ".nan": float("nan"),
    ".Inf": float("inf"), "-.Inf": float("-inf"), ".NaN": float("nan"),
}
_MAX_DIGITS = 4000  # Python refuses to parse longer ints; such a number is no size anyway


def type_scalar(text: str) -> object:
    """Type a plain scalar by YAML 1.2's core schema (integers may group digits with `_`)."""
    if text in _SPECIAL:
        return _SPECIAL[text]
    if text[0] not in "+-.0123456789":  # what every number starts with: names are quick
        return text
    if len(text) <= _MAX_DIGITS:
        if _INT.match(text):
            return int(text.replace("_", ""))
        if _INT_BASE.match(text):
            return int(text, 0)
        if _FLOAT.match(text) and any(ch.isdigit() for ch in text):
            return float(text.replace("_", ""))
    return text


def _span(name: str, node: yaml.Node) -> Span:
    start, end = node.start_mark, node.end_mark
    return Span(name, start.line + 1, start.column + 1, end.line + 1, end.column + 1)


def load(source: Source) -> tuple[YNode, list[Diagnostic]]:
    """Parse `source` into a node tree; fatal problems raise FatalError, others are returned."""
    name = source.name
    try:
        root = yaml.compose(source.text, Loader=_Loader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        if exc.context == "while scanning a simple key" and exc.context_mark is not None:
            mark = exc.context_mark  # the text that lacks its `:`, not the line after it
        span = Span(name, mark.line + 1, mark.column + 1) if mark else Span(name, 1, 1)
        problem = exc.problem or exc.context or "invalid YAML"
        if "nesting depth" in problem:  # libyaml's own limit on [[[...]]]
            raise FatalError(Diagnostic("E006", "the YAML is nested too deeply to read", span,
                                        "an architecture needs only a few levels")) from None
        unclosed = _unclosed(exc, source.text, name)
        if unclosed is not None:
            raise FatalError(unclosed) from None
        context = f" ({exc.context})" if exc.context and exc.problem else ""
        message = f"YAML syntax error: {problem}{context}"
        raise FatalError(Diagnostic("E003", message, span, _syntax_hint(exc, source.text))
                         ) from None
    except yaml.reader.ReaderError as exc:  # a character YAML does not allow; no mark
        char = exc.character if isinstance(exc.character, str) else chr(exc.character)
        # libyaml's position counts UTF-8 bytes, PyYAML's characters; the reader stops at the
        # first character it refuses, so that character's first occurrence is the one
        offset = source.text.find(char)
        span = Span(name, *position(source.text, offset if offset >= 0 else 0))
        raise FatalError(Diagnostic(
            "E003", f"character U+{ord(char):04X} is not allowed in YAML text", span,
            "delete it (control characters are invisible in most editors)")) from None
    except yaml.YAMLError as exc:
        raise FatalError(Diagnostic("E003", f"YAML error: {exc}", Span(name, 1, 1))) from None
    except UnicodeEncodeError as exc:  # a lone surrogate (text from the Python API): libyaml
        # reads UTF-8, and no UTF-8 encodes it
        span = Span(name, *position(source.text, exc.start))
        raise FatalError(Diagnostic(
            "E002", f"character U+{ord(exc.object[exc.start]):04X} (a lone surrogate) is not "
            "valid in UTF-8 text", span, "save the file as UTF-8")) from None
    except RecursionError:
        raise FatalError(
            Diagnostic("E006", "the YAML is nested too deeply to read", Span(name, 1, 1))
        ) from None
    if root is None:
        raise FatalError(
            Diagnostic("E004", "the file is empty", Span(name, 1, 1),
                       hint="an architecture needs at least `input:` and `layers:`")
        )
    return _convert(name, root)


# what the parser was reading when it gave up -> what was left open, and what closes it
_OPENED = {"while parsing a flow mapping": ("{", "}"), "while parsing a flow sequence": ("[", "]"),
           "while scanning a quoted scalar": (None, None)}


def _unclosed(exc: yaml.MarkedYAMLError, text: str, name: str) -> Diagnostic | None:
    """An unclosed bracket or quote, which the parser notices only lines later (often at the
    end of the file): the diagnostic points at the opening instead, and says where the parser
    gave up."""
    start, end = exc.context_mark, exc.problem_mark
    if exc.context not in _OPENED or start is None or end is None or start.line == end.line:
        return None
    opener, closer = _OPENED[exc.context]
    if opener is None:  # a quote: the character that opened the scalar
        opener = closer = _char_at(text, start)
        if opener not in ("'", '"'):
            return None
    where = ("the end of the file" if end.line >= len(text.splitlines())
             else f"line {end.line + 1}")
    message = (f"YAML syntax error: this `{opener}` is never closed (the parser reached "
               f"{where} still inside it: {exc.problem})")
    return Diagnostic("E003", message, Span(name, start.line + 1, start.column + 1),
                      f"close it with `{closer}` where the value ends")


def _line(text: str, mark: yaml.Mark) -> str:
    """The line of a parser mark ('' past the end of the text)."""
    lines = text.splitlines()
    return lines[mark.line] if mark.line < len(lines) else ""


def _char_at(text: str, mark: yaml.Mark) -> str:
    """The character at a parser mark ('' past the end of its line)."""
    return _line(text, mark)[mark.column:mark.column + 1]


def _syntax_hint(exc: yaml.MarkedYAMLError, text: str) -> str | None:
    """What usually fixes the parser's complaint, in the file's terms (its messages name the
    grammar: tokens, simple keys, block mappings)."""
    problem, context = exc.problem or "", exc.context or ""
    if "cannot start any token" in problem and exc.problem_mark is not None:
        char = _char_at(text, exc.problem_mark)
        if char == "\t":
            return "YAML indents with spaces only: replace the tab"
        return f"quote a value that starts with `{char}`" if char.strip() else None
    if problem == "found undefined alias":
        return "`*name` repeats what an earlier `&name` marks; quote text that starts with `*`"
    if "another document" in problem:
        return ("a file holds one architecture: remove the `---` and what follows it, or move "
                "that to a file of its own")
    if problem.startswith("mapping values are not allowed"):
        return "quote a value that contains `: `, or put a nested mapping on its own lines"
    if problem == "did not find expected key":
        return "the keys of one mapping start in the same column: check this line's indentation"
    if "expected '-' indicator" in problem:
        return "the items of one list start in the same column, each with `- `"
    if context in ("while parsing a flow sequence", "while parsing a flow mapping"):
        mark = exc.problem_mark
        before = "" if mark is None else _line(text, mark)[max(mark.column - 1, 0):mark.column]
        if mark is not None and _char_at(text, mark) == "[" and (before.isalnum() or
                                                                 before == "_"):
            # `[y[0], m[*]]`: an indexed name cut off at its `[`, which starts a list here
            return ("quote a name with an index in a `[...]` list (`[\"y[0]\", \"m[*]\"]`), "
                    "or write the list as a block list (`- y[0]` lines)")
        return "separate items with `,`; close `[` with `]` and `{` with `}`"
    if context == "while scanning a simple key":
        return "a list item starts with `- `; a mapping entry is `key: value`"
    return None


def _convert(name: str, root: yaml.Node) -> tuple[YNode, list[Diagnostic]]:
    """Convert iteratively, children before parents (deep files must not hit the recursion
    limit); an aliased collection is converted once and shared, so anchors cannot multiply the
    work. Scalars (most nodes) are converted where their parent is built: no bookkeeping."""
    diagnostics: list[Diagnostic] = []
    done: dict[int, YSeq | YMap] = {}  # converted collections, by node identity
    open_: set[int] = set()  # collections whose children are being converted
    typed: dict[str, object] = {}  # plain scalars' values by text: files repeat their numbers

    def convert(node: yaml.Node) -> YNode:
        """A child of a collection being built: its collection is converted already."""
        if node.__class__ is not yaml.ScalarNode:
            return done[id(node)]
        text = node.value
        if node.style:  # quoted or a block scalar; plain scalars: None (Python), "" (C)
            value, quoted = text, True
        else:
            value, quoted = typed.get(text, typed), False
            if value is typed:
                value = typed[text] = type_scalar(text)
        start, end = node.start_mark, node.end_mark
        return YScalar(value, Span(name, start.line + 1, start.column + 1, end.line + 1,
                                   end.column + 1), quoted)

    if root.__class__ is yaml.ScalarNode:
        return convert(root), diagnostics
    stack: list[tuple[yaml.Node, bool]] = [(root, False)]
    while stack:
        node, children_done = stack.pop()
        if children_done:
            open_.discard(id(node))
            flow = bool(getattr(node, "flow_style", False))
            if node.__class__ is yaml.SequenceNode:
                done[id(node)] = YSeq(tuple([convert(c) for c in node.value]),
                                      _span(name, node), flow)
            else:
                items, index = _items(node.value, convert, diagnostics)
                done[id(node)] = YMap(items, _span(name, node), flow, index)
            continue
        if id(node) in done:
            continue
        children = (node.value if node.__class__ is yaml.SequenceNode
                    else [c for pair in node.value for c in pair])
        pending = [c for c in children
                   if c.__class__ is not yaml.ScalarNode and id(c) not in done]
        if any(id(c) in open_ for c in pending):
            raise FatalError(Diagnostic(
                "E006", "an alias refers to the node that contains it (a recursive anchor)",
                _span(name, node), hint="YAML anchors must not contain their own alias"))
        open_.add(id(node))
        stack.append((node, True))
        stack.extend([(c, False) for c in reversed(pending)])
    return done[id(root)], diagnostics


def _items(pairs: list[tuple[yaml.Node, yaml.Node]], convert: Callable[[yaml.Node], YNode],
           diagnostics: list[Diagnostic]
           ) -> tuple[tuple[tuple[YScalar, YNode], ...], dict[object, int]]:
    """A mapping's converted pairs and their index by key; keys that are not plain values, or
    repeat, are reported."""
    items: list[tuple[YScalar, YNode]] = []
    index: dict[object, int] = {}
    for k, v in pairs:
        key = convert(k)
        if not isinstance(key, YScalar):
            diagnostics.append(Diagnostic("E103", "a mapping key must be a plain value",
                                          key.span))
            continue
        if key.value in index:
            first = items[index[key.value]][0]
            diagnostics.append(Diagnostic(
                "E005", f"duplicate key '{key.text}' (first at line {first.span.line})",
                key.span, hint="remove or rename one of them; YAML would silently keep "
                               "the last"))
            continue
        index[key.value] = len(items)
        items.append((key, convert(v)))
    return tuple(items), index

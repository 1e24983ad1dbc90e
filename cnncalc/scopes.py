"""Meta keys and id scopes: what a layer entry says besides its op (`id`, `from`, `when`,
`repeat`), and what the names it refers to (`prev`, `in`, `input`, ids) mean in its scope.

`Scopes` is the expander's base (after `arguments.Arguments`); a `values.Scope` is one layer
list being expanded, the file's or a block body's, with its own ids.
"""

from __future__ import annotations

import re
from typing import Any

from .arguments import Arguments
from .format import REF_MEANING, REFS
from .graph import Shape
from .loader import YNode, YScalar
from .ops import REGISTRY, OpSpec
from .ops.base import describe_value, short_int
from .source import Span
from .values import IDENT, Scope, Skip, TooLarge, describe, listing

# `id[i]` and `id[*]`: result i of a split op or copy i of a repeat, or all of them
INDEXED = re.compile(r"(.*)\[([^\[\]]*)\]\Z", re.S)
INDEX = re.compile(r"-?[0-9]{1,30}\Z")  # longer: out of range of anything that can exist
ALL = "*"


class Scopes(Arguments):
    # every output of each node with several (a split op), by node index
    pieces: dict[int, tuple[Shape, ...]]
    # the getitem node made for (split node, output index), so each is made once
    items: dict[tuple[int, int], int]

    @staticmethod
    def _auto_name(canonical: str, scope: Scope) -> str:
        """conv1, relu2; a name ending in a digit gets a separator (conv3x3_1); numbers an id
        in this scope already uses are skipped, so every path names one layer."""
        sep = "_" if canonical[-1].isdigit() else ""
        while True:
            label = f"{canonical}{sep}{scope.counters[canonical]}"
            if label not in scope.declared:
                return label
            scope.counters[canonical] += 1

    def _id(self, node: YNode | None, scope: Scope) -> str | None:
        if node is None:
            return None
        if not isinstance(node, YScalar) or not isinstance(node.value, str) or not IDENT.match(
                node.value):
            raise self.fail("E108", f"an id is a name (letters, digits, _), got "
                            f"{describe(node)}", node.span)
        name = node.value
        if name in REFS:
            raise self.fail("E108", f"'{name}' is reserved (it means "
                            f"{REF_MEANING[name]})", node.span, "choose another id")
        if name in scope.id_spans:
            first = scope.id_spans[name]
            raise self.fail("E110", f"id '{name}' is already used at line {first.line}",
                            node.span, "give each layer in a scope its own id")
        scope.id_spans[name] = node.span
        return name

    def _when(self, node: YNode | None, scope: Scope) -> bool:
        if node is None:
            return True
        value = self.plain(node, scope)
        if not isinstance(value, bool):
            hint = ("cnncalc reads YAML 1.2: write true or false"
                    if isinstance(value, str) and value.lower() in ("yes", "no", "on", "off")
                    else None)
            raise self.fail("E103", f"when must be true or false, got {describe_value(value)}",
                            node.span, hint)
        return value

    def _flag(self, key: str, node: YNode | None, scope: Scope) -> bool:
        """A meta key that is true when absent: `trainable:` (false freezes the layer's or
        call's parameters), `inference:` (false: built but not run by the inference forward)."""
        if node is None:
            return True
        value = self.plain(node, scope)
        if not isinstance(value, bool):
            raise self.fail("E103", f"{key} must be true or false, got "
                            f"{describe_value(value)}", node.span)
        return value

    def _repeat(self, node: YNode | None, scope: Scope) -> int | None:
        if node is None:
            return None
        value = self.plain(node, scope)
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            raise self.fail("E108", f"repeat must be an integer >= 1, got "
                            f"{describe_value(value)}", node.span)
        if len(self.nodes) + value > self.max_layers:
            self.error("E116", f"repeat {short_int(value)} would expand past the limit of "
                       f"{self.max_layers:,} layers", node.span,
                       "lower the repeat count, or raise the limit with --max-layers")
            raise TooLarge()
        return value

    def _ref_meta(self, node: YNode | None, scope: Scope, span: Span) -> int:
        """The layer's input: its `from:` (at `node`), or the previous layer (`span`: the
        layer's op key)."""
        if node is None:
            if scope.prev in self.pieces:
                raise self._several(scope.prev, "prev", span, scope)
            return scope.prev
        value = self.plain(node, scope)
        if not isinstance(value, str):
            raise self.fail("E103", f"from names an earlier layer's id, got "
                            f"{describe_value(value)}", node.span)
        return self._ref(value, node.span, scope)

    def ref(self, name: str, span: Span, scope: Scope) -> int:
        """For `size(x, d)` (values.py): x as `from:` and merge inputs name it."""
        return self._ref(name, span, scope)

    def _ref(self, name: str, span: Span, scope: Scope) -> int:
        """The node `name` means here: an id, prev, in, input, or `id[i]`."""
        indexed = INDEXED.match(name)
        if indexed is not None:
            base, index = indexed.groups()
            if index == ALL:
                raise self.fail("E142", f"'{name}' names several outputs; it may stand only "
                                "in the input list of add, mul or concat", span,
                                f"name one of them, e.g. '{base}[0]'")
            results = self._results(base, span, scope)
            return self._pick(base, results, index, span, scope)
        ref = self._named(name, span, scope)
        if ref in self.pieces:
            raise self._several(ref, name, span, scope)
        return ref

    def _refs(self, name: str, span: Span, scope: Scope) -> list[int]:
        """The nodes a merge's input `name` means: `id[*]` expands to every result in order."""
        indexed = INDEXED.match(name)
        if indexed is None or indexed.group(2) != ALL:
            return [self._ref(name, span, scope)]
        base = indexed.group(1)
        results = self._results(base, span, scope)
        self.spend(results[1], span)  # one input per result
        return [self._pick(base, results, str(i), span, scope) for i in range(results[1])]

    def _results(self, base: str, span: Span, scope: Scope) -> tuple[int, int]:
        """(node, how many results) of `base`: a split op's outputs, a repeat's copies
        (`scope.copies`), or one result."""
        ref = self._named(base, span, scope)
        if ref in self.pieces:
            return ref, len(self.pieces[ref])
        copies = scope.copies.get(base)
        return ref, len(copies) if copies is not None else 1

    def ref_shape(self, name: str, span: Span, scope: Scope) -> Shape | None:
        """The shape of what `name` means (`size(x, d)`): as `_ref`, but an output of a split
        op is read without making a node for it (None: its layer failed, reported)."""
        indexed = INDEXED.match(name)
        if indexed is not None and indexed.group(2) != ALL:
            base, index = indexed.groups()
            ref, count = self._results(base, span, scope)
            if ref in self.pieces:
                return self.pieces[ref][self._index(base, (ref, count), index, span, scope)]
        return self.shape(self._ref(name, span, scope))

    def _pick(self, base: str, results: tuple[int, int], index: str, span: Span,
              scope: Scope) -> int:
        """Result `index` (negative from the end) of `base`, as `_results` found it."""
        i = self._index(base, results, index, span, scope)
        ref = results[0]
        if ref in self.pieces:
            return self._item(ref, i, span)
        copies = scope.copies.get(base)
        return copies[i] if copies is not None else ref

    def _index(self, base: str, results: tuple[int, int], index: str, span: Span,
               scope: Scope) -> int:
        """`index` as written after `base`, checked against the count of its results and
        counted from the start; E141 when it is not an index or out of range."""
        ref, count = results
        copies = scope.copies.get(base)
        what = ("output" if ref in self.pieces else "copy" if copies is not None
                else "result")
        many = f"{count:,} " + {"output": "outputs", "copy": "copies", "result": "results"}[
            what] if count != 1 else f"one {what}"
        if INDEX.match(index) is None:
            digits = index.lstrip("-")
            if not digits.isascii() or not digits.isdigit():
                raise self.fail("E141", f"'{base}[{index[:32]}]': an index is an integer "
                                "(negative from the end) or *", span,
                                f"e.g. '{base}[0]' or '{base}[-1]'")
            raise self.fail("E141", f"index of {len(digits):,} digits is out of range: "
                            f"'{base}' has {many}", span, self._range_hint(base, count))
        i = int(index)
        if not -count <= i < count:
            raise self.fail("E141", f"index {i} is out of range: '{base}' has {many}", span,
                            self._range_hint(base, count))
        return i % count

    @staticmethod
    def _range_hint(base: str, count: int) -> str:
        return (f"use '{base}[0]' to '{base}[{count - 1}]', or negative from the end"
                if count > 1 else f"'{base}' has one result: write '{base}'")

    def _item(self, ref: int, index: int, span: Span) -> int:
        """The getitem node reading output `index` of split node `ref` (made once)."""
        made = self.items.get((ref, index))
        if made is not None:
            return made
        node = self.nodes[ref]
        shape = self.pieces[ref][index]
        # pieces alike share one arguments dict: layers of one kind are inferred once
        args = self.memo.checked.setdefault(("getitem", index, shape),
                                            {"index": index, "shape": shape})
        item = self._make(REGISTRY["getitem"], args, (ref,),
                          (*node.path[:-1], f"{node.path[-1]}[{index}]"), span)
        self.items[(ref, index)] = item
        return item

    def _make(self, spec: OpSpec, args: dict[str, Any], inputs: tuple[int, ...],
              path: tuple[str, ...], span: Span) -> int:
        """Emit a node the expander makes itself (the expander's `_emit`)."""
        raise NotImplementedError  # the expander overrides it; scopes only resolve names

    def _several(self, ref: int, name: str, span: Span, scope: Scope) -> Exception:
        """E140: `name` (prev, or an id) means a layer with several outputs."""
        count = len(self.pieces[ref])
        label = name
        if name in REFS:  # prev, or a block's input that is a split op (in)
            label = next((i for i, r in scope.ids.items() if r == ref), self.nodes[ref].name)
        what = (f"the previous layer ({self.nodes[ref].name})" if name == "prev"
                else f"'{name}'")
        if label not in scope.ids and name in REFS:
            return self.fail("E140", f"{what} has {count:,} outputs ({self.nodes[ref].op}); "
                             "name the one meant", span,
                             "give the split layer an `id:` and read its outputs as id[0], "
                             "id[1], ...")
        shown = ", ".join(f"{label}[{i}]" for i in range(min(count, 3)))
        more = ", …" if count > 3 else ""
        return self.fail("E140", f"{what} has {count:,} outputs ({self.nodes[ref].op}); "
                         "name the one meant", span,
                         f"write {shown}{more} (or {label}[*] in a merge's input list)")

    def _named(self, name: str, span: Span, scope: Scope) -> int:
        """The node an unindexed name means (prev, in, input, or an id), or E109."""
        if name == "prev":
            ref = scope.prev
        elif name == "in":
            if not scope.calls:
                raise self.fail("E109", "'in' means a block's input; at the top level the "
                                "network input is 'input'", span, "write 'input'")
            ref = scope.inp
        elif name == "input":
            ref = 0
        elif name in scope.ids:
            ref = scope.ids[name]
        elif name in scope.id_spans:  # its layer failed and was reported
            raise Skip()
        elif name in scope.declared:
            later = scope.declared[name]
            raise self.fail("E109", f"id '{name}' is defined later (line {later.line}); a "
                            "layer can only take earlier outputs", span,
                            "move the layer after it, or refer to an earlier id")
        else:
            where = "this block" if scope.calls else "the file"
            raise self.fail("E109", f"no layer with id '{name}' in {where}", span,
                            self.suggest(name, lambda: [*scope.ids, *REFS], None,
                                         len(scope.ids))
                            or (f"ids here: {listing(scope.ids)}" if scope.ids else
                                "give the layer you mean an `id:`"))
        if ref < 0:
            raise Skip()
        return ref

"""Meta keys and id scopes: what a layer entry says besides its op (`id`, `from`, `when`,
`repeat`), and what the names it refers to (`prev`, `in`, `input`, ids) mean in its scope.

`Scopes` is the expander's base (after `arguments.Arguments`); a `values.Scope` is one layer
list being expanded, the file's or a block body's, with its own ids.
"""

from __future__ import annotations

from .arguments import Arguments
from .format import REF_MEANING, REFS
from .loader import YNode, YScalar
from .ops.base import describe_value, short_int
from .source import Span
from .values import IDENT, Scope, Skip, TooLarge, describe, listing


class Scopes(Arguments):
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

    def _trainable(self, node: YNode | None, scope: Scope) -> bool:
        """`trainable:` (true when absent); false freezes the layer's or call's parameters."""
        if node is None:
            return True
        value = self.plain(node, scope)
        if not isinstance(value, bool):
            raise self.fail("E103", f"trainable must be true or false, got "
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

    def _ref_meta(self, node: YNode | None, scope: Scope) -> int:
        if node is None:
            return scope.prev
        value = self.plain(node, scope)
        if not isinstance(value, str):
            raise self.fail("E103", f"from names an earlier layer's id, got "
                            f"{describe_value(value)}", node.span)
        return self._ref(value, node.span, scope)

    def _ref(self, name: str, span: Span, scope: Scope) -> int:
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

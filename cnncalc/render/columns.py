"""The one column model of every table cnncalc writes: a `Column` (its header, its alignment and
when it gives way to a narrow terminal), `Grid` to align plain-text rows under it (`show`'s
table, `diff`'s text, the `zoo` listing) and `markdown_head` for GitHub tables (`show` and
`diff --format markdown`).

Every cell is written whole: a table wider than the terminal leaves whole columns out, in the
order of their `drop` rank, rather than cut a number. Widths are terminal columns (a wide East
Asian character takes two, a combining one none), so a layer named in any script lines up.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import NamedTuple


class Column(NamedTuple):  # a NamedTuple: a third of a dataclass's import cost (`show` loads it)
    header: str
    right: bool = False  # right-justified (numbers), else left
    # when the column gives way to a narrow terminal: lowest rank first; None: never
    drop: int | None = None


def cells(value: str) -> int:
    """The terminal columns `value` takes: two for a wide (East Asian) character, none for a
    combining one."""
    if value.isascii():
        return len(value)
    import unicodedata

    return sum(0 if unicodedata.combining(c) else
               2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in value)


class Grid:
    """Rows of cells aligned under `columns`: each line is `indent`, then the kept cells
    padded to their column's width and joined by `gap`, without trailing spaces.

    With a `width` (the terminal's columns), columns are left out by their `drop` rank until
    the table, with an edge as wide as `indent` each side, fits, keeping at least `keep`
    columns; `dropped` names those left out."""

    def __init__(self, columns: Sequence[Column], rows: Sequence[Sequence[str]], *,
                 gap: str = " ", indent: str = "", width: int | None = None,
                 keep: int = 2) -> None:
        self.columns = columns
        self.gap, self.indent = gap, indent
        self.widths = [max(map(cells, column))
                       for column in zip([c.header for c in columns], *rows)]
        self.kept = list(range(len(columns)))
        self.dropped: list[Column] = []
        if width is not None:
            ranked = sorted((c.drop, i) for i, c in enumerate(columns) if c.drop is not None)
            for _, i in ranked:
                if self.span() + 2 * len(indent) <= width or len(self.kept) <= keep:
                    break
                self.kept.remove(i)
                self.dropped.append(columns[i])

    def span(self) -> int:
        """The columns the kept cells and the gaps between them take (a rule's length)."""
        return (sum(self.widths[i] for i in self.kept)
                + len(self.gap) * (len(self.kept) - 1))

    def line(self, row: Sequence[str]) -> str:
        parts = []
        for i in self.kept:
            pad = " " * (self.widths[i] - cells(row[i]))
            parts.append(pad + row[i] if self.columns[i].right else row[i] + pad)
        return (self.indent + self.gap.join(parts)).rstrip()

    def head(self) -> str:
        return self.line([c.header for c in self.columns])


def markdown_head(columns: Sequence[Column], right: str = "---:") -> list[str]:
    """A GitHub table's header and its alignment row (`right`, `---:` or `--:`, right-justifies
    a column); an empty header is a single space (`| |`)."""
    return ["|" + "|".join(f" {c.header} " if c.header else " " for c in columns) + "|",
            "|" + "|".join(right if c.right else "---" for c in columns) + "|"]

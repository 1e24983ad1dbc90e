"""Source positions: where in the user's file a value came from, and the caret excerpt."""

from __future__ import annotations

import functools
import re

from .frozen import frozen

# line breaks as the YAML parser counts them, so every position agrees with its marks
_BREAK = re.compile(r"\r\n|[\r\n\x85\u2028\u2029]")


def position(text: str, offset: int) -> tuple[int, int]:
    """The 1-based (line, column) of character `offset` of `text`."""
    breaks = list(_BREAK.finditer(text, 0, offset))
    start = breaks[-1].end() if breaks else 0
    return len(breaks) + 1, offset - start + 1


@functools.lru_cache(maxsize=2)
def _lines(text: str) -> list[str]:
    """A text's lines, split once for all its diagnostics (a string caches its hash: looking
    the text up again costs nothing)."""
    return text.splitlines()


@frozen
class Span:
    """A 1-based position (and optional end) in one source file."""

    file: str
    line: int
    col: int
    end_line: int = 0
    end_col: int = 0

    def __str__(self) -> str:
        return f"{self.file}:{self.line}:{self.col}"


@frozen
class Source:
    """The text of one input, kept so diagnostics can quote the offending line."""

    name: str
    text: str

    def line(self, number: int) -> str:
        """Return line `number` (1-based) without its newline, or '' when out of range."""
        lines = _lines(self.text)
        return lines[number - 1] if 1 <= number <= len(lines) else ""

    def excerpt(self, span: Span) -> str:
        """The source line of `span` with a caret (and tildes to the end on one line) under it."""
        text = self.line(span.line).expandtabs(1)
        if not text.strip():
            return ""
        width = 1
        if span.end_line == span.line and span.end_col > span.col:
            width = span.end_col - span.col
        gutter = f"{span.line:>4} | "
        pad = " " * (len(gutter) - 2) + "| "
        return f"{gutter}{text}\n{pad}{' ' * (span.col - 1)}^{'~' * (width - 1)}"

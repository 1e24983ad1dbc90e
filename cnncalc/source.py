"""Source positions: where in the user's file a value came from, and the caret excerpt."""

from __future__ import annotations

import functools
import re
from array import array

from .frozen import frozen

# line breaks as the YAML parser counts them ("\r\n" is one), so every position agrees with
# its marks
_BREAKS = ("\n", "\r", "\x85", "\u2028", "\u2029")
_BREAK = re.compile(r"\r\n|[\r\n\x85\u2028\u2029]")
# the characters of a source line quoted under a diagnostic, at most
EXCERPT = 100


@functools.lru_cache(maxsize=4)
def _starts(text: str) -> array[int]:
    """Where each line of `text` starts: found once per text, however many diagnostics quote
    it (a str keeps its hash, so the cache costs one lookup); a compact array, since a 16 MiB
    file may hold millions of empty lines."""
    starts = array("q", [0])
    starts.extend(match.end() for match in _BREAK.finditer(text))
    return starts


def position(text: str, offset: int) -> tuple[int, int]:
    """The 1-based (line, column) of character `offset` of `text`.

    Counted with str.count and str.rfind, not a match per line: this locates errors at the
    end of 16 MiB of short lines too (E007), in constant memory.
    """
    # a "\r\n" inside text[:offset] is one break; a "\r" just before offset counts alone
    breaks = sum(text.count(b, 0, offset) for b in _BREAKS) - text.count("\r\n", 0, offset)
    start = max(text.rfind(b, 0, offset) for b in _BREAKS) + 1
    return breaks + 1, offset - start + 1


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
    included: tuple[Source, ...] = ()  # files `include:` brought in: their spans name them

    def line(self, number: int) -> str:
        """Return line `number` (1-based) without its line break, or '' when out of range.
        Lines end where the YAML parser ends them (not at form feeds, as str.splitlines)."""
        starts = _starts(self.text)
        if not 1 <= number <= len(starts):
            return ""
        begin = starts[number - 1]
        found = _BREAK.search(self.text, begin)
        return self.text[begin:found.start() if found else len(self.text)]

    def excerpt(self, span: Span, window: int = EXCERPT) -> str:
        """The source line of `span` with a caret (and tildes to the end on one line) under it.

        At most `window` characters of the line are shown, around the caret (a one-line
        file of megabytes quotes a short piece), and the line is written with every control
        character escaped, the caret moved to match."""
        from .render.safe import clean

        if self.included and span.file != self.name:  # a block from an included file
            other = next((s for s in self.included if s.name == span.file), None)
            return other.excerpt(span, window) if other is not None else ""
        text = self.line(span.line).expandtabs(1)
        if not text.strip():
            return ""
        col = min(max(span.col, 1), len(text) + 1) - 1  # 0-based, at most just past the end
        end = col + 1
        if span.end_line == span.line and span.end_col > span.col:
            end = col + (span.end_col - span.col)
        first = max(0, min(col - window // 3, len(text) - window))
        last = first + window
        before = ("…" if first else "") + clean(text[first:col])
        marked = clean(text[col:min(end, last)]) or " "
        after = clean(text[min(end, last):last]) + ("…" if last < len(text) else "")
        gutter = f"{span.line:>4} | "
        pad = " " * (len(gutter) - 2) + "| "
        line = (gutter + before + marked + after).rstrip()
        return f"{line}\n{pad}{' ' * len(before)}^{'~' * (len(marked) - 1)}"

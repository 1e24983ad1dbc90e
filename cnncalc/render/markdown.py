"""Text from a user's file inside GitHub-flavoured markdown (a pull-request comment, a README).

A name may hold anything a YAML string can: a newline would start a heading or a list, a
backtick would end a code span, `[x](y)`, `![x](y)`, `<img ...>` and `https://...` would make
links, images or raw HTML. Every such text is written as a code span: nothing inside one is
markup, control characters are escaped first (`clean()`), the span's fence is longer than any
run of backticks inside it, and `|` is escaped because a GFM table splits cells before it
reads spans.
"""

from __future__ import annotations

import re

from .safe import clean

_TICKS = re.compile("`+")


def code(text: str) -> str:
    """`text` as an inline code span, safe in a paragraph, a list item or a table cell."""
    text = clean(text).replace("|", "\\|")
    longest = max((len(m) for m in _TICKS.findall(text)), default=0)
    fence = "`" * (longest + 1)
    if text.startswith("`") or text.endswith("`") or (text.startswith(" ") and text.strip()):
        text = f" {text} "  # a span's first and last space are not shown: the ticks stay apart
    return f"{fence}{text}{fence}"


# words, numbers and the names people give layers: nothing in them is markdown
_PLAIN = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_ .,\-]*", re.ASCII)


def word(text: str) -> str:
    """`text` as it is when it is plain words (`conv`, `bottleneck x3`), else a code span."""
    return text if _PLAIN.fullmatch(text) else code(text)

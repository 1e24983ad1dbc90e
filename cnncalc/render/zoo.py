"""The `cnncalc zoo` listing: a row of totals per model, what it mirrors below it."""

from __future__ import annotations

import textwrap

from ..zoo import Entry


def render(listed: list[Entry]) -> str:
    rows = [("Model", "Input", "Params", "MACs", "Output")]
    rows += [(e.name, e.input, f"{e.params:,}", f"{e.macs:,}", e.output) for e in listed]
    widths = [max(len(row[i]) for row in rows) for i in range(5)]
    left = {0, 1, 4}

    def line(row: tuple[str, ...]) -> str:
        cells = [c.ljust(w) if i in left else c.rjust(w) for i, (c, w) in
                 enumerate(zip(row, widths))]
        return "  ".join(cells).rstrip()

    out = [line(rows[0])]
    for entry, row in zip(listed, rows[1:]):
        out.append(line(row))
        out += textwrap.wrap(entry.mirrors, 80, initial_indent="    ",
                             subsequent_indent="    ")
    hint = "A name stands for its file in every command: cnncalc show resnet50"
    return "\n".join([*out, "", f"{len(listed)} models. {hint}", ""])

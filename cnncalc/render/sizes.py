"""`cnncalc sizes`'s output: the sizes that fit, compactly, and the answer for each size the
reader asked about (--why), as cnncalc/sizes.py worked them out."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from ..sizes import Fit, SizeCheck, SizesResult, progressions
from . import text
from .safe import clean

# a size asked about: (size, its check, the nearest sizes below and above in the range swept
# that fit)
Answer = tuple[int, SizeCheck, tuple[int | None, int | None]]


def render(result: SizesResult, lo: int, hi: int, answers: Sequence[Answer],
           color: bool = False, width: int | None = None) -> str:
    over = "x".join(result.axes)
    if result.grid:  # a YOLO config: the imgsz Ultralytics uses as given, where it builds
        head = (f"{clean(result.name)}: imgsz {lo}..{hi} ({over}) that build and that "
                f"Ultralytics uses as given (multiples of {result.grid}):")
    else:
        head = (f"{clean(result.name)}: input sizes {lo}..{hi} ({over}) where every layer "
                "divides exactly:")
    lines = [head, f"  {render_ranges(result.exact)}"]
    if result.rounded:
        lines += ["fit apart from unread padding or ceil_mode rounding (notes only):",
                  f"  {render_ranges(result.rounded)}"]
    for n, check, (below, above) in answers:
        if check.fit is Fit.EXACT:
            lines.append(f"{n} fits exactly.")
        else:
            near = " or ".join(str(x) for x in (below, above) if x is not None) or "none"
            # outside the range, only a YOLO config's grid neighbours of `n` were built too
            within = "" if lo <= n <= hi or result.grid else f" in {lo}..{hi}"
            lines.append(f"{n} does not fit (nearest{within} that do: {near}):")
            if check.problem is not None:
                lines.append(text.diagnostic(check.problem, result.source, color=color,
                                             width=width))
    return "\n".join(lines) + "\n"


def render_ranges(sizes: Iterable[int], limit: int | None = None) -> str:
    """Sizes compactly: `188, 204, 220, …, 1020 (every 16, 53 sizes)`; `32–1024` for a run of
    consecutive sizes; `none` for no size. `limit` caps the number of runs shown
    (`…, and 3 more runs`)."""
    runs = progressions(sizes)
    if not runs:
        return "none"
    parts = []
    for first, last, step in runs[:limit]:
        count = (last - first) // step + 1 if step else 1
        if count == 1:
            parts.append(str(first))
        elif step == 1 and count >= 3:
            parts.append(f"{first}–{last}")
        elif count <= 3:
            parts.append(", ".join(str(n) for n in range(first, last + 1, step)))
        else:
            parts.append(f"{first}, {first + step}, {first + 2 * step}, …, {last} "
                         f"(every {step}, {count} sizes)")
    if limit is not None and len(runs) > limit:
        more = len(runs) - limit
        parts.append(f"and {more} more run{'s' if more != 1 else ''}")
    return "; ".join(parts) if any("(" in p for p in parts) else ", ".join(parts)

"""The layout trap: an input written in another order than cnncalc reads it.

cnncalc reads shapes channels first, as PyTorch does. Course notes write H×W×C (CS231n's
`32x32x3`) and quizzes say "a 7x7 input"; both are shapes cnncalc can run, and both give a
plausible wrong answer without an error: `32x32x3` is 32 channels of 32x3, `7x7` is 7 channels
of length 7 and runs a 1-D convolution. The rule (docs/homework.md, "The layout trap"):

- H×W×C: three sizes, the last at most 4 (gray, RGB, RGBA) and both before it larger than 4.
  A channels-first input of 1 to 4 channels has them first ([3, 224, 224], [1, 28, 28]); a
  feature map of more than 4 channels whose width is 4 or less is rare (and [256, 4, 4] is
  not caught: its height is 4 too).
- A bare image size: two equal sizes ([7, 7], [224, 224]) read by an op course notes mean in
  2-D (`OpSpec.images`: conv, pooling) written without a rank (`conv`, not `conv1d`). A
  genuine 1-D input has few channels and a long signal (audio [1, 16000], ECG [12, 1000]): a
  signal as long as its channel count is not one anybody means.

Neither warns when the shapes are read H×W×C already (`--layout hwc`, `layout: hwc`): the user
has said which order they write.
"""

from __future__ import annotations

from collections.abc import Sequence

from ..diagnostics import Diagnostic
from ..graph import Graph, Shape, format_shape
from ..ops import REGISTRY

CHANNELS = 4  # at most this many channels looks like an image's: gray, RGB, RGBA


def check(graph: Graph, shapes: Sequence[Shape | None], layout: str,
          override: bool) -> list[Diagnostic]:
    """The layout warnings for the network input (`override`: it came from `--input`, so the
    fix is an option, and no line of the file is to blame)."""
    shape = shapes[0] if shapes else None
    if shape is None or layout == "hwc":
        return []
    span = None if override else graph.nodes[0].span
    if len(shape) == 3 and shape[2] <= CHANNELS and min(shape[:2]) > CHANNELS:
        fixed = (shape[2], shape[0], shape[1])
        return [Diagnostic(
            "W130", f"input {_written(shape, override)} looks like height x width x channels; "
            f"cnncalc reads it as {shape[0]} channels of {shape[1]}x{shape[2]}", span,
            f"write {_written(fixed, override)} (channels first), or "
            + ("--layout hwc" if override else "`layout: hwc` in the file"))]
    if len(shape) == 2 and shape[0] == shape[1]:
        readers = [node for node in graph.nodes[1:] if 0 in node.inputs
                   and REGISTRY[node.op].images and node.rank is None]
        if readers:
            node = readers[0]
            side = shape[0]
            return [Diagnostic(
                "W131", f"input {_written(shape, override)} is read as {side} channels of "
                f"length {side}: '{node.name}' ({node.op}) runs in 1-D on it", span,
                f"an image of {side}x{side} is {_written((1, side, side), override)} (one "
                f"channel) or {_written((3, side, side), override)} (RGB); for a 1-D signal, "
                f"write {node.op}1d", node.name)]
    return []


def _written(shape: Shape, override: bool) -> str:
    """A shape as the user writes it: `3x32x32` on the command line, `[3, 32, 32]` in a file."""
    return format_shape(shape) if override else str(list(shape))

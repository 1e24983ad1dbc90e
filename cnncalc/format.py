"""The architecture format's vocabulary, in one place: its version, top-level keys, meta keys,
reference names, dtypes, input layouts and `expect:` figures.

The declarations step and the expander check files against these; the JSON Schema, the
renderers and `explain` read them from here (importing this module costs nothing, importing the
expander costs the op registry).
"""

from __future__ import annotations

VERSION = 1.1  # `cnncalc: 1.1`, the newest version this cnncalc reads
VERSIONS = (1, 1.1)  # every version it reads (1.1 is a superset of 1)
TOP_KEYS = ("cnncalc", "name", "input", "batch", "dtype", "params", "let", "include", "defaults",
            "blocks", "layers", "expect", "outputs", "layout")
# how shapes are written: channels first as PyTorch, or H×W×C as course notes (`55x55x96`)
LAYOUTS = ("chw", "hwc")
BLOCK_KEYS = ("params", "let", "layers")
META = ("id", "from", "repeat", "first", "when", "expect", "trainable", "inference")
REFS = ("prev", "in", "input")
REF_MEANING = {"prev": "the previous layer", "in": "a block's input",
               "input": "the network input"}
DTYPES = {"float32": 4, "float16": 2, "bfloat16": 2, "float64": 8, "int8": 1}  # bytes per item
DEFAULT_DTYPE = "float32"
# `memory`: bytes, `values`: their count (a layer's output; the network's every activation);
# `layers`: the depth a paper quotes (conv and linear layers on the longest path)
NET_EXPECT = ("params", "trainable_params", "buffers", "output", "macs", "memory", "values",
              "layers", "ops", "outputs")
# the network's `ops: {conv: {params: ...}}`: per-op subtotals, as `show --group-by op` sums
# them (`layers`: how many layers of that op)
OP_EXPECT = ("layers", "params", "macs", "memory", "values")
LAYER_EXPECT = ("shape", "output", "params", "trainable_params", "buffers", "macs", "memory",
                "values", "rf", "rf_stride", "rf_start")
# an input written as a mapping: its keys, in order, by spatial rank
INPUT_AXES = {("c",): 0, ("c", "l"): 1, ("c", "h", "w"): 2, ("c", "d", "h", "w"): 3}
# the spatial axes by spatial rank, as ops and `cnncalc sizes` name them
SPATIAL_AXES = {1: ("L",), 2: ("H", "W"), 3: ("D", "H", "W")}

"""Every bound on the work an input may cause, in one place (and apart from the expander, so
that `cnncalc --help`, which shows the layer limit, imports nothing else of cnncalc).

A small file must not cost unbounded time or memory: each loop that grows with a value the
user wrote is bounded by one of these, and crossing one is a located diagnostic.
"""

DEFAULT_MAX_LAYERS = 200_000  # expanded layers; `--max-layers` raises it

# The largest size, count or integer argument: PyTorch's sizes are int64, so nothing larger
# describes a tensor; and every figure cnncalc derives from such sizes stays far inside a
# float's range (formatting) and Python's int-to-text limit.
MAX_INT = 2**63 - 1

# Block calls nested inside each other (each level is a few frames of the expander's
# recursion; no architecture nests blocks more than a handful deep).
MAX_CALL_DEPTH = 100

# Levels of lists and mappings inside one argument value (kernel_size: [3, 3] is one).
MAX_VALUE_DEPTH = 32

# Items in one argument value (YAML aliases can nest lists exponentially).
MAX_VALUE_ITEMS = 10_000

# Work units an expansion may spend per allowed layer: a layer's path parts and the items of
# the values it reads count, so deep nesting or re-read alias trees stop at a bound
# proportional to --max-layers (a zoo network spends about 10 per layer).
WORK_PER_LAYER = 16

# Files an `include:` chain may nest (a library including a library...), and files one
# analysis may include in all: sharing blocks needs a few; each file is read at most once.
MAX_INCLUDE_DEPTH = 16
MAX_INCLUDED_FILES = 256

# bytes of one input file; `--max-bytes` raises it. The largest zoo file is 4 KB, and a file
# writing out all 200,000 layers (the default layer limit) one per entry about 6.4 MB: a file
# past this is a mistake (a log, a data dump, /dev/zero), and parsing it would take memory
# some 40 times its size.
DEFAULT_MAX_BYTES = 16 * 2**20

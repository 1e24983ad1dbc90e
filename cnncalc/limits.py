"""The default size limits, apart from the expander so that `cnncalc --help` (which shows them)
imports nothing else of cnncalc."""

DEFAULT_MAX_LAYERS = 200_000  # expanded layers; `--max-layers` raises it
# bytes of one input file; `--max-bytes` raises it. The largest zoo file is 4 KB, and a file
# writing out all 200,000 layers (the default layer limit) one per entry about 6.4 MB: a file
# past this is a mistake (a log, a data dump, /dev/zero), and parsing it would take memory
# some 40 times its size.
DEFAULT_MAX_BYTES = 16 * 2**20

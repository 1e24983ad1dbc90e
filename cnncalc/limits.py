"""The default size limits, apart from the expander so that `cnncalc --help` (which shows them)
imports nothing else of cnncalc."""

DEFAULT_MAX_LAYERS = 200_000  # expanded layers; `--max-layers` raises it
# bytes of one input file; `--max-bytes` raises it. The largest zoo file is 10 KB and a flat
# file of 100,000 layers about 4 MB: a file past this is a mistake (a log, a data dump,
# /dev/zero), and reading it whole would take memory ~40 times its size.
DEFAULT_MAX_BYTES = 16 * 2**20

"""The default size limit, apart from the expander so that `cnncalc --help` (which shows it)
imports nothing else of cnncalc."""

DEFAULT_MAX_LAYERS = 200_000  # expanded layers; `--max-layers` raises it

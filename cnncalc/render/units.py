"""Human units for tables: binary for memory (3.1 MiB), SI for counts (61.1M)."""

from __future__ import annotations


def size(n: int) -> str:
    """Binary units for memory: 3.1 MiB (exact below 1 KiB)."""
    for unit, step in (("EiB", 2**60), ("PiB", 2**50), ("TiB", 2**40), ("GiB", 2**30),
                       ("MiB", 2**20), ("KiB", 2**10)):
        if abs(n) >= step:
            return f"{n / step:.1f} {unit}" if abs(n) < 2**70 else f"{n // 2**60:,} EiB"
    return f"{n} B"


def count(n: int) -> str:
    """ (61.1M), (15.5G): SI, as parameter and MAC counts are quoted; nothing under 1,000."""
    for unit, step in (("E", 10**18), ("P", 10**15), ("T", 10**12), ("G", 10**9), ("M", 10**6),
                       ("K", 10**3)):
        if abs(n) >= step:
            return f" ({n / step:.1f}{unit})" if abs(n) < 10**21 else f" ({n // 10**18:,}E)"
    return ""

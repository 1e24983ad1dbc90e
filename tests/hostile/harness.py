"""Run the real console entry point on hostile input, within a stated time and memory bound.

Every case of the hostile corpus (tests/hostile/test_*.py) goes through `run()`: a fresh
`cnncalc` process (the installed console script, else `python -m cnncalc`), its CPU time
measured, its address space capped (so a runaway case fails the test instead of the machine)
and its peak resident memory read back from the kernel. `run()` itself asserts what holds for
every input: no Python traceback, no "internal error", no raw control character in what a
person reads.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

MiB = 2**20

# A person's terminal or a CI log interprets these; only newline and tab may appear raw.
# (C0 controls, DEL, C1 controls, and the Unicode line/paragraph separators and bidi overrides.)
RAW_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")


def console() -> list[str]:
    """The installed `cnncalc` script beside this Python, as a user runs it."""
    script = Path(sys.executable).with_name("cnncalc")
    if script.exists():
        return [str(script)]
    found = shutil.which("cnncalc")
    return [found] if found else [sys.executable, "-m", "cnncalc"]


@dataclass
class Result:
    code: int
    out: str
    err: str
    seconds: float  # CPU time (user + system) of cnncalc itself
    peak_mib: float
    wall: float  # wall-clock time, the launcher included

    @property
    def text(self) -> str:
        return self.out + self.err


# Caps the address space, runs cnncalc as its own child and writes that child's peak resident
# size to a file. The test process cannot start cnncalc itself and read the peak: the kernel
# carries a process's peak across exec, and a child forked (or vforked) from pytest starts
# from pytest's own (180 MiB once torch is loaded). Forked from this small launcher, cnncalc's
# peak is its own.
_LAUNCH = """
import os, resource, sys
cap, report, argv = int(sys.argv[1]), sys.argv[2], sys.argv[3:]
resource.setrlimit(resource.RLIMIT_AS, (cap, cap))
pid = os.fork()
if pid == 0:
    try:
        os.execv(argv[0], argv)
    finally:
        os._exit(127)
_, status, usage = os.wait4(pid, 0)
with open(report, "w") as f:
    f.write(f"{usage.ru_maxrss} {usage.ru_utime + usage.ru_stime}")
code = os.waitstatus_to_exitcode(status)
os._exit(code if code >= 0 else 128 - code)
"""


def run(args: Sequence[str | os.PathLike[str]], *, cwd: str | os.PathLike[str] | None = None,
        stdin: bytes | None = None, env: Mapping[str, str] | None = None,
        seconds: float = 10.0, mib: int = 400, allow_control: bool = False) -> Result:
    """Run `cnncalc ARGS`; assert it ends within `seconds` of CPU time (and some multiple of
    that in wall time) and `mib` MiB of peak memory, with
    exit 0, 1 or 2, no traceback, and (unless `allow_control`) no raw control character."""
    environment = {k: v for k, v in os.environ.items()
                   if k not in ("FORCE_COLOR", "NO_COLOR", "COLUMNS")}
    environment.update(env or {})
    # the address space holds the interpreter and its libraries besides the heap: cap it well
    # above the resident bound, so the bound is judged by the measured peak, not by a crash
    cap = (mib + 1024) * MiB
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err, \
            tempfile.TemporaryDirectory() as scratch:
        report = Path(scratch) / "peak"
        # the bound is on CPU time, which a busy machine does not stretch (a CI run beside other
        # work measured 27 s of wall time for a 0.2 s case); wall time only catches a hang
        hang = max(seconds * 6, 60.0)
        start = time.monotonic()
        proc = subprocess.Popen(
            [sys.executable, "-c", _LAUNCH, str(cap), str(report), *console(),
             *map(os.fspath, args)],
            cwd=cwd, env=environment, start_new_session=True,  # one group: killed together
            stdin=subprocess.PIPE if stdin is not None else subprocess.DEVNULL,
            stdout=out, stderr=err)
        if stdin is not None and proc.stdin is not None:
            with contextlib.suppress(BrokenPipeError):
                proc.stdin.write(stdin)
            with contextlib.suppress(BrokenPipeError):
                proc.stdin.close()
        while True:
            pid, status, _ = os.wait4(proc.pid, os.WNOHANG)
            if pid:
                break
            if time.monotonic() - start > hang:
                os.killpg(proc.pid, signal.SIGKILL)
                os.wait4(proc.pid, 0)
                raise AssertionError(f"cnncalc {' '.join(map(str, args))[:200]} ran past "
                                     f"{hang:.0f} s")
            time.sleep(0.005)
        elapsed = time.monotonic() - start
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        rss, cpu = report.read_text().split()
        result = Result(proc.returncode, out.read().decode("utf-8", "replace"),
                        err.read().decode("utf-8", "replace"), float(cpu), int(rss) / 1024,
                        elapsed)
    shown = f"cnncalc {' '.join(map(str, args))[:200]}"
    assert result.code in (0, 1, 2), f"{shown}: exit {result.code}\n{result.text[-2000:]}"
    assert "Traceback" not in result.text, f"{shown}: traceback\n{result.text[-2000:]}"
    assert "internal error" not in result.text, f"{shown}:\n{result.text[-2000:]}"
    assert result.seconds <= seconds, \
        f"{shown}: {result.seconds:.1f} s of CPU, bound {seconds} s"
    assert result.peak_mib <= mib, f"{shown}: peak {result.peak_mib:.0f} MiB, bound {mib} MiB"
    if not allow_control:
        raw = RAW_CONTROL.search(result.text)
        assert raw is None, f"{shown}: raw control character {raw.group()!r} in the output"
    return result

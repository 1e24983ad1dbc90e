"""Mutation fuzzing of the zoo: broken copies of architectures/*.yaml through the real CLI.

Every mutant (lines deleted, duplicated, swapped or re-indented; numbers replaced with junk;
names changed; garbage inserted; the file truncated; several of these stacked) must end like a
product, not a crash: exit status 0, 1 or 2, no traceback, no "internal error", within a time
bound, and every diagnostic located inside the file.

A mutant is a pure function of (seed, index), so any failure is reproduced from two numbers.
tests/test_fuzz.py runs MUTANTS of them in CI; for long runs:

    python tests/fuzz.py --mutants 100000 --seed 7 [--save-dir fuzz-failures]

prints the exit-status counts and every failure, and saves each failing mutant to a file
(with the command that reproduces it).
"""

from __future__ import annotations

import argparse
import contextlib
import gc
import io
import json
import os
import random
import re
import signal
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:  # run as a script from anywhere
    sys.path.insert(0, str(ROOT))

from cnncalc import cli  # noqa: E402
from cnncalc.diagnostics import CODES  # noqa: E402
from cnncalc.ops import SPECS  # noqa: E402

ZOO = sorted((ROOT / "architectures").glob("*.yaml"))
# CPU seconds per mutant (CPU time: a loaded CI machine stretches wall time, not this). Every
# zoo file takes well under 1 s; a mutant that multiplies a `repeat` (1000 copies of a ResNet
# stage) takes a few; a run stuck in a loop or a huge power would take far more.
SECONDS = 5.0
HANG_SECONDS = 30.0  # interrupt a run that is clearly stuck, so the fuzzer can report it
FATAL = {code for code, entry in CODES.items() if entry.fatal}  # exit status 2
# about the whole file, not one line of it: budgets, and a file `check` skips
UNLOCATED = {"E302", "N105"}

# ---------------------------------------------------------------- the mutation vocabulary

_HUGE = str(10**30)
JUNK: tuple[str, ...] = (
    # numbers that are not sizes
    "0", "-1", "-0", "1", "2", "3", "7", "1000", _HUGE, "-" + _HUGE, "9" * 5000,
    "1" + "0" * 4400, "0.5", "1.0", "-2.5", "1e999", "-1e999", "1e-999", "1e3", ".inf",
    "-.inf", ".nan", "0x10", "0o17", "0b101", "1_000", "+5", "1__0", "1e", "08", "16, 16",
    "1, 2, 3, 4",
    # other types
    "'8'", '"8"', "eight", "null", "~", "", "[]", "{}", "[1]", "[1, 2]", "[[3]]",
    "[3, [4]]", "{a: 1}", "{out: 1}", "true", "false", "yes", "no", "on", "!!int 3",
    "!!str 3", "!!float 3", "&n 3", "*n", "|\n  3", ">-\n  3", "'$(1)'",
    # expressions, hostile ones included: never eval, never hang
    "$(9**9**9)", "$(10**10**10)", "$(2**256)", "$(-2**255)", "$(2**255 * 2**255)",
    "$(1//0)", "$(1 % 0)", "$(1 // 0.0)", "$(1/2)", "$(in_c * 2)", "$(in_c // 0)",
    "$(in_h - 1000)", "$(max())", "$(min(1))", "$(max(1, 2, 3))", "$(max(x for x in y))",
    "$(x)", "$(__import__('os').system('true'))", "$(().__class__)", "$(open('/etc/passwd'))",
    "$(1 if 1 else 2)", "$(1.5 ** 1000)", "$((-8) ** 0.5)", "$(1e308 * 10)", "$(0 ** -1)",
    "$(" + "(" * 300 + "1" + ")" * 300 + ")", "$(" + "+".join(["1"] * 3000) + ")",
    "$(" + "-" * 3000 + "1)", "$(" + "not " * 2000 + "1)", "$(" + "9" * 5000 + ")",
    "$(1 < 2 < 3)", "$('a')", "$(b'a')", "$([1])", "$({})", "$(lambda: 1)", "$(1 @ 2)",
    "$(~1)", "$(1 << 9999)", "$(a.b)", "$(a[0])", "$(f'{1}')", "$(...)", "$(True + 1)",
    "$", "$()", "$(", "$(1", "$ (1)", "$$(1)", "$(1))", "$out", "$k", "$in", "$undefined",
    "$(out * 2)", "$(out // 0)", "$(k - 100)", "$(p * 1000000)", "$(max(out, 10**30))",
    "$(s ** 100)", "$(out if out else 0)", "$out$k", "x$(1)", "%d", "{x}", "\\n",
    "$(k ** 2)", "$(out * 1.5)", "$(in_h // 2.0)", "$(in_c * 1e300 * 1e300)",
)
# integers at and past PyTorch's int64 and a float's range (issue 12, C1)
HUGE: tuple[str, ...] = (
    "9223372036854775807", "9223372036854775808", "-9223372036854775809", "1" + "0" * 308,
    "1" + "0" * 400, "1" + "0" * 3000, "1000000000000", "3000000000007", "1e320")
# control characters by YAML escape, for names and values (S2)
CONTROL: tuple[str, ...] = (
    '"\\e[2Jx"', '"\\e]0;title\\a"', '"a\\nb"', '"\\u2028"', '"\\x9b"', '"\\0"',
    '"::error file=x,line=1::forged"', '"relu\\u202e"')
JUNK += HUGE + CONTROL

GARBAGE: tuple[bytes, ...] = (
    # bytes that are not UTF-8 text
    b"\xff", b"\xfe\xff", b"\xc3", b"\xe2\x82", b"\xed\xa0\x80", b"\xf4\x90\x80\x80", b"\x80",
    b"\xef\xbb\xbf", b"\x00", b"\x00\x00\x00",
    # control and unusual characters
    b"\x01", b"\x07", b"\x08", b"\x0b", b"\x0c", b"\x1b[31m", b"\x7f", b"\x1c", b"\r", b"\r\n",
    b"\n", b"\t", b" \t ", "\x85".encode(), "\u2028".encode(), "\u2029".encode(),
    "\ufeff".encode(), "\ufffe".encode(), "\ufffd".encode(), "\U0001f600".encode(),
    "\u202e".encode(), "\u200b".encode(), "é".encode(), "ｘ".encode(), "\x9b".encode(),
    # YAML syntax
    b"&a ", b"*a", b"&a [*a]", b"- &a [*a]", b"&a {k: *a}", b"!!python/object:os.system ",
    b"!!python/name:os.system ", b"!!python/object/apply:os.system [true] ", b"!!binary ",
    b"!!set ", b"!!omap ", b"!!int ", b"!!float ", b"!!map ", b"!!seq ", b"!foo ",
    b"!<tag:yaml.org,2002:str> ", b"{", b"}", b"[", b"]", b":", b": ", b"- -", b"- ",
    b"? ", b"|", b">", b"'", b'"', b"#", b",", b"@", b"`", b"\\", b"%", b"*", b"&",
    b"%YAML 1.2\n", b"%TAG ! tag:x,2000:\n", b"---\n", b"...\n", b"--- |\n", b"<<: *a\n",
    b"<<: {}\n", b"<<: [1]\n", b'"\\u00"', b'"\\x00"', b'"\\ud800"', b"'''", b'"\\',
    b"[" * 200, b"{a: " * 200, b"- " * 200, b"[" * 20000,
    # aliases that multiply: billion laughs
    b"\nl0: &l0 [x, x, x, x, x, x, x, x, x, x]\nl1: &l1 [*l0, *l0, *l0, *l0, *l0, *l0, *l0, "
    b"*l0, *l0, *l0]\nl2: &l2 [*l1, *l1, *l1, *l1, *l1, *l1, *l1, *l1, *l1, *l1]\n"
    b"l3: &l3 [*l2, *l2, *l2, *l2, *l2, *l2, *l2, *l2, *l2, *l2]\n",
    b"\n  - &l0 [relu, relu, relu, relu, relu, relu, relu, relu]\n  - &l1 [*l0, *l0, *l0, "
    b"*l0, *l0, *l0, *l0, *l0]\n  - [*l1, *l1, *l1, *l1, *l1, *l1, *l1, *l1]\n",
    # architecture words in the wrong place
    b"layers:", b"input:", b"blocks:", b"expect:", b"id: ", b"from: ", b"repeat: ",
    b"first: ", b"when: ", b"params: ", b"x" * 100_000,
)

META = ("id", "from", "repeat", "first", "when", "expect", "input", "in", "prev", "layers",
        "blocks", "params", "defaults", "name", "cnncalc", "batch", "dtype", "shape",
        "macs", "buffers", "output", "trainable_params")

_NUMBER = re.compile(rb"-?\d+(?:\.\d+)?")
_NAME = re.compile(rb"[A-Za-z_][A-Za-z0-9_]*")


def _vocabulary() -> tuple[str, ...]:
    """Names a mutant may rename to: ops, aliases, arguments, meta keys, the zoo's own."""
    words: set[str] = set(META)
    for spec in SPECS:
        words.add(spec.name)
        words.update(spec.aliases)
        words.update(arg.name for arg in spec.args)
    for path in ZOO:
        words.update(w.decode() for w in _NAME.findall(path.read_bytes()))
    return tuple(sorted(words))


VOCABULARY = _vocabulary()

# ---------------------------------------------------------------- mutation operators

Lines = list[bytes]


def _line(lines: Lines, rng: random.Random) -> int:
    return rng.randrange(len(lines))


def delete_line(data: bytes, rng: random.Random) -> tuple[bytes, str]:
    lines = data.splitlines(keepends=True)
    if not lines:
        return data, "delete (empty)"
    i = _line(lines, rng)
    del lines[i]
    return b"".join(lines), f"delete line {i + 1}"


def duplicate_line(data: bytes, rng: random.Random) -> tuple[bytes, str]:
    lines = data.splitlines(keepends=True)
    if not lines:
        return data, "duplicate (empty)"
    i, j = _line(lines, rng), _line(lines, rng)
    line = lines[i] if lines[i].endswith((b"\n", b"\r")) else lines[i] + b"\n"
    lines.insert(j if rng.random() < 0.5 else i, line)
    return b"".join(lines), f"duplicate line {i + 1}"


def swap_lines(data: bytes, rng: random.Random) -> tuple[bytes, str]:
    lines = data.splitlines(keepends=True)
    if len(lines) < 2:
        return data, "swap (too short)"
    i = _line(lines, rng)
    j = min(len(lines) - 1, i + 1) if rng.random() < 0.5 else _line(lines, rng)
    lines[i], lines[j] = lines[j], lines[i]
    return b"".join(lines), f"swap lines {i + 1} and {j + 1}"


def replace_number(data: bytes, rng: random.Random) -> tuple[bytes, str]:
    numbers = list(_NUMBER.finditer(data))
    if not numbers:
        return insert_garbage(data, rng)
    m = rng.choice(numbers)
    junk = rng.choice(JUNK).encode()
    return (data[:m.start()] + junk + data[m.end():],
            f"number {m.group().decode()!r} at byte {m.start()} -> {junk[:40]!r}")


def rename(data: bytes, rng: random.Random) -> tuple[bytes, str]:
    names = list(_NAME.finditer(data))
    if not names:
        return insert_garbage(data, rng)
    m = rng.choice(names)
    old = m.group().decode()
    roll = rng.random()
    if roll < 0.6:
        new = rng.choice(VOCABULARY)
    elif roll < 0.8:  # a typo
        k = rng.randrange(len(old))
        new = old[:k] + old[k + 1:] if rng.random() < 0.5 else old[:k] + old[k] + old[k:]
    else:
        new = rng.choice(("", "x", "_", "1", "prev", "in", "input", "true", "null", old.upper(),
                          old + "2", "a" * 300))
    return (data[:m.start()] + new.encode() + data[m.end():],
            f"name {old!r} at byte {m.start()} -> {new[:40]!r}")


_ARG_VALUES = ("0", "1", "2", "3", "4", "7", "16", "-1", _HUGE, "0.5", "1e999", "true",
               "false", "null", "same", "valid", "none", "tanh", "center", "channels",
               "bilinear", "nearest", "reflect", "[2, 2]", "[1, 2, 3]", "[]", "[[1]]",
               "[input, input]", "[prev, in]", "{}")
_LAYER_START = re.compile(rb"^([ \t]*)- ", re.M)


def insert_layer(data: bytes, rng: random.Random) -> tuple[bytes, str]:
    """A new layer of any op, arguments drawn at random, after an existing list item."""
    spec = rng.choice([s for s in SPECS if not s.internal])
    op = rng.choice([spec.name, *spec.aliases])
    args = [a.name for a in spec.args]
    roll = rng.random()
    if roll < 0.2 or not args:
        layer = op
    elif roll < 0.4:
        layer = f"{op}: {rng.choice(_ARG_VALUES)}"
    elif roll < 0.6:
        layer = f"{op}: [{', '.join(rng.choice(_ARG_VALUES) for _ in range(rng.randint(1, 4)))}]"
    else:
        chosen = rng.sample(args, rng.randint(1, len(args)))
        layer = f"{op}: {{{', '.join(f'{a}: {rng.choice(_ARG_VALUES)}' for a in chosen)}}}"
    if rng.random() < 0.3:
        meta = rng.choice(("id: x", "from: input", "from: in", "repeat: 3", "repeat: 300",
                           "repeat: 1000000", "when: false", "expect: [3, 4]", "first: {out: 1}"))
        layer = f"{{{meta}, {layer if ':' in layer else layer + ': {}'}}}"
    items = list(_LAYER_START.finditer(data))
    if items:
        m = rng.choice(items)
        at = data.find(b"\n", m.end())
        at = len(data) if at < 0 else at + 1
        indent = m.group(1)
    else:
        at, indent = len(data), b"  "
    line = indent + b"- " + layer.encode() + b"\n"
    return data[:at] + line + data[at:], f"insert layer {line.strip()!r} at byte {at}"


def truncate(data: bytes, rng: random.Random) -> tuple[bytes, str]:
    at = rng.randrange(len(data) + 1)
    return data[:at], f"truncate at byte {at}"


def reindent(data: bytes, rng: random.Random) -> tuple[bytes, str]:
    lines = data.splitlines(keepends=True)
    if not lines:
        return data, "reindent (empty)"
    i = _line(lines, rng)
    body = lines[i].lstrip(b" \t")
    old = len(lines[i]) - len(body)
    indent = rng.choice([
        b" " * max(0, old + rng.choice((-4, -2, -1, 1, 2, 4))), b"", b"\t", b" \t", b"\t  ",
        b" " * old + b"\t", b" " * 8, b" " * 200])
    lines[i] = indent + body
    return b"".join(lines), f"reindent line {i + 1} to {indent[:20]!r}"


def insert_garbage(data: bytes, rng: random.Random) -> tuple[bytes, str]:
    roll = rng.random()
    if roll < 0.25:
        junk = rng.randbytes(rng.randint(1, 8))
    elif roll < 0.35:  # a junk value, as text
        junk = rng.choice(JUNK).encode()
    else:
        junk = rng.choice(GARBAGE)
    if rng.random() < 0.3:  # at a line start, where YAML structure begins
        starts = [0] + [m.end() for m in re.finditer(rb"\n", data)]
        at = rng.choice(starts)
    else:
        at = rng.randrange(len(data) + 1)
    return data[:at] + junk + data[at:], f"insert {junk[:40]!r} at byte {at}"


def _alias_tree(levels: int, leaf: str = "1") -> str:
    """A flow value of 3^levels leaves in a few lines: each level lists the previous one three
    times by alias (issue 12, D1: values re-read at every call)."""
    tree = f"&t0 [{leaf}, 1, 1]"
    for i in range(1, levels + 1):
        tree = f"&t{i} [{tree}, *t{i - 1}, *t{i - 1}]"
    return tree


def _nested(depth: int) -> str:
    return "[" * depth + "3" + "]" * depth


def _block_chain(rng: random.Random) -> tuple[str, str]:
    """(blocks, the layer calling them): nested calls whose depth or `repeat: $n` fan-out
    grows with a small file (issue 12, C3, D6, D7)."""
    levels = rng.choice((5, 40, 101, 300))
    repeat = rng.choice(("$n", '"$(n)"', "$n", "2", "1"))
    blocks = []
    for i in range(levels):
        inner = (f"{{h{i + 1}: {{n: $n}}, repeat: {repeat}}}" if i + 1 < levels
                 else f"{{relu: {{}}, repeat: {repeat}}}")
        blocks.append(f"  h{i}: {{params: [n=2], layers: [{inner}]}}\n")
    return "".join(blocks), f"{{h0: {{n: {rng.choice((1, 2, 3, 1000))}}}}}"


def _hostile_layer(rng: random.Random) -> str:
    roll = rng.randrange(6)
    if roll == 0:  # a value nested deep (C4)
        depth = rng.choice((31, 33, 500, 990))
        return f"conv: {{out_channels: 4, kernel_size: {_nested(depth)}}}"
    if roll == 1:  # an alias tree (D1)
        return f"{{relu: {{}}, expect: {_alias_tree(rng.choice((3, 6, 9)))}}}"
    if roll == 2:  # a control character in a name (S2)
        return f"{{id: {rng.choice(CONTROL)}, relu: {{}}}}"
    if roll == 3:  # a huge size (C1)
        return f"{rng.choice(('linear', 'conv', 'upsample'))}: {rng.choice(HUGE)}"
    if roll == 4:  # a stride of a trillion (D3)
        return "maxpool: {kernel_size: 1000000000000, stride: 999999999989, padding: 7}"
    return f"{{gap: {{}}, repeat: {rng.choice((1, 3))}}}"  # a 1x1 input for what follows (W2)


def insert_hostile(data: bytes, rng: random.Random) -> tuple[bytes, str]:
    """An attack of issue 12: a deeply nested value, an alias tree, a control character, a
    huge size, a huge stride, or a chain of blocks (deep, or fanning out by `repeat: $n`)."""
    items = list(_LAYER_START.finditer(data))
    m = rng.choice(items) if items else None
    at = len(data) if m is None or data.find(b"\n", m.end()) < 0 else (
        data.find(b"\n", m.end()) + 1)
    indent = m.group(1) if m else b"  "
    if rng.random() < 0.3:
        blocks, layer = _block_chain(rng)
        line = indent + b"- " + layer.encode() + b"\n"
        data = data[:at] + line + data[at:]
        section = data.find(b"\nblocks:\n")
        if section >= 0:
            cut = section + len(b"\nblocks:\n")
            data = data[:cut] + blocks.encode() + data[cut:]
        else:
            data = data + (b"" if data.endswith(b"\n") else b"\n") + b"blocks:\n" + blocks.encode()
        return data, f"insert a chain of blocks called by {line.strip()!r}"
    line = indent + b"- " + _hostile_layer(rng).encode() + b"\n"
    return data[:at] + line + data[at:], f"insert hostile layer {line.strip()[:60]!r} at {at}"


Operator = Callable[[bytes, random.Random], tuple[bytes, str]]
# the ones that keep the YAML readable weigh more: they reach the deeper passes
OPERATORS: tuple[tuple[Operator, int], ...] = (
    (replace_number, 30), (rename, 20), (delete_line, 10), (duplicate_line, 10),
    (swap_lines, 8), (reindent, 6), (insert_garbage, 12), (truncate, 4), (insert_layer, 12),
    (insert_hostile, 10),
)


def mutate(data: bytes, rng: random.Random,
           operators: tuple[tuple[Operator, int], ...] = OPERATORS) -> tuple[bytes, list[str]]:
    """Apply one to six stacked mutations (mostly one or two); return the mutant and its steps."""
    n = rng.choices((1, 2, 3, 4, 6), weights=(50, 25, 12, 8, 5))[0]
    ops, weights = zip(*operators)
    steps = []
    for _ in range(n):
        op = rng.choices(ops, weights=weights)[0]
        data, step = op(data, rng)
        steps.append(step)
    return data, steps


# ---------------------------------------------------------------- the command a mutant runs

def command(rng: random.Random) -> list[str]:
    """A command line with FILE for the mutant's path: mostly `show`/`check` in JSON, whose
    diagnostics are checked exactly, sometimes the text outputs and the other commands."""
    roll = rng.random()
    if roll < 0.45:
        argv = ["show", "FILE", "--format", "json"]
        if rng.random() < 0.2:
            argv += rng.choice((["--count", "all"], ["--batch", "8"], ["--dtype", "float16"],
                                ["--input", "3x64x64"], ["--optimizer", "sgd"]))
    elif roll < 0.65:
        argv = ["show", "FILE", *rng.choice(([], [], ["--depth", "1"], ["--layout", "hwc"],
                                             ["--columns", "output,params,macs,memory,values,rf"],
                                             ["--share", "macs"], ["--strict"],
                                             ["--format", "csv"], ["--format", "markdown"]))]
    elif roll < 0.80:
        argv = ["check", "FILE", "--format", "json"]
    elif roll < 0.92:
        argv = ["check", "FILE", *rng.choice((["--notes"], ["--format", "github", "--notes"],
                                              ["--max-params", "1M", "--min-rf", "100"],
                                              ["--strict", "--answers"]))]
    elif roll < 0.96:
        argv = ["explain", "FILE"]
    else:
        argv = ["export", "FILE", "--to", rng.choice(("pytorch", "mermaid", "dot"))]
    if rng.random() < 0.1:  # the mutant on standard input
        argv[1] = "-"
    return argv


@dataclass(frozen=True)
class Mutant:
    base: Path
    seed: int
    index: int
    data: bytes
    steps: tuple[str, ...]
    argv: tuple[str, ...]  # FILE stands for the mutant's path; - reads it on standard input

    def label(self) -> str:
        return f"seed {self.seed} mutant {self.index} ({self.base.name})"


def make_mutant(seed: int, index: int,
                operators: tuple[tuple[Operator, int], ...] = OPERATORS) -> Mutant:
    """Mutant `index` of `seed`: the same bytes and command on every machine and run."""
    rng = random.Random(f"{seed}:{index}")
    base = ZOO[index % len(ZOO)]
    data, steps = mutate(base.read_bytes(), rng, operators)
    return Mutant(base, seed, index, data, tuple(steps), tuple(command(rng)))


def mutants(seed: int, count: int, start: int = 0,
            operators: tuple[tuple[Operator, int], ...] = OPERATORS) -> Iterator[Mutant]:
    for index in range(start, start + count):
        yield make_mutant(seed, index, operators)


# ---------------------------------------------------------------- running one, and judging it

class Hang(BaseException):
    """Raised by the alarm in a run that is stuck (a BaseException: cli.main must not catch
    it and report it as an ordinary internal error)."""


@dataclass(frozen=True)
class Outcome:
    code: int | None  # None: interrupted as a hang
    stdout: str
    stderr: str
    seconds: float  # CPU time: a loaded CI machine stretches wall time, not this


def run(argv: list[str], stdin: bytes = b"") -> Outcome:
    """cnncalc.cli.main in this process, `stdin` its standard input, its output captured, a
    stuck run interrupted (after HANG_SECONDS of CPU time, or ten times that of wall time for a
    run stuck waiting)."""
    out, err = io.StringIO(), io.StringIO()
    real_stdin, sys.stdin = sys.stdin, io.TextIOWrapper(io.BytesIO(stdin))

    def alarm(signum: int, frame: object) -> None:
        raise Hang

    timers = ((signal.ITIMER_PROF, signal.SIGPROF, HANG_SECONDS),
              (signal.ITIMER_REAL, signal.SIGALRM, 10 * HANG_SECONDS)
              ) if hasattr(signal, "setitimer") and _main_thread() else ()
    previous = [signal.signal(signum, alarm) for _, signum, _ in timers]
    for which, _, seconds in timers:
        signal.setitimer(which, seconds)
    # Measured as the console entry point runs (cli.run freezes what imports made and collects
    # rarely): in a long
    # pytest run, the collector would otherwise rescan torch and every earlier test's objects.
    # And the CPU time is this thread's: other threads of a test process (torch's workers)
    # are no part of cnncalc's work, yet a CI run once charged a 1 s mutant 10.7 s.
    gc.freeze()
    thresholds = gc.get_threshold()
    gc.set_threshold(200_000, 30, 30)
    start = time.thread_time()
    code: int | None
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            code = cli.main(argv)
    except Hang:
        code = None
    finally:
        gc.set_threshold(*thresholds)
        gc.unfreeze()
        for (which, signum, _), handler in zip(timers, previous):
            signal.setitimer(which, 0)
            signal.signal(signum, handler)
        sys.stdin = real_stdin
    return Outcome(code, out.getvalue(), err.getvalue(), time.thread_time() - start)


def _main_thread() -> bool:
    return threading.current_thread() is threading.main_thread()


_BREAK = re.compile(r"\r\n|[\r\n\x85\u2028\u2029]")  # line breaks as the YAML parser counts them


def file_lines(data: bytes) -> list[str]:
    """The mutant's lines as cnncalc reads them (UTF-8, BOM dropped; undecodable bytes count
    as one character each run, as in E002's column) and as the YAML parser breaks them."""
    text = data.decode("utf-8-sig", "replace")
    lines = _BREAK.split(text)
    if lines and lines[-1] == "":
        lines.pop()  # the position after a final line break is the end of file: line n + 1
    return lines


def outside(lines: list[str], line: object, col: object) -> str | None:
    """Why (line, col) is not a position in the file, or None when it is one."""
    if not isinstance(line, int) or not isinstance(col, int):
        return f"no position ({line}:{col})"
    if line == len(lines) + 1:
        return None if col == 1 else f"{line}:{col} is past the end of the file"
    if not 1 <= line <= len(lines):
        return f"line {line} is outside the file's lines 1..{len(lines)}"
    if not 1 <= col <= len(lines[line - 1]) + 1:
        return f"{line}:{col}: column outside 1..{len(lines[line - 1]) + 1}"
    return None


_TAG = re.compile(r"\b(error|warning|note)\[([A-Z]\d{3})\]: ")
_GITHUB = re.compile(r"^::(error|warning|notice) ([^:]*)::", re.M)


def problems(data: bytes, argv: list[str], path: str, outcome: Outcome) -> list[str]:
    """Every way this run broke the contract: status, traceback, time, positions."""
    found: list[str] = []
    if outcome.code is None:
        return [f"hang: interrupted after {HANG_SECONDS:.0f} s of CPU time"]
    output = outcome.stdout + outcome.stderr
    if outcome.code not in (0, 1, 2):
        found.append(f"exit status {outcome.code}")
    for marker in ("Traceback", "internal error"):
        if marker in output:
            found.append(f"{marker!r} in the output")
    if outcome.seconds > SECONDS:
        found.append(f"took {outcome.seconds:.2f} s of CPU time (bound {SECONDS} s)")
    lines = file_lines(data)

    def at(where: str, line: object, col: object) -> None:
        why = outside(lines, line, col)
        if why:
            found.append(f"{where}: {why}")

    fmt = argv[argv.index("--format") + 1] if "--format" in argv else None
    text = output
    if fmt == "json" and argv[0] in ("show", "check") and outcome.stdout.strip():
        text = outcome.stderr
        try:
            doc = json.loads(outcome.stdout)
        except ValueError as exc:
            return [*found, f"--format json printed no JSON: {exc}"]
        if argv[0] == "show":
            diagnostics = doc["diagnostics"]
            for layer in doc["layers"]:
                at(f"layer {layer['path']}", layer["line"], 1)
            want = (2 if any(d["code"] in FATAL for d in diagnostics)
                    else 1 if any(d["severity"] == "error" for d in diagnostics) else 0)
            if outcome.code != want:
                found.append(f"exit status {outcome.code}, but the diagnostics call for {want}")
        else:
            (entry,) = doc["files"]
            diagnostics = entry["diagnostics"]
            for v in entry["expectations"]:
                at(f"expectation {v['path']} {v['key']}", v["line"], v["column"])
            if entry["exit_code"] != outcome.code:
                found.append(f"exit status {outcome.code}, JSON says {entry['exit_code']}")
        for d in diagnostics:
            if d["code"] in UNLOCATED:
                continue
            if d["file"] != path:
                found.append(f"{d['code']} names the file {d['file']!r}")
            at(d["code"], d["line"], d["column"])
    # text: every `severity[CODE]: ` starts `path:line:col: `; any other `path:line:col` too
    prefix = re.compile(re.escape(path) + r":(\d+):(\d+)")
    for text_line in text.splitlines():
        tag = _TAG.search(text_line)
        if tag and tag.group(2) not in UNLOCATED:
            m = prefix.match(text_line)
            if not m or m.end() + 2 != tag.start():
                found.append(f"unlocated: {text_line[:200]!r}")
    for m in prefix.finditer(text):
        at(m.group(0)[len(path):], int(m.group(1)), int(m.group(2)))
    for m in _GITHUB.finditer(text):
        props = dict(p.split("=", 1) for p in m.group(2).split(",") if "=" in p)
        if any(code in props.get("title", "") for code in UNLOCATED):
            continue
        if "line" not in props or "col" not in props:
            found.append(f"unlocated: {m.group(0)[:200]!r}")
        else:
            at("github " + props.get("title", ""), int(props["line"]), int(props["col"]))
    return found


def check(mutant: Mutant, directory: Path) -> tuple[Outcome, list[str]]:
    """Write the mutant to `directory` (or standard input), run its command and return what
    went wrong."""
    path = directory / "mutant.yaml"
    path.write_bytes(mutant.data)
    argv = [str(path) if a == "FILE" else a for a in mutant.argv]
    outcome = run(argv, mutant.data)
    return outcome, problems(mutant.data, argv, "<stdin>" if "-" in argv else str(path), outcome)


# ---------------------------------------------------------------- the long-run script

def save(mutant: Mutant, found: list[str], outcome: Outcome, directory: Path) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / f"seed{mutant.seed}-{mutant.index}.yaml"
    path.write_bytes(mutant.data)
    argv = " ".join(str(path) if a == "FILE" else a for a in mutant.argv)
    if "-" in mutant.argv:
        argv += f" < {path}"
    report = [f"{mutant.label()}", f"reproduce: cnncalc --traceback {argv}",
              f"mutations: {'; '.join(mutant.steps)}", *found,
              "--- stdout", outcome.stdout[-4000:], "--- stderr", outcome.stderr[-4000:]]
    path.with_suffix(".txt").write_text("\n".join(report), encoding="utf-8")
    return path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--mutants", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--start", type=int, default=0, help="first mutant index")
    parser.add_argument("--save-dir", type=Path, default=Path("fuzz-failures"))
    parser.add_argument("--progress", type=int, default=1000, help="report every N mutants")
    parser.add_argument("--operators", help="only these mutations, comma-separated (e.g. "
                        "replace_number,rename,insert_layer: the YAML stays readable, so the "
                        "mutants reach the deeper passes)")
    args = parser.parse_args(argv)
    operators = OPERATORS
    if args.operators:
        chosen = set(args.operators.split(","))
        operators = tuple((op, w) for op, w in OPERATORS if op.__name__ in chosen)
        if len(operators) != len(chosen):
            names = ", ".join(op.__name__ for op, _ in OPERATORS)
            parser.error(f"--operators: choose from {names}")
    os.environ.setdefault("NO_COLOR", "1")
    codes: Counter[str] = Counter()
    failures = 0
    slowest: list[tuple[float, str]] = []
    began = time.perf_counter()
    with tempfile.TemporaryDirectory() as tmp:
        for n, mutant in enumerate(mutants(args.seed, args.mutants, args.start, operators), 1):
            outcome, found = check(mutant, Path(tmp))
            codes[str(outcome.code)] += 1
            slowest = sorted([*slowest, (outcome.seconds, mutant.label())])[-5:]
            if found:
                failures += 1
                saved = save(mutant, found, outcome, args.save_dir)
                print(f"FAIL {mutant.label()} {' '.join(mutant.argv)}: {'; '.join(found)}"
                      f"  [saved {saved}]", flush=True)
            if args.progress and n % args.progress == 0:
                print(f"... {n} mutants, {failures} failing, {dict(codes)}, "
                      f"{time.perf_counter() - began:.0f} s", flush=True)
    elapsed = time.perf_counter() - began
    print(f"{args.mutants} mutants (seed {args.seed}) in {elapsed:.0f} s: exit statuses "
          f"{dict(sorted(codes.items()))}; {failures} failing")
    print("slowest: " + ", ".join(f"{s:.2f} s {label}" for s, label in reversed(slowest)))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())

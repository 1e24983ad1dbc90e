"""cnncalc's benchmark: whole processes, timed against floors measured in the same run.

    python bench/run.py              # writes docs/performance.md (about two minutes)
    python bench/run.py --runs 5 --heavy-runs 2 --no-write   # a quick look, table only

Each case runs as a fresh process (what a pre-commit hook or a CI step pays), several times,
interleaved with its floor so that both see the same machine load; the report gives the median,
min and max wall time, the peak resident memory, the ratio of medians to the floor, and whether
the target of issue 6 is met. The inputs (networks of 10k and 100k layers, a flat file, a
directory of 200 configs) are generated into a temporary directory.
"""

from __future__ import annotations

import argparse
import datetime
import importlib.metadata
import importlib.util
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
ZOO = ROOT / "architectures"
REPORT = ROOT / "docs" / "performance.md"
MiB = 1024 * 1024

# torchinfo's summary of ResNet-50 as issue 6 measured it (torch import and forward pass
# included, median of 5), quoted only when the side-by-side case cannot run here
ISSUE_TORCHINFO = "about 6.0 s wall and 858 MiB"


# ------------------------------------------------------------------ inputs

def scaling_yaml(layers: int) -> str:
    """A residual block (conv, bn, relu, add) repeated to `layers` layers: a few lines of YAML
    that expand to a deep network (the shape of generated search spaces)."""
    return f"""\
# {layers:,} layers: conv + bn + relu + residual add, repeated
name: scaling_{layers}
input: [16, 8, 8]
blocks:
  res:
    layers:
      - conv: {{out_channels: 16, kernel_size: 3, padding: 1, bias: false}}
      - bn
      - relu
      - add: [prev, in]
layers:
  - {{res: {{}}, repeat: {layers // 4}}}
"""


def flat_yaml(layers: int) -> str:
    """The same network written out layer by layer, without blocks or repeat."""
    lines = [f"# {layers:,} layers written out: conv + bn + relu + residual add",
             f"name: flat_{layers}", "input: [16, 8, 8]", "layers:"]
    skip = "input"
    for i in range(layers // 4):
        lines += ["  - conv: {out_channels: 16, kernel_size: 3, padding: 1, bias: false}",
                  "  - bn", "  - relu", f"  - {{id: sum{i}, add: [prev, {skip}]}}"]
        skip = f"sum{i}"
    return "\n".join(lines) + "\n"


def config_dir(directory: Path, count: int) -> Path:
    """`count` configs for `cnncalc check`: the zoo, copied round-robin under new names."""
    directory.mkdir(parents=True, exist_ok=True)
    zoo = sorted(ZOO.glob("*.yaml"))
    for i in range(count):
        source = zoo[i % len(zoo)]
        shutil.copyfile(source, directory / f"{i:03d}_{source.name}")
    return directory


# Ultralytics' YOLO configs (issue 15), read from the installed `ultralytics` package: its
# license keeps them out of this repository, so without the package these cases are skipped
# (with the reason printed). The version the reader was checked against (tests/yolo_oracle.py):
YOLO_VERSION = "8.4.190"
# the shipped config with the most layers at scale x: 1,022 (yolo12-seg.yaml; measured with
# ultralytics 8.4.190 over every config that has an x scale and is read)
YOLO_LARGEST = "12/yolo12-seg.yaml"
# Ultralytics derives the scale from a file name this way (tasks.guess_model_scale): a copy of
# yolov8.yaml named yolov8s.yaml is read at scale s by `check`, as by Ultralytics
YOLO_SCALE_IN_NAME = re.compile(r"^(yolo(?:e-)?v?\d+)")


def yolo_models() -> Path | None:
    """The installed package's model configs (found without importing it), or None."""
    spec = importlib.util.find_spec("ultralytics")
    if spec is None or spec.origin is None:
        return None
    models = Path(spec.origin).parent / "cfg" / "models"
    return models if (models / YOLO_LARGEST).is_file() else None


def yolo_status() -> str | None:
    """Why the YOLO cases cannot run with this Python, or None when they can."""
    if yolo_models() is None:
        return (f"ultralytics (its model configs, {YOLO_LARGEST} among them) not installed for "
                f"{sys.executable}: `pip install --no-deps ultralytics=={YOLO_VERSION}`")
    return None


def yolo_note() -> str:
    """The report's note on the YOLO cases: what they read, or why they were skipped."""
    skipped = yolo_status()
    if skipped:
        return f"**Skipped**: the YOLO cases (yolo_show, yolo_check): {skipped}."
    return (f"The YOLO cases read the installed ultralytics package's configs (their license "
            f"keeps them out of the repository): yolo_show the one with the most layers at "
            f"scale x ({YOLO_LARGEST}), yolo_check a copy of every config per scale, named "
            f"as Ultralytics names a scale's file (yolov8s.yaml), in one directory.")


def yolo_dir(directory: Path, models: Path) -> tuple[Path, int]:
    """Every shipped config once per scale, named as Ultralytics names a scale's file
    (yolov8.yaml -> yolov8n.yaml, yolov8s.yaml, ...), so that one `cnncalc check` of the
    directory reads each at each scale; and how many files that made."""
    import yaml

    directory.mkdir(parents=True, exist_ok=True)
    count = 0
    for path in sorted(models.rglob("*.yaml")):
        text = path.read_text(encoding="utf-8")
        scales = list((yaml.safe_load(text) or {}).get("scales") or {}) or [""]
        for scale in scales:
            name = YOLO_SCALE_IN_NAME.sub(lambda m, s=scale: m.group(1) + s, path.name, count=1)
            if name == path.name and scale != scales[0]:
                # a name that cannot carry a scale is read at its first (Ultralytics' default)
                continue
            (directory / f"{path.parent.name}-{name}").write_text(text, encoding="utf-8")
            count += 1
    return directory, count


# ------------------------------------------------------------------ running

@dataclass
class Case:
    key: str
    label: str  # what the report calls it
    argv: list[str]
    floor: str | None = None  # key of the case it is measured against
    max_ratio: float | None = None  # target: median / floor's median
    max_seconds: float | None = None  # target: median wall time
    max_mib: float | None = None  # target: peak resident memory
    codes: tuple[int, ...] = (0,)  # exit statuses that mean it ran as intended
    heavy: bool = False  # seconds a run: measured in fewer rounds (--heavy-runs)
    check: Callable[[Path], str | None] | None = None  # output file -> problem, or None
    times: list[float] = field(default_factory=list)
    peak: int = 0  # bytes

    @property
    def median(self) -> float:
        return statistics.median(self.times)


def run_once(argv: list[str], output: Path | None = None) -> tuple[float, int, int]:
    """(wall seconds, exit status, peak RSS bytes) of one process; stdout to `output`, if any.

    The peak is the child's ru_maxrss. Linux counts a child's peak from its fork, so this
    process must stay smaller than anything it measures: it never holds a case's output.
    """
    with open(output or os.devnull, "wb") as out:
        start = time.perf_counter()
        proc = subprocess.Popen(argv, stdout=out, stderr=subprocess.DEVNULL, cwd=ROOT, env=ENV)
        if hasattr(os, "wait4"):
            _, status, usage = os.wait4(proc.pid, 0)
            wall = time.perf_counter() - start
            proc.returncode = os.waitstatus_to_exitcode(status)
            # ru_maxrss: kilobytes on Linux, bytes on macOS
            peak = usage.ru_maxrss * (1 if sys.platform == "darwin" else 1024)
        else:  # pragma: no cover - Windows: no per-child rusage
            proc.wait()
            wall, peak = time.perf_counter() - start, 0
    return wall, proc.returncode, peak


# Python's own defaults for the processes measured: bytecode caching on (PYTHONDONTWRITEBYTECODE,
# set in some shells and CI images, would make every run compile cnncalc from source while
# typer, rich and yaml load their installed bytecode)
ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}


def compile_cnncalc() -> None:
    """Byte-compile the cnncalc that runs, as `pip install` does: every run then starts as a
    user's would, from cached bytecode."""
    code = ("import compileall, os, sys, cnncalc; "
            "sys.exit(not compileall.compile_dir(os.path.dirname(cnncalc.__file__), quiet=1))")
    subprocess.run([sys.executable, "-c", code], check=True, env=ENV, cwd=ROOT)


def json_layers(expected: int) -> Callable[[Path], str | None]:
    """A check that the JSON output lists `expected` layers (read line by line: see run_once)."""
    def check(output: Path) -> str | None:
        with output.open(encoding="utf-8") as lines:
            n = sum(1 for line in lines if line.startswith('      "activation_bytes": '))
        return None if n == expected else f"expected {expected} layers in the JSON, got {n}"
    return check


def cnncalc_command() -> list[str]:
    """The console script beside this Python (what users run), else `python -m cnncalc`."""
    script = Path(sys.executable).with_name("cnncalc")
    return [str(script)] if script.exists() else [sys.executable, "-m", "cnncalc"]


def torchinfo_status() -> str | None:
    """Why the torchinfo comparison cannot run with this Python, or None when it can."""
    missing = [m for m in ("torch", "torchvision", "torchinfo") if not importlib.util.find_spec(m)]
    if missing:
        return f"{' and '.join(missing)} not installed for {sys.executable}"
    return None


TORCHINFO = """\
import torch, torchvision, torchinfo
torchinfo.summary(torchvision.models.resnet50(), input_size=(1, 3, 224, 224))
"""


def build_cases(work: Path, big: int, small: int, flat: int, configs: int) -> list[Case]:
    cli = cnncalc_command()
    py = sys.executable
    (work / f"scaling_{small}.yaml").write_text(scaling_yaml(small), encoding="utf-8")
    (work / f"scaling_{big}.yaml").write_text(scaling_yaml(big), encoding="utf-8")
    flat_file = work / f"flat_{flat}.yaml"
    flat_file.write_text(flat_yaml(flat), encoding="utf-8")
    corpus = config_dir(work / "configs", configs)
    resnet152 = "architectures/resnet152.yaml"
    cases = [
        Case("import", "floor: `python -c \"import typer, rich.table, yaml\"`",
             [py, "-c", "import typer, rich.table, yaml"]),
        Case("help", "`cnncalc --help`", [*cli, "--help"], "import", max_ratio=1.3),
        Case("table", "`cnncalc show resnet152.yaml`", [*cli, "show", resnet152], "import",
             max_ratio=1.5),
        Case("json", "`cnncalc show resnet152.yaml --format json`",
             [*cli, "show", resnet152, "--format", "json"], "import", max_ratio=1.3,
             check=json_layers(515)),
        # the pictures (issue 17): collapsed at the default depth within 1.5x `show`, every
        # one of the 515 layers within a second
        Case("svg", "`cnncalc export resnet152.yaml --to svg`",
             [*cli, "export", resnet152, "--to", "svg"], "table", max_ratio=1.5),
        Case("svg_full", "`cnncalc export resnet152.yaml --to svg --depth 99` (every layer)",
             [*cli, "export", resnet152, "--to", "svg", "--depth", "99"], max_seconds=1),
        Case("report", "`cnncalc report resnet152.yaml`", [*cli, "report", resnet152], "table",
             max_ratio=1.5),
        Case("report_full", "`cnncalc report resnet152.yaml --depth 99` (every layer)",
             [*cli, "report", resnet152, "--depth", "99"], max_seconds=1),
        Case("small", f"{_k(small)} layers (repeat) to JSON",
             [*cli, "show", str(work / f"scaling_{small}.yaml"), "--format", "json"],
             check=json_layers(small)),
        Case("big", f"{_k(big)} layers (repeat) to JSON",
             [*cli, "show", str(work / f"scaling_{big}.yaml"), "--format", "json"],
             "small", max_ratio=12, max_seconds=5, max_mib=500, check=json_layers(big),
             heavy=True),
        Case("yaml", f"floor: PyYAML `yaml.load(CSafeLoader)` of the flat {_k(flat)} file",
             [py, "-c", "import sys, yaml; yaml.load(open(sys.argv[1], encoding='utf-8'), "
                        "Loader=yaml.CSafeLoader)", str(flat_file)]),
        Case("flat", f"`cnncalc show` of the flat {_k(flat)}-layer file",
             [*cli, "show", str(flat_file)], "yaml", max_ratio=2),
        Case("flat_json", f"`cnncalc show --format json` of the flat {_k(flat)}-layer file",
             [*cli, "show", str(flat_file), "--format", "json"], "yaml", max_ratio=2,
             check=json_layers(flat)),
        Case("check", f"`cnncalc check` of {configs} configs (one process)",
             [*cli, "check", str(corpus)], max_seconds=2, codes=(0, 1), heavy=True),
    ]
    models = yolo_models()
    if models is not None:
        yolo, files = yolo_dir(work / "yolo", models)
        cases += [
            # issue 15: the largest shipped config within 1.5x of the import floor; every
            # shipped config at every scale checked in one process within 5 s
            Case("yolo_show", f"`cnncalc show {Path(YOLO_LARGEST).name} --scale x` (Ultralytics)",
                 [*cli, "show", str(models / YOLO_LARGEST), "--scale", "x"], "import",
                 max_ratio=1.5),
            Case("yolo_check", f"`cnncalc check` of every shipped YOLO config at every scale "
                 f"({files} files, one process)", [*cli, "check", str(yolo)], max_seconds=5,
                 codes=(0, 1), heavy=True),  # 1: the refused configs (RT-DETR, YOLOE, ...)
        ]
    if torchinfo_status() is None:
        cases += [
            Case("torchinfo", "torchinfo: `summary(resnet50())`, torch import and forward pass",
                 [py, "-c", TORCHINFO], heavy=True),
            Case("resnet50", "`cnncalc show resnet50.yaml` (vs torchinfo)",
                 [*cli, "show", "architectures/resnet50.yaml"], "torchinfo", heavy=True),
        ]
    return cases


def _k(layers: int) -> str:
    return f"{layers // 1000}k" if layers >= 1000 else str(layers)


def measure(cases: list[Case], runs: int, heavy_runs: int, work: Path,
            log: Callable[[str], None]) -> None:
    output = work / "output"
    compile_cnncalc()
    for case in cases:  # warm the disk cache and the bytecode; check the output once
        _, code, _ = run_once(case.argv, output)
        if code not in case.codes:
            raise SystemExit(f"{case.key}: exit status {code}: {' '.join(case.argv)}")
        problem = case.check(output) if case.check else None
        if problem:
            raise SystemExit(f"{case.key}: {problem}")
    output.unlink()
    rounds = max(runs, heavy_runs)
    for i in range(rounds):  # interleaved: each round runs every case once (heavy: the first)
        ran = [c for c in cases if i < (heavy_runs if c.heavy else runs)]
        for case in ran:
            wall, _, peak = run_once(case.argv)
            case.times.append(wall)
            case.peak = max(case.peak, peak)
        log(f"round {i + 1}/{rounds}: " + ", ".join(f"{c.key} {c.times[-1]:.2f}s" for c in ran))


# ------------------------------------------------------------------ report

def verdict(case: Case, by_key: dict[str, Case]) -> tuple[str, str, bool | None]:
    """(ratio column, target column, met) for one case."""
    ratio = ""
    targets, met = [], []
    if case.floor:
        r = case.median / by_key[case.floor].median
        ratio = f"{r:.2f}x {by_key[case.floor].key}"
        if case.max_ratio is not None:
            targets.append(f"<= {case.max_ratio:g}x {by_key[case.floor].key}")
            met.append(r <= case.max_ratio)
    if case.max_seconds is not None:
        targets.append(f"<= {case.max_seconds:g} s")
        met.append(case.median <= case.max_seconds)
    if case.max_mib is not None:
        targets.append(f"<= {case.max_mib:g} MiB")
        met.append(case.peak <= case.max_mib * MiB)
    return ratio, ", ".join(targets), (all(met) if met else None)


def table(cases: list[Case]) -> tuple[str, bool]:
    by_key = {c.key: c for c in cases}
    lines = ["| case | key | median s | min s | max s | peak MiB | ratio of medians | target "
             "| met |", "|---|---|---:|---:|---:|---:|---:|---|---|"]
    ok = True
    for c in cases:
        ratio, target, met = verdict(c, by_key)
        ok = ok and met is not False
        mark = "" if met is None else ("yes" if met else "**no**")
        lines.append(f"| {c.label} | {c.key} | {c.median:.3f} | {min(c.times):.3f} | "
                     f"{max(c.times):.3f} | {c.peak / MiB:.0f} | {ratio} | {target} | {mark} |")
    return "\n".join(lines), ok


def machine() -> list[str]:
    cpu = platform.processor() or platform.machine()
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        names = [line.split(":", 1)[1].strip() for line in cpuinfo.read_text().splitlines()
                 if line.startswith("model name")]
        cpu = names[0] if names else cpu
    memory = ""
    meminfo = Path("/proc/meminfo")
    if meminfo.exists():
        total = next(line for line in meminfo.read_text().splitlines()
                     if line.startswith("MemTotal"))
        memory = f", {int(total.split()[1]) / 1024 / 1024:.1f} GiB RAM"

    def version(dist: str) -> str:
        try:
            return importlib.metadata.version(dist)
        except importlib.metadata.PackageNotFoundError:
            return "not installed"

    import yaml

    return [
        f"- CPU: {cpu}, {os.cpu_count()} cores{memory}",
        f"- OS: {platform.platform()}",
        f"- Python {platform.python_version()} ({sys.executable})",
        f"- cnncalc {version('cnncalc')}, typer {version('typer')}, rich {version('rich')}, "
        f"PyYAML {version('PyYAML')} (libyaml: {'yes' if yaml.__with_libyaml__ else 'no'}), "
        f"pydantic {version('pydantic')} (typer's; cnncalc avoids it on valid command lines)",
        *([f"- for the side by side: torch {version('torch')}, torchvision "
           f"{version('torchvision')}, torchinfo {version('torchinfo')}"]
          if torchinfo_status() is None else []),
    ]


def document(cases: list[Case], args: argparse.Namespace, ok: bool, rows: str) -> str:
    from cnncalc.limits import DEFAULT_MAX_LAYERS

    by_key = {c.key: c for c in cases}
    big, small = by_key["big"], by_key["small"]
    unmet = [c.key for c in cases if verdict(c, by_key)[2] is False]
    skipped = torchinfo_status()
    if skipped:
        side = (f"**Skipped**: {skipped}, so torchinfo's summary of ResNet-50 could not be "
                f"timed on this machine. For scale only: issue 6 reports {ISSUE_TORCHINFO} "
                "(median of 5) for it, a figure from the issue, not from this benchmark.")
    else:
        r = by_key["torchinfo"].median / by_key["resnet50"].median
        side = (f"torchinfo's summary of ResNet-50 took {by_key['torchinfo'].median:.2f} s "
                f"and {by_key['torchinfo'].peak / MiB:.0f} MiB; `cnncalc show` of the same "
                f"network {by_key['resnet50'].median:.3f} s and "
                f"{by_key['resnet50'].peak / MiB:.0f} MiB. torchinfo took **{r:.0f}x** as long.")
    when = datetime.datetime.now().astimezone().strftime("%Y-%m-%d %H:%M %Z")
    verdict_line = ("Every target is met." if ok else
                    f"Targets **not** met in this run: {', '.join(unmet)} (rows marked no).")
    return f"""\
# Performance

<!-- written by `python bench/run.py` on {when}; do not edit by hand: rerun it -->

cnncalc is meant to answer at once: in a pre-commit hook, in CI over hundreds of configs, and
for networks that expand to 10^5 layers. `bench/run.py` times every case below as a whole
process, interleaved round by round with the floors so that both see the same machine load
({args.runs} runs of each case under a second, {args.heavy_runs} of each that takes longer), and
reports the median, min and max wall time, the peak resident memory, and the ratio of medians
against a floor measured in the same run:

- **import**: `python -c "import typer, rich.table, yaml"`, the least any command line with
  cnncalc's dependencies can cost: the interpreter and those imports.
- **yaml**: PyYAML's C-accelerated `yaml.load` of the flat file in a process of its own, the
  YAML library's cost for that file.

## Results

{rows}

{verdict_line}
Scaling: {big.label} took {big.median / small.median:.2f}x the time of {small.label}
(linear is {args.big / args.small:g}x; the target is at most 12x).

## Side by side with torchinfo

{side}

## The machine

{chr(10).join(machine())}

## Notes

- {yolo_note()}
- The networks of {args.small:,} and {args.big:,} layers are a four-layer residual block
  (conv, batch norm, ReLU, add) under `repeat`; the flat file is that network written out
  entry by entry, without blocks; the configs for `check` are the zoo copied round-robin.
  `bench/run.py` writes them all to a temporary directory.
- cnncalc refuses networks that expand past {DEFAULT_MAX_LAYERS:,} layers unless
  `--max-layers` raises the limit; the {args.big:,}-layer case runs within the default.
- cnncalc is byte-compiled before the runs, as `pip install` leaves it, and the runs get
  Python's default bytecode caching even where `PYTHONDONTWRITEBYTECODE` is set: otherwise
  every run would compile cnncalc while its dependencies load compiled bytecode.
- Output goes to `/dev/null`, so tables are plain text; cnncalc lays out every table itself,
  in colour too (rich is never imported for one). JSON is written as it is made, in pieces of
  about 64 KiB.
- What made the difference, profiled (cProfile, and instruction counts under valgrind, which
  this noisy machine cannot disturb): no pydantic in typer's option parsing; IR values built
  as plain slotted dataclasses (frozen to mypy) instead of frozen ones, 4x cheaper to build;
  per-node rules asked once per kind of layer; the console entry point runs without the
  cyclic GC (`check` frees each file's cycles before the next, young objects only) and leaves
  without tearing down the interpreter, which freed every object of a large analysis one by
  one.
- `check` of many files: the files of one run share what does not depend on the file. A YOLO
  config's document calls the reader's block library, one node tree in every document, so
  the library is declared once per run, and a block call (block, argument values, input
  shape) is expanded once per run and replayed in every later file that makes it, with the
  checked arguments and the passes' answers per kind of layer (cnncalc/replay.py, `Shared`).
  A file whose blocks are its own shares nothing (its nodes name its own lines). No
  reference cycle holds an analysis, so the collector finds next to nothing between files.
- The peak memory of a case is its process's `ru_maxrss`. The machine is shared: the medians
  move from run to run, and the floors move with them.
- The side by side needs torch, torchvision and torchinfo beside cnncalc. On these machines
  torchvision only installs with torch 2.14.1, not with the torch 2.13.0 of cnncalc's parity
  tests, so it runs from a venv of its own: `pip install torch==2.14.1 torchvision==0.29.1
  torchinfo` and `pip install -e .`, then that venv's `python bench/run.py` (every case then
  runs with that venv's Python and packages).
- Rerun with `python bench/run.py` (`--runs`, `--heavy-runs`, `--output`, `--no-write`);
  tests/test_bench.py runs the whole benchmark at toy sizes so that it cannot rot.
"""


def selected(cases: list[Case], keys: list[str]) -> list[Case]:
    """The cases named, with the floors they are measured against, in the benchmark's order."""
    by_key = {c.key: c for c in cases}
    unknown = [k for k in keys if k not in by_key]
    if unknown:
        raise SystemExit(f"--only: no case {', '.join(unknown)} here; the cases are "
                         f"{', '.join(by_key)}")
    wanted = set(keys) | {by_key[k].floor for k in keys if by_key[k].floor}
    return [c for c in cases if c.key in wanted]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15,
                        help="runs of each quick case (default 15)")
    parser.add_argument("--heavy-runs", type=int, default=5,
                        help="runs of each case that takes seconds (default 5)")
    parser.add_argument("--big", type=int, default=100_000, help="layers of the large network")
    parser.add_argument("--small", type=int, default=10_000, help="layers of the small one")
    parser.add_argument("--flat", type=int, default=10_000, help="layers of the flat file")
    parser.add_argument("--configs", type=int, default=200, help="configs for `check`")
    parser.add_argument("--output", type=Path, default=REPORT,
                        help="where to write the report (default docs/performance.md)")
    parser.add_argument("--no-write", action="store_true", help="print the table only")
    parser.add_argument("--only", metavar="KEYS",
                        help="run only these cases (comma-separated keys, e.g. "
                             "yolo_show,yolo_check) and the floors they are measured against; "
                             "prints the table only (the report is written by a full run)")
    args = parser.parse_args(argv)

    def log(message: str) -> None:
        print(message, file=sys.stderr, flush=True)

    skipped = yolo_status()
    if skipped:
        log(f"skipping the YOLO cases (yolo_show, yolo_check): {skipped}")
    with tempfile.TemporaryDirectory(prefix="cnncalc-bench-") as tmp:
        cases = build_cases(Path(tmp), args.big, args.small, args.flat, args.configs)
        if args.only is not None:
            cases = selected(cases, args.only.split(","))
        measure(cases, args.runs, args.heavy_runs, Path(tmp), log)
    rows, ok = table(cases)
    print(rows)
    if not args.no_write and args.only is None:
        args.output.write_text(document(cases, args, ok, rows), encoding="utf-8")
        log(f"wrote {args.output}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())

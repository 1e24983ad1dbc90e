"""Hostile input for `cnncalc check` and for how every command finds and reads its files
(issue 12: S1, S3, S4, D5, D8, C5, C7, the FIFO and `--max-layers`; issue 11: items 5 and 7).

Each case runs the installed console script through `run()` (tests/hostile/harness.py), which
also asserts exit 0/1/2, no traceback and no raw control character; the bounds are generous
(about ten times what the case takes on a loaded two-core machine).
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import select
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from harness import console, run

GOOD = "input: [3, 8, 8]\nlayers: [relu]\n"
BROKEN = "input: [3, 8, 8]\nlayers: [rleu]\n"  # E104
SECRET = "AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
FORGED = "x\n::error file=README.md,line=1::forged"


def write(path: Path, text: str | bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return path


def commands_forged(text: str) -> list[str]:
    """Lines a GitHub runner would act on that cnncalc did not mean as its own annotations:
    a line starting (after blanks) with `::` other than cnncalc's `title=cnncalc` commands,
    and any legacy `##[` command."""
    ours = re.compile(r"::(error|warning|notice) (file=[^:,]*,)?(line=\d+,col=\d+,)?"
                      r"title=cnncalc[^:,]*::")
    return [line for line in text.splitlines()
            if (line.lstrip().startswith("::") and not ours.match(line.lstrip()))
            or "##[" in line]


# ---------------------------------------------------------------- S1: paths are never text

def test_s1_a_file_named_like_yaml_is_judged_by_its_content(tmp_path: Path) -> None:
    """S1: a file *named* `input: [3, 8, 8]⏎layers: [relu]⏎#.yaml` holding 150.5G params
    must fail `--max-params 30M`, not pass as the tiny network its name spells."""
    huge = "input: [3, 224, 224]\nlayers:\n  - flatten\n  - linear: 1000000\n"
    write(tmp_path / "input: [3, 8, 8]\nlayers: [relu]\n#.yaml", huge)
    for fmt in ("text", "json", "github"):
        r = run(["check", ".", "--max-params", "30M", "--format", fmt], cwd=tmp_path,
                seconds=20, mib=200)
        assert r.code == 1, r.text
        assert "150,529,000,000" in r.out and "E302" in r.out
        assert commands_forged(r.out) == []


def test_s1_api_takes_a_str_as_a_path_and_text_only_from_analyze_text(tmp_path: Path) -> None:
    """S1 in the Python API: analyze(str) reads a path, whatever it contains; YAML text goes
    through analyze_text."""
    import cnncalc

    a = cnncalc.analyze(str(tmp_path / GOOD))
    (d,) = a.diagnostics
    assert d.code == "E001" and d.hint is not None and "analyze_text" in d.hint
    b = cnncalc.analyze_text(GOOD, name="net.yaml")
    assert b.exit_code() == 0 and b.output_shape == (3, 8, 8) and b.source.name == "net.yaml"


# ---------------------------------------------------------------- S3: names cannot forge

def test_s3_a_missing_path_cannot_forge_an_annotation(tmp_path: Path) -> None:
    """S3: the "not found" line of a path `x⏎::error file=README.md,line=1::forged`."""
    for fmt in ("text", "json", "github", "auto"):
        r = run(["check", FORGED, "--format", fmt], cwd=tmp_path,
                env={"GITHUB_ACTIONS": "true"}, seconds=20, mib=200)
        assert r.code == 2, r.text
        assert commands_forged(r.text) == [], (fmt, r.text)
        assert "forged" in r.text  # the path is shown, escaped
    github = run(["check", FORGED, "--format", "github"], cwd=tmp_path, seconds=20, mib=200)
    assert github.out.startswith("::error title=cnncalc::x%0A::error file=README.md")


def test_s3_a_directory_name_cannot_forge_an_annotation(tmp_path: Path) -> None:
    """S3: files below a directory named like a workflow command, in github and json."""
    write(tmp_path / FORGED / "bad.yaml", BROKEN)
    write(tmp_path / f"y{chr(27)}]0;title{chr(7)}" / "bad.yaml", BROKEN)
    for fmt in ("github", "json"):
        r = run(["check", ".", "--format", fmt, "--notes"], cwd=tmp_path, seconds=20, mib=200)
        assert r.code == 1
        assert commands_forged(r.text) == [], r.text
    r = run(["check", ".", "--format", "github"], cwd=tmp_path, seconds=20, mib=200)
    assert "file=x%0A%3A%3Aerror file=README.md%2Cline=1%3A%3Aforged/bad.yaml" in r.out


def test_s3_text_verdict_lines_escape_names(tmp_path: Path) -> None:
    """The verdict and skip lines of the text format print names through clean()."""
    write(tmp_path / f"ok{chr(27)}[2J.yaml", GOOD)
    write(tmp_path / "other\u2028.yml", "services: {web: {image: x}}\n")
    r = run(["check", "."], cwd=tmp_path, seconds=20, mib=200)
    assert r.code == 0, r.text
    assert "ok\\x1b[2J.yaml: ok" in r.out and "other\\u2028.yml: note[N105]: skipped" in r.out


def test_format_auto_is_github_only_inside_github_actions(tmp_path: Path) -> None:
    write(tmp_path / "bad.yaml", BROKEN)
    inside = run(["check", "bad.yaml", "--format", "auto"], cwd=tmp_path,
                 env={"GITHUB_ACTIONS": "true"}, seconds=20, mib=200)
    outside = run(["check", "bad.yaml", "--format", "auto"], cwd=tmp_path,
                  env={"GITHUB_ACTIONS": ""}, seconds=20, mib=200)
    assert inside.out.startswith("::error file=bad.yaml,line=2,col=10,title=cnncalc E104::")
    assert outside.out.startswith("bad.yaml: FAILED")


# ---------------------------------------------------------------- S4: links out of the tree

def test_s4_links_out_of_the_directory_are_not_followed(tmp_path: Path) -> None:
    """S4: `check DIR` with links to a secret and to an architecture outside DIR: neither is
    read, both are listed as skipped; a link inside DIR is followed (its file checked once)."""
    write(tmp_path / "secret.txt", SECRET + "\n")
    write(tmp_path / "outside" / "net.yaml", BROKEN)
    models = tmp_path / "models"
    write(models / "good.yaml", GOOD)
    (models / "leak.yaml").symlink_to(tmp_path / "secret.txt")
    (models / "relative.yaml").symlink_to("../secret.txt")
    (models / "elsewhere.yaml").symlink_to(tmp_path / "outside" / "net.yaml")
    (models / "shared").symlink_to(tmp_path / "outside")
    (models / "alias.yaml").symlink_to("good.yaml")
    for fmt in ("text", "json", "github"):
        for target in ("models", "models/**/*.yaml"):
            r = run(["check", target, "--format", fmt, "--notes"], cwd=tmp_path, seconds=20,
                    mib=200)
            assert r.code == 0, r.text  # the broken file outside was not checked
            assert "AWS_SECRET" not in r.text and "wJalr" not in r.text
            assert r.text.count("a link out of the directory walked") == 4, r.text
    r = run(["check", "models"], cwd=tmp_path, seconds=20, mib=200)
    assert "models/good.yaml: ok" in r.out and "alias.yaml" not in r.out
    assert r.out.rstrip().endswith("5 files: 4 skipped")


def test_s4_values_are_quoted_short_and_escaped(tmp_path: Path) -> None:
    """S4: a message never quotes more than a short excerpt of a value (the file's own text,
    when it is one long scalar)."""
    write(tmp_path / "one.yaml", SECRET + " more text after the key, and more\n")
    r = run(["show", "one.yaml", "--format", "json"], cwd=tmp_path, seconds=20, mib=200)
    (d,) = json.loads(r.out)["diagnostics"]
    assert d["code"] == "E004" and "EXAMPLEKEY" not in d["message"]
    assert re.search(r"got the text '.{32}…' \(\d+ characters\)", d["message"]), d["message"]
    write(tmp_path / "ctl.yaml", 'input: "a\\e]0;x\\u0007b"\nlayers: [relu]\n')
    r = run(["show", "ctl.yaml", "--format", "json"], cwd=tmp_path, seconds=20, mib=200)
    (d,) = json.loads(r.out)["diagnostics"]
    assert "\\x1b]0;x\\x07b" in d["message"], d["message"]


# ---------------------------------------------------------------- D5: bounded reads

@pytest.mark.parametrize("command", ["check", "show"])
def test_d5_a_200_mb_file_is_refused_in_bounded_time_and_memory(tmp_path: Path,
                                                                command: str) -> None:
    """D5: 200 MB that start like an architecture: E007 at the limit, exit 2, without reading
    past 16 MiB and one byte (the file is sparse: no disk is used)."""
    path = write(tmp_path / "big.yaml", GOOD + "# ")
    with path.open("r+b") as file:
        file.truncate(200 * 10**6)
    # the bound is loose: run() measures from its fork of pytest (see _peak_mib)
    r = run([command, "big.yaml"], cwd=tmp_path, seconds=20, mib=400)
    assert r.code == 2 and "error[E007]" in r.out
    assert "larger than 16 MiB (16,777,216 bytes)" in r.out
    assert re.search(r"big\.yaml:3:\d+: error\[E007\]", r.out), r.out  # where reading stopped


def test_d5_dev_zero_and_stdin_are_read_with_a_limit(tmp_path: Path) -> None:
    """D5: `show /dev/zero` ends; so does standard input that never ends, in every command
    that reads it."""
    r = run(["show", "/dev/zero"], seconds=20, mib=300)
    assert r.code == 2 and "/dev/zero:1:16777217: error[E007]" in r.out
    endless = b"y\n" * (9 * 2**20)  # 18 MiB
    for args in (["show", "-"], ["check", "-"], ["explain", "-"], ["export", "-"]):
        r = run(args, stdin=endless, seconds=20, mib=300)
        assert r.code == 2 and "E007" in r.text, (args, r.text[-500:])


def test_d5_a_fifo_that_never_ends_is_read_with_a_limit(tmp_path: Path) -> None:
    """D5: a FIFO whose writer never stops: bounded, E007."""
    fifo = tmp_path / "net.yaml"
    os.mkfifo(fifo)
    with _writer(fifo, (GOOD + "#" * 4000 + "\n").encode(), forever=True):
        r = run(["show", str(fifo)], seconds=20, mib=300)
    assert r.code == 2 and "E007" in r.out


def test_d5_max_bytes_moves_the_limit(tmp_path: Path) -> None:
    write(tmp_path / "net.yaml", GOOD + "# " + "x" * 200 + "\n")
    r = run(["check", "net.yaml", "--max-bytes", "100"], cwd=tmp_path, seconds=20, mib=200)
    assert r.code == 2 and "larger than 100 bytes" in r.out
    assert run(["check", "net.yaml", "--max-bytes", "1k"], cwd=tmp_path).code == 0
    assert run(["show", "net.yaml", "--max-bytes", "100"], cwd=tmp_path).code == 2
    bad = run(["check", "net.yaml", "--max-bytes", "0"], cwd=tmp_path)
    assert bad.code == 2 and "--max-bytes" in bad.err


# ---------------------------------------------------------------- D8, C5: walks

def test_d8_link_loops_end_and_each_file_is_checked_once(tmp_path: Path) -> None:
    """D8: directory links back up the tree, sideways and absolute: the walk ends at once and
    every file is checked once."""
    deep = tmp_path / "m" / "a" / "b"
    write(deep / "n.yaml", GOOD)
    write(tmp_path / "m" / "top.yaml", GOOD)
    (deep / "up").symlink_to("../..")
    (deep / "side").symlink_to("../../a")
    (tmp_path / "m" / "a" / "self").symlink_to(tmp_path / "m")
    (tmp_path / "m" / "again.yaml").symlink_to("a/b/n.yaml")
    for target in ("m/**/*.yaml", "m", "m/**", "m/*/*/*.yaml"):
        r = run(["check", target, "m/top.yaml"], cwd=tmp_path, seconds=20, mib=200)
        assert r.code == 0, r.text
        oks = [line for line in r.out.splitlines() if line.endswith(": ok — 0 params, 0 MACs")]
        assert len(oks) == 2 and r.out.rstrip().endswith("2 files: no problems"), r.out


def test_c5_a_tree_1100_deep(tmp_path: Path) -> None:
    """C5: `check DIR` and a `**` glob over a tree 1,100 directories deep: no recursion."""
    # made and removed level by level: os.makedirs and shutil.rmtree (pytest's cleanup too)
    # recurse once per level
    levels = [tmp_path / "deep"]
    for _ in range(1100):
        levels.append(levels[-1] / "d")
    for level in levels:
        level.mkdir()
    leaf = write(levels[-1] / "x.yaml", BROKEN)
    try:
        for target in ("deep", "deep/**/*.yaml", "deep/**/x.yaml"):
            r = run(["check", target, "--format", "github"], cwd=tmp_path, seconds=30, mib=300)
            assert r.code == 1 and r.out.rstrip().endswith("1 file: 1 error"), r.text[-500:]
    finally:
        leaf.unlink()
        for level in reversed(levels):
            level.rmdir()


# ---------------------------------------------------------------- C7: names not UTF-8

def test_c7_file_names_that_are_not_utf8_under_a_strict_utf8_stdout(tmp_path: Path) -> None:
    """C7: a file name with the byte 0xff, with stdout strict UTF-8: shown as \\xff."""
    strict = {"PYTHONIOENCODING": "utf-8", "LC_ALL": "C.UTF-8"}
    root = os.fsencode(tmp_path)
    with open(root + b"/bad\xff.yaml", "wb") as file:
        file.write(BROKEN.encode())
    for fmt in ("text", "json", "github"):
        r = run(["check", tmp_path, "--format", fmt], env=strict, seconds=20, mib=200)
        assert r.code == 1 and "bad\\xff.yaml" in r.out.replace("\\\\", "\\"), r.text
    missing = os.fsdecode(root + b"/nope\xfe.yaml")
    for args in (["check", missing], ["check", missing, "-f", "github"], ["show", missing]):
        r = run(args, env=strict, seconds=20, mib=200)
        assert r.code == 2 and "nope\\xfe.yaml" in r.text, r.text


# ---------------------------------------------------------------- FIFOs, --max-layers

def test_a_fifo_named_on_the_command_line_is_read(tmp_path: Path) -> None:
    """`check FIFO` reads it (it said "no such file"); a FIFO a walk finds is skipped, not
    waited on."""
    fifo = tmp_path / "net.yaml"
    os.mkfifo(fifo)
    with _writer(fifo, BROKEN.encode()):
        r = run(["check", str(fifo)], seconds=20, mib=200)
    assert r.code == 1 and "E104" in r.out
    r = run(["check", str(tmp_path)], seconds=20, mib=200)
    assert r.code == 0 and "not a regular file" in r.out


def test_check_has_max_layers(tmp_path: Path) -> None:
    write(tmp_path / "net.yaml", "input: [3, 8, 8]\nlayers:\n  - {relu: {}, repeat: 50}\n")
    r = run(["check", "net.yaml", "--max-layers", "10"], cwd=tmp_path, seconds=20, mib=200)
    assert r.code == 1 and "E116" in r.out
    assert run(["check", "net.yaml", "--max-layers", "100"], cwd=tmp_path).code == 0


# ---------------------------------------------------------------- item 5: other YAML

def test_yaml_that_is_not_a_cnncalc_file_is_skipped(tmp_path: Path) -> None:
    """Issue 11 item 5: workflows, docker-compose and Helm templates are skipped (N105); a
    broken architecture still fails, even one that is not valid YAML."""
    write(tmp_path / ".github" / "workflows" / "ci.yml", "name: ci\non: push\njobs: {}\n")
    write(tmp_path / "compose.yml", "services:\n  web: {image: nginx}\n")
    write(tmp_path / "chart.yaml", "kind: Pod\nmetadata: {{ .Values.meta }}\n")
    write(tmp_path / "good.yaml", GOOD)
    named = [".github/workflows/ci.yml", "compose.yml", "chart.yaml", "good.yaml"]
    r = run(["check", *named], cwd=tmp_path, seconds=20, mib=200)
    assert r.code == 0, r.text
    assert r.out.count("skipped: not a cnncalc file") == 3
    assert r.out.rstrip().endswith("4 files: 3 skipped")
    walked = run(["check", "."], cwd=tmp_path, seconds=20, mib=200)  # hidden names: not walked
    assert ".github" not in walked.out and walked.out.rstrip().endswith("3 files: 2 skipped")
    write(tmp_path / "broken.yaml", "input: [3, 8, 8\nlayers: [relu]\n")  # E003, fatal
    write(tmp_path / "typo.yaml", "input: [3, 8, 8]\nlayer: [relu]\n")  # E101, E102
    r = run(["check", *named, "broken.yaml"], cwd=tmp_path, seconds=20, mib=200)
    assert r.code == 2 and "broken.yaml: unreadable" in r.out and "error[E003]" in r.out
    r = run(["check", *named, "typo.yaml"], cwd=tmp_path, seconds=20, mib=200)
    assert r.code == 1 and "typo.yaml: FAILED" in r.out and "error[E102]" in r.out
    r = run(["check", "-"], stdin=b"services: {}\n", seconds=20, mib=200)
    assert r.code != 0, "standard input is always taken as an architecture"


# ---------------------------------------------------------------- item 7: streaming, quiet

def test_each_file_is_reported_as_soon_as_it_is_checked(tmp_path: Path) -> None:
    """Issue 11 item 7: the first file's verdict is out while the second (a FIFO nobody has
    written yet) is still being read."""
    write(tmp_path / "first.yaml", GOOD)
    fifo = tmp_path / "second.yaml"
    os.mkfifo(fifo)
    proc = subprocess.Popen([*console(), "check", "first.yaml", "second.yaml"], cwd=tmp_path,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        assert proc.stdout is not None
        ready, _, _ = select.select([proc.stdout], [], [], 30)
        assert ready, "nothing printed before the second file was readable"
        first = proc.stdout.readline().decode()
        assert first.startswith("first.yaml: ok"), first
        with fifo.open("w") as writer:
            writer.write(BROKEN)
        rest, _ = proc.communicate(timeout=30)
    finally:
        with contextlib.suppress(ProcessLookupError):
            proc.kill()
        proc.wait()
    assert proc.returncode == 1 and "second.yaml: FAILED" in rest.decode()


def test_quiet_lists_failures_and_the_summary(tmp_path: Path) -> None:
    write(tmp_path / "a.yaml", GOOD)
    write(tmp_path / "b.yaml", BROKEN)
    write(tmp_path / "c.yml", "services: {}\n")
    r = run(["check", ".", "--quiet"], cwd=tmp_path, seconds=20, mib=200)
    assert r.code == 1
    assert "a.yaml" not in r.out and "c.yml" not in r.out and "b.yaml: FAILED" in r.out
    assert r.out.rstrip().endswith("3 files: 1 error, 1 skipped")
    doc = json.loads(run(["check", ".", "-q", "-f", "json"], cwd=tmp_path).out)
    assert [f["file"] for f in doc["files"]] == ["b.yaml"]
    assert doc["summary"] == "3 files: 1 error, 1 skipped"


def test_memory_stays_flat_over_many_files(tmp_path: Path) -> None:
    """Issue 12: `check` of many files kept every analysis (10,000 files: 869 MB). Now 1,200
    files take what 120 do, within a few MiB (it was 40 MiB more), in every format."""
    text = ("input: [8, 8, 8]\nblocks:\n  b:\n    layers:\n"
            "      - conv: {out_channels: 8, kernel_size: 3, padding: 1}\n      - bn\n"
            "      - relu\nlayers:\n  - {b: {}, repeat: 12}\n")
    for i in range(1200):
        write(tmp_path / ("few" if i < 120 else "many") / f"n{i:04d}.yaml", text)
    for fmt in ("text", "json"):
        many = run(["check", "few", "many", "--format", fmt], cwd=tmp_path, seconds=60,
                   mib=400)
        assert many.code == 0 and "1200 files: no problems" in many.out
        few_mib = _peak_mib(["check", "few", "--format", fmt], tmp_path)
        many_mib = _peak_mib(["check", "few", "many", "--format", fmt], tmp_path)
        assert many_mib - few_mib < 8, (fmt, few_mib, many_mib)


# ---------------------------------------------------------------- helpers

# Linux gives a child the peak resident size of the process it was forked from, and run()
# forks pytest (hundreds of MiB late in a run): a small launcher process measures the peak of
# cnncalc alone, for comparisons finer than that.
_LAUNCH = """\
import os, subprocess, sys
child = subprocess.Popen(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
print(os.wait4(child.pid, 0)[2].ru_maxrss)
"""


def _peak_mib(args: list[str], cwd: Path) -> float:
    """The peak resident memory of `cnncalc ARGS`, in MiB, measured from a small parent."""
    done = subprocess.run([sys.executable, "-c", _LAUNCH, *console(), *args], cwd=cwd,
                          capture_output=True, text=True, timeout=120, check=True)
    return int(done.stdout) / 1024


@contextlib.contextmanager
def _writer(fifo: Path, data: bytes, forever: bool = False) -> Iterator[None]:
    """A thread that opens `fifo` for writing and writes `data` (again and again until the
    reader goes away, with `forever`)."""
    stop = threading.Event()

    def write_all() -> None:
        try:
            with fifo.open("wb") as out:
                out.write(data)
                while forever and not stop.is_set():
                    out.write(data)
        except (BrokenPipeError, OSError):
            pass

    thread = threading.Thread(target=write_all, daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        if thread.is_alive():
            # a reader that never came: open the FIFO once so that the writer's open returns
            with contextlib.suppress(OSError):
                fd = os.open(fifo, os.O_RDONLY | os.O_NONBLOCK)
                time.sleep(0.05)
                os.close(fd)
        thread.join(5)


if sys.platform == "win32":  # FIFOs, links and byte file names are POSIX
    pytestmark = pytest.mark.skip(reason="POSIX file system features")

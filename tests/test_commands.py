"""`check`, `explain`, `calc` and the csv/markdown formats: what CI gates and homework use."""

from __future__ import annotations

import csv
import gc
import io
import json
import os
import textwrap
from pathlib import Path

import pytest
from conftest import ROOT

from cnncalc import cli
from cnncalc.check import parse_amount

ZOO = ROOT / "architectures"

HOMEWORK = textwrap.dedent("""\
    # Answers to the CS231n conv-layer exercises
    input: [3, 32, 32]
    layers:
      - {conv: [10, 5, 1, 2], expect: {shape: [10, 32, 32], params: 760}}
      - {conv: [10, 5], expect: [10, 27, 27]}
      - {maxpool: 2, expect: [10, 14, 14]}
""")


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = cli.main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.mark.parametrize(("text", "value"), [
    ("30M", 30_000_000), ("5G", 5_000_000_000), ("2GiB", 2 * 2**30), ("1.5k", 1500),
    ("200", 200), ("512MiB", 512 * 2**20), ("10mb", 10_000_000)])
def test_amounts(text: str, value: int) -> None:
    assert parse_amount(text) == value


def test_amounts_refuse_junk() -> None:
    with pytest.raises(ValueError, match="not an amount"):
        parse_amount("lots")


def test_check_the_zoo_is_clean(capsys: pytest.CaptureFixture[str]) -> None:
    # the repository's own workflow runs `cnncalc check architectures/`: every file passes
    # (the YOLO config broken on purpose for the README lives in docs/examples/)
    code, out, _ = run(capsys, "check", str(ZOO))
    assert code == 0, out
    files = len(list(ZOO.rglob("*.yaml")))
    assert out.rstrip().splitlines()[-1].startswith(f"{files} files: ")
    assert "error" not in out.rstrip().splitlines()[-1]


def test_check_frees_each_files_cycles(capsys: pytest.CaptureFixture[str]) -> None:
    # the console entry point turns the cyclic collector off; `check` must still not keep
    # every file's garbage until exit (memory would grow with the number of configs)
    gc.collect()
    gc.disable()
    try:
        code, _, _ = run(capsys, "check", *[str(p) for p in sorted(ZOO.glob("*.yaml"))[:6]])
        assert code == 0
        assert gc.collect() == 0
    finally:
        gc.enable()


def test_check_budgets(capsys: pytest.CaptureFixture[str]) -> None:
    vgg = str(ZOO / "vgg16.yaml")
    code, out, _ = run(capsys, "check", vgg, "--max-params", "100M")
    assert code == 1
    assert "error[E302]: params 138,357,544 exceed the budget of 100,000,000" in out
    assert run(capsys, "check", vgg, "--max-params", "140M", "--max-macs", "16G")[0] == 0
    code, out, _ = run(capsys, "check", vgg, "--max-memory", "500MiB")
    assert code == 1 and "peak inference memory" in out
    code, out, _ = run(capsys, "check", vgg, "--min-rf", "213")
    assert code == 1 and "receptive field of 212, below the minimum of 213" in out
    assert run(capsys, "check", vgg, "--min-rf", "212")[0] == 0
    assert run(capsys, "check", vgg, "--max-params", "lots")[0] == 2


def test_check_exit_codes_and_summary(capsys: pytest.CaptureFixture[str],
                                      tmp_path: Path) -> None:
    (tmp_path / "good.yaml").write_text("input: [3, 8, 8]\nlayers: [relu]\n")
    (tmp_path / "warn.yaml").write_text((ZOO / "stride_mismatch.yaml").read_text())
    (tmp_path / "bad.yml").write_text("input: [3, 8, 8]\nlayers: [rleu]\n")
    code, out, _ = run(capsys, "check", str(tmp_path / "good.yaml"), str(tmp_path / "warn.yaml"))
    assert code == 0 and out.rstrip().endswith("2 files: 1 warning")
    assert run(capsys, "check", str(tmp_path / "warn.yaml"), "--strict")[0] == 1
    code, out, _ = run(capsys, "check", str(tmp_path))
    assert code == 1 and out.rstrip().endswith("3 files: 1 error, 1 warning")
    code, out, err = run(capsys, "check", str(tmp_path / "*.yml"), str(tmp_path / "nope.yaml"))
    assert code == 2 and "nope.yaml: no such file" in err
    assert out.rstrip().endswith("2 files: 1 error, 1 not found")
    code, out, _ = run(capsys, "check", str(tmp_path / "nope.yaml"))
    assert code == 2 and out == "1 file: 1 not found\n"


def test_check_github_annotations(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text("input: [3, 8, 8]\nlayers: [rleu]\n")
    code, out, _ = run(capsys, "check", str(path), "--format", "github")
    assert code == 1
    first = out.splitlines()[0]
    assert first.startswith(f"::error file={path},line=2,col=10,title=cnncalc E104::")
    assert "unknown op or block 'rleu' (hint%3A" not in first  # messages escape only %, CR, LF
    assert "did you mean 'relu'?" in first


def test_check_json(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    path = tmp_path / "hw.yaml"
    path.write_text(HOMEWORK)
    code, out, _ = run(capsys, "check", str(path), "--format", "json")
    document = json.loads(out)
    (entry,) = document["files"]
    assert code == 1 and entry["exit_code"] == 1
    assert [(e["key"], e["ok"]) for e in entry["expectations"]] == [
        ("shape", True), ("params", True), ("shape", False), ("shape", True)]
    assert entry["expectations"][2]["computed"] == [10, 28, 28]


def test_homework_answer_sheet(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    path = tmp_path / "hw.yaml"
    path.write_text(HOMEWORK)
    code, out, _ = run(capsys, "check", str(path))
    assert code == 1
    assert "expectations: 3 of 4 right" in out
    assert "✓ conv1 shape = 10x32x32" in out and "✓ conv1 params = 760" in out
    assert f"✗ {path}:5:29: conv2 shape: expected 10x27x27, computed 10x28x28" in out
    assert "output H and W: (32 − 5 + 2·0)/1 + 1 = 28" in out  # the explanation of the wrong one


def test_explain(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "explain", str(ZOO / "alexnet_cs231n.yaml"), "conv1", "pool1")
    assert code == 0
    assert "output H and W: (227 − 11 + 2·0)/4 + 1 = 55" in out
    assert "params: (11·11·3)·96 + 96 = 34,944" in out
    assert "MACs: 290,400 outputs × 363 multiplies = 105,415,200" in out
    assert "memory: 290,400 values × 4 B (float32) = 1,161,600 B" in out
    assert "output H and W: (55 − 3 + 2·0)/2 + 1 = 27" in out
    code, out, _ = run(capsys, "explain", str(ZOO / "stride_mismatch.yaml"))
    assert "(7 − 3 + 2·0)/3 + 1 = 2.33 → 2 (floored)" in out
    assert "fits exactly with padding=1" in out
    code, _, err = run(capsys, "explain", str(ZOO / "alexnet.yaml"), "conv9")
    assert code == 2 and "no layer 'conv9'" in err


def test_calc(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "calc", "conv", "out_channels=10", "kernel_size=5", "padding=2",
                       "--input", "3x32x32")
    assert code == 0
    assert "shape: 3x32x32 → 10x32x32" in out and "params: (5·5·3)·10 + 10 = 760" in out
    code, out, _ = run(capsys, "calc", "conv", "out_channels=1", "kernel_size=3", "stride=3",
                       "--input", "7x7x1", "--layout", "hwc")
    assert code == 0 and "2.33 → 2 (floored)" in out
    code, out, _ = run(capsys, "calc", "conv", "out_channels=10", "kernal_size=5")
    assert code == 1 and "did you mean 'kernel_size'?" in out
    assert run(capsys, "calc", "conv", "out_channels")[0] == 2


def test_show_csv_and_markdown(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "show", str(ZOO / "lenet5.yaml"), "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(out)))
    assert code == 0 and len(rows) == 12
    assert rows[0]["output_shape"] == "6x28x28" and rows[0]["params"] == "156"
    assert sum(int(r["params"]) for r in rows) == 61_706
    code, out, _ = run(capsys, "show", str(ZOO / "resnet18.yaml"), "--format", "markdown",
                       "--depth", "1")
    assert "| Layer | Op | Output | Params | MACs | Memory |" in out
    assert "|---|---|---:|---:|---:|---:|" in out
    assert "| `layer2` | basic x2 | 128x28x28 | 525,568 |" in out
    assert "Params **11,689,512**" in out


def test_diff_command(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "diff", str(ZOO / "resnet18.yaml"), str(ZOO / "resnet34.yaml"))
    assert code == 0
    assert "params:           11,689,512 → 21,797,672 (+10,108,160, +86.5%)" in out
    code, out, _ = run(capsys, "diff", str(ZOO / "resnet18.yaml"), str(ZOO / "resnet34.yaml"),
                       "--format", "json")
    assert code == 0 and json.loads(out)
    code, out, _ = run(capsys, "diff", str(ZOO / "resnet18.yaml"), str(ZOO / "resnet34.yaml"),
                       "--format", "markdown")
    assert "+10,108,160" in out and "|---" in out
    code, out, _ = run(capsys, "diff", str(ZOO / "resnet18.yaml"), str(ZOO / "nope.yaml"))
    assert code == 2


def test_sizes_command(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "sizes", str(ZOO / "unet.yaml"), "--min", "500", "--max", "700",
                       "--why", "573", "--why", "572")
    assert code == 0
    assert "508, 524, 540, …, 700 (every 16, 13 sizes)" in out
    assert "573 does not fit (nearest that do: 572 or 588):" in out
    assert "warning[W101]" in out and "(in maxpool1)" in out
    assert "572 fits exactly." in out
    assert run(capsys, "sizes", str(ZOO / "unet.yaml"), "--min", "9", "--max", "3")[0] == 2


@pytest.mark.parametrize("pattern", [
    "*.yaml", "m/*.yaml", "m/**/*.yaml", "**/*.yml", "m/*/x.yaml", "m/[ab]*/*.yaml", "m/**",
    "./m/**/*.y*ml", "m/**/b/*.yaml", "m/.hidden/*.yaml", "**/.*.yaml"])
def test_check_globs_match_what_python_glob_matches(tmp_path: Path,
                                                    monkeypatch: pytest.MonkeyPatch,
                                                    pattern: str) -> None:
    """cnncalc walks globs itself (iteratively, not leaving the tree, each directory once);
    on a tree without links it finds exactly the files glob.glob(recursive=True) finds."""
    import glob

    from cnncalc.check import collect

    for name in ("top.yaml", "m/x.yaml", "m/a/x.yaml", "m/a/b/y.yaml", "m/b/z.yml",
                 "m/c/d/e/x.yaml", "m/.hidden/h.yaml", "m/a/.dot.yaml", "notes.txt", "m/n.yml"):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("input: [3, 8, 8]\nlayers: [relu]\n")
    monkeypatch.chdir(tmp_path)
    expected = sorted(p for p in glob.glob(pattern, recursive=True) if os.path.isfile(p))
    assert [f.path for f in collect([pattern]).files] == expected

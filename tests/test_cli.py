"""The command line: output forms, options, exit codes, and no tracebacks."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ROOT

from cnncalc import cli

ALEXNET = str(ROOT / "architectures" / "alexnet.yaml")
MISMATCH = str(ROOT / "architectures" / "stride_mismatch.yaml")


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = cli.main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_show_table(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "show", ALEXNET)
    assert code == 0
    assert "conv1               conv                64x55x55       23,296" in out
    assert "Total params:     61,100,840" in out
    assert "\x1b[" not in out  # captured output is not a terminal: plain text


def test_show_json(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "show", ALEXNET, "--format", "json")
    document = json.loads(out)
    assert code == 0
    assert document["totals"]["params"] == 61_100_840
    assert document["layers"][0] == {
        "path": "conv1", "op": "conv", "inputs": ["input"], "output_shape": [64, 55, 55],
        "params": 23296, "trainable_params": 23296, "buffers": 0, "macs": 70276800,
        "flops": 140553600, "activation_bytes": 64 * 55 * 55 * 4,
        "receptive_field": {"size": [11, 11], "stride": [4, 4], "start": [-2, -2]}, "line": 9}


def test_input_override_and_layout(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "show", ALEXNET, "--input", "3x512x512", "-f", "json")
    assert json.loads(out)["layers"][0]["output_shape"] == [64, 127, 127]
    code, out, _ = run(capsys, "show", ALEXNET, "--layout", "hwc", "--input", "227x227x3")
    assert "56x56x64" in out and "Output (HxWxC)" in out
    # the file's `expect: {macs: ...}` holds for 224 only: not checked for 227
    assert code == 0 and "E301" not in out
    assert ("note[N104]: expectations not checked: they describe the file's input 224x224x3, "
            "not the input 227x227x3 of this run") in out


def test_depth_collapses_blocks(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "show", str(ROOT / "architectures" / "resnet18.yaml"),
                       "--depth", "1")
    assert code == 0
    rows = out.split("Total params")[0]
    assert "layer2            basic x2" in rows
    assert "layer2[0]" not in rows
    code, out, _ = run(capsys, "show", str(ROOT / "architectures" / "resnet18.yaml"),
                       "--depth", "2")
    assert "layer2[0]         basic" in out


def test_strict_turns_warnings_into_errors(capsys: pytest.CaptureFixture[str]) -> None:
    assert run(capsys, "show", MISMATCH)[0] == 0
    code, out, _ = run(capsys, "show", MISMATCH, "--strict")
    assert code == 1
    assert "stride_mismatch.yaml:8:5: warning[W101]" in out


def test_bad_usage_and_unreadable_files_exit_2(capsys: pytest.CaptureFixture[str],
                                               tmp_path: object) -> None:
    code, _, err = run(capsys, "show", ALEXNET, "--input", "3xbig")
    assert code == 2 and "is not a shape" in err
    assert run(capsys, "show", ALEXNET, "--no-such-option")[0] == 2
    code, out, _ = run(capsys, "show", str(ROOT / "nope.yaml"))
    assert code == 2 and "error[E001]" in out and "no such file" in out
    code, out, _ = run(capsys, "show", str(ROOT / "architectures"))
    assert code == 2 and "architectures: error[E001]: a directory, not a file" in out


def test_stdin_and_color() -> None:
    text = (ROOT / "architectures" / "lenet5.yaml").read_text()
    proc = subprocess.run([sys.executable, "-m", "cnncalc", "show", "-"], input=text,
                          capture_output=True, text=True, env={"FORCE_COLOR": "1"})
    assert proc.returncode == 0
    assert "\x1b[" in proc.stdout and "61,706" in proc.stdout
    proc = subprocess.run([sys.executable, "-m", "cnncalc", "show", "-"], input=text,
                          capture_output=True, text=True, env={"NO_COLOR": "1",
                                                               "FORCE_COLOR": "1"})
    assert "\x1b[" not in proc.stdout


def _console(*args: str, **streams: object) -> subprocess.CompletedProcess[str]:
    """cnncalc as its console script runs it (`run()`: exits without interpreter teardown)."""
    return subprocess.run([sys.executable, "-c", "from cnncalc.cli import run; run()", *args],
                          text=True, **streams)  # type: ignore[call-overload]


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs /dev/full")
@pytest.mark.parametrize("fmt", ["table", "json"])
def test_output_that_cannot_be_written_is_reported(fmt: str) -> None:
    with open("/dev/full", "w") as full:
        proc = _console("show", ALEXNET, "--format", fmt, stdout=full, stderr=subprocess.PIPE)
    assert proc.returncode == 2
    assert proc.stderr == "cnncalc: cannot write the output: No space left on device\n"


def test_closed_standard_streams() -> None:
    # `cnncalc show x >&-`: Python starts with sys.stdout None
    proc = _console("show", ALEXNET, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                    pass_fds=(), preexec_fn=lambda: os.close(1))
    assert proc.returncode == 2
    assert proc.stderr == "cnncalc: cannot write the output: standard output is closed\n"
    # `cnncalc show - <&-`: nothing to read, an empty file
    proc = _console("show", "-", stdin=subprocess.DEVNULL, capture_output=True,
                    preexec_fn=lambda: os.close(0))
    assert proc.returncode == 2 and "<stdin>:1:1: error[E004]: the file is empty" in proc.stdout
    # `2>&-`: nowhere to report, and still the exit status
    proc = _console("show", MISMATCH, "--strict", stdout=subprocess.PIPE,
                    stderr=subprocess.DEVNULL, preexec_fn=lambda: os.close(2))
    assert proc.returncode == 1 and "Total params" in proc.stdout


def test_output_cut_short_by_its_reader() -> None:
    # `cnncalc show big.yaml | head -c 1`: the rest is not wanted; no complaint, status 0 as
    # for every other output (issue 12: JSON used to exit 1, typer's convention)
    with subprocess.Popen([sys.executable, "-c", "from cnncalc.cli import run; run()",
                           "show", str(ROOT / "architectures" / "resnet152.yaml"),
                           "--format", "json"], stdout=subprocess.PIPE,
                          stderr=subprocess.PIPE) as proc:
        assert proc.stdout is not None and proc.stderr is not None
        assert proc.stdout.read(1) == b"{"
        proc.stdout.close()
        assert proc.wait() == 0 and proc.stderr.read() == b""


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "--version")
    assert code == 0 and out.startswith("cnncalc ")


def test_internal_errors_are_reported_as_bugs(capsys: pytest.CaptureFixture[str],
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(*args: object, **kwargs: object) -> None:
        raise ValueError("boom")

    monkeypatch.setattr("cnncalc.commands.show.analyze", broken)  # what `show` calls
    code, _, err = run(capsys, "show", ALEXNET)
    assert code == cli.EXIT_BUG == 3
    assert "This is a bug in cnncalc" in err and "Traceback" not in err
    with pytest.raises(ValueError, match="boom"):
        cli.main(["--traceback", "show", ALEXNET])


def test_ops_lists_the_registry(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "ops")
    assert code == 0
    assert out.startswith("conv(out_channels, kernel_size, stride=1, padding=0, dilation=1, "
                          "groups=1, bias=true, padding_mode=zeros)  (also: conv1d, conv2d, "
                          "conv3d)\n")
    code, out, _ = run(capsys, "ops", "gap")
    assert out.startswith("global_avgpool()  (also: gap)")
    code, _, err = run(capsys, "ops", "cnv")
    assert code == 2 and "did you mean 'conv'?" in err

"""Zoo names on the command line: `cnncalc show resnet50` from any directory, a path always
winning over a name, a did-you-mean for a misspelled one, and the `cnncalc zoo` listing."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from conftest import ROOT, zoo_source

from cnncalc import cli, zoo
from cnncalc.analysis import analyze

FILES = sorted(p.stem for p in (ROOT / "architectures").glob("*.yaml"))


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = cli.main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_the_installed_zoo_is_the_repository_s() -> None:
    """Whatever the install (wheel or editable), the names are architectures/'s files, and
    each name reads the same text."""
    assert zoo.names() == FILES
    for name in FILES:
        found = zoo.find(name)
        assert found is not None
        assert found.read_bytes() == (ROOT / "architectures" / f"{name}.yaml").read_bytes()


@pytest.mark.parametrize("command", [
    ["show", "{}"], ["show", "{}", "--format", "json"], ["explain", "{}", "conv1"],
    ["sizes", "{}", "--min", "30", "--max", "40"], ["export", "{}", "--to", "mermaid"],
    ["diff", "{}", "alexnet"], ["check", "{}"]])
def test_a_name_reads_the_zoo_file_from_any_directory(
        command: list[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.chdir(tmp_path)  # no architectures/ here
    by_path = [a.format(ROOT / "architectures" / "lenet5.yaml") for a in command]
    by_name = [a.format("lenet5") for a in command]
    expected = run(capsys, *by_path)
    assert expected[0] in (0, 1)
    got = run(capsys, *by_name)
    folder = str(zoo.find("lenet5")).removesuffix("lenet5.yaml")
    assert got == tuple(x.replace(str(ROOT / "architectures") + "/", folder)
                        if isinstance(x, str) else x for x in expected)


def test_a_path_wins_over_a_zoo_name(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                     capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.chdir(tmp_path)
    Path("resnet50").write_text("input: [1, 8, 8]\nlayers:\n  - conv: [2, 3]\n")
    code, out, _ = run(capsys, "show", "resnet50", "--format", "json")
    assert code == 0
    assert '"params": 20' in out  # the local file's one conv, not ResNet-50
    code, out, _ = run(capsys, "check", "resnet50")
    assert (code, out.split(":")[0]) == (0, "resnet50")


def test_a_misspelled_name_gets_a_hint(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                       capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.chdir(tmp_path)
    code, out, err = run(capsys, "show", "resnt50")
    assert code == 2
    assert "error[E001]: no such file" in out + err
    assert "did you mean 'resnet50'?" in out + err
    # a path into a folder is a path: no zoo name is suggested for it
    code, out, err = run(capsys, "show", "models/resnt50")
    assert code == 2
    assert "did you mean" not in out + err


def test_a_name_is_never_a_path_in_disguise() -> None:
    assert zoo.find("../architectures/alexnet") is None
    assert zoo.find("alexnet.yaml") == zoo.find("alexnet")
    assert zoo.find("nonexistent") is None


def test_listing(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "zoo")
    assert code == 0
    rows = re.findall(r"^(\w+) +(\S+) +([\d,]+) +([\d,]+) +(\S+)$", out, re.M)
    assert [r[0] for r in rows] == FILES
    for name, _input, params, macs, _output in rows:
        totals = analyze(zoo_source(ROOT / "architectures" / f"{name}.yaml")).totals
        assert (params, macs) == (f"{totals.params:,}", f"{totals.macs:,}")
    assert f"{len(FILES)} models." in out


@pytest.mark.parametrize(("text", "mirrors"), [
    ("# torchvision's ResNet-50 (torchvision.models.resnet50, v1.5: the stride sits on the\n"
     "# 3x3 conv). Bottlenecks [3, 4, 6, 3].\ncnncalc: 1\n",
     "torchvision's ResNet-50 (torchvision.models.resnet50, v1.5: the stride sits on the 3x3 "
     "conv)"),
    ("# ZFNet (Zeiler & Fergus, 2014), Figure 3 -- not Table 1's variant.\n", "ZFNet (Zeiler & "
     "Fergus, 2014), Figure 3"),
    ("# LeNet-5, the modern variant: ReLU.\n", "LeNet-5, the modern variant"),
    ("# One sentence only.\ninput: [1]\n", "One sentence only"),
    ("input: [1]\n", ""),
])
def test_what_a_file_mirrors_is_its_top_comment_s_first_clause(text: str, mirrors: str) -> None:
    assert zoo.mirrors(text) == mirrors

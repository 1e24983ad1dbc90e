"""The CI integrations shipped with cnncalc: the pre-commit hook and this repository's
workflow."""

from __future__ import annotations

import importlib.util
import os
import re
import shlex
import shutil
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest
import yaml
from conftest import ROOT

# an ordinary repository's YAML: a workflow, a compose file, a valid architecture, a broken one
REPOSITORY = {
    ".github/workflows/ci.yml": "name: ci\non: [push]\njobs:\n  t:\n    runs-on: x\n",
    "docker-compose.yml": "services:\n  web:\n    image: nginx\n",
    "models/good.yaml": "input: [3, 8, 8]\nlayers: [relu]\n",
    "models/broken.yaml": "input: [3, 8, 8]\nlayers: [rleu]\n",
}


def _write(root: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text)


def _cnncalc(command: list[str], cwd: Path, github: bool) -> subprocess.CompletedProcess[str]:
    """`command` (a cnncalc command line) as a shell runs it, inside GitHub Actions or not."""
    assert command[0] == "cnncalc", command
    env = {key: value for key, value in os.environ.items()
           if key not in ("GITHUB_ACTIONS", "NO_COLOR", "FORCE_COLOR")}
    if github:
        env["GITHUB_ACTIONS"] = "true"
    return subprocess.run([sys.executable, "-m", "cnncalc", *command[1:]], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=120)


@pytest.mark.parametrize("github", [False, True], ids=["terminal", "github-actions"])
def test_the_pre_commit_hook_fails_only_the_broken_file(tmp_path: Path, github: bool) -> None:
    """The hook as pre-commit runs it: its `entry`, then every file of its `types` (YAML). In
    an ordinary repository it fails on the broken architecture only, skips the other YAML, and
    inside GitHub Actions writes the problem as an annotation (a plain-text line there could
    be read as a workflow command)."""
    (hook,) = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text())
    _write(tmp_path, REPOSITORY)
    assert hook["types"] == ["yaml"]  # which files pre-commit passes: these four
    done = _cnncalc([*shlex.split(hook["entry"]), *sorted(REPOSITORY)], tmp_path, github)
    assert done.returncode == 1, done.stdout + done.stderr
    for other in ("good.yaml", "ci.yml", "docker-compose.yml"):
        assert other not in done.stdout  # skipped or passed: failures only
    if github:
        assert "::error file=models/broken.yaml,line=2,col=10,title=cnncalc E104::" in done.stdout
    else:
        assert "models/broken.yaml" in done.stdout and "error[E104]" in done.stdout
        assert "::" not in done.stdout


def _cnncalc_steps() -> list[list[str]]:
    workflow = yaml.safe_load((ROOT / ".github" / "workflows" / "ci.yml").read_text())
    steps = [shlex.split(step["run"]) for step in workflow["jobs"]["architectures"]["steps"]
             if step.get("run", "").startswith("cnncalc ")]
    assert steps, "the workflow's architectures job runs no cnncalc command"
    return steps


def test_the_workflow_gate_passes_the_zoo_and_fails_a_broken_network(tmp_path: Path) -> None:
    """Each cnncalc step of the workflow's architectures job, run as the runner runs it: the
    zoo passes, and the same step fails, with an annotation on the file, once one network in
    the zoo is broken (a gate that cannot fail protects nothing)."""
    for command in _cnncalc_steps():
        passed = _cnncalc(command, ROOT, github=True)
        assert passed.returncode == 0, passed.stdout + passed.stderr
        shutil.copytree(ROOT / "architectures", tmp_path / "architectures", dirs_exist_ok=True)
        lenet = tmp_path / "architectures" / "lenet5.yaml"
        lenet.write_text(lenet.read_text().replace("linear: 84", "linear: 85"))
        failed = _cnncalc(command, tmp_path, github=True)
        assert failed.returncode == 1, failed.stdout + failed.stderr
        assert "::error file=architectures/lenet5.yaml," in failed.stdout


def test_pre_commit_hook_in_an_ordinary_repository(tmp_path: Path) -> None:
    """Issue 11 item 5, through pre-commit itself (`pre-commit try-repo` installs the hook from
    this repository into its own environment, as a user's pre-commit would): a repository
    with a GitHub workflow, a docker-compose file, a valid architecture and a broken one. The
    hook fails on the broken one only; the other YAML files are skipped, the valid one passes.
    About 30 s: pre-commit builds the hook's virtualenv (in tmp_path, never the user's cache).
    """
    if importlib.util.find_spec("pre_commit") is None:
        pytest.skip("pre-commit is not installed (pip install pre-commit)")
    repo = tmp_path / "repo"
    _write(repo, REPOSITORY)
    env = {**os.environ, "PRE_COMMIT_HOME": str(tmp_path / "cache"), "PRE_COMMIT_COLOR": "never",
           "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.com",
           "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.com"}
    env.pop("GITHUB_ACTIONS", None)  # the text format, as on a developer's machine
    for command in (["init", "-q"], ["add", "-A"], ["commit", "-q", "-m", "models"]):
        subprocess.run(["git", *command], cwd=repo, env=env, check=True)
    done = subprocess.run([sys.executable, "-m", "pre_commit", "try-repo", str(ROOT),
                           "cnncalc-check", "--all-files"], cwd=repo, env=env,
                          capture_output=True, text=True, timeout=600)
    output = done.stdout + done.stderr
    assert done.returncode == 1, output
    assert "models/broken.yaml: FAILED" in output and "error[E104]" in output
    assert "good.yaml" not in output and "ci.yml" not in output  # --quiet: failures only
    # pre-commit may split the files between processes: add up their summaries
    totals: Counter[str] = Counter()
    for count, parts in re.findall(r"^(\d+) files?: (.*)$", output, re.M):
        totals["files"] += int(count)
        for number, what in re.findall(r"(\d+) (\w+)", parts):
            totals[what.rstrip("s")] += int(number)
    assert totals == Counter({"files": 4, "error": 1, "skipped": 2}), output

"""The CI integrations shipped with cnncalc: the pre-commit hook and this repository's
workflow."""

from __future__ import annotations

import importlib.util
import os
import re
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest
import yaml
from conftest import ROOT


def test_pre_commit_hook() -> None:
    (hook,) = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text())
    assert hook["id"] == "cnncalc-check"
    # every YAML file (check skips what is not a cnncalc file); failures only; workflow
    # commands inside GitHub Actions
    assert hook["entry"] == "cnncalc check --quiet --format auto"
    assert hook["language"] == "python"
    assert hook["types"] == ["yaml"]


def test_workflow_checks_the_zoo() -> None:
    workflow = yaml.safe_load((ROOT / ".github" / "workflows" / "ci.yml").read_text())
    steps = [step.get("run", "") for step in workflow["jobs"]["architectures"]["steps"]]
    assert "cnncalc check architectures/ --format github" in steps


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
    files = {
        ".github/workflows/ci.yml": "name: ci\non: [push]\njobs:\n  t:\n    runs-on: x\n",
        "docker-compose.yml": "services:\n  web:\n    image: nginx\n",
        "models/good.yaml": "input: [3, 8, 8]\nlayers: [relu]\n",
        "models/broken.yaml": "input: [3, 8, 8]\nlayers: [rleu]\n",
    }
    for name, text in files.items():
        (repo / name).parent.mkdir(parents=True, exist_ok=True)
        (repo / name).write_text(text)
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

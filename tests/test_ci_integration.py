"""The CI integrations shipped with cnncalc: the pre-commit hook and this repository's
workflow."""

from __future__ import annotations

import yaml
from conftest import ROOT


def test_pre_commit_hook() -> None:
    (hook,) = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text())
    assert hook["id"] == "cnncalc-check"
    assert hook["entry"] == "cnncalc check"
    assert hook["language"] == "python"
    assert hook["types"] == ["yaml"]


def test_workflow_checks_the_zoo() -> None:
    workflow = yaml.safe_load((ROOT / ".github" / "workflows" / "ci.yml").read_text())
    steps = [step.get("run", "") for step in workflow["jobs"]["architectures"]["steps"]]
    assert "cnncalc check architectures/ --format github" in steps

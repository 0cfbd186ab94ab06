"""The README opens with the two set-up commands, and CI runs the second one verbatim."""

from __future__ import annotations

import re
from pathlib import Path


def _readme_commands(repo: Path) -> list[str]:
    text = (repo / "README.md").read_text(encoding="utf-8")
    block = re.search(r"```bash\n(.*?)```", text, re.S)
    assert block, "README.md must open with a bash block of the set-up commands"
    return [line for line in block.group(1).splitlines() if line.strip()]


def test_readme_opens_with_two_commands(repo: Path) -> None:
    commands = _readme_commands(repo)
    assert len(commands) == 2
    assert "copa-forecast run configs/copa_peru_2006.toml" in commands[0]
    assert "pytest" in commands[1]
    # The block is the first thing after the title.
    text = (repo / "README.md").read_text(encoding="utf-8")
    assert text.startswith("# copa-forecast\n\n```bash\n")


def test_ci_runs_the_readme_test_command(repo: Path) -> None:
    ci = (repo / ".ci" / "run").read_text(encoding="utf-8")
    assert _readme_commands(repo)[1] in ci.splitlines()


def test_ci_installs_into_a_fresh_virtual_environment(repo: Path) -> None:
    # A missing dependency must fail CI, so nothing the machine has installed may stand in.
    lines = (repo / ".ci" / "run").read_text(encoding="utf-8").splitlines()
    command = lines.index(_readme_commands(repo)[1])
    made = next(i for i, line in enumerate(lines) if "-m venv" in line)
    entered = next(i for i, line in enumerate(lines) if "bin/activate" in line)
    assert made < entered < command

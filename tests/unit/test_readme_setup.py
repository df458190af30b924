"""The README's set-up: the Python it needs, and two commands that work pasted into one shell."""

from __future__ import annotations

import re
import subprocess
import tomllib
from pathlib import Path

ROOT = Path(__file__).parents[2]
README = (ROOT / "README.md").read_text()


def _setup_commands() -> list[str]:
    section = README.split("## Set-up", 1)[1].split("\n## ", 1)[0]
    return re.findall(r"```bash\n(.+?)\n```", section, re.S)


def test_the_readme_names_the_python_pyproject_requires() -> None:
    required = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["requires-python"]
    version = required.removeprefix(">=")
    assert f"Python {version} or newer" in README.split("## A five-minute tour")[0]


def test_the_two_setup_commands_work_pasted_one_after_the_other(tmp_path: Path) -> None:
    """Run them in one shell, with the tools replaced by stand-ins that note where they ran."""
    commands = _setup_commands()
    assert len(commands) == 2
    bin_folder = tmp_path / ".venv" / "bin"
    bin_folder.mkdir(parents=True)
    (tmp_path / "examples" / "seed").mkdir(parents=True)
    for tool in ("pip", "ledgerflow", "pytest"):
        stand_in = bin_folder / tool
        stand_in.write_text(f'#!/bin/sh\necho "{tool} $(pwd)" >> "{tmp_path}/ran"\n')
        stand_in.chmod(0o755)
    script = "python3() { :; }\n" + "\n".join(commands)  # creating the venv: nothing to do here
    done = subprocess.run(["bash", "-e", "-c", script], cwd=tmp_path, capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    ran = (tmp_path / "ran").read_text().splitlines()
    assert ran == [
        f"pip {tmp_path}",
        f"ledgerflow {tmp_path / 'examples' / 'seed'}",
        f"pip {tmp_path}",
        f"pytest {tmp_path}",
    ]

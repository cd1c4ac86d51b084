"""The first `make run` says what it is doing at every step, and `make test` is unchanged."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def _dry_run(target: str, tmp_path: Path) -> list[str]:
    """The commands `make <target>` would run on a machine where nothing is installed yet
    (-B: every step out of date; -n: printed, not run)."""
    if shutil.which("make") is None:
        pytest.skip("make is not installed")
    # --no-print-directory: under `make test` (CI) this make is a sub-make, which would
    # otherwise print "Entering/Leaving directory" lines around the commands.
    result = subprocess.run(["make", "--no-print-directory", "-n", "-B", target,
                             f"VENV={tmp_path / 'venv'}", "PYTEST_ARGS="],
                            cwd=ROOT, capture_output=True, text=True, check=True)
    return result.stdout.splitlines()


def _position(lines: list[str], pattern: str) -> int:
    found = [i for i, line in enumerate(lines) if re.search(pattern, line)]
    assert found, f"no line matches {pattern!r}"
    return found[0]


def test_each_step_of_the_first_run_announces_itself_before_it_starts(tmp_path):
    lines = _dry_run("demo", tmp_path)
    steps = [(r"echo .Sila: installing Python packages \(first run: about \d+ (seconds|minutes)",
              r"pip install .*-e '\.\[test\]'"),
             (r"echo .Sila: installing the front-end libraries", r"^npm ci"),
             (r"echo .Sila: compiling the Arabic and English translations", r"pybabel compile"),
             (r"echo .Sila: bringing the database up to date", r"db upgrade"),
             (r"echo .Sila: loading the demo association", r"helpdesk demo")]
    for announcement, command in steps:
        assert _position(lines, announcement) < _position(lines, command)


def test_pip_shows_its_progress_instead_of_working_quietly(tmp_path):
    pip_lines = [line for line in _dry_run("install", tmp_path) if "pip install" in line]
    assert len(pip_lines) == 2
    for line in pip_lines:
        assert "--quiet" not in line and " -q" not in line
        assert "--progress-bar on" in line


def test_make_test_still_runs_the_suite_on_two_workers(tmp_path):
    lines = _dry_run("test", tmp_path)
    assert re.search(r"/bin/pytest -n 2 --dist loadfile\s*$", lines[-1])


def test_the_quick_start_says_how_long_the_first_run_takes():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    quick_start = readme.split("## Quick start", 1)[1].split("\n## ", 1)[0]
    assert re.search(r"first `make run` takes about \d+ minutes", quick_start)

"""The `railwatch` executable starts without the cyclic garbage collector and turns it back on."""

from __future__ import annotations

import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PROBE = """
import atexit, gc, sys
atexit.register(lambda: print("collector on:", gc.isenabled(), gc.get_threshold()[0]))
sys.argv = ["railwatch", *sys.argv[1:]]
from monitor.launch import main
main()
"""


def test_the_console_script_is_the_launcher() -> None:
    scripts = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["scripts"]
    assert scripts["railwatch"] == "monitor.launch:main"


@pytest.mark.parametrize("command", [["init"], ["check", "--source", "nowhere"]])
def test_a_command_runs_with_the_collector_back_on_or_fails_cleanly(tmp_path: Path, command: list[str]) -> None:
    config = tmp_path / "railwatch.yaml"
    if command[0] == "check":
        config.write_text("sources: []\n", encoding="utf-8")
    done = subprocess.run([sys.executable, "-c", PROBE, "--config", str(config), *command],
                          capture_output=True, text=True, cwd=tmp_path, timeout=120)
    if command[0] == "init":
        assert done.returncode == 0, done.stderr
        assert config.read_text(encoding="utf-8").count("- name:") > 3
        assert "collector on: True 10000" in done.stdout
    else:  # refused before any crawl: exit 2 and the reason, whatever the collector's state
        assert done.returncode == 2
        assert "no source named 'nowhere'" in done.stderr

"""Verifying a build: nbval re-executes every executed notebook and compares each output with the published one."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from .project import executed_notebooks


def verify(period: str, root: str | Path = ".") -> int:
    """Re-run the executed notebooks with nbval and compare every output; return pytest's exit code."""
    notebooks = executed_notebooks(root, period)
    command = [sys.executable, "-m", "pytest", "--nbval", "--nbval-current-env", "-p", "no:cacheprovider", "-q",
               "--rootdir", str(notebooks[0].parent), *map(str, notebooks)]
    return subprocess.run(command, env={**os.environ, "PYTHONHASHSEED": "0"}).returncode

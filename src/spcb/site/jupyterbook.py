"""The one place that calls Jupyter Book: `jupyter-book build` with every warning an error."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from .project import BuildError


def jupyter_book(root: Path, output: Path, log: Path, builder: str = "html") -> None:
    """Build the site with Jupyter Book 1, treating every warning as an error."""
    command = [str(Path(sys.executable).with_name("jupyter-book")), "build", str(root), "--path-output", str(output),
               "--all", "-W", "-n", "--keep-going", "--builder", builder]
    log.parent.mkdir(parents=True, exist_ok=True)
    result = subprocess.run(command, capture_output=True, text=True, env={**os.environ, "PYTHONHASHSEED": "0"})
    log.write_text(result.stdout + result.stderr, encoding="utf-8")
    if result.returncode != 0:
        problems = [line for line in (result.stdout + result.stderr).splitlines()
                    if "WARNING" in line or "ERROR" in line] or ["jupyter-book exited with an error"]
        raise BuildError("Jupyter Book failed:\n  " + "\n  ".join(problems[:20]) + f"\n(full log: {log})")

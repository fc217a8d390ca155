"""The one place that calls Jupyter Book: `jupyter-book build` with every warning an error. Its warnings are
reported, and logged, without the terminal's colour codes."""
from __future__ import annotations

import functools
import os
import re
import subprocess
import sys
from pathlib import Path

from .project import BuildError, die_with

_COLOUR = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")


def jupyter_book(root: Path, output: Path, log: Path, builder: str = "html") -> None:
    """Build the site with Jupyter Book 1, treating every warning as an error."""
    command = [str(Path(sys.executable).with_name("jupyter-book")), "build", str(root), "--path-output", str(output),
               "--all", "-W", "-n", "--keep-going", "--builder", builder]
    log.parent.mkdir(parents=True, exist_ok=True)
    result = subprocess.run(command, capture_output=True, text=True, env={**os.environ, "PYTHONHASHSEED": "0"},
                            preexec_fn=functools.partial(die_with, os.getpid()))
    text = _COLOUR.sub("", result.stdout + result.stderr)
    log.write_text(text, encoding="utf-8")
    if result.returncode != 0:
        problems = [line for line in text.splitlines()
                    if "WARNING" in line or "ERROR" in line] or ["jupyter-book exited with an error"]
        raise BuildError("Jupyter Book failed:\n  " + "\n  ".join(problems[:20]) + f"\n(full log: {log})")

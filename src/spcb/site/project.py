"""The project a book is built in: its folder (the one holding `_config.yml` and `_toc.yml`), its lock
(`_build/.lock`, held by a build; see `ingest.lock`), where the executed notebooks go, the commit it is built
from, the executed notebooks of the last build (in `book/report/`, where Jupyter Book reads them), and those of
every period of every edition built (kept in `_build/executed/<edition>/<period>/`). An executed notebook's
edition is the name of its data folder.
"""
from __future__ import annotations

import ctypes
import json
import os
import re
import signal
import subprocess
import sys
from contextlib import AbstractContextManager
from pathlib import Path

from ..ingest import lock
from ..report.catalogue import REPORT

REPORT_DIR = Path(REPORT)
TEMPLATES = Path("notebooks")
EXECUTED = Path("_build/executed")
BOOKS = Path("_build/books")
LOCK = Path("_build/.lock")


class BuildError(RuntimeError):
    """The book could not be built; the message says which notebook or step failed."""


def find_root(start: str | Path = ".") -> Path:
    """The project folder: the nearest folder upwards holding _config.yml and _toc.yml."""
    here = Path(start).resolve()
    for folder in (here, *here.parents):
        if (folder / "_config.yml").exists() and (folder / "_toc.yml").exists():
            return folder
    raise BuildError(f"{here}: not inside an spcb project (no _config.yml and _toc.yml found above it)")


def held(root: Path) -> AbstractContextManager[None]:
    """Hold the lock of the project in `root` for the duration of a `with` block."""
    (root / LOCK).parent.mkdir(exist_ok=True)
    return lock.hold(root / LOCK, f"the project {root}")


def git_commit(root: Path) -> str:
    """The commit of the checkout, marked when the work tree has changes; or why there is none."""
    try:
        commit = subprocess.run(["git", "-C", str(root), "rev-parse", "HEAD"], capture_output=True, text=True,
                                check=True).stdout.strip()
        dirty = subprocess.run(["git", "-C", str(root), "status", "--porcelain", "--untracked-files=no"],
                               capture_output=True, text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "not a git checkout"
    return commit + (" (with uncommitted changes)" if dirty else "")


def parameters(notebook: Path) -> dict:
    """The parameters an executed notebook was run with."""
    return json.loads(notebook.read_text(encoding="utf-8")).get("metadata", {}).get("papermill", {}) \
        .get("parameters", {})


def edition_of(recorded: dict) -> str:
    """The edition an executed notebook was built for, from its parameters: the name of its data folder, and for a
    book of one force of many (the national edition's), `<edition>/<force's slug>`."""
    name = Path(recorded["data_dir"]).name
    return f"{name}/{slug(recorded['force'])}" if recorded.get("force") else name


def slug(force: str) -> str:
    """A force's name as a folder name: "Avon and Somerset" is avon-and-somerset."""
    return re.sub(r"[^a-z0-9]+", "-", force.lower()).strip("-")


def report_dir(root: Path, edition: str) -> Path:
    """Where the notebooks of `edition` are built, and their data folders relative to: `book/report/`, or for one
    force's book, in that book's own project (`_build/books/<edition>/<slug>/`, see `site.national`)."""
    return root / BOOKS / edition / REPORT_DIR if "/" in edition else root / REPORT_DIR


def executed_notebooks(root: str | Path, edition: str, period: str) -> list[Path]:
    """The executed notebooks of the last build, checked to be for `period` of `edition`."""
    folder = find_root(root) / REPORT_DIR
    notebooks = sorted(folder.glob("*.ipynb"))
    again = f"run `spcb build --edition {edition} --period {period}` first"
    if not notebooks:
        raise BuildError(f"{folder}: no executed notebooks; {again}")
    for path in notebooks:
        recorded = parameters(path)
        built_for = (edition_of(recorded), recorded.get("period")) if recorded.get("data_dir") else None
        if built_for != (edition, period):
            found = f"{built_for[1]} of the edition {built_for[0]}" if built_for else "no period"
            raise BuildError(f"{path}: executed for {found}, not {period} of the edition {edition}; {again}")
    return notebooks


def kept_notebooks(root: Path, edition: str, period: str) -> list[Path]:
    """The executed notebooks kept from the last build of `period` of `edition`."""
    folder = root / EXECUTED / edition / period
    notebooks = sorted(folder.glob("*.ipynb"))
    if not notebooks:
        raise BuildError(f"{folder}: no executed notebooks; run `spcb build --edition {edition} --period {period}` "
                         "first")
    return notebooks


PR_SET_PDEATHSIG = 1  # from <linux/prctl.h>


def die_with(parent: int) -> None:
    """Start a child process (pool worker, Jupyter Book, nbval) so that it is killed when `parent`, the process
    that started it, dies however that ends."""
    if sys.platform.startswith("linux"):
        ctypes.CDLL(None).prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    if os.getppid() != parent:  # the parent died before the child asked
        os._exit(1)

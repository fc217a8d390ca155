"""Verifying what a period of an edition publishes: `spcb verify --edition E --period P`, for reviewers.

First the files: every HTML, CSV, image and notebook file of the period's site, and its PDF when one was printed
after the build, against the manifest the build wrote (`manifest`); a page that differs is named with each item
on it that differs. Then the notebooks: nbval re-executes the executed notebooks kept from the period's build and
compares every output. They run from a temporary copy beside `book/report/`, so that their `data_dir`, relative
to `book/report/`, names the same data. The report is plain text without colour codes; it opens with the period,
its cut-off and its data, and verification fails when anything differs.
"""
from __future__ import annotations

import functools
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from ..plan.edition import DEFAULT
from . import manifest
from .project import EXECUTED, die_with, find_root, kept_notebooks, report_dir

KERNEL_FAILED = "Failure starting kernel"  # what nbval logs when a kernel dies before it answers


def _nbval(home: Path, period: str, notebooks: list[Path]) -> int:
    """Re-run the notebooks with nbval, beside `home` (the folder their data folders are relative to), and
    compare every output; return pytest's exit code. A kernel that would not start (on a busy machine, another
    process can take its port first) is no difference in the outputs: the notebooks are run again once."""
    with tempfile.TemporaryDirectory(prefix=f".verify-{period}-", dir=home.parent) as folder:
        copies = [shutil.copy(notebook, folder) for notebook in notebooks]
        command = [sys.executable, "-m", "pytest", "--nbval", "--nbval-current-env", "-p", "no:cacheprovider",
                   "-q", "--color=no", "--rootdir", folder, *copies]
        for attempt in (1, 2):
            result = subprocess.run(command, env={**os.environ, "PYTHONHASHSEED": "0"}, capture_output=True,
                                    text=True, preexec_fn=functools.partial(die_with, os.getpid()))
            print(result.stdout + result.stderr, end="", flush=True)
            if result.returncode == 0 or KERNEL_FAILED not in result.stdout + result.stderr or attempt == 2:
                return result.returncode
            print("A kernel would not start; running the notebooks again.", flush=True)


def verify(period: str, root: str | Path = ".", edition: str = DEFAULT) -> int:
    """Check the period's published files against its manifest, then its notebooks with nbval; print what
    differs and return 0 when nothing does, 1 otherwise."""
    root = find_root(root)
    recorded = manifest.load(root, edition, period)
    notebooks = kept_notebooks(root, edition, period)
    home = report_dir(root, edition)
    data = (home / recorded["data_dir"]).resolve()
    print(f"Edition {edition}, period {period}, cut-off {recorded['as_of']}, data {data} (data_dir "
          f"{recorded['data_dir']} from {home.relative_to(root).as_posix()}).")
    printed = recorded.get("pdf")
    print(f"Checking the {len(recorded['files'])} files published in {(manifest.SITE / edition / period).as_posix()}"
          + (f" and the PDF {printed['path']}" if printed else " (no PDF was printed after this build)")
          + f" against {manifest.location(root, edition, period).relative_to(root).as_posix()}:")
    differing = manifest.differences(root, recorded)
    print("\n".join(f"  {line}" for line in differing) if differing else "  every one matches.")
    print(f"Re-executing the {len(notebooks)} notebooks kept in {(EXECUTED / edition / period).as_posix()} with "
          "nbval:", flush=True)
    problems = ([f"{len(differing)} difference(s) in the files above"] if differing else []) \
        + (["nbval found notebook outputs that differ"] if _nbval(home, period, notebooks) else [])
    if problems:
        print(f"Not everything published for {period} matches the build: {'; '.join(problems)}.")
        return 1
    print(f"Everything published for {period} matches the build.")
    return 0

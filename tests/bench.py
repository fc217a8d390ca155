"""Benchmark (`make bench`): time a full build of the default period in a temporary copy of the project.

Target on the reference machine (2 cores): the whole build, notebooks and site, in under 120 seconds,
and the milestone table in under 2 seconds. Prints the timings; exits 1 if a target is missed.
"""
from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from conftest import DATA, copy_project  # noqa: E402

from spcb import build, tables  # noqa: E402
from spcb.pages import Report  # noqa: E402

TARGETS = {"milestone table": 2.0, "full build": 120.0}


def timed(label: str, action) -> float:
    start = time.perf_counter()
    action()
    seconds = time.perf_counter() - start
    print(f"{label:>16}: {seconds:6.1f} s (target {TARGETS[label]:.0f} s)")
    return seconds


def main() -> int:
    def table():
        report = Report.load(DATA, "2014-11", "2014-11-24")
        tables.rows_for(report.plan.milestone_table, report.extract, report.window)

    with tempfile.TemporaryDirectory() as folder:
        root = copy_project(Path(folder))
        results = {"milestone table": timed("milestone table", table),
                   "full build": timed("full build", lambda: build.build("2014-11", "2014-11-24", DATA, root=root))}
    missed = [label for label, seconds in results.items() if seconds > TARGETS[label]]
    if missed:
        print("missed: " + ", ".join(missed))
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())

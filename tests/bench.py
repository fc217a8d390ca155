"""Benchmark (`make bench`): time a full build of the default period in a temporary copy of the project.

Targets on the reference machine (2 cores): ingesting the shipped data in under 60 seconds, the milestone
table in under 2 seconds, and the whole build, notebooks and site, in under 120 seconds. \
Prints the timings; exits 1 if a target is missed.
"""
from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from conftest import copy_project, shipped_data  # noqa: E402

from spcb.analysis.milestones import rows_for  # noqa: E402
from spcb.report.context import PageContext  # noqa: E402
from spcb.site import build  # noqa: E402

TARGETS = {"ingest": 60.0, "milestone table": 2.0, "full build": 120.0}


def timed(label: str, action) -> float:
    start = time.perf_counter()
    action()
    seconds = time.perf_counter() - start
    print(f"{label:>16}: {seconds:6.1f} s (target {TARGETS[label]:.0f} s)")
    return seconds


def main() -> int:
    with tempfile.TemporaryDirectory() as folder:
        root = copy_project(Path(folder) / "project")
        data = Path(folder) / "data"
        data.mkdir()
        results = {"ingest": timed("ingest", lambda: shipped_data(data))}

        def table():
            ctx = PageContext.load(data, "2014-11", "2014-11-24")
            rows_for(ctx.plan.milestone_table, ctx.extract, ctx.window)

        results["milestone table"] = timed("milestone table", table)
        results["full build"] = timed("full build", lambda: build.build("2014-11", "2014-11-24", data, root=root))
    missed = [label for label, seconds in results.items() if seconds > TARGETS[label]]
    if missed:
        print("missed: " + ", ".join(missed))
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())

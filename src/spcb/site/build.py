"""Run the book for a period: execute the notebooks in parallel with papermill, then build the site.

The new notebooks and site only replace the old ones once every notebook has run and Jupyter Book has
built without a warning, so a failure leaves the previously built site as it was. Every period asked for
is checked against the data before any notebook runs, and a built period's cut-off is pinned beside its
commentary, so that rebuilding it publishes the same figures.

A built period's executed notebooks are kept in `_build/executed/<period>/` and what its site publishes is
recorded in `_build/manifests/<period>.json`, so that `spcb verify` can check any period built, not only the last.
"""
from __future__ import annotations

import os
import shutil
from pathlib import Path

from ..plan.model import Plan
from ..plan.periods import Window
from ..plan.schema import load_dir
from ..report import catalogue, context, narrative
from . import manifest
from .archive import write_archive
from .execute import Job, execute_all
from .jupyterbook import jupyter_book
from .project import EXECUTED, REPORT_DIR, TEMPLATES, BuildError, find_root, git_commit


def jobs(root: Path, plan: Plan, window: Window, data_dir: Path) -> list[Job]:
    """Every declared page's notebooks, parameterised for the window."""
    data = os.path.relpath(data_dir.resolve(), (root / REPORT_DIR).resolve())
    common = {"period": str(window.period), "as_of": window.as_of.isoformat(), "data_dir": data}
    extra = {"commit": git_commit(root), "command": reproduce_command(window, data_dir, root)}
    return [Job(root / TEMPLATES / f"{n.template}.ipynb", n.page, n.parameters)
            for n in catalogue.notebooks(plan, common, extra)]


def reproduce_command(window: Window, data_dir: Path, root: Path) -> str:
    data = os.path.relpath(data_dir.resolve(), root.resolve())
    folders = " ".join(f"{data}/{name}" for name in ("extract", "published", "sources")
                       if (data_dir / name).exists())
    return (f"spcb ingest {folders} --data {data}\nspcb build --period {window.period} --as-of "
            f"{window.as_of.isoformat()} --data {data}")


def _replace(new: Path, current: Path) -> None:
    """Put `new` where `current` is, keeping nothing of the old."""
    old = current.with_name(current.name + ".old")
    shutil.rmtree(old, ignore_errors=True)
    if current.exists():
        current.rename(old)
    new.rename(current)
    shutil.rmtree(old, ignore_errors=True)


def build(periods: str | list[str], as_of: str | None = None, data_dir: str | Path | None = None,
          workers: int | None = None, root: str | Path = ".") -> Path:
    """Build the site of each period into `_build/html/<period>/`, then the archive of all built periods;
    return the path of the site's index.html (which opens the latest period)."""
    periods = [periods] if isinstance(periods, str) else list(dict.fromkeys(periods))
    if as_of and len(periods) > 1:
        raise BuildError("--as-of applies to one period; build the periods one at a time to give each a cut-off")
    root = find_root(root)
    data = Path(data_dir).resolve() if data_dir else root / "data"
    plan = load_dir(data)
    windows = [context.window(data, period, as_of) for period in periods]
    for window in windows:  # every period checked before any notebook runs
        narrative.load(data, window.period, plan)
    for window in windows:
        _build_period(root, plan, window, data, workers)
    return write_archive(root / "_build" / "html")


def _build_period(root: Path, plan: Plan, window: Window, data: Path, workers: int | None) -> None:
    """Pin the period's cut-off, then publish it; if publishing fails, the pin is put back as it was."""
    pin_file = narrative.folder(data, window.period) / narrative.PERIOD_FILE
    before = pin_file.read_bytes() if pin_file.exists() else None
    narrative.pin(data, window.period, window.as_of)  # the provenance page states the pin it was built with
    try:
        _publish_period(root, plan, window, data, workers)
    except BaseException:
        if before is None:
            pin_file.unlink(missing_ok=True)
        else:
            pin_file.write_bytes(before)
        raise


def _publish_period(root: Path, plan: Plan, window: Window, data: Path, workers: int | None) -> None:
    """Execute the notebooks of one period and build its site; the old site stays until both succeed."""
    os.environ["PYTHONHASHSEED"] = "0"
    build_dir = root / "_build"
    build_dir.mkdir(exist_ok=True)
    staging = root / "book" / ".report-new"
    shutil.rmtree(staging, ignore_errors=True)
    todo = jobs(root, plan, window, data)
    failures = execute_all(todo, staging, build_dir / "logs", workers or os.cpu_count() or 1)
    if failures:
        kept = build_dir / "failed"
        shutil.rmtree(kept, ignore_errors=True)
        staging.rename(kept)
        raise BuildError(f"notebook failed for {window.period}, the site was not changed:\n  "
                         + "\n  ".join(failures) + f"\n(executed notebooks kept in {kept})")
    report_dir = root / REPORT_DIR
    previous = root / "book" / ".report-previous"
    shutil.rmtree(previous, ignore_errors=True)
    if report_dir.exists():
        report_dir.rename(previous)
    staging.rename(report_dir)
    output = build_dir / ".site-new"
    shutil.rmtree(output, ignore_errors=True)
    try:
        jupyter_book(root, output, build_dir / "logs" / "jupyter-book.log")
    except BuildError:
        shutil.rmtree(report_dir)
        if previous.exists():
            previous.rename(report_dir)
        raise
    finally:
        shutil.rmtree(previous, ignore_errors=True)
    (build_dir / "html").mkdir(exist_ok=True)
    _replace(output / "_build" / "html", build_dir / "html" / str(window.period))
    shutil.rmtree(output, ignore_errors=True)
    executed = root / EXECUTED / str(window.period)
    shutil.rmtree(executed, ignore_errors=True)
    executed.mkdir(parents=True)
    for notebook in report_dir.glob("*.ipynb"):
        shutil.copy(notebook, executed)
    manifest.write(root, todo[0].parameters, [item.id for item in plan.items])

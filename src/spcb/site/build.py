"""Run the book of an edition for a period: execute the notebooks in parallel with papermill, then build the site.

Each edition publishes into its own folder, `_build/html/<edition>/<period>/`, with its own titles and its own
page about the data (the edition's `about.md`), so building one edition never touches another's output.

The new notebooks and site only replace the old ones once every notebook has run and Jupyter Book has
built without a warning, so a failure leaves the previously built site as it was. Every period asked for
is checked against the data before any notebook runs, and a built period's cut-off is pinned beside its
commentary, so that rebuilding it publishes the same figures.

A built period's executed notebooks are kept in `_build/executed/<edition>/<period>/` and what its site
publishes is recorded in `_build/manifests/<edition>/<period>.json`, so that `spcb verify` can check any period
built, not only the last.

A build holds its project's lock, then its data's store lock (see `ingest.lock`), so a second build of the project,
or an ingest into its store, waits for it or is refused in one line. Publishing a period is a series of renames
(the steps of `STEPS`, for the fault hook) with one commit, so that a build killed at any moment is undone or
finished by the next build, first thing:
1. the executed notebooks, staged in `book/.report-new/`, replace `book/report/`, which is kept as
   `book/.report-previous/` (an empty folder if there was none) while Jupyter Book builds the site into
   `_build/.site-new/`;
2. the commit: `book/.report-previous/` is renamed `book/.report-discarded/`, then deleted;
3. the new site replaces `_build/html/<edition>/<period>/` (kept as `<period>.old` until the new one is in
   place), the notebooks are copied to `_build/executed/<edition>/<period>/`, the manifest is written, and
   `_build/.site-new/` is deleted.
Finding `book/.report-previous/`, a build puts it back as `book/report/` (a build that stopped before its commit
published nothing); then finding `_build/.site-new/`, it does step 3 again for the period of `book/report/`.
"""
from __future__ import annotations

import os
import shutil
from pathlib import Path

from ..ingest.lock import rename
from ..ingest.store import Store
from ..plan import edition as editions
from ..plan.edition import Edition
from ..plan.model import Plan
from ..plan.periods import Window
from ..plan.schema import load_dir
from ..report import catalogue, context, narrative
from . import manifest
from .archive import write_archive
from .execute import Job, execute_all
from .jupyterbook import jupyter_book
from .project import EXECUTED, REPORT_DIR, TEMPLATES, BuildError, edition_of, find_root, git_commit, held, parameters

STAGING, PREVIOUS, DISCARDED = Path("book/.report-new"), Path("book/.report-previous"), Path("book/.report-discarded")
SITE_NEW = Path("_build/.site-new")
STEPS = ("report-previous", "report-new", "commit", "site-old", "site-new")


def jobs(root: Path, plan: Plan, window: Window, data_dir: Path) -> list[Job]:
    """Every declared page's notebooks, parameterised for the window."""
    data = os.path.relpath(data_dir.resolve(), (root / REPORT_DIR).resolve())
    common = {"period": str(window.period), "as_of": window.as_of.isoformat(), "data_dir": data}
    extra = {"commit": git_commit(root), "command": reproduce_command(window, data_dir, root)}
    return [Job(root / TEMPLATES / f"{n.template}.ipynb", n.page, n.parameters)
            for n in catalogue.notebooks(plan, common, extra)]


def reproduce_command(window: Window, data_dir: Path, root: Path) -> str:
    data = os.path.relpath(data_dir.resolve(), root.resolve())
    return (f"spcb ingest --data {data}\nspcb build --data {data} --period {window.period} --as-of "
            f"{window.as_of.isoformat()}")


def _replace(new: Path, current: Path) -> None:
    """Put `new` where `current` is, the old one kept beside it until `new` is in place."""
    old = current.with_name(current.name + ".old")
    if current.exists():
        shutil.rmtree(old, ignore_errors=True)
        rename(current, old, "site-old")
    rename(new, current, "site-new")
    shutil.rmtree(old, ignore_errors=True)


def build(periods: str | list[str], as_of: str | None = None, data_dir: str | Path | None = None,
          workers: int | None = None, root: str | Path = ".") -> Path:
    """Build the site of each period of the edition in `data_dir` (by default, the default edition) into
    `_build/html/<edition>/<period>/`, then the edition's archive and the site's list of editions; return the
    path of the edition's index.html (which opens its latest period)."""
    periods = [periods] if isinstance(periods, str) else list(dict.fromkeys(periods))
    if as_of and len(periods) > 1:
        raise BuildError("--as-of applies to one period; build the periods one at a time to give each a cut-off")
    root = find_root(root)
    data = Path(data_dir).resolve() if data_dir else editions.folder(root, editions.DEFAULT).resolve()
    edition, plan = editions.load(data), load_dir(data)
    if not edition.about.exists():
        raise BuildError(f"{edition.about}: no page about the data; expected the edition's about.md (see `spcb init`)")
    with held(root), Store(data).held():
        _recover(root)
        windows = [context.window(data, period, as_of) for period in periods]
        for window in windows:  # every period checked before any notebook runs
            narrative.load(data, window.period, plan)
        for window in windows:
            _build_period(root, edition, plan, window, data, workers)
        return write_archive(root / "_build" / "html", edition)


def _build_period(root: Path, edition: Edition, plan: Plan, window: Window, data: Path, workers: int | None) -> None:
    """Pin the period's cut-off, then publish it; if it fails before the commit, the notebooks and the pin are put
    back as they were."""
    pin_file = narrative.folder(data, window.period) / narrative.PERIOD_FILE
    before = pin_file.read_bytes() if pin_file.exists() else None
    narrative.pin(data, window.period, window.as_of)  # the provenance page states the pin it was built with
    try:
        _stage(root, edition, plan, window, data, workers)
    except BaseException:
        _roll_back(root)
        if before is None:
            pin_file.unlink(missing_ok=True)
        else:
            pin_file.write_bytes(before)
        raise
    rename(root / PREVIOUS, root / DISCARDED, "commit")
    _roll_forward(root)


def _stage(root: Path, edition: Edition, plan: Plan, window: Window, data: Path, workers: int | None) -> None:
    """Execute the notebooks of one period, put them and the edition's page about the data in `book/report/`, and
    build the site from them (step 1)."""
    os.environ["PYTHONHASHSEED"] = "0"
    build_dir = root / "_build"
    staging = root / STAGING
    shutil.rmtree(staging, ignore_errors=True)
    todo = jobs(root, plan, window, data)
    failures = execute_all(todo, staging, build_dir / "logs", workers or os.cpu_count() or 1)
    if failures:
        kept = build_dir / "failed"
        shutil.rmtree(kept, ignore_errors=True)
        staging.rename(kept)
        raise BuildError(f"notebook failed for {window.period}, the site was not changed:\n  "
                         + "\n  ".join(failures) + f"\n(executed notebooks kept in {kept})")
    shutil.copy(edition.about, staging / f"{catalogue.ABOUT}.md")
    report_dir, previous = root / REPORT_DIR, root / PREVIOUS
    if report_dir.exists():
        rename(report_dir, previous, "report-previous")
    else:
        previous.mkdir()
    rename(staging, report_dir, "report-new")
    jupyter_book(root, root / SITE_NEW, build_dir / "logs" / "jupyter-book.log", title=edition.title)


def _roll_back(root: Path) -> None:
    """Put back the notebooks of the last published build, if a build stopped before its commit."""
    previous = root / PREVIOUS
    if not previous.exists():
        return
    shutil.rmtree(root / SITE_NEW, ignore_errors=True)  # first: without `previous`, it would be taken as committed
    shutil.rmtree(root / REPORT_DIR, ignore_errors=True)
    if any(previous.iterdir()):
        os.rename(previous, root / REPORT_DIR)
    else:
        previous.rmdir()


def _roll_forward(root: Path) -> None:
    """Publish the committed build of the notebooks in `book/report/`, or finish publishing it (step 3)."""
    shutil.rmtree(root / DISCARDED, ignore_errors=True)
    notebooks = sorted((root / REPORT_DIR).glob("*.ipynb"))
    recorded = parameters(notebooks[0])
    built = root / SITE_NEW / "_build" / "html"
    edition = edition_of(recorded)
    if built.exists():
        (root / "_build" / "html" / edition).mkdir(parents=True, exist_ok=True)
        _replace(built, root / "_build" / "html" / edition / recorded["period"])
    executed = root / EXECUTED / edition / recorded["period"]
    shutil.rmtree(executed, ignore_errors=True)
    executed.mkdir(parents=True)
    for notebook in notebooks:
        shutil.copy(notebook, executed)
    plan = load_dir((root / REPORT_DIR / recorded["data_dir"]).resolve())
    manifest.write(root, recorded, [item.id for item in plan.items])
    shutil.rmtree(root / SITE_NEW)


def _recover(root: Path) -> None:
    """Undo, or finish, the publishing of a build that was killed (see the module's rules)."""
    _roll_back(root)
    if (root / SITE_NEW).exists():
        _roll_forward(root)

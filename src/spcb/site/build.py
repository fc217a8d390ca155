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

A build does only what changed (and says so, on stderr and in `_build/logs/build-report.json`):
- a notebook is taken from the cache (`site.cache`) when nothing it reads has changed, and is otherwise executed
  in a warm kernel (`site.execute`); `--no-cache` executes every notebook;
- a notebook whose bytes equal the period's published one keeps that one's modification time, so Jupyter Book,
  which keeps each period's build in `_build/sphinx/<edition>/<period>/`, reads again only the pages that changed;
  it builds every page (`--all`, in an emptied folder) when the table of contents, the configuration, the static
  files, the edition, the plan, spcb or the packages changed, after a failed build, and with `--no-cache`;
- when no notebook changed and the site's inputs are the same, the published period is left as it is: nothing is
  built or swapped.
"""
from __future__ import annotations

import filecmp
import json
import os
import shutil
import sys
from collections.abc import Callable
from contextlib import nullcontext
from pathlib import Path

from ..ingest.lock import rename
from ..ingest.store import Store
from ..plan import edition as editions
from ..plan.edition import Edition
from ..plan.model import Plan
from ..plan.periods import Window
from ..plan.schema import load_dir
from ..report import catalogue, context, narrative, output
from ..report.reads import Inputs, digest
from . import manifest
from .archive import write_archive
from .cache import Cache, environment
from .execute import Job, Kernels
from .jupyterbook import Ahead, jupyter_book
from .project import EXECUTED, REPORT_DIR, TEMPLATES, BuildError, edition_of, find_root, git_commit, held, parameters

STAGING, PREVIOUS, DISCARDED = Path("book/.report-new"), Path("book/.report-previous"), Path("book/.report-discarded")
SITE_NEW = Path("_build/.site-new")
SPHINX = Path("_build/sphinx")
REPORT_FILE = Path("_build/logs/build-report.json")
SITE_KEY = ".site-key"  # in a period's Jupyter Book folder: the site's key when it was last published from it
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


def replace(new: Path, current: Path) -> None:
    """Put `new` where `current` is, the old one kept beside it until `new` is in place."""
    old = current.with_name(current.name + ".old")
    if current.exists():
        shutil.rmtree(old, ignore_errors=True)
        rename(current, old, "site-old")
    rename(new, current, "site-new")
    shutil.rmtree(old, ignore_errors=True)


def build(periods: str | list[str], as_of: str | None = None, data_dir: str | Path | None = None,
          workers: int | None = None, root: str | Path = ".", use_cache: bool = True, warm: bool = True,
          kernels: Kernels | None = None) -> Path:
    """Build the site of each period of the edition in `data_dir` (by default, the default edition) into
    `_build/html/<edition>/<period>/`, then the edition's archive and the site's list of editions; return the
    path of the edition's index.html (which opens its latest period). Without `use_cache`, every notebook is
    executed; without `warm`, each in a kernel of its own. `kernels`, kept by the caller from one build to the
    next (as `spcb serve` does), saves starting them for each build."""
    periods = [periods] if isinstance(periods, str) else list(dict.fromkeys(periods))
    if as_of and len(periods) > 1:
        raise BuildError("--as-of applies to one period; build the periods one at a time to give each a cut-off")
    root = find_root(root)
    data = Path(data_dir).resolve() if data_dir else editions.folder(root, editions.DEFAULT).resolve()
    edition, plan = editions.load(data), load_dir(data)
    if not edition.about.exists():
        raise BuildError(f"{edition.about}: no page about the data; expected the edition's about.md (see `spcb init`)")
    own = Kernels(workers or os.cpu_count() or 1, warm) if kernels is None else nullcontext(kernels)
    with held(root), Store(data).held(), own as kernels:
        kernels.start()  # the workers start while the inputs are read; a kernel only if a notebook is to run
        done = Done(kernels)
        if _touched(root, data):
            kernels.prepare()
        _recover(root)
        windows = [context.window(data, period, as_of) for period in periods]
        for window in windows:  # every period checked before any notebook runs
            narrative.load(data, window.period, plan)
        cache = Cache(root) if use_cache else None
        for window in windows:
            _build_period(root, edition, plan, window, data, kernels, cache, done, last=window is windows[-1])
        done.write(root / REPORT_FILE, len(windows) > 1)
        return write_archive(root / "_build" / "html", edition)


class Done:
    """What a build did and why: the notebooks it executed, those it reused, how it built each site."""

    def __init__(self, kernels: Kernels):
        self.kernels, self.started = kernels, kernels.started
        self.executed: dict[str, dict[str, str]] = {}
        self.reused: dict[str, list[str]] = {}
        self.site: dict[str, str] = {}

    def tell(self, period: str) -> None:
        executed, reused = self.executed.get(period, {}), self.reused.get(period, [])
        lines = [f"{period}: executed {len(executed)} notebook{'s' * (len(executed) != 1)}, reused {len(reused)} "
                 f"from the cache; site {self.site[period]}"]
        by_reason: dict[str, list[str]] = {}
        for page, why in executed.items():
            by_reason.setdefault(why, []).append(page)
        lines += [f"  {why}: {', '.join(pages)}" for why, pages in by_reason.items()]
        print("\n".join(lines), file=sys.stderr)

    def write(self, path: Path, many: bool) -> None:
        def keyed(period: str, page: str) -> str:
            return f"{period}/{page}" if many else page

        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps({
            "executed": {keyed(p, page): why for p, pages in self.executed.items() for page, why in pages.items()},
            "reused": [keyed(p, page) for p, pages in self.reused.items() for page in pages],
            "kernels_started": self.kernels.started - self.started,
            "site": self.site if many else next(iter(self.site.values())),
        }, indent=1) + "\n", encoding="utf-8")


def _build_period(root: Path, edition: Edition, plan: Plan, window: Window, data: Path, kernels: Kernels,
                  cache: Cache | None, done: Done, last: bool) -> None:
    """Pin the period's cut-off, then publish it if anything changed; if it fails before the commit, the notebooks
    and the pin are put back as they were."""
    pin_file = narrative.folder(data, window.period) / narrative.PERIOD_FILE
    before = pin_file.read_bytes() if pin_file.exists() else None
    narrative.pin(data, window.period, window.as_of)  # the provenance page states the pin it was built with
    try:
        built = _stage(root, edition, plan, window, data, kernels, cache, done, last)
    except BaseException:
        _roll_back(root)
        if before is None:
            pin_file.unlink(missing_ok=True)
        else:
            pin_file.write_bytes(before)
        raise
    if built:
        rename(root / PREVIOUS, root / DISCARDED, "commit")
        _roll_forward(root)
        key, sphinx = built
        (sphinx / SITE_KEY).write_text(key)  # only now: Jupyter Book's folder holds what the period publishes
    done.tell(str(window.period))


def _stage(root: Path, edition: Edition, plan: Plan, window: Window, data: Path, kernels: Kernels,
           cache: Cache | None, done: Done, last: bool) -> tuple[str, Path] | None:
    """Take each notebook of one period from the cache or execute it, and unless nothing changed, put them and the
    edition's page about the data in `book/report/` and build the site from them (step 1); return the site's key
    and Jupyter Book's folder, or None if nothing changed."""
    build_dir, period = root / "_build", str(window.period)
    staging = root / STAGING
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir(parents=True)
    inputs = Inputs(data, window)
    todo, keys = looked_up(cache, jobs(root, plan, window, data), f"{edition.name}/{period}",
                           lambda job: inputs.of(job.template.stem, job.parameters), staging, done, period)
    with Ahead(root) if todo else nullcontext() as ahead:  # Jupyter Book imports itself while the notebooks run
        failures = kernels.run(todo, staging, build_dir / "logs", last)
        if failures:
            kept = build_dir / "failed"
            shutil.rmtree(kept, ignore_errors=True)
            staging.rename(kept)
            raise BuildError(f"notebook failed for {window.period}, the site was not changed:\n  "
                             + "\n  ".join(failures) + f"\n(executed notebooks kept in {kept})")
        if cache:
            remember(cache, todo, keys, staging)
        shutil.copy2(edition.about, staging / f"{catalogue.ABOUT}.md")
        sphinx, key = root / SPHINX / edition.name / period, site_key(root, edition, data)
        everything = cache is None or not (sphinx / SITE_KEY).exists() or (sphinx / SITE_KEY).read_text() != key
        changed = any_changed(staging, root / EXECUTED / edition.name / period)
        if not changed and not everything and (build_dir / "html" / edition.name / period).exists():
            _keep_as_last(root, staging)
            done.site[period] = "unchanged"
            return None
        report_dir, previous = root / REPORT_DIR, root / PREVIOUS
        if report_dir.exists():
            rename(report_dir, previous, "report-previous")
        else:
            previous.mkdir()
        rename(staging, report_dir, "report-new")
        site(root, sphinx, edition.title, everything, ahead)
        shutil.copytree(sphinx / "_build" / "html", root / SITE_NEW / "_build" / "html")
        done.site[period] = "built in full" if everything else "updated"
        return key, sphinx


def looked_up(cache: Cache | None, job_list: list[Job], place: str, reads: Callable[[Job], dict[str, str]],
              staging: Path, done: Done, period: str) -> tuple[list[Job], dict]:
    """Copy into `staging` each notebook the cache holds for what it reads now (`reads(job)`, the inputs part of its
    key), noting it in `done` as reused; return the others, to execute (the pages reading most, which take longest,
    first, each noted with why), and every job's page, digests and key."""
    todo, keys, executed = [], {}, done.executed.setdefault(period, {})
    for job in job_list:
        digests = {"template": digest(job.template.read_bytes()),
                   "parameters": digest(json.dumps(job.parameters, sort_keys=True)), **environment(), **reads(job)}
        keys[job.page] = (f"{place}/{job.page}", digests, Cache.key(digests))
        if cache and cache.get(keys[job.page][2], staging, job.page):
            done.reused.setdefault(period, []).append(job.page)
        else:
            todo.append(job)
            executed[job.page] = cache.why(keys[job.page][0], digests) if cache else "--no-cache"
    todo.sort(key=lambda job: -len(keys[job.page][1]))
    return todo, keys


def remember(cache: Cache, todo: list[Job], keys: dict, staging: Path) -> None:
    """Keep each executed notebook, with its downloads, in the cache, and the digests every page was built from."""
    for job in todo:
        notebook = staging / f"{job.page}.ipynb"
        cache.put(keys[job.page][2], notebook, output.downloads(notebook.read_text(encoding="utf-8")))
    for place, digests, _ in keys.values():
        cache.record(place, digests)


def site(root: Path, sphinx: Path, title: str, everything: bool, ahead: Ahead | None = None) -> None:
    """Build the site of the notebooks in `root`'s `book/report/` in Jupyter Book's folder `sphinx`: emptied first
    for a full build; without its site key until the period is published from it; removed if the build fails, so
    that the next one builds every page."""
    if everything:
        shutil.rmtree(sphinx, ignore_errors=True)
    (sphinx / SITE_KEY).unlink(missing_ok=True)
    try:
        jupyter_book(root, sphinx, root / "_build" / "logs" / "jupyter-book.log", title=title, everything=everything,
                     ahead=ahead)
    except BaseException:
        shutil.rmtree(sphinx, ignore_errors=True)
        raise


def keep(root: Path, notebooks: list[Path], item_ids: list[str]) -> None:
    """Keep the published period's executed notebooks in `_build/executed/<edition>/<period>/` (with their times,
    which tell the next build's Jupyter Book they were read) and write its manifest."""
    recorded = parameters(notebooks[0])
    executed = root / EXECUTED / edition_of(recorded) / recorded["period"]
    shutil.rmtree(executed, ignore_errors=True)
    executed.mkdir(parents=True)
    for notebook in notebooks:
        shutil.copy2(notebook, executed)
    manifest.write(root, recorded, item_ids)


def _touched(root: Path, data: Path) -> bool:
    """Whether a file of the edition or a template changed since the last build ended (or there was none): then
    notebooks will likely run, so their kernels start while the build reads its inputs. Only when they start
    depends on this; what runs is for the cache to say."""
    report = root / REPORT_FILE
    if not report.exists():
        return True
    last = report.stat().st_mtime_ns
    folders = [data / "narrative", data / "plan", root / TEMPLATES]
    files = [data / editions.FILE, *Store(data).root.glob("*.parquet"), *(p for f in folders for p in f.rglob("*"))]
    return any(p.stat().st_mtime_ns > last for p in files if p.is_file())


def _keep_as_last(root: Path, staging: Path) -> None:
    """Make the staged notebooks of a period that is published unchanged `book/report/`, the last build's, which the
    PDF is printed from."""
    report_dir = root / REPORT_DIR
    files = sorted(p.name for p in staging.iterdir() if p.is_file())
    if report_dir.exists() and files == sorted(p.name for p in report_dir.iterdir() if p.is_file()) and \
            all(filecmp.cmp(staging / name, report_dir / name, shallow=False) for name in files):
        shutil.rmtree(staging)
        return
    if report_dir.exists():
        os.rename(report_dir, root / DISCARDED)
    os.rename(staging, report_dir)
    shutil.rmtree(root / DISCARDED, ignore_errors=True)


def any_changed(staging: Path, published: Path) -> bool:
    """Give each staged notebook that equals the published one the published one's modification time, so that
    Jupyter Book does not read it again; return whether any notebook changed, came or went."""
    changed = {p.name for p in published.glob("*.ipynb")} != {p.name for p in staging.glob("*.ipynb")}
    for notebook in staging.glob("*.ipynb"):
        before = published / notebook.name
        if before.exists() and before.read_bytes() == notebook.read_bytes():
            os.utime(notebook, ns=(before.stat().st_atime_ns, before.stat().st_mtime_ns))
        else:
            changed = True
    return changed


def site_key(root: Path, edition: Edition, data: Path) -> str:
    """The digest of what every page of the site depends on beside its notebook: the table of contents, the
    configuration and the edition's title, the static pages and files, the page about the data, the plan and the
    edition, spcb and the packages."""
    files = [root / "_toc.yml", root / "_config.yml", edition.about, data / editions.FILE,
             *sorted((root / "book").glob("*.md")), *sorted((root / "book" / "_static").rglob("*")),
             *sorted((data / "plan").glob("*.yml"))]
    return digest("\0".join([edition.title, json.dumps(environment(), sort_keys=True)]
                            + [f"{p.relative_to(root) if p.is_relative_to(root) else p}:{digest(p.read_bytes())}"
                               for p in files if p.is_file()]))


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
        replace(built, root / "_build" / "html" / edition / recorded["period"])
    plan = load_dir((root / REPORT_DIR / recorded["data_dir"]).resolve())
    keep(root, notebooks, [item.id for item in plan.items])
    shutil.rmtree(root / SITE_NEW)


def _recover(root: Path) -> None:
    """Undo, or finish, the publishing of a build that was killed (see the module's rules)."""
    _roll_back(root)
    if (root / SITE_NEW).exists():
        _roll_forward(root)

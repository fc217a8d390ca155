"""`spcb batch`: the national edition's books, one per force and quarter, built as a batch on Dask distributed.

- One Dask task per book (force, period). It calls `site.national.book(root, data, force, period)` in the worker
  process, which keeps one warm kernel per process from one task to the next and applies the cache, so a rerun
  re-executes only what changed. The task then reads the force's headline figures (`report.national.headline`)
  and returns them with the book's time and the worker's peak memory (its process and its kernel, from /proc).
- Without a scheduler, a `LocalCluster` of worker processes (one thread each; as many as `workers`, by default the
  cores), ended with the batch. With a scheduler's address (`tcp://HOST:PORT`), the cluster running there: its
  workers must run one thread each (a warm kernel serves one notebook at a time; others are refused in one line),
  import this spcb, and see the project and the data at the same paths.
- A book that fails is run once more; one that fails again is a failure, and the batch carries on. A progress bar
  on stderr counts the books done and failed. At the end, a table names every failure (force, period, notebook,
  cell and error), and the batch fails with `BatchError` (the command exits 1: one line, then the table).
- Every book ends in `_build/html/<edition>/<slug>/<period>/` (`book` publishes it). Then the edition's index,
  `_build/html/national/index.html`: one row per book published (by this batch, an earlier one or `spcb build`)
  with its headline figures, sortable by clicking a column's header (a button in each header, `aria-sort` on the
  sorted one), its links relative so that it opens from disk. Every text is escaped. The headlines are kept in
  `_build/batch/headlines/<edition>/<slug>/<period>.json`; a book published without one has its headline read
  here. The site's root then lists the edition (`archive.write_root`).
- What each book came to (seconds, peak memory, attempts, worker, error) goes to `_build/logs/batch-report.json`.
"""
from __future__ import annotations

import html as markup
import json
import logging
import os
import re
import sys
import time
import uuid
import warnings
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path

from tqdm import tqdm

from . import archive
from .project import BuildError, held, slug

EDITION = "national"  # the edition `spcb batch` builds unless told another
HEADLINES = Path("_build/batch/headlines")
REPORT = Path("_build/logs/batch-report.json")
ATTEMPTS = 2  # a failing book is run once more
WAIT_FOR_WORKERS = 60  # seconds a running cluster may take to have a worker
# A failure as `execute` words it: "<template>.ipynb (page <page>): cell <n> failed with <error>".
# A book's message joins them with "; ".
FAILURE = re.compile(r"(?P<notebook>[^\s:;]+\.ipynb)(?: \(page [^)]*\))?: (?:cell (?P<cell>\d+) failed with )?"
                     r"(?P<what>.*?)(?=; [^\s:;]+\.ipynb|$)")


class BatchError(BuildError):
    """Books of the batch failed; the message is one line, then a table of the failures."""


@dataclass
class Book:
    """One force's book for one period, and what building it came to."""

    force: str
    period: str
    folder: str  # the force's slug
    attempts: int = 0
    seconds: float | None = None
    peak_mb: float | None = None
    worker: str = ""
    error: str = ""
    headline: dict = field(default_factory=dict, repr=False)


def build_all(root: Path, data: Path, forces: list[str], periods: list[str], scheduler: str | None = None,
              workers: int | None = None, build: Callable | None = None) -> Path:
    """Build each force's book for each period on Dask (see the module's rules), then the index; return the
    index's path, or raise BatchError naming every failure. `build(root, data, force, period) -> headline`, a
    function a worker can import, stands in for `book_and_headline`."""
    root, data = root.resolve(), data.resolve()
    books = [Book(force, period, slug(force)) for period in periods for force in forces]
    started = time.perf_counter()
    with _client(scheduler, workers) as client:
        cluster = len(client.scheduler_info()["workers"])
        _run(client, books, root, data, build or book_and_headline)
    _write_report(root / REPORT, books, time.perf_counter() - started, cluster, scheduler)
    with held(root):
        for done in books:
            if not done.error:
                _keep_headline(root / HEADLINES / data.name / done.folder / f"{done.period}.json", done.headline)
        index = write_index(root, data)
    failed = [done for done in books if done.error]
    if failed:
        raise BatchError(f"{len(failed)} of {len(books)} books failed (each was tried {ATTEMPTS} times); the others "
                         f"are built and indexed in {index}:\n{failure_table(failed)}")
    return index


@contextmanager
def _client(scheduler: str | None, workers: int | None) -> Iterator:
    """A Dask client of a new LocalCluster, or of the cluster at `scheduler`, checked to have workers that run one
    thread each."""
    import distributed

    if scheduler is None:
        # The scheduler's HTTP endpoint moves to a free port when another cluster has the usual one: no news here.
        warnings.filterwarnings("ignore", message=r"Port \d+ is already in use", category=UserWarning)
        with distributed.LocalCluster(n_workers=workers or os.cpu_count() or 1, threads_per_worker=1, processes=True,
                                      dashboard_address=None, silence_logs=logging.CRITICAL) as cluster, \
                distributed.Client(cluster) as client:
            yield client
        return
    try:
        client = distributed.Client(scheduler, timeout=30)
    except (OSError, TimeoutError) as exc:
        raise BuildError(f"{scheduler}: no Dask scheduler answered ({exc}); expected a running `dask scheduler` "
                         "at that address") from None
    with client:
        try:
            client.wait_for_workers(1, timeout=WAIT_FOR_WORKERS)
        except TimeoutError:
            raise BuildError(f"{scheduler}: no worker joined in {WAIT_FOR_WORKERS} s; expected `dask worker "
                             f"{scheduler} --nthreads 1` running") from None
        threaded = {address: w["nthreads"] for address, w in client.scheduler_info()["workers"].items()
                    if w["nthreads"] != 1}
        if threaded:
            address, threads = next(iter(threaded.items()))
            raise BuildError(f"{scheduler}: worker {address} runs {threads} threads; expected every worker started "
                             "with --nthreads 1 (one warm kernel per process)")
        yield client


def _run(client, books: list[Book], root: Path, data: Path, build: Callable) -> None:
    """Submit every book, run a failed one once more, and fill in what each came to, with a progress bar."""
    import distributed

    batch = uuid.uuid4().hex[:8]  # keys unique to this batch, on a cluster that may run others

    def submit(done: Book):
        done.attempts += 1
        return client.submit(_task, build, root, data, done.force, done.period, pure=False,
                             key=f"book-{batch}-{done.folder}-{done.period}-{done.attempts}")

    pending = {}
    for done in books:
        pending[submit(done)] = done
    failed = 0
    with tqdm(total=len(books), desc="Building books", unit="book", file=sys.stderr) as bar:
        bar.set_postfix_str("failed 0")
        finished = distributed.as_completed(list(pending))
        for future in finished:
            done = pending.pop(future)
            if future.status == "finished":
                result = future.result()
                done.seconds, done.peak_mb, done.worker = result["seconds"], result["peak_mb"], result["worker"]
                done.headline, done.error = result["headline"], ""
            else:
                done.error = _one_line(future)
                if done.attempts < ATTEMPTS:
                    retry = submit(done)
                    pending[retry] = done
                    finished.add(retry)
                    continue
                failed += 1
                bar.set_postfix_str(f"failed {failed}")
            future.release()
            bar.update()


def _one_line(future) -> str:
    """A failed task's error, its lines joined into one, its type named unless it is spcb's BuildError."""
    try:
        exc = future.exception()
    except Exception as cancelled:  # the task was cancelled: its worker or the scheduler went away
        exc = cancelled
    text = " ".join(line.strip() for line in str(exc).splitlines() if line.strip()) or repr(exc)
    return text if isinstance(exc, BuildError) else f"{type(exc).__name__}: {text}"


def _task(build: Callable, root: Path, data: Path, force: str, period: str) -> dict:
    """In a worker: build one book, timed, with the worker's peak memory after it."""
    started = time.perf_counter()
    headline = build(root, data, force, period)
    return {"seconds": time.perf_counter() - started, "peak_mb": _peak_mb(),
            "worker": f"{os.uname().nodename}:{os.getpid()}", "headline": headline}


def book_and_headline(root: Path, data: Path, force: str, period: str) -> dict:
    """Build one force's book for one period, then read its headline figures (as plain JSON values)."""
    from .national import book

    book(root, data, force, period)
    return _headline_of(data, force, period)


def _headline_of(data: Path, force: str, period: str) -> dict:
    from ..report import national

    return json.loads(json.dumps(national.headline(national.NationalContext.load(data, force, period)),
                                 default=_plain))


def _plain(value):
    """A numpy number (or anything else JSON does not know) as a plain one, or its text."""
    return value.item() if hasattr(value, "item") else str(value)


def _peak_mb() -> float | None:
    """The peak resident memory of this process and of its children (its kernel), in MB; None off Linux."""
    import psutil

    me = psutil.Process()
    total = 0
    for process in [me, *me.children(recursive=True)]:
        try:
            status = Path(f"/proc/{process.pid}/status").read_text(encoding="utf-8")
        except OSError:
            return None
        total += next((int(line.split()[1]) for line in status.splitlines() if line.startswith("VmHWM:")), 0)
    return total / 1024


def failure_table(failed: list[Book]) -> str:
    """The failures as a plain-text table: force, period, notebook, cell and error."""
    rows = [("Force", "Period", "Notebook", "Cell", "Error")]
    for done in failed:
        found = list(FAILURE.finditer(done.error))
        rows += [(done.force, done.period, f["notebook"], f["cell"] or "–", f["what"]) for f in found] or \
            [(done.force, done.period, "–", "–", done.error)]
    widths = [max(len(row[i]) for row in rows) for i in range(4)]
    return "\n".join("  " + "  ".join(text.ljust(width) for text, width in zip(row, widths)) + "  " + row[4]
                     for row in rows)


def _write_report(path: Path, books: list[Book], seconds: float, workers: int, scheduler: str | None) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps({
        "seconds": round(seconds, 1), "workers": workers, "scheduler": scheduler or "LocalCluster",
        "books": [{k: v for k, v in asdict(done).items() if k != "headline"} for done in books],
    }, indent=1) + "\n", encoding="utf-8")


def _keep_headline(path: Path, headline: dict) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(headline, indent=1, sort_keys=True) + "\n", encoding="utf-8")


# The index of every force's books.

COLUMNS = (  # header, headline key, kind (how its cells sort)
    ("Force", "force", "text"), ("Region", "region", "text"), ("Quarter", "period", "text"),
    ("Offences, year to date", "this_year", "number"), ("Same quarters a year earlier", "last_year", "number"),
    ("Change", "change", "number"), ("Per 1,000 residents", "rate", "number"),
)
SORTING = """<script>
document.querySelectorAll("table.sortable th button").forEach(function (button) {
  button.addEventListener("click", function () {
    var th = button.parentElement, table = th.closest("table"), body = table.tBodies[0];
    var column = Array.prototype.indexOf.call(th.parentElement.children, th);
    var ascending = th.getAttribute("aria-sort") !== "ascending";
    var number = th.dataset.kind === "number";
    var rows = Array.prototype.slice.call(body.rows);
    rows.sort(function (a, b) {
      var x = a.cells[column].dataset.value, y = b.cells[column].dataset.value;
      if (x === "" || y === "") { return (x === "") - (y === ""); }  /* not available: always last */
      var order = number ? parseFloat(x) - parseFloat(y) : x.localeCompare(y);
      return ascending ? order : -order;
    });
    rows.forEach(function (row) { body.appendChild(row); });
    table.querySelectorAll("th").forEach(function (other) { other.removeAttribute("aria-sort"); });
    th.setAttribute("aria-sort", ascending ? "ascending" : "descending");
  });
});
</script>"""
STYLE = """<style>body{font-family:system-ui,sans-serif;margin:2rem auto;padding:0 1rem;max-width:72rem;line-height:1.5}
a{color:#0b5cad}table{border-collapse:collapse;width:100%}th,td{padding:.3rem .5rem;border-bottom:1px solid #ccc}
td.number{text-align:right;font-variant-numeric:tabular-nums}th button{font:inherit;font-weight:bold;
background:none;border:0;padding:0;cursor:pointer;color:inherit;text-align:left}
th[aria-sort=ascending] button::after{content:" \\25B2"}th[aria-sort=descending] button::after{content:" \\25BC"}
</style>"""


def published(folder: Path) -> list[tuple[str, str]]:
    """The books published in an edition's `folder` of the site: (slug, period) for each `<slug>/<period>/`."""
    return sorted((page.parent.parent.name, page.parent.name) for page in folder.glob("*/*/index.html"))


def write_index(root: Path, data: Path) -> Path:
    """Write the index of every book of the edition in `data` published, and the site's root; return the index's
    path."""
    from ..plan import edition as editions

    folder, title = root / "_build" / "html" / data.name, editions.load(data).title
    books = published(folder)
    if not books:
        raise BuildError(f"{folder}: no force's book has been built; expected `spcb batch` to build one first")
    rows = [_row(name, period, _headline(root, data, name, period)) for name, period in books]
    sorted_by = ' aria-sort="ascending"'
    heads = "".join(f'<th scope="col" data-kind="{kind}"{sorted_by if key == "force" else ""}>'
                    f'<button type="button">{markup.escape(name)}</button></th>' for name, key, kind in COLUMNS)
    forces, latest = len({name for name, _ in books}), max(period for _, period in books)
    body = (f"<p>{len(books)} books of {forces} forces, latest {markup.escape(_period_name(latest))}. Click a "
            "column's header to sort by it. Each force's name opens its book. Change compares the year to date with "
            "the same quarters a year earlier; where the population is not known the rate is not available.</p>"
            f'<table class="sortable"><thead><tr>{heads}</tr></thead><tbody>{"".join(rows)}</tbody></table>'
            '<p><a href="../index.html">Every edition</a></p>')
    page = (f'<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8"><meta name="viewport" '
            f'content="width=device-width, initial-scale=1"><title>{markup.escape(title)}</title>{STYLE}</head>\n'
            f"<body><main><h1>{markup.escape(title)}</h1>{body}</main>{SORTING}</body></html>\n")
    _replace(folder / "index.html", page)
    _replace(folder / archive.TITLE, title + "\n")
    _replace(folder / archive.SUMMARY, f"{forces} forces, latest {_period_name(latest)}\n")
    archive.write_root(root / "_build" / "html")
    return folder / "index.html"


def _replace(path: Path, text: str) -> None:
    new = path.with_name(f".{path.name}.new")
    new.write_text(text, encoding="utf-8")
    os.replace(new, path)


def _headline(root: Path, data: Path, folder: str, period: str) -> dict:
    """A book's headline as kept by the batch that built it, or read now (and kept) for one built otherwise."""
    kept = root / HEADLINES / data.name / folder / f"{period}.json"
    if kept.exists():
        return json.loads(kept.read_text(encoding="utf-8"))
    from .national import FORCES

    force = next((name for name in FORCES if slug(name) == folder), None)
    if force is None:
        raise BuildError(f"{root / '_build/html' / data.name / folder}: not a force's book; expected a folder named "
                         "after one of the 43 forces")
    headline = _headline_of(data, force, period)
    _keep_headline(kept, headline)
    return headline


def _period_name(period: str) -> str:
    from ..plan.periods import Quarter

    return Quarter.parse(period).label


def _row(folder: str, period: str, headline: dict) -> str:
    values = {**headline, "period": period}
    cells = []
    for _, key, kind in COLUMNS:
        value = values.get(key)
        shown, sort = _cell(key, value, values)
        if key == "force":
            shown = f'<a href="{markup.escape(folder)}/{markup.escape(period)}/index.html">{shown}</a>'
        cells.append(f'<td class="{kind}" data-value="{markup.escape(sort)}">{shown}</td>')
    return f"<tr>{''.join(cells)}</tr>"


def _cell(key: str, value, values: dict) -> tuple[str, str]:
    """A cell's text (escaped) and the value it sorts by ("" when not available)."""
    if value is None or value == "":
        return "not available", ""
    if key == "period":
        return markup.escape(_period_name(value)), value
    if key in ("this_year", "last_year"):
        return f"{value:,.0f}", repr(float(value))
    if key == "change":
        return f"{value:+.1%}".replace("-", "−"), repr(float(value))
    if key == "rate":
        year = values.get("population_year")
        return f"{value:,.1f}" + (f" (mid-{markup.escape(str(year))} population)" if year else ""), \
            repr(float(value))
    return markup.escape(str(value)), str(value)

"""Run the book for a period: execute the notebooks in parallel with papermill, then build the site.

The new notebooks and site only replace the old ones once every notebook has run and Jupyter Book has
built without a warning, so a failure leaves the previously built site as it was.
"""
from __future__ import annotations

import json
import multiprocessing
import os
import re
import shutil
import subprocess
import sys
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass
from pathlib import Path

import nbformat
from tqdm import tqdm

from .pages import Report, page_name
from .periods import Month

REPORT_DIR = Path("book", "report")
TEMPLATES = Path("notebooks")


class BuildError(RuntimeError):
    """The book could not be built; the message says which notebook or step failed."""


@dataclass(frozen=True)
class Job:
    """One notebook to execute: its template, the page it becomes and its parameters."""

    template: Path
    page: str
    parameters: dict


def find_root(start: str | Path = ".") -> Path:
    """The project folder: the nearest folder upwards holding _config.yml and _toc.yml."""
    here = Path(start).resolve()
    for folder in (here, *here.parents):
        if (folder / "_config.yml").exists() and (folder / "_toc.yml").exists():
            return folder
    raise BuildError(f"{here}: not inside an spcb project (no _config.yml and _toc.yml found above it)")


def jobs(root: Path, report: Report, data_dir: Path) -> list[Job]:
    """The executive summary, the comparison with other forces, the provenance page and one page per
    objective, parameterised for the report's window."""
    data = os.path.relpath(data_dir.resolve(), (root / REPORT_DIR).resolve())
    common = {"period": str(report.period), "as_of": report.window.as_of.isoformat(), "data_dir": data}
    found = [Job(root / TEMPLATES / f"{page}.ipynb", page, common)
             for page in ("executive-summary", "how-the-force-compares")]
    found.append(Job(root / TEMPLATES / "provenance.ipynb", "provenance",
                     {**common, "commit": git_commit(root), "command": reproduce_command(report, data_dir, root)}))
    for index, objective in enumerate(report.plan.objectives, start=1):
        found.append(Job(root / TEMPLATES / "objective.ipynb", page_name(index, objective),
                         {**common, "objective": objective.id}))
    return found


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


def reproduce_command(report: Report, data_dir: Path, root: Path) -> str:
    data = os.path.relpath(data_dir.resolve(), root.resolve())
    folders = " ".join(f"{data}/{name}" for name in ("extract", "published", "sources")
                       if (data_dir / name).exists())
    return (f"spcb ingest {folders} --data {data}\nspcb build --period {report.period} --as-of "
            f"{report.window.as_of.isoformat()} --data {data}")


def _execute(job: Job, out_dir: Path, log_dir: Path) -> str | None:
    """Run one notebook; return None, or a one-line message naming the notebook and the failing cell.

    The kernel's own chatter on stderr goes to `<log_dir>/<page>.log`, not the analyst's terminal.
    """
    import papermill
    from papermill.exceptions import PapermillExecutionError

    output = out_dir / f"{job.page}.ipynb"
    with open(log_dir / f"{job.page}.log", "w", encoding="utf-8") as log:
        os.dup2(log.fileno(), 2)
    try:
        papermill.execute_notebook(str(job.template), str(output), parameters=job.parameters, cwd=str(out_dir),
                                   progress_bar=False, log_output=False, kernel_name="python3")
    except PapermillExecutionError as exc:
        return (f"{job.template.name} (page {job.page}): cell {exc.cell_index + 1} failed with "
                f"{exc.ename}: {exc.evalue.splitlines()[0] if exc.evalue else ''}".rstrip())
    except Exception as exc:  # a kernel that would not start, a template that cannot be read
        return f"{job.template.name} (page {job.page}): {type(exc).__name__}: {exc}"
    _hide_injected_parameters(output)
    return None


def _hide_injected_parameters(path: Path) -> None:
    """Tag papermill's injected-parameters cell `remove-cell`, so the page never shows it."""
    notebook = nbformat.read(path, as_version=4)
    for cell in notebook.cells:
        tags = cell.metadata.setdefault("tags", [])
        if "injected-parameters" in tags and "remove-cell" not in tags:
            tags.append("remove-cell")
    nbformat.write(notebook, path)


def execute_all(job_list: list[Job], out_dir: Path, log_dir: Path, workers: int) -> list[str]:
    """Execute notebooks in parallel, with a progress bar; return the failures."""
    out_dir.mkdir(parents=True)
    log_dir.mkdir(parents=True, exist_ok=True)
    failures = []
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=max(1, workers), mp_context=context) as pool:
        futures = {pool.submit(_execute, job, out_dir, log_dir): job for job in job_list}
        with tqdm(total=len(job_list), desc="Executing notebooks", unit="notebook", file=sys.stderr) as bar:
            for future in as_completed(futures):
                error = future.result()
                if error:
                    failures.append(error)
                bar.update()
    return sorted(failures)


def _replace(new: Path, current: Path) -> None:
    """Put `new` where `current` is, keeping nothing of the old."""
    old = current.with_name(current.name + ".old")
    shutil.rmtree(old, ignore_errors=True)
    if current.exists():
        current.rename(old)
    new.rename(current)
    shutil.rmtree(old, ignore_errors=True)


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


def build(periods: str | list[str], as_of: str | None = None, data_dir: str | Path | None = None,
          workers: int | None = None, root: str | Path = ".") -> Path:
    """Build the site of each period into `_build/html/<period>/`, then the archive of all built periods;
    return the path of the site's index.html (which opens the latest period)."""
    periods = [periods] if isinstance(periods, str) else list(dict.fromkeys(periods))
    if as_of and len(periods) > 1:
        raise BuildError("--as-of applies to one period; build the periods one at a time to give each a cut-off")
    root = find_root(root)
    data = Path(data_dir).resolve() if data_dir else root / "data"
    reports = [Report.load(data, period, as_of) for period in periods]  # every period checked before any runs
    for report in reports:
        _build_period(root, report, data, workers)
    return write_archive(root / "_build" / "html")


def _build_period(root: Path, report: Report, data: Path, workers: int | None) -> None:
    """Execute the notebooks of one period and build its site; the old site stays until both succeed."""
    os.environ["PYTHONHASHSEED"] = "0"
    build_dir = root / "_build"
    build_dir.mkdir(exist_ok=True)
    staging = root / "book" / ".report-new"
    shutil.rmtree(staging, ignore_errors=True)
    failures = execute_all(jobs(root, report, data), staging, build_dir / "logs", workers or os.cpu_count() or 1)
    if failures:
        kept = build_dir / "failed"
        shutil.rmtree(kept, ignore_errors=True)
        staging.rename(kept)
        raise BuildError(f"notebook failed for {report.period}, the site was not changed:\n  "
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
    _replace(output / "_build" / "html", build_dir / "html" / str(report.period))
    shutil.rmtree(output, ignore_errors=True)


PAGE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
{head}<title>{title}</title>
<style>body{{font-family:system-ui,sans-serif;max-width:40rem;margin:3rem auto;padding:0 1rem;line-height:1.5}}
a{{color:#0b5cad}}</style></head>
<body><main><h1>{title}</h1>{body}</main></body></html>
"""


def write_archive(html: Path) -> Path:
    """The site's root: periods.json for the period selector, an archive page listing every built period,
    and an index.html that opens the latest period."""
    periods = sorted(p.name for p in html.iterdir() if p.is_dir() and (p / "index.html").exists()
                     and re.match(r"^\d{4}-\d{2}$", p.name))
    if not periods:
        raise BuildError(f"{html}: no period has been built")
    (html / "periods.json").write_text(json.dumps(periods) + "\n", encoding="utf-8")
    items = "".join(f'<li><a href="{p}/index.html">{Month.parse(p).name}</a></li>' for p in reversed(periods))
    (html / "archive.html").write_text(PAGE.format(
        head="", title="Police and Crime Plan performance reports",
        body=f"<p>Every reporting period built on this site, latest first.</p><ul>{items}</ul>"), encoding="utf-8")
    latest = periods[-1]
    (html / "index.html").write_text(PAGE.format(
        head=f'<meta http-equiv="refresh" content="0; url={latest}/index.html">',
        title="Police and Crime Plan performance report",
        body=f'<p>Opening the latest report, <a href="{latest}/index.html">{Month.parse(latest).name}</a>. '
             f'See also <a href="archive.html">every period</a>.</p>'), encoding="utf-8")
    return html / "index.html"


FOOTER = ('<div style="font-size:8px;width:100%;margin:0 12mm;display:flex;justify-content:space-between;'
          'font-family:sans-serif;color:#444"><span>{title}, {period}, as of {as_of}</span>'
          '<span>Page <span class="pageNumber"></span> of <span class="totalPages"></span></span></div>')


def pdf(period: str, root: str | Path = ".", chromium: str = "/usr/bin/chromium") -> Path:
    """Print the book for `period` to an A4 PDF: build it as a single HTML page, then print that page with
    headless Chromium, with page numbers and the period in the footer."""
    from playwright.sync_api import sync_playwright

    root = find_root(root)
    notebooks = executed_notebooks(root, period)
    parameters = json.loads(notebooks[0].read_text(encoding="utf-8"))["metadata"]["papermill"]["parameters"]
    output = root / "_build" / ".single"
    shutil.rmtree(output, ignore_errors=True)
    jupyter_book(root, output, root / "_build" / "logs" / "jupyter-book-singlehtml.log", builder="singlehtml")
    single = output / "_build" / "singlehtml"
    page = single / "print.html"  # the single page links its assets from the site's root, so print it from there
    shutil.copy(single / REPORT_DIR / "executive-summary.html", page)
    target = root / "_build" / "pdf" / f"spcb-report-{period}.pdf"
    target.parent.mkdir(parents=True, exist_ok=True)
    if not Path(chromium).exists():
        raise BuildError(f"{chromium}: Chromium is needed to print the PDF; install Debian's chromium package")
    with sync_playwright() as driver:
        browser = driver.chromium.launch(executable_path=chromium, args=["--no-sandbox", "--disable-gpu"])
        tab = browser.new_page()
        tab.goto(page.as_uri(), wait_until="load")
        tab.emulate_media(media="print")
        footer = FOOTER.format(title="Police and Crime Plan performance report", period=period,
                               as_of=parameters.get("as_of", ""))
        tab.pdf(path=str(target), format="A4", print_background=True, display_header_footer=True,
                header_template="<span></span>", footer_template=footer,
                margin={"top": "14mm", "bottom": "16mm", "left": "12mm", "right": "12mm"})
        browser.close()
    shutil.rmtree(output, ignore_errors=True)
    return target


def executed_notebooks(root: str | Path, period: str) -> list[Path]:
    """The executed notebooks of the last build, checked to be for `period`."""
    folder = find_root(root) / REPORT_DIR
    notebooks = sorted(folder.glob("*.ipynb"))
    if not notebooks:
        raise BuildError(f"{folder}: no executed notebooks; run `spcb build --period {period}` first")
    for path in notebooks:
        built_for = json.loads(path.read_text(encoding="utf-8")).get("metadata", {}).get("papermill", {}) \
            .get("parameters", {}).get("period")
        if built_for != period:
            raise BuildError(f"{path}: executed for period {built_for}, not {period}; "
                             f"run `spcb build --period {period}` first")
    return notebooks


def verify(period: str, root: str | Path = ".") -> int:
    """Re-run the executed notebooks with nbval and compare every output; return pytest's exit code."""
    notebooks = executed_notebooks(root, period)
    command = [sys.executable, "-m", "pytest", "--nbval", "--nbval-current-env", "-p", "no:cacheprovider", "-q",
               "--rootdir", str(notebooks[0].parent), *map(str, notebooks)]
    return subprocess.run(command, env={**os.environ, "PYTHONHASHSEED": "0"}).returncode

"""Benchmark (`make bench`): the naive pipeline and spcb side by side, in one run, on the same inputs.

`python tests/bench.py [--case NAME ...] [--repeat N] [--output FILE]`. The rules:

- Two temporary copies of the project (book sources, notebooks, the west-midlands edition with its own copy of the
  commentary and the extract, the shipped sources linked), one for each pipeline, each ingested by `spcb ingest`
  before anything is timed. Their inputs are the same, and every edit is made to both.
- naive is the pipeline as it was before spcb's speed-ups: papermill on each notebook `spcb build` would execute
  (the same jobs and parameters, from `spcb.site.build.jobs`), one after another, each in its own kernel, into
  `book/report/`, the edition's about.md beside them, then `jupyter-book build --all`. It keeps nothing from one run
  to the next, so it re-runs everything every time: that is the comparison.
- spcb is the venv's `spcb` command, with `--root` the copy.
- Each timed run is a fresh process, so the timings include interpreter start-up as an analyst sees it. Making the
  copies, editing inputs, clearing builds and generating the national year are never timed.
- Runs alternate naive and spcb, the order swapped at each repetition: 3 repetitions of each case (1 of 12-periods,
  whose naive side alone takes minutes), or `--repeat N`. Each case reports the median of each side, the
  ratio naive/spcb, and PASS or MISS against its target. A run that fails is tried once more, from its own reset or
  edit, and that is noted (on a busy machine a kernel can lose its port to another process); twice is an error.
- serve-edit times what an analyst waits for in `spcb serve`: a sentence appended to the commentary, until the
  served page shows it (a small process that edits, then polls the page). The server is started, and has built
  the period, before anything is timed. Its naive side is a full rerun after the same edit.
- Peak RSS is that of the largest process of the run (`wait4`); the kernels started, and the pages executed and
  reused, come from spcb's `_build/logs/build-report.json` ("?" when there is none).
- national-batch compares `spcb batch` with itself: all 43 forces' books for one quarter from nothing, on a
  LocalCluster of 1 worker (the naive column) and of 2 (the spcb column). Its national edition is ingested once
  per copy (not timed). Each book's time and its worker's peak memory (process and kernel) come from
  `_build/logs/batch-report.json`, and the report adds a worked estimate of every force and quarter from them.
- The targets (for a 2-core machine) live here, never in a timed test.
- A run of every case writes BENCHMARKS.md (date, machine, commit, results); a run of some cases only prints,
  unless given `--output`. The exit status is 1 if a target is missed or a case fails.
"""
from __future__ import annotations

import argparse
import functools
import gzip
import json
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
SPCB = BIN / "spcb"
EDITION, PERIOD = "west-midlands", "2014-11"
YEAR = ["2013-12"] + [f"2014-{month:02d}" for month in range(1, 12)]
COPIED = ("narrative", "extract")  # the edition's parts a case edits (a build pins its cut-off in narrative/)
COMMENTARY = Path("narrative") / PERIOD / "reduce-property-crime.md"
BUILD_REPORT = Path("_build/logs/build-report.json")
BATCH_REPORT = Path("_build/logs/batch-report.json")
QUARTER, QUARTERS, FORCES = "2023-Q4", 88, 43  # the quarter the batch builds; the quarters and forces of the data
REPORT = ROOT / "BENCHMARKS.md"
SIDES = ("naive", "spcb")
RSS_LIMIT_MB = 2048


class BenchError(RuntimeError):
    """A command of a run failed; `reason` is the last line of its output that names an error."""

    def __init__(self, message: str, reason: str):
        super().__init__(message)
        self.reason = reason


# Running and timing commands.

@dataclass
class Run:
    """One timed run of one side: wall time, peak RSS of its largest process, and what spcb's build reported."""

    seconds: float
    rss_mb: float
    report: dict | None = None
    batch: dict | None = None  # what `spcb batch` reported

    @property
    def kernels(self) -> int | None:
        return (self.report or {}).get("kernels_started")

    @property
    def books(self) -> list[dict]:
        return [book for book in (self.batch or {}).get("books", []) if not book["error"]]

    def describe(self, reported: bool = False) -> str:
        text = f"{self.seconds:.1f} s, peak RSS {self.rss_mb:,.0f} MB"
        if self.batch is not None:
            failed = len(self.batch["books"]) - len(self.books)
            text += (f", {len(self.books)} books on {self.batch['workers']} worker(s)"
                     + (f" ({failed} failed)" if failed else "")
                     + (f", per book {_per_book(self, 'seconds', ' s')}, worker peak "
                        f"{_per_book(self, 'peak_mb', ' MB')}" if self.books else ""))
        if not reported:
            return text
        if self.report is None:
            return text + ", no build report"
        found = self.report
        return (text + f", kernels {_unknown(self.kernels)}, executed {len(found.get('executed', ()))}, reused "
                f"{len(found.get('reused', ()))}, site {_unknown(found.get('site'))}")


def _unknown(value) -> str:
    return "?" if value is None else str(value)


def _per_book(run: Run, key: str, unit: str) -> str:
    """The median and the largest of one figure over a batch's books."""
    values = [book[key] for book in run.books if book[key] is not None]
    return f"median {statistics.median(values):,.1f}{unit}, max {max(values):,.1f}{unit}" if values else "?"


def run(command: list, log: Path, cwd: Path | None = None) -> Run:
    """Run `command` to its end, its output appended to `log`; its wall time and peak RSS."""
    command = [str(part) for part in command]
    with open(log, "a", encoding="utf-8") as out:
        out.write(f"\n$ {' '.join(command)}\n")
        out.flush()
        offset = out.tell()
        start = time.perf_counter()
        process = subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT, cwd=cwd)
        _, status, usage = os.wait4(process.pid, 0)  # the rusage of this child (and what it waited for) only
        seconds = time.perf_counter() - start
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode:
        with open(log, encoding="utf-8", errors="replace") as written:
            written.seek(offset)
            tail = written.read().splitlines()[-15:] or ["(no output)"]
        reason = next((line.strip() for line in reversed(tail) if "error" in line.lower()), tail[-1].strip())
        raise BenchError(f"`{' '.join(command[:3])} ...` exited with {process.returncode}; end of {log}:\n    "
                         + "\n    ".join(tail), reason)
    return Run(seconds, usage.ru_maxrss / 1024)


# The two copies of the project.

@dataclass
class Project:
    """One side's copy of the project; `built` when spcb's copy holds a build of the inputs as they stand."""

    name: str
    root: Path
    built: bool = False
    edits: int = 0

    @property
    def data(self) -> Path:
        return self.root / "data" / "editions" / EDITION

    @property
    def scratch(self) -> Path:
        return self.root.parent

    @property
    def log(self) -> Path:
        return self.scratch / f"{self.name}.log"


def make_project(name: str, scratch: Path) -> Project:
    """A copy of the project with the edition's store ingested, as an analyst would have it before building."""
    from conftest import EDITIONS, SOURCES, copy_project

    project = Project(name, copy_project(scratch / name))
    project.data.mkdir(parents=True)
    (project.root / "data" / "sources").symlink_to(SOURCES)
    for path in (EDITIONS / EDITION).iterdir():
        if path.name in COPIED:
            shutil.copytree(path, project.data / path.name)
        elif path.name != "store":
            (project.data / path.name).symlink_to(path)
    run(spcb_ingest(project)[0], project.log)
    return project


def timed(project: Project, commands: list[list]) -> Run:
    """Run the commands one after another as one timed run; for spcb, with what its build reported."""
    reports = [project.root / BUILD_REPORT, project.root / BATCH_REPORT]
    before = [r.stat().st_mtime_ns if r.exists() else None for r in reports]  # kept: a build reads its (`_touched`)
    runs = [run(command, project.log) for command in commands]
    total = Run(sum(r.seconds for r in runs), max(r.rss_mb for r in runs))
    total.report, total.batch = (json.loads(r.read_text(encoding="utf-8"))
                                 if r.exists() and r.stat().st_mtime_ns != b else None for r, b in zip(reports, before))
    return total


# What is done before a timed run (never timed).

def reset(project: Project) -> None:
    """Nothing built: no site, no notebooks, no cache, the commentary as shipped (no pinned cut-off added)."""
    from conftest import EDITIONS

    for path in [project.root / "_build", project.root / "book" / "report", *project.root.glob("book/.report-*")]:
        shutil.rmtree(path, ignore_errors=True)
    shutil.rmtree(project.data / "narrative")
    shutil.copytree(EDITIONS / EDITION / "narrative", project.data / "narrative")
    if project.name == "spcb" and has_cache_command():
        run([SPCB, "cache", "clear"], project.log, cwd=project.root)
    project.built = False


@functools.cache
def has_cache_command() -> bool:
    return subprocess.run([SPCB, "cache", "--help"], capture_output=True).returncode == 0


def ensure_built(project: Project) -> None:
    """spcb's copy built for the period before a case about rebuilding (naive keeps nothing, so needs nothing)."""
    if project.name == "spcb" and not project.built:
        run(spcb_build(project)[0], project.log)
        project.built = True


def edit_commentary(project: Project) -> None:
    """A sentence appended to one item's commentary of the period (a new one each time)."""
    ensure_built(project)
    project.edits += 1
    with open(project.data / COMMENTARY, "a", encoding="utf-8") as file:
        file.write(f"\nBenchmark edit {project.edits}: one more sentence of commentary.\n")


def change_extract_row(project: Project) -> None:
    """One more offence in the last row of the edition's extract (a new count each time)."""
    ensure_built(project)
    project.edits += 1
    path = extract_file(project.data)
    lines = gzip.decompress(path.read_bytes()).decode("utf-8").splitlines(keepends=True)
    row = lines[-1].rstrip("\r\n")
    *cells, count = row.split(",")
    lines[-1] = ",".join([*cells, str(int(count) + 1)]) + lines[-1][len(row):]
    path.write_bytes(gzip.compress("".join(lines).encode("utf-8"), mtime=0))


def extract_file(data: Path) -> Path:
    """The edition's demonstration extract: the compressed CSV of the input folder whose extract.yml says so."""
    import yaml

    from spcb.plan import edition

    for folder in edition.load(data).inputs:
        described = folder / "extract.yml"
        if described.exists() and yaml.safe_load(described.read_text(encoding="utf-8")).get("demonstration"):
            return next(folder.glob("*.csv.gz"))
    raise BenchError(f"{data}: no input folder holds a demonstration extract")


def national_store(project: Project) -> None:
    """The national year generated (once), and no store left from an earlier run."""
    national_files(project.scratch)
    shutil.rmtree(national_store_folder(project), ignore_errors=True)


def national_store_folder(project: Project) -> Path:
    return project.scratch / f"national-{project.name}"


def national_edition(project: Project) -> None:
    """Nothing built, and the national edition's store ingested (once for each copy)."""
    from conftest import EDITIONS

    reset(project)
    data = project.root / "data" / "editions" / "national"
    if not data.exists():
        data.mkdir()
        for path in (EDITIONS / "national").iterdir():
            if path.name != "store":
                (data / path.name).symlink_to(path)
        run([SPCB, "ingest", "--root", project.root, "--edition", "national"], project.log)


# The commands each side times.

def spcb_ingest(project: Project) -> list[list]:
    return [[SPCB, "ingest", "--root", project.root, "--edition", EDITION]]


def spcb_build(project: Project, periods: Sequence[str] = (PERIOD,)) -> list[list]:
    return [[SPCB, "build", "--root", project.root, "--edition", EDITION, *(f"--period={p}" for p in periods)]]


def naive_build(project: Project, periods: Sequence[str] = (PERIOD,)) -> list[list]:
    """The naive pipeline for the periods, as a script of its own: the jobs `spcb build` would run, for each."""
    from spcb.plan.edition import load
    from spcb.plan.schema import load_dir
    from spcb.report import catalogue
    from spcb.report.context import window
    from spcb.site.build import jobs

    plan = load_dir(project.data)
    steps = [{"period": period, "about": [str(load(project.data).about), f"{catalogue.ABOUT}.md"],
              "jobs": [{"template": str(job.template), "page": job.page, "parameters": job.parameters}
                       for job in jobs(project.root, plan, window(project.data, period), project.data)]}
             for period in periods]
    return [naive_command(project, {"kind": "build", "root": str(project.root), "periods": steps})]


def spcb_batch(workers: int) -> Callable[[Project], list[list]]:
    return lambda project: [[SPCB, "batch", "--root", project.root, "--edition", "national", "--force", "all",
                             "--period", QUARTER, "--workers", str(workers)]]


def naive_ingest(project: Project) -> list[list]:
    files = national_files(project.scratch)
    return [naive_command(project, {"kind": "ingest", "files": [str(f) for f in files],
                                    "out": str(national_store_folder(project) / "street.parquet")})]


def naive_command(project: Project, spec: dict) -> list:
    path = project.scratch / "naive-spec.json"
    path.write_text(json.dumps(spec), encoding="utf-8")
    return [sys.executable, __file__, "--naive", path]


def spcb_national(project: Project) -> list[list]:
    """The street files, and the LSOA lookup their LSOA codes are checked against."""
    from national_synthetic import LSOA_LOOKUP

    return [[SPCB, "ingest", "--data", national_store_folder(project), *national_files(project.scratch), LSOA_LOOKUP]]


@functools.cache
def national_files(scratch: Path) -> list[Path]:
    """The street files of the synthetic national year."""
    from conftest import SHARED
    from national_synthetic import generate

    start = time.perf_counter()
    files = generate(scratch / "national", SHARED)
    NOTES.append(f"The national year: {len(files)} street files generated in {time.perf_counter() - start:.0f} s "
                 "(not timed).")
    print(NOTES[-1], flush=True)
    return files


def no_shared_data() -> str:
    from conftest import SHARED

    return "" if SHARED.is_dir() else f"{SHARED} is absent: the national year is generated from its street files"


NOTES: list[str] = []


# The naive pipeline itself, run as `tests/bench.py --naive SPEC` so that it is timed as a process of its own.

def naive_main(spec_file: str) -> int:
    spec = json.loads(Path(spec_file).read_text(encoding="utf-8"))
    if spec["kind"] == "ingest":
        import pandas as pd

        Path(spec["out"]).parent.mkdir()
        # As text: pandas 2.3's float parser crashes on a Crime ID such as 00000000004303e807..., all digits and one e
        pd.concat([pd.read_csv(path, dtype=str, keep_default_na=False) for path in spec["files"]],
                  ignore_index=True).to_parquet(spec["out"])
        return 0
    import papermill

    root = Path(spec["root"])
    report = root / "book" / "report"
    for step in spec["periods"]:
        shutil.rmtree(report, ignore_errors=True)
        report.mkdir(parents=True)
        for job in step["jobs"]:
            papermill.execute_notebook(job["template"], str(report / f"{job['page']}.ipynb"),
                                       parameters=job["parameters"], cwd=str(report), kernel_name="python3",
                                       progress_bar=False, start_timeout=300)
        about, name = step["about"]
        shutil.copy(about, report / name)
        subprocess.run([BIN / "jupyter-book", "build", root, "--all",
                        "--path-output", root / "_build" / "naive" / step["period"]], check=True)
    return 0


# The live preview: one `spcb serve` for the spcb copy, kept for the serve-edit case.

SERVERS: dict[str, subprocess.Popen] = {}
SERVED_PAGE = "objective-06-reduce-crime.html"  # the page of COMMENTARY's item


def serving(project: Project) -> None:
    """Before a serve-edit run: naive's copy edited as for commentary-edit; spcb's copy served, once built."""
    if project.name == "naive":
        edit_commentary(project)
        return
    ensure_built(project)
    project.edits += 1
    if project.name in SERVERS:
        return
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    log = open(project.scratch / "serve.log", "w", encoding="utf-8")
    SERVERS[project.name] = subprocess.Popen([SPCB, "serve", "--root", project.root, "--edition", EDITION, "--period",
                                              PERIOD, "--port", str(port)], stdout=log, stderr=subprocess.STDOUT)
    SERVERS["url"] = f"http://127.0.0.1:{port}/{EDITION}/{PERIOD}/book/report/{SERVED_PAGE}"
    deadline = time.monotonic() + 600
    while f"built {PERIOD} in" not in (project.scratch / "serve.log").read_text(encoding="utf-8").lower():
        if time.monotonic() > deadline or SERVERS[project.name].poll() is not None:
            raise BenchError("spcb serve did not build the period", "spcb serve did not start")
        time.sleep(0.2)


def serve_edit(project: Project) -> list[list]:
    return [[sys.executable, __file__, "--serve-edit", SERVERS["url"], project.data / COMMENTARY,
             f"Served edit {project.edits}."]]


def serve_edit_main(url: str, file: str, sentence: str) -> int:
    """Append `sentence` to `file`, then wait until the page at `url` shows it (at most 120 s)."""
    with open(file, "a", encoding="utf-8") as text:
        text.write(f"\n{sentence}\n")
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            if sentence in urllib.request.urlopen(url, timeout=5).read().decode("utf-8"):
                return 0
        except OSError:
            pass
        time.sleep(0.1)
    return 1


def stop_servers() -> None:
    for process in (p for p in SERVERS.values() if isinstance(p, subprocess.Popen)):
        process.terminate()
        process.wait(timeout=60)
    SERVERS.clear()


# The cases and their targets.

@dataclass
class Result:
    case: Case
    naive: list[Run] = field(default_factory=list)
    spcb: list[Run] = field(default_factory=list)
    skipped: str = ""
    error: str = ""

    def median(self, side: str) -> float | None:
        runs = getattr(self, side)
        return statistics.median(r.seconds for r in runs) if runs else None

    @property
    def ratio(self) -> float | None:
        naive, spcb = self.median("naive"), self.median("spcb")
        return naive / spcb if naive and spcb else None

    @property
    def verdict(self) -> str:
        if self.skipped or self.error:
            return "skipped" if self.skipped else "error"
        if self.case.meets is None:
            return "no target"
        return "PASS" if self.case.meets(self) else "MISS"


@dataclass(frozen=True)
class Case:
    name: str
    does: str
    target: str
    meets: Callable[[Result], bool] | None
    before: Callable[[Project], None]
    naive: Callable[[Project], list[list]]
    spcb: Callable[[Project], list[list]]
    repeat: int = 3
    builds: bool = True  # the case builds the site (so spcb's build report applies)
    skip: Callable[[], str] = lambda: ""


def _within(seconds: float) -> Callable[[Result], bool]:
    return lambda result: result.median("spcb") <= seconds


CASES = {case.name: case for case in [
    Case("cold", f"Build {PERIOD} from nothing: no site, no notebooks, no cache (`spcb cache clear`).",
         "≥ 2.5× faster than naive (about 15 s)", lambda r: r.ratio >= 2.5, reset, naive_build, spcb_build),
    Case("unchanged", f"Build {PERIOD} again straight after a build, nothing changed.",
         "≤ 3 s, no kernel started", lambda r: r.median("spcb") <= 3 and all(x.kernels == 0 for x in r.spcb),
         ensure_built, naive_build, spcb_build),
    Case("commentary-edit", f"Append a sentence to `{COMMENTARY.as_posix()}`, then build.", "≤ 6 s", _within(6),
         edit_commentary, naive_build, spcb_build),
    Case("serve-edit", f"With `spcb serve` running, append a sentence to `{COMMENTARY.as_posix()}`; until the served "
         "page shows it. naive: a full rerun after the same edit.", "≤ 6 s", _within(6), serving, naive_build,
         serve_edit, builds=False),
    Case("extract-row", "Add one offence to the last row of the edition's extract, then `spcb ingest` and "
         "build (both sides time the same ingest).", "", None, change_extract_row,
         lambda p: spcb_ingest(p) + naive_build(p), lambda p: spcb_ingest(p) + spcb_build(p)),
    Case("12-periods", f"Build {YEAR[0]} to {YEAR[-1]} from nothing: spcb in one call, naive once for each period.",
         "≤ 120 s", _within(120), reset, lambda p: naive_build(p, YEAR), lambda p: spcb_build(p, YEAR), repeat=1),
    Case("national-ingest", "Ingest a synthetic national year of data.police.uk street files (43 forces × 12 months, "
         "6,000,000 rows, made by tests/national_synthetic.py) into a new store; naive: `pandas.read_csv` of every "
         "file as text, concatenated, `to_parquet`, no checks.", f"≤ 60 s, peak RSS ≤ {RSS_LIMIT_MB:,} MB",
         lambda r: r.median("spcb") <= 60 and max(x.rss_mb for x in r.spcb) <= RSS_LIMIT_MB,
         national_store, naive_ingest, spcb_national, builds=False, skip=no_shared_data),
    Case("national-batch", f"All {FORCES} forces' books for {QUARTER} from nothing with `spcb batch --force all` on a "
         "LocalCluster: naive is 1 worker, spcb 2 workers.", "2 workers ≥ 1.7× faster than 1",
         lambda r: r.ratio >= 1.7, national_edition, spcb_batch(1), spcb_batch(2), repeat=1, builds=False),
]}


def measure(case: Case, projects: list[Project], repeat: int | None) -> Result:
    """Alternate the two sides' timed runs of `case`, the order swapped at each repetition."""
    result = Result(case, skipped=case.skip())
    if result.skipped:
        print(f"{case.name}: skipped ({result.skipped})", flush=True)
        return result
    times = repeat or case.repeat
    try:
        for repetition in range(times):
            for project in projects if repetition % 2 == 0 else projects[::-1]:
                done = attempt(case, project)
                getattr(result, project.name).append(done)
                project.built = project.built or case.builds
                print(f"{case.name}: {project.name} run {repetition + 1}/{times}: "
                      f"{done.describe(case.builds and project.name == 'spcb')}", flush=True)
    except BenchError as error:
        result.error = str(error)
        print(f"{case.name}: error: {error}", flush=True)
        for project in projects:
            project.built = False
    finally:
        stop_servers()  # a server would build on the next cases' edits, and hold the project's lock
    return result


def attempt(case: Case, project: Project) -> Run:
    """One timed run of one side, after what comes before it. If it fails, it is tried once more, from what comes
    before it (a reset, or an edit of its own), and that is noted: on a busy machine a kernel can lose the port it
    was given to another process before it binds it."""
    for again in (False, True):
        case.before(project)
        commands = getattr(case, project.name)(project)  # writing the naive script is not timed
        try:
            return timed(project, commands)
        except BenchError as error:
            if again:
                raise
            NOTES.append(f"{case.name}: a {project.name} run failed and was tried again ({error.reason}).")
            print(NOTES[-1], flush=True)


# Reporting.

def table(results: list[Result]) -> str:
    lines = ["| case | naive (median) | spcb (median) | naive / spcb | spcb kernels | target | result | runs each |",
             "|---|---:|---:|---:|---|---|---|---:|"]
    for r in results:
        naive, spcb, ratio = r.median("naive"), r.median("spcb"), r.ratio
        kernels = "/".join(_unknown(x.kernels) for x in r.spcb) if r.case.builds else ""
        lines.append(f"| {r.case.name} | {_seconds(naive)} | {_seconds(spcb)} | "
                     f"{f'{ratio:.2f}×' if ratio else '–'} | {kernels} | {r.case.target or '–'} | {r.verdict} | "
                     f"{min(len(r.naive), len(r.spcb))} |")
    return "\n".join(lines)


def _seconds(value: float | None) -> str:
    return "–" if value is None else f"{value:.1f} s"


def machine() -> list[str]:
    cpu = next((line.split(":", 1)[1].strip() for line in _lines("/proc/cpuinfo") if line.startswith("model name")),
               "unknown")
    memory = next((int(line.split()[1]) / 1024 ** 2 for line in _lines("/proc/meminfo") if line.startswith("MemTotal")),
                  0.0)
    from spcb.site.project import git_commit

    return [f"- Cores: {os.cpu_count()}", f"- CPU: {cpu}", f"- RAM: {memory:.1f} GB",
            f"- Load average at the end: {', '.join(f'{x:.2f}' for x in os.getloadavg())}",
            f"- Python: {sys.version.split()[0]}", f"- Commit: {git_commit(ROOT)}"]


def _lines(path: str) -> list[str]:
    try:
        return Path(path).read_text(encoding="utf-8").splitlines()
    except OSError:
        return []


def details(result: Result) -> list[str]:
    lines = [f"### {result.case.name}", "", result.case.does, ""]
    if result.skipped:
        return lines + [f"Skipped: {result.skipped}", ""]
    if result.error:
        return lines + ["Error:", "", "```", result.error, "```", ""]
    for side in SIDES:
        reported = result.case.builds and side == "spcb"
        lines.append(f"- {side}: " + "; ".join(r.describe(reported) for r in getattr(result, side)))
    return lines + [""]


def estimate(result: Result) -> list[str]:
    """A worked estimate of every force and quarter on N workers, from the national-batch runs."""
    one, two = result.naive[0], result.spcb[0]
    books = FORCES * QUARTERS
    per_book = one.seconds / FORCES  # one worker's seconds per book, start-up shared out
    efficiency = result.ratio / 2
    peak = max((book["peak_mb"] for book in one.books + two.books if book["peak_mb"]), default=None)
    memory = f"{peak:,.0f} MB" if peak else "its peak memory"
    lines = ["## Estimate: every force and quarter", "",
             f"One worker built {FORCES} books in {one.seconds:.0f} s, {per_book:.1f} s a book with the cluster's "
             f"start shared out; two built them {result.ratio:.2f}× as fast, {efficiency:.0%} of a perfect doubling "
             f"on this 2-core machine, where the batch's own process shares the cores. {FORCES} forces × {QUARTERS} "
             f"quarters is {books:,} books (only the {QUARTERS - 4} from 2003-Q1 have a year to compare with, so in "
             f"practice {FORCES * (QUARTERS - 4):,}). At {per_book:.1f} s a book and the same efficiency, N workers "
             "of one core each take about:", "",
             "| workers | time | memory (all workers) |", "|---:|---:|---:|"]
    for workers in (2, 8, 32, 128):
        minutes = books * per_book / (workers * efficiency) / 60
        took = f"{minutes / 60:,.1f} h" if minutes >= 90 else f"{minutes:.0f} min"
        lines.append(f"| {workers} | {took} | {f'{workers * peak / 1024:,.1f} GB' if peak else '?'} |")
    lines += ["", "What limits it: a book is one task, and a task keeps one core busy (its kernel, then Jupyter "
              f"Book), so time falls with workers only while each has a core of its own and {memory} of memory (the "
              "worker, its warm kernel and Sphinx). Every worker writes its books and the cache into the one shared "
              "project folder, so beyond a few dozen workers the shared file system, not the CPUs, sets the pace; "
              f"the scheduler's cost per task (milliseconds against {per_book:.0f} s) does not matter. Each worker "
              "starts its kernel once, so a short batch on many workers pays more for start-up. A rerun re-executes "
              f"only what changed: after the first run, a new quarter of data costs {FORCES} books, not all of them.",
              ""]
    return lines


def write_report(path: Path, results: list[Result], started: datetime, seconds: float) -> None:
    text = ["# Benchmarks", "",
            f"Written by `make bench` (tests/bench.py) on {started:%Y-%m-%d %H:%M} UTC, in {seconds / 60:.1f} "
            "minutes. Medians of alternated runs of the naive pipeline (papermill on each notebook, one after another, "
            "then `jupyter-book build --all`) and of spcb, on the same inputs; the rules are in tests/bench.py.",
            "", "## Machine", "", *machine(), "", "## Results", "", table(results), "",
            *(f"- {note}" for note in NOTES), *([""] if NOTES else []), "## Each case", ""]
    for result in results:
        text += details(result)
    text += next((estimate(r) for r in results if r.case.name == "national-batch" and r.naive and r.spcb), [])
    path.write_text("\n".join(text).rstrip() + "\n", encoding="utf-8")
    print(f"written: {path}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--case", action="append", choices=list(CASES), help="run this case only (repeatable)")
    parser.add_argument("--repeat", type=int, help="runs of each side per case (default: 3; 1 for 12-periods)")
    parser.add_argument("--output", type=Path, help=f"write the results here (default: {REPORT.name} when every "
                                                    "case runs, else nowhere)")
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder (the copies and logs)")
    parser.add_argument("--naive", help=argparse.SUPPRESS)  # the naive pipeline's own process
    parser.add_argument("--serve-edit", nargs=3, help=argparse.SUPPRESS)  # an edit, timed until the page shows it
    args = parser.parse_args(argv)
    if args.naive:
        return naive_main(args.naive)
    if args.serve_edit:
        return serve_edit_main(*args.serve_edit)
    sys.path.insert(0, str(Path(__file__).parent))
    os.environ["PYTHONHASHSEED"] = "0"
    started, start = datetime.now(UTC), time.perf_counter()
    folder = Path(tempfile.mkdtemp(prefix="spcb-bench-"))
    try:
        print(f"setting up two copies of the project in {folder} ...", flush=True)
        projects = [make_project(name, folder) for name in SIDES]
        results = [measure(CASES[name], projects, args.repeat) for name in args.case or CASES]
    finally:
        stop_servers()
        if args.keep:
            print(f"kept: {folder}")
        else:
            shutil.rmtree(folder, ignore_errors=True)
    print(table(results))
    output = args.output or (None if args.case else REPORT)
    if output:
        write_report(output, results, started, time.perf_counter() - start)
    return 0 if all(r.verdict in ("PASS", "no target", "skipped") for r in results) else 1


if __name__ == "__main__":
    sys.exit(main())

"""Crash-safe and concurrency-safe: a run killed at any rename is undone or finished by the next one, two runs at once
keep everything of both or one is refused in one line, and killing a build ends its workers and their kernels."""
from __future__ import annotations

import hashlib
import os
import re
import shlex
import shutil
import subprocess
import sys
import time
from functools import partial
from pathlib import Path
from unittest import mock

import nbformat
import pytest
from conftest import DATA, SOURCES, copy_project

from spcb.ingest import lock, store
from spcb.site import build, manifest
from spcb.site.project import REPORT_DIR, BuildError

pytestmark = pytest.mark.faults

TESTS = Path(__file__).parent
SPCB = Path(sys.executable).with_name("spcb")
PERIOD = "2014-11"
JUNE = DATA / "extract" / "stop-and-search" / "2014-06" / "2014-06-west-midlands-stop-and-search.csv.gz"
JULY = DATA / "extract" / "stop-and-search" / "2014-07" / "2014-07-west-midlands-stop-and-search.csv.gz"
POPULATION = SOURCES / "ons-population-pfa" / "population_policeforces.csv"
NOT_OUTPUT = ("_build/logs/", "_build/failed/", "_build/sphinx/")  # what a build leaves for the analyst or
# keeps for the next, not what it publishes


def fingerprint(folder: Path, leave_out: tuple[str, ...] = ()) -> dict[str, str]:
    return {name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.rglob("*"))
            if p.is_file() and not (name := p.relative_to(folder).as_posix()).startswith(leave_out)}


def spcb(*args: str, fault: str | None = None, wait: str | None = None, **popen) -> subprocess.Popen:
    """`spcb ARGS...` started in a subprocess, with the fault hook and the lock wait set where given."""
    env = os.environ | ({lock.FAULT: fault} if fault else {}) | ({lock.WAIT: wait} if wait else {})
    return subprocess.Popen([str(SPCB), *args], env=env, text=True, **popen)


def wait_for(condition, seconds: float, what: str):
    """The first truthy value of `condition()`, tried every 0.1 s for up to `seconds`."""
    deadline = time.monotonic() + seconds
    while not (found := condition()):
        assert time.monotonic() < deadline, f"gave up after {seconds} s waiting for {what}"
        time.sleep(0.1)
    return found


def refusal(what: str, pid: int, command: str) -> str:
    """The pattern of the one line that refuses a run because `what` is held by `pid`, running `command`."""
    return (rf"spcb: error: {re.escape(what)} is in use by pid {pid} \(`{command}`, since "
            r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d\d:\d\d\); gave up after 0 s \(set SPCB_LOCK_WAIT to wait longer\)\n")


# The store


@pytest.mark.parametrize("step, earlier", [
    pytest.param(step, earlier, id=f"{step}-{'into-a-store' if earlier else 'first-ingest'}")
    for earlier in ([JUNE], []) for step in store.STEPS if earlier or step != "store-old"])  # no store: none to move
def test_an_ingest_killed_at_any_rename_loses_nothing_once_the_next_ingest_has_run(tmp_path, step, earlier):
    expected, killed = tmp_path / "expected", tmp_path / "killed"
    for data in (expected, killed):
        store.ingest(earlier, data)
    store.ingest([POPULATION], expected)
    run = spcb("ingest", str(POPULATION), "--data", str(killed), fault=step, stdout=subprocess.DEVNULL)
    assert run.wait() == 137
    store.ingest([POPULATION], killed)
    assert fingerprint(killed) == fingerprint(expected)  # every table and log entry, and nothing left beside them


@pytest.mark.parametrize("files", [(JUNE, JULY), (JUNE, POPULATION)], ids=["one-table", "two-tables"])
def test_two_ingests_at_once_wait_for_each_other_and_keep_everything_of_both(tmp_path, files):
    expected, data = tmp_path / "expected", tmp_path / "data"
    for path in files:
        store.ingest([path], expected)
    data.mkdir()
    errors, runs = [tmp_path / f"stderr-{n}" for n in range(len(files))], []
    with lock.hold(data / store.LOCK, "the store"):  # both start while the store is taken, so both must wait
        for path, error in zip(files, errors):
            with error.open("w") as handle:
                runs.append(spcb("ingest", str(path), "--data", str(data), stdout=subprocess.PIPE, stderr=handle))
        wait_for(lambda: all(e.read_text().startswith("spcb: waiting for the store") for e in errors), 30,
                 "both ingests to wait")
    printed = [run.communicate(timeout=30)[0] for run in runs]
    assert [run.returncode for run in runs] == [0, 0]
    assert [text.startswith(f"ingested {path}") for text, path in zip(printed, files)] == [True, True]
    logs = [sorted(store.Store(folder).log(), key=lambda entry: entry["sha256"]) for folder in (data, expected)]
    assert logs[0] == logs[1] and len(logs[0]) == 2
    tables = fingerprint(data / "store", ("ingest-log.json",))
    assert tables == fingerprint(expected / "store", ("ingest-log.json",)) and tables


def test_a_store_in_use_is_refused_in_one_line_naming_its_holder(tmp_path):
    with lock.hold(tmp_path / store.LOCK, "the store"):
        run = spcb("ingest", str(JUNE), "--data", str(tmp_path), wait="0", stdout=subprocess.PIPE,
                   stderr=subprocess.PIPE)
        out, err = run.communicate(timeout=30)
    assert run.returncode == 1 and out == ""
    assert re.fullmatch(refusal(f"the store {tmp_path / 'store'}", os.getpid(), "[^`]+"), err)
    assert list(tmp_path.iterdir()) == []  # refused before it wrote anything, and the lock file went with the lock


# The site: notebooks and Jupyter Book faked (each page shows the version it was built as), the publishing real


def fake_execute(version: str | None, jobs: list[build.Job], out_dir: Path, log_dir: Path, last: bool = False) \
        -> list[str]:
    out_dir.mkdir(parents=True, exist_ok=True)
    for job in jobs:
        cell = nbformat.v4.new_markdown_cell(f"{job.page}: version {version}", id=job.page)
        notebook = nbformat.v4.new_notebook(cells=[cell])
        notebook.metadata.papermill = {"parameters": job.parameters}
        nbformat.write(notebook, out_dir / f"{job.page}.ipynb")
    return [] if version else ["a notebook failed"]


def fake_jupyter_book(root: Path, output: Path, log: Path, title: str, everything: bool, ahead=None) -> None:
    pages = output / "_build" / "html" / REPORT_DIR
    pages.mkdir(parents=True)
    for notebook in (root / REPORT_DIR).glob("*.ipynb"):
        shutil.copy(notebook, pages)
        (pages / f"{notebook.stem}.html").write_text(f"<p>{nbformat.read(notebook, 4).cells[0].source}</p>")
    (output / "_build" / "html" / "index.html").write_text("<p>the book</p>")


def fake_build(root: Path, data: Path, version: str | None) -> Path:
    """`build.build` of the period, every page showing `version`, or with a notebook that fails if it is None."""
    with mock.patch.object(build.Kernels, "run", partial(fake_execute, version)), \
            mock.patch.object(build, "jupyter_book", fake_jupyter_book):
        return build.build(PERIOD, None, data, workers=1, root=root, use_cache=False)


def published(root: Path) -> str | None:
    """The one version the period's site, its manifest, its kept notebooks and `book/report/` all show; None if none
    of them is there."""
    site = root / "_build" / "html" / "west-midlands" / PERIOD
    executed = root / "_build" / "executed" / "west-midlands" / PERIOD
    if not manifest.location(root, "west-midlands", PERIOD).exists():
        assert not any(folder.exists() for folder in (site, executed, root / REPORT_DIR))
        return None
    assert manifest.differences(root, manifest.load(root, "west-midlands", PERIOD)) == []
    shown = [{re.search(r"version (\w+)", p.read_text())[1] for p in folder.glob(pattern)} for folder, pattern in (
        (site / REPORT_DIR, "*.html"), (executed, "*.ipynb"), (root / REPORT_DIR, "*.ipynb"))]
    assert shown[0] == shown[1] == shown[2] and len(shown[0]) == 1
    return shown[0].pop()


def project(data: Path, target: Path) -> tuple[Path, Path]:
    """A copy of the project with a copy of the store and commentary of `data` beside it (a build pins its cut-off in
    the commentary); its root and data folder."""
    folder = target / "west-midlands"
    folder.mkdir(parents=True)
    for name in ("plan", "extract", "published", "edition.yml", "about.md"):
        (folder / name).symlink_to((data / name).resolve())
    for name in ("narrative", "store"):
        shutil.copytree(data / name, folder / name)
    return copy_project(target / "project"), folder


@pytest.fixture(scope="module")
def before(request, tmp_path_factory, data) -> Path:
    """A folder holding a copy of the project, with version A of the period published or nothing yet, and its data."""
    folder = tmp_path_factory.mktemp("before")
    root, data_dir = project(data, folder)
    if request.param:
        fake_build(root, data_dir, request.param)
    return folder


@pytest.fixture(scope="module")
def then_b(tmp_path_factory, before) -> dict[str, str]:
    """The project of `before` once version B is published in it."""
    folder = tmp_path_factory.mktemp("then-b") / "copy"
    shutil.copytree(before, folder, symlinks=True)
    fake_build(folder / "project", folder / "west-midlands", "B")
    return fingerprint(folder / "project", NOT_OUTPUT)


@pytest.mark.parametrize("before, step", [
    pytest.param(earlier, step, id=f"{step}-{'over-a-build' if earlier else 'first-build'}")
    for earlier in ("A", None) for step in build.STEPS
    if earlier or step not in ("report-previous", "site-old")], indirect=["before"])  # nothing there to move
def test_a_build_killed_at_any_rename_is_undone_or_finished_by_the_next(tmp_path, before, then_b, step):
    shutil.copytree(before, tmp_path / "copy", symlinks=True)
    root, data = tmp_path / "copy" / "project", tmp_path / "copy" / "west-midlands"
    earlier = published(root)
    script = f"import sys; sys.path.insert(0, {str(TESTS)!r}); import test_faults; " \
             f"test_faults.fake_build({str(root)!r}, {str(data)!r}, 'B')"
    env = os.environ | {lock.FAULT: step}
    assert subprocess.run([sys.executable, "-c", script], env=env, stderr=subprocess.DEVNULL).returncode == 137
    with pytest.raises(BuildError, match="notebook failed"):  # the next build recovers first, then fails
        fake_build(root, data, None)
    assert published(root) == (earlier if build.STEPS.index(step) <= build.STEPS.index("commit") else "B")
    fake_build(root, data, "B")
    assert fingerprint(root, NOT_OUTPUT) == then_b


# Two builds at once, and a build killed


def processes() -> dict[int, tuple[int, str, str]]:
    """Every process now: its parent, its state and its start time, from /proc."""
    found = {}
    for entry in Path("/proc").iterdir():
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split() if entry.name.isdigit() else None
        except OSError:  # ended while listed
            continue
        if fields:
            found[int(entry.name)] = (int(fields[1]), fields[0], fields[19])
    return found


def descendants(pid: int) -> dict[int, str]:
    """The processes whose parent chain includes `pid`, with their start times."""
    now, found, todo = processes(), {}, [pid]
    while todo:
        parent = todo.pop()
        children = [p for p, (ppid, _, _) in now.items() if ppid == parent]
        found |= {p: now[p][2] for p in children}
        todo += children
    return found


def alive(tree: dict[int, str]) -> list[int]:
    now = processes()
    return [p for p, start in tree.items() if p in now and now[p][2] == start and now[p][1] != "Z"]


def kernels(pid: int) -> list[int]:
    return [p for p in descendants(pid) if b"ipykernel" in Path(f"/proc/{p}/cmdline").read_bytes()]


@pytest.mark.integration
@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads processes from /proc")
def test_a_second_build_is_refused_in_one_line_and_killing_a_build_ends_its_workers_and_kernels(tmp_path, data):
    root, folder = project(data, tmp_path)
    fake_build(root, folder, "A")
    before = fingerprint(root, NOT_OUTPUT)
    command = ("build", "--period", PERIOD, "--data", str(folder), "--root", str(root), "--jobs", "2")
    first = spcb(*command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_for(lambda: len(kernels(first.pid)) == 2, 120, "two kernels executing notebooks")
        second = spcb(*command, wait="0", stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        out, err = second.communicate(timeout=60)
        tree = descendants(first.pid)
    finally:
        first.kill()
        first.wait()
    assert second.returncode == 1 and out == ""
    assert re.fullmatch(refusal(f"the project {root}", first.pid, re.escape(shlex.join(["spcb", *command]))), err)
    assert len(tree) >= 4  # two workers and their kernels, at least
    wait_for(lambda: not alive(tree), 5, f"processes {alive(tree)} to end")
    left = ("book/.report-new/", "_build/.lock")  # its staged notebooks and its lock's record, for the next to clear
    assert fingerprint(root, NOT_OUTPUT + left) == before  # it published nothing, and took nothing away
    fake_build(root, folder, "B")  # its locks went with it
    assert published(root) == "B" and not any((root / name).exists() for name in left)

"""`spcb batch`: the national edition's books on Dask distributed. The index and the failure table without a
cluster; a LocalCluster of 2 workers with a stand-in build (a failing book is tried twice and fails alone); the
real books on a LocalCluster, rebuilt from the cache; and the real distributed path: `dask scheduler` and two
`dask worker` processes started here, a batch of three forces submitted to them, one of whose data is broken on
purpose, and the cluster shut down whatever happens."""
from __future__ import annotations

import html
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import time
from html.parser import HTMLParser
from pathlib import Path

import pytest
from conftest import EDITIONS, copy_project

from spcb import cli
from spcb.ingest import store
from spcb.plan import edition
from spcb.site import batch

BIN = Path(sys.executable).parent
FORCES = ["Dorset", "Gwent", "City of London"]
BROKEN = "Gwent"
PERIOD = "2023-Q4"


def national_data(target: Path) -> Path:
    """A national edition's folder like the shipped one, its store ingested from its inputs."""
    shipped = EDITIONS / "national"
    target.mkdir(parents=True)
    for path in shipped.iterdir():
        if path.name != "store":
            (target / path.name).symlink_to(path)
    store.ingest([path.resolve() for path in edition.load(shipped).inputs], target)
    return target


@pytest.fixture(scope="module")
def national(tmp_path_factory) -> Path:
    return national_data(tmp_path_factory.mktemp("data") / "national")


@pytest.fixture(scope="module")
def broken(tmp_path_factory, national) -> Path:
    """A copy of the national edition whose Home Office table is not a Parquet file."""
    folder = tmp_path_factory.mktemp("broken") / "national"
    shutil.copytree(national, folder, symlinks=True)
    (folder / "store" / "recorded_crime_quarterly.parquet").write_bytes(b"not a parquet file")
    return folder


# Stand-ins for `batch.book_and_headline`, run by the workers (which import this module).

def stand_in(root: Path, data: Path, force: str, period: str) -> dict:
    """Publish a one-line book, or fail for BROKEN as a book whose notebook fails does."""
    if force == BROKEN:
        raise batch.BuildError(f"{force}, {period}: a notebook failed, nothing was published: national-summary.ipynb "
                               "(page national-summary): cell 3 failed with KeyError: 'count'")
    page = root / "_build" / "html" / data.name / batch.slug(force) / period / "index.html"
    page.parent.mkdir(parents=True, exist_ok=True)
    page.write_text(f"<p>{force}</p>", encoding="utf-8")
    return {"force": force, "region": "<Wales> & Border", "this_year": 1234, "last_year": 1000, "change": 0.234,
            "rate": None, "population_year": None}


def broken_for_one(root: Path, data: Path, force: str, period: str) -> dict:
    """The real book, but BROKEN's from a copy of the data with its Home Office table broken."""
    if force == BROKEN:
        data = Path(os.environ["SPCB_TEST_BROKEN"])
    return batch.book_and_headline(root, data, force, period)


class Table(HTMLParser):
    """The index's header cells (with their aria-sort), and each row's cells and links."""

    def __init__(self):
        super().__init__()
        self.heads, self.rows, self.links, self._cell = [], [], [], None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "th":
            self.heads.append(attrs.get("aria-sort"))
        elif tag == "tr":
            self.rows.append([])
        elif tag == "td":
            self._cell = ""
        elif tag == "a" and self._cell is not None:
            self.links.append(attrs["href"])

    def handle_data(self, data):
        if self._cell is not None:
            self._cell += data

    def handle_endtag(self, tag):
        if tag == "td":
            self.rows[-1].append(self._cell)
            self._cell = None


def read_index(path: Path) -> Table:
    table = Table()
    table.feed(path.read_text(encoding="utf-8"))
    table.rows = [row for row in table.rows if row]
    return table


# Without a cluster.

def test_failure_table_names_each_notebook_and_cell():
    failed = batch.Book("Gwent", PERIOD, "gwent", attempts=2, error=(
        "Gwent, 2023-Q4: a notebook failed, nothing was published: national-summary.ipynb (page national-summary): "
        "cell 3 failed with KeyError: 'count'; national-trends.ipynb (page national-trends): its kernel died twice"))
    other = batch.Book("Kent", PERIOD, "kent", attempts=2, error="OSError: disk full")
    lines = batch.failure_table([failed, other]).splitlines()
    assert lines[0].split() == ["Force", "Period", "Notebook", "Cell", "Error"]
    assert lines[1].split(None, 4) == ["Gwent", PERIOD, "national-summary.ipynb", "3", "KeyError: 'count'"]
    assert lines[2].split(None, 4) == ["Gwent", PERIOD, "national-trends.ipynb", "–", "its kernel died twice"]
    assert lines[3].split(None, 4) == ["Kent", PERIOD, "–", "–", "OSError: disk full"]


def test_index_is_a_sortable_escaped_table_with_relative_links(tmp_path, national):
    root = copy_project(tmp_path / "project")
    for force in ("Dorset", "Kent"):
        folder = root / "_build/html/national" / batch.slug(force) / PERIOD
        folder.mkdir(parents=True)
        (folder / "index.html").write_text("book", encoding="utf-8")
        headline = {"force": force, "region": "South <East> & \"West\"", "this_year": 12345, "last_year": 10000,
                    "change": -0.05 if force == "Kent" else None, "rate": 45.67, "population_year": 2019}
        batch._keep_headline(root / batch.HEADLINES / "national" / batch.slug(force) / f"{PERIOD}.json", headline)
    index = batch.write_index(root, national)
    text = index.read_text(encoding="utf-8")
    assert "<East>" not in text and "South &lt;East&gt; &amp; &quot;West&quot;" in text
    table = read_index(index)
    assert table.heads == ["ascending", None, None, None, None, None, None]
    assert text.count('<th scope="col"') == 7 and text.count('<button type="button">') == 7
    assert table.links == ["dorset/2023-Q4/index.html", "kent/2023-Q4/index.html"]
    assert all((index.parent / link).exists() for link in table.links)
    assert table.rows[0] == ["Dorset", 'South <East> & "West"', "2023/24 Q4", "12,345", "10,000", "not available",
                             "45.7 (mid-2019 population)"]
    assert table.rows[1][5] == "−5.0%"
    assert 'data-value=""' in text  # not available sorts last
    root_index = (root / "_build/html/index.html").read_text(encoding="utf-8")
    assert '<a href="national/index.html">' in root_index and "2 forces, latest 2023/24 Q4" in root_index


def test_batch_refuses_in_one_line_before_anything_runs(tmp_path, capsys, national):
    root = copy_project(tmp_path / "project")
    for args, expected in [
        (["--force", "Narnia", "--period", PERIOD], "--force 'Narnia': not a territorial police force"),
        (["--force", "all", "--period", "2023-Q5"], "period '2023-Q5': expected a financial quarter"),
        (["--force", "all", "--from", "2023-Q4", "--to", "2023-Q1"], "--from 2023-Q4 is after --to 2023-Q1"),
        (["--force", "all", "--from", "2023-Q4"], "--from and --to give a range together"),
        (["--force", "all", "--period", PERIOD, "--data", EDITIONS / "west-midlands"], "is not a national one"),
    ]:
        data = [] if "--data" in args else ["--data", national]
        assert cli.main(["batch", "--root", str(root), *map(str, data + args)]) == 1
        err = capsys.readouterr().err
        assert err.startswith("spcb: error: ") and expected in err and err.count("\n") == 1, err
    assert not (root / "_build").exists()


# On a LocalCluster.

@pytest.mark.integration
def test_local_cluster_of_two_workers_isolates_a_failing_book(tmp_path, national):
    root = copy_project(tmp_path / "project")
    with pytest.raises(batch.BatchError) as raised:
        batch.build_all(root, national, FORCES, [PERIOD], workers=2, build=stand_in)
    message = str(raised.value)
    assert message.splitlines()[0].startswith("1 of 3 books failed (each was tried 2 times)")
    assert re.search(r"Gwent +2023-Q4 +national-summary\.ipynb +3 +KeyError: 'count'", message)
    report = json.loads((root / batch.REPORT).read_text(encoding="utf-8"))
    assert report["workers"] == 2
    by_force = {book["force"]: book for book in report["books"]}
    assert by_force[BROKEN]["attempts"] == 2 and by_force[BROKEN]["error"]
    assert all(by_force[f]["attempts"] == 1 and not by_force[f]["error"] and by_force[f]["seconds"] is not None
               for f in FORCES if f != BROKEN)
    table = read_index(root / "_build/html/national/index.html")
    assert table.links == ["city-of-london/2023-Q4/index.html", "dorset/2023-Q4/index.html"]
    assert table.rows[0][1] == "<Wales> & Border" and table.rows[0][5] == "+23.4%"


@pytest.mark.integration
def test_real_books_on_a_local_cluster_then_again_from_the_cache(tmp_path, capsys, national):
    root = copy_project(tmp_path / "project")
    args = ["batch", "--root", str(root), "--data", str(national), "--force", "Dorset", "--force", "city of london",
            "--period", PERIOD, "--workers", "2"]
    assert cli.main(args) == 0, capsys.readouterr().err
    pages = [root / "_build/html/national" / slug / PERIOD / "index.html" for slug in ("dorset", "city-of-london")]
    built = [page.stat().st_mtime_ns for page in pages]
    table = read_index(root / "_build/html/national/index.html")
    assert [row[0] for row in table.rows] == ["City of London", "Dorset"]
    assert all(row[3].replace(",", "").isdigit() for row in table.rows)
    assert cli.main(args) == 0
    assert [page.stat().st_mtime_ns for page in pages] == built  # nothing changed, so nothing was published again


# The real distributed path.

def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def listening(port: int) -> bool:
    with socket.socket() as sock:
        return sock.connect_ex(("127.0.0.1", port)) == 0


@pytest.fixture
def cluster(tmp_path, broken):
    """`dask scheduler` and two `dask worker` processes (one thread each) on localhost; its address. The workers
    import this module (for `broken_for_one`) and know where the broken data is."""
    port = free_port()
    address = f"tcp://127.0.0.1:{port}"
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).parent), "SPCB_TEST_BROKEN": str(broken)}
    logs = tmp_path / "dask"
    logs.mkdir()
    commands = [[BIN / "dask", "scheduler", "--host", "127.0.0.1", "--port", str(port), "--no-dashboard"]]
    commands += [[BIN / "dask", "worker", address, "--nthreads", "1", "--nworkers", "1", "--no-dashboard",
                  "--name", f"worker-{n}"] for n in (1, 2)]
    processes = []
    try:
        for n, command in enumerate(commands):
            with open(logs / f"{n}.log", "w", encoding="utf-8") as log:
                processes.append(subprocess.Popen([str(part) for part in command], stdout=log,
                                                  stderr=subprocess.STDOUT, env=env, cwd=tmp_path))
            if n == 0:
                deadline = time.monotonic() + 60
                while not listening(port) and time.monotonic() < deadline:
                    time.sleep(0.2)
        yield address
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


@pytest.mark.integration
def test_distributed_cluster_builds_three_forces_and_isolates_the_broken_one(tmp_path, capsys, monkeypatch, national,
                                                                               cluster):
    root = copy_project(tmp_path / "project")
    monkeypatch.setattr(batch, "book_and_headline", broken_for_one)
    code = cli.main(["batch", "--root", str(root), "--data", str(national), "--scheduler", cluster,
                     *(part for force in FORCES for part in ("--force", force)), "--period", PERIOD])
    err = capsys.readouterr().err
    assert code == 1
    message = err[err.index("spcb: error: "):]
    assert message.splitlines()[0].startswith("spcb: error: 1 of 3 books failed")
    assert re.search(r"Gwent +2023-Q4 +national-\w+\.ipynb +\d+ ", message), message
    assert "Traceback" not in err
    html_root = root / "_build/html/national"
    assert (html_root / "dorset" / PERIOD / "index.html").exists()
    assert (html_root / "city-of-london" / PERIOD / "index.html").exists()
    assert not (html_root / "gwent").exists()
    report = json.loads((root / batch.REPORT).read_text(encoding="utf-8"))
    assert report["scheduler"] == cluster and report["workers"] in (1, 2)
    assert len({book["worker"] for book in report["books"] if book["worker"]}) >= 1
    index = (html_root / "index.html").read_text(encoding="utf-8")
    assert html.escape("Dorset") in index and "Gwent" not in index


@pytest.mark.browser
def test_the_index_sorts_by_a_clicked_column_when_opened_from_disk(tmp_path, national):
    from playwright.sync_api import sync_playwright
    from test_site import ARGS, CHROMIUM

    root = copy_project(tmp_path / "project")
    for force, change in (("Dorset", 0.02), ("Kent", -0.05), ("Essex", None)):
        folder = root / "_build/html/national" / batch.slug(force) / PERIOD
        folder.mkdir(parents=True)
        (folder / "index.html").write_text(f"<title>{force}</title>", encoding="utf-8")
        headline = {"force": force, "region": "South", "this_year": 1, "last_year": 1, "change": change,
                    "rate": None, "population_year": None}
        batch._keep_headline(root / batch.HEADLINES / "national" / batch.slug(force) / f"{PERIOD}.json", headline)
    index = batch.write_index(root, national)
    with sync_playwright() as driver:
        browser = driver.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        tab = browser.new_page()
        tab.goto(index.as_uri())

        def forces() -> list[str]:
            return tab.eval_on_selector_all("tbody tr td:first-child", "cells => cells.map(c => c.innerText)")

        assert forces() == ["Dorset", "Essex", "Kent"]
        change = tab.get_by_role("button", name="Change")
        change.click()
        assert forces() == ["Kent", "Dorset", "Essex"]  # not available last
        assert tab.locator("th", has=change).get_attribute("aria-sort") == "ascending"
        change.click()
        assert forces() == ["Dorset", "Kent", "Essex"]
        assert tab.locator("th", has=change).get_attribute("aria-sort") == "descending"
        tab.get_by_role("link", name="Kent").click()
        assert tab.title() == "Kent"
        browser.close()

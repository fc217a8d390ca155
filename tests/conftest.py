"""Shared fixtures: a data folder with its store, and one book built into a temporary copy of the project."""
from __future__ import annotations

import functools
import shutil
from pathlib import Path

import pytest

from spcb.ingest import store
from spcb.ingest.store import Store
from spcb.plan import edition
from spcb.report.context import PageContext
from spcb.site import build

ROOT = Path(__file__).resolve().parents[1]
EDITIONS = ROOT / "data" / "editions"
DATA = EDITIONS / "west-midlands"
SOURCES = ROOT / "data" / "sources"
SHARED = ROOT.parent / "shared" / "data"
PROJECT_FILES = ("_config.yml", "_toc.yml", "book", "notebooks")


def copy_project(target: Path) -> Path:
    """The book sources (not the data) copied into `target`, without any earlier build."""
    target.mkdir(parents=True, exist_ok=True)
    for name in PROJECT_FILES:
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, target / name, ignore=shutil.ignore_patterns("report", ".report-*"))
        else:
            shutil.copy2(source, target / name)
    return target


def edition_files(target: Path, name: str = edition.DEFAULT) -> Path:
    """A folder made an edition's: the shipped edition's edition.yml, about page and plan, linked into it."""
    target.mkdir(parents=True, exist_ok=True)
    for part in ("edition.yml", "about.md", "plan"):
        (target / part).symlink_to(EDITIONS / name / part)
    return target


def shipped_data(target: Path, name: str = edition.DEFAULT) -> Path:
    """An edition's folder like the shipped one (edition.yml, plan, about page, commentary), its store built by
    `spcb ingest` from the edition's inputs; the commentary is a copy, since a build writes the period's pinned
    cut-off beside it. Name `target` after the edition: an edition's name is its folder's."""
    shipped = EDITIONS / name
    target.mkdir(parents=True, exist_ok=True)
    for path in shipped.iterdir():
        if path.name not in ("narrative", "store"):
            (target / path.name).symlink_to(path)
    if (shipped / "narrative").exists():
        shutil.copytree(shipped / "narrative", target / "narrative")  # a build pins its cut-off there
    store.ingest([path.resolve() for path in edition.load(shipped).inputs], target)
    return target


@pytest.fixture(scope="session")
def data(tmp_path_factory) -> Path:
    return shipped_data(tmp_path_factory.mktemp("data") / edition.DEFAULT)


@pytest.fixture(scope="session")
def met(tmp_path_factory) -> Path:
    """The Metropolitan Police edition's folder, its store ingested from its inputs."""
    return shipped_data(tmp_path_factory.mktemp("data") / "met", "met")


@pytest.fixture(scope="session")
def city(tmp_path_factory) -> Path:
    """The City of London edition's folder (made by `spcb init`), its store ingested from its inputs."""
    return shipped_data(tmp_path_factory.mktemp("data") / "city-of-london", "city-of-london")


@pytest.fixture(scope="session")
def national(tmp_path_factory) -> Path:
    """The national edition's folder (every force's quarterly book), its store ingested from its inputs."""
    return shipped_data(tmp_path_factory.mktemp("data") / "national", "national")


@pytest.fixture(scope="session")
def built_book(tmp_path_factory, data) -> Path:
    """The project built for October 2014 and for November 2014 (as of 24 November, the end of the data) in a
    temporary folder; returns that folder."""
    root = copy_project(tmp_path_factory.mktemp("book"))
    stray = root / ".pytest_cache" / "README.md"  # what a test run leaves behind must not break the build
    stray.parent.mkdir()
    stray.write_text("# pytest cache directory\n")
    build.build(["2014-10", "2014-11"], None, data, workers=2, root=root)
    return root


def shown_text(monkeypatch, show) -> str:
    """Everything `show()` displays on a page, as text, captured without a kernel."""
    from spcb.report import output
    parts = []
    monkeypatch.setattr(output, "display", lambda obj, raw=False, metadata=None: parts.append(
        obj["text/plain"] if raw else obj.data))
    monkeypatch.setattr(output, "glue", lambda name, value, display: parts.append(value))
    show()
    return "\n".join(parts)


def every_page_text(monkeypatch, load) -> str:
    """The text of every page of a period, each built from a fresh context from `load()`."""
    from spcb.report import pages
    shows = [lambda: pages.summary(load()), lambda: pages.comparison(load()),
             lambda: pages.provenance(load(), "spcb build", "abc")]
    shows += [lambda o=o.id: pages.objective(load(), o) for o in load().plan.objectives]
    return "\n".join(shown_text(monkeypatch, show) for show in shows)


@pytest.fixture
def no_charts(monkeypatch):
    """Pages drawn without their PNG charts, for tests about everything else on the page (drawing is slow)."""
    from spcb.report import charts
    for name in dir(charts):
        if name.endswith("_png"):
            monkeypatch.setattr(charts, name, lambda *args, **kwargs: b"")


@pytest.fixture(scope="session")
def table(data):
    """A store table of the shipped data folder, read once for the whole session; tests must not change it."""
    return functools.cache(Store(data).table)


@pytest.fixture(scope="session")
def november(data) -> PageContext:
    """The page context of November 2014, as of 24 November (the end of the shipped extract)."""
    return PageContext.load(data, "2014-11", "2014-11-24")

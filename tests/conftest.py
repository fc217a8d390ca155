"""Shared fixtures: the shipped data, and one book built into a temporary copy of the project."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from spcb import build

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "data"
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


@pytest.fixture(scope="session")
def built_book(tmp_path_factory) -> Path:
    """The project built for 2014-11 as of 2014-11-24 in a temporary folder; returns that folder."""
    root = copy_project(tmp_path_factory.mktemp("book"))
    build.build("2014-11", "2014-11-24", DATA, workers=2, root=root)
    return root

"""Building one force's quarterly book of the national edition (`site.national`), and the commands for it."""
import json
import subprocess
import sys

import pytest
from conftest import copy_project

from spcb import cli
from spcb.site import national as books
from spcb.site.execute import Here
from spcb.site.project import BuildError, slug

SPCB = [sys.executable, "-m", "spcb.cli"]


def test_a_force_is_named_in_any_publisher_spelling_and_refused_in_one_line_if_unknown():
    assert books.force("Avon & Somerset") == "Avon and Somerset"
    assert books.force("London, City of") == "City of London"
    assert len(books.FORCES) == 43 and "British Transport Police" not in books.FORCES
    with pytest.raises(BuildError, match=r"^--force 'Gotham': not a territorial police force of England and Wales; "
                                         r"expected one of Avon and Somerset, "):
        books.force("Gotham")
    assert slug("Avon and Somerset") == "avon-and-somerset" and slug("Dyfed-Powys") == "dyfed-powys"


def test_the_national_edition_needs_a_force_and_others_refuse_one(capsys, national):
    assert cli.main(["build", "--data", str(national), "--period", "2023-Q4"]) == 1
    assert capsys.readouterr().err == (f"spcb: error: {national}: the national edition holds a book for each "
                                       "force; name one with --force\n")
    assert cli.main(["build", "--period", "2014-11", "--force", "West Midlands"]) == 1
    assert capsys.readouterr().err == ("spcb: error: --force 'West Midlands': the edition west-midlands is one "
                                       "force's; --force is for the national edition\n")


@pytest.mark.integration
def test_a_forces_book_is_published_in_its_own_folder_reused_when_nothing_changed_and_verifies(tmp_path, national):
    root = copy_project(tmp_path / "project")
    (root / "data" / "editions").mkdir(parents=True)
    data = root / "data" / "editions" / "national"
    data.symlink_to(national)
    made = books.book(root, data, "West Midlands", "2023-Q4", Here())
    assert made.path == root / "_build" / "html" / "national" / "west-midlands" / "2023-Q4"
    assert (made.executed, made.site) == (len(list((made.path / "_sources" / "book" / "report").glob("*.ipynb"))),
                                          "built in full")
    assert (made.path / "index.html").exists()
    log = (root / "_build" / "books" / "national" / "west-midlands" / "_build" / "logs" / "jupyter-book.log")
    assert "WARNING" not in log.read_text()
    again = books.book(root, data, "West Midlands", "2023-Q4", Here())
    assert (again.executed, again.site) == (0, "unchanged")
    recorded = json.loads((root / "_build" / "manifests" / "national" / "west-midlands" / "2023-Q4.json").read_text())
    assert recorded["edition"] == "national/west-midlands"
    verified = subprocess.run([*SPCB, "verify", "--root", str(root), "--edition", "national", "--force",
                               "West Midlands", "--period", "2023-Q4"], capture_output=True, text=True,
                              cwd=root)
    assert verified.returncode == 0, verified.stdout + verified.stderr


@pytest.mark.parametrize("command", ["build", "batch"])
def test_a_quarter_the_data_does_not_cover_is_refused_in_one_line_before_anything_runs(command, tmp_path, capsys,
                                                                                         national):
    root = copy_project(tmp_path / "project")
    assert cli.main([command, "--root", str(root), "--data", str(national), "--force", "Kent",
                     "--period", "2024-Q1"]) == 1
    assert capsys.readouterr().err == (
        "spcb: error: period 2024-Q1: found a quarter the Home Office file cannot compare with a year earlier (it "
        "runs from 2002/03 Q1 to 2023/24 Q4); expected one from 2003-Q1 to 2023-Q4\n")
    assert not (root / "_build").exists()

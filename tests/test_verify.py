"""`spcb verify`: the manifest of what a period publishes, and a report naming each page item, file or PDF that
differs from it, before nbval re-executes the notebooks."""
import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from spcb import cli
from spcb.site import manifest, pdf, verify
from spcb.site.project import BuildError, kept_notebooks, parameters

PAGE = b"""<html><body><section id="reduce-crime"><h1>Reduce crime</h1>
<h2 class="rubric" id="reduce-property"><span id="reduce-property-crime"></span>Reduce property crime</h2>
<p>Burglary fell.</p>
<h2 class="rubric" id="high-demand"><span id="high-demand-locations"></span>High demand locations</h2>
<p>Demand fell.</p>
</section><footer>Previous page</footer></body></html>"""
PARAMETERS = {"period": "2014-11", "as_of": "2014-11-24", "data_dir": "../../data/editions/west-midlands",
              "objective": "reduce-crime"}


def _lines(root: Path) -> list[str]:
    """The differences from the manifest of 2014-11, each SHA-256 shown as H."""
    recorded = manifest.load(root, "west-midlands", "2014-11")
    return [re.sub(r"[0-9a-f]{12}…", "H", line) for line in manifest.differences(root, recorded)]


def _edit(path: Path, old: bytes, new: bytes) -> None:
    content = path.read_bytes()
    assert content.count(old) == 1
    path.write_bytes(content.replace(old, new))


@pytest.fixture
def site(tmp_path) -> Path:
    """A small period site: a page with two items, a CSV, an image and a script; its manifest written."""
    folder = tmp_path / "_build" / "html" / "west-midlands" / "2014-11"
    for name, content in {"book/report/objective-06-reduce-crime.html": PAGE, "_downloads/a1/milestones.csv": b"a,b\n",
                          "_images/chart.png": b"\x89PNG", "_static/spcb.js": b"// not published"}.items():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_bytes(content)
    manifest.write(tmp_path, PARAMETERS, ["reduce-property-crime", "high-demand-locations", "green-cars"])
    return folder


def test_the_manifest_records_the_period_its_data_and_each_item(site, tmp_path):
    recorded = manifest.load(tmp_path, "west-midlands", "2014-11")
    assert {k: recorded[k] for k in ("period", "as_of", "data_dir")} == {
        "period": "2014-11", "as_of": "2014-11-24", "data_dir": "../../data/editions/west-midlands"}
    assert sorted(recorded["files"]) == ["_downloads/a1/milestones.csv", "_images/chart.png",
                                         "book/report/objective-06-reduce-crime.html"]
    assert sorted(recorded["files"]["book/report/objective-06-reduce-crime.html"]["items"]) == [
        "high-demand-locations", "reduce-property-crime"]
    assert _lines(tmp_path) == []


def test_differences_name_the_item_the_file_and_what_is_missing_or_new(site, tmp_path):
    _edit(site / "book/report/objective-06-reduce-crime.html", b"Burglary fell", b"Burglary rose")
    _edit(site / "_downloads/a1/milestones.csv", b"a,b", b"a,c")
    (site / "_images/chart.png").unlink()
    (site / "_images/new.png").write_bytes(b"\x89PNG")
    (site / "_static/spcb.js").write_bytes(b"// changed, but not published")
    assert _lines(tmp_path) == ["_downloads/a1/milestones.csv: published sha256 H, now H",
                                "_images/chart.png: published sha256 H, now missing",
                                "_images/new.png: not published, now sha256 H",
                                "book/report/objective-06-reduce-crime.html, item reduce-property-crime: "
                                "published sha256 H, now H"]


def test_a_change_outside_the_items_names_the_page(site, tmp_path):
    _edit(site / "book/report/objective-06-reduce-crime.html", b"Previous page", b"Next page")
    assert _lines(tmp_path) == ["book/report/objective-06-reduce-crime.html, outside its items: "
                                "published sha256 H, now H"]


def test_verify_without_a_build_is_one_line(tmp_path, capsys):
    (tmp_path / "_config.yml").write_text("title: t\n")
    (tmp_path / "_toc.yml").write_text("root: x\n")
    assert cli.main(["verify", "--period", "2014-11", "--root", str(tmp_path)]) == 1
    error = capsys.readouterr().err
    assert error.startswith("spcb: error: ")
    assert "run `spcb build --edition west-midlands --period 2014-11` first" in error
    assert error.count("\n") == 1
    with pytest.raises(BuildError, match="no manifest of what 2014-11 of the edition west-midlands publishes"):
        manifest.load(tmp_path, "west-midlands", "2014-11")


@pytest.fixture
def published(built_book, tmp_path) -> Path:
    """A copy of the built book to change. It sits beside the built book, as deep as it, so that the notebooks'
    data_dir (relative to book/report) still names the data the book was built from."""
    shutil.copytree(built_book, tmp_path, symlinks=True, dirs_exist_ok=True)
    return tmp_path


def _flip(path: Path, offset: int) -> None:
    content = bytearray(path.read_bytes())
    content[offset] ^= 1
    path.write_bytes(bytes(content))


@pytest.mark.integration
def test_verify_passes_on_what_was_built(built_book, capsys):
    assert verify.verify("2014-11", built_book) == 0
    out = capsys.readouterr().out
    assert out.startswith("Edition west-midlands, period 2014-11, cut-off 2014-11-24, data ")
    assert out.rstrip().endswith("Everything published for 2014-11 matches the build.")
    assert "\x1b[" not in out


@pytest.mark.integration
def test_a_period_built_before_the_last_keeps_its_manifest_and_notebooks(built_book):
    recorded = manifest.load(built_book, "west-midlands", "2014-10")
    assert recorded["as_of"] == "2014-10-31" and manifest.differences(built_book, recorded) == []
    kept = kept_notebooks(built_book, "west-midlands", "2014-10")
    assert {parameters(path)["period"] for path in kept} == {"2014-10"}


@pytest.mark.integration
def test_verify_passes_on_a_period_built_before_the_last(built_book):
    assert verify.verify("2014-10", built_book) == 0


@pytest.mark.integration
def test_a_changed_item_of_a_page_fails_verify_naming_the_page_and_item(published, capsys):
    page = published / "_build/html/west-midlands/2014-11/book/report/objective-06-reduce-crime.html"
    content = page.read_bytes()
    _flip(page, content.index(b"<p>", content.index(b'<span id="reduce-property-crime">')) + 10)
    assert verify.verify("2014-11", published) == 1
    out = capsys.readouterr().out
    assert re.findall(r"^  (.*): published", out, re.MULTILINE) == [
        "book/report/objective-06-reduce-crime.html, item reduce-property-crime"]
    assert "Not everything published for 2014-11 matches the build: 1 difference(s) in the files above." in out


@pytest.mark.integration
def test_a_changed_csv_fails_verify_naming_the_file(published, capsys):
    table = next((published / "_build/html/west-midlands/2014-11").glob("_downloads/*/milestones.csv"))
    _flip(table, 20)
    assert verify.verify("2014-11", published) == 1
    out = capsys.readouterr().out
    name = table.relative_to(published / "_build/html/west-midlands/2014-11").as_posix()
    assert re.findall(r"^  (.*): published", out, re.MULTILINE) == [name]


@pytest.mark.integration
@pytest.mark.browser
def test_a_changed_pdf_fails_verify_naming_it(published, capsys):
    printed = pdf.pdf("2014-11", published)
    assert verify.verify("2014-11", published) == 0
    assert "and the PDF _build/pdf/west-midlands-2014-11.pdf against" in capsys.readouterr().out
    _flip(printed, printed.stat().st_size // 2)
    assert verify.verify("2014-11", published) == 1
    out = capsys.readouterr().out
    assert re.findall(r"^  (.*): published", out, re.MULTILINE) == ["_build/pdf/west-midlands-2014-11.pdf"]
    assert json.loads((published / "_build/manifests/west-midlands/2014-11.json").read_text())["pdf"]["path"] == \
        "_build/pdf/west-midlands-2014-11.pdf"


def test_a_kernel_that_would_not_start_is_tried_once_more_and_no_more(tmp_path, monkeypatch, capsys):
    notebook = tmp_path / "book" / "report" / "page.ipynb"
    notebook.parent.mkdir(parents=True)
    notebook.write_text("{}")
    runs = []

    def run(command, **how):
        runs.append(command)
        failed = "ERROR nbval:kernel.py:59 Failure starting kernel \":nbval-parent-env\"\n1 error\n"
        return subprocess.CompletedProcess(command, 1 if len(runs) < answers else 0, failed, "")

    monkeypatch.setattr(verify.subprocess, "run", run)
    answers = 2
    assert verify._nbval(notebook.parent, "2014-11", [notebook]) == 0 and len(runs) == 2
    assert "A kernel would not start; running the notebooks again." in capsys.readouterr().out
    runs.clear()
    answers = 9
    assert verify._nbval(notebook.parent, "2014-11", [notebook]) == 1 and len(runs) == 2

"""The same inputs give the same bytes: executed notebooks without times, random ids or absolute paths, a PDF
dated by its cut-off, and 2014-11 built and printed in two copies of the project at different paths publishing
identical files."""
from pathlib import Path

import nbformat
import pytest
from conftest import copy_project, shipped_data

from spcb.site import build, execute, pdf
from spcb.site.project import BuildError

SITE = Path("_build/html/west-midlands/2014-11")
PDF = Path("_build/pdf/west-midlands-2014-11.pdf")


def test_an_executed_notebook_keeps_nothing_of_its_run(tmp_path):
    template = tmp_path / "notebooks" / "objective.ipynb"
    output = tmp_path / "book" / ".report-new" / "objective-06-reduce-crime.ipynb"
    output.parent.mkdir(parents=True)
    notebook = nbformat.v4.new_notebook()
    notebook.cells = [nbformat.v4.new_code_cell("period = '2014-11'", metadata={
        "tags": ["injected-parameters"], "execution": {"iopub.execute_input": "2026-11-27T06:05:11.467822Z"},
        "papermill": {"duration": 0.04, "start_time": "2026-11-27T06:05:11+00:00", "status": "completed"}}),
        nbformat.v4.new_markdown_cell("# Title")]
    notebook.metadata.papermill = {"duration": 17.0, "start_time": "2026-11-27T06:05:10+00:00",
                                   "end_time": "2026-11-27T06:05:27+00:00", "input_path": str(template),
                                   "output_path": str(output), "parameters": {"period": "2014-11"}}
    nbformat.write(notebook, output)
    execute._make_reproducible(output, template)
    written = nbformat.read(output, as_version=4)
    assert [cell.id for cell in written.cells] == ["objective-0", "objective-1"]
    assert written.cells[0].metadata == {"tags": ["injected-parameters"]}
    assert written.metadata.papermill == {"input_path": "../../notebooks/objective.ipynb",
                                          "output_path": "objective-06-reduce-crime.ipynb",
                                          "parameters": {"period": "2014-11"}}


def test_the_pdf_is_dated_by_its_cut_off_or_source_date_epoch(tmp_path, monkeypatch):
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    assert pdf._date("2014-11-24") == b"D:20141124000000+00'00'"
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1417478400")
    assert pdf._date("2014-11-24") == b"D:20141202000000+00'00'"
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "yesterday")
    with pytest.raises(BuildError, match="SOURCE_DATE_EPOCH must be a whole number of seconds"):
        pdf._date("2014-11-24")
    printed = tmp_path / "paper.pdf"
    printed.write_bytes(b"%PDF-1.4\n<</CreationDate (D:20261127060206+00'00')\n/ModDate (D:20261127060207+00'00')>>")
    pdf._set_dates(printed, b"D:20141124000000+00'00'")
    assert printed.read_bytes() == (b"%PDF-1.4\n<</CreationDate (D:20141124000000+00'00')\n"
                                    b"/ModDate (D:20141124000000+00'00')>>")


def _built(root: Path) -> Path:
    """The project copied to `root`, with its data inside it, built and printed for 2014-11."""
    copy_project(root)
    data = shipped_data(root / "data" / "editions" / "west-midlands")
    build.build("2014-11", None, data, workers=2, root=root)
    pdf.pdf("2014-11", root)
    return root


def _files(folder: Path) -> dict[str, bytes]:
    return {path.relative_to(folder).as_posix(): path.read_bytes() for path in folder.rglob("*") if path.is_file()}


@pytest.mark.integration
@pytest.mark.browser
def test_two_builds_in_different_folders_publish_the_same_bytes(tmp_path):
    one = _built(tmp_path / "one")
    two = _built(tmp_path / "somewhere" / "else" / "two")
    for published in (SITE, Path("book/report"), Path("_build/executed/west-midlands/2014-11")):
        first, second = _files(one / published), _files(two / published)
        assert sorted(first) == sorted(second)
        assert [name for name in first if first[name] != second[name]] == [], published
    assert (one / PDF).read_bytes() == (two / PDF).read_bytes()
    recorded = "_build/manifests/west-midlands/2014-11.json"
    assert (one / recorded).read_bytes() == (two / recorded).read_bytes()
    # Neither copy is a git checkout, so both provenance pages say so instead of naming a commit.
    assert "not a git checkout" in (one / SITE / "book/report/provenance.html").read_text(encoding="utf-8")

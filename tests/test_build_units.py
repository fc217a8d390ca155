"""Build steps that need no kernel: finding the project, planning the jobs, checking executed notebooks."""
import json

import nbformat
import pytest

from conftest import ROOT, copy_project
from spcb import build
from spcb.pages import Report


def test_find_root_walks_upwards(tmp_path):
    assert build.find_root(ROOT / "src" / "spcb") == ROOT
    with pytest.raises(build.BuildError, match="not inside an spcb project"):
        build.find_root(tmp_path)


def test_jobs_cover_the_summary_and_every_objective_in_order(data):
    report = Report.load(data, "2014-11")
    jobs = build.jobs(ROOT, report, ROOT / "data")
    assert [j.page for j in jobs][:4] == ["executive-summary", "how-the-force-compares", "provenance",
                                          "objective-01-public-confidence"]
    assert len(jobs) == 3 + len(report.plan.objectives)
    assert jobs[2].parameters["commit"] and "spcb build --period 2014-11 --as-of 2014-11-24" in jobs[2].parameters["command"]
    assert jobs[8].parameters == {"period": "2014-11", "as_of": "2014-11-24", "data_dir": "../../data",
                                  "objective": "reduce-crime"}
    assert all(j.template.exists() for j in jobs)


def test_injected_parameters_are_hidden(tmp_path):
    notebook = nbformat.v4.new_notebook()
    notebook.cells = [nbformat.v4.new_code_cell("period = '2014-11'", metadata={"tags": ["injected-parameters"]}),
                      nbformat.v4.new_code_cell("1 + 1")]
    path = tmp_path / "page.ipynb"
    nbformat.write(notebook, path)
    build._hide_injected_parameters(path)
    cells = nbformat.read(path, as_version=4).cells
    assert cells[0].metadata.tags == ["injected-parameters", "remove-cell"]
    assert "tags" not in cells[1].metadata or cells[1].metadata.tags == []


def test_verify_refuses_notebooks_of_another_period(tmp_path):
    root = copy_project(tmp_path)
    with pytest.raises(build.BuildError, match="no executed notebooks; run `spcb build --period 2014-11` first"):
        build.executed_notebooks(root, "2014-11")
    report = root / "book" / "report"
    report.mkdir()
    (report / "executive-summary.ipynb").write_text(json.dumps(
        {"cells": [], "metadata": {"papermill": {"parameters": {"period": "2014-10"}}}, "nbformat": 4,
         "nbformat_minor": 5}))
    with pytest.raises(build.BuildError, match="executed for period 2014-10, not 2014-11"):
        build.executed_notebooks(root, "2014-11")

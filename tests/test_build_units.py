"""Build steps that need no kernel: finding the project, planning the jobs, checking executed notebooks."""
import json

import nbformat
import pytest
from conftest import DATA, ROOT, copy_project

from spcb.plan.schema import load_dir
from spcb.report import context
from spcb.site import build, execute, project


def test_find_root_walks_upwards(tmp_path):
    assert project.find_root(ROOT / "src" / "spcb") == ROOT
    with pytest.raises(project.BuildError, match="not inside an spcb project"):
        project.find_root(tmp_path)


def test_jobs_cover_the_summary_and_every_objective_in_order(data):
    shipped = load_dir(data)
    jobs = build.jobs(ROOT, shipped, context.window(data, "2014-11"), DATA)
    pages = [j.page for j in jobs]
    assert pages[:2] == ["executive-summary", "objective-01-public-confidence"]
    assert pages[-2:] == ["how-the-force-compares", "provenance"]
    assert len(jobs) == 4 + len(shipped.objectives)  # the summary, the objectives, the appendix, two more
    provenance = jobs[-1].parameters
    assert provenance["commit"] and "--period 2014-11 --as-of 2014-11-24" in provenance["command"]
    assert jobs[6].parameters == {"period": "2014-11", "as_of": "2014-11-24",
                                  "data_dir": "../../data/editions/west-midlands", "objective": "reduce-crime"}
    assert all(j.template.exists() for j in jobs)


def test_injected_parameters_are_hidden(tmp_path):
    notebook = nbformat.v4.new_notebook()
    notebook.cells = [nbformat.v4.new_code_cell("period = '2014-11'", metadata={"tags": ["injected-parameters"]}),
                      nbformat.v4.new_code_cell("1 + 1")]
    path = tmp_path / "page.ipynb"
    nbformat.write(notebook, path)
    execute._hide_injected_parameters(path)
    cells = nbformat.read(path, as_version=4).cells
    assert cells[0].metadata.tags == ["injected-parameters", "remove-cell"]
    assert "tags" not in cells[1].metadata or cells[1].metadata.tags == []


def test_verify_refuses_notebooks_of_another_period(tmp_path):
    root = copy_project(tmp_path)
    with pytest.raises(project.BuildError, match="no executed notebooks; run `spcb build --edition west-midlands "
                                                 "--period 2014-11` first"):
        project.executed_notebooks(root, "west-midlands", "2014-11")
    report = root / "book" / "report"
    report.mkdir()
    (report / "executive-summary.ipynb").write_text(json.dumps(
        {"cells": [], "metadata": {"papermill": {"parameters": {"period": "2014-10", "data_dir": "../../x/met"}}},
         "nbformat": 4, "nbformat_minor": 5}))
    with pytest.raises(project.BuildError, match="executed for 2014-10 of the edition met, not 2014-11 of the "
                                                 "edition west-midlands"):
        project.executed_notebooks(root, "west-midlands", "2014-11")

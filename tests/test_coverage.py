"""Numbers a board can trust on data that arrives the real way: gaps, late files, pinned cut-offs, panels
whose source does not cover the period, and rows dated in the future."""
from __future__ import annotations

import gzip
import re
import shutil
from datetime import date, timedelta

import pandas as pd
import pytest
from conftest import edition_files, every_page_text, shown_text

from spcb.analysis import coverage
from spcb.analysis.coverage import Coverage, CoverageError
from spcb.analysis.measures import Extract, monthly
from spcb.analysis.milestones import rows_for
from spcb.ingest import store
from spcb.ingest.contract import InputError
from spcb.plan.periods import Month, Window
from spcb.report import context, narrative, pages
from spcb.report.context import PageContext

DECEMBER = date(2015, 1, 5)  # the day December 2014's file is ingested
PAPER = {"Burglary Dwelling": (8045, 7310), "Public Place Violence With Injury": (6623, 7192),
         "Robbery": (3360, 3171), "Total Recorded Crime": (114287, 115245), "Business Crime": (22978, 25016)}


def daily(days: list[date], areas=("North", "South"), series=("robbery",)) -> pd.DataFrame:
    return pd.DataFrame([{"date": pd.Timestamp(d), "area": a, "series": s, "count": 1}
                         for d in days for a in areas for s in series])


def span(first: date, last: date) -> list[date]:
    return [first + timedelta(days=i) for i in range((last - first).days + 1)]


def test_gaps_are_runs_of_days_an_area_lacks():
    frame = daily(span(date(2014, 4, 1), date(2014, 6, 30)))
    frame = frame[~((frame["area"] == "South") & frame["date"].between("2014-05-10", "2014-05-12"))]
    found = Coverage(frame)
    assert [(g.area, g.days) for g in found.gaps()] == [("South", "2014-05-10 to 2014-05-12 (3 days)")]
    assert found.covered_through(["robbery"], date(2014, 4, 1)) == date(2014, 5, 9)
    assert found.covered_through(["robbery"], date(2014, 5, 13)) == date(2014, 6, 30)
    assert not found.complete("robbery", Month(2014, 5)) and found.complete("robbery", Month(2014, 6))
    with pytest.raises(CoverageError, match=r"^year to date needs days the extract does not cover: 2014-05-10 to "
                                            r"2014-05-12 \(3 days\) for robbery in South$"):
        found.require(["robbery"], [(date(2014, 4, 1), date(2014, 6, 1))], "year to date")


def test_a_month_with_a_gap_is_left_out_of_monthly_series_never_counted_low():
    frame = daily(span(date(2012, 4, 1), date(2014, 10, 31)))
    frame = frame[frame["date"] != pd.Timestamp("2014-06-15")]
    extract = Extract(frame, "test", False)
    months = list(monthly(extract, "robbery", Window(Month(2014, 10), date(2014, 10, 31)))["month"])
    assert Month(2014, 6) not in months and Month(2014, 5) in months and Month(2014, 7) in months


@pytest.fixture(scope="module")
def december(tmp_path_factory, data):
    """The shipped data, then December 2014's extract as its own file starting on 1 December (the shipped
    extract ends on 24 November, so 25 to 30 November are missing)."""
    folder = tmp_path_factory.mktemp("december")
    shutil.copytree(data / "store", folder / "store")
    shutil.copytree(data / "narrative", folder / "narrative")
    edition_files(folder)
    late = folder / "late"
    late.mkdir()
    (late / "extract.yml").write_text("title: December 2014 extract\ndemonstration: true\npublished: 2015-01-05\n")
    shipped = pd.read_parquet(data / "store" / "recorded_crime.parquet")
    areas, series = sorted(shipped["area"].unique()), sorted(shipped["series"].unique())
    lines = ["date,area,series,count"] + [f"{d.isoformat()},{a},{s},40" for d in span(date(2014, 12, 1),
                                                                                     date(2014, 12, 31))
                                         for a in areas for s in series]
    with gzip.open(late / "recorded-crime-2014-12.csv.gz", "wt", encoding="utf-8") as handle:
        handle.write("\n".join(lines) + "\n")
    store.ingest([late], folder, today=DECEMBER)
    return folder


def test_december_after_a_gap_is_refused_naming_the_missing_days(december):
    with pytest.raises(CoverageError) as caught:
        context.window(december, "2014-12")
    message = str(caught.value)
    assert message.startswith("period 2014-12 (year to date 2014-04-01 to 2014-12-31, against 2013-04-01 to "
                              "2013-12-31) needs days the extract does not cover: 2014-11-25 to 2014-11-30 "
                              "(6 days) for every series and area")
    assert "\n" not in message


def test_the_summary_lists_every_gap(december):
    found = store.Store(december)
    gaps = coverage.store_gaps(found.table("recorded_crime"), found.table("stop_search"))
    days = [g for g in gaps if g["table"] == "recorded_crime"]
    assert len(days) == 100 and {g["missing"] for g in days} == {"2014-11-25 to 2014-11-30 (6 days)"}
    assert "stop_search West Midlands: no records in 2013-12 to 2014-03" in coverage.gaps_text(gaps)


@pytest.mark.parametrize("pinned", [True, False])
def test_november_keeps_its_figures_after_december_arrives(december, tmp_path, pinned):
    folder = tmp_path / "data"
    shutil.copytree(december / "store", folder / "store")
    shutil.copytree(december / "narrative", folder / "narrative")
    edition_files(folder)
    if not pinned:  # the default cut-off is the last day covered, never past it
        (folder / "narrative" / "2014-11" / narrative.PERIOD_FILE).unlink()
    ctx = PageContext.load(folder, "2014-11")
    assert ctx.window.as_of == date(2014, 11, 24)
    rows = rows_for(ctx.plan.milestone_table, ctx.extract, ctx.window)
    assert {r.label: (r.last_year, r.this_year) for r in rows} == PAPER


def test_the_summary_page_is_the_same_before_and_after_december_arrives(data, december, monkeypatch, tmp_path,
                                                                         no_charts):
    monkeypatch.chdir(tmp_path)
    before = shown_text(monkeypatch, lambda: pages.summary(PageContext.load(data, "2014-11")))
    after = shown_text(monkeypatch, lambda: pages.summary(PageContext.load(december, "2014-11")))
    assert before == after


def test_a_build_pins_its_cut_off_and_a_new_one_is_recorded(tmp_path):
    november = Month(2014, 11)
    assert narrative.pinned(tmp_path, november) is None
    narrative.pin(tmp_path, november, date(2014, 11, 20))
    narrative.pin(tmp_path, november, date(2014, 11, 20))
    assert narrative.pinned(tmp_path, november) == narrative.Pin(date(2014, 11, 20))
    narrative.pin(tmp_path, november, date(2014, 11, 24))
    assert narrative.pinned(tmp_path, november) == narrative.Pin(date(2014, 11, 24), (date(2014, 11, 20),))
    path = tmp_path / "narrative" / "2014-11" / narrative.PERIOD_FILE
    path.write_text("as_of: 2014-12-01\n")
    with pytest.raises(narrative.NarrativeError, match=r"period.yml:1:8: period.yml: field 'as_of': expected a "
                                                       r"date in November 2014; found 2014-12-01"):
        narrative.pinned(tmp_path, november)


def test_provenance_reports_a_changed_cut_off(data, monkeypatch, tmp_path, no_charts):
    folder = tmp_path / "data"
    (folder).mkdir()
    for name in ("plan", "store", "edition.yml", "about.md"):
        (folder / name).symlink_to(data / name)
    shutil.copytree(data / "narrative", folder / "narrative")
    monkeypatch.chdir(tmp_path)
    text = shown_text(monkeypatch, lambda: pages.provenance(PageContext.load(folder, "2014-11", "2014-11-20"),
                                                            "spcb build", "abc"))
    assert "The cut-off, 20 November 2014, differs from 24 November 2014, pinned in" in text
    assert PageContext.load(folder, "2014-11").window.as_of == date(2014, 11, 24)  # the pin still holds
    narrative.pin(folder, Month(2014, 11), date(2014, 11, 20))  # as `spcb build --as-of 2014-11-20` does
    text = shown_text(monkeypatch, lambda: pages.provenance(PageContext.load(folder, "2014-11"), "spcb build", "abc"))
    assert ("The cut-off, 20 November 2014, is pinned in `narrative/2014-11/period.yml`: a rebuild keeps it, so the "
            "figures stay as published. **The cut-off was changed** with `--as-of` from 24 November 2014.") in text


NOT_AVAILABLE = "Not available for this period\n:class: note spcb-not-available\n**Stop and search**: the stop"


@pytest.mark.parametrize("period, as_of, searches", [
    ("2013-05", None, "No comparison with last year: the stop and search records for West Midlands cover"),
    ("2012-02", "2012-02-29", NOT_AVAILABLE), ("2011-04", None, NOT_AVAILABLE)])
def test_early_periods_build_and_say_what_is_not_available(data, monkeypatch, tmp_path, no_charts, period, as_of,
                                                           searches):
    folder = tmp_path / "data"
    folder.mkdir()
    for name in ("plan", "store", "edition.yml", "about.md"):
        (folder / name).symlink_to(data / name)
    monkeypatch.chdir(tmp_path)
    text = every_page_text(monkeypatch, lambda: PageContext.load(folder, period, as_of))
    assert searches in text
    assert not re.search(r"\b(nan|inf)\b", text, re.IGNORECASE), re.search(r".{80}\b(nan|inf)\b.{40}", text)
    assert "Searches 0" not in text


def test_a_row_dated_after_the_ingest_is_refused(tmp_path):
    folder = tmp_path / "files"
    folder.mkdir()
    (folder / "extract.yml").write_text("title: t\ndemonstration: false\n")
    (folder / "extract.csv").write_text("date,area,series,count\n2014-11-01,North,robbery,3\n"
                                        "2099-01-01,North,robbery,2\n")
    with pytest.raises(InputError, match=r"extract.csv:3:1: column 'date': found '2099-01-01'; expected a date "
                                         r"no later than 2015-01-05 \(the day of this ingest\)$"):
        store.ingest([folder], tmp_path, today=DECEMBER)
    (folder / "extract.yml").write_text("title: t\ndemonstration: false\npublished: 2014-11-15\n")
    (folder / "extract.csv").write_text("date,area,series,count\n2014-11-01,North,robbery,3\n"
                                        "2014-11-20,North,robbery,2\n")
    with pytest.raises(InputError, match=r"found '2014-11-20'; expected a date no later than 2014-11-15 \(the "
                                         r"publication date in extract.yml\)$"):
        store.ingest([folder], tmp_path, today=DECEMBER)
    assert not (tmp_path / "store").exists()


def test_the_pre_flight_lists_everything_missing_in_one_message():
    frame = daily(span(date(2014, 4, 1), date(2014, 6, 30)))
    frame = frame[frame["date"] != pd.Timestamp("2014-05-02")]
    with pytest.raises(CoverageError) as caught:
        Coverage(frame).require(["knife_crime", "robbery"], [(date(2014, 4, 1), date(2014, 6, 30))], "period 2014-06")
    assert str(caught.value) == ("period 2014-06 needs the series knife_crime, which the extract does not hold (it "
                                 "has robbery); and days the extract does not cover: 2014-05-02 (1 day) for every "
                                 "series and area")

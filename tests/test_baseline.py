"""Targets against a baseline year (MOPAC's "20-20-20": the MOPAC 7 crimes down 20% on 2011/12 by 2015/16):
the milestone row's arithmetic and status, and each year's progress against the baseline, on monthly counts."""
from __future__ import annotations

from datetime import date
from decimal import Decimal
from fractions import Fraction
from types import SimpleNamespace

import pandas as pd
import pytest
from conftest import shown_text

from spcb.analysis.coverage import CoverageError
from spcb.analysis.measures import Extract
from spcb.analysis.milestones import Baseline, Row, against_baseline, progress, rows_for, same_dates
from spcb.plan.model import Binding, Measure
from spcb.plan.periods import FinancialYear, Month, Window
from spcb.report import panels, tables

BASELINE, BY = FinancialYear(2011), FinancialYear(2015)
TARGET = Fraction(-20, 100)
MOPAC7 = Measure("mopac7", "MOPAC 7 crimes", "mopac7", "offences", "lower")
NOVEMBER = Window(Month(2014, 11), date(2014, 11, 30))


def monthly_extract(per_month: dict[int, int], last: Month = Month(2016, 3)) -> Extract:
    """Monthly counts of mopac7, dated the first of each month, split over two boroughs, from April 2011 to
    `last`: `per_month[y]` crimes a month in the financial year starting in y."""
    months, month = [], Month(2011, 4)
    while month <= last:
        months.append(month)
        month = month.shift(1)
    rows = [{"date": pd.Timestamp(m.first_day), "area": area, "series": "mopac7",
             "count": per_month[m.financial_year.start_year] // 2} for m in months for area in ("Camden", "Hackney")]
    return Extract(pd.DataFrame(rows), "Test monthly counts", False, granularity="monthly")


EXTRACT = monthly_extract({2011: 1000, 2012: 950, 2013: 900, 2014: 790, 2015: 780})


def row(this_year: int, as_of: date, by: FinancialYear | None = BY, target: Fraction | None = TARGET) -> Row:
    return Row("MOPAC 7 crimes", "milestone" if target else "deliverable", "lower", 7200, this_year, target, 0,
               Baseline(BASELINE, 8000, as_of, by))


def test_on_and_off_track_before_the_target_year_ends():
    on = row(6320, date(2014, 11, 30))
    assert (on.target_count, on.variance, on.on_track) == (6400, 80, True)  # floor(8,000 x 0.8)
    assert on.status == "On track: 80 below target (\u221220% on 2011/12)"
    off = row(7200, date(2014, 11, 30))
    assert (off.variance, off.on_track) == (800, False)
    assert off.status == "Off track: 800 above target (\u221220% on 2011/12)"
    assert row(6400, date(2014, 11, 30)).status == "On track: at target (\u221220% on 2011/12)"
    # last year, this year, difference and performance stay year to date against last year
    assert (off.difference, off.performance) == (0, Decimal("0.0"))
    assert on.milestone == "\u221220% on 2011/12 by 2015/16"


def test_met_or_not_when_the_window_is_the_whole_target_year():
    met = row(6399, BY.end)
    assert met.status == "Target met: 1 below target (\u221220% on 2011/12)"
    assert row(6401, BY.end).status == "Target not met: 1 above target (\u221220% on 2011/12)"
    assert row(6399, date(2016, 3, 30)).status == "On track: 1 below target (\u221220% on 2011/12)"
    assert row(6399, date(2016, 4, 30)).status == ("After the target year 2015/16: 1 below target "
                                                   "(\u221220% on 2011/12)")


def test_a_baseline_deliverable_has_no_target():
    deliverable = row(6320, date(2014, 11, 30), by=None, target=None)
    assert (deliverable.target_count, deliverable.status, deliverable.milestone) == (None, "\u2013", "\u2013")


def test_the_table_shows_the_baseline_only_when_a_row_has_one():
    plain = Row("Robbery", "milestone", "lower", 3360, 3171, Fraction(-5, 100))
    assert list(tables.display_frame([plain]).columns) == list(tables.COLUMNS)
    assert "baseline" not in tables.data_frame([plain]).columns
    frame = tables.display_frame([row(6320, date(2014, 11, 30)), plain])
    assert list(frame.columns) == ["Measure", "Type", "Last year", "This year", "Difference", "Baseline", "Milestone",
                                   "Performance", "Variance", "Status"]
    assert list(frame.iloc[0])[2:] == ["7,200", "6,320", "\u2212880", "8,000 in 2011/12",
                                       "\u221220% on 2011/12 by 2015/16", "\u221212.2%", "80",
                                       "On track: 80 below target (\u221220% on 2011/12)"]
    assert list(frame.iloc[1])[5:7] == ["\u2013", "\u22125%"]
    data = tables.data_frame([row(6320, date(2014, 11, 30)), plain])
    assert list(data.columns) == ["measure", "type", "last_year", "this_year", "difference", "baseline_year",
                                  "baseline", "milestone_percent", "performance_percent", "target_year", "target",
                                  "variance", "on_track", "status"]
    assert list(data.iloc[0][["baseline_year", "baseline", "target_year", "target"]]) == ["2011/12", 8000, "2015/16",
                                                                                          6400]
    assert list(data.iloc[1][["baseline_year", "baseline", "target_year"]]) == [None, None, None]


def test_same_dates_in_the_baseline_year():
    assert same_dates(date(2014, 11, 24), BASELINE) == (date(2011, 4, 1), date(2011, 11, 24))
    assert same_dates(date(2015, 2, 10), BASELINE) == (date(2011, 4, 1), date(2012, 2, 10))
    assert same_dates(date(2016, 2, 29), BASELINE) == (date(2011, 4, 1), date(2012, 2, 29))  # 2012 is a leap year
    assert same_dates(date(2016, 2, 29), FinancialYear(2012)) == (date(2012, 4, 1), date(2013, 2, 28))


def test_rows_for_count_the_baseline_over_the_same_dates():
    binding = Binding(MOPAC7, "milestone", TARGET, "reduce", BASELINE, BY)
    [found] = rows_for((binding,), EXTRACT, NOVEMBER)
    assert (found.last_year, found.this_year, found.baseline.count) == (7200, 6320, 8000)  # April to November
    assert found.status == "On track: 80 below target (\u221220% on 2011/12)"
    [year_end] = rows_for((binding,), EXTRACT, Window(Month(2016, 3), date(2016, 3, 31)))
    assert (year_end.this_year, year_end.baseline.count, year_end.target_count) == (9360, 12000, 9600)
    assert year_end.status == "Target met: 240 below target (\u221220% on 2011/12)"
    [missed] = rows_for((binding,), monthly_extract({2011: 1000, 2012: 950, 2013: 900, 2014: 790, 2015: 820}),
                        Window(Month(2016, 3), date(2016, 3, 31)))
    assert missed.status == "Target not met: 240 above target (\u221220% on 2011/12)"


def test_progress_year_by_year_against_the_baseline():
    years = progress(EXTRACT, "mopac7", BASELINE, NOVEMBER)
    assert list(years["financial_year"]) == ["2011/12", "2012/13", "2013/14", "2014/15"]
    assert list(years["whole"]) == [True, True, True, False]
    assert list(years["dates"]) == ["the whole year"] * 3 + ["1 April to 30 November 2014"]
    assert list(years["count"]) == [12000, 11400, 10800, 6320]
    assert list(years["baseline"]) == [12000, 12000, 12000, 8000]  # the year to date against the same dates
    assert list(years["change"]) == [None, Decimal("-5.0"), Decimal("-10.0"), Decimal("-21.0")]
    whole = progress(EXTRACT, "mopac7", BASELINE, Window(Month(2016, 3), date(2016, 3, 31)))
    assert list(whole["count"])[-1] == 9360 and list(whole["whole"])[-1]
    assert list(whole["change"])[-1] == Decimal("-22.0")


def test_statements_against_the_baseline():
    binding = Binding(MOPAC7, "milestone", TARGET, "reduce", BASELINE, BY)
    [found] = rows_for((binding,), EXTRACT, NOVEMBER)
    assert against_baseline(found, progress(EXTRACT, "mopac7", BASELINE, NOVEMBER), "offences") == [
        "In 2013/14, the latest whole year: 10,800 offences, down 10.0% on 2011/12 (12,000).",
        "In 2014/15 (1 April to 30 November 2014): 6,320 offences, down 21.0% on 2011/12 over the same dates (8,000).",
        "The target is \u221220% on 2011/12 by 2015/16: for these dates, 6,400 offences or fewer. "
        "On track: 80 below target (\u221220% on 2011/12).",
    ]


def test_a_baseline_the_extract_does_not_cover_is_refused():
    short = EXTRACT.counts[EXTRACT.counts["date"] != pd.Timestamp("2011-06-01")]
    extract = Extract(short, "Test monthly counts", False, granularity="monthly")
    with pytest.raises(CoverageError) as caught:
        progress(extract, "mopac7", BASELINE, NOVEMBER)
    assert str(caught.value) == ("mopac7 against its baseline year 2011/12 (2011-04-01 to 2014-11-30) needs days "
                                 "the extract does not cover: 2011-06 (1 month) for every series and area")
    binding = Binding(MOPAC7, "deliverable", baseline=BASELINE)
    with pytest.raises(CoverageError, match=r"^mopac7 against its baseline year 2011/12 \(2011-04-01 to 2011-11-30\) "
                                            "needs days the extract does not cover: 2011-06"):
        rows_for((binding,), extract, NOVEMBER)


def test_the_panel_shows_each_year_and_where_the_measure_stands(monkeypatch, tmp_path):
    monkeypatch.chdir(tmp_path)
    ctx = SimpleNamespace(extract=EXTRACT, window=NOVEMBER, plan=SimpleNamespace(threshold=lambda measure: 0))
    binding = Binding(MOPAC7, "milestone", TARGET, "reduce", BASELINE, BY)
    text = shown_text(monkeypatch, lambda: panels.baseline_progress(ctx, binding))
    assert "<caption>MOPAC 7 crimes against the baseline year 2011/12</caption>" in text
    assert "Source: Test monthly counts" in text
    for cell in ("2013/14", "The whole year", "10,800", "12,000", "\u221210.0%", "1 April to 30 November 2014",
                 "6,320", "8,000", "\u221221.0%"):
        assert f" >{cell}</td>" in text
    assert "- The target is \u221220% on 2011/12 by 2015/16: for these dates, 6,400 offences or fewer. On track: 80 " \
           "below target (\u221220% on 2011/12)." in text
    csv = (tmp_path / "downloads" / "baseline-mopac7.csv").read_text().splitlines()
    assert csv[0] == "financial_year,first,last,count,baseline,change_percent"
    assert csv[1:] == ["2011/12,2011-04-01,2012-03-31,12000,12000,", "2012/13,2012-04-01,2013-03-31,11400,12000,-5.0",
                       "2013/14,2013-04-01,2014-03-31,10800,12000,-10.0",
                       "2014/15,2014-04-01,2014-11-30,6320,8000,-21.0"]


def test_the_panel_publishes_no_count_below_the_threshold(monkeypatch, tmp_path):
    monkeypatch.chdir(tmp_path)
    ctx = SimpleNamespace(extract=EXTRACT, window=NOVEMBER, plan=SimpleNamespace(threshold=lambda measure: 7000))
    text = shown_text(monkeypatch, lambda: panels.baseline_progress(ctx, Binding(MOPAC7, "deliverable",
                                                                                 baseline=BASELINE)))
    assert " >6,320</td>" not in text and " >*</td>" in text and " >10,800</td>" in text
    assert "- Counts below 7,000 are not published for this measure, so no figure is given against 2011/12." in text

"""Public attitude survey proportions published with no sample size (MOPAC's Public Attitude Survey): the latest
result against the one before and a year earlier, a level target, and the panel that shows them."""
from __future__ import annotations

from datetime import date
from decimal import Decimal
from fractions import Fraction
from types import SimpleNamespace

import pandas as pd
import pytest
from conftest import shown_text
from test_baseline import EXTRACT, MOPAC7, NOVEMBER

from spcb.analysis.coverage import Unavailable
from spcb.analysis.surveys import NO_SAMPLE, attitude
from spcb.plan.model import Binding, Item, Measure
from spcb.plan.periods import FinancialYear, Month, Window
from spcb.report import pages, panels, tables
from spcb.report.narrative import Update

GOOD_JOB = '"Good Job" local'
CONFIDENCE = Measure("confidence", 'Confidence in the local police ("good job")', None, "% agreeing", "higher",
                     attitude=GOOD_JOB, area="MPS")
RESULTS = [("2013-09-30", 0.65), ("2013-12-31", 0.64), ("2014-03-31", 0.66), ("2014-06-30", 0.66),
           ("2014-09-30", 0.67), ("2014-12-31", 0.69)]


def frame(results=RESULTS) -> pd.DataFrame:
    rows = [{"period_end": pd.Timestamp(end), "survey": "PAS", "area": "MPS", "measure": GOOD_JOB,
             "proportion": share} for end, share in results]
    rows.append({"period_end": pd.Timestamp("2014-09-30"), "survey": "PAS", "area": "MPS",
                 "measure": "Trust MPS", "proportion": 0.8})
    return pd.DataFrame(rows)


def test_the_latest_result_on_or_before_the_cut_off_against_the_one_before_and_a_year_earlier():
    compared = attitude(frame(), GOOD_JOB, "MPS", date(2014, 11, 30))
    assert compared.latest.period_end == date(2014, 9, 30) and compared.latest.percent == Decimal("67.0")
    assert compared.previous.period_end == date(2014, 6, 30)
    assert compared.year_earlier.period_end == date(2013, 9, 30)
    assert (compared.change(compared.previous), compared.change(compared.year_earlier)) == (1, 2)
    assert compared.statements("Confidence") == [
        "Confidence: 67% in the period to 30 September 2014, up 1 point on the period to 30 June 2014 (66%) and "
        "up 2 points on a year earlier (65%).", NO_SAMPLE]
    assert NO_SAMPLE == "No sample size is published for these results, so no interval and no significance test " \
                        "is given."


def test_a_result_on_the_cut_off_counts_and_a_missing_comparison_is_left_out():
    compared = attitude(frame(), GOOD_JOB, "MPS", date(2013, 12, 31))
    assert compared.latest.period_end == date(2013, 12, 31) and compared.year_earlier is None
    assert compared.statements("Confidence")[0] == ("Confidence: 64% in the period to 31 December 2013, down 1 point "
                                                    "on the period to 30 September 2013 (65%).")
    first = attitude(frame(), GOOD_JOB, "MPS", date(2013, 10, 1))
    assert first.previous is None and first.statements("Confidence")[0] == (
        "Confidence: 65% in the period to 30 September 2013.")
    unchanged = attitude(frame(), GOOD_JOB, "MPS", date(2014, 6, 30))
    assert unchanged.statements("Confidence")[0].startswith("Confidence: 66% in the period to 30 June 2014, "
                                                            "unchanged on the period to 31 March 2014 (66%)")


def test_nothing_on_or_before_the_cut_off_is_unavailable():
    with pytest.raises(Unavailable, match="the public attitude survey results have nothing for '\"Good Job\" local' "
                                          "in MPS on or before 29 September 2013"):
        attitude(frame(), GOOD_JOB, "MPS", date(2013, 9, 29))
    with pytest.raises(Unavailable, match="in Camden on or before"):
        attitude(frame(), GOOD_JOB, "Camden", date(2014, 11, 30))


def test_a_level_target():
    compared = attitude(frame(), GOOD_JOB, "MPS", date(2014, 11, 30))
    assert compared.against(Fraction(3, 4), "higher") == "Below the 75% target by 8 points"
    assert compared.against(Fraction(67, 100), "higher") == "At or above the 67% target"
    assert compared.against(Fraction(1, 2), "higher") == "At or above the 50% target"
    assert compared.against(Fraction(665, 1000), "lower") == "Above the 66.5% target by 0.5 points"
    assert compared.against(Fraction(7, 10), "lower") == "At or below the 70% target"


def test_changes_in_points_keep_their_sign():
    assert [tables.signed_points(Decimal(v)) for v in ("1.0", "-2.5", "0.0", "10.0")] == [
        "+1 point", "\u22122.5 points", "0 points", "+10 points"]


def context(results=RESULTS) -> SimpleNamespace:
    table = frame(results)
    return SimpleNamespace(window=Window(Month(2014, 11), date(2014, 11, 30)), table=lambda name: table,
                           source=lambda name: "MOPAC Public Attitude Survey",
                           plan=SimpleNamespace(financial_year=Month(2014, 4)), previous=None)


def test_the_panel_shows_the_results_the_target_and_why_there_is_no_interval(monkeypatch, tmp_path):
    monkeypatch.chdir(tmp_path)
    binding = Binding(CONFIDENCE, "milestone", direction="increase", reach=Fraction(3, 4))
    text = shown_text(monkeypatch, lambda: panels.attitude(context(), binding))
    assert "Confidence in the local police (&quot;good job&quot;) (MPS): latest result and its comparisons" in text
    for cell in ("Latest", "30 September 2014", "67%", "Previous", "30 June 2014", "+1 point", "A year earlier",
                 "30 September 2013", "65%", "+2 points"):
        assert f" >{cell}</td>" in text
    assert "Source: MOPAC Public Attitude Survey" in text
    assert "- Below the 75% target by 8 points." in text
    assert f"- {NO_SAMPLE}" in text
    assert "interval</th>" not in text and "significant change" not in text
    csv = (tmp_path / "downloads" / "attitude-confidence.csv").read_text()
    assert csv.splitlines()[0] == "Result,Period ending,% agreeing,Change to the latest"


def test_the_panel_is_not_available_without_a_result(monkeypatch, tmp_path):
    monkeypatch.chdir(tmp_path)
    binding = Binding(CONFIDENCE, "indicator")
    text = shown_text(monkeypatch, lambda: panels.attitude(context(RESULTS[-1:]), binding))
    assert "Not available for this period" in text
    assert "nothing for '\"Good Job\" local' in MPS on or before 30 November 2014" in text


def test_an_item_shows_its_counts_against_their_baseline_and_its_attitude_measure(monkeypatch, tmp_path, no_charts):
    monkeypatch.chdir(tmp_path)
    item = Item("twenty", "Reduce the MOPAC 7 crimes by 20% and raise confidence to 75%", "milestone", None,
                "quarterly", "crime", measures=(
                    Binding(MOPAC7, "milestone", Fraction(-1, 5), "reduce", FinancialYear(2011), FinancialYear(2015)),
                    Binding(CONFIDENCE, "milestone", direction="increase", reach=Fraction(3, 4))))
    ctx = context()
    ctx.__dict__.update(extract=EXTRACT, window=NOVEMBER, period=NOVEMBER.period,
                        plan=SimpleNamespace(threshold=lambda measure: 0, financial_year=Month(2014, 4)),
                        update=lambda found: Update("commentary", "Text."))
    text = shown_text(monkeypatch, lambda: pages._item(ctx, item))
    assert " >\u221220% on 2011/12 by 2015/16</td>" in text and " >8,000 in 2011/12</td>" in text
    assert "<caption>MOPAC 7 crimes against the baseline year 2011/12</caption>" in text
    assert "- Below the 75% target by 8 points." in text
    assert text.index("against the baseline year") < text.index("latest result and its comparisons")

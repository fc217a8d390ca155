import pytest

from spcb.analysis import measures
from spcb.report import charts


@pytest.fixture(scope="module")
def violence(november):
    extract, window = november.extract, november.window
    measure = november.plan.measures["public_place_violence_injury"]
    return measures.monthly(extract, measure.series, window), measure


def test_monthly_frame_holds_three_financial_years_of_complete_months(violence):
    frame, _ = violence
    assert frame["financial_year"].unique().tolist() == ["2012/13", "2013/14", "2014/15"]
    assert len(frame) == 12 + 12 + 7  # November 2014 is cut short by the as-of date and left out
    assert frame.iloc[-1][["label", "count"]].tolist() == ["Oct", 925]


def test_alt_text_states_what_the_chart_shows(violence):
    frame, measure = violence
    assert charts.alt_text(frame, measure) == (
        "Line chart of monthly public place violence with injury offences, one line per financial year from "
        "2012/13 to 2014/15. In 2014/15, from April to October, the monthly count ranged from 860 in April to "
        "1,085 in July. Those months averaged 928 a month, against 853 in the same months of 2013/14.")


def test_png_is_deterministic(violence):
    frame, measure = violence
    first = charts.trend_png(frame, measure)
    assert first[:8] == b"\x89PNG\r\n\x1a\n"
    assert first == charts.trend_png(frame, measure)


def test_a_single_year_chart_has_no_comparison(violence):
    frame, measure = violence
    text = charts.alt_text(frame[frame["financial_year"] == "2014/15"].reset_index(drop=True), measure)
    assert "from 2014/15 to 2014/15" in text and "against" not in text

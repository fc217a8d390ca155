import matplotlib.pyplot as plt
import pytest

from spcb.analysis import measures
from spcb.plan.model import Measure
from spcb.plan.periods import Month
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


@pytest.fixture(scope="module")
def violence_spc(violence):
    frame, measure = violence
    return measures.SpcChart.of(measure, list(frame["month"]), list(frame["count"]))


def test_spc_png_is_deterministic(violence_spc):
    first = charts.spc_png(violence_spc)
    assert first[:8] == b"\x89PNG\r\n\x1a\n"
    assert first == charts.spc_png(violence_spc)


def drawn(chart, monkeypatch) -> dict:
    """The SPC chart's title, texts and shaded spans, as drawn before it is saved."""
    seen = {}

    def keep(fig, ax, title, legend):
        seen.update(title=title, texts=[t.get_text() for t in ax.texts], spans=len(ax.patches))
        plt.close(fig)
        return b""

    monkeypatch.setattr(charts, "_png", keep)
    charts.spc_png(chart)
    return seen


def test_spc_chart_shades_this_year_and_last_and_titles_the_latest_month_in_plain_words(violence_spc, monkeypatch):
    assert drawn(violence_spc, monkeypatch) == {
        "title": "Public Place Violence With Injury: SPC chart\n"
                 "Latest month: no unusual change, within the normal range of the last 31 months",
        "texts": ["2013/14\nlast year", "2014/15\nthis year"], "spans": 2}
    assert charts.spc_alt(violence_spc).endswith(
        " Latest month: no unusual change: within the normal range of the last 31 months (common cause variation).")


def test_spc_chart_of_one_year_with_a_concern(monkeypatch):
    measure = Measure("m", "Make off without payment", "make_off", "offences", "lower")
    chart = measures.SpcChart.of(measure, Month(2014, 4).financial_year.months(), [96, 108] * 4 + [100, 160, 165, 170])
    assert drawn(chart, monkeypatch) == {
        "title": "Make off without payment: SPC chart\nLatest month: unusually high for 3 months, look into it",
        "texts": ["2014/15\nthis year"], "spans": 1}

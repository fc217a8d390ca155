"""Survey statistics against known values, and the demonstration survey's published figures."""
import math

import pytest

from spcb.analysis import surveys
from spcb.plan.periods import Month


def test_wilson_interval_known_values():
    # 81 of 100: the Wilson 95% interval is 72.22% to 87.49% (Newcombe 1998, method 3)
    low, high = surveys.wilson(81, 100)
    assert (low, high) == pytest.approx((0.722212, 0.874852), abs=1e-6)
    assert surveys.wilson(0, 10)[0] == pytest.approx(0.0, abs=1e-12)
    assert surveys.wilson(10, 10)[1] == pytest.approx(1.0)
    assert all(math.isnan(v) for v in surveys.wilson(0, 0))


def test_two_proportion_test_known_values():
    z, p = surveys.two_proportion_test(3240, 4000, 3160, 4000)  # 81% against 79%
    assert z == pytest.approx(2.2360680, abs=1e-6) and p == pytest.approx(0.0253473, abs=1e-6)
    z, p = surveys.two_proportion_test(45, 100, 55, 100)
    assert z == pytest.approx(-1.4142136, abs=1e-6) and p == pytest.approx(0.1572992, abs=1e-6)
    assert surveys.two_proportion_test(5, 5, 7, 7) == (0.0, 1.0)


def test_confidence_rises_significantly_and_safety_by_day_holds(table):
    confidence = surveys.by_wave(table("survey"), "confidence", Month(2014, 10))
    assert round(confidence.latest.percent, 1) == 81.0 and round(confidence.change, 1) == 2.0
    assert confidence.significant
    assert "a statistically significant change (p = 0.025)" in confidence.statement("Confidence")
    day = surveys.by_wave(table("survey"), "safe_day", Month(2014, 10))
    assert round(day.latest.percent) == 96 and not day.significant
    assert "not a statistically significant change" in day.statement("Safe by day")


def test_satisfaction_over_a_rolling_year(table):
    asb = surveys.rolling_year(table("survey"), "satisfaction_asb", Month(2014, 10))
    assert round(asb.latest.percent) == 78 and asb.latest.label == "the 12 months to October 2014"
    assert asb.previous.label == "the 12 months to October 2013"
    crime = surveys.rolling_year(table("survey"), "satisfaction_crime", Month(2014, 10))
    assert crime.latest.percent > crime.previous.percent and not crime.significant


def test_missing_survey_months_are_a_clear_error(table):
    with pytest.raises(surveys.Unavailable, match="'satisfaction_crime' have nothing for 2009-11 to 2010-03, needed "
                                                  "for the 12 months to October 2010"):
        surveys.rolling_year(table("survey"), "satisfaction_crime", Month(2010, 10))

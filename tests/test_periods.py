from datetime import date

import pytest

from spcb.plan.periods import FinancialYear, Month, PeriodError, Window, resolve, same_day_last_year

FIRST, LAST = date(2010, 4, 1), date(2014, 11, 24)


def test_financial_year_starts_in_april():
    assert Month(2014, 3).financial_year == FinancialYear(2013)
    assert Month(2014, 4).financial_year == FinancialYear(2014)
    assert FinancialYear(2014).label == "2014/15"
    assert FinancialYear(1999).label == "1999/00"
    assert FinancialYear(2014).end == date(2015, 3, 31)


def test_november_window_defaults_to_last_date_with_data():
    window = resolve("2014-11", None, FIRST, LAST)
    assert window.as_of == date(2014, 11, 24)
    assert (window.start, window.last_year_start, window.last_year_end) == (
        date(2014, 4, 1), date(2013, 4, 1), date(2013, 11, 24))
    assert window.last_complete_month == Month(2014, 10)
    assert "1 April 2014 to 24 November 2014" in window.describe()
    assert "1 April 2013 to 24 November 2013" in window.describe()


def test_as_of_defaults_to_end_of_period_when_data_runs_on():
    window = resolve("2014-10", None, FIRST, LAST)
    assert window.as_of == date(2014, 10, 31)
    assert window.last_complete_month == Month(2014, 10)


def test_april_period_is_one_month_of_year_to_date():
    window = resolve("2014-04", None, FIRST, LAST)
    assert (window.start, window.as_of) == (date(2014, 4, 1), date(2014, 4, 30))
    assert (window.last_year_start, window.last_year_end) == (date(2013, 4, 1), date(2013, 4, 30))


def test_leap_day_compares_with_28_february():
    assert same_day_last_year(date(2016, 2, 29)) == date(2015, 2, 28)
    window = Window(Month(2016, 2), date(2016, 2, 29))
    assert window.last_year_end == date(2015, 2, 28)
    assert window.start == date(2015, 4, 1)
    assert window.last_complete_month == Month(2016, 2)


def test_explicit_as_of_must_fall_in_the_period():
    assert resolve("2014-11", "2014-11-10", FIRST, LAST).as_of == date(2014, 11, 10)
    with pytest.raises(PeriodError, match="outside the period 2014-11"):
        resolve("2014-11", "2014-10-31", FIRST, LAST)
    with pytest.raises(PeriodError, match="expected a date written YYYY-MM-DD"):
        resolve("2014-11", "24/11/2014", FIRST, LAST)


@pytest.mark.parametrize("period, message", [
    ("2015-01", "after the data, which ends on 2014-11-24"),
    ("2010-06", "needs data from 2009-04-01"),
    ("2014-13", "expected a month written YYYY-MM"),
    ("Nov 2014", "expected a month written YYYY-MM"),
])
def test_periods_outside_the_data_are_clear_errors(period, message):
    with pytest.raises(PeriodError, match=message):
        resolve(period, None, FIRST, LAST)


def test_month_arithmetic():
    assert Month(2014, 11).shift(3) == Month(2015, 2)
    assert Month(2014, 1).shift(-1) == Month(2013, 12)
    assert str(Month.parse("2014-02")) == "2014-02"
    assert Month(2014, 2).last_day == date(2014, 2, 28)
    assert FinancialYear(2014).months()[0] == Month(2014, 4)
    assert FinancialYear(2014).months()[-1] == Month(2015, 3)


@pytest.mark.parametrize("text", ["0000-01", "0001-03", "1899-12", "2101-01", "\u0662\u0660\u0661\u0664-11",
                                  "2014-\u0661\u0661", "2014-11\n2014-12", "+2014-11"])
def test_a_period_is_ascii_yyyy_mm_from_1900_to_2100(text):
    with pytest.raises(PeriodError, match="expected a month written YYYY-MM, such as 2014-11, in a year from 1900"):
        Month.parse(text)


def test_the_first_and_last_months_that_parse():
    assert (Month.parse("1900-01"), Month.parse(" 2100-12 ")) == (Month(1900, 1), Month(2100, 12))


@pytest.mark.parametrize("as_of", ["\u0662\u0660\u0661\u0664-11-24", "20141124", "2014-W47-1", "0001-01-01"])
def test_an_as_of_date_is_ascii_yyyy_mm_dd(as_of):
    with pytest.raises(PeriodError, match="expected a date written YYYY-MM-DD"):
        resolve("2014-11", as_of, FIRST, LAST)

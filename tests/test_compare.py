"""How the force compares: the September 2014 figures against a hand calculation from the raw ONS files."""
import csv
from decimal import Decimal

import pandas as pd
import pytest
from conftest import DATA, SOURCES

from spcb.analysis import compare
from spcb.analysis.arithmetic import rounded
from spcb.analysis.coverage import Unavailable
from spcb.plan.schema import load_dir

RAW = SOURCES
GROUP = ("Greater Manchester", "Merseyside", "Northumbria", "South Yorkshire", "West Yorkshire")
END = pd.Timestamp("2014-09-30")


def raw_crimes(force, date="30-09-2014", offences=None):
    """Crimes in the 12 months to `date`, excluding fraud, counted straight from the ONS CSV."""
    with open(RAW / "ons-rec-crime-pfa" / "rec-crime-pfa.csv", encoding="utf-8", newline="") as handle:
        return sum(int(row["Rolling year total number of offences"]) for row in csv.DictReader(handle)
                   if row["12 months ending"] == date and row["PFA"] == force and "raud" not in row["Offence"]
                   and (offences is None or row["Offence"] in offences))


def raw_population(force, year="2014"):
    with open(RAW / "ons-population-pfa" / "population_policeforces.csv", encoding="utf-8", newline="") as handle:
        return int(next(row for row in csv.DictReader(handle) if row["year"] == year)[force])


@pytest.fixture(scope="module")
def comparison(table):
    spec = load_dir(DATA).comparison
    return compare.ForceComparison.of(table("rolling_year_crime"), table("population"), spec.force, spec.group,
                                          spec.group_name)


def test_the_window_is_the_latest_quarter_end_before_as_of(comparison):
    assert comparison.latest_quarter_end(pd.Timestamp("2014-11-24").date()) == END
    assert comparison.latest_quarter_end(pd.Timestamp("2014-09-30").date()) == END
    assert comparison.latest_quarter_end(pd.Timestamp("2014-09-29").date()) == pd.Timestamp("2014-06-30")


def test_rates_for_september_2014_match_a_hand_calculation(comparison):
    rates = comparison.rates(END).set_index("name")
    assert rates.loc["West Midlands", "crimes"] == raw_crimes("West Midlands") == 174207
    assert rates.loc["West Midlands", "population"] == raw_population("West Midlands") == 2805891
    assert rates.loc["West Midlands", "per_1000"] == pytest.approx(174207 / 2805891 * 1000)
    assert rounded(rates.loc["West Midlands", "per_1000"]) == Decimal("62.1")
    group_crimes = sum(raw_crimes(f) for f in GROUP)
    group_people = sum(raw_population(f) for f in GROUP)
    assert rates.loc["Metropolitan forces", "crimes"] == group_crimes
    assert rates.loc["Metropolitan forces", "per_1000"] == pytest.approx(group_crimes / group_people * 1000)
    for force in GROUP:
        assert rates.loc[force, "per_1000"] == pytest.approx(raw_crimes(force) / raw_population(force) * 1000)
    before = raw_crimes("West Midlands", "30-09-2013")
    assert rates.loc["West Midlands", "previous"] == before
    assert rates.loc["West Midlands", "change"] == Decimal(str(round((174207 - before) / before * 100, 1)))


def test_breakdown_by_offence_type(comparison):
    types = comparison.breakdown(END).set_index("type")
    burglary = raw_crimes("West Midlands", offences={"Domestic burglary", "Non-domestic burglary",
                                                     "Residential burglary", "Non-residential burglary"})
    assert types.loc["Burglary", "force_crimes"] == burglary
    assert types.loc["Burglary", "force_per_1000"] == pytest.approx(burglary / 2805891 * 1000)
    assert types["force_crimes"].sum() == 174207
    assert list(types.index) == compare.TYPE_ORDER


def test_the_papers_statements_are_checked(comparison):
    findings = compare.check_paper(comparison, load_dir(DATA).comparison.paper, END)
    assert [f.agrees for f in findings] == [True, False, True]
    assert "62.1 crimes per 1,000 residents against 65.2" in findings[0].data
    assert "a fall of 17.8% (37,845 crimes)" in findings[1].data
    assert "the lowest is 2012/13 (168,770)" in findings[2].data


def test_over_time_has_the_force_and_group_at_every_quarter_end(comparison):
    history = comparison.over_time()
    ends = history["period_end"].unique()
    assert pd.Timestamp("2009-03-31") in ends and pd.Timestamp("2008-12-31") not in ends  # populations from 2009
    assert len(history) == len(ends) * 7


def test_missing_population_is_a_clear_error(comparison):
    with pytest.raises(Unavailable, match="no ONS mid-year estimate for .* in 2008"):
        comparison.rates(pd.Timestamp("2008-09-30"))


def test_published_quarters_match_the_home_office_file(table):
    path = RAW / "homeoffice-prc-pfa-quarterly-offence-group" / "prc_pfa_quarterly_offence_group_2002-03_to_2023-24.csv"
    with open(path, encoding="utf-8", newline="") as handle:
        rows = [r for r in csv.DictReader(handle) if r["Force Name"] == "West Midlands"
                and r["Offence Group"] != "Fraud offences"]

    def raw(year, quarter):
        return sum(int(r["Number of Offences"]) for r in rows
                   if r["Financial Year"] == year and r["Financial Quarter"] == str(quarter))
    quarters = compare.year_to_date_quarters(table("recorded_crime_quarterly"), "West Midlands", END)
    assert quarters["quarter"].tolist() == ["April to June 2014", "July to September 2014", "Year to date"]
    assert quarters["crimes"].tolist() == [raw("2014/15", 1), raw("2014/15", 2), raw("2014/15", 1) + raw("2014/15", 2)]
    assert quarters["previous"].iloc[0] == raw("2013/14", 1)
    assert compare.year_to_date_quarters(table("recorded_crime_quarterly"), "West Midlands",
                                         pd.Timestamp("2002-03-31")).empty

"""Stop and search: the demonstration records reproduce the paper; the same code reads a real month."""
import csv
from datetime import date

import pytest
from conftest import ROOT

from spcb.analysis import stopsearch

REAL = (ROOT / "data" / "sources" / "police-uk" / "west-midlands" / "2016-11" /
        "2016-11-west-midlands-stop-and-search.csv")


@pytest.mark.parametrize("self_defined, officer, expected", [
    ("Asian or Asian British - Pakistani (A2)", "", ("Asian", "self")),
    ("Chinese or other ethnic group - Chinese (O1)", "Asian", ("Other", "self")),
    ("Mixed - White and Black Caribbean (M1)", "Black", ("Mixed", "self")),
    ("Not Stated (NS)", "White", ("White", "officer")),
    ("", "Black", ("Black", "officer")),
    ("", "", (None, "none")),
])
def test_ethnicity_mapping(self_defined, officer, expected):
    assert stopsearch.ethnic_group(self_defined, officer) == expected


def test_census_groups(table):
    assert stopsearch.census(table("census_ethnicity"), "West Midlands") == {
        "White": 1919138, "Black": 164069, "Asian": 493551, "Mixed": 96204, "Other": 21430 + 42068}


def test_demonstration_records_reproduce_the_papers_headlines(table):
    people = stopsearch.census(table("census_ethnicity"), "West Midlands")
    before = stopsearch.summarise(stopsearch.records(table("stop_search"), "West Midlands",
                                                     date(2013, 4, 1), date(2013, 11, 24)),
                                  "2013", 238 / (365.25 / 12))
    after = stopsearch.summarise(stopsearch.records(table("stop_search"), "West Midlands",
                                                    date(2014, 4, 1), date(2014, 11, 24)),
                                 "2014", 238 / (365.25 / 12))
    assert round(before.per_month, -2) == 2700 and round(before.arrest_rate) == 8
    assert round(after.per_month, -2) == 1200 and round(after.positive_rate) == 21
    assert [round(before.ratios(people)[g], 1) for g in ("Asian", "Black")] == [2.0, 3.7]
    assert [round(after.ratios(people)[g], 1) for g in ("Asian", "Black")] == [1.5, 2.8]


def test_a_real_month_through_the_same_code_matches_a_hand_count(table):
    with open(REAL, encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    window = stopsearch.summarise(stopsearch.records(table("stop_search"), "West Midlands",
                                                     date(2016, 11, 1), date(2016, 11, 30)),
                                  "November 2016", 1)
    assert window.searches == len(rows) == 870
    assert window.arrests == sum(r["Outcome"] == "Suspect arrested" for r in rows)
    assert window.positive == sum(r["Outcome"] != "Nothing found - no further action" for r in rows)
    asian = sum(r["Self-defined ethnicity"].startswith("Asian or Asian British") or (
        r["Self-defined ethnicity"].split(" - ")[0] not in stopsearch.SELF_DEFINED_PREFIX
        and r["Officer-defined ethnicity"] == "Asian") for r in rows)
    assert window.by_group["Asian"] == asian
    white = window.by_group["White"]
    rate = lambda n, people: n / people * 1000  # noqa: E731
    assert window.ratios(stopsearch.census(table("census_ethnicity"), "West Midlands"))["Asian"] == pytest.approx(
        rate(asian, 493551) / rate(white, 1919138))
    assert window.without_ethnicity == sum(
        r["Self-defined ethnicity"].split(" - ")[0] not in stopsearch.SELF_DEFINED_PREFIX
        and r["Officer-defined ethnicity"] == "" for r in rows)

"""Importers on the real published files, and the bad-input corpus."""
import csv
from collections import Counter
from pathlib import Path

import pandas as pd
import pytest
from conftest import SHARED

from spcb.ingest import ons, policeuk, registry
from spcb.ingest.contract import InputError, force_name
from spcb.ingest.source import Context

CORPUS = Path(__file__).parent / "corpus"
NO_LOOKUP = Context(lambda kind: pd.DataFrame(columns=["code", "parent_name"]))


def read(path):
    return registry.read_as(registry.recognise(path), path, NO_LOOKUP)


def raw_rows(path):
    with open(path, encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


needs_shared = pytest.mark.skipif(not SHARED.exists(), reason="../shared/data is not beside the checkout")


@needs_shared
@pytest.mark.parametrize("month", ["2016-07", "2017-07"])
def test_street_crime_counts_equal_a_plain_count_of_the_csv(month):
    path = SHARED / "police-uk" / month / f"{month}-west-yorkshire-street.csv"
    parsed = read(path)
    expected = Counter(row["Crime type"] for row in raw_rows(path))
    assert parsed.frame.groupby("crime_type")["count"].sum().to_dict() == dict(expected)
    assert parsed.rows_read == sum(expected.values()) and not parsed.rejected
    assert set(parsed.frame["force"]) == {"West Yorkshire"} and set(parsed.frame["month"]) == {month}
    by_lsoa = Counter(row["LSOA code"] for row in raw_rows(path))
    assert parsed.frame.groupby("lsoa_code")["count"].sum().to_dict() == dict(by_lsoa)


@needs_shared
def test_street_crime_maps_lsoas_to_local_authorities():
    lookup = read(SHARED / "public" / "lsoa-police-force" / "PoliceforceLSOA.csv").frame
    context = Context(lambda kind: lookup[lookup["lookup"] == kind])
    path = SHARED / "police-uk" / "2016-07" / "2016-07-west-yorkshire-street.csv"
    frame = registry.read_as(registry.recognise(path), path, context).frame
    known = frame[frame["lsoa_code"] != ""]
    assert (known["local_authority"] != "").mean() > 0.95
    assert "Leeds" in " ".join(known["local_authority"].unique())


@needs_shared
def test_stop_and_search_records_are_kept_one_per_search():
    path = SHARED / "police-uk" / "2016-11" / "2016-11-west-midlands-stop-and-search.csv"
    parsed = read(path)
    rows = raw_rows(path)
    assert len(parsed.frame) == len(rows) == 870
    assert set(parsed.frame["force"]) == {"West Midlands"}
    assert parsed.frame["outcome"].value_counts().to_dict() == dict(Counter(r["Outcome"] for r in rows))
    assert parsed.frame["officer_defined_ethnicity"].value_counts().to_dict() == dict(
        Counter(r["Officer-defined ethnicity"] for r in rows))
    assert parsed.frame["date"].min() == pd.Timestamp("2016-11-01")


@needs_shared
def test_home_office_quarterly_files_normalise_force_names():
    path = (SHARED / "public" / "homeoffice-prc-pfa-quarterly-offence-group" /
            "prc_pfa_quarterly_offence_group_2002-03_to_2023-24.csv")
    frame = read(path).frame
    rows = raw_rows(path)
    assert "Avon and Somerset" in set(frame["force"]) and "Avon & Somerset" not in set(frame["force"])
    expected = sum(int(r["Number of Offences"]) for r in rows if r["Force Name"] == "West Midlands"
                   and r["Financial Year"] == "2013/14")
    got = frame[(frame["force"] == "West Midlands") & (frame["financial_year"] == "2013/14")]["count"].sum()
    assert got == expected
    code = read(SHARED / "public" / "homeoffice-prc-pfa-2017-18" / "prc-pfa-201718_new.csv").frame
    assert {"Action Fraud", "City of London", "West Midlands"} <= set(code["force"])


@needs_shared
def test_ons_rolling_year_quirks():
    path = SHARED / "public" / "ons-rec-crime-pfa" / "rec-crime-pfa.csv"
    parsed = read(path)
    frame = parsed.frame
    assert pd.Timestamp("2017-12-31") in set(frame["period_end"])
    assert pd.Timestamp("2017-12-30") not in set(frame["period_end"])
    rows = raw_rows(path)
    zero_renamed = sum(1 for r in rows if r["Rolling year total number of offences"] == "0"
                       and r["Offence"] in ons.RENAMED_OFFENCES)
    negative = sum(1 for r in rows if r["Rolling year total number of offences"].startswith("-"))
    assert parsed.rejected == Counter({
        "zero rows for an offence not published under that name at that date": zero_renamed,
        "negative rolling totals (published revisions that cannot be counted)": negative})
    assert len(frame) + zero_renamed + negative == len(rows)
    west_midlands = frame[(frame["force"] == "West Midlands") & (frame["period_end"] == "2014-03-31")]
    assert west_midlands[~west_midlands["offence"].str.contains("raud")]["count"].sum() == 174524


@needs_shared
def test_population_and_census():
    population = read(SHARED / "public" / "ons-population-pfa" / "population_policeforces.csv").frame
    row = population[(population["area"] == "West Midlands") & (population["year"] == 2014)]
    assert row["population"].tolist() == [2805891]
    census = read(SHARED / "public" / "census2011-ethnicity" / "resistancelab_police-defined-demographics.csv").frame
    wm = census[census["area"] == "West Midlands"].set_index("ethnic_group")["population"]
    assert wm["White"] > wm["Asian (or Asian British)"] > 0
    assert (set(census["area"]) - {"Metropolitan Police", "Avon and Somerset"}
            <= set(force_name(a) for a in census["area"]))


@pytest.mark.parametrize("name, first, contract", [
    ("Avon & Somerset Constabulary", "Avon and Somerset", True),
    ("Metropolitan Police Service", "Metropolitan Police", True),
    ("London, City of", "City of London", True),
    ("Dyfed Powys Police", "Dyfed-Powys", True),
    ("West Midlands Police", "West Midlands", True),
    ("Gotham City", None, False),
])
def test_force_names_are_normalised(name, first, contract):
    assert force_name(name) == first


CORPUS_CASES = {
    "street-wrong-header": (":1:1:", "missing the column 'Crime type' of a police-uk-street file"),
    "street-unknown-crime-type": (":3:10: column 'Crime type'", "found 'Burglary of a castle'; expected one of"),
    "street-unknown-force": (":4:4: column 'Falls within'",
                             "found 'Gotham City Police'; expected the name of a police force"),
    "street-truncated-last-line": (":4:5:", "line has 5 fields; expected 12 like the header (is the file cut short?)"),
    "street-month-disagrees-with-name": (":4:2: column 'Month'",
                                         "found '2016-08'; expected the month 2016-07, as the file name says"),
    "extract-non-numeric-count": (":3:4: column 'count'", "found 'three'; expected a whole number"),
    "extract-negative-count": (":3:4: column 'count'", "found -2; expected a whole number of 0 or more"),
    "extract-bad-date": (":3:1: column 'date'", "found '24/11/2014'; expected a date written YYYY-MM-DD"),
    "extract-unknown-series": (":2:3: column 'series'", "found 'robery'; expected one of total_recorded_crime"),
    "extract-missing-header": (":1:1:", "the header matches no known format; the nearest is"),
    "extract-header-only": (":2:1:", "the file has a header but no rows"),
    "empty-file": (":1:1:", "the file is empty"),
    "not-utf8": ("", "not UTF-8 text"),
    "excel-saved-as-csv": (":1:1:", "this is an Excel workbook, not a CSV file; save it as 'CSV UTF-8'"),
    "ons-bad-date": (":3:1: column '12 months ending'", "found '31-13-2014'; expected a date written DD-MM-YYYY"),
    "ons-unknown-force": (":2:2: column 'PFA'", "found 'West Midlans'; expected the name of a police force area"),
    "homeoffice-bad-quarter": (":2:2: column 'Financial Quarter'", "found '5'; expected a quarter from 1 to 4"),
    "population-unknown-force": (":1:3:", "found the column 'Gotham'; expected the name of a police force area"),
}


def test_the_corpus_has_a_case_for_every_folder():
    assert sorted(CORPUS_CASES) == sorted(p.name for p in CORPUS.iterdir() if p.is_dir())


@pytest.mark.parametrize("case", sorted(CORPUS_CASES))
def test_bad_files_are_refused_with_file_line_and_column(case):
    path = next((CORPUS / case).iterdir())
    where, message = CORPUS_CASES[case]
    with pytest.raises(InputError) as caught:
        read(path)
    text = str(caught.value)
    assert text.startswith(f"{path}{where}"), text
    assert message in text, text
    assert "\n" not in text


def test_the_input_contract_page_documents_the_formats_and_the_contract():
    from spcb.ingest import contract
    page = (Path(__file__).parents[1] / "book" / "input-contract.md").read_text(encoding="utf-8")

    def between(name):
        return page.split(f"<!-- {name}:start -->\n")[1].split(f"<!-- {name}:end -->")[0]

    assert between("formats") == registry.formats_markdown()
    assert between("contract") == contract.markdown()


def test_outcomes_files_are_counted_by_month_force_lsoa_and_outcome(tmp_path):
    header = ",".join(policeuk.POLICE_UK_OUTCOMES) + "\n"
    row = ("id{n},2016-07,West Yorkshire Police,West Yorkshire Police,-1.5,53.5,"
           "On or near X,{lsoa},Leeds 001A,{outcome}\n")
    path = tmp_path / "2016-07-west-yorkshire-outcomes.csv"
    path.write_text(header + row.format(n=1, lsoa="E01011229", outcome="Offender given a caution")
                    + row.format(n=2, lsoa="E01011229", outcome="Offender given a caution")
                    + row.format(n=3, lsoa="", outcome="Investigation complete; no suspect identified"),
                    encoding="utf-8")
    parsed = read(path)
    assert parsed.table == "outcomes" and parsed.rows_read == 3
    assert parsed.frame[["lsoa_code", "outcome_type", "count"]].values.tolist() == [
        ["", "Investigation complete; no suspect identified", 1], ["E01011229", "Offender given a caution", 2]]

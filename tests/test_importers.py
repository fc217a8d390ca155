"""Importers on the real published files, and the bad-input corpus."""
import csv
import functools
import gzip
from collections import Counter
from pathlib import Path

import pandas as pd
import pytest
from conftest import SHARED

from spcb.ingest import ons, policeuk, registry, store
from spcb.ingest.contract import InputError, force_name
from spcb.ingest.source import Context

CORPUS = Path(__file__).parent / "corpus"
SOURCES = Path(__file__).parents[1] / "data" / "sources"
LSOA_LOOKUP = SOURCES / "lsoa-police-force" / "PoliceforceLSOA.csv.gz"
NO_LOOKUP = Context(lambda kind: pd.DataFrame(columns=["code", "parent_name"]))


@functools.cache
def shipped_lsoa_lookup() -> pd.DataFrame:
    return registry.read_as(registry.recognise(LSOA_LOOKUP), LSOA_LOOKUP, NO_LOOKUP).frame


def read(path):
    """A file read as ingest reads it, the shipped LSOA lookup ingested with or before it."""
    lookup = shipped_lsoa_lookup()
    return registry.read_as(registry.recognise(path), path, Context(lambda kind: lookup[lookup["lookup"] == kind]))


def described(folder: Path) -> Path:
    """`folder`, with the extract.yml that a file in the force's own formats needs beside it."""
    (folder / "extract.yml").write_text("title: A test extract\ndemonstration: true\n", encoding="utf-8")
    return folder


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
    frame = read(SHARED / "police-uk" / "2016-07" / "2016-07-west-yorkshire-street.csv").frame
    known = frame[frame["lsoa_code"] != ""]
    assert (known["local_authority"] != "").all()
    assert "Leeds" in " ".join(known["local_authority"].unique())
    assert (frame[frame["lsoa_code"] == ""]["local_authority"] == "").all()


def test_the_shipped_lsoa_lookup_is_read_whole():
    frame = shipped_lsoa_lookup()
    assert len(frame) == 32844 and set(frame["lookup"]) == {"lsoa"}
    assert frame.set_index("code").loc["E01000914", ["parent_name", "value"]].tolist() == ["Camden",
                                                                                         "Metropolitan Police"]


@needs_shared
def test_the_shipped_gzipped_sources_are_the_published_files_byte_for_byte():
    published = {p.name: p for p in SHARED.rglob("*.csv")}
    shipped = sorted(SOURCES.rglob("*.csv.gz"))
    assert len(shipped) == 1 + 18 + 18 + 25 + 10  # the lookup; City of London's street, outcomes, stop and search; Met
    for path in shipped:
        data = path.read_bytes()
        assert data[3] == 0 and data[4:8] == bytes(4), path  # no name, no time (gzip -n): the same bytes every time
        assert gzip.decompress(data) == published[path.name.removesuffix(".gz")].read_bytes(), path


@pytest.mark.parametrize("name, fmt", [("2016-01/2016-01-city-of-london-street.csv.gz", "police-uk-street"),
                                       ("2016-01/2016-01-city-of-london-outcomes.csv.gz", "police-uk-outcomes"),
                                       ("2015-03/2015-03-city-of-london-stop-and-search.csv.gz",
                                        "police-uk-stop-and-search")])
def test_data_police_uk_files_are_known_by_name_gzipped_or_not(name, fmt, tmp_path):
    gzipped = SOURCES / "police-uk" / "city-of-london" / name
    plain = tmp_path / gzipped.name.removesuffix(".gz")
    plain.write_bytes(gzip.decompress(gzipped.read_bytes()))
    assert registry.recognise(gzipped).name == registry.recognise(plain).name == fmt
    assert read(gzipped).frame.equals(read(plain).frame)


def test_a_street_crime_with_no_lsoa_keeps_no_local_authority(tmp_path):
    case = CORPUS / "street-lsoa-not-in-the-lookup"
    path = tmp_path / "2016-07-west-yorkshire-street.csv"
    lines = (case / path.name).read_text(encoding="utf-8").splitlines(keepends=True)
    path.write_text("".join(lines[:-1]), encoding="utf-8")  # all but the line whose LSOA the lookup lacks
    store.ingest([path, case / "PoliceforceLSOA.csv"], tmp_path / "data")
    frame = store.Store(tmp_path / "data").table("street_crime")
    assert frame[["lsoa_code", "local_authority", "crime_type"]].values.tolist() == [
        ["", "", "Burglary"], ["E01010646", "Bradford", "Anti-social behaviour"],
        ["E01011229", "Kirklees", "Bicycle theft"]]


def test_stop_and_search_records_are_kept_one_per_search():
    path = SOURCES / "police-uk" / "west-midlands" / "2016-11" / "2016-11-west-midlands-stop-and-search.csv"
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


# Each case's one-line message, the case's folder written as "…" (the message names the file in it).
CORPUS_CASES = {
    "audit-duplicate-row": "…/audit.csv:3:1: column 'audit': found 'no-crime'; expected one row per audit and "
        "category (this one repeats an earlier row)",
    "audit-upper-case-audit": "…/audit.csv:2:1: column 'audit': found 'NO-CRIME'; expected 'no-crime', as published "
        "(names are matched exactly)",
    "census-count-negative-huge": "…/census.csv:2:7: column 'Other': found '-99999999999'; expected a whole number "
        "no further from zero than 1,000,000,000",
    "census-duplicate-force": "…/census.csv:4:1: column 'Police force': found 'West Midlands Police'; expected one "
        "row per area type, area, classification and ethnic group (this one repeats an earlier row)",
    "census-la-homoglyph-area": "…/census-la.csv:2:2: column 'geography': found 'D\u0430rlington'; expected a police "
        "force area or a local authority spelt as published: the character '\u0430' (U+0430 CYRILLIC SMALL LETTER A) "
        "is not one names use",
    "empty-file": "…/recorded-crime.csv:1:1: the file is empty; expected a CSV file with a header line",
    "excel-saved-as-csv": "…/recorded-crime.csv:1:1: this is an Excel workbook, not a CSV file; save it as 'CSV "
        "UTF-8' and ingest that",
    "extract-area-two-spellings": "…/recorded-crime.csv:3:2: column 'area': found 'DUDLEY'; expected 'Dudley', as an "
        "earlier line writes it (each name spelt one way)",
    "extract-bad-date": "…/recorded-crime.csv:3:1: column 'date': found '24/11/2014'; expected a date written "
        "YYYY-MM-DD",
    "extract-blank-lines-before-error": "…/recorded-crime.csv:6:4: column 'count': found 'x'; expected a whole "
        "number, written like 1234 or 1,234",
    "extract-column-twice": "…/recorded-crime.csv:1:5: found the column 'count' a second time; expected each column "
        "once",
    "extract-count-2-to-the-63-less-1": "…/recorded-crime.csv:2:4: column 'count': found '9223372036854775807'; "
        "expected a whole number no further from zero than 1,000,000,000",
    "extract-count-arabic-indic-digits": "…/recorded-crime.csv:2:4: column 'count': found '\u0663'; expected a whole "
        "number, written like 1234 or 1,234",
    "extract-count-decimal": "…/recorded-crime.csv:2:4: column 'count': found '3.0'; expected a whole number, "
        "written like 1234 or 1,234",
    "extract-count-locale-comma": "…/recorded-crime.csv:2:4: column 'count': found '12,34'; expected a whole number, "
        "written like 1234 or 1,234",
    "extract-count-nan": "…/recorded-crime.csv:2:4: column 'count': found 'NaN'; expected a whole number, written "
        "like 1234 or 1,234",
    "extract-count-too-large": "…/recorded-crime.csv:2:4: column 'count': found '1000000001'; expected a whole "
        "number no further from zero than 1,000,000,000",
    "extract-duplicate-row": "…/recorded-crime.csv:3:1: column 'date': found '2014-11-23'; expected one row per "
        "date, area and series (this one repeats an earlier row)",
    "extract-header-in-capitals": "…/recorded-crime.csv:1:1: found the columns 'Date', 'Area', 'Series', 'Count'; "
        "expected the header date,area,series,count of the spcb-extract format, which this header matches except for "
        "the case of its column names",
    "extract-header-only": "…/recorded-crime.csv:2:1: the file has a header but no rows",
    "extract-infinite-count": "…/recorded-crime.csv:3:4: column 'count': found 'inf'; expected a whole number, "
        "written like 1234 or 1,234",
    "extract-minus-infinite-count": "…/recorded-crime.csv:2:4: column 'count': found '-inf'; expected a whole "
        "number, written like 1234 or 1,234",
    "extract-missing-header": "…/recorded-crime.csv:1:1: the header matches no known format; expected the header of "
        "one of the formats `spcb contract` lists",
    "extract-negative-count": "…/recorded-crime.csv:3:4: column 'count': found '-2'; expected a whole number from 0 "
        "to 1,000,000,000",
    "extract-non-numeric-count": "…/recorded-crime.csv:3:4: column 'count': found 'three'; expected a whole number, "
        "written like 1234 or 1,234",
    "extract-nul-in-count": "…/recorded-crime.csv:2:4: column 'count': found '1\\x002'; expected text without a NUL "
        "byte (0x00), which cuts a value short",
    "extract-semicolon-separated": "…/recorded-crime.csv:1:1: the header is separated by semicolons, not commas; "
        "save the file as 'CSV UTF-8', which separates with commas",
    "extract-tab-separated": "…/recorded-crime.csv:1:1: the header is separated by tabs, not commas; save the file "
        "as 'CSV UTF-8', which separates with commas",
    "extract-unknown-series": "…/recorded-crime.csv:2:3: column 'series': found 'robery'; expected one of "
        "total_recorded_crime, burglary_dwelling, public_place_violence_injury, robbery, vehicle_crime, "
        "business_crime, theft_from_shops, make_off_without_payment, ...",
    "extract-unterminated-quote": "…/recorded-crime.csv:3:1: cannot be read as CSV: unexpected end of data (a quote "
        "opened on this line is never closed)",
    "extract-yml-quoted-false": "…/extract.yml:2:16: extract.yml: field 'demonstration': expected true or false, not "
        "in quotes; found '\"false\"'",
    "extract-yml-missing": "…/recorded-crime.csv: found no extract.yml beside the file or in the two folders above "
        "it; expected an extract.yml saying whether the data is a demonstration (`demonstration: true` or `false`) "
        "and giving its title",
    "extract-yml-without-demonstration": "…/extract.yml:1:1: extract.yml: missing field 'demonstration'",
    "folder-named-like-a-file": "…: found no .csv or .csv.gz file in this folder or below; expected files to ingest",
    "folder-with-no-csv-file": "…: found no .csv or .csv.gz file in this folder or below; expected files to ingest",
    "force-ids-duplicate-id": "…/forces.csv:3:1: column 'id': found 'avon-and-somerset'; expected one row per lookup "
        "and code (this one repeats an earlier row)",
    "homeoffice-bad-quarter": "…/prc-quarterly.csv:2:2: column 'Financial Quarter': found '5'; expected a quarter "
        "from 1 to 4",
    "homeoffice-code-description-in-capitals": "…/prc-by-code.csv:2:5: column 'Offence_Description': found "
        "'HOMICIDE'; expected an offence description spelt as published: it is written in capitals",
    "homeoffice-code-lower-case-code": "…/prc-by-code.csv:2:8: column 'Offence_Code': found '8n'; expected an "
        "offence code spelt as published: names are written like 8P, 37.2 or 1/4.1/4.10/4.2, or as a fraud reporting "
        "body's name such as UK Finance",
    "homeoffice-code-repeated-line": "…/prc-by-code.csv:4:2: column 'Financial_Year': found '2017/18'; expected each "
        "line once (this one repeats an earlier line)",
    "homeoffice-code-subgroup-case-variant": "…/prc-by-code.csv:2:7: column 'Offence_Subgroup': found 'homicide'; "
        "expected 'Homicide', as published (names are matched exactly)",
    "homeoffice-count-2-to-the-63": "…/prc-quarterly.csv:3:5: column 'Number of Offences': found "
        "'9223372036854775808'; expected a whole number no further from zero than 1,000,000,000",
    "homeoffice-count-minus-infinite": "…/prc-quarterly.csv:2:5: column 'Number of Offences': found '-inf'; expected "
        "a whole number, written like 1234 or 1,234",
    "homeoffice-financial-year-not-consecutive": "…/prc-quarterly.csv:2:1: column 'Financial Year': found '2014/99'; "
        "expected a financial year of two consecutive years written like 2014/15",
    "homeoffice-outcomes-decimal-count": "…/outcomes.csv:2:13: column 'force_outcomes_recorded_in_quarter': found "
        "'2.5'; expected a whole number, written like 1234 or 1,234",
    "homeoffice-outcomes-duplicate": "…/outcomes.csv:3:1: column 'financial_year': found '2017/18'; expected one row "
        "per financial year, quarter, force, offence code and outcome type (this one repeats an earlier row)",
    "homeoffice-outcomes-financial-year-two-apart": "…/outcomes.csv:2:1: column 'financial_year': found '2017/19'; "
        "expected a financial year of two consecutive years written like 2014/15",
    "homeoffice-outcomes-outcome-type-out-of-range": "…/outcomes.csv:2:11: column 'outcome_type': found '23'; "
        "expected one of 0, 1, 2, 3, 4, 5, 6, 7, ...",
    "homeoffice-outcomes-unknown-outcome-group": "…/outcomes.csv:2:10: column 'outcome_group': found 'Out of court "
        "(formal)'; expected one of Charged/Summonsed, Out-of-court (formal), Out-of-court (informal), Taken into "
        "consideration, Prosecution prevented or not in the public interest, Evidential difficulties (suspect "
        "identified; victim supports action), Evidential difficulties (victim does not support action), "
        "Investigation complete – no suspect identified, ...",
    "homeoffice-repeated-line": "…/prc-quarterly.csv:4:1: column 'Financial Year': found '2014/15'; expected each "
        "line once (this one repeats an earlier line)",
    "homeoffice-upper-case-offence-group": "…/prc-quarterly.csv:3:4: column 'Offence Group': found 'FRAUD OFFENCES'; "
        "expected 'Fraud offences', as published (names are matched exactly)",
    "link-to-a-file-outside": "…/2016-07-west-yorkshire-street.csv: a link to a file outside …; expected the file "
        "itself (or name the link on the command line)",
    "mps-count-decimal": "…/mps.csv:4:4: column '201004': found '52.0'; expected a whole number, written like 1234 or "
        "1,234",
    "mps-minor-category-case-variant": "…/mps.csv:3:2: column 'MinorText': found 'Robbery of personal property'; "
        "expected 'ROBBERY OF PERSONAL PROPERTY', as published (names are matched exactly)",
    "mps-missing-count": "…/mps.csv:3:5: column '201005': found ''; expected a whole number, written like 1234 or "
        "1,234",
    "mps-month-13": "…/mps.csv:1:6: found the column '201013'; expected a month written YYYYMM, such as 201004 for "
        "April 2010",
    "mps-month-not-yyyymm": "…/mps.csv:1:5: found the column '2010-05'; expected a month written YYYYMM, such as "
        "201004 for April 2010",
    "mps-negative-count": "…/mps.csv:4:6: column '201006': found '-6'; expected a whole number from 0 to "
        "1,000,000,000",
    "mps-new-category-in-lower-case": "…/mps.csv:4:2: column 'MinorText': found 'Theft of a bicycle bell'; expected "
        "a minor category spelt as published: names are written in capital Latin letters, digits, spaces and . , ; "
        ": ' ( ) / & + – -, as the Metropolitan Police writes its categories",
    "mps-repeated-line": "…/mps.csv:5:3: column 'BoroughName': found 'Barnet'; expected one row per area, series and "
        "month (this one repeats an earlier row)",
    "mopac-pas-decimal-point": "…/PAS_Total.csv:3:5: column 'Proportion': found '0.78'; expected a proportion from 0 "
        "to 1 written with a decimal comma, like 0,67",
    "mopac-pas-duplicate-row": "…/PAS_Total.csv:4:2: column 'Survey': found 'PAS'; expected one row per survey, "
        "area, measure and period end (this one repeats an earlier row)",
    "mopac-pas-header-missing-a-column": "…/PAS_Total.csv:1:1: the header is separated by semicolons, not commas; "
        "save the file as 'CSV UTF-8', which separates with commas",
    "mopac-pas-not-a-quarter-end": "…/PAS_Total.csv:3:1: column 'Date': found '30/11/2014'; expected the last day "
        "of a quarter, written DD/MM/YYYY",
    "mopac-pas-percentage": "…/PAS_Total.csv:3:5: column 'Proportion': found '78%'; expected a proportion from 0 to "
        "1 written with a decimal comma, like 0,67",
    "mopac-pas-proportion-over-one": "…/PAS_Total.csv:3:5: column 'Proportion': found '1,5'; expected a number from "
        "0 to 1",
    "mopac-pas-thousands-separator": "…/PAS_Total.csv:3:5: column 'Proportion': found '1.000,0'; expected a "
        "proportion from 0 to 1 written with a decimal comma, like 0,67",
    "not-utf8": "…/recorded-crime.csv:3:15: found the byte 0xe9, which is not UTF-8 text; save the file as 'CSV "
        "UTF-8'",
    "not-utf8-in-gzip": "…/recorded-crime.csv.gz:3:27: found the byte 0xff, which is not UTF-8 text; save the file "
        "as 'CSV UTF-8'",
    "ons-bad-date": "…/rec-crime-pfa.csv:3:1: column '12 months ending': found '31-13-2014'; expected a date written "
        "DD-MM-YYYY",
    "ons-count-2-to-the-63": "…/rec-crime-pfa.csv:3:5: column 'Rolling year total number of offences': found "
        "'9223372036854775808'; expected a whole number no further from zero than 1,000,000,000",
    "ons-duplicate-row": "…/rec-crime-pfa.csv:4:1: column '12 months ending': found '30-09-2014'; expected one row "
        "per period end, force and offence (this one repeats an earlier row)",
    "ons-near-miss-header": "…/rec-crime-pfa.csv:1:1: the header matches no known format; the nearest is "
        "ons-rolling-year (ONS recorded crime by police force area, rolling 12-month totals), which also needs the "
        "column 'Region'",
    "ons-unknown-force": "…/rec-crime-pfa.csv:2:2: column 'PFA': found 'West Midlans'; expected the name of a police "
        "force area",
    "ons-unknown-region": "…/rec-crime-pfa.csv:2:3: column 'Region': found 'Yorkshire & the Humber'; expected one of "
        "North East, North West, Yorkshire and The Humber, East Midlands, West Midlands, East, London, South East, "
        "...",
    "ons-upper-case-offence": "…/rec-crime-pfa.csv:3:4: column 'Offence': found 'VIOLENCE WITH INJURY'; expected "
        "'Violence with injury', as published (names are matched exactly)",
    "outcomes-upper-case-outcome-type": "…/2016-01-city-of-london-outcomes.csv:3:10: column 'Outcome type': found "
        "'OFFENDER GIVEN A CAUTION'; expected 'Offender given a caution', as published (names are matched exactly)",
    "passwd-named-as-extract": "…/recorded-crime.csv:1:1: the header matches no known format; expected the header of "
        "one of the formats `spcb contract` lists",
    "passwd-named-as-street-file": "…/2016-07-west-yorkshire-street.csv:1:1: missing the column 'Crime ID' of a "
        "police-uk-street file (which its name says it is)",
    "population-duplicate-year": "…/population.csv:4:1: column 'year': found '2014'; expected one row per year, area "
        "type and area (this one repeats an earlier row)",
    "population-force-twice": "…/population.csv:1:4: found the column 'West Midlands Police'; expected each area "
        "once ('West Midlands' has a column already)",
    "population-infinite": "…/population.csv:2:3: column 'Durham': found 'inf'; expected a whole number, written "
        "like 1234 or 1,234",
    "population-la-area-in-capitals": "…/population-la.csv:1:3: column 'BARNSLEY': found 'BARNSLEY'; expected a "
        "police force area or a local authority spelt as published: it is written in capitals",
    "population-unknown-force": "…/population.csv:1:3: found the column 'Gotham'; expected the name of a police "
        "force area",
    "stop-search-date-arabic-indic-digits": "…/2014-04-west-midlands-stop-and-search.csv:2:2: column 'Date': found "
        "'2014-04-0\u0661T00:57:00+00:00'; expected a date and time written YYYY-MM-DDTHH:MM:SS+00:00",
    "stop-search-homoglyph-type": "…/2014-04-west-midlands-stop-and-search.csv:3:1: column 'Type': found "
        "'P\u0435rson search'; expected one of Person search, Vehicle search, Person and Vehicle search (the "
        "character '\u0435' (U+0435 CYRILLIC SMALL LETTER IE) is not one names use)",
    "stop-search-lower-case-gender": "…/2014-04-west-midlands-stop-and-search.csv:3:7: column 'Gender': found "
        "'male'; expected 'Male', as published (names are matched exactly)",
    "stop-search-self-defined-ethnicity-case-variant": "…/2014-04-west-midlands-stop-and-search.csv:3:9: column "
        "'Self-defined ethnicity': found 'white - white british (w1)'; expected 'White - White British (W1)', as "
        "published (names are matched exactly)",
    "stop-search-upper-case-outcome": "…/2014-04-west-midlands-stop-and-search.csv:3:13: column 'Outcome': found "
        "'SUSPECT ARRESTED'; expected 'Suspect arrested', as published (names are matched exactly)",
    "street-file-name-homoglyph": "…/2016-07-west-y\u043erkshire-street.csv:1:1: found the file name "
        "'2016-07-west-y\u043erkshire-street.csv'; expected a name like YYYY-MM-<force>-street.csv, as the archive "
        "names a police-uk-street file (its header is one); '\u043e' (U+043E CYRILLIC SMALL LETTER O) is not a "
        "lower-case ASCII letter",
    "street-file-name-upper-case": "…/2016-07-WEST-YORKSHIRE-street.csv:1:1: found the file name "
        "'2016-07-WEST-YORKSHIRE-street.csv'; expected a name like YYYY-MM-<force>-street.csv, as the archive names "
        "a police-uk-street file (its header is one); 'W' (U+0057 LATIN CAPITAL LETTER W) is not a lower-case ASCII "
        "letter",
    "street-lower-case-crime-type": "…/2016-07-west-yorkshire-street.csv:3:10: column 'Crime type': found "
        "'burglary'; expected 'Burglary', as published (names are matched exactly)",
    "street-lsoa-not-in-the-lookup": "…/2016-07-west-yorkshire-street.csv:5:8: column 'LSOA code': found "
        "'E0101122'; expected an LSOA code in the LSOA lookup; ingest the lookup (for example "
        "data/sources/lsoa-police-force) with or before the street files",
    "street-lsoa-without-the-lookup": "…/2016-07-west-yorkshire-street.csv:3:8: column 'LSOA code': found "
        "'E01007426'; expected an LSOA code in the LSOA lookup; ingest the lookup (for example "
        "data/sources/lsoa-police-force) with or before the street files",
    "street-month-disagrees-with-name": "…/2016-07-west-yorkshire-street.csv:4:2: column 'Month': found '2016-08'; "
        "expected the month 2016-07, as the file name says",
    "street-nul-in-crime-type": "…/2016-07-west-yorkshire-street.csv:3:10: column 'Crime type': found "
        "'Bur\\x00glary'; expected text without a NUL byte (0x00), which cuts a value short",
    "street-quoted-cell-spans-lines": "…/2016-07-west-yorkshire-street.csv:4:10: column 'Crime type': found "
        "'Burglary of a castle'; expected one of Anti-social behaviour, Bicycle theft, Burglary, Criminal damage and "
        "arson, Drugs, Other crime, Other theft, Possession of weapons, ...",
    "street-truncated-last-line": "…/2016-07-west-yorkshire-street.csv:4:5: line has 5 fields; expected 12 like the "
        "header (is the file cut short?)",
    "street-unknown-crime-type": "…/2016-07-west-yorkshire-street.csv:3:10: column 'Crime type': found 'Burglary of "
        "a castle'; expected one of Anti-social behaviour, Bicycle theft, Burglary, Criminal damage and arson, "
        "Drugs, Other crime, Other theft, Possession of weapons, ...",
    "street-unknown-force": "…/2016-07-west-yorkshire-street.csv:4:4: column 'Falls within': found 'Gotham City "
        "Police'; expected the name of a police force area",
    "street-wrong-header": "…/2016-07-west-yorkshire-street.csv:1:1: missing the column 'Crime type' of a "
        "police-uk-street file (which its name says it is)",
    "survey-count-too-large": "…/survey.csv:2:3: column 'respondents': found '9223372036854775808'; expected a whole "
        "number no further from zero than 1,000,000,000",
    "survey-duplicate-row": "…/survey.csv:4:1: column 'measure': found 'confidence'; expected one row per measure "
        "and month (this one repeats an earlier row)",
    "survey-extract-yml-missing": "…/survey.csv: found no extract.yml beside the file or in the two folders above "
        "it; expected an extract.yml saying whether the data is a demonstration (`demonstration: true` or `false`) "
        "and giving its title",
    "survey-upper-case-measure": "…/survey.csv:3:1: column 'measure': found 'CONFIDENCE'; expected 'confidence', as "
        "published (names are matched exactly)",
    "unrelated-header": "…/contacts.csv:1:1: the header matches no known format; expected the header of one of the "
        "formats `spcb contract` lists",
}


def test_the_corpus_has_a_case_for_every_folder():
    assert sorted(CORPUS_CASES) == sorted(p.name for p in CORPUS.iterdir() if p.is_dir())


@pytest.mark.parametrize("case", sorted(CORPUS_CASES))
def test_bad_files_are_refused_with_file_line_and_column(case, tmp_path):
    with pytest.raises(InputError) as caught:
        store.ingest([CORPUS / case], tmp_path)
    assert str(caught.value).replace(str(CORPUS / case), "…") == CORPUS_CASES[case]
    assert not (tmp_path / "store").exists()


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


@pytest.mark.parametrize("written, value", [("1234", 1234), ("1,234", 1234), ("1,234,567", 1234567), ("0", 0),
                                            (" 12 ", 12), ("1000000000", 10**9)])
def test_whole_numbers_may_group_thousands_with_commas(tmp_path, written, value):
    path = described(tmp_path) / "recorded-crime.csv"
    path.write_text(f'date,area,series,count\n2014-11-23,Dudley,robbery,"{written}"\n', encoding="utf-8")
    assert read(path).frame["count"].tolist() == [value]


def test_published_names_in_an_open_list_are_accepted_when_spelt_as_published(tmp_path):
    path = tmp_path / "2014-04-west-midlands-stop-and-search.csv"
    row = ("Person search,2014-04-01T00:57:00+00:00,,,,,Male,18-24,{ethnicity},White,{power},{object},{outcome},"
           "False,False\n")
    path.write_text(",".join(policeuk.POLICE_UK_STOP) + "\n" + row.format(
        ethnicity="White - English/Welsh/Scottish/Northern Irish/British", power="Psychoactive Substances Act 2016 "
        "(s36(2))", object="Psychoactive substances", outcome="Khat or Cannabis warning"), encoding="utf-8")
    frame = read(path).frame
    assert frame[["legislation", "outcome"]].values.tolist() == [
        ["Psychoactive Substances Act 2016 (s36(2))", "Khat or Cannabis warning"]]


@pytest.mark.parametrize("name, header, message", [
    ("extract.csv", "date,Area,series,count", ":1:2: found the column 'Area'; expected the header "
     "date,area,series,count of the spcb-extract format"),
    ("2016-07-west-yorkshire-street.csv", ",".join(policeuk.POLICE_UK_STREET).replace("LSOA code", "LSOA Code"),
     ":1:8: found the column 'LSOA Code'; expected the header Crime ID,Month,"),
])
def test_a_header_that_differs_from_a_format_only_in_case_names_the_format(tmp_path, name, header, message):
    path = tmp_path / name
    path.write_text(header + "\n", encoding="utf-8")
    with pytest.raises(InputError) as caught:
        registry.recognise(path)
    assert str(caught.value).startswith(f"{path}{message}")
    assert str(caught.value).endswith("which this header matches except for the case of its column names")

"""Editions: the Met and the City of London on their own published data, `spcb init`, monthly extracts, and the
pre-flight that lists every missing input at once."""
import csv
import gzip
import shutil
from collections import Counter
from decimal import Decimal
from pathlib import Path

import pandas as pd
import pytest
from conftest import EDITIONS, ROOT, SOURCES, copy_project, edition_files, every_page_text, shown_text

from spcb import cli
from spcb.analysis.arithmetic import percent_change
from spcb.analysis.coverage import CoverageError
from spcb.analysis.milestones import progress, rows_for
from spcb.ingest import store
from spcb.plan import edition, scaffold
from spcb.plan.periods import FinancialYear, PeriodError
from spcb.plan.schema import PlanError
from spcb.report import context, pages
from spcb.report.context import PageContext
from spcb.site import build, verify

MPS = SOURCES / "mps-borough-crime" / "MPS Borough Level Crime (Historical).csv"
MOPAC_7 = ("BURGLARY IN A DWELLING", "BURGLARY BUSINESS AND COMMUNITY", "CRIMINAL DAMAGE",
           "ROBBERY OF PERSONAL PROPERTY", "ROBBERY OF BUSINESS PROPERTY", "THEFT FROM A VEHICLE",
           "THEFT OR UNAUTH TAKING OF A MOTOR VEH", "THEFT FROM THE PERSON", "VIOLENCE WITH INJURY")
CITY = SOURCES / "police-uk" / "city-of-london"


def plain_mopac_7(year: int) -> int:
    """The MOPAC 7 in a financial year, counted straight from the MPS's wide CSV."""
    raw = pd.read_csv(MPS)
    months = [f"{year}{m:02d}" for m in range(4, 13)] + [f"{year + 1}{m:02d}" for m in range(1, 4)]
    return int(raw[raw["MinorText"].isin(MOPAC_7)][months].to_numpy().sum())


def plain_street_count(months: list[str]) -> Counter:
    """Crimes by crime type in the City's street files of `months`, counted with the csv module."""
    found = Counter()
    for month in months:
        with gzip.open(CITY / month / f"{month}-city-of-london-street.csv.gz", "rt", encoding="utf-8") as handle:
            found.update(row["Crime type"] for row in csv.DictReader(handle))
    return found


def test_the_mopac_7_in_2011_12_and_2015_16_and_their_change_equal_a_plain_count(met):
    ctx = PageContext.load(met, "2016-03")
    binding = ctx.plan.item("mopac7").measures[0]
    years = progress(ctx.extract, binding.measure.series, FinancialYear(2011), ctx.window)
    by_year = dict(zip(years["financial_year"], years["count"]))
    before, after = plain_mopac_7(2011), plain_mopac_7(2015)
    assert (by_year["2011/12"], by_year["2015/16"]) == (before, after) == (402_323, 329_517)
    assert years["change"].iloc[-1] == percent_change(after, before) == Decimal("-18.1")
    row = rows_for([binding], ctx.extract, ctx.window)[0]
    assert row.this_year == after and row.baseline.count == before
    assert row.status.startswith("Target not met")  # -18.1% against a target of -20%


def test_the_met_pages_show_the_target_the_survey_without_intervals_and_stop_search_alone(met, monkeypatch, no_charts,
                                                                                          tmp_path):
    monkeypatch.chdir(tmp_path)  # pages write their CSV downloads
    text = shown_text(monkeypatch, lambda: pages.objective(PageContext.load(met, "2015-06"), "stop-and-search"))
    assert "No comparison with last year: the stop and search records for Metropolitan Police cover 2015-04 to " \
           "2016-01" in text
    text = shown_text(monkeypatch, lambda: pages.objective(PageContext.load(met, "2016-03"), "confidence"))
    assert "No sample size is published" in text
    assert "Target not met at the end of 2015/16: below the 75% target by 7 points." in text
    text = shown_text(monkeypatch, lambda: pages.summary(PageContext.load(met, "2016-03")))
    assert "Of 1 milestone with a numeric target: 1 target not met (MOPAC 7 neighbourhood crimes)." in text
    assert "Counts are monthly, so the year to date is whole months, April to March 2016." in text
    assert "Demonstration data" not in text


def test_the_city_of_london_june_2017_table_equals_a_plain_count_of_the_street_files(city):
    ctx = PageContext.load(city, "2017-06")
    rows = {row.label: (row.last_year, row.this_year)
            for row in rows_for(ctx.plan.milestone_table, ctx.extract, ctx.window)}
    last, this = plain_street_count(["2016-04", "2016-05", "2016-06"]), plain_street_count(["2017-04", "2017-05",
                                                                                             "2017-06"])
    assert rows == {crime_type: (last[crime_type], this[crime_type]) for crime_type in rows}
    assert set(rows) == set(last) | set(this) and not ctx.extract.demonstration


def test_a_monthly_extract_refuses_a_mid_month_cut_off_and_names_missing_months(city, tmp_path):
    with pytest.raises(PeriodError, match=r"^as-of date 2017-06-15: the extract \(street_crime\) counts whole months, "
                                          r"so a cut-off is the last day of a month; expected 2017-06-30$"):
        context.window(city, "2017-06", "2017-06-15")
    with pytest.raises(CoverageError, match=r"^period 2016-12 needs every month from 2015-04 for last year's "
                                            r"comparison, but the extract \(street_crime\) starts in 2016-01: "
                                            r"2015-04 to 2015-12 missing$"):
        context.window(city, "2016-12")
    gappy = tmp_path / "city-of-london"
    edition_files(gappy, "city-of-london")
    files = [p for p in CITY.rglob("*.csv.gz") if "2016-05" not in p.name]
    store.ingest(files + [SOURCES / "lsoa-police-force"], gappy)
    with pytest.raises(CoverageError, match=r"days the extract does not cover: 2016-05 \(1 month\) for every series "
                                            r"and area"):
        context.window(gappy, "2017-06")


def test_the_pre_flight_lists_every_missing_input_in_one_message(city, tmp_path):
    folder = tmp_path / "city-of-london"
    folder.mkdir()
    for name in ("edition.yml", "about.md", "store"):
        (folder / name).symlink_to(city / name)
    (folder / "plan").symlink_to(EDITIONS / "west-midlands" / "plan")  # the West Midlands plan, copied as it is
    with pytest.raises(CoverageError) as caught:
        context.window(folder, "2017-06")
    message = str(caught.value)
    assert "\n" not in message and message.startswith("period 2017-06 needs the extract (street_crime) for West "
                                                      "Midlands, which the store does not hold")
    for needed in ("the series burglary_dwelling, business_crime", "survey results for confidence",
                   "stop and search records for West Midlands",
                   "the crime data integrity audit"):
        assert needed in message


def test_init_refuses_what_it_cannot_start(tmp_path):
    with pytest.raises(PlanError, match=r"--force 'Gotham Police': expected the name of a police force"):
        scaffold.init(tmp_path, "gotham", "Gotham Police")
    with pytest.raises(PlanError, match=r"edition 'City of London': expected a name of lower-case letters"):
        scaffold.init(tmp_path, "City of London", "City of London Police")
    with pytest.raises(PlanError, match=r"nowhere: no such folder; expected a folder of data.police.uk files"):
        scaffold.init(tmp_path, "city", "City of London Police", str(tmp_path / "nowhere"))
    assert not (tmp_path / "data").exists()
    scaffold.init(tmp_path, "city", "City of London Police", str(CITY))
    with pytest.raises(PlanError, match=r"the edition 'city' exists already"):
        scaffold.init(tmp_path, "city", "City of London Police", str(CITY))


def test_the_committed_city_edition_is_what_init_writes(tmp_path):
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "sources").symlink_to(SOURCES)
    made = scaffold.init(tmp_path, "city-of-london", "City of London Police", str(tmp_path / "data" / "sources" /
                                                                                 "police-uk" / "city-of-london"))
    shipped = EDITIONS / "city-of-london"
    for path in sorted(p for p in made.rglob("*") if p.is_file()):
        assert path.read_text() == (shipped / path.relative_to(made)).read_text(), path


def test_a_command_names_an_unknown_edition_in_one_line(capsys):
    assert cli.main(["table", "milestones", "--edition", "gotham", "--period", "2014-11"]) == 1
    error = capsys.readouterr().err
    assert error.startswith("spcb: error: ") and "no such edition 'gotham'; expected one of city-of-london, met, " \
                                                 "national, west-midlands (start one with `spcb init`)" in error
    assert error.count("\n") == 1


def test_a_force_extract_without_extract_yml_is_refused(tmp_path):
    (tmp_path / "extract.csv").write_text("date,area,series,count\n2014-11-01,North,robbery,3\n")
    with pytest.raises(Exception, match="extract.yml"):
        store.ingest([tmp_path / "extract.csv"], tmp_path / "data")


@pytest.mark.integration
def test_a_new_edition_from_init_builds_and_verifies_and_leaves_other_editions_alone(built_book, tmp_path):
    root = copy_project(tmp_path / "project")
    (root / "data").mkdir()
    (root / "data" / "sources").symlink_to(SOURCES)
    police_uk = tmp_path / "downloads"  # as an analyst would download them: one folder per month
    shutil.copytree(CITY, police_uk)
    made = scaffold.init(root, "square-mile", "City of London Police", str(police_uk))
    store.ingest(list(edition.load(made).inputs), made)
    west_midlands = root / "_build" / "html" / "west-midlands"
    shutil.copytree(built_book / "_build" / "html" / "west-midlands", west_midlands)
    before = {p: p.read_bytes() for p in west_midlands.rglob("*") if p.is_file()}
    index = build.build("2017-06", None, made, workers=2, root=root)
    assert index == root / "_build" / "html" / "square-mile" / "index.html"
    assert {p: p.read_bytes() for p in west_midlands.rglob("*") if p.is_file()} == before
    listing = (root / "_build" / "html" / "index.html").read_text()
    assert 'href="square-mile/index.html">City of London Police performance report</a>' in listing
    page = (root / "_build" / "html" / "square-mile" / "2017-06" / "book" / "report" / "about-the-data.html")
    assert "City of London Police" in page.read_text() and "Demonstration" not in page.read_text()
    assert verify.verify("2017-06", root, "square-mile") == 0


def test_every_edition_lists_inputs_that_exist():
    for folder in EDITIONS.iterdir():
        found = edition.load(folder)
        assert found.about.exists() and all(path.exists() for path in found.inputs), folder
        assert Path(ROOT, "data", "sources") in {p.parent for p in found.inputs} | {p.parent.parent for p in
                                                                                  found.inputs}


@pytest.mark.integration
def test_every_month_of_the_met_plan_builds_its_pages(met, monkeypatch, no_charts, tmp_path):
    """Any month from December 2014 to March 2016 gives every page, with no figure from an uncovered window."""
    monkeypatch.chdir(tmp_path)  # pages write their CSV downloads
    months = [f"{year}-{month:02d}" for year, month in [(2014, 12), *((2015, m) for m in range(1, 13)),
                                                        *((2016, m) for m in range(1, 4))]]
    for period in months:
        window = context.window(met, period)
        text = every_page_text(monkeypatch, lambda p=period: PageContext.load(met, p))
        assert window.as_of.isoformat()[:7] == period and "nan" not in text.split()
        searches = "Stop and search in Metropolitan Police" in text
        assert searches == ("2015-04" <= period <= "2016-01"), period


@pytest.mark.integration
def test_the_met_book_for_march_2016_builds_and_verifies(met, tmp_path):
    root = copy_project(tmp_path / "project")
    index = build.build("2016-03", None, met, workers=2, root=root)
    assert index == root / "_build" / "html" / "met" / "index.html"
    summary = (root / "_build" / "html" / "met" / "2016-03" / "book" / "report" / "executive-summary.html").read_text()
    assert "1 target not met (MOPAC 7 neighbourhood crimes)" in summary and "Demonstration data" not in summary
    assert "<title>Executive summary &#8212; Metropolitan Police Service performance against the MOPAC" in summary
    assert verify.verify("2016-03", root, "met") == 0

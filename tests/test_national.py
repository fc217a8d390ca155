"""The national edition: financial quarters, year-to-date totals that equal a plain sum of the Home Office file,
gaps never counted as zero, rates with their population year (none for Wales), the National Crime and Policing
Measures with what they cannot give, the areas a force is compared with, and its pages drawn from the data."""
from collections import Counter
from pathlib import Path

import pandas as pd
import pytest
from conftest import EDITIONS, SOURCES

from spcb.analysis import national
from spcb.analysis.coverage import Unavailable
from spcb.ingest import store
from spcb.plan import edition
from spcb.plan.periods import FinancialYear, PeriodError, Quarter
from spcb.plan.schema import PlanError
from spcb.report import catalogue, output, reads
from spcb.report import national as pages
from spcb.report.national import NationalContext

HOME_OFFICE = SOURCES / "homeoffice-prc-pfa-quarterly-offence-group"
# The Home Office's spelling of the forces these tests sum, and the store's.
SPELLING = {"West Midlands": "West Midlands", "Avon & Somerset": "Avon and Somerset",
            "London, City of": "City of London", "Greater Manchester": "Greater Manchester"}


@pytest.fixture(scope="module")
def data(national) -> Path:
    """The national edition's folder, its store ingested from its inputs."""
    return national


@pytest.fixture(scope="module")
def tables(data):
    found = store.Store(data)
    return {name: found.table(name) for name in ("recorded_crime_quarterly", "rolling_year_crime", "population")}


@pytest.fixture(scope="module")
def counts(tables):
    return national.quarterly(tables["recorded_crime_quarterly"])


@pytest.fixture(scope="module")
def published() -> pd.DataFrame:
    """The Home Office file read on its own, without fraud, with the forces named as the store names them."""
    frame = pd.concat(pd.read_csv(path) for path in sorted(HOME_OFFICE.glob("*.csv")))
    frame = frame[frame["Offence Group"] != "Fraud offences"]
    return frame.assign(force=frame["Force Name"].map(SPELLING)).dropna(subset=["force"])


def test_a_quarter_is_written_by_its_financial_year():
    quarter = Quarter.parse("2023-Q4")
    assert (str(quarter), quarter.name, quarter.label) == ("2023-Q4", "January to March 2024", "2023/24 Q4")
    assert (quarter.first_day.isoformat(), quarter.last_day.isoformat()) == ("2024-01-01", "2024-03-31")
    assert quarter.financial_year == FinancialYear(2023)
    assert (str(quarter.shift(1)), str(quarter.shift(-4)), str(Quarter(2023, 1).shift(-1))) == (
        "2024-Q1", "2022-Q4", "2022-Q4")
    assert Quarter.parse("2002-Q1").name == "April to June 2002"
    assert [str(q) for q in Quarter(2019, 3).year_to_date()] == ["2019-Q1", "2019-Q2", "2019-Q3"]
    for text in ("2023-Q5", "2023Q4", "2023-11", "Q4 2023", "２０２３-Q1"):
        with pytest.raises(PeriodError) as refused:
            Quarter.parse(text)
        assert "\n" not in str(refused.value) and "expected a financial quarter written YYYY-Qn" in str(refused.value)


def test_the_edition_is_national():
    assert edition.load(EDITIONS / "national").kind == "national"
    assert edition.load(EDITIONS / "west-midlands").kind == "board"
    assert edition.load(EDITIONS / "national").granularity == "quarterly"


@pytest.mark.parametrize("period", ["2023-Q4", "2016-Q2", "2003-Q1"])
def test_year_to_date_equals_a_plain_sum_of_the_home_office_file(counts, tables, published, period):
    quarter = Quarter.parse(period)
    years = {quarter.financial_year.label: "this_year", FinancialYear(quarter.start_year - 1).label: "last_year"}
    rows = published[published["Financial Year"].isin(years) & (published["Financial Quarter"] <= quarter.number)]
    for force in SPELLING.values():
        mine = rows[rows["force"] == force]
        expected = mine.groupby([mine["Financial Year"].map(years), "Offence Group"])["Number of Offences"].sum()
        found = national.year_to_date(counts, tables["population"], force, quarter).set_index("group")
        for group in national.GROUPS:
            assert found.loc[group, "this_year"] == expected["this_year", group], (force, group)
            assert found.loc[group, "last_year"] == expected["last_year", group], (force, group)
        for side in ("this_year", "last_year"):
            assert found.loc[national.TOTAL, side] == expected[side].sum()


def test_the_city_of_londons_repeated_rows_are_added_up(counts):
    assert counts.loc[("City of London", "2002-Q2"), "Theft offences"] == 2 + 1747


def test_a_missing_quarter_is_a_gap_never_a_zero(counts, tables):
    gap = ["2022-Q3", "2022-Q4", "2023-Q1", "2023-Q2"]
    assert counts.loc["Devon and Cornwall"].loc[gap].isna().all().all()
    assert national.missing(counts, "Devon and Cornwall", [Quarter.parse(q) for q in gap]) == \
        [Quarter.parse(q) for q in gap]
    for period in ("2022-Q3", "2023-Q2", "2023-Q4"):
        with pytest.raises(Unavailable, match="no figures for Devon and Cornwall for 20"):
            national.year_to_date(counts, tables["population"], "Devon and Cornwall", Quarter.parse(period))
    assert national.year_to_date(counts, tables["population"], "Devon and Cornwall", Quarter.parse("2022-Q2")) \
        .set_index("group").loc[national.TOTAL, "this_year"] > 0
    chart = national.spc_chart(counts, "Devon and Cornwall", national.TOTAL, Quarter.parse("2023-Q4"))
    assert [str(q) for q, v in zip(chart.months, chart.result.values) if pd.isna(v)] == gap
    quarter = Quarter.parse("2023-Q4")
    areas = national.areas(counts, tables["population"], national.regions(tables["rolling_year_crime"]),
                           "Devon and Cornwall", quarter).set_index("area")
    assert pd.isna(areas.loc["Devon and Cornwall", "this_year"])
    assert list(areas.index[1:]) == ["South West excluding Devon and Cornwall", "England excluding Devon and Cornwall",
                                     "England and Wales excluding Devon and Cornwall"]
    assert areas.loc["England and Wales excluding Devon and Cornwall", "forces"] == 42
    headline = national.headline(counts, tables["population"], {}, "Devon and Cornwall", quarter)
    assert (headline["this_year"], headline["change"], headline["rate"]) == (None, None, None)


def test_england_and_wales_is_the_sum_of_the_43_forces(counts, tables, published):
    quarter = Quarter.parse("2016-Q4")
    region_of = national.regions(tables["rolling_year_crime"])
    assert set(region_of) == set(national.FORCES) and len(set(region_of.values())) == 10
    rows = national.areas(counts, tables["population"], region_of, "Kent", quarter).set_index("area")
    assert list(rows.index) == ["Kent", "South East", "England", "England and Wales"]
    every = sum(national.year_to_date(counts, tables["population"], f, quarter).set_index("group")
                .loc[national.TOTAL, "this_year"] for f in national.FORCES)
    assert rows.loc["England and Wales", "this_year"] == every
    assert rows.loc["England and Wales", "forces"] == 43 and rows.loc["England", "forces"] == 39
    assert pd.isna(rows.loc["England and Wales", "per_1000"]) and "Dyfed-Powys, Gwent" in \
        rows.loc["England and Wales", "note"]


def test_rates_state_their_population_year_and_wales_has_none(counts, tables):
    population = tables["population"]
    for period, year, note in (("2015-Q2", 2015, ""), ("2023-Q4", 2019, "mid-2019, the latest it has"),
                               ("2004-Q1", 2009, "mid-2009, the earliest it has")):
        ytd = national.year_to_date(counts, population, "West Midlands", Quarter.parse(period))
        assert ytd.attrs["population_year"] == year and note in ytd.attrs["population_note"]
        people = population[(population["area"] == "West Midlands") & (population["year"] == year)]["population"]
        total = ytd.set_index("group").loc[national.TOTAL]
        assert total["per_1000"] == pytest.approx(total["this_year"] / people.item() * 1000)
    for force in ("Gwent", "Dyfed-Powys", "North Wales", "South Wales"):
        ytd = national.year_to_date(counts, population, force, Quarter.parse("2023-Q4"))
        assert ytd["per_1000"].isna().all() and "covers the forces of England only" in ytd.attrs["rate_reason"]
        assert national.headline(counts, population, {}, force, Quarter.parse("2023-Q4"))["rate"] is None


def test_the_measures_come_from_the_data_or_say_why_not(counts, tables):
    rolling = tables["rolling_year_crime"]
    late = national.measures(counts, rolling, "West Midlands", Quarter.parse("2023-Q4"))
    assert [r.definition.id for r in late] == ["neighbourhood-crime", "homicide", "drugs"]
    assert [r.count is None for r in late] == [True, True, False]
    assert all("ends with the 12 months to 31 December 2018" in r.reason for r in late[:2])
    assert "proxy" in late[2].definition.label
    drugs = counts.loc["West Midlands", "Drug offences"]
    assert late[2].count == drugs.loc[["2023-Q1", "2023-Q2", "2023-Q3", "2023-Q4"]].sum()
    assert late[2].previous == drugs.loc[["2022-Q1", "2022-Q2", "2022-Q3", "2022-Q4"]].sum()
    found = national.measures(counts, rolling, "West Midlands", Quarter.parse("2017-Q3"))
    mine = rolling[(rolling["force"] == "West Midlands") & (rolling["period_end"] == "2017-12-31")]
    burglary = mine[mine["offence"].isin(["Domestic burglary", "Residential burglary"])]
    assert len(burglary) == 2  # the year straddles the change of name: both carry counts
    assert found[0].count == mine[mine["offence"].isin(national.NEIGHBOURHOOD)]["count"].sum()
    assert found[1].count == mine[mine["offence"] == "Homicide"]["count"].item()
    early = national.measures(counts, rolling, "West Midlands", Quarter.parse("2005-Q2"))
    assert "no total for the 12 months to 30 September 2005" in early[0].reason
    assert [label for label, _ in national.NOT_AVAILABLE] == [
        "Hospital admissions for serious violence", "Cyber crime", "Victim satisfaction"]


def test_greater_manchesters_system_change_is_flagged_and_explained(counts):
    quarter = Quarter.parse("2023-Q4")
    chart = national.spc_chart(counts, "Greater Manchester", national.TOTAL, quarter)
    at = [str(q) for q in chart.months].index("2019-Q2")
    assert chart.result.special[at] and chart.months[-1] == quarter and chart.months[0] == Quarter(2002, 1)
    assert any("July 2019" in note for note in national.notes(counts, "Greater Manchester", quarter))


def test_the_context_takes_any_spelling_and_refuses_in_one_line(data):
    assert NationalContext.load(data, "Avon & Somerset Constabulary", "2023-Q4").force == "Avon and Somerset"
    for force, period, error, words in (
            ("Gotham", "2023-Q4", PlanError, "force 'Gotham': found no territorial force"),
            ("British Transport Police", "2023-Q4", PlanError, "expected one of the 43 forces"),
            ("Kent", "2024-Q1", PeriodError, "expected one from 2003-Q1 to 2023-Q4"),
            ("Kent", "2002-Q4", PeriodError, "found a quarter the Home Office file cannot compare"),
            ("Kent", "2023-12", PeriodError, "expected a financial quarter")):
        with pytest.raises(error) as refused:
            NationalContext.load(data, force, period)
        assert words in str(refused.value) and "\n" not in str(refused.value)
    with pytest.raises(PlanError, match="found kind 'board'; expected kind: national"):
        NationalContext.load(EDITIONS / "west-midlands", "Kent", "2023-Q4")


@pytest.fixture
def drawn(monkeypatch, tmp_path):
    """What a page shows: Markdown and HTML as text, each figure's alt text, and the glued title."""
    monkeypatch.chdir(tmp_path)
    shown: list = []

    def display(value, *args, **kwargs):
        shown.append(kwargs["metadata"]["image/png"]["alt"] if isinstance(value, dict) else value.data)

    monkeypatch.setattr(output, "display", display)
    monkeypatch.setattr(output, "glue", lambda name, value, display: shown.append(f"title: {value}"))
    return shown


def test_the_summary_page_shows_the_year_to_date(data, drawn, published):
    pages.summary(NationalContext.load(data, "City of London", "2023-Q4"))
    text = "\n".join(drawn)
    assert drawn[0] == "title: Recorded crime in City of London, 2023/24 Q4"
    city = published[(published["force"] == "City of London") & (published["Financial Year"] == "2023/24")]
    assert f"**{city['Number of Offences'].sum():,}** crimes" in text
    assert "mid-2019" in text and "no estimate for mid-2023" in text.lower() and "few residents" in text
    assert Path("downloads/national-year-to-date.csv").exists()


def test_pages_say_what_is_not_available(data, drawn, no_charts):
    for page in (pages.summary, pages.trends, pages.measures, pages.compare):
        page(NationalContext.load(data, "Devon and Cornwall", "2023-Q4"))
    text = "\n".join(drawn)
    assert "Not available for this period" in text and "no figures for Devon and Cornwall" in text
    assert "Not available: the ONS rolling-year file ends" in text
    assert "Measures not available from published data" in text and "Victim satisfaction" in text
    assert "SPC chart of quarterly all offences excluding fraud recorded from April 2002 to March 2024" in text
    assert "Latest quarter:" in text
    pages.summary(NationalContext.load(data, "Gwent", "2023-Q4"))
    assert "Rates per 1,000 residents are not available for Gwent" in "\n".join(drawn)


def test_each_national_page_reads_each_store_table_at_most_once(data, monkeypatch, tmp_path, no_charts):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(output, "display", lambda *args, **kwargs: None)
    monkeypatch.setattr(output, "glue", lambda *args, **kwargs: None)
    read, counted = pd.read_parquet, Counter()

    def counting(path, *args, **kwargs):
        counted.update([Path(path).stem])
        return read(path, *args, **kwargs)

    monkeypatch.setattr(pd, "read_parquet", counting)
    for template in ("summary", "trends", "measures", "compare"):
        counted.clear()
        getattr(pages, template)(NationalContext.load(data, "Kent", "2023-Q4"))
        assert counted and max(counted.values()) == 1, (template, counted)
        assert {f"table:{name}" for name in counted} <= set(reads.national_inputs(data, f"national-{template}"))


def test_the_headline_and_the_catalogue(data):
    found = pages.headline(NationalContext.load(data, "West Midlands", "2023-Q4"))
    assert {"force", "region", "this_year", "last_year", "change", "rate", "population_year"} <= set(found)
    assert (found["force"], found["region"], found["population_year"]) == ("West Midlands", "West Midlands", 2019)
    assert found["change"] == pytest.approx(found["this_year"] / found["last_year"] - 1, abs=5e-4)
    jobs = catalogue.national_notebooks({"period": "2023-Q4", "as_of": None, "data_dir": str(data), "force": "Kent"},
                                        {"commit": "abc", "command": "spcb build"})
    assert [j.page for j in jobs] == ["national-summary", "national-trends", "national-measures", "national-compare",
                                      "national-provenance"]
    assert all(j.parameters["force"] == "Kent" for j in jobs)
    assert jobs[-1].parameters["commit"] == "abc" and "commit" not in jobs[0].parameters
    assert "file: book/report/about-the-data" in catalogue.toc(catalogue.NATIONAL_PAGES)


def test_the_provenance_page_lists_every_input_file_with_its_sha256_and_reads_the_log(data, monkeypatch, tmp_path):
    monkeypatch.chdir(tmp_path)  # where the page writes its downloads
    shown = []
    monkeypatch.setattr(output, "display", lambda obj, **kwargs: shown.append(str(getattr(obj, "data", obj))))
    monkeypatch.setattr(output, "glue", lambda *args, **kwargs: None)
    ctx = NationalContext.load(data, "Kent", "2023-Q4")
    pages.provenance(ctx, "spcb build --data x --force Kent --period 2023-Q4", "abc123")
    text = "\n".join(shown)
    assert "spcb build --data x --force Kent --period 2023-Q4" in text and "abc123" in text
    assert all(entry["sha256"] in text for entry in ctx.log)
    assert set(reads.national_inputs(data, "national-provenance")) == {"edition", "log"}

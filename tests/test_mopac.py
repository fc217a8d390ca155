"""MOPAC's Public Attitude Survey totals, and stop and search dated in UK local time."""
import csv
from pathlib import Path

import pandas as pd
import pytest
from conftest import SHARED, SOURCES

from spcb.ingest import policeuk, registry
from spcb.ingest.source import Context

PAS = SOURCES / "mopac-pas" / "PAS_Total.csv"
NO_LOOKUP = Context(lambda kind: pd.DataFrame(columns=["code", "parent_name"]))
MET_APRIL = SHARED / "police-uk" / "2015-04" / "2015-04-metropolitan-stop-and-search.csv"


def read(path: Path):
    return registry.read_as(registry.recognise(path), path, NO_LOOKUP)


def plain_proportion(day: str, measure: str) -> float:
    """The proportion the file gives, read with nothing but the csv module."""
    with open(PAS, encoding="utf-8", newline="") as handle:
        rows = [r for r in csv.DictReader(handle, delimiter=";") if r["Date"] == day and r["Measure"] == measure]
    assert len(rows) == 1
    return float(rows[0]["Proportion"].replace(",", "."))


@pytest.mark.parametrize("day, period_end", [("31/12/2014", "2014-12-31"), ("31/03/2016", "2016-03-31")])
def test_pas_proportions_equal_a_plain_read_of_the_csv(day, period_end):
    parsed = read(PAS)
    frame = parsed.frame
    assert parsed.table == "attitude" and parsed.rows_read == len(frame) == 291
    row = frame[(frame["measure"] == '"Good Job" local') & (frame["period_end"] == pd.Timestamp(period_end))]
    assert row[["survey", "area"]].values.tolist() == [["PAS", "MPS"]]
    assert row["proportion"].tolist() == [plain_proportion(day, '"Good Job" local')]


def test_only_the_exact_pas_header_is_read_with_semicolons(tmp_path):
    assert registry.recognise(PAS).name == "mopac-pas"
    other = tmp_path / "other.csv"
    other.write_text("Date;Survey;Borough;Measure;Proportion;Sample\n", encoding="utf-8")
    with pytest.raises(registry.InputError, match="the header is separated by semicolons, not commas"):
        registry.recognise(other)


def _searches(path: Path, times: list[str]) -> Path:
    row = "Person search,{},,,,,Male,18-24,,White,,,Nothing found - no further action,,\n"
    path.write_text(",".join(policeuk.POLICE_UK_STOP) + "\n" + "".join(row.format(t) for t in times),
                    encoding="utf-8")
    return path


def test_stop_and_search_is_dated_in_uk_local_time(tmp_path):
    path = _searches(tmp_path / "2015-04-metropolitan-stop-and-search.csv",
                     ["2015-03-31T23:30:00+00:00", "2015-04-15T12:00:00+00:00", "2015-04-30T22:59:00+00:00"])
    frame = read(path).frame
    assert frame["date"].dt.strftime("%Y-%m-%d").tolist() == ["2015-04-01", "2015-04-15", "2015-04-30"]
    assert set(frame["month"]) == {"2015-04"}


def test_a_search_in_the_next_local_month_is_refused(tmp_path):
    path = _searches(tmp_path / "2015-04-metropolitan-stop-and-search.csv",
                     ["2015-04-15T12:00:00+00:00", "2015-04-30T23:30:00+00:00"])
    with pytest.raises(registry.InputError) as caught:
        read(path)
    assert str(caught.value) == (f"{path}:3:2: column 'Date': found '2015-04-30T23:30:00+00:00'; expected the month "
                                 "2015-04, as the file name says")


@pytest.mark.skipif(not MET_APRIL.exists(), reason="../shared/data is not beside the checkout")
def test_the_mets_april_2015_file_starts_at_local_midnight():
    frame = read(MET_APRIL).frame
    with open(MET_APRIL, encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert len(frame) == len(rows) and set(frame["month"]) == {"2015-04"}
    assert rows[0]["Date"].startswith("2015-03-31T23:") and frame["date"].min() == pd.Timestamp("2015-04-01")
    assert frame["date"].max() == pd.Timestamp("2015-04-30")

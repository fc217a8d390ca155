"""The Metropolitan Police Service's borough file: the importer's counts against a plain count of the CSV."""
from datetime import date

import pandas as pd
import pytest
from conftest import SOURCES

from spcb.ingest import registry, store
from spcb.ingest.contract import InputError
from spcb.ingest.source import Context
from spcb.ingest.store import Store

MPS = SOURCES / "mps-borough-crime" / "MPS Borough Level Crime (Historical).csv"
# The seven neighbourhood crimes of MOPAC's 2013-16 plan (the "MOPAC 7"), as the MPS names them.
MOPAC_7 = ("BURGLARY IN A DWELLING", "BURGLARY BUSINESS AND COMMUNITY", "CRIMINAL DAMAGE",
           "ROBBERY OF PERSONAL PROPERTY", "ROBBERY OF BUSINESS PROPERTY", "THEFT FROM A VEHICLE",
           "THEFT OR UNAUTH TAKING OF A MOTOR VEH", "THEFT FROM THE PERSON", "VIOLENCE WITH INJURY")


def read(path, today=None):
    context = Context(lambda kind: pd.DataFrame(columns=["code", "parent_name"]), today)
    return registry.read_as(registry.recognise(path), path, context)


@pytest.fixture(scope="module")
def parsed():
    return read(MPS)


@pytest.mark.parametrize("year, expected", [(2011, 402_323), (2015, 329_517)])
def test_mopac_7_financial_year_totals_equal_a_plain_count_of_the_csv(parsed, year, expected):
    raw = pd.read_csv(MPS)
    months = [f"{year}{m:02d}" for m in range(4, 13)] + [f"{year + 1}{m:02d}" for m in range(1, 4)]
    plain = int(raw[raw["MinorText"].isin(MOPAC_7)][months].to_numpy().sum())
    frame = parsed.frame
    window = frame["month"].between(f"{year}-04", f"{year + 1}-03") & frame["series"].isin(MOPAC_7)
    assert set(frame["series"]) >= set(MOPAC_7)
    assert int(frame.loc[window, "count"].sum()) == plain == expected


def test_every_cell_of_the_wide_file_is_one_row(parsed):
    raw = pd.read_csv(MPS, dtype={"MajorText": str, "MinorText": str, "BoroughName": str})
    assert registry.recognise(MPS).name == "mps-borough" and parsed.table == "monthly_crime"
    assert parsed.rows_read == len(raw) == 949 and len(parsed.frame) == 949 * 162 and not parsed.rejected
    wide = parsed.frame.pivot_table("count", ["major", "series", "area"], "month", aggfunc="sum")
    wide.columns = wide.columns.str.replace("-", "")
    plain = raw.set_index(["MajorText", "MinorText", "BoroughName"]).rename_axis(["major", "series", "area"])
    pd.testing.assert_frame_equal(wide.sort_index(), plain.sort_index()[wide.columns], check_names=False)
    assert parsed.frame["area"].nunique() == 34 and parsed.frame["series"].nunique() == 28
    assert parsed.frame["major"].nunique() == 12


def test_a_month_after_the_ingest_is_refused_at_its_column():
    assert len(read(MPS, today=date(2023, 9, 1)).frame) == 949 * 162
    with pytest.raises(InputError) as caught:
        read(MPS, today=date(2023, 8, 31))
    assert str(caught.value) == (f"{MPS}:1:165: found the column '202309'; expected a month no later than 202308 "
                                 "(the day of this ingest)")


def test_a_newer_file_replaces_the_months_it_covers(tmp_path):
    older, newer = tmp_path / "older" / "mps.csv", tmp_path / "newer" / "mps.csv"
    for path, text in ((older, "201004,201005\nBURGLARY,BURGLARY IN A DWELLING,Barnet,118,120\n"),
                       (newer, "201005,201006\nBURGLARY,BURGLARY IN A DWELLING,Barnet,121,99\n")):
        path.parent.mkdir()
        path.write_text("MajorText,MinorText,BoroughName," + text)
        store.ingest([path], tmp_path)
    table = Store(tmp_path).table("monthly_crime").set_index("month")["count"]
    assert table.sort_index().to_dict() == {"2010-04": 118, "2010-05": 121, "2010-06": 99}


def test_the_shipped_store_holds_the_file(met):
    table = Store(met).table("monthly_crime")
    assert len(table) == 949 * 162 and table["month"].min() == "2010-04" and table["month"].max() == "2023-09"

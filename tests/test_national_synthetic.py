"""The generator of the synthetic national year (tests/national_synthetic.py), on a small year: the archive's
names and header, the forces and months asked for, the rows shared out exactly, unique crime ids, the same bytes
every time, and files that `spcb ingest` accepts with the shipped LSOA lookup."""
import csv
import re

import pytest
from conftest import SHARED
from national_synthetic import LSOA_LOOKUP, generate

from spcb.ingest import store
from spcb.ingest.policeuk import POLICE_UK_STREET

pytestmark = pytest.mark.skipif(not SHARED.exists(), reason="../shared/data is not beside the checkout")


@pytest.fixture(scope="module")
def year(tmp_path_factory):
    return generate(tmp_path_factory.mktemp("national"), SHARED, forces=2, months=2, rows=2000)


def rows_of(path):
    with open(path, encoding="utf-8", newline="") as handle:
        return list(csv.reader(handle))


def test_one_file_per_force_and_month_named_as_the_archive_names_them(year):
    assert [p.relative_to(year[0].parents[1]).as_posix() for p in year] == [
        "2016-07/2016-07-avon-and-somerset-street.csv", "2016-07/2016-07-bedfordshire-street.csv",
        "2016-08/2016-08-avon-and-somerset-street.csv", "2016-08/2016-08-bedfordshire-street.csv"]


def test_the_rows_add_up_and_carry_the_files_force_and_month(year):
    counts = {}
    for path in year:
        header, *rows = rows_of(path)
        assert header == list(POLICE_UK_STREET)
        assert path.read_bytes().count(b"\r\n") == len(rows) + 1
        month, force = path.name[:7], "Avon & Somerset Constabulary" if "avon" in path.name else "Bedfordshire Police"
        assert {tuple(row[1:4]) for row in rows} == {(month, force, force)}
        counts[path.name] = len(rows)
    assert sum(counts.values()) == 2000
    assert counts["2016-07-avon-and-somerset-street.csv"] > 2 * counts["2016-07-bedfordshire-street.csv"]


def test_crime_ids_are_unique_and_written_as_the_archive_writes_them(year):
    ids = [row[0] for path in year for row in rows_of(path)[1:]]
    given = [i for i in ids if i]
    assert len(set(given)) == len(given) and all(re.fullmatch("[0-9a-f]{64}", i) for i in given)
    assert 0 < ids.count("") < len(ids)  # anti-social behaviour has no crime id


def test_the_same_arguments_give_the_same_bytes(year, tmp_path):
    again = generate(tmp_path, SHARED, forces=2, months=2, rows=2000)
    assert [p.read_bytes() for p in again] == [p.read_bytes() for p in year]


def test_the_files_ingest_with_the_shipped_lsoa_lookup(year, tmp_path):
    results = store.ingest([*year, LSOA_LOOKUP], tmp_path)
    assert [r.status for r in results] == ["ingested"] * 5
    assert sum(r.rows_read for r in results if r.table == "street_crime") == 2000
    assert store.Store(tmp_path).table("street_crime")["count"].sum() == 2000

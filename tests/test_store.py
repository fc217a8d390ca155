"""The store: idempotent ingest, replacement of a period, all-or-nothing failure, and the summary."""
import hashlib
import json
import shutil
from pathlib import Path

import pytest
from conftest import ROOT, SHARED

from spcb.ingest import store
from spcb.ingest.contract import InputError

CORPUS = Path(__file__).parent / "corpus"
needs_shared = pytest.mark.skipif(not SHARED.exists(), reason="../shared/data is not beside the checkout")
STREET = SHARED / "police-uk" / "2016-07" / "2016-07-west-yorkshire-street.csv"


def fingerprint(folder: Path) -> dict:
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture
def street(tmp_path):
    """A copy of a real street file, under its archive name, to edit; the store of `tmp_path` already holds the
    LSOA lookup, which street files need."""
    store.ingest([ROOT / "data" / "sources" / "lsoa-police-force"], tmp_path)
    path = tmp_path / "files" / STREET.name
    path.parent.mkdir()
    shutil.copy(STREET, path)
    return path


@needs_shared
def test_ingesting_the_same_file_twice_changes_nothing(tmp_path, street):
    first = store.ingest([street], tmp_path)
    assert [r.status for r in first] == ["ingested"]
    before = fingerprint(tmp_path / "store")
    again = store.ingest([street], tmp_path)
    assert [r.status for r in again] == ["unchanged"]
    assert "was already ingested (same SHA-256)" in again[0].describe()
    assert fingerprint(tmp_path / "store") == before


@needs_shared
def test_a_newer_file_for_a_month_replaces_that_months_rows(tmp_path, street):
    store.ingest([street], tmp_path)
    total = store.Store(tmp_path).table("street_crime")["count"].sum()
    lines = street.read_text(encoding="utf-8").splitlines(keepends=True)
    newer = tmp_path / "newer" / street.name
    newer.parent.mkdir()
    newer.write_text("".join(lines[:-100]), encoding="utf-8")
    result = store.ingest([newer], tmp_path)[0]
    table = store.Store(tmp_path).table("street_crime")
    assert table["count"].sum() == total - 100
    assert result.replaced_rows > 0
    assert result.replaced[0]["file"] == street.name and result.replaced[0]["periods"] == ["West Yorkshire|2016-07"]
    assert f"replaced {result.replaced_rows:,} rows of street_crime from {street.name}" in result.describe()
    report = store.summary(tmp_path)
    assert [s["file"] for s in report["tables"]["street_crime"]["sources"]] == [str(newer)]
    assert report["superseded"][0]["replaced"][0]["file"] == street.name


@needs_shared
def test_a_failed_ingest_leaves_the_store_byte_identical(tmp_path, street):
    store.ingest([street], tmp_path)
    before = fingerprint(tmp_path)
    bad = CORPUS / "extract-negative-count" / "recorded-crime.csv"
    good = SHARED / "police-uk" / "2017-07" / "2017-07-west-yorkshire-street.csv"
    with pytest.raises(InputError, match="found '-2'; expected a whole number from 0 to 1,000,000,000"):
        store.ingest([good, bad], tmp_path)
    assert fingerprint(tmp_path) == before


@pytest.mark.parametrize("case", sorted(p.name for p in CORPUS.iterdir() if p.is_dir()))
def test_every_bad_file_leaves_an_existing_store_unchanged(tmp_path, case, data):
    shutil.copytree(data / "store", tmp_path / "store")
    before = fingerprint(tmp_path)
    with pytest.raises(InputError):
        store.ingest([CORPUS / case], tmp_path)
    assert fingerprint(tmp_path) == before


@needs_shared
@pytest.mark.slow
def test_every_public_file_ingests_and_the_summary_reports_it(tmp_path):
    # The Met and City of London files added on 2026-11-27 belong to their own editions, tested with them.
    files = store.expand([SHARED / "public"]) + sorted(
        p for p in store.expand([SHARED / "police-uk"]) if "west-" in p.name)
    results = store.ingest(files, tmp_path)
    assert len(results) == len(files) == 18 and all(r.status == "ingested" for r in results)
    report = store.summary(tmp_path)
    assert set(report["tables"]) == {"street_crime", "stop_search", "recorded_crime_quarterly",
                                     "recorded_crime_by_code", "crime_outcomes", "rolling_year_crime",
                                     "population", "census_ethnicity", "lookup"}
    street = {Path(s["file"]).name: s for s in report["tables"]["street_crime"]["sources"]}
    assert street["2016-07-west-yorkshire-street.csv"]["by_category"]["Burglary"] == sum(
        1 for line in STREET.read_text(encoding="utf-8").splitlines() if ",Burglary," in line)
    assert street["2016-07-west-yorkshire-street.csv"]["first"] == "2016-07"
    text = store.summary_text(report)
    assert "rolling_year_crime:" in text and "2003-03-31 to 2018-12-31" in text
    assert json.loads(json.dumps(report)) == report


def test_summary_of_an_empty_folder_is_a_clear_error(tmp_path):
    with pytest.raises(InputError, match="no store yet; run `spcb ingest PATH...` first"):
        store.summary(tmp_path)


def test_missing_path_is_a_clear_error(tmp_path):
    with pytest.raises(InputError, match="no such file or folder"):
        store.ingest([tmp_path / "nothing.csv"], tmp_path)

"""A page's context: the extract as the pages see it, read from the store with its demonstration label."""
import pytest
from conftest import edition_files

from spcb.ingest.contract import SERIES, InputError
from spcb.report import context


def test_shipped_extract_is_the_labelled_demonstration(november):
    extract = november.extract
    assert extract.demonstration
    assert "Demonstration" in extract.title
    assert (extract.first_date.isoformat(), extract.last_date.isoformat()) == ("2010-04-01", "2014-11-24")
    assert extract.series == set(SERIES)
    assert extract.counts["area"].nunique() == 10
    assert extract.counts["count"].sum() > 0


def test_missing_extract_and_missing_series(tmp_path, november):
    edition_files(tmp_path)
    with pytest.raises(InputError, match=r"no recorded_crime rows in the store, which the edition's extract is; run "
                                         r"`spcb ingest --edition"):
        context.window(tmp_path, "2014-11")
    extract = november.extract
    with pytest.raises(InputError, match="no rows for series 'knife_crime'"):
        extract.require("knife_crime")

import gzip

import pytest

from conftest import DATA
from spcb import inputs

HEADER = "date,area,series,count\n"


def write(tmp_path, text, name="recorded-crime.csv"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_shipped_extract_is_the_labelled_demonstration():
    extract = inputs.load_extract(DATA)
    assert extract.demonstration
    assert "Demonstration" in extract.title
    assert (extract.first_date.isoformat(), extract.last_date.isoformat()) == ("2010-04-01", "2014-11-24")
    assert extract.series == set(inputs.SERIES)
    assert extract.counts["area"].nunique() == 10


@pytest.mark.parametrize("body, where, message", [
    ("2014-11-24,Coventry,robbery,-1\n", ":2:4:", "column 'count': found '-1'; expected a whole number of 0 or more"),
    ("2014-11-24,Coventry,robbery,many\n", ":2:4:", "found 'many'"),
    ("2014-11-24,Coventry,robbery,2.5\n", ":2:4:", "found '2.5'"),
    ("24/11/2014,Coventry,robbery,1\n", ":2:1:", "column 'date': found '24/11/2014'; expected a date written YYYY-MM-DD"),
    ("2014-02-30,Coventry,robbery,1\n", ":2:1:", "found '2014-02-30'"),
    ("2014-11-24,Coventry,robery,1\n", ":2:3:", "column 'series': found 'robery'; expected one of"),
    ("2014-11-24, ,robbery,1\n", ":2:2:", "column 'area'"),
    ("2014-11-24,Coventry,robbery,1\n2014-11-24,Coventry,robbery,2\n", ":3:1:", "repeats an earlier row"),
    ("2014-11-24,Coventry,robbery,1\n2014-11-25,Coventry,rob", ":3:", ""),
])
def test_bad_rows_name_file_line_and_column(tmp_path, body, where, message):
    path = write(tmp_path, HEADER + body)
    with pytest.raises(inputs.InputError) as caught:
        inputs.read_counts(path)
    text = str(caught.value)
    assert text.startswith(f"{path}{where}") and message in text
    assert "\n" not in text


def test_wrong_header_empty_file_and_header_only(tmp_path):
    with pytest.raises(inputs.InputError, match=r":1:1: found the header 'day,lpu,series,count'; expected date,area"):
        inputs.read_counts(write(tmp_path, "day,lpu,series,count\n2014-11-24,Coventry,robbery,1\n"))
    with pytest.raises(inputs.InputError, match=r":1:1: the file is empty"):
        inputs.read_counts(write(tmp_path, ""))
    with pytest.raises(inputs.InputError, match=r":2:1: the file has a header but no rows"):
        inputs.read_counts(write(tmp_path, HEADER))


def test_a_spreadsheet_saved_in_place_of_csv_is_refused(tmp_path):
    path = tmp_path / "recorded-crime.csv"
    path.write_bytes(b"PK\x03\x04\x14\x00\x06\x00\x08\x00\x00\x00!\x00\xb5\x9d\xe3\xff")
    with pytest.raises(inputs.InputError, match="not a UTF-8 CSV file"):
        inputs.read_counts(path)


def test_gzipped_extract_reads_like_plain(tmp_path):
    body = HEADER + "2014-11-24,Coventry,robbery,3\n"
    with gzip.open(tmp_path / "recorded-crime.csv.gz", "wt", encoding="utf-8") as handle:
        handle.write(body)
    frame = inputs.read_counts(tmp_path / "recorded-crime.csv.gz")
    assert frame["count"].tolist() == [3]


def test_missing_extract_and_missing_series(tmp_path):
    with pytest.raises(inputs.InputError, match="no extract found"):
        inputs.load_extract(tmp_path)
    (tmp_path / "extract").mkdir()
    write(tmp_path / "extract", HEADER + "2014-11-24,Coventry,robbery,3\n")
    extract = inputs.load_extract(tmp_path)
    assert not extract.demonstration
    with pytest.raises(inputs.InputError, match="no rows for series 'hate_crime'"):
        extract.require("hate_crime")

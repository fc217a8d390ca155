"""The ingest's fast paths give what the cell-by-cell paths give: a CSV file read in bulk, data.police.uk rows
counted before their cells are checked, and a table staged in blocks replaced file by file."""
import gzip
from pathlib import Path

import pandas as pd
import pytest

from spcb.ingest import store
from spcb.ingest.contract import InputError
from spcb.ingest.source import BOM, _bulk, check_shape, records, text_table

CORPUS = Path(__file__).parent / "corpus"
SMALL_LOOKUP = CORPUS / "street-lsoa-not-in-the-lookup" / "PoliceforceLSOA.csv"
PLAIN = {
    "lines ending in LF": b"a,b\n1,2\n3,4\n",
    "lines ending in CRLF": b"a,b\r\n1,2\r\n3,4\r\n",
    "a byte order mark, spaces around a name": BOM + b"a, b \n1,2\n",
    "text beyond ASCII": "a,b\nYnys Môn,–\n".encode(),
    "no newline at the end": b"a,b\n1,2",
    "lines ending in CR": b"a,b\r1,2\r3,4\r",
    "an empty cell, spaces in a cell": b"a,b\n,2\n 1 ,\n",
}
DOUBTFUL = {
    "a quoted cell": b'a,b\n"1,5",2\n',
    "a blank line": b"a,b\n1,2\n\n3,4\n",
    "a line of separators and spaces": b"a,b\n1,2\n , \n3,4\n",
    "a line of spaces beyond ASCII": "a,b\n1,2\n\u00a0,\u3000\n".encode(),
    "a line with a field too many": b"a,b\n1,2\n1,2,3\n",
    "a NUL byte": b"a,b\n1,\x002\n",
    "a byte that is not UTF-8": b"a,b\n1,\xff\n",
    "a header and no rows": b"a,b\n",
    "an empty first line": b"\na,b\n1,2\n",
    "no line after the header's": b"a,b",
    "a blank line between CR and LF": b"a,b\n1,2\r\r\n3,4\n",
    "a cell longer than the csv module allows": b"a,b\n1," + b"x" * 200_000 + b"\n",
}


def cell_by_cell(path: Path):
    header, rows, lines = records(path)
    check_shape(path, header, rows, lines)
    return header, pd.DataFrame(rows, columns=header, dtype=object), list(lines)


def read_both(path: Path):
    """The file read by `text_table` and cell by cell: each the result, or the error's message."""
    results = []
    for read in (text_table, cell_by_cell):
        try:
            header, frame, lines = read(path)
            results.append((header, frame.to_dict("split"), list(lines)))
        except InputError as error:
            results.append(str(error))
    return results


@pytest.mark.parametrize("gzipped", [False, True])
@pytest.mark.parametrize("case", PLAIN)
def test_a_plain_file_is_read_in_bulk_as_the_csv_module_reads_it(tmp_path, case, gzipped):
    path = tmp_path / "file.csv"
    path.write_bytes(gzip.compress(PLAIN[case]) if gzipped else PLAIN[case])
    assert _bulk(path, ",") is not None
    bulk, by_cell = read_both(path)
    assert bulk == by_cell


@pytest.mark.parametrize("case", DOUBTFUL)
def test_a_file_with_any_doubt_is_read_cell_by_cell(tmp_path, case):
    path = tmp_path / "file.csv"
    path.write_bytes(DOUBTFUL[case])
    assert _bulk(path, ",") is None
    bulk, by_cell = read_both(path)
    assert bulk == by_cell


def street_file(folder: Path, lines: list[tuple[str, str]], month: str = "2016-07") -> Path:
    """A street file of `lines` (crime type, LSOA code) for `month`, the other cells those of a real row."""
    header = ("Crime ID,Month,Reported by,Falls within,Longitude,Latitude,Location,LSOA code,LSOA name,Crime type,"
              "Last outcome category,Context")
    rows = [f"id{i},{month},West Yorkshire Police,West Yorkshire Police,-1.706334,53.549364,On or near Brown'S Edge "
            f"Road,{lsoa},Barnsley 027D,{crime},Investigation complete; no suspect identified,"
            for i, (crime, lsoa) in enumerate(lines)]
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{month}-west-yorkshire-street.csv"
    path.write_text("\n".join([header, *rows]) + "\n", encoding="utf-8")
    return path


def test_rows_counted_before_checking_are_refused_at_the_first_line_with_the_bad_cell(tmp_path):
    path = street_file(tmp_path, [("Burglary", "E01010646"), ("Robbery", "E01011229"), ("Burglary", "E01010646"),
                                  ("burglary", "E01011229"), ("burglary", "E01010646"), ("burglary", "E01011229")])
    with pytest.raises(InputError, match=r"street.csv:5:10: column 'Crime type': found 'burglary'; expected "
                                         r"'Burglary', as published"):
        store.ingest([SMALL_LOOKUP, path], tmp_path / "data")


def test_a_name_spelt_two_ways_is_refused_at_its_second_spelling_when_rows_are_counted(tmp_path):
    header = "Crime ID,Month,Reported by,Falls within,Longitude,Latitude,Location,LSOA code,LSOA name,Outcome type"
    lines = [f"id{i},2016-07,West Yorkshire Police,West Yorkshire Police,,,No location,{lsoa},,{outcome}"
             for i, (outcome, lsoa) in enumerate([("Case sent to panel", ""), ("Under investigation", ""),
                                                  ("Case sent to panel", "E01010646"), ("Case Sent to panel", ""),
                                                  ("Case sent to panel", "")])]
    path = tmp_path / "2016-07-west-yorkshire-outcomes.csv"
    path.write_text("\n".join([header, *lines]) + "\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"outcomes.csv:5:10: column 'Outcome type': found 'Case Sent to panel'; "
                                         r"expected 'Case sent to panel', as an earlier line writes it"):
        store.ingest([path], tmp_path / "data")


def test_counts_of_repeated_rows_add_up(tmp_path):
    path = street_file(tmp_path, [("Burglary", "E01010646"), ("Robbery", ""), ("Burglary", "E01010646"),
                                  ("Robbery", ""), ("Robbery", "E01011229"), ("Burglary", "E01010646")])
    store.ingest([SMALL_LOOKUP, path], tmp_path / "data")
    table = store.Store(tmp_path / "data").table("street_crime")
    assert table[["lsoa_code", "local_authority", "crime_type", "count"]].values.tolist() == [
        ["", "", "Robbery", 2], ["E01010646", "Bradford", "Burglary", 3], ["E01011229", "Kirklees", "Robbery", 1]]


def test_a_later_file_in_the_same_ingest_replaces_an_earlier_ones_month(tmp_path):
    first = street_file(tmp_path / "first", [("Burglary", "E01010646"), ("Robbery", "")])
    later = street_file(tmp_path / "later", [("Robbery", "E01011229")])
    other = street_file(tmp_path / "other", [("Robbery", "")], "2016-08")
    results = store.ingest([SMALL_LOOKUP, first, other, later], tmp_path / "data")
    assert results[-1].replaced == [{"file": first.name, "rows": 2, "periods": ["West Yorkshire|2016-07"]}]
    table = store.Store(tmp_path / "data").table("street_crime")
    assert table[["month", "lsoa_code", "crime_type", "count"]].values.tolist() == [
        ["2016-07", "E01011229", "Robbery", 1], ["2016-08", "", "Robbery", 1]]

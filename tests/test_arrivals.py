"""The corpus of data that arrives the real way (tests/corpus/arrivals.yml): each case refuses in one line or
builds pages that state the limitation, and no page shows `nan`, `inf` or a traceback."""
from __future__ import annotations

import gzip
import re
import shutil
from datetime import date, timedelta
from pathlib import Path

import pandas as pd
import pytest
import yaml
from conftest import ROOT, edition_files, every_page_text

from spcb.ingest import store
from spcb.ingest.contract import InputError
from spcb.ingest.policeuk import POLICE_UK_STOP
from spcb.plan.periods import Month, PeriodError
from spcb.report import narrative
from spcb.report.context import PageContext

CASES = yaml.safe_load((Path(__file__).parent / "corpus" / "arrivals.yml").read_text(encoding="utf-8"))
INGESTED_ON = date(2015, 6, 30)


def test_the_corpus_has_twenty_cases_each_with_one_expectation():
    assert len(CASES) >= 20 and len({c["name"] for c in CASES}) == len(CASES)
    assert all(sum(k in c for k in ("refuses", "ingest_refuses", "states")) == 1 for c in CASES)


def write_extract(folder: Path, spec: dict, areas: list[str], series: list[str]) -> None:
    days = [spec["from"] + timedelta(days=i) for i in range((spec["to"] - spec["from"]).days + 1)]

    def skipped(day, area, name):
        return any(s["from"] <= day <= s["to"] and s.get("area", area) == area and s.get("series", name) == name
                   for s in spec.get("skip", []))

    rows = [f"{d.isoformat()},{a},{s},30" for d in days for a in areas for s in series if not skipped(d, a, s)]
    with gzip.open(folder / f"extract-{spec['from']}.csv.gz", "wt", encoding="utf-8") as handle:
        handle.write("date,area,series,count\n" + "\n".join(rows) + "\n")
    published = f"published: {spec['published']}\n" if "published" in spec else ""
    (folder / "extract.yml").write_text(f"title: Extract from {spec['from']}\ndemonstration: true\n{published}")


def write_files(case: dict, target: Path, shipped: pd.DataFrame) -> list[Path]:
    areas, series = sorted(shipped["area"].unique()), sorted(shipped["series"].unique())
    written = []
    for index, entry in enumerate(case["files"]):
        (kind, spec), = entry.items()
        folder = target / ("raw" if kind == "raw" else f"{index:02d}-{kind}")  # raw files share one folder
        if folder in written:
            written.remove(folder)
        folder.mkdir(parents=True, exist_ok=True)
        if kind == "extract":
            write_extract(folder, spec, areas, series)
        elif kind == "stop_search":
            row = dict.fromkeys(POLICE_UK_STOP, "") | {
                "Type": "Person search", "Date": f"{spec['month']}-15T12:00:00+00:00", "Officer-defined ethnicity":
                "White", "Outcome": "Nothing found - no further action", "Object of search": "Controlled drugs"}
            line = ",".join(row[c] for c in POLICE_UK_STOP)
            (folder / f"{spec['month']}-west-midlands-stop-and-search.csv").write_text(
                ",".join(POLICE_UK_STOP) + "\n" + "\n".join([line] * 900) + "\n")
        elif kind == "survey":
            (folder / "survey.csv").write_text("measure,month,respondents,positive\n" + "".join(
                f"{spec['measure']},{m},300,250\n" for m in spec["months"]))
            (folder / "extract.yml").write_text("title: Survey results\ndemonstration: true\n")
        elif kind == "raw":
            path = folder / spec["name"]
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(spec["text"])
        elif kind == "copy":
            shutil.copy(ROOT / spec, folder / Path(spec).name)
            shutil.copy(ROOT / Path(spec).parent / "extract.yml", folder / "extract.yml")
        written.append(folder)
    return written


@pytest.mark.slow
@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_data_that_arrives_the_real_way(case, data, tmp_path, monkeypatch, no_charts):
    folder = tmp_path / "data"
    shutil.copytree(data / "store", folder / "store")
    shutil.copytree(data / "narrative", folder / "narrative")
    edition_files(folder)
    period = str(case["period"])
    if case.get("unpin"):
        (folder / "narrative" / period / narrative.PERIOD_FILE).unlink()
    files = write_files(case, tmp_path / "arrived", pd.read_parquet(data / "store" / "recorded_crime.parquet"))
    before = sorted((p.name, p.read_bytes()) for p in (folder / "store").iterdir())
    if "ingest_refuses" in case:
        with pytest.raises(InputError) as caught:
            store.ingest(files, folder, today=INGESTED_ON)
        assert case["ingest_refuses"] in str(caught.value) and "\n" not in str(caught.value)
        assert sorted((p.name, p.read_bytes()) for p in (folder / "store").iterdir()) == before
        return
    store.ingest(files, folder, today=INGESTED_ON)
    as_of = case.get("as_of")

    def ctx_for():
        return PageContext.load(folder, period, as_of and str(as_of))

    if "refuses" in case:
        with pytest.raises((InputError, PeriodError)) as caught:
            ctx_for()
        assert case["refuses"] in str(caught.value) and "\n" not in str(caught.value)
        return
    narrative.pin(folder, Month.parse(period), ctx_for().window.as_of)  # as the build does before any page runs
    monkeypatch.chdir(tmp_path)
    text = every_page_text(monkeypatch, ctx_for)
    for expected in case["states"]:
        assert expected in text
    assert not re.search(r"\b(nan|inf)\b", text, re.IGNORECASE)

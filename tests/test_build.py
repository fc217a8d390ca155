"""The whole book, built into a temporary folder: pages, the milestone table, nbval and failure handling."""
import gzip
import hashlib
import json
import re
import shutil
import subprocess

import pytest
from conftest import DATA, ROOT, edition_files, shipped_data
from html_tables import read_page

from spcb.analysis.coverage import CoverageError
from spcb.ingest import store
from spcb.ingest.contract import InputError
from spcb.plan import edition
from spcb.plan.schema import load_dir
from spcb.site import build, pdf, verify
from spcb.site.project import BuildError

pytestmark = pytest.mark.integration

MILESTONES = [
    ["Burglary Dwelling", "Milestone", "8,045", "7,310", "−735", "−2%", "−9.1%", "574", "On track: 574 below target"],
    ["Public Place Violence With Injury", "Milestone", "6,623", "7,192", "+569", "−5%", "+8.6%", "901",
     "Off track: 901 above target"],
    ["Robbery", "Milestone", "3,360", "3,171", "−189", "−5%", "−5.6%", "21", "On track: 21 below target"],
    ["Total Recorded Crime", "Deliverable", "114,287", "115,245", "+958", "–", "+0.8%", "–", "–"],
    ["Business Crime", "Deliverable", "22,978", "25,016", "+2,038", "–", "+8.9%", "–", "–"],
]


def pages(root):
    return root / "_build" / "html" / "west-midlands" / "2014-11" / "book" / "report"


def test_every_objective_has_a_page_in_the_papers_order(built_book):
    titles = [read_page(p).h1 for p in sorted(pages(built_book).glob("objective-*.html"))]
    assert titles == [o.title for o in load_dir(DATA).objectives]
    assert read_page(pages(built_book) / "executive-summary.html").h1 == "Executive summary"
    html = built_book / "_build" / "html"
    assert "executive-summary.html" in (html / "west-midlands" / "2014-11" / "index.html").read_text()
    assert 'url=2014-11/index.html' in (html / "west-midlands" / "index.html").read_text()
    assert ('<a href="west-midlands/index.html">West Midlands Police and Crime Plan performance report</a>'
            in (html / "index.html").read_text())


def test_milestone_table_holds_the_papers_numbers(built_book):
    table = read_page(pages(built_book) / "executive-summary.html").tables["T_milestones"]
    assert table["caption"] == "Milestones and deliverables, year to date to 24 November 2014"
    assert table["rows"][0] == ["Measure", "Type", "Last year", "This year", "Difference", "Milestone",
                                "Performance", "Variance", "Status"]
    assert table["rows"][1:] == MILESTONES


def test_every_measured_item_has_its_table_and_one_chart_a_measure_with_alt_text(built_book):
    page = read_page(pages(built_book) / "objective-06-reduce-crime.html")
    assert set(page.tables) == {"T_lowest-crime-levels", "T_vulnerable-victims-reporting",
                                "T_reduce-public-place-violence", "T_reduce-property-crime"}  # not the milestone table
    charts = [i for i in page.images if i["src"].startswith("../../_images/")]
    assert len(charts) == 10 and all(i["alt"].startswith("SPC chart of monthly ") for i in charts)  # one a measure
    assert any("July 2014 (1,085, " in i["alt"] for i in charts)
    assert all((pages(built_book) / i["src"]).resolve().exists() for i in charts)
    appendix = read_page(pages(built_book) / "appendix.html")
    trends = [i for i in appendix.images if i["alt"].startswith("Line chart of monthly ")]
    assert len(trends) == 10 and any("ranged from 860 in April to 1,085 in July" in i["alt"] for i in trends)


def test_demonstration_label_on_every_page_that_uses_the_extract(built_book):
    def labelled(name):
        return "spcb-demonstration" in (pages(built_book) / name).read_text()
    assert labelled("objective-06-reduce-crime.html") and labelled("executive-summary.html")
    assert not labelled("objective-02-stronger-partnerships.html")


def test_items_show_their_lead_frequency_and_update(built_book):
    text = (pages(built_book) / "objective-02-stronger-partnerships.html").read_text()
    assert "Lead: DCC, quarterly" in text and "not named in the plan" not in text
    assert "Update deferred" in text and "To be included next quarter." in text
    assert "Not required" in text
    summary = (pages(built_book) / "executive-summary.html").read_text()
    assert "Every item due in November 2014 has its update." in summary
    assert "1 April 2014 to 24 November 2014" in summary


def test_comparison_page_uses_real_data_and_names_its_sources(built_book):
    page = read_page(pages(built_book) / "how-the-force-compares.html")
    assert page.h1 == "How the force compares"
    rates = page.tables["T_comparison-rates"]["rows"]
    assert rates[1] == ["West Midlands", "174,207", "2,805,891", "62.1", "172,421", "+1.0%"]
    assert rates[-1][0] == "Metropolitan forces"
    assert "T_comparison-types" in page.tables
    text = (pages(built_book) / "how-the-force-compares.html").read_text()
    assert "not the Home Office" in text and "spcb-demonstration" not in text
    assert text.count("Source: ONS police recorded crime") >= 3
    assert "The data differs" in text and "a fall of 17.8% (37,845 crimes)" in text
    assert page.images[-1]["alt"].startswith("Line chart of crimes per 1,000 residents")


def test_provenance_page_lists_inputs_hashes_and_the_command(built_book, data):
    page = read_page(pages(built_book) / "provenance.html")
    assert page.h1 == "Provenance"
    parameters = dict(row for row in page.tables["T_provenance-parameters"]["rows"][1:])
    assert parameters["period"] == "2014-11" and parameters["as_of"] == "2014-11-24"
    assert parameters["plan SHA-256"] == hashlib.sha256((DATA / "plan" / "2014-15.yml").read_bytes()).hexdigest()
    inputs = page.tables["T_provenance-inputs"]["rows"]
    extract = next(r for r in inputs if r[0] == "recorded-crime.csv.gz")
    assert extract[3] == hashlib.sha256((DATA / "extract" / "recorded-crime.csv.gz").read_bytes()).hexdigest()
    assert extract[4] == "169,900"
    text = (pages(built_book) / "provenance.html").read_text()
    assert "--period 2014-11 --as-of 2014-11-24" in text and "spcb ingest --data" in text
    site = built_book / "_build" / "html" / "west-midlands" / "2014-11"
    assert (site / "_sources" / "book" / "report" / "provenance.ipynb").exists()


FOOTER = re.compile(r"West Midlands Police and Crime Plan performance report, 2014-11, as of 2014-11-24\s+"
                    r"Page \d+ of \d+")


@pytest.mark.browser
def test_pdf_board_paper(built_book):
    path = pdf.pdf("2014-11", built_book)
    assert path == built_book / "_build" / "pdf" / "west-midlands-2014-11.pdf"
    content = path.read_bytes()
    assert content.startswith(b"%PDF")
    assert b"/MediaBox [0 0 594.95996 841.91998]" in content or b"595" in content  # A4 in points
    text = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True).stdout
    printed = text.split("\f")[:-1]
    assert all(FOOTER.search(page) for page in printed)  # numbered, with the force and period
    words = [" ".join(FOOTER.sub("", page).split()) for page in printed]
    assert all(words), [n for n, page in enumerate(words, start=1) if not page]  # no blank page
    cover = words[0]
    for part in ("STRATEGIC POLICING AND CRIME BOARD", "West Midlands Police and Crime Plan performance report",
                 "Performance against the Police and Crime Plan 2014/15: November 2014",
                 "Report of West Midlands Police. Data to 24 November 2014.", "Purpose. To inform the Strategic",
                 "Recommendation. The Strategic Policing and Crime Board is asked to note"):
        assert part in cover
    assert words[1].startswith("Contents") and words[2].startswith("Performance against the milestones")
    appendices = next(n for n, page in enumerate(words) if page.startswith("Appendices"))
    assert appendices <= 24, f"{appendices} pages before the appendices"  # about 20 for a board paper
    body = " ".join(words[:appendices])
    assert "Every item this period" not in body and "Computed from the data" not in body  # details: appendix
    assert "Every item this period" in " ".join(words[appendices:]) and "Provenance" in text
    assert "The canonical tables" not in text and "\n  The input contract\n" not in text  # a page for analysts


def test_two_periods_build_side_by_side_with_an_archive(built_book):
    html = built_book / "_build" / "html" / "west-midlands"
    assert json.loads((html / "periods.json").read_text()) == ["2014-10", "2014-11"]
    archive = (html / "archive.html").read_text()
    assert archive.index("November 2014") < archive.index("October 2014") and 'href="2014-10/index.html"' in archive
    october = (html / "2014-10" / "book" / "report" / "executive-summary.html").read_text()
    assert "1 April 2014 to 31 October 2014" in october
    objective = (html / "2014-10" / "book" / "report" / "objective-06-reduce-crime.html").read_text()
    assert "spcb-update-required" in objective


def test_as_of_goes_with_one_period(tmp_path):
    with pytest.raises(BuildError, match="--as-of applies to one period"):
        build.build(["2014-10", "2014-11"], "2014-11-24", DATA, root=ROOT)


def test_nbval_reproduces_every_executed_notebook(built_book):
    assert verify.verify("2014-11", root=built_book) == 0


def test_a_series_the_plan_needs_is_refused_before_any_notebook_runs(built_book, tmp_path):
    data = tmp_path / "data"
    shutil.copytree(DATA / "extract", data / "extract")
    edition_files(data)
    shutil.copytree(DATA / "narrative", data / "narrative")
    extract = data / "extract" / "recorded-crime.csv.gz"
    with gzip.open(extract, "rt", encoding="utf-8") as handle:
        kept = [line for line in handle if ",hate_crime," not in line]
    with gzip.open(extract, "wt", encoding="utf-8") as handle:
        handle.writelines(kept)
    store.ingest([data / "extract", *(p for p in edition.load(DATA).inputs if p.name != "extract")], data)
    logs = sorted((built_book / "_build" / "logs").glob("*.log"))
    stamps = {p: p.stat().st_mtime_ns for p in logs}
    with pytest.raises(CoverageError, match=r"^period 2014-11 \(year to date 2014-04-01 to 2014-11-24, against "
                                            r"2013-04-01 to 2013-11-24\) needs the series hate_crime, which the "
                                            r"extract does not hold"):
        build.build("2014-11", None, data, workers=2, root=built_book)
    assert {p: p.stat().st_mtime_ns for p in logs} == stamps  # no notebook ran


def test_a_failing_notebook_is_named_and_leaves_the_site_as_it_was(built_book, tmp_path):
    data = shipped_data(tmp_path / "west-midlands")
    audit = (data / "store" / "audit.parquet").read_bytes()
    (data / "store" / "audit.parquet").write_bytes(b"not a parquet file")
    with pytest.raises(InputError, match=r"audit.parquet: not a Parquet table the store wrote"):  # the pre-flight
        build.build("2014-11", "2014-11-20", data, workers=2, root=built_book)
    (data / "store" / "audit.parquet").write_bytes(audit)
    (data / "store" / "rolling_year_crime.parquet").write_bytes(b"not a parquet file")  # read by one page only
    pinned = (data / "narrative" / "2014-11" / "period.yml").read_bytes()
    site = built_book / "_build" / "html"
    before = {p: p.read_bytes() for p in site.rglob("*.html")}
    notebooks = {p: p.read_bytes() for p in (built_book / "book" / "report").glob("*.ipynb")}
    with pytest.raises(BuildError) as caught:
        build.build("2014-11", "2014-11-20", data, workers=2, root=built_book)
    message = str(caught.value)
    assert ("how-the-force-compares.ipynb (page how-the-force-compares): cell 4 failed with InputError: "
            in message and "rolling_year_crime.parquet: not a Parquet table the store wrote" in message)
    assert "site was not changed" in message
    assert {p: p.read_bytes() for p in site.rglob("*.html")} == before
    assert {p: p.read_bytes() for p in (built_book / "book" / "report").glob("*.ipynb")} == notebooks
    assert (data / "narrative" / "2014-11" / "period.yml").read_bytes() == pinned  # the pin is put back
    assert verify.verify("2014-11", root=built_book) == 0

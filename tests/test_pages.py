"""What the pages display, captured without a kernel: headings, markers, tables and charts."""
import pytest

from spcb.report import output, pages
from spcb.report.context import PageContext


@pytest.fixture
def shown(monkeypatch, tmp_path):
    """Every output a page displays, as (kind, content) pairs (CSV downloads go to a temporary folder)."""
    monkeypatch.chdir(tmp_path)
    outputs = []

    def display(obj, raw=False, metadata=None):
        if raw:
            outputs.append(("image", obj["text/plain"], metadata["image/png"]["alt"]))
        else:
            outputs.append((type(obj).__name__, obj.data))

    monkeypatch.setattr(output, "display", display)
    monkeypatch.setattr(output, "glue", lambda name, value, display: outputs.append(("glue", name, value)))
    return outputs


@pytest.fixture
def without_commentary(tmp_path, data):
    """The shipped plan and store, with no commentary at all."""
    for name in ("plan", "store", "edition.yml", "about.md"):
        (tmp_path / name).symlink_to(data / name)
    return tmp_path


def markdown(outputs):
    return "\n".join(o[1] for o in outputs if o[0] == "Markdown")


def test_objective_page_has_title_headings_leads_tables_and_charts(shown, data):
    pages.objective(PageContext.load(data, "2014-11", "2014-11-24"), "reduce-crime")
    assert shown[0] == ("glue", "title", "Reduce crime and offending")
    text = markdown(shown)
    assert ("(reduce-property-crime)=\n## Reduce property-related crime\n\n*The plan:* Reduce property-related "
            "crime, with a focus on burglary (reduce by 2 per cent)") in text  # the short title, then the plan's words
    assert "**Milestone** · Lead: ACC Local Policing/Crime, monthly" in text
    assert "**Milestone** · Monthly; the plan names no lead" in text and "not named in the plan" not in text
    assert "See also {ref}`Encourage the reporting of crimes and incidents that are under-reported " \
           "<under-reported-crime>`" in text
    assert "Demonstration data" in text
    assert sum(o[0] == "HTML" and "<table" in o[1] for o in shown) == 4  # each item's own; not the milestone table
    assert sum(o[0] == "image" for o in shown) == 10  # one SPC chart a measure; the rest is in the appendix
    assert text.count("spcb-computed") == 10
    assert ("- **Burglary Dwelling**: On track: 569 below target at the last report; now On track: 574 below "
            "target. Direction of travel: **worse**.") in text
    assert ("Stable in 2014/15 so far (April to October 2014), apart from a significant increase in July 2014 "
            "(above the upper process limit), a concern.") in text
    assert ("Record lows since records began in April 2010 in three consecutive months: April 2014 (868), "
            "May 2014 (842) and June 2014 (803).") in text
    assert ("Record low since records began in April 2010: April 2014 (374). "
            "July 2014 equalled the record low (374).") in text


def test_missing_commentary_is_marked_update_required(shown, without_commentary, no_charts):
    pages.objective(PageContext.load(without_commentary, "2014-10"), "reduce-crime")
    text = markdown(shown)
    # three monthly items; the fourth points to other items ("see"), and the quarterly one is not due
    assert text.count("Update required") == 3
    assert "No update is due in October 2014. The next update is due in November 2014." in text


def test_summary_lists_the_items_awaiting_an_update(shown, without_commentary, no_charts):
    pages.summary(PageContext.load(without_commentary, "2014-10"))
    text = markdown(shown)
    assert "No executive summary has been written for October 2014." in text
    awaiting = text.split("## Items awaiting an update")[1]
    assert "{ref}`Strive to have our lowest ever crime levels <lowest-crime-levels>`" in awaiting
    assert "{ref}`Increase satisfaction with services provided relating to crimes <crime-satisfaction>`" in awaiting
    assert "evidence-based-policing" not in awaiting
    assert "{doc}`Reduce crime and offending <objective-06-reduce-crime>`: 5 items; 3 awaiting an update" in text


def test_unknown_objective_is_a_clear_error(data):
    with pytest.raises(KeyError, match="no objective 'reduce-crimes'"):
        pages.objective(PageContext.load(data, "2014-11"), "reduce-crimes")


def test_comparison_page(shown, data):
    pages.comparison(PageContext.load(data, "2014-11", "2014-11-24"))
    assert shown[0] == ("glue", "title", "How the force compares")
    text = markdown(shown)
    assert "12 months to 30 September 2014" in text and "not the Home Office's most similar group" in text
    assert sum(o[0] == "HTML" for o in shown) == 3 and sum(o[0] == "image" for o in shown) == 1
    assert text.count(":class: warning spcb-finding") == 1


def test_summary_states_each_milestone_and_item(shown, data):
    pages.summary(PageContext.load(data, "2014-11", "2014-11-24"))
    text = markdown(shown)
    assert ("Of 3 milestones with a numeric target, 2 are on track (Burglary Dwelling, Robbery) and 1 is off track "
            "(Public Place Violence With Injury).") in text
    assert "Total Recorded Crime: 115,245 year to date, up 0.8% on last year." in text
    html = "\n".join(o[1] for o in shown if o[0] == "HTML")
    assert "T_glance" in html and "T_items" in html
    assert "Unusually low for 10 months: an improvement" in html and "Off track: 901 above target" in html
    assert "Compared with the October 2014 report, year to date to 31 October 2014." in text
    assert "STRATEGIC" not in text and "is asked to note the position" in html  # the cover: printed only
    assert html.count("Update provided") >= 30 and "Deferred" in html


def test_script_in_commentary_or_an_input_field_never_reaches_the_page_as_markup(shown, data, tmp_path, no_charts):
    for name in ("plan", "store", "edition.yml", "about.md"):
        (tmp_path / name).symlink_to(data / name)
    folder = tmp_path / "narrative" / "2014-11"
    folder.mkdir(parents=True)
    (folder / "reduce-property-crime.md").write_text("Fine <script>alert('x')</script> {raw}`<b>`\n")
    pages.objective(PageContext.load(tmp_path, "2014-11", "2014-11-24"), "reduce-crime")
    text = markdown(shown)
    assert "<script>" not in text and "&lt;script&gt;" in text and "\\{raw\\}" in text
    import pandas as pd

    from spcb.report import tables
    html = tables.html_table(pd.DataFrame({"Area": ["<script>alert(1)</script>"]}), "c", "t", "<b>source</b>")
    assert "<script>" not in html and "&lt;script&gt;" in html and "&lt;b&gt;source" in html


def test_every_table_has_a_csv_download_beside_it(shown, data, tmp_path, no_charts):
    pages.objective(PageContext.load(data, "2014-11", "2014-11-24"), "reduce-crime")
    text = markdown(shown)
    assert text.count("{download}`Download the data:") == sum(o[0] == "HTML" and "<table" in o[1] for o in shown) == 4
    property_crime = (tmp_path / "downloads" / "reduce-property-crime.csv").read_text().splitlines()
    assert property_crime[1].startswith("Burglary Dwelling,milestone,8045,7310,-735,-2.0,-9.1,7884,574,True")

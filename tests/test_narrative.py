import pytest
from conftest import DATA

from spcb.plan import schema
from spcb.plan.periods import Month
from spcb.report import narrative

NOV, DEC = Month(2014, 11), Month(2014, 12)


@pytest.fixture(scope="module")
def shipped():
    return schema.load_dir(DATA)


def test_due_follows_the_frequency(shipped):
    monthly = shipped.item("lowest-crime-levels")
    quarterly = shipped.item("evidence-based-policing")
    six_monthly = shipped.item("information-sharing")
    never = shipped.item("crime-data-integrity")
    assert narrative.is_due(shipped, monthly, DEC)
    assert narrative.is_due(shipped, quarterly, NOV) and not narrative.is_due(shipped, quarterly, DEC)
    assert narrative.next_due(shipped, quarterly, DEC) == Month(2015, 2)
    assert narrative.next_due(shipped, six_monthly, DEC) is None
    assert not narrative.is_due(shipped, never, NOV) and narrative.next_due(shipped, never, NOV) is None


def test_every_item_of_the_shipped_period_has_its_update(shipped):
    texts = narrative.load(DATA, NOV, shipped)
    updates = {item.id: narrative.update_for(shipped, item, NOV, texts) for item in shipped.items}
    assert not [i for i, u in updates.items() if u.awaiting]
    assert updates["reduce-property-crime"].state == "commentary"
    assert updates["partner-engagement"].state == "marker"
    assert updates["vulnerable-victims-reporting"].status.marker == "see"
    assert narrative.SUMMARY in texts


def test_missing_commentary_is_update_required_only_when_due(shipped):
    quarterly = shipped.item("evidence-based-policing")
    assert narrative.update_for(shipped, quarterly, NOV, {}).state == "update-required"
    december = narrative.update_for(shipped, quarterly, DEC, {})
    assert (december.state, december.next_due) == ("not-due", Month(2015, 2))
    assert narrative.update_for(shipped, shipped.item("lowest-crime-levels"), DEC, {}).awaiting


def test_period_markers_apply_only_to_their_period(shipped):
    deferred = shipped.item("partner-engagement")
    assert narrative.update_for(shipped, deferred, NOV, {}).state == "marker"
    assert narrative.update_for(shipped, deferred, Month(2015, 2), {}).state == "update-required"


def test_unknown_commentary_file_is_refused_with_a_suggestion(shipped, tmp_path):
    folder = tmp_path / "narrative" / "2014-11"
    folder.mkdir(parents=True)
    (folder / "reduce-property-crimes.md").write_text("text")
    with pytest.raises(narrative.NarrativeError, match=r"reduce-property-crimes.md:1:1: no item "
                       r"'reduce-property-crimes' in the plan; did you mean reduce-property-crime.md\?"):
        narrative.load(tmp_path, NOV, shipped)


def test_non_markdown_and_non_utf8_files_are_refused(shipped, tmp_path):
    folder = tmp_path / "narrative" / "2014-11"
    folder.mkdir(parents=True)
    (folder / "notes.docx").write_bytes(b"PK")
    with pytest.raises(narrative.NarrativeError, match="unexpected file"):
        narrative.load(tmp_path, NOV, shipped)
    (folder / "notes.docx").unlink()
    (folder / "green-cars.md").write_bytes(b"line one\nline two \xe9t\xe9\n")
    with pytest.raises(narrative.NarrativeError, match=r"green-cars.md:2:1: not UTF-8"):
        narrative.load(tmp_path, NOV, shipped)


def test_a_period_without_a_folder_has_no_commentary(shipped, tmp_path):
    assert narrative.load(tmp_path, DEC, shipped) == {}


def test_commentary_is_made_safe():
    text = "Up 5% <script>alert(1)</script> {raw}`<b>x</b>` costs $5 & more\n> quoted *emphasis*"
    made = narrative.safe(text)
    assert "<script>" not in made and "&lt;script&gt;" in made
    assert "\\{raw\\}" in made and "\\$5" in made and "&amp; more" in made
    assert made.splitlines()[1] == "> quoted *emphasis*"


def test_new_period_scaffolds_the_items_due_from_the_last_commentary(shipped, tmp_path):
    import shutil
    shutil.copytree(DATA / "narrative" / "2014-11", tmp_path / "narrative" / "2014-11")
    written = narrative.new_period(tmp_path, DEC, shipped)
    names = sorted(p.stem for p in written)
    assert names == sorted(["lowest-crime-levels", "vulnerable-victims-reporting", "reduce-public-place-violence",
                            "reduce-property-crime", "crime-satisfaction", "asb-satisfaction", narrative.SUMMARY])
    text = (tmp_path / "narrative" / "2014-12" / "reduce-property-crime.md").read_text()
    assert text.startswith("> Carried forward from November 2014: update required.\n\n")
    assert (DATA / "narrative" / "2014-11" / "reduce-property-crime.md").read_text().strip() in text
    texts = narrative.load(tmp_path, DEC, shipped)
    update = narrative.update_for(shipped, shipped.item("reduce-property-crime"), DEC, texts)
    assert update.state == "carried-forward" and update.awaiting
    assert narrative.state_label(update) == "Carried forward: update required"
    before = {p: p.read_bytes() for p in (tmp_path / "narrative" / "2014-12").iterdir()}
    with pytest.raises(narrative.NarrativeError, match="commentary already exists for 2014-12 .* nothing was written"):
        narrative.new_period(tmp_path, DEC, shipped)
    assert {p: p.read_bytes() for p in (tmp_path / "narrative" / "2014-12").iterdir()} == before


def test_new_period_without_earlier_commentary(shipped, tmp_path):
    written = narrative.new_period(tmp_path, Month(2015, 2), shipped)
    assert len(written) > 20  # every monthly and quarterly item, and the summary
    assert "No earlier commentary" in written[0].read_text()

from fractions import Fraction
from pathlib import Path

import pytest

from spcb.plan import schema
from spcb.plan.periods import Month

PLAN = Path(__file__).resolve().parents[1] / "data" / "plan" / "2014-15.yml"


@pytest.fixture(scope="module")
def shipped():
    return schema.load(PLAN)


def test_objectives_in_the_papers_order(shipped):
    assert [o.title for o in shipped.objectives] == [
        "Improving public confidence in policing",
        "Creating stronger partnerships",
        "Developing greater local identity across the West Midlands",
        "Delivering better value for money",
        "Demonstrating the Force’s commitment to social responsibility",
        "Reduce crime and offending",
        "Better protecting people from harm",
        "Improving the service the public receive from the police",
        "Supporting stronger communities",
    ]
    assert len(shipped.items) == 48


def test_milestones_carry_their_measure_and_target(shipped):
    targets = {b.measure.id: (b.role, b.target) for b in shipped.milestone_table}
    assert targets == {
        "burglary_dwelling": ("milestone", Fraction(-2, 100)),
        "public_place_violence_injury": ("milestone", Fraction(-5, 100)),
        "robbery": ("milestone", Fraction(-5, 100)),
        "total_recorded_crime": ("deliverable", None),
        "business_crime": ("deliverable", None),
    }
    assert shipped.item("reduce-public-place-violence").kind == "milestone"
    assert shipped.item("lowest-crime-levels").milestone_table


def test_frequencies_leads_and_markers(shipped):
    assert shipped.item("stop-and-search-action-plan").lead_line == "Lead: ACC Operations – Quarterly"
    assert shipped.item("crime-data-integrity").lead_line == "Lead: not named in the plan – No set frequency"
    assert shipped.item("procurement-consultation").frequency == "quarterly-until-complete"
    assert shipped.item("local-authority-grants").status.marker == "not-required"
    deferred = shipped.item("partner-engagement").status
    assert deferred.marker == "deferred" and deferred.applies_to(Month(2014, 11))
    assert not deferred.applies_to(Month(2014, 12))
    assert shipped.item("vulnerable-victims-reporting").status.see == ("under-reported-crime", "safeguarding-partners")


def test_reporting_months(shipped):
    assert len(shipped.due_months("monthly")) == 12
    assert Month(2014, 11) in shipped.due_months("quarterly")
    assert shipped.due_months("quarterly-until-complete") == shipped.due_months("quarterly")
    assert shipped.due_months("none") == ()


def broken(tmp_path, old, new):
    text = PLAN.read_text(encoding="utf-8")
    assert old in text
    path = tmp_path / "plan.yml"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return path


def line_of(path, needle):
    return next(i for i, line in enumerate(path.read_text().splitlines(), 1) if needle in line)


@pytest.mark.parametrize("old, new, message", [
    ("frequency: quarterly\n", "frequency: quartrly\n",
     "item 'stop-and-search-action-plan': field 'frequency': expected one of monthly, quarterly, 6-monthly, "
     "quarterly-until-complete, none; found 'quartrly'"),
    ("kind: deliverable\n", "kind: deliverabel\n", "item 'increase-confidence': field 'kind'"),
    ("lead: ACC Local Policing\n", "leed: ACC Local Policing\n",
     "an item of objective 'public-confidence': unknown field 'leed'"),
    ("target: -2%", "target: -2 percent", "item 'reduce-property-crime': measure 'burglary_dwelling': "
     "field 'target': expected a percentage change such as -2%; found '-2 percent'"),
    ("{measure: robbery, role: milestone", "{measure: robery, role: milestone",
     "item 'reduce-property-crime': field 'measure': unknown measure 'robery'"),
    ("see: [under-reported-crime, safeguarding-partners]}\n        measures",
     "see: [under-reported-crimes, safeguarding-partners]}\n        measures",
     "item 'vulnerable-victims-reporting': status: field 'see': no item 'under-reported-crimes' in the plan"),
    ("- id: perceptions-of-safety", "- id: increase-confidence", "id 'increase-confidence' is used twice"),
])
def test_a_typo_names_the_item_the_field_and_the_line(tmp_path, old, new, message):
    path = broken(tmp_path, old, new)
    with pytest.raises(schema.PlanError) as caught:
        schema.load(path)
    text = str(caught.value)
    assert message in text
    assert text.startswith(f"{path}:")
    assert "\n" not in text


def test_error_points_at_the_offending_line(tmp_path):
    path = broken(tmp_path, "frequency: quarterly\n", "frequency: quartrly\n")
    with pytest.raises(schema.PlanError) as caught:
        schema.load(path)
    line = line_of(path, "quartrly")
    assert str(caught.value).startswith(f"{path}:{line}:20:")


def test_milestone_without_target_is_refused(tmp_path):
    path = broken(tmp_path, "{measure: robbery, role: milestone, target: -5%}", "{measure: robbery, role: milestone}")
    with pytest.raises(schema.PlanError, match="a milestone needs a target"):
        schema.load(path)


def test_milestone_table_must_list_every_bound_milestone(tmp_path):
    path = broken(tmp_path, "public_place_violence_injury, robbery, total", "public_place_violence_injury, total")
    with pytest.raises(schema.PlanError, match="missing the milestones or deliverables robbery"):
        schema.load(path)


def test_invalid_yaml_and_empty_files(tmp_path):
    bad = tmp_path / "bad.yml"
    bad.write_text("plan: [unclosed\n")
    with pytest.raises(schema.PlanError, match=r"bad.yml:\d+:\d+: not valid YAML"):
        schema.load(bad)
    empty = tmp_path / "empty.yml"
    empty.write_text("")
    with pytest.raises(schema.PlanError, match="the plan file is empty"):
        schema.load(empty)
    with pytest.raises(schema.PlanError, match="cannot read the plan"):
        schema.load(tmp_path / "missing.yml")


def test_adding_a_milestone_needs_only_yaml(tmp_path):
    path = broken(tmp_path, "      - id: high-demand-locations\n", """      - id: reduce-vehicle-crime
        title: Reduce vehicle crime by 3 per cent
        kind: milestone
        lead: ACC Local Policing
        frequency: monthly
        measures:
          - {measure: vehicle_crime, role: milestone, target: -3%}
      - id: high-demand-locations
""")
    text = path.read_text().replace("robbery, total_recorded_crime", "robbery, vehicle_crime, total_recorded_crime")
    path.write_text(text)
    loaded = schema.load(path)
    assert [b.measure.id for b in loaded.milestone_table][3] == "vehicle_crime"
    assert loaded.item("reduce-vehicle-crime").measures[0].target == Fraction(-3, 100)

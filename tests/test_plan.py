from fractions import Fraction
from pathlib import Path

import pytest

from spcb.ingest.contract import InputError
from spcb.ingest.force import extract_metadata
from spcb.plan import scaffold, schema
from spcb.plan.model import Item
from spcb.plan.periods import FinancialYear, Month

PLAN = Path(__file__).resolve().parents[1] / "data" / "editions" / "west-midlands" / "plan" / "2014-15.yml"


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


def test_milestones_state_their_direction_and_titles_agree(shipped):
    milestones = {b.measure.id: (b.direction, b.target) for i in shipped.items for b in i.measures
                  if b.role == "milestone"}
    assert milestones == {
        "public_place_violence_injury": ("reduce", Fraction(-5, 100)),
        "burglary_dwelling": ("reduce", Fraction(-2, 100)),
        "robbery": ("reduce", Fraction(-5, 100)),
    }
    assert all(b.direction is None for i in shipped.items for b in i.measures if b.role != "milestone")
    assert shipped.item("reduce-public-place-violence").title == "Reduce public place violence by 5 per cent"
    assert "burglary (reduce by 2 per cent), robbery (reduce by 5 per cent)" in shipped.item(
        "reduce-property-crime").title


def test_frequencies_leads_and_markers(shipped):
    assert shipped.item("stop-and-search-action-plan").lead_line == "Lead: ACC Operations, quarterly"
    assert shipped.item("crime-data-integrity").lead_line == "No set frequency; the plan names no lead"
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


def refusal(path, error=schema.PlanError, read=schema.load):
    with pytest.raises(error) as caught:
        read(path)
    text = str(caught.value)
    assert "\n" not in text
    return text


def at(path, line_needle, column_needle=None):
    """'file:line:column' of `column_needle` (or the line's first non-blank) on the line holding `line_needle`."""
    line = line_of(path, line_needle)
    text = path.read_text().splitlines()[line - 1]
    column = text.index(column_needle) if column_needle else len(text) - len(text.lstrip())
    return f"{path}:{line}:{column + 1}"


PPV = "{measure: public_place_violence_injury, role: milestone, direction: reduce, target: -5%}"
ROBBERY = "{measure: robbery, role: milestone, direction: reduce, target: -5%}"
BURGLARY = "{measure: burglary_dwelling, role: milestone, direction: reduce, target: -2%}"
PPV_TITLE = "title: Reduce public place violence by 5 per cent"
PROPERTY_TITLE = "burglary (reduce by 2 per cent), robbery (reduce by 5 per cent)"
RANGE = ("expected a change of more than -100% and at most +100% (a fall of 100% would leave nothing, "
         "and a rise of more than 100% is taken for a typo)")


@pytest.mark.parametrize("old, new, line, column, message", [
    (ROBBERY, ROBBERY.replace("-5%", "3%"), "measure: robbery", "3%}",
     "item 'reduce-property-crime': measure 'robbery': field 'target': found '3%', but the direction is reduce; "
     "expected a negative change such as -3%"),
    (ROBBERY, ROBBERY.replace("-5%", "0%"), "measure: robbery", "0%}",
     "item 'reduce-property-crime': measure 'robbery': field 'target': found '0%', but the direction is reduce; "
     "expected a negative change"),
    (PPV, PPV.replace("-5%", "-1000%"), "measure: public_place_violence", "-1000%",
     f"item 'reduce-public-place-violence': measure 'public_place_violence_injury': field 'target': "
     f"found '-1000%'; {RANGE}"),
    (PPV, PPV.replace("-5%", "-100%"), "measure: public_place_violence", "-100%",
     f"item 'reduce-public-place-violence': measure 'public_place_violence_injury': field 'target': "
     f"found '-100%'; {RANGE}"),
    (ROBBERY, ROBBERY.replace("-5%", "+150%"), "measure: robbery", "+150%",
     f"item 'reduce-property-crime': measure 'robbery': field 'target': found '+150%'; {RANGE}"),
    (BURGLARY, BURGLARY.replace("reduce", "increase"), "measure: burglary_dwelling", "increase",
     "item 'reduce-property-crime': measure 'burglary_dwelling': field 'direction': found 'increase', "
     "but measure 'burglary_dwelling' is better lower; expected 'reduce'"),
    (BURGLARY, BURGLARY.replace("reduce", "down"), "measure: burglary_dwelling", "down",
     "item 'reduce-property-crime': measure 'burglary_dwelling': field 'direction': "
     "expected one of reduce, increase; found 'down'"),
    (BURGLARY, BURGLARY.replace("direction: reduce, ", ""), "measure: burglary_dwelling", "{",
     "item 'reduce-property-crime': measure 'burglary_dwelling': missing field 'direction'; "
     "a milestone needs a target and a direction (reduce or increase)"),
    ("{measure: vehicle_crime, role: indicator}", "{measure: vehicle_crime, role: indicator, direction: reduce}",
     "measure: vehicle_crime", "reduce",
     "item 'reduce-property-crime': measure 'vehicle_crime': field 'direction': "
     "found a direction on role 'indicator'; only a milestone has one"),
    ("{measure: hate_crime, role: indicator}", "{measure: hate_crime, role: milestone, direction: reduce, target: -5%}",
     "measure: hate_crime, role", "milestone",
     "item 'vulnerable-victims-reporting': measure 'hate_crime': field 'role': found a milestone on measure "
     "'hate_crime', which is better neutral; expected a measure that is better lower or higher"),
    (BURGLARY, BURGLARY.replace("-2%", "-3%"), PROPERTY_TITLE, "Reduce",
     "item 'reduce-property-crime': field 'title': found '2 per cent', but the item's targets are "
     "burglary_dwelling -3%, robbery -5%; expected the size of one of them, or a placeholder such as "
     "{target:<measure id>}"),
    (PPV_TITLE, "title: Reduce public place violence by 4.5%", "Reduce public place", "Reduce",
     "item 'reduce-public-place-violence': field 'title': found '4.5%', but the item's targets are "
     "public_place_violence_injury -5%; expected the size of one of them, or a placeholder such as "
     "{target:<measure id>}"),
    (PROPERTY_TITLE, "burglary (reduce by {target}), robbery (reduce by 5 per cent)", "Reduce property", "Reduce",
     "item 'reduce-property-crime': field 'title': found {target}, but the item has 2 milestones; "
     "expected one of {target:burglary_dwelling}, {target:robbery}"),
    (PROPERTY_TITLE, "burglary (reduce by {target:vehicle_crime}), robbery (reduce by 5 per cent)",
     "Reduce property", "Reduce",
     "item 'reduce-property-crime': field 'title': found {target:vehicle_crime}, but 'vehicle_crime' is not "
     "a milestone measure of the item; expected one of {target:burglary_dwelling}, {target:robbery}"),
    ("title: Strive to have our lowest ever crime levels", "title: Strive to cut crime by {target}",
     "Strive to cut", "Strive",
     "item 'lowest-crime-levels': field 'title': found {target}, but the item has no milestone; "
     "expected a title without a placeholder"),
])
def test_a_target_must_mean_what_it_says(tmp_path, old, new, line, column, message):
    path = broken(tmp_path, old, new)
    assert refusal(path) == f"{at(path, line, column)}: {message}"


def test_a_title_may_name_its_target_by_placeholder(tmp_path):
    path = broken(tmp_path, PPV_TITLE, "title: Reduce public place violence by {target}")
    text = path.read_text().replace(PROPERTY_TITLE, "burglary (reduce by {target:burglary_dwelling}), "
                                                    "robbery (reduce by {target:robbery})")
    path.write_text(text)
    loaded = schema.load(path)
    assert loaded.item("reduce-public-place-violence").title == "Reduce public place violence by 5 per cent"
    assert PROPERTY_TITLE in loaded.item("reduce-property-crime").title


def test_an_increase_milestone_needs_a_better_higher_measure_and_a_positive_target(tmp_path):
    path = broken(tmp_path, "{measure: hate_crime, role: indicator}",
                  "{measure: hate_crime, role: milestone, direction: increase, target: 3%}")
    path.write_text(path.read_text().replace("milestone_table: [", "milestone_table: [hate_crime, ")
                    .replace("unit: offences, better: neutral}", "unit: offences, better: higher}"))
    binding = schema.load(path).item("vulnerable-victims-reporting").measures[1]
    assert (binding.direction, binding.target) == ("increase", Fraction(3, 100))
    path.write_text(path.read_text().replace("direction: increase, target: 3%", "direction: increase, target: -3%"))
    assert refusal(path) == (f"{at(path, 'measure: hate_crime', '-3%')}: item 'vulnerable-victims-reporting': "
                             "measure 'hate_crime': field 'target': found '-3%', but the direction is "
                             "increase; expected a positive change such as +3%")
    path.write_text(path.read_text().replace("target: -3%", "target: +101%"))
    assert refusal(path) == (f"{at(path, 'measure: hate_crime', '+101%')}: item 'vulnerable-victims-reporting': "
                             f"measure 'hate_crime': field 'target': found '+101%'; {RANGE}")


def test_a_survey_result_with_its_sample_is_no_milestone(tmp_path):
    path = broken(tmp_path, "{measure: satisfaction_crime, role: indicator}",
                  "{measure: satisfaction_crime, role: milestone, direction: increase, target: 3%}")
    assert refusal(path) == (f"{at(path, 'measure: satisfaction_crime', 'milestone')}: item 'crime-satisfaction': "
                             "measure 'satisfaction_crime': field 'role': found a milestone on measure "
                             "'satisfaction_crime', a survey result; expected a count (with a change 'target') or an "
                             "attitude measure (with a level to 'reach')")


def test_a_key_given_twice_is_refused_at_the_second(tmp_path):
    path = broken(tmp_path, "  hate_crime: {", "  robbery: {label: Robbery, series: hate_crime, unit: offences, "
                                               "better: lower}\n  hate_crime: {")
    first = line_of(path, "  robbery: {label: Robbery, series: robbery")
    assert refusal(path) == (f"{path}:{line_of(path, 'series: hate_crime, unit: offences, better: lower}')}:3: "
                             f"measures: key 'robbery' is given twice (first at line {first}); expected each key once")
    path = broken(tmp_path, "      - id: perceptions-of-safety\n", "      - id: perceptions-of-safety\n"
                                                                    "        title: Feel safe\n")
    first = line_of(path, "title: Improve perceptions of safety")
    assert refusal(path) == (f"{path}:{first}:9: objectives: entry 1: items: entry 2: key 'title' is given twice "
                             f"(first at line {line_of(path, 'title: Feel safe')}); expected each key once")


def test_a_key_given_twice_in_extract_yml_is_refused(tmp_path):
    (tmp_path / "extract.yml").write_text("title: Force extract\ndemonstration: false\ntitle: Another\n")
    message = refusal(tmp_path / "extract.csv", InputError, extract_metadata)
    assert message == (f"{tmp_path / 'extract.yml'}:3:1: the extract description file: key 'title' is given twice "
                       "(first at line 1); expected each key once")


def test_a_plan_that_is_not_utf8_or_has_control_characters_is_one_line(tmp_path):
    path = broken(tmp_path, PPV_TITLE, PPV_TITLE)
    path.write_bytes(path.read_bytes().replace(b"by 5 per cent", b"by \xa35 per cent"))
    line = line_of_bytes(path, b"\xa3")
    column = path.read_bytes().splitlines()[line - 1].index(b"\xa3") + 1
    assert refusal(path) == (f"{path}:{line}:{column}: the plan file: found the byte 0xa3, which is not UTF-8 text; "
                             "save the file as UTF-8")
    path = broken(tmp_path, PPV_TITLE, PPV_TITLE.replace("by 5", "by\x075"))
    assert refusal(path) == (f"{at(path, 'public place violence by', chr(7))}: not valid YAML: "
                             "found the control character #x0007; expected printable text")


def line_of_bytes(path, needle):
    return next(i for i, line in enumerate(path.read_bytes().splitlines(), 1) if needle in line)


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
    path = broken(tmp_path, ROBBERY, "{measure: robbery, role: milestone, direction: reduce}")
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
          - {measure: vehicle_crime, role: milestone, direction: reduce, target: -3%}
      - id: high-demand-locations
""")
    text = path.read_text().replace("robbery, total_recorded_crime", "robbery, vehicle_crime, total_recorded_crime")
    path.write_text(text)
    loaded = schema.load(path)
    assert [b.measure.id for b in loaded.milestone_table][3] == "vehicle_crime"
    assert loaded.item("reduce-vehicle-crime").measures[0].target == Fraction(-3, 100)


# A plan of the Metropolitan Police's kind: MOPAC's "20-20-20" challenge, with its own series, a target against a
# baseline year, and a level target on a public attitude survey measure.
MOPAC = """plan:
  title: Police and Crime Plan 2013-16
  force: Metropolitan Police Service
  financial_year: 2014-04
  board: MOPAC Challenge
reporting_months:
  quarterly: [2014-06, 2014-09, 2014-12, 2015-03]
measures:
  mopac7: {label: MOPAC 7 neighbourhood crimes, series: mopac7, unit: offences, better: lower}
  burglary: {label: Burglary, series: Burglary, unit: offences, better: lower}
  asb: {label: Anti-social behaviour, series: Anti-social behaviour, unit: incidents, better: lower}
  confidence: {label: Confidence in the local police ("good job"), attitude: '"Good Job" local', area: MPS,
               unit: "% agreeing", better: higher}
milestone_table: [mopac7, burglary]
objectives:
  - id: crime
    title: Cut neighbourhood crime
    items:
      - id: mopac7
        title: Reduce the MOPAC 7 neighbourhood crimes by 20%
        kind: milestone
        lead: null
        frequency: quarterly
        milestone_table: true
        measures:
          - {measure: mopac7, role: milestone, direction: reduce, target: -20%, baseline: 2011/12, by: 2015/16}
          - {measure: burglary, role: deliverable, baseline: 2011/12}
          - {measure: asb, role: indicator}
  - id: confidence
    title: Boost public confidence
    items:
      - id: confidence
        title: Increase public confidence to 75%
        kind: milestone
        lead: null
        frequency: quarterly
        measures:
          - {measure: confidence, role: milestone, direction: increase, reach: 75%}
"""
MOPAC7 = "{measure: mopac7, role: milestone, direction: reduce, target: -20%, baseline: 2011/12, by: 2015/16}"
REACH = "{measure: confidence, role: milestone, direction: increase, reach: 75%}"


def mopac(tmp_path, old="", new=""):
    assert old in MOPAC
    path = tmp_path / "mopac.yml"
    path.write_text(MOPAC.replace(old, new, 1), encoding="utf-8")
    return path


def test_a_plan_brings_its_own_series_baselines_and_attitude_measures(tmp_path):
    plan = schema.load(mopac(tmp_path))
    assert plan.measures["asb"].series == "Anti-social behaviour"
    milestone, deliverable, _ = plan.item("mopac7").measures
    assert (milestone.target, milestone.baseline, milestone.by) == (Fraction(-1, 5), FinancialYear(2011),
                                                                    FinancialYear(2015))
    assert (deliverable.target, deliverable.baseline, deliverable.by) == (None, FinancialYear(2011), None)
    [confidence] = plan.item("confidence").attitudes
    assert (confidence.measure.attitude, confidence.measure.area, confidence.measure.series) == (
        '"Good Job" local', "MPS", None)
    assert (confidence.direction, confidence.reach, confidence.target) == ("increase", Fraction(3, 4), None)
    assert plan.item("confidence").counted == () and plan.item("confidence").surveyed == ()
    assert [b.measure.id for b in plan.milestone_table] == ["mopac7", "burglary"]
    assert plan.item("confidence").title == "Increase public confidence to 75%"


def test_a_target_year_defaults_to_the_plans_financial_year(tmp_path):
    plan = schema.load(mopac(tmp_path, ", by: 2015/16}", "}"))
    assert plan.item("mopac7").measures[0].by == FinancialYear(2014)


def test_a_title_may_name_a_level_by_placeholder(tmp_path):
    plan = schema.load(mopac(tmp_path, "to 75%", "to {target}"))
    assert plan.item("confidence").title == "Increase public confidence to 75 per cent"


M = "item 'mopac7': measure 'mopac7'"
YEAR = "expected a financial year written YYYY/YY, two consecutive years such as 2011/12; found"
C = "item 'confidence': measure 'confidence'"


@pytest.mark.parametrize("old, new, line, column, message", [
    *[(MOPAC7, MOPAC7.replace("2011/12", written), "measure: mopac7", written,
       f"{M}: field 'baseline': {YEAR} '{written}'") for written in ("2011", "2011-12", "2011/13")],
    (MOPAC7, MOPAC7.replace("by: 2015/16", "by: 2015"), "measure: mopac7", "2015}", f"{M}: field 'by': {YEAR} '2015'"),
    (MOPAC7, MOPAC7.replace("2011/12", "2015/16"), "measure: mopac7", "2015/16",
     f"{M}: field 'baseline': found '2015/16', which is not before the plan's financial year 2014/15; "
     "expected an earlier year"),
    (MOPAC7, MOPAC7.replace("by: 2015/16", "by: 2011/12"), "measure: mopac7", "2011/12",
     f"{M}: field 'baseline': found '2011/12', which is not before the target year 2011/12 (field 'by'); "
     "expected an earlier year"),
    (MOPAC7, MOPAC7.replace("baseline: 2011/12, ", ""), "measure: mopac7", "2015/16",
     f"{M}: field 'by': found a target year without a baseline; expected 'by' only beside 'baseline'"),
    ("{measure: burglary, role: deliverable, baseline: 2011/12}",
     "{measure: burglary, role: deliverable, baseline: 2011/12, by: 2015/16}", "measure: burglary", "2015/16",
     "item 'mopac7': measure 'burglary': field 'by': found a target year on role 'deliverable'; "
     "only a milestone has one"),
    (REACH, REACH.replace("}", ", baseline: 2011/12}"), "measure: confidence, role", "2011/12",
     f"{C}: field 'baseline': found a baseline on measure 'confidence', a survey result; only a count has one"),
    (REACH, REACH.replace("reach: 75%", "reach: 175%"), "measure: confidence, role", "175%",
     f"{C}: field 'reach': expected a level from 0% to 100% such as 75%; found '175%'"),
    (REACH, REACH.replace("reach: 75%", "reach: 0.75"), "measure: confidence, role", "0.75",
     f"{C}: field 'reach': expected a level from 0% to 100% such as 75%; found '0.75'"),
    (REACH, REACH.replace("reach: 75%", "target: +5%"), "measure: confidence, role", "+5%",
     f"{C}: field 'target': found a target on measure 'confidence', an attitude measure; expected a level to "
     "reach such as reach: 75%"),
    (REACH, REACH.replace(", reach: 75%", ""), "measure: confidence, role", "{",
     f"{C}: missing field 'reach'; a milestone needs a level to reach and a direction (reduce or increase)"),
    (MOPAC7, MOPAC7.replace("target: -20%", "reach: 80%"), "measure: mopac7", "80%",
     f"{M}: field 'reach': found a level to reach on measure 'mopac7', a count; expected a target such as "
     "target: -2%"),
    ("{measure: asb, role: indicator}", "{measure: asb, role: indicator, reach: 50%}", "measure: asb", "50%",
     "item 'mopac7': measure 'asb': field 'reach': found a level to reach on role 'indicator'; "
     "only a milestone has one"),
    ("milestone_table: [mopac7, burglary]", "milestone_table: [mopac7, burglary, confidence]", "milestone_table",
     "confidence]", "milestone_table: measure 'confidence' is not a count; the milestone table lists counted "
                    "measures only"),
    ("milestone_table: [mopac7, burglary]", "milestone_table: [mopac7]", "milestone_table", "[mopac7]",
     "milestone_table: missing the milestones or deliverables burglary"),
    ("title: Increase public confidence to 75%", "title: Increase public confidence to 80%", "to 80%", "Increase",
     "item 'confidence': field 'title': found '80%', but the item's targets are confidence reach 75%; expected the "
     "size of one of them, or a placeholder such as {target:<measure id>}"),
    ("series: Burglary,", "series: '',", "series: ''", "''", "measure 'burglary': field 'series': expected text"),
    ("area: MPS,", "", "confidence: {label", "{",
     "measure 'confidence': an attitude measure needs an 'area' (the area its results are for, such as MPS), and "
     "only an attitude measure has one"),
    ("series: mopac7,", "series: mopac7, area: MPS,", "mopac7: {label", "{",
     "measure 'mopac7': an attitude measure needs an 'area' (the area its results are for, such as MPS), and "
     "only an attitude measure has one"),
    ("attitude: '\"Good Job\" local'", "attitude: Good job", "confidence: {label", "Good job",
     "measure 'confidence': field 'attitude': expected one of \"Good Job\" local, Contact ward officer, Informed "
     "local, Listen to concerns, Relied on to be there, Treat everyone fairly, Trust MPS, Understand issues; "
     "found 'Good job'"),
    ("series: mopac7,", "series: mopac7, attitude: Trust MPS,", "mopac7: {label", "{",
     "measure 'mopac7': expected one of 'series' (a count), 'survey' (a survey result) or 'attitude' (a public "
     "attitude survey's proportion)"),
])
def test_baselines_and_attitude_measures_are_checked(tmp_path, old, new, line, column, message):
    path = mopac(tmp_path, old, new)
    assert refusal(path) == f"{at(path, line, column)}: {message}"


# Short titles: an item's name in tables and navigation.
EDITIONS = PLAN.parents[2]
PROPERTY_SHORT = "short: Reduce property-related crime\n"
GANGS_SHORT = "short: Reduce harm from gangs and organised crime groups"
NO_MARKDOWN = "expected plain text, without Markdown: none of \\ ` * _ { } [ ] < > # | ~ $"


@pytest.mark.parametrize("plan_file", sorted(EDITIONS.glob("*/plan/*.yml")), ids=lambda p: p.parts[-3])
def test_every_shipped_plan_has_short_distinct_short_titles(plan_file):
    shorts = [item.short for item in schema.load(plan_file).items]
    assert all(len(short.split()) <= 10 for short in shorts)
    assert len({" ".join(short.split()).casefold() for short in shorts}) == len(shorts)


def test_a_short_title_is_the_short_or_else_the_title(shipped, tmp_path):
    property_crime = shipped.item("reduce-property-crime")
    assert property_crime.short == "Reduce property-related crime"
    assert PROPERTY_TITLE in property_crime.title
    assert shipped.item("increase-confidence").short == "Increase confidence in policing"
    assert Item("x", "Burglary", "deliverable", None, "monthly", "crime").short == "Burglary"
    assert Item("x", "Burglary", "deliverable", None, "monthly", "crime", short_title="Burgled").short == "Burgled"
    # A title of exactly 10 words needs no short, and a short may have 10 words.
    assert shipped.item("under-reported-crime").short == (
        "Encourage the reporting of crimes and incidents that are under-reported")
    ten = "Reduce burglary by 2 per cent and robbery by 5%"
    assert schema.load(broken(tmp_path, PROPERTY_SHORT, f"short: {ten}\n")).item("reduce-property-crime").short == ten


def test_a_plan_written_by_init_needs_no_short_titles(tmp_path):
    plan = schema.load_dir(scaffold.init(tmp_path, "city", "City of London Police"))
    assert all(item.short_title is None and len(item.title.split()) <= 10 for item in plan.items)


@pytest.mark.parametrize("old, new, line, column, message", [
    (f"        {PROPERTY_SHORT}", "", PROPERTY_TITLE, "Reduce",
     "item 'reduce-property-crime': field 'title': found a title of 26 words and no 'short'; expected a 'short' of "
     "at most 10 words to name the item in tables and navigation"),
    (PROPERTY_SHORT, "short: Reduce property-related crime, with a focus on burglary and robbery and vehicles\n",
     "short: Reduce property-related", "Reduce",
     "item 'reduce-property-crime': field 'short': found a short title of 12 words; expected at most 10"),
    (PROPERTY_SHORT, 'short: ""\n', 'short: ""', '""',
     "item 'reduce-property-crime': field 'short': found an empty short title; expected one of at most 10 words"),
    (PROPERTY_SHORT, "short: [Reduce, property crime]\n", "short: [Reduce", "[",
     "item 'reduce-property-crime': field 'short': expected text"),
    (PROPERTY_SHORT, "short: Reduce burglary by {target:burglary_dwelling}\n", "short: Reduce burglary", "Reduce",
     "item 'reduce-property-crime': field 'short': found {target:burglary_dwelling}; expected plain text, with any "
     "target written out such as '5 per cent' (a short title has no placeholder)"),
    (PROPERTY_SHORT, "short: Reduce *property* crime\n", "short: Reduce *property", "Reduce",
     f"item 'reduce-property-crime': field 'short': found '*'; {NO_MARKDOWN}"),
    (PROPERTY_SHORT, "short: Reduce [property crime](https://example.org)\n", "short: Reduce [", "Reduce",
     f"item 'reduce-property-crime': field 'short': found '['; {NO_MARKDOWN}"),
    (PROPERTY_SHORT, "short: Reduce burglary by 3 per cent\n", "short: Reduce burglary", "Reduce",
     "item 'reduce-property-crime': field 'short': found '3 per cent', but the item's targets are "
     "burglary_dwelling -2%, robbery -5%; expected the size of one of them"),
    (GANGS_SHORT, "short: Reduce  Property-related CRIME", "short: Reduce  Property-related", "Reduce",
     "item 'gangs-and-ocgs': field 'short': found 'Reduce  Property-related CRIME', which is also the short title "
     "of item 'reduce-property-crime'; expected a short title no other item has"),
    (GANGS_SHORT, "short: Improve perceptions of safety", "short: Improve perceptions", "Improve",
     "item 'gangs-and-ocgs': field 'short': found 'Improve perceptions of safety', which is also the short title of "
     "item 'perceptions-of-safety'; expected a short title no other item has"),
    ("title: Develop a work force that meets future needs", "title: Develop evidence-based policing",
     "title: Develop evidence-based policing", "Develop",
     "item 'future-workforce': field 'title': found 'Develop evidence-based policing', which is also the short title "
     "of item 'evidence-based-policing'; expected a title no other item has, or a 'short'"),
])
def test_a_short_title_is_short_plain_and_its_own(tmp_path, old, new, line, column, message):
    path = broken(tmp_path, old, new)
    assert refusal(path) == f"{at(path, line, column)}: {message}"


def test_a_blank_short_title_is_refused(tmp_path):
    path = broken(tmp_path, PROPERTY_SHORT, "short:\n")
    assert refusal(path) == (f"{path}:{line_of(path, PROPERTY_TITLE) + 1}:15: item 'reduce-property-crime': "
                             "field 'short': found an empty short title; expected one of at most 10 words")


def test_a_title_is_counted_with_its_placeholders_filled_in(tmp_path):
    # 10 words as written, 12 as printed: "by 20 per cent".
    path = mopac(tmp_path, "title: Reduce the MOPAC 7 neighbourhood crimes by 20%",
                 "title: Reduce the MOPAC 7 neighbourhood crimes by {target} by 2015/16")
    assert refusal(path) == (f"{at(path, 'title: Reduce the MOPAC', 'Reduce')}: item 'mopac7': field 'title': found a "
                             "title of 12 words and no 'short'; expected a 'short' of at most 10 words to name the "
                             "item in tables and navigation")

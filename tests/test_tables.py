from decimal import Decimal
from fractions import Fraction

import pytest

from spcb.analysis.milestones import Row, rows_for
from spcb.report import tables

PAPER = [
    # label, role, last year, this year, target, expected printed cells
    ("Burglary Dwelling", "milestone", 8045, 7310, Fraction(-2, 100),
     ["8,045", "7,310", "−735", "−2%", "−9.1%", "574", "On track: 574 below target"]),
    ("Public Place Violence With Injury", "milestone", 6623, 7192, Fraction(-5, 100),
     ["6,623", "7,192", "+569", "−5%", "+8.6%", "901", "Off track: 901 above target"]),
    ("Robbery", "milestone", 3360, 3171, Fraction(-5, 100),
     ["3,360", "3,171", "−189", "−5%", "−5.6%", "21", "On track: 21 below target"]),
    ("Total Recorded Crime", "deliverable", 114287, 115245, None,
     ["114,287", "115,245", "+958", "–", "+0.8%", "–", "–"]),
    ("Business Crime", "deliverable", 22978, 25016, None,
     ["22,978", "25,016", "+2,038", "–", "+8.9%", "–", "–"]),
]


def paper_rows():
    return [Row(label, role, "lower", ly, ty, target) for label, role, ly, ty, target, _ in PAPER]


def test_the_papers_table_to_the_digit():
    frame = tables.display_frame(paper_rows())
    for (label, _, _, _, _, cells), row in zip(PAPER, frame.itertuples(index=False)):
        assert row[0] == label
        assert list(row[2:]) == cells


def test_total_recorded_crime_follows_the_arithmetic_not_the_paper():
    row = paper_rows()[3]
    assert row.performance == Decimal("0.8")  # the paper printed 0.9%; 958 / 114,287 is 0.838%


def test_targets_round_down_and_variance_is_a_distance():
    burglary, violence, robbery = paper_rows()[:3]
    assert (burglary.target_count, burglary.variance, burglary.on_track) == (7884, 574, True)
    assert (violence.target_count, violence.variance, violence.on_track) == (6291, 901, False)
    assert (robbery.target_count, robbery.variance, robbery.on_track) == (3192, 21, True)


def test_performance_rounds_halves_away_from_zero():
    assert Row("x", "indicator", "lower", 400, 401).performance == Decimal("0.3")  # 0.25 -> 0.3
    assert Row("x", "indicator", "lower", 400, 399).performance == Decimal("-0.3")
    assert Row("x", "indicator", "lower", 0, 5).performance is None


def test_exactly_on_target_and_higher_is_better():
    on = Row("x", "milestone", "lower", 100, 98, Fraction(-2, 100))
    assert on.status == "On track: at target"
    higher = Row("Satisfaction", "milestone", "higher", 100, 101, Fraction(2, 100))
    assert higher.target_count == 102 and not higher.on_track
    assert higher.status == "Off track: 1 below target"


def test_machine_formats_carry_plain_numbers():
    rows = paper_rows()
    csv = tables.to_csv(rows).splitlines()
    assert csv[0].startswith("measure,type,last_year,this_year,difference,milestone_percent")
    assert csv[1] == "Burglary Dwelling,milestone,8045,7310,-735,-2.0,-9.1,7884,574,True,On track: 574 below target"
    assert csv[4] == "Total Recorded Crime,deliverable,114287,115245,958,,0.8,,,,"
    import json
    records = json.loads(tables.to_json(rows))
    assert records[1]["variance"] == 901 and records[1]["on_track"] is False
    assert records[4]["performance_percent"] == 8.9
    markdown = tables.to_markdown(rows).splitlines()
    assert markdown[2] == ("| Burglary Dwelling | Milestone | 8,045 | 7,310 | −735 | −2% | −9.1% | 574 | "
                           "On track: 574 below target |")


def test_html_is_a_real_table_with_caption_and_header_cells_and_is_stable():
    def render():
        return tables.html_table(tables.display_frame(paper_rows()), "Milestones <year to date>", "milestones",
                                 "Extract <demo>")
    first = render()
    assert first == render()
    assert first.endswith('<p class="spcb-source">Source: Extract &lt;demo&gt;</p>\n')
    assert "<caption>Milestones &lt;year to date&gt;</caption>" in first
    assert first.count("<th ") >= len(tables.COLUMNS)
    assert 'class="spcb-table"' in first and "T_milestones" in first


@pytest.mark.parametrize("index", range(5))
def test_rows_from_the_shipped_data_match_the_paper(index, shipped_rows):
    expected = PAPER[index]
    row = shipped_rows[index]
    assert (row.label, row.last_year, row.this_year, row.target) == (expected[0], expected[2], expected[3], expected[4])


@pytest.fixture(scope="module")
def shipped_rows(november):
    return rows_for(november.plan.milestone_table, november.extract, november.window)


def test_small_counts_of_sensitive_measures_are_suppressed():
    small = Row("Hate Crime", "indicator", "neutral", 7, 3, None, suppress_below=5)
    large = Row("Hate Crime", "indicator", "neutral", 1400, 1481, None, suppress_below=5)
    shown = tables.display_frame([small, large])
    assert shown.iloc[0].tolist()[:2] == ["Hate Crime", "Indicator"] and set(shown.iloc[0].tolist()[2:]) == {"*"}
    assert shown.iloc[1]["This year"] == "1,481"
    data = tables.data_frame([small, large])
    assert data.iloc[0]["last_year"] is None and data.iloc[0]["this_year"] is None and data.iloc[1]["this_year"] == 1481
    assert "7" not in tables.to_csv([small]).splitlines()[1]


def test_the_plan_names_the_sensitive_measures():
    from conftest import DATA

    from spcb.plan.schema import load_dir
    shipped = load_dir(DATA)
    assert shipped.threshold(shipped.measures["hate_crime"]) == 5
    assert shipped.threshold(shipped.measures["robbery"]) == 0

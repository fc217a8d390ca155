"""Each generated statement's trigger, and its absence."""
from spcb.analysis import statements
from spcb.analysis.measures import SpcChart, YearToDate
from spcb.plan.model import Measure
from spcb.plan.periods import Month

COUNT = Measure("m", "Robbery", "robbery", "offences", "lower")
MONTHS = [Month(2012, 4).shift(i) for i in range(24)]
YEAR = [m for m in MONTHS if m.financial_year.start_year == 2013]


def chart(values, measure=COUNT):
    return SpcChart.of(measure, MONTHS[:len(values)], values)


def test_stable_when_no_rule_fires():
    values = [100, 104] * 12
    text = statements.variation(chart(values), YEAR)
    assert text == "Stable in 2013/14 so far (April 2013 to March 2014): no special cause variation."


def test_stable_apart_from_one_spike():
    values = [96, 108] * 12
    values[15] = 160
    text = statements.variation(chart(values), YEAR)
    assert text == ("Stable in 2013/14 so far (April 2013 to March 2014), apart from a significant increase in "
                    "July 2013 (above the upper process limit), a concern.")


def test_special_cause_variation_over_several_months():
    values = [100, 104] * 6 + [80, 82] * 6
    text = statements.variation(chart(values), YEAR)
    assert text.startswith("Special cause variation in 2013/14 so far (April 2013 to March 2014): a significant "
                           "decrease in April 2013 to March 2014 (")
    assert text.endswith("an improvement.")


def test_rebase_is_named_and_average_compares_segments():
    measure = Measure("m", "Business Crime", "business_crime", "offences", "lower", rebase=(Month(2013, 4),))
    values = [100, 104] * 6 + [120, 124] * 6
    text = statements.variation(chart(values, measure), YEAR)
    assert "against its level since April 2013: no special cause variation" in text
    assert statements.average(chart(values, measure)) == (
        "Since April 2013 the average has been 122 offences a month, above the average of 102 before then.")
    assert statements.average(chart([100, 104] * 12)) == (
        "The latest month, March 2014 (104), is above the average of 102 offences a month since April 2012.")


def test_records_since_records_began():
    history = list(zip(MONTHS, [100, 101, 99, 102] * 3 + [98, 97, 96, 99, 96, 120, 100, 101, 100, 101, 102, 100]))
    lines = statements.record_statement(history, YEAR)
    assert lines[0] == ("Record lows since records began in April 2012 in three consecutive months: April 2013 "
                        "(98), May 2013 (97) and June 2013 (96). August 2013 equalled the record low (96).")
    assert lines[1] == "Record high since records began in April 2012: September 2013 (120)."
    assert statements.record_statement(list(zip(MONTHS, [100, 101] * 12)), YEAR) == []


def test_year_to_date_change():
    assert statements.year_to_date(YearToDate(8045, 7310), COUNT) == (
        "Year to date: 7,310 offences against 8,045 last year, down 735 (9.1%).")
    assert statements.year_to_date(YearToDate(10, 10), COUNT).endswith("unchanged.")


def spiked(ends, better="lower"):
    """Two years alternating 96 and 108, the last months replaced by `ends`."""
    values = [96, 108] * 12
    values[-len(ends):] = ends
    return chart(values, Measure("m", "Robbery", "robbery", "offences", better))


def test_latest_month_in_plain_words_for_common_cause():
    assert statements.plain_variation(chart([100, 104] * 12)) == (
        "No unusual change: within the normal range of the last 24 months (common cause variation)")


def test_latest_month_in_plain_words_counts_the_current_segment_after_a_rebase():
    rebased = Measure("m", "Business Crime", "business_crime", "offences", "lower", rebase=(Month(2013, 4),))
    assert statements.plain_variation(chart([100, 104] * 6 + [120, 124] * 6, rebased)) == (
        "No unusual change: within the normal range of the last 12 months (common cause variation)")
    just_rebased = Measure("m", "Business Crime", "business_crime", "offences", "lower", rebase=(MONTHS[23],))
    assert statements.latest(chart([100, 104] * 12, just_rebased)).meaning == (
        "within the normal range of the last 1 month")


def test_latest_month_in_plain_words_for_a_concern():
    assert statements.plain_variation(spiked([160])) == (
        "Unusually high for 1 month: look into it (special cause variation, concern)")
    assert statements.plain_variation(spiked([160, 165, 170])) == (
        "Unusually high for 3 months: look into it (special cause variation, concern)")
    assert statements.plain_variation(spiked([40, 42], "higher")) == (
        "Unusually low for 2 months: look into it (special cause variation, concern)")


def test_latest_month_in_plain_words_for_an_improvement():
    assert statements.plain_variation(spiked([40])) == (
        "Unusually low for 1 month: an improvement (special cause variation, improvement)")
    assert statements.plain_variation(spiked([40, 42])) == (
        "Unusually low for 2 months: an improvement (special cause variation, improvement)")


def test_latest_month_in_plain_words_when_the_plan_sets_no_direction():
    assert statements.plain_variation(spiked([160], "neutral")) == (
        "Unusually high for 1 month (special cause variation; the plan sets no direction for this measure)")
    assert statements.plain_variation(spiked([40, 42], "neutral")) == (
        "Unusually low for 2 months (special cause variation; the plan sets no direction for this measure)")


def test_the_run_counts_back_only_through_special_months_on_the_same_side_and_in_the_segment():
    assert statements.latest(spiked([40, 160, 165])).change == "Unusually high for 2 months"
    assert statements.latest(spiked([160, 100, 165])).change == "Unusually high for 1 month"
    rebased = Measure("m", "Robbery", "robbery", "offences", "lower", rebase=(MONTHS[18],))
    across = chart([96, 108] * 8 + [160, 170] + [1, 5, 8, 16, 35, 51, 59], rebased)  # a rise, then 2 beyond
    assert across.result.special[16:].all() and (across.result.direction[16:] > 0).all()
    assert statements.latest(across).change == "Unusually high for 7 months"  # not 9: the run stops at the rebase


def test_a_trend_is_a_rise_or_a_fall_whichever_side_of_the_mean_it_ends():
    falling = chart([80, 120] * 6 + [108, 106, 104, 102, 100, 98, 96])
    assert falling.result.rule[-1] == "trend"
    assert statements.plain_variation(falling) == (
        "Unusual fall over 8 months: an improvement (special cause variation, improvement)")
    rising = chart([80, 120] * 6 + [110, 115, 118, 119, 120, 121, 122])
    assert statements.latest(rising).change == "Unusual rise over 8 months"

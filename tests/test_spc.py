"""SPC rules on hand-made series, one for each rule and edge case."""
import numpy as np
import pytest

from spcb import spc

FLAT = [10, 12, 10, 12, 10, 12, 10, 12, 10, 12, 10, 12]


def test_limits_are_mean_plus_minus_2_66_mean_moving_range():
    result = spc.analyse(FLAT)
    segment = result.segments[0]
    assert segment.mean == 11 and segment.mean_moving_range == 2
    assert (segment.lower, segment.upper) == pytest.approx((11 - 5.32, 11 + 5.32))
    assert (segment.near_lower, segment.near_upper) == pytest.approx((11 - 5.32 * 2 / 3, 11 + 5.32 * 2 / 3))
    assert not result.special.any() and result.icon == spc.COMMON


def test_a_point_beyond_the_limits():
    values = FLAT[:6] + [30] + FLAT[6:]
    result = spc.analyse(values, "lower")
    assert result.astronomical.tolist() == [i == 6 for i in range(len(values))]
    assert result.point_type[6] == spc.CONCERN
    assert result.rules(6) == ["a point beyond the process limits"]


def test_screening_outliers_tightens_the_limits():
    values = FLAT[:6] + [30] + FLAT[6:]
    screened = spc.analyse(values).segments[0]
    unscreened = spc.analyse(values, screen_outliers=False).segments[0]
    assert screened.mean_moving_range == 2  # the two moving ranges around 30 are screened out
    assert unscreened.mean_moving_range > screened.mean_moving_range


def test_a_shift_of_seven_points_and_a_point_on_the_mean_breaks_it():
    values = [14, 10, 14, 10, 14, 10] + [13.5] * 7
    result = spc.analyse(values, "lower")
    assert result.shift.tolist() == [False] * 6 + [True] * 7
    assert all(t == spc.CONCERN for t in result.point_type[6:])
    assert not spc.analyse([14, 10, 14, 10, 14, 10] + [13.5] * 6).shift.any()  # six in a row: no shift
    on_mean = [8] * 6 + [12, 12, 12, 10, 12, 12, 12]
    assert spc.analyse(on_mean).segments[0].mean == 10
    assert not spc.analyse(on_mean).shift.any()  # the point on the mean breaks the run of seven


def test_a_trend_of_seven_points_rising_or_falling():
    rising = [10, 11, 10, 11, 10, 11, 12, 13, 14, 15, 16, 17, 11, 10]
    result = spc.analyse(rising, "higher")
    assert result.trend.tolist() == [False] * 4 + [True] * 8 + [False] * 2
    assert spc.analyse([10, 11, 10, 11, 10, 11, 12, 13, 13, 15, 16, 17, 11, 10]).trend.sum() == 0  # a tie breaks it
    falling = spc.analyse(list(reversed(rising)), "higher")
    assert falling.trend.sum() == 8


def test_two_of_three_beyond_the_near_limit_on_the_same_side():
    values = [11, 12] * 6 + [16.5, 12.5, 16.5, 12, 11]
    result = spc.analyse(values, "higher", screen_outliers=False)
    segment = result.segments[0]
    assert segment.near_upper < 16.5 < segment.upper
    assert result.two_in_three.tolist() == [i in (12, 14) for i in range(len(values))]
    assert not result.astronomical.any() and result.point_type[12] == spc.IMPROVEMENT
    opposite = [10, 12, 10, 12, 10, 12, 10, 12, 10, 16.0, 6.0, 12, 10]
    assert not spc.analyse(opposite, screen_outliers=False).two_in_three.any()  # opposite sides do not count


def test_improvement_direction_decides_the_point_type():
    values = FLAT[:6] + [30] + FLAT[6:]
    assert spc.analyse(values, "lower").point_type[6] == spc.CONCERN
    assert spc.analyse(values, "higher").point_type[6] == spc.IMPROVEMENT
    assert spc.analyse(values, "neutral").point_type[6] == spc.NEUTRAL_HIGH
    low = FLAT[:6] + [-8] + FLAT[6:]
    assert spc.analyse(low, "lower").point_type[6] == spc.IMPROVEMENT
    with pytest.raises(ValueError, match="improvement direction 'down'"):
        spc.analyse(values, "down")


def test_rebasing_gives_each_segment_its_own_limits_and_runs_do_not_cross():
    values = [10, 12] * 5 + [20, 22] * 5
    plain = spc.analyse(values)
    assert plain.shift.all()
    rebased = spc.analyse(values, rebase_at=(10,))
    assert [s.mean for s in rebased.segments] == [11, 21]
    assert not rebased.special.any()
    assert np.isnan(rebased.line("mean")).sum() == 0 and rebased.line("mean")[10] == 21


def test_short_constant_and_missing():
    assert spc.analyse([5]).segments[0].mean == 5 and spc.analyse([5]).icon == spc.COMMON
    constant = spc.analyse([7] * 10)
    assert constant.segments[0].mean_moving_range == 0 and not constant.special.any()
    gappy = spc.analyse([10, 12, np.nan, 10, 12, 10, 12, 10, 12, 10, 30], "lower")
    assert gappy.segments[0].mean == pytest.approx(np.nanmean([10, 12, 10, 12, 10, 12, 10, 12, 10, 30]))
    assert gappy.point_type[2] == spc.COMMON and gappy.point_type[-1] == spc.CONCERN
    assert spc.analyse([]).segments == ()

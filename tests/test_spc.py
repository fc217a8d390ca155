"""SPC: the NHSRplotthedots reference vectors, and hand-made series for each rule and edge case."""
import numpy as np
import pytest

from spcb.analysis import spc

# R: set.seed(123); rnorm(24), as printed by R to 8 decimal places (NHSRplotthedots tests use these).
RNORM = [-0.56047565, -0.23017749, 1.55870831, 0.07050839, 0.12928774, 1.71506499, 0.46091621, -1.26506123,
         -0.68685285, -0.44566197, 1.22408180, 0.35981383, 0.40077145, 0.11068272, -0.55584113, 1.78691314,
         0.49785048, -1.96661716, 0.70135590, -0.47279141, -1.06782371, -0.21797491, -1.02600445, -0.72889123]
FLAT = [10, 12, 10, 12, 10, 12, 10, 12, 10, 12, 10, 12]


def limits(result):
    segment = result.segments[0]
    return segment.mean, segment.lower, segment.upper


def test_reference_rnorm_20_points():
    """tests/testthat/test-ptd_spc_standard.R and its snapshot: limits, and no special cause."""
    result = spc.analyse(RNORM[:20])
    assert limits(result) == pytest.approx((0.1416238, -3.01138, 3.294627), abs=5e-6)
    assert set(result.point_type) == {spc.COMMON}


def test_reference_outlier_screened_and_not():
    values = list(RNORM[:20])
    values[14] = 10
    assert limits(spc.analyse(values)) == pytest.approx((0.6694159, -2.383666, 3.722497), abs=5e-6)
    assert limits(spc.analyse(values, screen_outliers=False)) == pytest.approx(
        (0.6694159, -4.596625, 5.935457), abs=5e-6)


def test_reference_vignette_vector():
    """vignettes/deviations.Rmd: one astronomical point; screened and unscreened limits."""
    values = [1, 2, 1, 2, 10, 1, 2, 1, 2, 1, 2, 1, 2, 1, 2, 1, 2, 1]
    screened = spc.analyse(values, "higher")
    assert limits(screened) == pytest.approx((1.944444, -0.715556, 4.604444), abs=5e-6)
    assert screened.point_type[4] == spc.IMPROVEMENT and screened.special.sum() == 1
    unscreened = spc.analyse(values, "higher", screen_outliers=False)
    segment = unscreened.segments[0]
    assert (segment.lower, segment.upper) == pytest.approx((-3.062614, 6.951503), abs=5e-6)
    assert unscreened.special.sum() == 1


def test_reference_two_in_three_on_opposite_sides_is_common_cause():
    values = [1, -1] * 8
    values[14], values[15] = 5.5, -5.5
    result = spc.analyse(values)
    segment = result.segments[0]
    assert (segment.mean, segment.upper, segment.near_upper) == pytest.approx((0, 6.175, 4.116667), abs=5e-6)
    assert result.point_type[-2:] == (spc.COMMON, spc.COMMON)


def test_reference_icon_scenarios():
    """tests/testthat/test-geom_ptd_icon.R: a level shift half way makes every point a special cause."""
    assert spc.analyse(RNORM).icon == spc.COMMON
    assert limits(spc.analyse(RNORM)) == pytest.approx((-0.008676, -2.908247, 2.890895), abs=5e-6)
    high = RNORM[:12] + [4.37496073, 3.31330669, 5.83778704, 5.15337312, 3.86186306, 6.25381492, 5.42646422,
                         4.70492852, 5.89512566, 5.87813349, 5.82158108, 5.68864025]
    result = spc.analyse(high, "higher")
    assert limits(result) == pytest.approx((2.689172, -0.029476, 5.407820), abs=5e-6)
    assert result.special.all()
    assert result.point_type[:12] == (spc.CONCERN,) * 12 and result.point_type[12:] == (spc.IMPROVEMENT,) * 12
    assert spc.analyse(high, "lower").icon == spc.CONCERN
    low = RNORM[:12] + [-4.44608235, -5.06191171, -5.30596266, -5.38047100, -5.69470698, -5.20791728,
                        -6.26539635, -2.83104403, -3.79203800, -6.12310858, -5.40288484, -5.46665535]
    assert limits(spc.analyse(low)) == pytest.approx((-2.443668, -5.090221, 0.202885), abs=5e-6)
    assert spc.analyse(low, "higher").icon == spc.CONCERN
    assert spc.analyse(low, "lower").icon == spc.IMPROVEMENT
    assert spc.analyse(low, "neutral").icon == spc.NEUTRAL_LOW


def test_rule_vectors():
    """tests/testthat/test-ptd_calculate_point_type.R, through the public rules."""
    assert not spc.analyse([1, 2, 3, 4, 5, 6]).trend.any()
    assert not spc.analyse([1, 2, 3, 3, 4, 5, 6]).trend.any()  # a tie breaks a trend
    assert spc.analyse([1, 2, 3, 4, 5, 6, 7]).trend.all()
    assert spc.analyse([2, 1, 2, 3, 4, 5, 6, 7, 3]).trend.tolist() == [False] + [True] * 7 + [False]
    falling = spc.analyse([2, 7, 6, 5, 4, 3, 2, 1, 3], "higher")
    assert falling.trend.tolist() == [False] + [True] * 7 + [False]
    assert falling.point_type[1] == spc.CONCERN  # a falling trend, above the mean, is still a concern


def test_limits_are_mean_plus_minus_2_66_mean_moving_range():
    result = spc.analyse(FLAT)
    segment = result.segments[0]
    assert segment.mean == 11 and segment.mean_moving_range == 2
    assert (segment.lower, segment.upper) == pytest.approx((11 - 5.32, 11 + 5.32))
    assert (segment.near_lower, segment.near_upper) == pytest.approx((11 - 5.32 * 2 / 3, 11 + 5.32 * 2 / 3))
    assert not result.special.any() and result.icon == spc.COMMON


def test_a_point_beyond_the_limits_and_screening():
    values = FLAT[:6] + [30] + FLAT[6:]
    result = spc.analyse(values, "lower")
    assert result.astronomical.tolist() == [i == 6 for i in range(len(values))]
    assert result.point_type[6] == spc.CONCERN and result.rule[6] == "astronomical"
    assert spc.analyse(values).segments[0].mean_moving_range == 2  # the two ranges around 30 are screened out
    assert spc.analyse(values, screen_outliers=False).segments[0].mean_moving_range > 2


def test_a_shift_of_seven_points_and_a_point_on_the_mean_breaks_it():
    values = [14, 10, 14, 10, 14, 10] + [13.5] * 7
    result = spc.analyse(values, "lower")
    assert result.shift.tolist() == [False] * 6 + [True] * 7
    assert all(t == spc.CONCERN for t in result.point_type[6:])
    assert not spc.analyse([14, 10, 14, 10, 14, 10] + [13.5] * 6).shift.any()  # six in a row: no shift
    on_mean = [8] * 6 + [12, 12, 12, 10, 12, 12, 12]
    assert spc.analyse(on_mean).segments[0].mean == 10
    assert not spc.analyse(on_mean).shift.any()  # the point on the mean breaks the run of seven


def test_two_of_three_beyond_the_near_limit_on_the_same_side():
    values = [11, 12] * 6 + [16.5, 12.5, 16.5, 12, 11]
    result = spc.analyse(values, "higher", screen_outliers=False)
    segment = result.segments[0]
    assert segment.near_upper < 16.5 < segment.upper
    assert result.two_in_three.tolist() == [i in (12, 14) for i in range(len(values))]  # not the middle point
    assert not result.astronomical.any() and result.point_type[12] == spc.IMPROVEMENT


def test_precedence_gives_each_point_one_rule():
    values = [0, 1] * 4 + [1.1, 1.2, 1.3, 1.4, 1.5, 1.6, 1.7]
    result = spc.analyse(values, "higher")
    assert result.shift.tolist() == [False] * 7 + [True] * 8  # 1, then 1.1 to 1.7: eight above the mean
    assert result.trend.tolist() == [False] * 6 + [True] * 9  # 0, 1, 1.1 ... 1.7: nine rising
    assert result.rule == (None,) * 6 + ("trend",) * 9 and not result.astronomical.any()


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
    assert spc.analyse(values).shift.all()
    rebased = spc.analyse(values, rebase_at=(10,))
    assert [s.mean for s in rebased.segments] == [11, 21]
    assert not rebased.special.any()
    assert rebased.line("mean")[9] == 11 and rebased.line("mean")[10] == 21


def test_short_constant_and_missing():
    assert spc.analyse([5]).segments[0].mean == 5 and spc.analyse([5]).icon == spc.COMMON
    constant = spc.analyse([7] * 10)
    assert constant.segments[0].mean_moving_range == 0 and not constant.special.any()
    gappy = spc.analyse([10, 12, np.nan, 10, 12, 10, 12, 10, 12, 10, 30], "lower")
    assert gappy.segments[0].mean == pytest.approx(np.nanmean([10, 12, 10, 12, 10, 12, 10, 12, 10, 30]))
    assert gappy.point_type[2] == spc.COMMON and gappy.point_type[-1] == spc.CONCERN
    assert spc.analyse([]).segments == ()

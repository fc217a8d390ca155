"""Statistical process control: XmR charts with NHS England's "Making Data Count" rules, as the R package
NHSRplotthedots implements them.

- Limits: mean ± 2.66 × the mean moving range (n − 1 ranges). With outlier screening, moving ranges not
  strictly below 3.267 × their mean are dropped and the mean range is taken again, once. Near limits sit at
  two thirds of that distance (± 1.7733 × the mean range).
- Rules, strictly (a point on a limit is not beyond it; a point on the mean belongs to neither side):
  a point beyond a process limit; a trend of 7 points each higher, or each lower, than the one before (ties
  break it); 2 of 3 points beyond the same near limit with all three on that side of the mean (only the
  points beyond the near limit are flagged); a shift of 7 points on one side of the mean. Every point of a
  trend or shift is flagged.
- Precedence, one rule per point: beyond a limit, trend, 2 of 3, shift. The point's direction is its side of
  the mean, or the trend's direction for a trend; with the improvement direction it makes the point an
  improvement, a concern, or (with no direction) neutral high or low.
- Rebasing starts a new segment with its own mean and limits; no moving range or rule crosses it.
- A missing value (NaN) is skipped: the moving ranges beside it are dropped and it breaks any run.
- A constant series has a mean range of 0: limits equal the mean and nothing is flagged (the R package gives
  empty limits there when screening; this port keeps the limits at the mean).
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

LIMIT = 2.66
NEAR = 2 * LIMIT / 3
MR_SCREEN = 3.267
RUN = 7
DIRECTIONS = ("lower", "higher", "neutral")
COMMON = "common_cause"
IMPROVEMENT = "special_cause_improvement"
CONCERN = "special_cause_concern"
NEUTRAL_HIGH = "special_cause_neutral_high"
NEUTRAL_LOW = "special_cause_neutral_low"
RULES = ("astronomical", "trend", "two_in_three", "shift")  # in order of precedence


@dataclass(frozen=True)
class Segment:
    """The mean and limits of one stretch of points between rebases."""

    start: int
    end: int  # exclusive
    mean: float
    mean_moving_range: float

    @property
    def upper(self) -> float:
        return self.mean + LIMIT * self.mean_moving_range

    @property
    def lower(self) -> float:
        return self.mean - LIMIT * self.mean_moving_range

    @property
    def near_upper(self) -> float:
        return self.mean + NEAR * self.mean_moving_range

    @property
    def near_lower(self) -> float:
        return self.mean - NEAR * self.mean_moving_range


@dataclass(frozen=True)
class Result:
    """Per point: the segment lines, each rule's flags, the rule that decides it, its direction and type."""

    values: np.ndarray
    segments: tuple[Segment, ...]
    astronomical: np.ndarray
    trend: np.ndarray
    two_in_three: np.ndarray
    shift: np.ndarray
    rule: tuple[str | None, ...]
    direction: np.ndarray  # +1 high or increasing, -1 low or decreasing, 0 common cause
    point_type: tuple[str, ...]
    better: str = "neutral"

    def line(self, name: str) -> np.ndarray:
        """mean, upper, lower, near_upper or near_lower, point by point."""
        out = np.full(len(self.values), np.nan)
        for segment in self.segments:
            out[segment.start:segment.end] = getattr(segment, name)
        return out

    @property
    def special(self) -> np.ndarray:
        return np.array([r is not None for r in self.rule], dtype=bool)

    @property
    def icon(self) -> str:
        """The variation icon: the type of the latest point."""
        return self.point_type[-1] if self.point_type else COMMON


def analyse(values, better: str = "neutral", rebase_at: tuple[int, ...] = (), screen_outliers: bool = True) -> Result:
    """Run the XmR rules over `values`; `rebase_at` lists the positions where a new segment starts."""
    if better not in DIRECTIONS:
        raise ValueError(f"improvement direction {better!r}: expected one of {', '.join(DIRECTIONS)}")
    y = np.asarray(values, dtype=float)
    n = len(y)
    cuts = [0, *sorted(i for i in set(rebase_at) if 0 < i < n), n]
    flags = {rule: np.zeros(n, dtype=bool) for rule in RULES}
    side, trend_direction = np.zeros(n), np.zeros(n)
    segments = []
    for start, end in zip(cuts[:-1], cuts[1:]):
        part = y[start:end]
        if np.isnan(part).all():
            continue
        segment = _segment(part, start, end, screen_outliers)
        segments.append(segment)
        rtm = np.sign(part - segment.mean)
        outside = (part > segment.upper) | (part < segment.lower)
        close = ~outside & ((part < segment.near_lower) | (part > segment.near_upper))
        steps = _trend_steps(part)
        flags["astronomical"][start:end] = outside
        flags["trend"][start:end] = _spread(steps != 0)
        flags["two_in_three"][start:end] = _two_in_three(close, rtm)
        flags["shift"][start:end] = _spread(_runs_of(rtm))
        side[start:end] = np.nan_to_num(rtm)
        trend_direction[start:end] = _trend_direction(part, flags["trend"][start:end])
    rule = tuple(next((r for r in RULES if flags[r][i]), None) for i in range(n))
    direction = np.array([0 if r is None else trend_direction[i] if r == "trend" else side[i]
                          for i, r in enumerate(rule)])
    return Result(y, tuple(segments), rule=rule, direction=direction,
                  point_type=tuple(_type(d, better) for d in direction), better=better, **flags)


def _segment(part: np.ndarray, start: int, end: int, screen: bool) -> Segment:
    ranges = np.abs(np.diff(part))
    ranges = ranges[~np.isnan(ranges)]
    mean_range = float(ranges.mean()) if len(ranges) else 0.0
    if screen and mean_range > 0:
        kept = ranges[ranges < MR_SCREEN * mean_range]
        mean_range = float(kept.mean()) if len(kept) else 0.0
    return Segment(start, end, float(np.nanmean(part)), mean_range)


def _window_all(values: np.ndarray, length: int, test) -> np.ndarray:
    """Positions i where `test` holds for values[i - length + 1 .. i]."""
    out = np.zeros(len(values), dtype=bool)
    for i in range(length - 1, len(values)):
        out[i] = test(values[i - length + 1:i + 1])
    return out


def _runs_of(rtm: np.ndarray) -> np.ndarray:
    """+1 or −1 at the 7th and later points of a run strictly on one side of the mean, else 0."""
    fires = _window_all(rtm, RUN, lambda w: not np.isnan(w).any() and w[0] != 0 and (w == w[0]).all())
    return np.where(fires, np.nan_to_num(rtm), 0)


def _trend_steps(part: np.ndarray) -> np.ndarray:
    """+1 or −1 at the 7th and later points of 7 points rising (or falling) strictly, else 0."""
    steps = np.sign(np.diff(part, prepend=np.nan))
    fires = _window_all(steps, RUN - 1, lambda w: not np.isnan(w).any() and w[0] != 0 and (w == w[0]).all())
    return np.where(fires, np.nan_to_num(steps), 0)


def _spread(fires: np.ndarray) -> np.ndarray:
    """Every point of a run: a point is flagged when the run fires there or at one of the next 6 points."""
    fires = np.asarray(fires) != 0
    return np.array([fires[i:i + RUN].any() for i in range(len(fires))], dtype=bool)


def _trend_direction(part: np.ndarray, in_trend: np.ndarray) -> np.ndarray:
    """The direction of a trend at each of its points: the step to the next point where that point is in
    the trend too, else the step from the previous point."""
    out = np.zeros(len(part))
    for i in np.flatnonzero(in_trend):
        if i + 1 < len(part) and in_trend[i + 1]:
            out[i] = np.sign(part[i + 1] - part[i])
        elif i > 0:
            out[i] = np.sign(part[i] - part[i - 1])
    return out


def _two_in_three(close: np.ndarray, rtm: np.ndarray) -> np.ndarray:
    """Points beyond a near limit in a window of 3 with at least 2 such points, all 3 on the same side."""
    n = len(close)
    qualifies = np.zeros(n, dtype=bool)
    for i in range(n - 2):
        sides = rtm[i:i + 3]
        if close[i:i + 3].sum() >= 2 and not np.isnan(sides).any() and abs(sides.sum()) == 3:
            qualifies[i:i + 3] = True
    return qualifies & close


def _type(direction: float, better: str) -> str:
    if direction == 0:
        return COMMON
    if better == "neutral":
        return NEUTRAL_HIGH if direction > 0 else NEUTRAL_LOW
    return IMPROVEMENT if direction * (1 if better == "higher" else -1) > 0 else CONCERN

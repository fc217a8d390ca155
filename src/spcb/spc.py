"""Statistical process control: XmR charts with NHS England's "Making Data Count" rules.

Limits are the mean ± 2.66 × the mean moving range (optionally after screening out moving ranges above
3.267 × their mean); near limits sit at two thirds of that distance. A point shows special cause
variation when it is beyond a limit, in a shift (7 points on one side of the mean; a point on the mean
breaks it), in a trend (7 points each higher, or each lower, than the one before), or one of 2 of 3
consecutive points beyond the same near limit. Each point is then improvement, concern or neutral by the
measure's improvement direction. A series may be rebased: each segment gets its own mean and limits, and
runs do not cross a rebase.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

LIMIT = 2.66
MR_SCREEN = 3.267
RUN = 7
DIRECTIONS = ("lower", "higher", "neutral")
COMMON = "common_cause"
IMPROVEMENT = "special_cause_improvement"
CONCERN = "special_cause_concern"
NEUTRAL_HIGH = "special_cause_neutral_high"
NEUTRAL_LOW = "special_cause_neutral_low"


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
        return self.mean + LIMIT * self.mean_moving_range * 2 / 3

    @property
    def near_lower(self) -> float:
        return self.mean - LIMIT * self.mean_moving_range * 2 / 3


@dataclass(frozen=True)
class Result:
    """Per point: the segment's lines, the rules that fired, and the point type."""

    values: np.ndarray
    segments: tuple[Segment, ...]
    astronomical: np.ndarray
    shift: np.ndarray
    trend: np.ndarray
    two_in_three: np.ndarray
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
        return self.astronomical | self.shift | self.trend | self.two_in_three

    def rules(self, index: int) -> list[str]:
        """The rules that flagged a point, in order of precedence."""
        names = (("astronomical", "a point beyond the process limits"), ("shift", "a shift of 7 points"),
                 ("trend", "a trend of 7 points"), ("two_in_three", "2 of 3 points beyond a near limit"))
        return [text for name, text in names if getattr(self, name)[index]]

    @property
    def icon(self) -> str:
        """The variation icon of the latest point."""
        return self.point_type[-1] if self.point_type else COMMON


def analyse(values, better: str = "neutral", rebase_at: tuple[int, ...] = (), screen_outliers: bool = True) -> Result:
    """Run the XmR rules over `values` (NaN marks a missing point, which is skipped, not counted)."""
    if better not in DIRECTIONS:
        raise ValueError(f"improvement direction {better!r}: expected one of {', '.join(DIRECTIONS)}")
    values = np.asarray(values, dtype=float)
    n = len(values)
    cuts = [0, *sorted(i for i in set(rebase_at) if 0 < i < n), n]
    segments, flags = [], {k: np.zeros(n, dtype=bool) for k in ("astronomical", "shift", "trend", "two_in_three")}
    for start, end in zip(cuts[:-1], cuts[1:]):
        present = np.flatnonzero(~np.isnan(values[start:end])) + start
        segment = _segment(values[present], start, end, screen_outliers)
        segments.append(segment)
        if segment is None or len(present) == 0:
            continue
        points = values[present]
        for name, found in (("astronomical", (points > segment.upper) | (points < segment.lower)),
                            ("shift", _shift(points, segment.mean)), ("trend", _trend(points)),
                            ("two_in_three", _two_in_three(points, segment))):
            flags[name][present] = found
    segments = tuple(s for s in segments if s is not None)
    point_type = _types(values, segments, flags, better)
    return Result(values, segments, point_type=point_type, better=better, **flags)


def _segment(points: np.ndarray, start: int, end: int, screen: bool) -> Segment | None:
    if len(points) == 0:
        return None
    ranges = np.abs(np.diff(points))
    mean_range = float(ranges.mean()) if len(ranges) else 0.0
    if screen and len(ranges):
        kept = ranges[ranges <= MR_SCREEN * mean_range]
        mean_range = float(kept.mean()) if len(kept) else mean_range
    return Segment(start, end, float(points.mean()), mean_range)


def _runs(condition: np.ndarray, length: int) -> np.ndarray:
    """Flag every point in a run of at least `length` consecutive True values."""
    flagged = np.zeros(len(condition), dtype=bool)
    run_start = None
    for i, value in enumerate([*condition, False]):
        if value and run_start is None:
            run_start = i
        elif not value and run_start is not None:
            if i - run_start >= length:
                flagged[run_start:i] = True
            run_start = None
    return flagged


def _shift(points: np.ndarray, mean: float) -> np.ndarray:
    return _runs(points > mean, RUN) | _runs(points < mean, RUN)


def _trend(points: np.ndarray) -> np.ndarray:
    """Points in a run of 7 each higher (or each lower) than the one before."""
    flagged = np.zeros(len(points), dtype=bool)
    for sign in (1, -1):
        steps = np.sign(np.diff(points)) == sign
        in_steps = _runs(steps, RUN - 1)
        for i in np.flatnonzero(in_steps):
            flagged[i] = flagged[i + 1] = True
    return flagged


def _two_in_three(points: np.ndarray, segment: Segment) -> np.ndarray:
    """Points beyond a near limit that, with one of their neighbours, make 2 of 3 on the same side."""
    flagged = np.zeros(len(points), dtype=bool)
    for beyond in (points > segment.near_upper, points < segment.near_lower):
        for i in range(len(points) - 2):
            window = beyond[i:i + 3]
            if window.sum() >= 2:
                flagged[i:i + 3] |= window
    return flagged


def _types(values, segments, flags, better) -> tuple[str, ...]:
    types = []
    mean = np.full(len(values), np.nan)
    for segment in segments:
        mean[segment.start:segment.end] = segment.mean
    special = flags["astronomical"] | flags["shift"] | flags["trend"] | flags["two_in_three"]
    for i, value in enumerate(values):
        if not special[i] or np.isnan(value):
            types.append(COMMON)
            continue
        high = value > mean[i]
        if better == "neutral":
            types.append(NEUTRAL_HIGH if high else NEUTRAL_LOW)
        else:
            types.append(IMPROVEMENT if high == (better == "higher") else CONCERN)
    return tuple(types)

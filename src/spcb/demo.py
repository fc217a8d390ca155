"""The demonstration extract: a deterministic stand-in for the force's internal series.

No public source covers these series (daily counts by local policing unit), so the shipped default is
generated. It is calibrated so that the figures published in the board paper of 2 December 2014 come out
exactly (the year-to-date milestone table, the record months it quotes), and so that the annual totals of
total recorded crime equal the real ONS figures for West Midlands. Everything else is smooth seasonal
noise from a fixed seed: it is demonstration data, labelled as such on every page that uses it. Stop and
search times are written in UTC, filed by their local (Europe/London) month, as data.police.uk writes them.
"""
from __future__ import annotations

import csv
import gzip
import io
import random
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path

from .ingest.policeuk import LOCAL_TIME
from .plan.periods import Month

FIRST_DAY = date(2010, 4, 1)
LAST_DAY = date(2014, 11, 24)
SEED = 20141202

# Local policing units of 2014 and their share of crime; the first four are the force's western side.
LPUS = {
    "Wolverhampton": 0.11, "Dudley": 0.09, "Sandwell": 0.10, "Walsall": 0.09,
    "Birmingham East": 0.12, "Birmingham North": 0.08, "Birmingham South": 0.09,
    "Birmingham West and Central": 0.14, "Coventry": 0.12, "Solihull": 0.06,
}
WESTERN = ("Wolverhampton", "Dudley", "Sandwell", "Walsall")
WEEKDAY_WEIGHTS = (0.97, 0.97, 0.98, 0.99, 1.03, 1.07, 0.99)

# Seasonal shapes, April to March.
FLAT = (1.0,) * 12
ACQUISITIVE = (0.93, 0.93, 0.92, 0.97, 0.98, 1.00, 1.06, 1.09, 1.07, 1.03, 0.99, 1.03)
VIOLENT = (1.00, 1.05, 1.05, 1.06, 1.02, 0.98, 0.99, 0.96, 1.00, 0.94, 0.93, 1.02)
VOLUME = (0.99, 1.03, 1.02, 1.04, 1.01, 1.00, 1.02, 0.99, 0.96, 0.96, 0.94, 1.04)


@dataclass(frozen=True)
class Fixed:
    """Counts that must hold exactly: one month, or the sum over a span of days."""

    start: date
    end: date
    total: int


def month(text: str, total: int) -> Fixed:
    m = Month.parse(text)
    return Fixed(m.first_day, m.last_day, total)


def span(start: str, end: str, total: int) -> Fixed:
    return Fixed(date.fromisoformat(start), date.fromisoformat(end), total)


YTD_LY = ("2013-04-01", "2013-11-24")
YTD_TY = ("2014-04-01", "2014-11-24")


@dataclass(frozen=True)
class Spec:
    """How one series behaves: monthly level per financial year, seasonal shape, noise and fixed counts."""

    levels: dict[int, float]
    season: tuple[float, ...] = FLAT
    noise: float = 0.03
    fixed: tuple[Fixed, ...] = ()
    spikes: dict[str, float] = field(default_factory=dict)
    western_rise: dict[str, float] = field(default_factory=dict)


def _ytd(last_year: int, this_year: int) -> tuple[Fixed, Fixed]:
    return span(*YTD_LY, last_year), span(*YTD_TY, this_year)


SPECS: dict[str, Spec] = {
    # Annual totals 2010/11 to 2013/14 are the ONS figures for West Midlands (excluding fraud).
    "total_recorded_crime": Spec(
        levels={2010: 17700, 2011: 15900, 2012: 14060, 2013: 14540, 2014: 14770}, season=VOLUME, noise=0.012,
        fixed=(span("2010-04-01", "2011-03-31", 212369), span("2011-04-01", "2012-03-31", 190818),
               span("2012-04-01", "2013-03-31", 168770), span(*YTD_LY, 114287),
               span("2013-11-25", "2014-03-31", 174524 - 114287),
               span("2014-04-01", "2014-10-31", 14770 * 7), span("2014-11-01", "2014-11-24", 115245 - 14770 * 7))),
    "burglary_dwelling": Spec(
        levels={2010: 1420, 2011: 1330, 2012: 1110, 2013: 1050, 2014: 960}, season=ACQUISITIVE, noise=0.025,
        fixed=(month("2014-04", 868), month("2014-05", 842), month("2014-06", 803), *_ytd(8045, 7310))),
    "public_place_violence_injury": Spec(
        levels={2010: 1010, 2011: 930, 2012: 880, 2013: 850, 2014: 880}, season=VIOLENT, noise=0.025,
        # 2013/14 and 2014/15 are set month by month: steady either side of the mean, with one spike in
        # July 2014 (the only special cause on the chart).
        # November 2013 is left to the year-to-date total, which ends on the 24th.
        fixed=(*(month(str(Month(2013, 4).shift(i)), n) for i, n in enumerate(
                   (830, 870, 880, 872, 848, 825, 848, None, 905, 820, 815, 862,
                    860, 930, 935, 1085, 900, 862, 925)) if n is not None),
               *_ytd(6623, 7192))),
    "robbery": Spec(
        levels={2010: 640, 2011: 590, 2012: 500, 2013: 440, 2014: 405}, season=ACQUISITIVE, noise=0.02,
        fixed=(month("2014-04", 374), month("2014-07", 374), *_ytd(3360, 3171))),
    "vehicle_crime": Spec(
        levels={2010: 2350, 2011: 2200, 2012: 1950, 2013: 1815, 2014: 1780}, season=ACQUISITIVE, noise=0.02,
        fixed=_ytd(14143, 13846)),
    "business_crime": Spec(
        levels={2010: 3300, 2011: 3150, 2012: 3000, 2013: 2950, 2014: 3210}, season=VOLUME, noise=0.015,
        fixed=_ytd(22978, 25016)),
    "theft_from_shops": Spec(
        levels={2010: 1380, 2011: 1360, 2012: 1330, 2013: 1335, 2014: 1425}, season=VOLUME, noise=0.015,
        fixed=_ytd(10400, 11107)),
    "make_off_without_payment": Spec(
        levels={2010: 420, 2011: 410, 2012: 400, 2013: 400, 2014: 530}, season=FLAT, noise=0.03,
        fixed=_ytd(3125, 4125)),
    "domestic_abuse_incidents": Spec(
        levels={2010: 2250, 2011: 2260, 2012: 2280, 2013: 2300, 2014: 2300}, season=VIOLENT, noise=0.02,
        spikes={"2014-05": 1.06, "2014-06": 1.22, "2014-07": 1.25, "2014-08": 1.15, "2014-09": 1.13,
                "2014-10": 1.14, "2014-11": 1.14},
        western_rise={"2014-05": 0.12, "2014-06": 0.45, "2014-07": 0.5, "2014-08": 0.35, "2014-09": 0.32,
                      "2014-10": 0.33, "2014-11": 0.33}),
    "hate_crime": Spec(
        levels={2010: 190, 2011: 185, 2012: 180, 2013: 178, 2014: 189}, season=FLAT, noise=0.07,
        spikes={"2013-05": 1.12, "2013-06": 1.15, "2013-07": 1.45}, fixed=_ytd(1400, 1481)),
}


def _days(start: date, end: date) -> list[date]:
    return [start + timedelta(days=i) for i in range((end - start).days + 1)]


def apportion(total: int, weights: list[float]) -> list[int]:
    """Split a whole number in proportion to weights, exactly (largest remainder, ties to the first)."""
    scale = sum(weights)
    if total == 0 or scale == 0:
        return [0] * len(weights)
    raw = [total * w / scale for w in weights]
    parts = [int(r) for r in raw]
    order = sorted(range(len(raw)), key=lambda i: (-(raw[i] - parts[i]), i))
    for i in order[: total - sum(parts)]:
        parts[i] += 1
    return parts


def _expected(spec: Spec, rng: random.Random) -> dict[date, float]:
    """Expected daily counts before calibration: level x season x spike x noise, spread over each month."""
    expected: dict[date, float] = {}
    current = Month.of(FIRST_DAY)
    while current.first_day <= LAST_DAY:
        fy = current.financial_year
        level = spec.levels[fy.start_year] * spec.season[(current.month - 4) % 12]
        noise = 1 + spec.noise * (rng.random() + rng.random() - 1) * 1.7
        monthly = level * spec.spikes.get(str(current), 1.0) * noise
        days = _days(current.first_day, current.last_day)
        weights = [WEEKDAY_WEIGHTS[d.weekday()] for d in days]
        for d, w in zip(days, weights):
            if d <= LAST_DAY:
                expected[d] = monthly * w / sum(weights)
        current = current.shift(1)
    return expected


def calibrate(spec: Spec, rng: random.Random) -> dict[date, int]:
    """Whole daily counts whose sums over every fixed span are exact.

    Fixed spans are applied shortest first; a longer span then rescales only the days not yet fixed.
    """
    expected = _expected(spec, rng)
    counts: dict[date, int] = {}
    for fixed in sorted(spec.fixed, key=lambda f: (f.end - f.start, f.start)):
        days = _days(fixed.start, fixed.end)
        open_days = [d for d in days if d not in counts]
        remaining = fixed.total - sum(counts[d] for d in days if d in counts)
        if remaining < 0 or not open_days and remaining:
            raise ValueError(f"fixed span {fixed} conflicts with a shorter one")
        counts.update(zip(open_days, apportion(remaining, [expected[d] for d in open_days])))
    for current_month in sorted({Month.of(d) for d in expected if d not in counts}):
        days = [d for d in _days(current_month.first_day, min(current_month.last_day, LAST_DAY)) if d not in counts]
        total = round(sum(expected[d] for d in days))
        counts.update(zip(days, apportion(total, [expected[d] for d in days])))
    return counts


def _shares(spec: Spec, day: date) -> list[float]:
    rise = spec.western_rise.get(str(Month.of(day)), 0.0)
    return [share * (1 + rise if lpu in WESTERN else 1) for lpu, share in LPUS.items()]


def rows() -> list[tuple[str, str, str, int]]:
    """Every (date, area, series, count) row of the extract, in a fixed order."""
    out = []
    for series, spec in SPECS.items():
        rng = random.Random(f"{SEED}-{series}")
        for day, total in sorted(calibrate(spec, rng).items()):
            for lpu, count in zip(LPUS, apportion(total, _shares(spec, day))):
                out.append((day.isoformat(), lpu, series, count))
    out.sort(key=lambda r: (r[0], r[2], r[1]))
    return out


def _write_csv(path: Path, header: tuple[str, ...], rows: list[tuple]) -> Path:
    """A CSV file (gzipped when the name ends .gz) whose bytes depend only on its rows."""
    path.parent.mkdir(parents=True, exist_ok=True)
    text = io.StringIO()
    writer = csv.writer(text, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    data = text.getvalue().encode("utf-8")
    if path.suffix == ".gz":
        with open(path, "wb") as raw, gzip.GzipFile(filename="", mode="wb", fileobj=raw, mtime=0) as gz:
            gz.write(data)
    else:
        path.write_bytes(data)
    return path


def write(folder: str | Path) -> Path:
    """Write the extract (counts, surveys, stop and search records) and its description into `folder`; the
    bytes are the same on every run."""
    folder = Path(folder)
    path = _write_csv(folder / "recorded-crime.csv.gz", ("date", "area", "series", "count"), rows())
    _write_csv(folder / "survey.csv", ("measure", "month", "respondents", "positive"), survey_rows())
    for month, records in stop_search_records().items():
        _write_csv(folder / "stop-and-search" / str(month) / f"{month}-west-midlands-stop-and-search.csv.gz",
                   STOP_HEADER, records)
    (folder / "extract.yml").write_text(METADATA, encoding="utf-8")
    return path


# Surveys: waves of the public perception survey (respondents 4,000 a wave) and monthly victim surveys.
WAVES = tuple(Month(2010, 8).shift(6 * i) for i in range(9))  # August and February, 2010 to 2014
WAVE_PERCENT = {
    # Confidence rises 2 points on the two waves before to its highest since summer 2011.
    "confidence": (78.5, 80.0, 82.0, 80.5, 80.0, 79.5, 79.0, 79.0, 81.0),
    "safe_day": (95.5, 96.0, 96.0, 95.8, 96.0, 96.2, 96.0, 96.0, 96.0),
    # After dark: the highest share on record in the latest wave.
    "safe_dark": (66.0, 67.0, 68.0, 67.5, 68.5, 69.0, 69.5, 70.0, 71.5),
}
# Victim satisfaction, monthly, for the 24 months to October 2014; earlier months are simulated around the
# first year's level. Crime: the last two months the lowest in four years, the rolling year still above
# the year before. Anti-social behaviour: 78% over the rolling year, with a dip last month that is
# shallower than the dip a year earlier.
SATISFACTION = {  # respondents a month, simulated level and spread, then November 2012 to October 2014
    "satisfaction_crime": (700, 85.0, 3.0, (
        85.8, 83.9, 86.4, 84.7, 85.9, 84.2, 86.1, 84.9, 83.8, 86.3, 85.2, 84.6,
        86.8, 85.4, 87.1, 85.9, 86.9, 85.3, 87.2, 86.0, 85.7, 86.8, 81.9, 81.4)),
    "satisfaction_asb": (350, 77.0, 4.0, (
        77.2, 75.8, 78.4, 76.3, 77.9, 76.0, 78.6, 76.9, 77.8, 75.9, 76.4, 71.8,
        78.9, 77.4, 79.6, 77.8, 79.1, 77.2, 79.8, 78.1, 79.4, 77.6, 78.8, 74.9)),
}
SURVEY_FIRST, SURVEY_LAST = Month(2010, 4), Month(2014, 10)


def survey_rows() -> list[tuple[str, str, int, int]]:
    out = [(measure, str(wave), 4000, round(4000 * percent / 100))
           for measure, values in WAVE_PERCENT.items() for wave, percent in zip(WAVES, values)]
    for measure, (respondents, level, spread, recent) in SATISFACTION.items():
        rng = random.Random(f"{SEED}-{measure}")
        months = [SURVEY_FIRST.shift(i) for i in range((SURVEY_LAST.year - SURVEY_FIRST.year) * 12
                                                         + SURVEY_LAST.month - SURVEY_FIRST.month + 1)]
        simulated = len(months) - len(recent)
        for i, month in enumerate(months):
            percent = recent[i - simulated] if i >= simulated else level + (rng.random() - 0.5) * spread
            out.append((measure, str(month), respondents, round(respondents * percent / 100)))
    return sorted(out)


# Stop and search: about 2,700 searches a month with an 8% arrest rate before the action plan (2013), and
# about 1,200 a month with a 21% positive outcome rate after it (2014). Searches by ethnic group are set so
# that the rate per 1,000 people over the White rate is Asian 2.0 and Black 3.7 in April to 24 November
# 2013, and 1.5 and 2.8 in the same window of 2014 (2011 Census, police-defined groups for the force area).
STOP_HEADER = ("Type", "Date", "Part of a policing operation", "Policing operation", "Latitude", "Longitude",
               "Gender", "Age range", "Self-defined ethnicity", "Officer-defined ethnicity", "Legislation",
               "Object of search", "Outcome", "Outcome linked to object of search",
               "Removal of more than just outer clothing")
CENSUS = {"White": 1919138, "Black": 164069, "Asian": 493551, "Mixed": 96204, "Other": 21430 + 42068}
STOP_PLAN = {  # window: (searches with an ethnicity, ratio to White by group, arrest %, other positive %)
    2013: (20430, {"White": 1.0, "Asian": 2.0, "Black": 3.7, "Mixed": 1.2, "Other": 1.0}, 8.0, 4.0),
    2014: (9080, {"White": 1.0, "Asian": 1.5, "Black": 2.8, "Mixed": 1.0, "Other": 0.9}, 15.0, 6.0),
}
UNKNOWN_SHARE = 0.03
SELF_DEFINED = {
    "White": ("White - White British (W1)", "White - Any other White ethnic background (W9)",
              "White - White Irish (W2)"),
    "Black": ("Black or Black British - Caribbean (B1)", "Black or Black British - African (B2)",
              "Black or Black British - Any other Black ethnic background (B9)"),
    "Asian": ("Asian or Asian British - Pakistani (A2)", "Asian or Asian British - Indian (A1)",
              "Asian or Asian British - Bangladeshi (A3)",
              "Asian or Asian British - Any other Asian ethnic background (A9)"),
    "Mixed": ("Mixed - White and Black Caribbean (M1)", "Mixed - White and Asian (M3)",
              "Mixed - Any other Mixed ethnic background (M9)"),
    "Other": ("Chinese or other ethnic group - Chinese (O1)",
              "Chinese or other ethnic group - Any other ethnic group (O9)"),
}
SEARCHES = (("Misuse of Drugs Act 1971 (section 23)", "Controlled drugs", 0.6),
            ("Police and Criminal Evidence Act 1984 (section 1)", "Stolen goods", 0.2),
            ("Police and Criminal Evidence Act 1984 (section 1)", "Offensive weapons", 0.12),
            ("Police and Criminal Evidence Act 1984 (section 1)", "Article for use in theft", 0.08))
OTHER_POSITIVE = ("Local resolution", "Offender given drugs possession warning", "Offender given penalty notice",
                  "Suspect summonsed to court")


def stop_search_records() -> dict[Month, list[tuple]]:
    """Search records by month, April 2013 to 24 November 2014, in the data.police.uk format."""
    rng = random.Random(f"{SEED}-stop-search")
    by_month: dict[Month, list[tuple]] = {}
    for year, (with_ethnicity, ratios, arrest, other) in STOP_PLAN.items():
        white = with_ethnicity / sum(ratios[g] * CENSUS[g] / CENSUS["White"] for g in ratios)
        groups = dict(zip(ratios, apportion(with_ethnicity, [ratios[g] * CENSUS[g] / CENSUS["White"] * white
                                                              for g in ratios])))
        unknown = round(with_ethnicity * UNKNOWN_SHARE / (1 - UNKNOWN_SHARE))
        people = [g for g, n in groups.items() for _ in range(n)] + [None] * unknown
        rng.shuffle(people)
        days = _days(date(year, 4, 1), date(year, 11, 24))
        if year == 2013:  # the rest of 2013/14's November, outside the compared window, at the same rate
            extra = round(len(people) * 6 / len(days))
            people += [rng.choice(list(groups)) for _ in range(extra)]
            days += _days(date(2013, 11, 25), date(2013, 11, 30))
        outcomes = apportion(len(people), [arrest, other, 100 - arrest - other])
        kinds = ["Suspect arrested"] * outcomes[0] + [OTHER_POSITIVE[i % 4] for i in range(outcomes[1])] \
            + ["Nothing found - no further action"] * outcomes[2]
        rng.shuffle(kinds)
        for index, (group, outcome) in enumerate(zip(people, kinds)):
            day = days[index * len(days) // len(people)]
            minute = rng.randrange(24 * 60)
            when = datetime.combine(day, time(minute // 60, minute % 60), LOCAL_TIME).astimezone(UTC)
            legislation, target, _ = rng.choices(SEARCHES, weights=[w for *_, w in SEARCHES])[0]
            self_defined = rng.choice(SELF_DEFINED[group]) if group and rng.random() < 0.8 else ""
            record = ("Person search", when.strftime("%Y-%m-%dT%H:%M:%S+00:00"), "", "",
                      "", "", "", rng.choice(("10-17", "18-24", "25-34", "over 34")), self_defined,
                      group or "", legislation, target, outcome, str(outcome != "Nothing found - no further action"),
                      "False")
            by_month.setdefault(Month.of(day), []).append(record)
    return {month: sorted(records, key=lambda r: r[1]) for month, records in sorted(by_month.items())}


METADATA = f"""\
# Written by `spcb demo-extract`; do not edit by hand.
title: Demonstration extract (generated, not real force data)
demonstration: true
note: >-
  Daily counts by local policing unit ({FIRST_DAY.isoformat()} to {LAST_DAY.isoformat()}), survey results
  and stop and search records, generated by spcb.demo with seed {SEED}. Calibrated so that the figures
  published in the board paper of 2 December 2014 come out exactly; everything else is simulated. Replace
  it with the force's own extract.
"""


def month_totals(series: str) -> dict[Month, int]:
    """Monthly totals of one generated series (for checks and tests)."""
    totals: dict[Month, int] = {}
    for day, count in calibrate(SPECS[series], random.Random(f"{SEED}-{series}")).items():
        totals[Month.of(day)] = totals.get(Month.of(day), 0) + count
    return totals

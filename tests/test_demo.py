"""The demonstration extract: reproducible, and calibrated to what the board paper states."""
from statistics import mean

import pytest
from conftest import DATA

from spcb import demo
from spcb.plan.periods import Month


def test_regenerating_gives_the_committed_bytes(tmp_path):
    demo.write(tmp_path)
    committed = DATA / "extract"
    files = sorted(p.relative_to(committed) for p in committed.rglob("*") if p.is_file())
    assert files == sorted(p.relative_to(tmp_path) for p in tmp_path.rglob("*") if p.is_file())
    for name in files:
        assert (tmp_path / name).read_bytes() == (committed / name).read_bytes(), name


def test_apportion_is_exact():
    assert demo.apportion(10, [1, 1, 1]) == [4, 3, 3]
    assert sum(demo.apportion(1234, [0.3, 2.7, 5.1, 0.0])) == 1234
    assert demo.apportion(0, [1, 2]) == [0, 0]


@pytest.fixture(scope="module")
def months():
    return {series: demo.month_totals(series) for series in demo.SPECS}


def before(totals, month):
    return [v for m, v in totals.items() if m < month]


def test_burglary_three_consecutive_record_lows(months):
    burglary = months["burglary_dwelling"]
    assert [burglary[Month(2014, m)] for m in (4, 5, 6)] == [868, 842, 803]
    assert min(before(burglary, Month(2014, 4))) > 868
    assert all(burglary[Month(2014, m)] > 803 for m in (7, 8, 9, 10))


def test_robbery_lowest_ever_in_april_and_july(months):
    robbery = months["robbery"]
    assert robbery[Month(2014, 4)] == robbery[Month(2014, 7)] == 374
    assert min(before(robbery, Month(2014, 4))) > 374
    assert all(robbery[Month(2014, m)] > 374 for m in (5, 6, 8, 9, 10))


def test_public_place_violence_spikes_in_july_only(months):
    series = [months["public_place_violence_injury"][Month(2012, 4).shift(i)] for i in range(31)]
    centre = mean(series)
    limit = 2.66 * mean(abs(a - b) for a, b in zip(series[1:], series))
    outside = [Month(2012, 4).shift(i) for i, v in enumerate(series) if abs(v - centre) > limit]
    assert outside == [Month(2014, 7)]


def test_total_recorded_crime_matches_ons_years_and_the_stated_average(months):
    trc = months["total_recorded_crime"]
    by_year = {fy: sum(v for m, v in trc.items() if m.financial_year.start_year == fy) for fy in range(2010, 2014)}
    assert by_year == {2010: 212369, 2011: 190818, 2012: 168770, 2013: 174524}
    assert sorted(by_year, key=by_year.get)[:2] == [2012, 2013]  # 2013/14 the second lowest year
    assert mean(trc[Month(2014, m)] for m in range(4, 11)) == 14770


def test_domestic_abuse_peaks_in_june_and_july_mostly_in_the_west(months):
    abuse = months["domestic_abuse_incidents"]
    record = max(before(abuse, Month(2014, 6)))
    assert abuse[Month(2014, 6)] > record and abuse[Month(2014, 7)] > record
    assert abuse[Month(2014, 5)] > abuse[Month(2013, 5)]


def test_hate_crime_peaked_in_july_2013(months):
    hate = months["hate_crime"]
    assert max(hate, key=hate.get) == Month(2013, 7)

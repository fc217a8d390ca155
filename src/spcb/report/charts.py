"""Monthly trend charts, drawn with seaborn as PNG, each with alt text written from its data.

An SPC chart shades the current financial year and the one before, each labelled at the top with its label and
"this year" or "last year", so the two can be read against each other; its title states the latest month in the
plain words of `statements.latest`, and its alt text names the latest special-cause points (at most `NAMED`)
and ends with `statements.plain_variation`. A chart of quarters
(the national edition's) says "quarter" where a monthly one says "month", and marks the start of every
financial year (of every other one, or every fourth, when that would crowd the axis).
"""
from __future__ import annotations

import calendar
import io

import matplotlib

matplotlib.use("Agg")
import matplotlib.dates  # noqa: E402
import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402
import seaborn as sns  # noqa: E402

from ..analysis import statements  # noqa: E402
from ..analysis.surveys import wilson  # noqa: E402
from ..plan.model import Measure  # noqa: E402

MONTH_ORDER = ["Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec", "Jan", "Feb", "Mar"]
MARKERS = ["o", "s", "D", "^", "v"]


def trend_png(frame: pd.DataFrame, measure: Measure, segment=None) -> bytes:
    """Monthly counts by financial year (one line each, colour-blind-safe colours and distinct markers), with
    the current SPC mean and process limits as reference lines when `segment` is given."""
    years = sorted(frame["financial_year"].unique())
    palette = dict(zip(years, sns.color_palette("colorblind", len(years))))
    with sns.axes_style("whitegrid"):
        fig, ax = plt.subplots(figsize=(7.5, 3.6), dpi=110)
        if segment is not None:
            ax.axhline(segment.mean, color="#333333", linewidth=1.2, label="SPC mean")
            for level in (segment.upper, segment.lower):
                ax.axhline(level, color="#333333", linewidth=0.9, linestyle=(0, (4, 3)),
                           label="Process limits" if level == segment.upper else None)
        placed = frame.assign(position=frame["label"].map(MONTH_ORDER.index))  # a year may start after April
        sns.lineplot(data=placed, x="position", y="count", hue="financial_year", style="financial_year",
                     hue_order=years, style_order=years, markers=dict(zip(years, MARKERS)), dashes=False,
                     palette=palette, sort=False, ax=ax, linewidth=2)
        ax.set_xticks(range(12), MONTH_ORDER)
        ax.set_xlim(-0.5, 11.5)
        ax.set_xlabel("")
        ax.set_ylabel(f"{measure.unit.capitalize()} per month")
        ax.yaxis.set_major_formatter(matplotlib.ticker.StrMethodFormatter("{x:,.0f}"))
        return _png(fig, ax, f"{measure.label}: monthly {measure.unit} by financial year", "Financial year")


def _png(fig, ax, title: str, legend: str) -> bytes:
    """Title, legend to the right, and the figure as PNG bytes without a timestamp or software tag."""
    ax.set_title(title, loc="left", fontsize=11)
    ax.legend(title=legend, frameon=False, loc="upper left", bbox_to_anchor=(1, 1))
    fig.tight_layout()
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", metadata={"Software": None})
    plt.close(fig)
    return buffer.getvalue()


def alt_text(frame: pd.DataFrame, measure: Measure) -> str:
    """What the chart shows, in words: the range this year and the comparison with last year."""
    years = sorted(frame["financial_year"].unique())
    current = frame[frame["financial_year"] == years[-1]]
    text = (f"Line chart of monthly {measure.label.lower()} {measure.unit}, one line per financial year from "
            f"{years[0]} to {years[-1]}.")
    if current.empty:
        return text
    low, high = current.loc[current["count"].idxmin()], current.loc[current["count"].idxmax()]
    text += (f" In {years[-1]}, from April to {_name(current.iloc[-1])}, the monthly count ranged from "
             f"{low['count']:,} in {_name(low)} to {high['count']:,} in {_name(high)}.")
    previous = frame[(frame["financial_year"] == years[-2]) & frame["label"].isin(current["label"])] \
        if len(years) > 1 else frame.iloc[0:0]
    if len(previous) == len(current):
        text += (f" Those months averaged {current['count'].mean():,.0f} a month, against "
                 f"{previous['count'].mean():,.0f} in the same months of {years[-2]}.")
    return text


def _name(row: pd.Series) -> str:
    return calendar.month_name[row["month"].month]


def comparison_png(frame: pd.DataFrame, force: str, group_name: str) -> bytes:
    """Crimes per 1,000 residents over time: the force and its group in colour, each member in grey."""
    main = frame[frame["name"].isin([force, group_name])]
    members = frame[~frame["name"].isin([force, group_name])]
    with sns.axes_style("whitegrid"):
        fig, ax = plt.subplots(figsize=(7.5, 3.6), dpi=110)
        for index, (_, rows) in enumerate(members.groupby("name", sort=True)):
            ax.plot(rows["period_end"], rows["per_1000"], color="#9a9a9a", linewidth=0.9,
                    label="Each comparator force" if index == 0 else None)
        sns.lineplot(data=main, x="period_end", y="per_1000", hue="name", style="name", hue_order=[force, group_name],
                     style_order=[force, group_name], palette=sns.color_palette("colorblind", 2), markers=False,
                     dashes={force: "", group_name: (4, 2)}, linewidth=2.4, ax=ax)
        ax.set_xlabel("12 months ending")
        ax.set_ylabel("Crimes per 1,000 residents")
        return _png(fig, ax, "Crimes per 1,000 residents, excluding fraud", "")


def comparison_alt(frame: pd.DataFrame, force: str, group_name: str) -> str:
    """The comparison chart in words: where each line starts and ends, and how often the force was lower."""
    wide = frame.pivot(index="period_end", columns="name", values="per_1000").sort_index()
    first, last = wide.index[0], wide.index[-1]
    below = int((wide[force] < wide[group_name]).sum())
    return (f"Line chart of crimes per 1,000 residents, excluding fraud, for the 12 months to each quarter end from "
            f"{first:%B %Y} to {last:%B %Y}. {force} went from {wide[force].iloc[0]:.1f} to "
            f"{wide[force].iloc[-1]:.1f}; the {group_name.lower()} together went from "
            f"{wide[group_name].iloc[0]:.1f} to {wide[group_name].iloc[-1]:.1f}. {force} was below the group at "
            f"{below} of {len(wide)} quarter ends. Grey lines show each comparator force.")


# Point colours and shapes (Okabe-Ito, colour-blind safe; the shape carries the meaning too).
SPC_STYLE = {
    "common_cause": ("#7f7f7f", "o", "Common cause"),
    "special_cause_improvement": ("#0072B2", "v", "Special cause: improvement"),
    "special_cause_concern": ("#E69F00", "^", "Special cause: concern"),
    "special_cause_neutral_high": ("#CC79A7", "^", "Special cause: higher"),
    "special_cause_neutral_low": ("#CC79A7", "v", "Special cause: lower"),
}


def spc_png(chart) -> bytes:
    """An XmR chart: the monthly values, the mean and process limits per segment, special-cause points marked
    by colour and shape, this year and last shaded, and the variation of the latest point in the title."""
    result, months = chart.result, chart.months
    x = list(range(len(months)))
    with sns.axes_style("whitegrid"):
        fig, ax = plt.subplots(figsize=(7.5, 3.8), dpi=110)
        ax.plot(x, result.values, color="#bdbdbd", linewidth=1.2, zorder=1)
        for segment in result.segments:
            span = range(segment.start, segment.end)
            ax.plot(span, [segment.mean] * len(span), color="#333333", linewidth=1.4)
            for level in (segment.upper, segment.lower):
                ax.plot(span, [level] * len(span), color="#333333", linewidth=1, linestyle=(0, (4, 3)))
            if segment.start:
                ax.axvline(segment.start - 0.5, color="#555555", linewidth=0.8, linestyle=":")
        for point_type, (colour, marker, label) in SPC_STYLE.items():
            chosen = [i for i in x if result.point_type[i] == point_type]
            if chosen:
                ax.scatter(chosen, result.values[chosen], color=colour, marker=marker, s=36, zorder=3, label=label)
        ax.set_xticks(*_ticks(months))
        ax.set_ylabel(f"{chart.measure.unit.capitalize()} per {months[0].step}")
        ax.yaxis.set_major_formatter(matplotlib.ticker.StrMethodFormatter("{x:,.0f}"))
        ax.plot([], [], color="#333333", linewidth=1.4, label="Mean")
        ax.plot([], [], color="#333333", linewidth=1, linestyle=(0, (4, 3)), label="Process limits")
        _year_bands(ax, months)
        latest = statements.latest(chart)
        return _png(fig, ax, f"{chart.measure.label}: SPC chart\nLatest {months[0].step}: {_lower(latest.change)}"
                             f"{', ' + latest.meaning if latest.meaning else ''}", "")


def _ticks(months) -> tuple[list[int], list[str]]:
    """April and October of each year on a monthly chart ('Apr 2014'); on a quarterly one, the first quarter of
    each financial year ('2014/15'), of every other one or every fourth when there are many."""
    if months[0].step == "month":
        ticks = [i for i, m in enumerate(months) if m.month in (4, 10)]
        return ticks, [months[i].first_day.strftime("%b %Y") for i in ticks]
    starts = [i for i, q in enumerate(months) if q.number == 1]
    every = next(n for n in (1, 2, 4, 8, 16) if len(starts) <= 6 * n)
    last = months[starts[-1]].start_year if starts else 0
    ticks = [i for i in starts if (last - months[i].start_year) % every == 0]
    return ticks, [months[i].financial_year.label for i in ticks]


YEAR_BANDS = (("last year", "#ececec"), ("this year", "#dceaf7"))  # grey, then blue: their lightness differs too


def _year_bands(ax, months) -> None:
    """Shade the last two financial years on the chart, each labelled at the top, with room made above the data.
    A year of quarters is too narrow for its label, so there each label is one line, ending at its year's end."""
    bottom, top = ax.get_ylim()
    ax.set_ylim(bottom, top + (top - bottom) * 0.22)
    years = sorted({m.financial_year for m in months})[-2:]
    for row, (year, (when, shade)) in enumerate(zip(years, YEAR_BANDS[-len(years):])):
        inside = [i for i, m in enumerate(months) if m.financial_year == year]
        ax.axvspan(inside[0] - 0.5, inside[-1] + 0.5, color=shade, linewidth=0, zorder=0)
        if months[0].step == "month":
            ax.text((inside[0] + inside[-1]) / 2, 0.97, f"{year.label}\n{when}", transform=ax.get_xaxis_transform(),
                    ha="center", va="top", fontsize=8, color="#333333")
        else:
            ax.text(inside[-1] + 0.5, 0.97 - 0.06 * row, f"{year.label} {when}", transform=ax.get_xaxis_transform(),
                    ha="right", va="top", fontsize=8, color="#333333")


def _lower(text: str) -> str:
    return text[:1].lower() + text[1:]


NAMED = 12  # the most special-cause points the alt text names, the latest ones


def spc_alt(chart) -> str:
    """The SPC chart in words: the period, the mean and limits now, the special causes and the latest point."""
    result, months = chart.result, chart.months
    segment = result.segments[-1]
    step = months[0].step
    text = (f"SPC chart of {step}ly {chart.measure.label.lower()} {chart.measure.unit} from "
            f"{months[0].first_day:%B %Y} to {months[-1].last_day:%B %Y}. ")
    if len(result.segments) > 1:
        text += f"The mean and limits start again from {months[segment.start].name}. "
    text += (f"Mean {segment.mean:,.0f}, process limits {max(segment.lower, 0):,.0f} to {segment.upper:,.0f}. ")
    special = [i for i in range(len(months)) if result.special[i]]
    if special:
        named = ", ".join(f"{months[i].name} ({result.values[i]:,.0f}, {SPC_STYLE[result.point_type[i]][2].lower()})"
                          for i in special[-NAMED:])
        latest = f", the latest {NAMED} of them" if len(special) > NAMED else ""
        text += f"Special cause variation in {len(special)} of {len(months)} {step}s{latest}: {named}. "
    else:
        text += f"Every {step} shows common cause variation. "
    return text + f"Latest {step}: {_lower(statements.plain_variation(chart))}."


def survey_png(history: pd.DataFrame, measure: Measure) -> bytes:
    """A survey measure over time: each wave or month with its 95% Wilson interval."""
    x = pd.to_datetime(history["month"])
    low, high = zip(*(wilson(p, n) for p, n in zip(history["positive"], history["respondents"])))
    with sns.axes_style("whitegrid"):
        fig, ax = plt.subplots(figsize=(7.5, 3.4), dpi=110)
        ax.fill_between(x, [v * 100 for v in low], [v * 100 for v in high], color="#56B4E9", alpha=0.3,
                        label="95% interval", step=None)
        ax.plot(x, history["percent"], color="#0072B2", marker="o", markersize=3.5, linewidth=1.6, label=measure.unit)
        ax.set_ylabel(measure.unit)
        ax.yaxis.set_major_formatter(matplotlib.ticker.StrMethodFormatter("{x:.1f}%"))
        ax.xaxis.set_major_locator(matplotlib.dates.YearLocator())
        ax.xaxis.set_major_formatter(matplotlib.dates.DateFormatter("%Y"))
        return _png(fig, ax, f"{measure.label}, {'by wave' if measure.basis == 'wave' else 'by month'}", "")


def survey_alt(history: pd.DataFrame, measure: Measure) -> str:
    first, last = history.iloc[0], history.iloc[-1]
    top = history.loc[history["percent"].idxmax()]
    return (f"Line chart of {measure.label.lower()} ({measure.unit}) "
            f"{'by survey wave' if measure.basis == 'wave' else 'by month'} "
            f"from {pd.Timestamp(first['month']):%B %Y} to {pd.Timestamp(last['month']):%B %Y}, with a shaded 95% "
            f"interval: {first['percent']:.1f}% at the start, {last['percent']:.1f}% at the latest, and the highest "
            f"{top['percent']:.1f}% in {pd.Timestamp(top['month']):%B %Y}.")


def searches_png(history: pd.DataFrame) -> bytes:
    """Stop and search records per month."""
    with sns.axes_style("whitegrid"):
        fig, ax = plt.subplots(figsize=(7.5, 3.2), dpi=110)
        sns.barplot(data=history, x="month", y="searches", color="#0072B2", ax=ax)
        ax.set_xlabel("")
        ax.set_ylabel("Searches per month")
        ax.yaxis.set_major_formatter(matplotlib.ticker.StrMethodFormatter("{x:,.0f}"))
        ax.tick_params(axis="x", labelrotation=90, labelsize=8)
        ax.bar(0, 0, color="#0072B2", label="Searches")
        return _png(fig, ax, "Stop and search records per month", "")


def searches_alt(history: pd.DataFrame) -> str:
    return (f"Bar chart of stop and search records per month for the {len(history)} months with records, "
            f"{history['month'].iloc[0]} to {history['month'].iloc[-1]}: from {history['searches'].iloc[0]:,} in the "
            f"first month to {history['searches'].iloc[-1]:,} in the latest, lowest {history['searches'].min():,} and "
            f"highest {history['searches'].max():,}.")

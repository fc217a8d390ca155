"""Monthly trend charts, drawn with seaborn as PNG, each with alt text written from its data."""
from __future__ import annotations

import calendar
import io

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402
import seaborn as sns  # noqa: E402

from .plan import Measure  # noqa: E402

MONTH_ORDER = ["Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec", "Jan", "Feb", "Mar"]
MARKERS = ["o", "s", "D", "^", "v"]


def trend_png(frame: pd.DataFrame, measure: Measure) -> bytes:
    """Monthly counts by financial year (one line each, colour-blind-safe colours and distinct markers)."""
    years = sorted(frame["financial_year"].unique())
    palette = dict(zip(years, sns.color_palette("colorblind", len(years))))
    with sns.axes_style("whitegrid"):
        fig, ax = plt.subplots(figsize=(7.5, 3.6), dpi=110)
        sns.lineplot(data=frame, x="label", y="count", hue="financial_year", style="financial_year",
                     hue_order=years, style_order=years, markers=dict(zip(years, MARKERS)), dashes=False,
                     palette=palette, sort=False, ax=ax, linewidth=2)
        ax.set_xticks(range(12), MONTH_ORDER)
        ax.set_xlim(-0.5, 11.5)
        ax.set_xlabel("")
        ax.set_ylabel(f"{measure.unit.capitalize()} per month")
        ax.yaxis.set_major_formatter(matplotlib.ticker.StrMethodFormatter("{x:,.0f}"))
        ax.set_title(f"{measure.label}: monthly {measure.unit} by financial year", loc="left", fontsize=11)
        ax.legend(title="Financial year", frameon=False, loc="upper left", bbox_to_anchor=(1, 1))
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

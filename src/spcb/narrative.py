"""Commentary for a period, and what each item must show when it has none.

Analysts write `data/narrative/<period>/<item-id>.md`. An item due this period under its frequency and
without commentary is marked "Update required"; an item not due says when its next update is.
"""
from __future__ import annotations

import difflib
from dataclasses import dataclass
from pathlib import Path

from .periods import Month
from .plan import Item, Plan, Status

SUMMARY = "executive-summary"


class NarrativeError(ValueError):
    """A commentary file that does not belong to the plan or cannot be read."""


def folder(data_dir: str | Path, period: Month) -> Path:
    return Path(data_dir, "narrative", str(period))


def load(data_dir: str | Path, period: Month, plan: Plan) -> dict[str, str]:
    """Commentary by item id (and the executive summary), checked against the plan's items."""
    known = [item.id for item in plan.items] + [SUMMARY]
    texts = {}
    path = folder(data_dir, period)
    for file in sorted(path.iterdir()) if path.is_dir() else []:
        if file.name.startswith("."):
            continue
        if file.suffix != ".md":
            raise NarrativeError(f"{file}:1:1: unexpected file; commentary files are named <item-id>.md")
        if file.stem not in known:
            guess = difflib.get_close_matches(file.stem, known, n=1)
            hint = f"; did you mean {guess[0]}.md?" if guess else f"; expected the id of an item in {plan.source}"
            raise NarrativeError(f"{file}:1:1: no item {file.stem!r} in the plan{hint}")
        try:
            texts[file.stem] = file.read_text(encoding="utf-8").strip()
        except UnicodeDecodeError as exc:
            line = file.read_bytes()[: exc.start].count(b"\n") + 1
            raise NarrativeError(f"{file}:{line}:1: not UTF-8 text (byte {exc.start}); save the file as UTF-8") from None
    return texts


def is_due(plan: Plan, item: Item, period: Month) -> bool:
    return period in plan.due_months(item.frequency)


def next_due(plan: Plan, item: Item, period: Month) -> Month | None:
    """The first month after `period` in which the item is due, within the plan year."""
    later = [m for m in plan.due_months(item.frequency) if m > period]
    return min(later) if later else None


@dataclass(frozen=True)
class Update:
    """What an item shows for a period: its commentary, a standing marker, or why there is none."""

    state: str  # commentary | marker | update-required | not-due
    commentary: str = ""
    status: Status | None = None
    next_due: Month | None = None

    @property
    def awaiting(self) -> bool:
        return self.state == "update-required"


def update_for(plan: Plan, item: Item, period: Month, texts: dict[str, str]) -> Update:
    status = item.status if item.status and item.status.applies_to(period) else None
    if texts.get(item.id):
        return Update("commentary", texts[item.id], status)
    if status is not None:
        return Update("marker", status=status)
    if is_due(plan, item, period):
        return Update("update-required")
    return Update("not-due", next_due=next_due(plan, item, period))


def state_label(update: Update) -> str:
    """A few words on what an item shows this period, for the executive summary."""
    if update.state == "commentary":
        return "Update provided"
    if update.state == "marker":
        return {"not-required": "Not required", "deferred": "Deferred", "see": "See other items",
                "elsewhere": "Reported elsewhere"}[update.status.marker]
    if update.state == "update-required":
        return "Update required"
    return f"Not due; next {update.next_due.name}" if update.next_due else "Not due"

"""Commentary for a period, and what each item must show when it has none.

Analysts write `data/narrative/<period>/<item-id>.md`. An item due this period under its frequency and
without commentary is marked "Update required"; an item not due says when its next update is. Beside the
commentary, `period.yml` pins the period's cut-off once it has been built, so that a rebuild publishes the
same figures; a new cut-off needs an explicit `--as-of`, and the cut-offs it replaced are kept.

Commentary can link only to web addresses: a link to http://, https:// or mailto:, an image from http:// or
https://. Pages of the book are linked by spcb itself, never by commentary. `load`, which the build calls before
any notebook runs, refuses a commentary file that links or points an image anywhere else (a path, `..`, `file:`,
an anchor), uses a role that links to files or pages (`{download}`, `{doc}`, `{ref}`, `{numref}`, `{any}`) or an
HTML `<a>` or `<img>` tag, naming the file, line and column. `safe` makes any Markdown from the inputs (commentary,
the plan's notes) plain: raw HTML, roles, directives and maths are escaped, a fenced block is plain text whatever
language or directive it names, a line that would set a MyST target or draw a thematic break (which Sphinx
cannot place first or last in a page's output) is text, footnote labels are made unique to their text (several
commentaries share a page), and a link or image to anywhere but the web is shown as text.
"""
from __future__ import annotations

import difflib
import hashlib
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from ..ingest.yamlfile import Reader, compose
from ..plan.model import Item, Plan, Status
from ..plan.periods import Month

SUMMARY = "executive-summary"
PERIOD_FILE = "period.yml"
CARRIED = re.compile(r"^> Carried forward from (.+): update required\.\s*$")
# Characters that would let commentary carry markup into the page: raw HTML, MyST roles and directives, maths.
_UNSAFE = {"&": "&amp;", "<": "&lt;", ">": "&gt;", "{": "\\{", "}": "\\}", "$": "\\$"}
WEB = ("http://", "https://", "mailto:")
WEB_IMAGE = ("http://", "https://")
LINKING_ROLES = ("download", "doc", "ref", "numref", "any")
# What may stand before a block's first character on its line: indentation, blockquote and list markers.
_LEAD = r"[ \t>]*(?:(?:[-*+]|\d{1,9}[.)])[ \t]+)*"
_FENCE = re.compile(rf"^(?P<lead>{_LEAD})(?P<fence>`{{3,}}(?=[^`]*$)|~{{3,}})(?P<info>.*)$")
_TARGET = re.compile(rf"^(?P<lead>{_LEAD})\(.+\)=\s*$")
_BREAK = re.compile(rf"^(?P<lead>{_LEAD})(?P<mark>[-*_])(?:[ \t]*(?P=mark)){{2,}}[ \t]*$")
_FOOTNOTE = re.compile(r"\[\^([^\]\s]+)\]")
# A link's or image's destination, `](to`, and a link reference definition, `[label]: to`.
_INLINE = re.compile(r"\]\(\s*(?P<to><[^>\n]*>|[^\s)]*)")
_DEFINITION = re.compile(rf"^{_LEAD}(?P<open>\[)(?!\^)(?:[^\]\\]|\\.)+\]:[ \t]*\n?[ \t]*(?P<to><[^>\n]*>|\S+)",
                         re.MULTILINE)
_ROLE = re.compile(r"\{(?P<name>[\w:.+-]+)\}`")
_HTML = re.compile(r"<(?P<tag>a|img)\b", re.IGNORECASE)


class NarrativeError(ValueError):
    """A commentary file that does not belong to the plan or cannot be read."""


def folder(data_dir: str | Path, period: Month) -> Path:
    return Path(data_dir, "narrative", str(period))


def load(data_dir: str | Path, period: Month, plan: Plan) -> dict[str, str]:
    """Commentary by item id (and the executive summary), checked against the plan's items; a file that links
    outside the web is refused where the link stands."""
    known = [item.id for item in plan.items] + [SUMMARY]
    texts = {}
    path = folder(data_dir, period)
    for file in sorted(path.iterdir()) if path.is_dir() else []:
        if file.name.startswith(".") or file.name == PERIOD_FILE:
            continue
        if file.suffix != ".md":
            raise NarrativeError(f"{file}:1:1: unexpected file; commentary files are named <item-id>.md")
        if file.stem not in known:
            guess = difflib.get_close_matches(file.stem, known, n=1)
            hint = f"; did you mean {guess[0]}.md?" if guess else f"; expected the id of an item in {plan.source}"
            raise NarrativeError(f"{file}:1:1: no item {file.stem!r} in the plan{hint}")
        try:
            text = file.read_text(encoding="utf-8")
        except UnicodeDecodeError as exc:
            line = file.read_bytes()[: exc.start].count(b"\n") + 1
            raise NarrativeError(f"{file}:{line}:1: not UTF-8 text (byte {exc.start}); "
                                 "save the file as UTF-8") from None
        refused = min(_refused(text), default=None)
        if refused:
            offset, problem = refused
            line, column = text.count("\n", 0, offset) + 1, offset - text.rfind("\n", 0, offset)
            raise NarrativeError(f"{file}:{line}:{column}: {problem}")
        texts[file.stem] = text.strip()
    return texts


def _links(text: str) -> Iterator[tuple[int, int, str, bool]]:
    """Every link and image whose destination is not on the web: (the offset of the bracket or parenthesis that
    makes it a link, the offset of its destination, the destination, whether it is an image)."""
    for match in _INLINE.finditer(text):
        image = _opened_with(text, match.start()) == "!"
        if not match["to"].lower().startswith(WEB_IMAGE if image else WEB):
            yield match.start() + 1, match.start("to"), match["to"], image
    for match in _DEFINITION.finditer(text):
        if not match["to"].lower().startswith(WEB):
            yield match.start("open"), match.start("to"), match["to"], False


def _opened_with(text: str, close: int) -> str:
    """The character before the bracket that the bracket at `close` closes ('!' for an image)."""
    depth = 0
    for index in range(close, -1, -1):
        if text[index] in "[]" and not _escaped(text, index):
            depth += 1 if text[index] == "]" else -1
            if depth == 0:
                return text[index - 1:index]
    return ""


def _escaped(text: str, index: int) -> bool:
    start = index
    while start and text[start - 1] == "\\":
        start -= 1
    return (index - start) % 2 == 1


def _refused(text: str) -> Iterator[tuple[int, str]]:
    """What commentary may not hold, each as (its offset, 'found ...; expected ...')."""
    for _, offset, to, image in _links(text):
        yield offset, (f"found an image from {to!r}; expected an image from a web address (http:// or https://)"
                       if image else
                       f"found a link to {to!r}; expected a link to a web address (http://, https:// or mailto:)")
    for match in _ROLE.finditer(text):
        if match["name"].rsplit(":", 1)[-1] in LINKING_ROLES:
            yield match.start(), (f"found the role {{{match['name']}}}; expected a link to a web address, written "
                                  "[text](https://...)")
    for match in _HTML.finditer(text):
        yield match.start(), (f"found an HTML <{match['tag']}> tag; expected " + (
            "an image from a web address, written ![text](https://...)" if match["tag"].lower() == "img" else
            "a link to a web address, written [text](https://...)"))


def safe(text: str) -> str:
    """Commentary as plain Markdown: no raw HTML, no roles or directives, no maths, no MyST targets, no code
    language, no thematic breaks, and links only to the web.

    Markdown emphasis, lists, footnotes and links to the web still work; a blockquote marker at the start of a
    line is kept.
    """
    tag = hashlib.sha256(text.encode("utf-8")).hexdigest()[:8]
    text = _FOOTNOTE.sub(rf"[^{tag}-\1]", text)
    for mark in sorted((mark for mark, *_ in _links(text)), reverse=True):
        text = text[:mark] + "\\" + text[mark:]
    lines = []
    for line in text.splitlines():
        fence, block = _FENCE.match(line), _TARGET.match(line) or _BREAK.match(line)
        if fence and fence["info"].strip():
            line = fence["lead"] + fence["fence"] + "text"
        elif block:
            line = block["lead"] + "\\" + line[block.end("lead"):]
        quote = re.match(r"^(\s*>\s?)", line)
        head, body = (quote.group(1), line[quote.end():]) if quote else ("", line)
        lines.append(head + "".join(_UNSAFE.get(ch, ch) for ch in body))
    return "\n".join(lines)


def carried_forward(text: str) -> str | None:
    """The period a commentary was carried forward from, if its first line says so."""
    match = CARRIED.match(text.splitlines()[0]) if text else None
    return match.group(1) if match else None


def new_period(data_dir: str | Path, period: Month, plan: Plan) -> list[Path]:
    """Scaffold `narrative/<period>/` with a file for every item due in `period` (and the executive
    summary), each starting from its latest earlier commentary, marked as carried forward."""
    target = folder(data_dir, period)
    due = [item.id for item in plan.items if is_due(plan, item, period)] + [SUMMARY]
    clashes = [target / f"{name}.md" for name in due if (target / f"{name}.md").exists()]
    if clashes:
        raise NarrativeError(f"{clashes[0]}:1:1: commentary already exists for {period} "
                             f"({len(clashes)} of {len(due)} files); nothing was written")
    earlier = sorted((p for p in Path(data_dir, "narrative").glob("*") if p.is_dir() and _period(p.name)
                      and Month.parse(p.name) < period), key=lambda p: p.name, reverse=True)
    target.mkdir(parents=True, exist_ok=True)
    written = []
    for name in due:
        source = next((p / f"{name}.md" for p in earlier if (p / f"{name}.md").exists()), None)
        if source is None:
            body = "No earlier commentary: write this period's update here."
            origin = "no earlier period"
        else:
            body = source.read_text(encoding="utf-8").strip()
            if carried_forward(body):
                body = "\n".join(body.splitlines()[1:]).strip()
            origin = Month.parse(source.parent.name).name
        path = target / f"{name}.md"
        path.write_text(f"> Carried forward from {origin}: update required.\n\n{body}\n", encoding="utf-8")
        written.append(path)
    return written


def _period(name: str) -> bool:
    return bool(re.match(r"^\d{4}-(0[1-9]|1[0-2])$", name))


def is_due(plan: Plan, item: Item, period: Month) -> bool:
    return period in plan.due_months(item.frequency)


def next_due(plan: Plan, item: Item, period: Month) -> Month | None:
    """The first month after `period` in which the item is due, within the plan year."""
    later = [m for m in plan.due_months(item.frequency) if m > period]
    return min(later) if later else None


@dataclass(frozen=True)
class Update:
    """What an item shows for a period: its commentary, a standing marker, or why there is none."""

    state: str  # commentary | carried-forward | marker | update-required | not-due
    commentary: str = ""
    status: Status | None = None
    next_due: Month | None = None

    @property
    def awaiting(self) -> bool:
        return self.state in ("update-required", "carried-forward")


def update_for(plan: Plan, item: Item, period: Month, texts: dict[str, str]) -> Update:
    status = item.status if item.status and item.status.applies_to(period) else None
    if texts.get(item.id):
        return Update("carried-forward" if carried_forward(texts[item.id]) else "commentary", texts[item.id], status)
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
    if update.state == "carried-forward":
        return "Carried forward: update required"
    return f"Not due; next {update.next_due.name}" if update.next_due else "Not due"


@dataclass(frozen=True)
class Pin:
    """A built period's cut-off, kept beside its commentary, and the cut-offs it replaced (oldest first)."""

    as_of: date
    replaced: tuple[date, ...] = ()


def previous(data_dir: str | Path, period: Month) -> tuple[Month, Pin] | None:
    """The latest period before `period` that was built (its cut-off pinned), with its pin: the last report."""
    built = sorted((Month.parse(p.name) for p in Path(data_dir, "narrative").glob("*")
                    if _period(p.name) and Month.parse(p.name) < period and (p / PERIOD_FILE).exists()), reverse=True)
    return (built[0], pinned(data_dir, built[0])) if built else None


def pinned(data_dir: str | Path, period: Month) -> Pin | None:
    """The cut-off recorded for `period` by an earlier build, if any."""
    path = folder(data_dir, period) / PERIOD_FILE
    if not path.exists():
        return None
    reader = Reader(path, NarrativeError)
    fields = reader.mapping(compose(path, NarrativeError, "period"), PERIOD_FILE, ("as_of",), ("replaced",))
    dates = [fields["as_of"]] + (reader.sequence(fields["replaced"], f"{PERIOD_FILE}: field 'replaced'")
                                  if "replaced" in fields else [])
    parsed = []
    for node in dates:
        try:
            parsed.append(date.fromisoformat(reader.text(node, PERIOD_FILE)))
        except ValueError:
            raise reader.fail(node, PERIOD_FILE, f"expected a date written YYYY-MM-DD; found {node.value!r}") from None
    if not period.first_day <= parsed[0] <= period.last_day:
        raise reader.fail(fields["as_of"], f"{PERIOD_FILE}: field 'as_of'", f"expected a date in {period.name}; "
                          f"found {parsed[0].isoformat()}")
    return Pin(parsed[0], tuple(parsed[1:]))


def pin(data_dir: str | Path, period: Month, as_of: date) -> Pin:
    """Record `as_of` as the period's cut-off; a different earlier cut-off is kept as replaced."""
    earlier = pinned(data_dir, period)
    replaced = () if earlier is None else earlier.replaced + ((earlier.as_of,) if earlier.as_of != as_of else ())
    result = Pin(as_of, replaced)
    path = folder(data_dir, period) / PERIOD_FILE
    path.parent.mkdir(parents=True, exist_ok=True)
    lines = [f"# The cut-off of the {period.name} report, written by `spcb build`: every rebuild uses it, so the",
             "# published figures stay as they were. Commit it with the commentary; change it with `--as-of`.",
             f"as_of: {as_of.isoformat()}"]
    if replaced:
        lines.append("replaced: [" + ", ".join(d.isoformat() for d in replaced) + "]  # earlier cut-offs, oldest first")
    partial = path.with_suffix(".yml.tmp")
    partial.write_text("\n".join(lines) + "\n", encoding="utf-8")
    partial.replace(path)
    return result

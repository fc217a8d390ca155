"""The plan file's schema: an edition's `plan/*.yml` read into the plan's model and checked on load.

A typo is reported with the file, line and column, the item and the field, rather than surfacing later as
a wrong page. Ids are lower-case letters, digits, '-' and '_', each used once. A measure is exactly one of: a
count, whose `series` is any text naming a series of the edition's extract (the build checks that the extract
holds it); a survey result (`survey`, with its `basis`); or a public attitude survey's proportion (`attitude`,
one of the publisher's measures, with the `area` its results are for, and no sample size).

A milestone, and only a milestone, has a direction, reduce or increase: the way its measure is better (a
neutral measure is no milestone) and the sign of its target. A count's milestone has a `target`, a percentage
change such as -2%, more than -100% and at most +100%; an attitude measure's has a level to `reach`, from 0% to
100%, such as 75%; a survey result with its sample is no milestone. A binding to a count, and only to a count,
may name a `baseline`: a financial year written YYYY/YY (two consecutive years, such as 2011/12) before the
plan's financial year. A milestone's target is then the change on the baseline year, to be met by the end of
the financial year `by` (written the same way, after the baseline; the plan's financial year unless given);
`by` goes only with a baseline. Without a baseline a target is a change on last year.

In an item with milestones, every "N per cent" or "N%" in the title is the size of one of their targets or
levels; a title may write `{target}` (the item's only milestone) or `{target:<measure id>}` instead, which
becomes the target as the plan paper writes it, "5 per cent". Every count bound as a milestone or deliverable
appears once in the milestone table, and nothing else does (an attitude measure's milestone is shown under its
item). The file's header comment documents every field.

An item's `short` is its name in tables and navigation: plain text (no placeholder, no Markdown) of at most
10 words, counted as whitespace-separated tokens, whose every "N per cent" or "N%" is, as in the title, the size of
one of its targets. An item whose title (its placeholders filled in) has more than 10 words must have one. No two
items share a short title (its `short`, or else its title), compared regardless of case and spacing.
"""
from __future__ import annotations

import re
from decimal import Decimal
from fractions import Fraction
from pathlib import Path

import yaml

from ..ingest.contract import PAS_MEASURES, SURVEYS, force_name
from ..ingest.yamlfile import Reader, compose
from .model import (
    BASES,
    DIRECTIONS,
    FREQUENCIES,
    KINDS,
    MARKERS,
    MILESTONE_DIRECTIONS,
    PANELS,
    ROLES,
    SHORT_WORDS,
    Binding,
    ComparisonSpec,
    Item,
    Measure,
    Objective,
    PaperFigures,
    Plan,
    Status,
)
from .periods import FinancialYear, Month, PeriodError

_ID = re.compile(r"^[a-z0-9][a-z0-9_-]*$")
_TARGET = re.compile(r"^([+-]?\d+(?:\.\d+)?)\s*%$")
_PER_CENT = re.compile(r"(\d+(?:\.\d+)?)\s*(?:%|per\s*cent\b)", re.IGNORECASE)
_PLACEHOLDER = re.compile(r"\{target(?::([^{}]*))?\}")
_YEAR = re.compile(r"^(\d{4})/(\d{2})$")
_MARKDOWN = "\\`*_{}[]<>#|~$"  # characters that Markdown or MyST would read as markup, never in a short title
_NOUNS = {"direction": "a direction", "target": "a target", "reach": "a level to reach", "by": "a target year"}


def _decimal(value: Fraction) -> str:
    return format((Decimal(value.numerator) / value.denominator).normalize(), "f")


def _percent(target: Fraction) -> str:
    """A target as the plan file writes it: '-5%', '+3%'."""
    return f"{'+' if target > 0 else ''}{_decimal(target * 100)}%"


def _per_cent(target: Fraction) -> str:
    """A target's size as the plan paper writes it: '5 per cent'."""
    return f"{_decimal(abs(target) * 100)} per cent"


def _goal(binding: Binding) -> Fraction:
    """A milestone's target, or the level it is to reach."""
    return binding.target if binding.reach is None else binding.reach


def _written(binding: Binding) -> str:
    """A milestone's goal as the plan file writes it: '-5%' (a change), 'reach 75%' (a level)."""
    return _percent(binding.target) if binding.reach is None else f"reach {_decimal(binding.reach * 100)}%"


class PlanError(ValueError):
    """The plan file breaks its schema; the message names the file, line, column and field."""


def load(path: str | Path) -> Plan:
    """Read and check a plan file."""
    path = Path(path)
    return _Reader(path).plan(compose(path, PlanError, "plan"))


def load_dir(data_dir: str | Path) -> Plan:
    """The single plan file in `<data_dir>/plan/`."""
    files = sorted(Path(data_dir, "plan").glob("*.yml"))
    if len(files) != 1:
        raise PlanError(f"{Path(data_dir, 'plan')}: expected exactly one plan file (*.yml), found {len(files)}")
    return load(files[0])


class _Reader(Reader):
    """Walks the YAML node tree, so every error can point at a line and column."""

    def __init__(self, path: Path):
        super().__init__(path, PlanError)
        self.see_nodes: list[tuple[yaml.Node, str]] = []
        self.plan_year: FinancialYear | None = None  # a baseline comes before it, and a target is for it by default
        self.shorts: dict[str, str] = {}  # each item's short title, as compared, to the item's id

    def identifier(self, node: yaml.Node, where: str, seen: set[str]) -> str:
        value = self.text(node, where)
        if not _ID.match(value):
            raise self.fail(node, where, f"expected an id of lower-case letters, digits, '-' and '_'; found {value!r}")
        if value in seen:
            raise self.fail(node, where, f"id {value!r} is used twice")
        seen.add(value)
        return value

    def month(self, node: yaml.Node, where: str) -> Month:
        try:
            return Month.parse(self.text(node, where))
        except PeriodError:
            raise self.fail(node, where, f"expected a month written YYYY-MM; found {node.value!r}") from None

    def plan(self, node: yaml.Node) -> Plan:
        top = self.mapping(node, "plan file", ("plan", "reporting_months", "measures", "milestone_table", "objectives"),
                           ("comparison", "publication"))
        head = self.mapping(top["plan"], "plan", ("title", "force", "financial_year", "board"))
        year = self.month(head["financial_year"], "plan: field 'financial_year'")
        if year.month != 4:
            raise self.fail(head["financial_year"], "plan: field 'financial_year'",
                            "the financial year starts in April")
        self.plan_year = year.financial_year
        reporting = {}
        for name, months in self.mapping(top["reporting_months"], "reporting_months", (),
                                         ("quarterly", "6-monthly")).items():
            where = f"reporting_months: field {name!r}"
            reporting[name] = tuple(self.month(m, where) for m in self.sequence(months, where))
        measures = self.measures(top["measures"])
        objectives = self.objectives(top["objectives"], measures)
        items = {item.id: item for objective in objectives for item in objective.items}
        self.check_see(items)
        table = self.table(top["milestone_table"], objectives, measures)
        return Plan(
            title=self.text(head["title"], "plan: field 'title'"),
            force=self.text(head["force"], "plan: field 'force'"),
            board=self.text(head["board"], "plan: field 'board'"),
            financial_year=year,
            reporting_months=reporting,
            measures=measures,
            milestone_table=table,
            objectives=objectives,
            comparison=self.comparison(top["comparison"]) if "comparison" in top else None,
            **(self.publication(top["publication"], measures) if "publication" in top else {}),
            source=self.path,
        )

    def force(self, node: yaml.Node, where: str) -> str:
        name = force_name(self.text(node, where))
        if name is None:
            raise self.fail(node, where, f"expected the name of a police force area; found {node.value!r}")
        return name

    def financial_year(self, node: yaml.Node, where: str) -> FinancialYear:
        value = self.text(node, where)
        match = _YEAR.match(value)
        if not match or (int(match.group(1)) + 1) % 100 != int(match.group(2)):
            raise self.fail(node, where, f"expected a financial year written YYYY/YY, two consecutive years such as "
                                         f"2011/12; found {value!r}")
        return FinancialYear(int(match.group(1)))

    def publication(self, node: yaml.Node, measures: dict[str, Measure]) -> dict:
        fields = self.mapping(node, "publication", (), ("suppress_below", "sensitive"))
        out = {}
        if "suppress_below" in fields:
            value = self.number(fields["suppress_below"], "publication: field 'suppress_below'")
            if value < 0 or value != int(value):
                raise self.fail(fields["suppress_below"], "publication: field 'suppress_below'",
                                "expected a whole number of 0 or more")
            out["suppress_below"] = int(value)
        if "sensitive" in fields:
            where = "publication: field 'sensitive'"
            out["sensitive"] = tuple(self.choice(n, where, tuple(measures))
                                     for n in self.sequence(fields["sensitive"], where))
        return out

    def comparison(self, node: yaml.Node) -> ComparisonSpec:
        fields = self.mapping(node, "comparison", ("force", "group_name", "group"), ("paper",))
        group = tuple(self.force(n, "comparison: field 'group'") for n in self.sequence(fields["group"],
                                                                                         "comparison: field 'group'"))
        paper = PaperFigures()
        if "paper" in fields:
            facts = self.mapping(fields["paper"], "comparison: field 'paper'", (),
                                 ("lower_rate_than_group", "reduction", "second_lowest_year"))
            reduction = self.mapping(facts["reduction"], "comparison: paper: field 'reduction'",
                                     ("from", "to", "percent", "crimes")) if "reduction" in facts else {}
            where = "comparison: paper: reduction: field"
            flag = facts.get("lower_rate_than_group")
            paper = PaperFigures(
                lower_rate_than_group=None if flag is None else self.boolean(
                    flag, "comparison: paper: field 'lower_rate_than_group'"),
                reduction_from=self.financial_year(reduction["from"], f"{where} 'from'").label if reduction else None,
                reduction_to=self.financial_year(reduction["to"], f"{where} 'to'").label if reduction else None,
                reduction_percent=self.number(reduction["percent"], f"{where} 'percent'") if reduction else None,
                reduction_crimes=int(self.number(reduction["crimes"], f"{where} 'crimes'")) if reduction else None,
                second_lowest_year=self.financial_year(facts["second_lowest_year"],
                                                       "comparison: paper: field 'second_lowest_year'").label
                if "second_lowest_year" in facts else None,
            )
        return ComparisonSpec(self.force(fields["force"], "comparison: field 'force'"),
                              self.text(fields["group_name"], "comparison: field 'group_name'"), group, paper)

    def measures(self, node: yaml.Node) -> dict[str, Measure]:
        if not isinstance(node, yaml.MappingNode):
            raise self.fail(node, "measures", "expected a mapping of measure id to its definition")
        measures = {}
        for key, value in node.value:
            where = f"measure {key.value!r}"
            fields = self.mapping(value, where, ("label", "unit", "better"),
                                  ("series", "survey", "basis", "attitude", "area", "rebase"))
            if sum(kind in fields for kind in ("series", "survey", "attitude")) != 1:
                raise self.fail(value, where, "expected one of 'series' (a count), 'survey' (a survey result) or "
                                              "'attitude' (a public attitude survey's proportion)")
            if ("survey" in fields) != ("basis" in fields):
                raise self.fail(value, where, "a survey measure needs a 'basis' (wave or rolling-12-months), "
                                              "and only a survey measure has one")
            if ("attitude" in fields) != ("area" in fields):
                raise self.fail(value, where, "an attitude measure needs an 'area' (the area its results are for, "
                                              "such as MPS), and only an attitude measure has one")
            measures[key.value] = Measure(
                id=key.value,
                label=self.text(fields["label"], f"{where}: field 'label'"),
                series=self.text(fields["series"], f"{where}: field 'series'") if "series" in fields else None,
                unit=self.text(fields["unit"], f"{where}: field 'unit'"),
                better=self.choice(fields["better"], f"{where}: field 'better'", DIRECTIONS),
                rebase=tuple(self.month(m, f"{where}: field 'rebase'") for m in
                             self.sequence(fields["rebase"], f"{where}: field 'rebase'")) if "rebase" in fields else (),
                survey=self.choice(fields["survey"], f"{where}: field 'survey'", tuple(SURVEYS))
                if "survey" in fields else None,
                basis=self.choice(fields["basis"], f"{where}: field 'basis'", BASES) if "basis" in fields else None,
                attitude=self.choice(fields["attitude"], f"{where}: field 'attitude'", PAS_MEASURES)
                if "attitude" in fields else None,
                area=self.text(fields["area"], f"{where}: field 'area'") if "area" in fields else None,
            )
        return measures

    def objectives(self, node: yaml.Node, measures: dict[str, Measure]) -> tuple[Objective, ...]:
        objectives, objective_ids, item_ids = [], set(), set()
        for index, entry in enumerate(self.sequence(node, "objectives"), start=1):
            fields = self.mapping(entry, f"objective {index}", ("id", "title", "items"))
            objective_id = self.identifier(fields["id"], f"objective {index}: field 'id'", objective_ids)
            items = tuple(self.item(item, objective_id, measures, item_ids)
                          for item in self.sequence(fields["items"], f"objective {objective_id!r}: field 'items'"))
            objectives.append(Objective(objective_id, self.text(fields["title"], f"objective {objective_id!r}"), items))
        if not objectives:
            raise self.fail(node, "objectives", "expected at least one objective")
        return tuple(objectives)

    def item(self, node: yaml.Node, objective_id: str, measures: dict[str, Measure], seen: set[str]) -> Item:
        fields = self.mapping(node, f"an item of objective {objective_id!r}",
                              ("id", "title", "kind", "lead", "frequency"),
                              ("short", "status", "measures", "milestone_table", "panels"))
        item_id = self.identifier(fields["id"], f"an item of objective {objective_id!r}: field 'id'", seen)
        where = f"item {item_id!r}"
        bindings = tuple(self.binding(b, where, measures) for b in
                         (self.sequence(fields["measures"], f"{where}: field 'measures'")
                          if "measures" in fields else []))
        kind = self.choice(fields["kind"], f"{where}: field 'kind'", KINDS)
        if kind == "milestone" and not any(b.role == "milestone" for b in bindings):
            raise self.fail(fields["kind"], f"{where}: field 'kind'",
                            "a milestone needs a measure with role milestone and a target")
        milestones = {b.measure.id: b for b in bindings if b.role == "milestone"}
        title = self.title(fields["title"], f"{where}: field 'title'", milestones)
        return Item(
            id=item_id,
            title=title,
            short_title=self.short(fields, item_id, title, milestones),
            kind=kind,
            lead=self.text(fields["lead"], f"{where}: field 'lead'", nullable=True),
            frequency=self.choice(fields["frequency"], f"{where}: field 'frequency'", FREQUENCIES),
            objective_id=objective_id,
            status=self.status(fields["status"], where) if "status" in fields else None,
            measures=bindings,
            milestone_table="milestone_table" in fields and self.boolean(fields["milestone_table"],
                                                                         f"{where}: field 'milestone_table'"),
            panels=tuple(self.choice(n, f"{where}: field 'panels'", PANELS)
                         for n in self.sequence(fields["panels"], f"{where}: field 'panels'"))
                   if "panels" in fields else (),
        )

    def title(self, node: yaml.Node, where: str, milestones: dict[str, Binding]) -> str:
        """The title with its placeholders filled in; its percentages are the sizes of the item's targets."""
        choices = ", ".join(f"{{target:{m}}}" for m in milestones)

        def filled(match: re.Match) -> str:
            measure_id = match.group(1)
            if measure_id is None and len(milestones) == 1:
                return _per_cent(_goal(next(iter(milestones.values()))))
            if measure_id in milestones:
                return _per_cent(_goal(milestones[measure_id]))
            if not milestones:
                raise self.fail(node, where, f"found {match.group(0)}, but the item has no milestone; "
                                             "expected a title without a placeholder")
            reason = (f"the item has {len(milestones)} milestones" if measure_id is None
                      else f"{measure_id!r} is not a milestone measure of the item")
            raise self.fail(node, where, f"found {match.group(0)}, but {reason}; expected one of {choices}")

        title = _PLACEHOLDER.sub(filled, self.text(node, where))
        self.per_cents(node, where, title, milestones, ", or a placeholder such as {target:<measure id>}")
        return title

    def per_cents(self, node: yaml.Node, where: str, text: str, milestones: dict[str, Binding], other: str = ""
                  ) -> None:
        """Every "N per cent" or "N%" in a title or short title of an item with milestones is a target's size."""
        sizes = {abs(_goal(b)) * 100 for b in milestones.values()}
        for match in _PER_CENT.finditer(text) if milestones else ():
            if Fraction(match.group(1)) not in sizes:
                targets = ", ".join(f"{m} {_written(b)}" for m, b in milestones.items())
                raise self.fail(node, where, f"found {match.group(0)!r}, but the item's targets are {targets}; "
                                             f"expected the size of one of them{other}")

    def short(self, fields: dict[str, yaml.Node], item_id: str, title: str, milestones: dict[str, Binding]
              ) -> str | None:
        """The item's `short`, checked, or None when its title is short enough; its short title is its own."""
        item = f"item {item_id!r}"
        where = f"{item}: field 'short'"
        node = fields.get("short")
        if node is None:
            words = len(title.split())
            if words > SHORT_WORDS:
                raise self.fail(fields["title"], f"{item}: field 'title'",
                                f"found a title of {words} words and no 'short'; expected a 'short' of at most "
                                f"{SHORT_WORDS} words to name the item in tables and navigation")
            self.own(fields["title"], f"{item}: field 'title'", title, item_id,
                     "a title no other item has, or a 'short'")
            return None
        if isinstance(node, yaml.ScalarNode) and (node.tag.endswith(":null") or not node.value.strip()):
            raise self.fail(node, where, f"found an empty short title; expected one of at most {SHORT_WORDS} words")
        short = self.text(node, where)
        placeholder = _PLACEHOLDER.search(short)
        if placeholder:
            raise self.fail(node, where, f"found {placeholder.group(0)}; expected plain text, with any target "
                                         "written out such as '5 per cent' (a short title has no placeholder)")
        markup = next((c for c in short if c in _MARKDOWN), None)
        if markup:
            raise self.fail(node, where, f"found {markup!r}; expected plain text, without Markdown: none of "
                                         f"{' '.join(_MARKDOWN)}")
        words = len(short.split())
        if words > SHORT_WORDS:
            raise self.fail(node, where, f"found a short title of {words} words; expected at most {SHORT_WORDS}")
        self.per_cents(node, where, short, milestones)
        self.own(node, where, short, item_id, "a short title no other item has")
        return short

    def own(self, node: yaml.Node, where: str, short: str, item_id: str, expected: str) -> None:
        """Record an item's short title, refusing one that another item has (regardless of case and spacing)."""
        key = " ".join(short.split()).casefold()
        if key in self.shorts:
            raise self.fail(node, where, f"found {short!r}, which is also the short title of item "
                                         f"{self.shorts[key]!r}; expected {expected}")
        self.shorts[key] = item_id

    def binding(self, node: yaml.Node, where: str, measures: dict[str, Measure]) -> Binding:
        fields = self.mapping(node, f"{where}: a measure", ("measure", "role"),
                              ("direction", "target", "reach", "baseline", "by"))
        measure_id = self.text(fields["measure"], f"{where}: field 'measure'")
        if measure_id not in measures:
            raise self.fail(fields["measure"], f"{where}: field 'measure'",
                            f"unknown measure {measure_id!r}; expected one of {', '.join(measures)}")
        measure = measures[measure_id]
        where = f"{where}: measure {measure_id!r}"
        role = self.choice(fields["role"], f"{where}: field 'role'", ROLES)
        if role != "milestone":
            for name in ("direction", "target", "reach", "by"):
                if name in fields:
                    raise self.fail(fields[name], f"{where}: field {name!r}",
                                    f"found {_NOUNS[name]} on role {role!r}; only a milestone has one")
            return Binding(measure, role, baseline=self.baseline(fields, where, measure, False)[0])
        if measure.better not in MILESTONE_DIRECTIONS:
            raise self.fail(fields["role"], f"{where}: field 'role'",
                            f"found a milestone on measure {measure_id!r}, which is better {measure.better}; "
                            f"expected a measure that is better {' or '.join(MILESTONE_DIRECTIONS)}")
        if measure.survey:
            raise self.fail(fields["role"], f"{where}: field 'role'",
                            f"found a milestone on measure {measure_id!r}, a survey result; expected a count (with a "
                            "change 'target') or an attitude measure (with a level to 'reach')")
        baseline, by = self.baseline(fields, where, measure, True)
        goal, other = ("reach", "target") if measure.attitude else ("target", "reach")
        if other in fields:
            kind, example = ("an attitude measure", "reach: 75%") if measure.attitude else ("a count", "target: -2%")
            raise self.fail(fields[other], f"{where}: field {other!r}",
                            f"found {_NOUNS[other]} on measure {measure_id!r}, {kind}; expected {_NOUNS[goal]} "
                            f"such as {example}")
        for name in ("direction", goal):
            if name not in fields:
                raise self.fail(node, where, f"missing field {name!r}; a milestone needs {_NOUNS[goal]} and a "
                                             f"direction ({' or '.join(MILESTONE_DIRECTIONS.values())})")
        direction = self.choice(fields["direction"], f"{where}: field 'direction'",
                                tuple(MILESTONE_DIRECTIONS.values()))
        if direction != MILESTONE_DIRECTIONS[measure.better]:
            raise self.fail(fields["direction"], f"{where}: field 'direction'",
                            f"found {direction!r}, but measure {measure_id!r} is better {measure.better}; "
                            f"expected {MILESTONE_DIRECTIONS[measure.better]!r}")
        if measure.attitude:
            return Binding(measure, role, direction=direction,
                           reach=self.level(fields["reach"], f"{where}: field 'reach'"))
        return Binding(measure, role, self.target(fields["target"], f"{where}: field 'target'", direction), direction,
                       baseline, by)

    def baseline(self, fields: dict[str, yaml.Node], where: str, measure: Measure, milestone: bool
                 ) -> tuple[FinancialYear | None, FinancialYear | None]:
        """A binding's baseline year (a count's only) and, for a milestone, the year its target is for: `by`, or
        the plan's financial year."""
        if "baseline" not in fields:
            if "by" in fields:
                raise self.fail(fields["by"], f"{where}: field 'by'", "found a target year without a baseline; "
                                                                      "expected 'by' only beside 'baseline'")
            return None, None
        node, field = fields["baseline"], f"{where}: field 'baseline'"
        if not measure.series:
            raise self.fail(node, field, f"found a baseline on measure {measure.id!r}, a survey result; "
                                         "only a count has one")
        baseline = self.financial_year(node, field)
        if baseline >= self.plan_year:
            raise self.fail(node, field, f"found {baseline.label!r}, which is not before the plan's financial year "
                                         f"{self.plan_year.label}; expected an earlier year")
        if not milestone:
            return baseline, None
        by = self.financial_year(fields["by"], f"{where}: field 'by'") if "by" in fields else self.plan_year
        if baseline >= by:
            raise self.fail(node, field, f"found {baseline.label!r}, which is not before the target year {by.label} "
                                         "(field 'by'); expected an earlier year")
        return baseline, by

    def level(self, node: yaml.Node, where: str) -> Fraction:
        text = self.text(node, where)
        match = _TARGET.match(text)
        if not match or not 0 <= Fraction(match.group(1)) <= 100:
            raise self.fail(node, where, f"expected a level from 0% to 100% such as 75%; found {text!r}")
        return Fraction(match.group(1)) / 100

    def target(self, node: yaml.Node, where: str, direction: str) -> Fraction:
        text = self.text(node, where)
        match = _TARGET.match(text)
        if not match:
            raise self.fail(node, where, f"expected a percentage change such as -2%; found {text!r}")
        target = Fraction(match.group(1)) / 100
        if not -1 < target <= 1:
            raise self.fail(node, where, f"found {text!r}; expected a change of more than -100% and at most +100% "
                                         "(a fall of 100% would leave nothing, and a rise of more than 100% is "
                                         "taken for a typo)")
        if (target < 0) != (direction == "reduce") or target == 0:
            sign = "negative" if direction == "reduce" else "positive"
            example = f" such as {_percent(-target)}" if target else ""
            raise self.fail(node, where, f"found {text!r}, but the direction is {direction}; "
                                         f"expected a {sign} change{example}")
        return target

    def status(self, node: yaml.Node, where: str) -> Status:
        fields = self.mapping(node, f"{where}: field 'status'", ("marker",), ("note", "see", "period"))
        marker = self.choice(fields["marker"], f"{where}: status: field 'marker'", MARKERS)
        see_where = f"{where}: status: field 'see'"
        see_nodes = self.sequence(fields["see"], see_where) if "see" in fields else []
        self.see_nodes.extend((n, see_where) for n in see_nodes)
        see = tuple(self.text(n, see_where) for n in see_nodes)
        if (marker == "see") != bool(see):
            raise self.fail(node, f"{where}: field 'status'", "marker 'see' goes with a list of item ids in 'see'")
        return Status(
            marker=marker,
            note=self.text(fields["note"], f"{where}: status: field 'note'") if "note" in fields else "",
            see=see,
            period=self.month(fields["period"], f"{where}: status: field 'period'") if "period" in fields else None,
        )

    def check_see(self, items: dict[str, Item]) -> None:
        for target, where in self.see_nodes:
            if target.value not in items:
                raise self.fail(target, where, f"no item {target.value!r} in the plan")

    def table(self, node: yaml.Node, objectives: tuple[Objective, ...], measures: dict[str, Measure]
              ) -> tuple[Binding, ...]:
        bound = {b.measure.id: b for o in objectives for i in o.items for b in i.counted
                 if b.role in ("milestone", "deliverable")}
        rows = []
        for entry in self.sequence(node, "milestone_table"):
            measure_id = self.text(entry, "milestone_table")
            if measure_id in measures and not measures[measure_id].series:
                raise self.fail(entry, "milestone_table", f"measure {measure_id!r} is not a count; the milestone "
                                                          "table lists counted measures only")
            if measure_id not in bound:
                raise self.fail(entry, "milestone_table",
                                f"measure {measure_id!r} is not bound as a milestone or deliverable by any item")
            rows.append(bound.pop(measure_id))
        if bound:
            raise self.fail(node, "milestone_table", f"missing the milestones or deliverables {', '.join(bound)}")
        return tuple(rows)

"""The input contract: the canonical tables the book reads, their columns, types, allowed values and units.

Every importer turns a published file into one of these tables; `validate` checks a table against its
contract with pandera and reports the first bad cell as one line naming the file, line and column, and the
cell as written.

- Numbers are whole and at most 1,000,000,000 either side of zero (no published count comes near); a proportion
  is a number from 0 to 1.
- Names are matched exactly, case included, against the publisher's list. Where the list is open (new
  offences, powers, local authorities), a new name must be spelt as the publisher spells names (`Spelling`),
  must not be a case variant of a known name, and each name is spelt one way within a file.
- A keyed table gets at most one row per key (`Table.unique`) from a file.
"""
from __future__ import annotations

import functools
import re
import unicodedata
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pandas as pd
    import pandera.pandas as pa


class InputError(ValueError):
    """An input file breaks the contract; the message is one line an analyst can act on."""


LARGEST = 10**9


def shown(value) -> str:
    """A value as written, quoted on one line (control characters escaped), and cut short if it is long."""
    text = str(value)
    return repr(text) if len(text) <= 60 else f"{text[:60]!r}… ({len(text):,} characters)"


SERIES = {
    "total_recorded_crime": "All crimes recorded by the force (total recorded crime)",
    "burglary_dwelling": "Burglary of a dwelling",
    "public_place_violence_injury": "Violence with injury in a public place",
    "robbery": "Robbery of personal property and of business property",
    "vehicle_crime": "Theft of and from vehicles and vehicle interference",
    "business_crime": "Crimes against businesses (flagged as business crime)",
    "theft_from_shops": "Theft from shops and stalls",
    "make_off_without_payment": "Making off without payment",
    "domestic_abuse_incidents": "Domestic abuse incidents recorded (crimes and non-crimes)",
    "hate_crime": "Hate crimes recorded",
}


SURVEYS = {
    "confidence": "Respondents confident in policing in their area (public perception survey, by wave)",
    "safe_day": "Respondents who feel safe outside in their area during the day (by wave)",
    "safe_dark": "Respondents who feel safe outside in their area after dark (by wave)",
    "satisfaction_crime": "Victims of crime satisfied with the whole experience (victim survey, by month)",
    "satisfaction_asb": "Victims of anti-social behaviour satisfied with the whole experience (by month)",
}
AUDITS = ("incidents", "directly-recorded", "no-crime")


# Police force areas, by their canonical (ONS) names. Other spellings map here through `force_name`.
FORCES = (
    "Avon and Somerset", "Bedfordshire", "Cambridgeshire", "Cheshire", "City of London", "Cleveland", "Cumbria",
    "Derbyshire", "Devon and Cornwall", "Dorset", "Durham", "Dyfed-Powys", "Essex", "Gloucestershire",
    "Greater Manchester", "Gwent", "Hampshire", "Hertfordshire", "Humberside", "Kent", "Lancashire",
    "Leicestershire", "Lincolnshire", "Merseyside", "Metropolitan Police", "Norfolk", "North Wales",
    "North Yorkshire", "Northamptonshire", "Northumbria", "Nottinghamshire", "South Wales", "South Yorkshire",
    "Staffordshire", "Suffolk", "Surrey", "Sussex", "Thames Valley", "Warwickshire", "West Mercia",
    "West Midlands", "West Yorkshire", "Wiltshire", "British Transport Police",
    # Fraud reporting bodies, which the Home Office and ONS publish alongside the forces.
    "Action Fraud", "CIFAS", "UK Finance", "Financial Fraud Action UK",
)
FRAUD_BODIES = ("Action Fraud", "CIFAS", "UK Finance", "Financial Fraud Action UK")
_ALIASES = {"london city of": "City of London", "metropolitan": "Metropolitan Police",
            "metropolitan police service": "Metropolitan Police", "dyfed powys": "Dyfed-Powys"}
_SUFFIX = re.compile(r"\s+(police service|police force|constabulary|police)$")


def _key(name: str) -> str:
    text = re.sub(r"[^a-z0-9 ]", " ", str(name).lower().replace("&", " and "))
    return _SUFFIX.sub("", " ".join(text.split()))


_FORCE_KEYS = {_key(f): f for f in FORCES} | {_key(a): f for a, f in _ALIASES.items()}


def force_name(name: str) -> str | None:
    """The canonical name of a force written any common way ('Avon & Somerset Constabulary'), or None."""
    key = _key(name)
    return _FORCE_KEYS.get(key) or _FORCE_KEYS.get(_SUFFIX.sub("", key))


POLICE_UK_CRIME_TYPES = (
    "Anti-social behaviour", "Bicycle theft", "Burglary", "Criminal damage and arson", "Drugs", "Other crime",
    "Other theft", "Possession of weapons", "Public order", "Robbery", "Shoplifting", "Theft from the person",
    "Vehicle crime", "Violence and sexual offences",
    # Categories used before May 2013.
    "Violent crime", "Public disorder and weapons",
)
CURRENT_CRIME_TYPES = POLICE_UK_CRIME_TYPES[:14]  # those in use since May 2013


STOP_SEARCH_TYPES = ("Person search", "Vehicle search", "Person and Vehicle search")
AGE_RANGES = ("under 10", "10-17", "18-24", "25-34", "over 34")
GENDERS = ("Male", "Female", "Other")
OFFICER_DEFINED_ETHNICITIES = ("White", "Black", "Asian", "Mixed", "Other")
TRUE_FALSE = ("True", "False")
# Open lists: the names seen in data.police.uk files; a new one must be spelt as published.
SELF_DEFINED_ETHNICITIES = (
    "White - White British (W1)", "White - White Irish (W2)", "White - Any other White ethnic background (W9)",
    "Black or Black British - Caribbean (B1)", "Black or Black British - African (B2)",
    "Black or Black British - Any other Black ethnic background (B9)", "Asian or Asian British - Indian (A1)",
    "Asian or Asian British - Pakistani (A2)", "Asian or Asian British - Bangladeshi (A3)",
    "Asian or Asian British - Any other Asian ethnic background (A9)", "Mixed - White and Black Caribbean (M1)",
    "Mixed - White and Black African (M2)", "Mixed - White and Asian (M3)",
    "Mixed - Any other Mixed ethnic background (M9)", "Chinese or other ethnic group - Chinese (O1)",
    "Chinese or other ethnic group - Any other ethnic group (O9)", "Not Stated (NS)",
)
LEGISLATION = (
    "Misuse of Drugs Act 1971 (section 23)", "Police and Criminal Evidence Act 1984 (section 1)",
    "Criminal Justice Act 1988 (section 139B)", "Firearms Act 1968 (section 47)",
    "Criminal Justice and Public Order Act 1994 (section 60)",
)
OBJECTS_OF_SEARCH = (
    "Controlled drugs", "Articles for use in criminal damage", "Stolen goods", "Offensive weapons",
    "Article for use in theft", "Firearms", "Anything to threaten or harm anyone", "Fireworks",
    "Evidence of offences under the Act",
)
STOP_SEARCH_OUTCOMES = (
    "Nothing found - no further action", "Suspect arrested", "Offender given drugs possession warning",
    "Offender given penalty notice", "Local resolution", "Suspect summonsed to court", "Offender cautioned",
    "Article found - Detailed outcome unavailable",
    # The names used from 2019.
    "A no further action disposal", "Arrest", "Community resolution", "Summons / charged by post",
)
POLICE_UK_OUTCOMES = (
    "Action to be taken by another organisation", "Awaiting court outcome", "Court case unable to proceed",
    "Court result unavailable", "Defendant found not guilty", "Defendant sent to Crown Court",
    "Formal action is not in the public interest", "Further investigation is not in the public interest",
    "Investigation complete; no suspect identified", "Local resolution", "Offender deprived of property",
    "Offender fined", "Offender given a caution", "Offender given a drugs possession warning",
    "Offender given absolute discharge", "Offender given community sentence", "Offender given conditional discharge",
    "Offender given penalty notice", "Offender given suspended prison sentence", "Offender ordered to pay compensation",
    "Offender otherwise dealt with", "Offender sent to prison", "Status update unavailable", "Suspect charged",
    "Suspect charged as part of another case", "Unable to prosecute suspect", "Under investigation",
)
OFFENCE_GROUPS = (
    "Violence against the person", "Sexual offences", "Robbery", "Theft offences", "Criminal damage and arson",
    "Drug offences", "Possession of weapons offences", "Public order offences",
    "Miscellaneous crimes against society", "Fraud offences",
    # The offence code tables of 2017/18 name the miscellaneous group so.
    "Miscellaneous crimes",
)
OFFENCE_SUBGROUPS = (
    "Homicide", "Violence with injury", "Violence without injury", "Stalking and harassment", "Harassment",
    "Rape", "Rape offences", "Other sexual offences", "Robbery", "Robbery of business property",
    "Robbery of personal property", "Domestic burglary", "Non-domestic burglary", "Theft of a motor vehicle",
    "Theft from a vehicle", "Vehicle interference", "Theft from the person", "Bicycle theft", "Shoplifting",
    "Other theft offences", "Criminal damage", "Arson", "Trafficking of drugs", "Possession of drugs",
    "Possession of weapons offences", "Public order offences", "Miscellaneous crimes", "Fraud: action fraud",
    "Fraud: CIFAS", "Fraud: UK Finance", "Fraud: Financial Fraud Action UK",
)
OUTCOME_GROUPS = (
    "Charged/Summonsed", "Out-of-court (formal)", "Out-of-court (informal)", "Taken into consideration",
    "Prosecution prevented or not in the public interest",
    "Evidential difficulties (suspect identified; victim supports action)",
    "Evidential difficulties (victim does not support action)", "Investigation complete – no suspect identified",
    "Responsibility for further investigation transferred to another body",
    "Further investigation to support formal action not in the public interest – police decision",
    "Not yet assigned an outcome",
)
OUTCOME_TYPES = tuple(str(n) for n in range(23))  # 0 is "not yet assigned an outcome"
ONS_OFFENCES = (
    "All other theft offences", "Bicycle theft", "Criminal damage and arson",
    "Death or serious injury caused by illegal driving", "Domestic burglary", "Drug offences", "Homicide",
    "Miscellaneous crimes against society", "Non-domestic burglary", "Vehicle offences",
    "Possession of weapons offences", "Public order offences", "Robbery", "Sexual offences", "Shoplifting",
    "Stalking and harassment", "Theft from the person", "Violence without injury", "Violence with injury",
    "Fraud offences", "Residential burglary", "Non-residential burglary", "Action Fraud", "UK Finance", "CIFAS",
)
ONS_REGIONS = (
    "North East", "North West", "Yorkshire and The Humber", "East Midlands", "West Midlands", "East", "London",
    "South East", "South West", "Wales", "British Transport Police", "Fraud: Action Fraud", "Fraud: CIFAS",
    "Fraud: UK Finance",
)
# MOPAC's Public Attitude Survey measures, as its totals file names them (an open list).
PAS_MEASURES = ('"Good Job" local', "Contact ward officer", "Informed local", "Listen to concerns",
                "Relied on to be there", "Treat everyone fairly", "Trust MPS", "Understand issues")
POLICE_DEFINED_GROUPS = ("White", "Black (or Black British)", "Asian (or Asian British)", "Chinese", "Mixed", "Other")
# The Metropolitan Police Service's own categories (written in capitals) and areas, as its borough file names them.
MPS_MAJOR_CATEGORIES = (
    "ARSON AND CRIMINAL DAMAGE", "BURGLARY", "DRUG OFFENCES", "FRAUD AND FORGERY",
    "MISCELLANEOUS CRIMES AGAINST SOCIETY", "POSSESSION OF WEAPONS", "PUBLIC ORDER OFFENCES", "ROBBERY",
    "SEXUAL OFFENCES", "THEFT", "VEHICLE OFFENCES", "VIOLENCE AGAINST THE PERSON",
)
MPS_MINOR_CATEGORIES = (
    "AGGRAVATED VEHICLE TAKING", "ARSON", "BICYCLE THEFT", "BURGLARY BUSINESS AND COMMUNITY",
    "BURGLARY IN A DWELLING", "CRIMINAL DAMAGE", "FRAUD AND FORGERY", "HOMICIDE", "INTERFERING WITH A MOTOR VEHICLE",
    "MISC CRIMES AGAINST SOCIETY", "OTHER OFFENCES PUBLIC ORDER", "OTHER SEXUAL OFFENCES", "OTHER THEFT",
    "POSSESSION OF DRUGS", "POSSESSION OF WEAPONS", "PUBLIC FEAR ALARM OR DISTRESS",
    "RACE OR RELIGIOUS AGG PUBLIC FEAR", "RAPE", "ROBBERY OF BUSINESS PROPERTY", "ROBBERY OF PERSONAL PROPERTY",
    "SHOPLIFTING", "THEFT FROM A VEHICLE", "THEFT FROM THE PERSON", "THEFT OR UNAUTH TAKING OF A MOTOR VEH",
    "TRAFFICKING OF DRUGS", "VIOLENCE WITH INJURY", "VIOLENCE WITHOUT INJURY", "VIOLENT DISORDER",
)
MPS_AREAS = (
    "Barking and Dagenham", "Barnet", "Bexley", "Brent", "Bromley", "Camden", "Croydon", "Ealing", "Enfield",
    "Greenwich", "Hackney", "Hammersmith and Fulham", "Haringey", "Harrow", "Havering", "Hillingdon", "Hounslow",
    "Islington", "Kensington and Chelsea", "Kingston upon Thames", "Lambeth", "Lewisham", "Merton", "Newham",
    "Redbridge", "Richmond upon Thames", "Southwark", "Sutton", "Tower Hamlets", "Waltham Forest", "Wandsworth",
    "Westminster", "London Heathrow and London City Airports", "Unknown",
)

_LATIN = "A-Za-z0-9À-ÖØ-öø-ſḀ-ỿ"
_PUNCTUATION = " .,;:'’()/&+–-"
_CHARACTER = re.compile(f"[{_LATIN}{_PUNCTUATION}]")


def character(c: str) -> str:
    """A character, named so that a look-alike letter from another alphabet can be told apart."""
    return f"{c!r} (U+{ord(c):04X} {unicodedata.name(c, 'a control character')})"


def _odd_character(name: str) -> str | None:
    """The first character of `name` that published names do not use (a look-alike letter, a control
    character), described; or None."""
    odd = next((c for c in name if not _CHARACTER.fullmatch(c)), None)
    return None if odd is None else f"the character {character(odd)} is not one names use"


@dataclass(frozen=True)
class Spelling:
    """How the names of an open list are written: a name not yet known is accepted only if written so."""

    name: str  # what such a spelling is called on the contract page
    rule: str  # in words, for the contract page and for errors
    pattern: re.Pattern
    capitals: bool = False  # whether a name may be written all in capitals

    def problem(self, name: str) -> str | None:
        """Why `name` is not written this way, or None."""
        if odd := _odd_character(name):
            return odd
        if "  " in name:
            return "it has two spaces in a row"
        if not self.capitals and any(c.isalpha() for c in name) and not any(c.islower() for c in name):
            return "it is written in capitals"
        return None if self.pattern.fullmatch(name) else f"names are {self.rule}"


_NAME_RULE = ("written in Latin letters, digits, spaces and . , ; : ' ( ) / & + – -, starting with a capital "
              "letter or a digit, and not in capitals")
NAME = Spelling("name", _NAME_RULE, re.compile(f"[A-Z0-9À-ÖØ-Þ][{_LATIN}{_PUNCTUATION}]*"))
CODE = Spelling("code", "written like 8P, 37.2 or 1/4.1/4.10/4.2, or as a fraud reporting body's name such as UK "
                "Finance", re.compile(r"[0-9]+(\.[0-9]+)?[A-Z]?(/[0-9]+(\.[0-9]+)?[A-Z]?)*"  # an offence code
                                      r"|[A-Z][A-Za-z]*( [A-Z][A-Za-z]*)*"), capitals=True)
TEXT = Spelling("label", "written in Latin letters, digits, spaces and . , ; : ' ( ) / & + – -",
                re.compile(f"[{_LATIN}{_PUNCTUATION}]+"), capitals=True)
CAPITALS = Spelling("category in capitals", "written in capital Latin letters, digits, spaces and . , ; : ' ( ) / "
                    "& + – -, as the Metropolitan Police writes its categories",
                    re.compile(f"[A-Z0-9][A-Z0-9{_PUNCTUATION}]*"), capitals=True)


@dataclass(frozen=True)
class Column:
    """One column of a canonical table."""

    name: str
    kind: str  # text | count | integer | number | proportion | date | month | flag
    description: str
    allowed: tuple[str, ...] | None = None  # the names the publisher uses, matched exactly
    unit: str = ""
    optional: bool = False
    spelling: Spelling | None = None  # for an open list: how a name not in `allowed` must be written
    values: str = ""  # what the names are, in words, where the list is long or open

    @property
    def type_name(self) -> str:
        return {"text": "text", "count": f"whole number 0 to {LARGEST:,}",
                "integer": f"whole number -{LARGEST:,} to {LARGEST:,}", "number": "number",
                "proportion": "number 0 to 1",
                "date": "date YYYY-MM-DD", "month": "month YYYY-MM", "flag": "true/false"}[self.kind]

    def names_ok(self, values: pd.Series) -> pd.Series:
        """Which names are allowed: known ones, or (in an open list) new ones spelt as published that are not a
        case variant of a known name nor of a name spelt otherwise earlier in the file."""
        known = values.isin(self.allowed or ()) | ((values == "") & self.optional)
        if self.spelling is None:
            return known
        folded = values.str.casefold()
        spelt = values.map({v: self.spelling.problem(v) is None for v in values.unique()})
        first = values.groupby(folded, sort=False).transform("first")
        return known | (~folded.isin({a.casefold() for a in self.allowed or ()}) & spelt & (values == first))

    def expected_name(self, found: str, values: pd.Series) -> str:
        """What a refused name should have been, as precisely as can be told."""
        variant = next((a for a in self.allowed or () if a.casefold() == found.casefold()), None)
        if variant is not None:
            return f"{variant!r}, as published (names are matched exactly)"
        if self.spelling is None:
            odd = _odd_character(found)
            listed = ", ".join(self.allowed[:8]) + (", ..." if len(self.allowed) > 8 else "")
            return f"one of {listed}" + (f" ({odd})" if odd else "")
        earlier = values[values.str.casefold() == found.casefold()].iloc[0]
        if earlier != found:
            return f"{earlier!r}, as an earlier line writes it (each name spelt one way)"
        return f"{self.values or 'a name'} spelt as published: {self.spelling.problem(found)}"


@dataclass(frozen=True)
class Table:
    """A canonical table: its columns, and the columns whose values a newer file replaces as a block."""

    name: str
    description: str
    columns: tuple[Column, ...]
    key: tuple[str, ...]
    period: str | None  # the column whose range a file covers; None for tables without a time dimension
    category: str  # the column the summary breaks rows down by
    measure: str | None = None  # the column of counts the summary adds up; None where each row is one record
    unique: tuple[str, ...] = ()  # the columns no two rows of one file share; empty where rows carry no key

    @property
    def column_names(self) -> list[str]:
        return [c.name for c in self.columns]

    def column(self, name: str) -> Column:
        return next(c for c in self.columns if c.name == name)


def _force(description: str = "police force area (canonical name)") -> Column:
    return Column("force", "text", description, FORCES, values="a police force area")


def _quarter() -> tuple[Column, ...]:
    """The columns that place a Home Office row: financial year, quarter, force and offence group."""
    return (Column("financial_year", "text", "financial year, two consecutive years written like 2014/15"),
            Column("quarter", "integer", "quarter of the financial year, 1 (April to June) to 4"),
            _force(), Column("offence_group", "text", "Home Office offence group", OFFENCE_GROUPS))


def _optional(name: str, description: str, allowed: tuple[str, ...], spelling: Spelling | None = None,
              values: str = "") -> Column:
    return Column(name, "text", description, allowed, optional=True, spelling=spelling, values=values)


QUARTER_KEY = ("financial_year", "quarter", "force")
_AREA = Column("area", "text", "police force area or local authority", spelling=NAME,
               values="a police force area or a local authority")
_AREA_TYPE = Column("area_type", "text", "what the area is", ("police force area", "local authority"))


TABLES = {t.name: t for t in (
    Table("recorded_crime", "The force's own extract: crimes and incidents recorded per day, area and series", (
        Column("date", "date", "day the crime or incident was recorded"),
        Column("area", "text", "local policing unit", spelling=TEXT, values="a local policing unit"),
        Column("series", "text", "what is counted", tuple(SERIES)),
        Column("count", "count", "crimes or incidents recorded that day", unit="crimes or incidents"),
    ), key=("date",), period="date", category="series", measure="count", unique=("date", "area", "series")),
    Table("survey", "The force's surveys: respondents and positive answers per measure and wave or month", (
        Column("measure", "text", "what was asked", tuple(SURVEYS)),
        Column("month", "month", "month of the wave, or of the interviews"),
        Column("respondents", "count", "people who answered", unit="people"),
        Column("positive", "count", "people who gave the positive answer (confident, safe, satisfied)",
               unit="people"),
    ), key=("measure", "month"), period="month", category="measure", measure="positive",
          unique=("measure", "month")),
    Table("attitude", "Public attitude surveys: the proportion of respondents agreeing, per survey, area and "
          "measure, over the period ending on each date (no sample sizes are published)", (
        Column("period_end", "date", "last day of the period the answers were collected over"),
        Column("survey", "text", "the survey", ("PAS",), spelling=TEXT, values="a survey"),
        Column("area", "text", "the area answered for (MPS: all of London)", ("MPS",), spelling=TEXT,
               values="an area"),
        Column("measure", "text", "what was asked, as the publisher names it", PAS_MEASURES, spelling=TEXT,
               values="a measure"),
        Column("proportion", "proportion", "share of respondents agreeing", unit="proportion"),
    ), key=("survey", "area", "measure", "period_end"), period="period_end", category="measure",
          unique=("survey", "area", "measure", "period_end")),
    Table("audit", "Crime data integrity audit: records examined and records right, by audit and category", (
        Column("audit", "text", "what was audited", AUDITS),
        Column("category", "text", "the kind of record examined (e.g. rape, robbery)", spelling=TEXT,
               values="a kind of record"),
        Column("expected", "count", "crimes that should have been recorded, or decisions examined",
               unit="records"),
        Column("correct", "count", "crimes recorded, or decisions found correct", unit="records"),
    ), key=("audit", "category"), period=None, category="audit", measure="expected", unique=("audit", "category")),
    Table("street_crime", "data.police.uk street-level crime, counted by month, force, LSOA and crime type", (
        Column("month", "month", "month the crime was recorded"),
        _force("force the crime falls within"),
        Column("lsoa_code", "text", "2011 lower layer super output area, empty where the location is unknown",
               optional=True),
        Column("local_authority", "text", "local authority of the LSOA, empty where not known", optional=True),
        Column("crime_type", "text", "data.police.uk crime category", POLICE_UK_CRIME_TYPES),
        Column("count", "count", "crimes", unit="crimes"),
    ), key=("force", "month"), period="month", category="crime_type", measure="count"),
    Table("stop_search", "data.police.uk stop and search records, one row per search", (
        _force(),
        Column("date", "date", "day of the search"),
        Column("month", "month", "month of the search"),
        Column("type", "text", "person, vehicle, or person and vehicle search", STOP_SEARCH_TYPES),
        _optional("age_range", "age band of the person searched", AGE_RANGES),
        _optional("gender", "gender of the person searched", GENDERS),
        _optional("self_defined_ethnicity", "ethnicity as stated by the person (census 18+1 categories)",
                  SELF_DEFINED_ETHNICITIES, NAME, "a self-defined ethnicity"),
        _optional("officer_defined_ethnicity", "ethnicity as recorded by the officer (White, Black, Asian, Mixed, "
                  "Other)", OFFICER_DEFINED_ETHNICITIES),
        _optional("legislation", "power used for the search", LEGISLATION, NAME, "a power"),
        _optional("object_of_search", "what was searched for", OBJECTS_OF_SEARCH, NAME, "an object of search"),
        _optional("outcome", "outcome of the search", STOP_SEARCH_OUTCOMES, NAME, "an outcome"),
        _optional("outcome_linked", "whether the outcome was linked to the object of search (True/False)",
                  TRUE_FALSE),
    ), key=("force", "month"), period="month", category="outcome"),
    Table("outcomes", "data.police.uk outcomes, counted by month, force, LSOA and outcome type", (
        Column("month", "month", "month the outcome was recorded"),
        _force("force the crime falls within"),
        Column("lsoa_code", "text", "2011 LSOA, empty where unknown", optional=True),
        Column("outcome_type", "text", "outcome category", POLICE_UK_OUTCOMES, spelling=NAME,
               values="a data.police.uk outcome category"),
        Column("count", "count", "outcomes", unit="outcomes"),
    ), key=("force", "month"), period="month", category="outcome_type", measure="count"),
    Table("recorded_crime_quarterly", "Home Office police recorded crime, quarterly counts by force and "
          "offence group. Rows for the same quarter, force and group are added up, as published; a line that "
          "repeats an earlier one exactly is refused", (
        *_quarter(),
        Column("count", "integer", "offences recorded in the quarter", unit="offences"),
    ), key=QUARTER_KEY, period="financial_year", category="offence_group", measure="count"),
    Table("recorded_crime_by_code", "Home Office police recorded crime, quarterly counts by force and offence "
          "code. Rows for the same quarter, force and code are added up, as published; a line that repeats an "
          "earlier one exactly (its row number included) is refused", (
        *_quarter(),
        Column("offence_subgroup", "text", "Home Office offence subgroup", OFFENCE_SUBGROUPS, spelling=NAME,
               values="an offence subgroup"),
        Column("offence_code", "text", "Home Office offence code", spelling=CODE, values="an offence code"),
        Column("offence_description", "text", "offence as described in the counting rules", spelling=NAME,
               values="an offence description"),
        Column("count", "integer", "offences recorded in the quarter; may be negative where crimes cancelled in "
               "the quarter outnumber those recorded", unit="offences"),
    ), key=QUARTER_KEY, period="financial_year", category="offence_group", measure="count"),
    Table("crime_outcomes", "Home Office crime outcomes by force, quarter, offence and outcome", (
        *_quarter(),
        Column("offence_code", "text", "Home Office offence code", spelling=CODE, values="an offence code"),
        Column("outcome_group", "text", "outcome group", OUTCOME_GROUPS),
        Column("outcome_type", "text", "outcome type number", OUTCOME_TYPES, values="a number from 0 to 22"),
        Column("outcomes", "integer", "outcomes recorded in the quarter; may be negative where the quarter "
               "reverses outcomes recorded earlier", unit="outcomes"),
    ), key=QUARTER_KEY, period="financial_year", category="outcome_group", measure="outcomes",
          unique=("financial_year", "quarter", "force", "offence_code", "outcome_type")),
    Table("rolling_year_crime", "ONS police recorded crime by police force area: totals for the 12 months "
          "ending on each date", (
        Column("period_end", "date", "last day of the 12 months"),
        _force("police force area, or fraud reporting body"),
        Column("region", "text", "region of the force area", ONS_REGIONS),
        Column("offence", "text", "ONS offence category as published at that date", ONS_OFFENCES),
        Column("count", "count", "offences in the 12 months", unit="offences"),
    ), key=("period_end", "force"), period="period_end", category="offence", measure="count",
          unique=("period_end", "force", "offence")),
    Table("population", "ONS mid-year population estimates", (
        Column("year", "integer", "year of the mid-year (30 June) estimate"),
        _AREA, _AREA_TYPE,
        Column("population", "count", "residents", unit="people"),
    ), key=("year", "area_type", "area"), period="year", category="area_type", measure="population",
          unique=("year", "area_type", "area")),
    Table("census_ethnicity", "2011 Census usual residents by ethnic group", (
        _AREA, _AREA_TYPE,
        Column("classification", "text", "which grouping the ethnic group belongs to",
               ("police-defined", "census")),
        Column("ethnic_group", "text", "ethnic group as published", POLICE_DEFINED_GROUPS, spelling=NAME,
               values="an ethnic group"),
        Column("population", "count", "usual residents in 2011", unit="people"),
    ), key=("area_type", "area", "classification"), period=None, category="classification", measure="population",
          unique=("area_type", "area", "classification", "ethnic_group")),
    Table("monthly_crime", "A force's own recorded crime per month, area and category, as it publishes it", (
        Column("month", "month", "month the crimes were recorded"),
        Column("area", "text", "area of the force (a borough)", MPS_AREAS, spelling=NAME, values="an area"),
        Column("major", "text", "major category, as the force publishes it", MPS_MAJOR_CATEGORIES,
               spelling=CAPITALS, values="a major category"),
        Column("series", "text", "minor category, as the force publishes it", MPS_MINOR_CATEGORIES,
               spelling=CAPITALS, values="a minor category"),
        Column("count", "count", "crimes recorded in the month", unit="crimes"),
    ), key=("month",), period="month", category="series", measure="count", unique=("area", "series", "month")),
    Table("lookup", "Reference lookups: LSOA to local authority and force, local authority to force, "
          "offence codes to groups and data.police.uk categories, data.police.uk force ids", (
        Column("lookup", "text", "which lookup the row belongs to",
               ("lsoa", "local-authority", "offence-code", "offence-severity", "force-id")),
        Column("code", "text", "the code looked up"),
        Column("name", "text", "its name", optional=True),
        Column("parent_code", "text", "the code it belongs to", optional=True),
        Column("parent_name", "text", "the name it belongs to, e.g. the force", optional=True),
        Column("value", "text", "a further attribute: category, weight or population", optional=True),
    ), key=("lookup",), period=None, category="lookup", unique=("lookup", "code")),
)}


@functools.cache
def _schema(table_name: str) -> pa.DataFrameSchema:
    """The table's pandera schema, made when first needed: pandera is imported only by what validates."""
    import pandera.pandas as pa

    table, columns = TABLES[table_name], {}
    for column in table.columns:
        checks = []
        if column.allowed or column.spelling:
            checks.append(pa.Check(column.names_ok, name="names"))
        if column.kind == "count":
            checks.append(pa.Check.in_range(0, LARGEST))
        if column.kind == "proportion":
            checks.append(pa.Check.in_range(0, 1))
        if column.kind == "integer":
            checks.append(pa.Check.in_range(-LARGEST, LARGEST))
        if column.kind == "month":
            checks.append(pa.Check.str_matches(r"^[0-9]{4}-(0[1-9]|1[0-2])$"))
        if column.kind == "text" and not column.optional:
            checks.append(pa.Check.str_length(min_value=1))
        dtype = {"count": "int64", "integer": "int64", "number": "float64", "proportion": "float64",
                 "date": "datetime64[ns]",
                 "flag": "bool"}.get(column.kind, "str")
        columns[column.name] = pa.Column(dtype, checks=checks, nullable=column.optional)
    return pa.DataFrameSchema(columns, strict="filter", ordered=False)


def validate(table_name: str, frame: pd.DataFrame, where, written) -> pd.DataFrame:
    """Check `frame` against its contract: each cell, then that no two rows share the table's unique key.
    `where(index, column)` names the source line and column of a cell, and `written(index, column)` gives it as
    the file writes it (None for a value the file does not hold, such as a force named by the file name).

    Returns the frame with exactly the contract's columns, in order.
    """
    table = TABLES[table_name]

    def fail(index: int, column: str, found, expected: str) -> InputError:
        as_written = written(index, column)
        return InputError(f"{where(index, column)}: found {shown(found if as_written is None else as_written)}; "
                          f"expected {expected}")
    from pandera.errors import SchemaErrors

    try:
        checked = _schema(table_name).validate(frame, lazy=True)
    except SchemaErrors as errors:
        cases = errors.failure_cases.dropna(subset=["index"])
        if cases.empty:
            raise InputError(f"{where(None, None)}: {errors.failure_cases.iloc[0]['check']}") from None
        first = cases.sort_values("index", kind="stable").iloc[0]
        column = table.column(first["column"])
        found = first["failure_case"]
        expected = (column.expected_name(str(found), frame[column.name]) if first["check"] == "names"
                    else _expected(column))
        raise fail(int(first["index"]), column.name, found, expected) from None
    if table.unique:
        repeated = checked.duplicated(list(table.unique)).to_numpy()
        if repeated.any():
            index = int(checked.index[repeated][0])
            column = next(c for c in table.unique if written(index, c) is not None)
            raise fail(index, column, checked[column].loc[index], f"one row per {_words(table.unique)} (this one "
                       "repeats an earlier row)")
    return checked[table.column_names]


def _words(columns: tuple[str, ...]) -> str:
    names = [c.replace("_", " ") for c in columns]
    return ", ".join(names[:-1]) + " and " + names[-1] if len(names) > 1 else names[0]


def _expected(column: Column) -> str:
    return {"count": f"a whole number from 0 to {LARGEST:,}",
            "integer": f"a whole number from -{LARGEST:,} to {LARGEST:,}",
            "month": "a month written YYYY-MM", "proportion": "a number from 0 to 1"}.get(
                column.kind, f"a non-empty {column.type_name}")


def markdown() -> str:
    """The contract as Markdown, for the book's input contract page (a test keeps the two the same)."""
    spellings = "; ".join(f"a *{s.name}* is {s.rule}" for s in (NAME, CODE, TEXT, CAPITALS))
    parts = [f"Names in an open list are the ones listed, or a new one spelt as the publisher spells them "
             f"({spellings}) that is not a case variant of a listed one; within one file, each name is spelt one "
             "way.\n"]
    for table in TABLES.values():
        unique = f" One row per {_words(table.unique)}: a file that repeats one is refused." if table.unique else ""
        parts.append(f"### `{table.name}`\n\n{table.description}.{unique} A newer file replaces the rows with the "
                     f"same {', '.join(table.key)}.\n\n| column | type | allowed values | unit | meaning |\n"
                     f"|---|---|---|---|---|")
        for column in table.columns:
            listed = ", ".join(column.allowed or ())
            allowed = column.values or listed
            if column.spelling:
                allowed = f"{f'{listed}; or a new one' if listed else allowed} spelt as a *{column.spelling.name}*"
            if column.optional:
                allowed = (allowed + "; " if allowed else "") + "may be empty"
            parts.append(f"| `{column.name}` | {column.type_name} | {allowed} | {column.unit} | "
                         f"{column.description} |")
        parts.append("")
    return "\n".join(parts)

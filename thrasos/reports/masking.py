"""Small counts of people are never published (statistical secrecy).

The rule, stated in the report and on the managers' pages (RULE):
- a count of 1 to 4 people is shown as "< 5" (primary suppression); 0 is
  shown, as are counts of events (notes, hours) that name no one;
- a rate or an average is hidden when the people it is computed over are
  1 to 4, or when the count of people on top of it is hidden;
- a count that is part of another (exits to durable employment, of the
  exits) is hidden ("s") when the rest (the exits not in durable
  employment) is 1 to 4: the rest could be worked out from the two;
- in a set of figures that add up to a total a reader can see (the age
  bands of the people followed, a column of the funnel per session and its
  total), one hidden cell could be recomputed from the others: a second
  cell, the smallest other non-zero one, is hidden too (secondary
  suppression); when no other cell can be hidden, the total is.

Masked values are strings; everything else stays a number until formatted
(thrasos.reports.formatting)."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from thrasos.reports.indicators import BY_CODE, Unit

THRESHOLD = 5
MASK = "< 5"
# Shown where a secondary suppression hid a figure that is not small itself.
SECONDARY = "s"

RULE = _(
    "Statistical secrecy: a count of 1 to 4 people is shown as “< 5”, and a rate computed over "
    "1 to 4 people is not shown. Where a hidden count could be worked out from a total and the "
    "other figures, a second figure is hidden too (shown as “s”)."
)


def is_small(value) -> bool:
    return isinstance(value, int) and 0 < value < THRESHOLD


def mask_count(value):
    """A count of people as it may be published."""
    return MASK if is_small(value) else value


def mask_part(part: int, whole: int):
    """A count of people that is part of a published whole."""
    if is_small(part):
        return MASK
    if is_small(whole - part):
        return SECONDARY
    return part


def _needed(values: dict, code: str, other: str):
    if other not in values:
        raise ValueError(f"{code} is published with {other}")
    return values[other]


def mask_indicators(values: dict) -> dict:
    """The figures of thrasos.reports.indicators.compute() as they may be
    published: counts of people of 1 to 4 masked, parts whose rest is 1 to 4
    hidden, rates over hidden counts hidden."""
    shown = {}
    for code, value in values.items():
        indicator = BY_CODE[code]
        if indicator.unit == Unit.PEOPLE:
            whole = _needed(values, code, indicator.part_of) if indicator.part_of else None
            if whole is not None and value is not None:
                shown[code] = mask_part(value, whole)
            else:
                shown[code] = mask_count(value)
        else:
            shown[code] = value
    for code in values:
        indicator = BY_CODE[code]
        if indicator.unit == Unit.PEOPLE:
            continue
        if (indicator.base is not None and is_small(_needed(values, code, indicator.base))) or (
            indicator.numerator is not None
            and isinstance(
                shown.get(indicator.numerator, _needed(values, code, indicator.numerator)), str
            )
        ):
            shown[code] = MASK
    return shown


@dataclass
class Group:
    """Counts of people that add up to a total (e.g. age bands)."""

    cells: dict  # key -> count
    total: int | None = None

    def published(self) -> tuple[dict, object]:
        """(cells, total) with primary and secondary suppression applied."""
        total = self.total if self.total is not None else sum(self.cells.values())
        hidden = {key for key, value in self.cells.items() if is_small(value)}
        total_hidden = is_small(total)
        if len(hidden) == 1 and not total_hidden:
            candidates = sorted(
                (value, index, key)
                for index, (key, value) in enumerate(self.cells.items())
                if key not in hidden and value > 0
            )
            if candidates:
                hidden.add(candidates[0][2])
            else:
                total_hidden = True
        cells = {
            key: (MASK if is_small(value) else SECONDARY) if key in hidden else value
            for key, value in self.cells.items()
        }
        shown_total = (MASK if is_small(total) else SECONDARY) if total_hidden else total
        return cells, shown_total


def suppress_table(rows: dict, columns: list[str], *, with_total: bool = True) -> tuple[dict, dict]:
    """A table of counts of people (rows × columns) with a total row: each
    column is a group (its cells add up to the total row). Returns the
    published rows and the total row."""
    published = {key: dict(row) for key, row in rows.items()}
    totals = {}
    for column in columns:
        group = Group({key: row[column] for key, row in rows.items()})
        cells, total = group.published()
        for key, value in cells.items():
            published[key][column] = value
        totals[column] = total
    return published, (totals if with_total else {})

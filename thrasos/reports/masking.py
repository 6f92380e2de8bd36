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
  suppression); when no other cell can be hidden, the total is;
- a table whose cells are both parts of a column's total and, within a row,
  subsets of one another (the funnel: contracts among the people admitted)
  gets both at once, to a fixed point (suppress_table): a shown cell 1 to 4
  below its nearest shown ancestor is hidden, and a hidden cell the
  published figures pin down exactly (reasoning on intervals) hides its
  neighbours in the row. In a column of fewer than 5 people in all, zeros
  are "< 5" too (else four "< 5" under a total "< 5" are each 1).

Masked values are strings; everything else stays a number until formatted
(thrasos.reports.formatting)."""

from __future__ import annotations

import math
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from thrasos.reports.indicators import BY_CODE, Unit

THRESHOLD = 5
MASK = "< 5"
# Shown where a secondary suppression hid a figure that is not small itself.
SECONDARY = "s"

RULE = _(
    "Statistical secrecy: a count of 1 to 4 people is shown as “< 5”, and a rate computed over 1 "
    "to 4 people is not shown. A figure from which a count of 1 to 4 people could be worked out "
    "is hidden too (shown as “s”: 5 people or more): a figure 1 to 4 below the figure it is part "
    "of (in a row of the funnel, the people with a contract among those admitted), and a second "
    "figure wherever a hidden one could be worked out from a total and the other figures. In a "
    "column of fewer than 5 people in all, a zero is shown as “< 5” too."
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
        # Under a shown total, the hidden cells add up to the total minus the
        # shown ones: one hidden cell, or hidden cells adding up to 1 to 4
        # people, hide one more (the smallest other non-zero cell), or the total.
        while not total_hidden and (
            len(hidden) == 1 or is_small(sum(self.cells[key] for key in hidden))
        ):
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


# The key of a table's total row in suppress_table().
TOTAL = "__total__"


def suppress_table(
    rows: dict, columns: list[str], *, parents: dict[str, str] | None = None
) -> tuple[dict, dict]:
    """A table of counts of people (rows × columns) with a total row, as it
    may be published. Each column is a group adding up to the total row;
    within a row (the total row too), a column may count a subset of the
    people of another (parents: column -> the column it is a subset of, e.g.
    a session's contracts of its admitted people). Hidden cells only ever
    grow, until none of these holds:
    - a shown count of 1 to 4;
    - in a row, a shown cell 1 to 4 below its nearest shown ancestor (the
      people of the ancestor not in the cell: 1 to 4);
    - in a column, exactly one hidden figure among the cells and the total
      (the sum gives it back), or hidden cells adding up to 1 to 4 under a
      shown total (the total minus the shown cells gives their sum): the
      smallest other non-zero cell is hidden, or the total;
    - a hidden figure that the published ones determine exactly, through
      the rows' subsets and the columns' sums together (interval reasoning
      on "< 5" = 1 to 4, "s" = 5 or more): its nearest shown ancestor and
      its largest shown descendant are hidden too.
    Returns the published rows and the total row ({} without rows)."""
    parents = parents or {}
    unknown = set(parents) | set(parents.values())
    if not unknown <= set(columns):
        raise ValueError(f"nesting names unknown columns: {sorted(unknown - set(columns))}")
    if not rows:
        return {}, {}
    grid = {key: {column: row[column] for column in columns} for key, row in rows.items()}
    grid[TOTAL] = {column: sum(row[column] for row in rows.values()) for column in columns}
    hidden = {(key, c) for key, row in grid.items() for c in columns if is_small(row[c])}
    for column in columns:
        if is_small(grid[TOTAL][column]):
            # Fewer than 5 people in the whole column: its zeros are "< 5" too,
            # else four sessions of "< 5" under a total of "< 5" are each 1.
            hidden.update((key, column) for key in grid)
    while True:
        before = len(hidden)
        _hide_within_rows(grid, columns, parents, hidden)
        if len(hidden) == before:
            _hide_in_columns(grid, columns, hidden)
        if len(hidden) == before:
            _hide_determined(grid, columns, parents, hidden)
        if len(hidden) == before:
            break
    published = {
        key: {
            column: _hidden_as(value) if (key, column) in hidden else value
            for column, value in row.items()
        }
        for key, row in grid.items()
    }
    totals = published.pop(TOTAL, {})
    return published, totals


def _ancestors(column: str, parents: dict) -> list[str]:
    chain = []
    while column in parents:
        column = parents[column]
        chain.append(column)
    return chain


def _nearest_shown_ancestor(key, column, parents, hidden):
    return next((a for a in _ancestors(column, parents) if (key, a) not in hidden), None)


def _hide_within_rows(grid, columns, parents, hidden) -> None:
    for key, row in grid.items():
        # Ancestors first: a cell hidden here changes its descendants' nearest shown ancestor.
        for column in sorted(columns, key=lambda c: len(_ancestors(c, parents))):
            if (key, column) in hidden:
                continue
            ancestor = _nearest_shown_ancestor(key, column, parents, hidden)
            if ancestor is not None and is_small(row[ancestor] - row[column]):
                hidden.add((key, column))


def _hide_in_columns(grid, columns, hidden) -> None:
    keys = [key for key in grid if key != TOTAL]
    for column in columns:
        members = [*keys, TOTAL]
        hidden_cells = [key for key in keys if (key, column) in hidden]
        total_shown = (TOTAL, column) not in hidden
        # The shown total minus the shown cells gives back the sum of the
        # hidden ones: one hidden cell is its own sum, and two "< 5" of 2
        # people each add up to 4 people a reader can name by sessions.
        together = sum(grid[key][column] for key in hidden_cells)
        recomputable = total_shown and hidden_cells and is_small(together)
        if sum((key, column) in hidden for key in members) != 1 and not recomputable:
            continue
        candidates = sorted(
            (grid[key][column], index, key)
            for index, key in enumerate(keys)
            if (key, column) not in hidden and grid[key][column] > 0
        )
        if candidates:
            hidden.add((candidates[0][2], column))
        elif (TOTAL, column) not in hidden:
            hidden.add((TOTAL, column))


def bounds(published: dict, totals: dict, columns: list[str], parents: dict) -> dict:
    """What a reader can work out of a published table: (low, high) for each
    cell (TOTAL for the total row), from the shown figures, "< 5" (1 to 4),
    "s" (5 or more), the rows' subsets and the columns' sums."""
    grid = {**published, TOTAL: totals} if published else {}
    low, high = {}, {}
    for key, row in grid.items():
        for column in columns:
            value = row[column]
            cell = (key, column)
            if value == MASK:
                # A zero is "< 5" only in a column of fewer than 5 people.
                small_column = key != TOTAL and totals[column] == MASK
                low[cell], high[cell] = (0 if small_column else 1), THRESHOLD - 1
            elif value == SECONDARY:
                low[cell], high[cell] = THRESHOLD, math.inf
            else:
                low[cell] = high[cell] = value
    keys = [key for key in grid if key != TOTAL]
    for _round in range(50):
        changed = False

        def tighten(cell, lo, hi):
            nonlocal changed
            if lo > low[cell]:
                low[cell], changed = lo, True
            if hi < high[cell]:
                high[cell], changed = hi, True

        for key in grid:
            for child, parent in parents.items():
                tighten((key, child), low[(key, child)], high[(key, parent)])
                tighten((key, parent), low[(key, child)], high[(key, parent)])
        for column in columns:
            cells = [(key, column) for key in keys]
            total = (TOTAL, column)
            tighten(total, sum(low[c] for c in cells), sum(high[c] for c in cells))
            for cell in cells:
                others_low = sum(low[c] for c in cells if c != cell)
                others_high = sum(high[c] for c in cells if c != cell)
                tighten(cell, low[total] - others_high, high[total] - others_low)
        if not changed:
            break
    return {cell: (low[cell], high[cell]) for cell in low}


def _hide_determined(grid, columns, parents, hidden) -> None:
    shown = {
        key: {c: _hidden_as(value) if (key, c) in hidden else value for c, value in row.items()}
        for key, row in grid.items()
    }
    totals = shown.pop(TOTAL, {})
    for (key, column), (low, high) in bounds(shown, totals, columns, parents).items():
        if (key, column) not in hidden or low != high or grid[key][column] == 0:
            continue
        children = {c for c in columns if column in _ancestors(c, parents)}
        around = [
            c
            for c in [
                _nearest_shown_ancestor(key, column, parents, hidden),
                *sorted(children, key=lambda c: -grid[key][c]),
            ]
            if c is not None and (key, c) not in hidden and grid[key][c] > 0
        ]
        if not around:
            # Determined through its column alone: one more hidden in the column.
            around_column = sorted(
                (grid[k][column], k)
                for k in grid
                if k != TOTAL and (k, column) not in hidden and grid[k][column] > 0
            )
            if around_column:
                hidden.add((around_column[0][1], column))
            elif (TOTAL, column) not in hidden:
                hidden.add((TOTAL, column))
            continue
        for other in around[:2]:
            hidden.add((key, other))


def _hidden_as(value) -> str:
    return MASK if value < THRESHOLD else SECONDARY

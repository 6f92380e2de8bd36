"""The funnel per session as it is published: an auditor, written apart
from thrasos.reports.masking, reads each published table the way a reader
could (shown figures, "< 5" = 1 to 4, "s" = 5 or more, the steps that are
subsets of another in a row, the columns adding up to the total row) and
checks that no count of 1 to 4 people can be read or worked out."""

import datetime
import itertools
import math
import random

import pytest

from thrasos.reports.figures import FUNNEL_NESTING, FUNNEL_STEPS
from thrasos.reports.masking import MASK, SECONDARY, suppress_table

CODES = [code for code, _label in FUNNEL_STEPS]


def ancestors(column):
    chain = []
    while column in FUNNEL_NESTING:
        column = FUNNEL_NESTING[column]
        chain.append(column)
    return chain


def reader_bounds(published, totals):
    """Interval reasoning of a reader, to a fixed point: each cell's
    (lowest, highest) possible value."""
    table = dict(published)
    table["all"] = totals
    sessions = [key for key in table if key != "all"]
    low, high = {}, {}
    for key, row in table.items():
        for code, value in row.items():
            if value == MASK:
                # Zeros are "< 5" only in a column whose total is "< 5".
                low[key, code] = 0 if key != "all" and totals[code] == MASK else 1
                high[key, code] = 4
            elif value == SECONDARY:
                low[key, code], high[key, code] = 5, math.inf
            else:
                low[key, code] = high[key, code] = value
    for _round in range(200):
        before = (dict(low), dict(high))
        for key in table:
            for code in CODES:
                for ancestor in ancestors(code):
                    high[key, code] = min(high[key, code], high[key, ancestor])
                    low[key, ancestor] = max(low[key, ancestor], low[key, code])
        for code in CODES:
            low["all", code] = max(low["all", code], sum(low[s, code] for s in sessions))
            high["all", code] = min(high["all", code], sum(high[s, code] for s in sessions))
            for session in sessions:
                rest = [s for s in sessions if s != session]
                low[session, code] = max(
                    low[session, code], low["all", code] - sum(high[s, code] for s in rest)
                )
                high[session, code] = min(
                    high[session, code], high["all", code] - sum(low[s, code] for s in rest)
                )
        if (low, high) == before:
            break
    return low, high


def audit(rows, published, totals):
    """Every way a reader could find a count of 1 to 4 people; returns the
    problems found (empty: the table may be published)."""
    problems = []
    truth = {**rows, "all": {c: sum(row[c] for row in rows.values()) for c in CODES}}
    shown = {**published, "all": totals}
    for key, row in shown.items():
        for code, value in row.items():
            true = truth[key][code]
            if isinstance(value, int):
                if value != true:
                    problems.append(f"{key}/{code}: {value} published for {true}")
                if 0 < value < 5:
                    problems.append(f"{key}/{code}: {value} shown")
            elif value != (MASK if true < 5 else SECONDARY) or (
                true == 0 and not (key != "all" and totals[code] == MASK)
            ):
                problems.append(f"{key}/{code}: {value!r} published for {true}")
        for code, value in row.items():
            for ancestor in ancestors(code):
                both = isinstance(value, int) and isinstance(row[ancestor], int)
                if both and 0 < row[ancestor] - value < 5:
                    problems.append(f"{key}: {ancestor} - {code} = {row[ancestor] - value}")
    for code in CODES:
        hidden = [key for key in shown if not isinstance(shown[key][code], int)]
        if len(hidden) == 1:
            problems.append(f"{code}: only {hidden[0]} hidden in the column")
        # Under a shown total, the hidden cells add up to the total minus the
        # shown ones: that sum counts people too.
        cells = [key for key in hidden if key != "all"]
        together = sum(truth[key][code] for key in cells)
        if isinstance(totals[code], int) and 0 < together < 5:
            problems.append(f"{code}: hidden cells {cells} add up to {together}")
    low, high = reader_bounds(published, totals)
    for (key, code), value in low.items():
        # A hidden zero worked out tells of no one; any other figure would.
        hidden = not isinstance(shown[key][code], int)
        if hidden and value == high[key, code] and truth[key][code] != 0:
            problems.append(f"{key}/{code}: hidden but worked out as {value}")
    return problems


def random_session(rng):
    def below(n):
        # Many small figures, zeros and equal figures (everyone went on).
        return rng.choice([0, n, n, rng.randint(0, n), max(0, n - rng.randint(1, 4))])

    admitted = rng.choice([rng.randint(0, 9), rng.randint(0, 9), rng.randint(5, 25)])
    contract = below(admitted)
    return {
        "admitted": admitted,
        "completed": below(admitted),
        "contract": contract,
        "trial": below(contract),
        "diploma": below(contract),
        "durable_job": below(admitted),
        "autonomous_housing": below(admitted),
    }


def test_the_nesting_names_funnel_steps_and_forms_a_tree():
    assert set(FUNNEL_NESTING) | set(FUNNEL_NESTING.values()) <= set(CODES)
    for code in CODES:
        assert len(ancestors(code)) == len(set(ancestors(code)))
        assert code == "admitted" or ancestors(code)[-1] == "admitted"


@pytest.mark.parametrize("seed", range(4))
def test_random_funnels_publish_no_small_count(seed):
    rng = random.Random(seed)  # noqa: S311 (a seeded test data set)
    for _table in range(300):
        rows = {f"S{i}": random_session(rng) for i in range(rng.randint(1, 5))}
        published, totals = suppress_table(rows, CODES, parents=FUNNEL_NESTING)
        assert audit(rows, published, totals) == [], rows


def test_the_auditor_finds_what_column_suppression_alone_leaves():
    # "12 admitted, 10 completed": 2 dropped out of S1.
    rows = {
        "S1": dict.fromkeys(CODES, 0) | {"admitted": 12, "completed": 10},
        "S2": dict.fromkeys(CODES, 0) | {"admitted": 20, "completed": 20},
    }
    published, totals = suppress_table(rows, CODES)
    assert any("admitted - completed = 2" in p for p in audit(rows, published, totals))
    published, totals = suppress_table(rows, CODES, parents=FUNNEL_NESTING)
    assert audit(rows, published, totals) == []
    assert published["S1"]["completed"] == SECONDARY
    # The column then hides a second cell: S2's completed, or the total.
    assert SECONDARY in (published["S2"]["completed"], totals["completed"])


def test_hidden_cells_adding_up_to_a_small_count_hide_one_more():
    # Two sessions of 2 contracts under a total of 24: 24 - 20 = 4 people of
    # S1 and S2 signed, a count a reader could read off the shown figures.
    rows = {
        name: dict.fromkeys(CODES, 0) | {"admitted": 20, "contract": contract}
        for name, contract in (("S1", 2), ("S2", 2), ("S3", 20))
    }
    published, totals = suppress_table(rows, CODES, parents=FUNNEL_NESTING)
    assert audit(rows, published, totals) == []
    assert (published["S1"]["contract"], published["S2"]["contract"]) == (MASK, MASK)
    assert SECONDARY in (published["S3"]["contract"], totals["contract"])


def test_a_gap_to_the_nearest_shown_ancestor_counts_not_to_the_hidden_one():
    # S1: contract 3 is hidden; trial 9 of admitted 12 would tell 3.
    row = dict.fromkeys(CODES, 0) | {"admitted": 12, "contract": 3, "trial": 0}
    rows = {"S1": row, "S2": dict.fromkeys(CODES, 0) | {"admitted": 30, "contract": 7}}
    published, totals = suppress_table(rows, CODES, parents=FUNNEL_NESTING)
    assert published["S1"]["contract"] == MASK
    assert audit(rows, published, totals) == []
    row = dict.fromkeys(CODES, 0) | {"admitted": 12, "contract": 10, "trial": 9}
    rows = {"S1": row, "S2": dict.fromkeys(CODES, 0) | {"admitted": 30, "contract": 30}}
    published, totals = suppress_table(rows, CODES, parents=FUNNEL_NESTING)
    assert audit(rows, published, totals) == []
    assert published["S1"]["contract"] == SECONDARY and published["S1"]["trial"] == SECONDARY


def test_a_hidden_cell_between_equal_figures_is_not_left_worked_out():
    # S2's contracts hidden for the column, but admitted 10 = trial 10 pins them to 10.
    rows = {
        "S1": dict.fromkeys(CODES, 0) | {"admitted": 9, "contract": 3},
        "S2": dict.fromkeys(CODES, 0) | {"admitted": 10, "contract": 10, "trial": 10},
    }
    published, totals = suppress_table(rows, CODES, parents=FUNNEL_NESTING)
    assert audit(rows, published, totals) == []
    assert published["S1"]["contract"] == MASK


def test_the_total_row_is_nested_like_the_sessions():
    # Each session alone is safe; all sessions: 14 admitted, 12 completed.
    rows = {
        "S1": dict.fromkeys(CODES, 0) | {"admitted": 7, "completed": 7},
        "S2": dict.fromkeys(CODES, 0) | {"admitted": 7, "completed": 5},
    }
    published, totals = suppress_table(rows, CODES, parents=FUNNEL_NESTING)
    assert audit(rows, published, totals) == []
    assert not isinstance(totals["completed"], int) or not isinstance(totals["admitted"], int)


def test_zeros_and_no_rows():
    rows = {"S1": dict.fromkeys(CODES, 0)}
    assert suppress_table(rows, CODES, parents=FUNNEL_NESTING) == (
        {"S1": dict.fromkeys(CODES, 0)},
        dict.fromkeys(CODES, 0),
    )
    assert suppress_table({}, CODES, parents=FUNNEL_NESTING) == ({}, {})


def test_every_small_hand_built_table_of_two_sessions_and_three_steps():
    # Exhaustive over admitted ⊇ contract ⊇ trial, 0 to 6 each, two sessions.
    triples = [(a, c, t) for a in range(7) for c in range(a + 1) for t in range(c + 1)]
    for first, second in itertools.product(triples, repeat=2):
        rows = {
            name: dict.fromkeys(CODES, 0)
            | dict(zip(("admitted", "contract", "trial"), cells, strict=True))
            for name, cells in (("S1", first), ("S2", second))
        }
        published, totals = suppress_table(rows, CODES, parents=FUNNEL_NESTING)
        assert audit(rows, published, totals) == [], rows


# --- every output publishes the same masked funnel -------------------------------------
PLANTED = [
    (901, "Session A", 12, 10, 8, 8, 0, 9, 0),
    (902, "Session B", 20, 20, 15, 9, 9, 15, 5),
]


@pytest.fixture
def planted_funnel(monkeypatch):
    """The funnel's query answers the planted rows; the other queries run."""
    from thrasos.reports import figures

    run = figures.Query.run
    monkeypatch.setattr(
        figures.Query,
        "run",
        lambda self, sql: list(PLANTED) if sql == figures.FUNNEL_SQL else run(self, sql),
    )
    rows = {(r[0], r[1]): dict(zip(CODES, r[2:], strict=True)) for r in PLANTED}
    published, totals = suppress_table(rows, CODES, parents=FUNNEL_NESTING)
    assert audit(rows, published, totals) == []
    # Session A: 12 admitted, 10 completed, 9 durable jobs:
    # the step's rest is 1 to 4 people, hidden.
    assert published[901, "Session A"]["completed"] == SECONDARY
    assert published[901, "Session A"]["durable_job"] == SECONDARY
    return (
        [[published[key][c] for c in CODES] for key in rows],
        [totals[c] for c in CODES],
    )


def _figure(value) -> str:
    return f"{value:,}".replace(",", "\u202f") if isinstance(value, int) else value


@pytest.mark.django_db
def test_pages_exports_charts_and_the_pdf_publish_the_same_masked_funnel(
    client, two_tenants, planted_funnel, monkeypatch
):
    import io
    import re

    from django.urls import reverse
    from matplotlib.axes import Axes
    from openpyxl import load_workbook

    from thrasos.accounts.models import Role
    from thrasos.reports import dashboards, figures, report
    from thrasos.reports.indicators import Period
    from thrasos.reports.models import ReportRequest

    rows, totals = planted_funnel
    widths = []
    barh = Axes.barh
    monkeypatch.setattr(
        Axes,
        "barh",
        lambda self, y, width, *a, **k: widths.append(list(width)) or barh(self, y, width, *a, **k),
    )
    a = two_tenants["a"]
    params = {"start": "2026-01-01", "end": "2026-06-30", "scope": "organisation"}
    client.force_login(a["members"][Role.MANAGER].user)
    page = client.get(reverse("home"), params).content.decode()
    # The chart draws the total row, a hidden cell as nothing.
    assert widths == [[float(v) if isinstance(v, int) else 0.0 for v in totals]]
    table = page[page.index("Entonnoir par session") :]
    for label, cells in (("Session A", rows[0]), ("Session B", rows[1])):
        row = re.search(rf"{label}</th>(.*?)</tr>", table, re.S).group(1)
        shown = [c.strip() for c in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)]
        assert shown == [str(_figure(c)).replace("< 5", "&lt; 5") for c in cells]
    for kind in ("csv", "xlsx"):
        content = client.get(reverse("reports:export", kwargs={"kind": kind}), params).content
        if kind == "csv":
            lines = [line.split(";") for line in content.decode("utf-8-sig").splitlines()]
        else:
            book = load_workbook(io.BytesIO(content))
            lines = [
                [c for c in row] for sheet in book for row in sheet.iter_rows(values_only=True)
            ]
        found = {line[0]: [str(c) for c in line[1:8]] for line in lines if line and line[0]}
        assert found["Session A"] == [str(c) for c in rows[0]]
        assert found["Session B"] == [str(c) for c in rows[1]]
        assert found["Toutes les sessions"] == [str(c) for c in totals]
    # The report: the stored figures and the PDF's table.
    published = dashboards.published_figures(
        organisation_id=a["org"].pk, scope_kind="organisation", scope_id=None,
        period=Period(datetime.date(2026, 1, 1), datetime.date(2026, 6, 30)),
        today=datetime.date(2026, 7, 15), with_charts=False,
    )  # fmt: skip
    assert [cells for _label, cells in published.funnel.rows] == rows
    assert published.funnel.total == totals
    request = ReportRequest(
        organisation_id=a["org"].pk, scope_kind="organisation", scope_label="A",
        period_start=datetime.date(2026, 1, 1), period_end=datetime.date(2026, 6, 30),
        as_of=datetime.date(2026, 7, 15),
    )  # fmt: skip
    stored = report.compute_figures(request)
    assert [cells for _label, cells in stored["funnel"]["rows"]] == rows
    assert stored["funnel"]["total"] == totals
    widths.clear()
    content, _pages = report.render(request, stored)
    assert widths == [[float(v) if isinstance(v, int) else 0.0 for v in totals]]
    from pypdf import PdfReader

    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(content)).pages)
    text = text.replace("\xa0", " ").replace("\u202f", " ")
    for label, cells in (("Session A", rows[0]), ("Session B", rows[1])):
        expected = " ".join(str(_figure(c)).replace("\u202f", " ") for c in cells)
        assert f"{label} {expected}" in text.replace("\n", " ")
    assert figures.FUNNEL_NESTING


def test_outcomes_hide_positive_a_few_below_either_of_its_parts():
    from thrasos.reports import figures

    class Planted:
        def run(self, sql):
            # At exit: 20 people, 12 durable, 15 autonomous, 10 both (2 durable
            # without housing). 6 months: 30, 20, 25, 20 (rests 10, 5, 0).
            return [(0, 20, 12, 15, 10), (6, 30, 20, 25, 20)]

    table = figures.outcomes(Planted())
    assert table.rows[0][1] == [20, 12, 15, SECONDARY]
    assert table.rows[1][1] == [30, 20, 25, 20]
    assert table.rows[2][1] == [0, 0, 0, 0]

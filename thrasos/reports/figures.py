"""The tables behind the charts and the report's sections, each one SQL
statement over the modules' tables (same scope and period placeholders as
thrasos.reports.indicators), returned masked (thrasos.reports.masking): no
function here returns a count of people that may not be published."""

# The SQL is assembled from constants only; values are query parameters.
# ruff: noqa: S608
from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.db import connection
from django.utils.translation import gettext_lazy as _

from thrasos.reports.indicators import (
    AUTONOMOUS_HOUSING,
    DURABLE_EMPLOYMENT,
    FOLLOWED,
    PARIS,
    SESSION_PLACES,
    Period,
    _during,
    _in,
    expand,
    parameters,
)
from thrasos.reports.masking import (
    SECONDARY,
    Group,
    is_small,
    mask_count,
    mask_part,
    suppress_table,
)


@dataclass(frozen=True)
class Query:
    organisation_id: int
    scope_kind: str
    scope_id: int | None
    period: Period
    today: datetime.date

    def run(self, sql: str) -> list[tuple]:
        values = parameters(
            self.organisation_id, self.scope_kind, self.scope_id, self.period, self.today
        )
        values["months_at"] = [
            datetime.datetime.combine(day + datetime.timedelta(days=1), datetime.time(), PARIS)
            for day in month_ends(self.period)
        ]
        with connection.cursor() as cursor:
            cursor.execute(expand(sql, self.scope_kind), values)
            return cursor.fetchall()


@dataclass
class Table:
    """A published table: column labels, rows (label, cells), an optional
    total row. Cells are numbers or masks; charts and the PDF read the same."""

    title: str
    columns: list[str]
    rows: list[tuple[str, list]] = field(default_factory=list)
    total: list | None = None


# --- funnel per session ------------------------------------------------------------
FUNNEL_STEPS = (
    ("admitted", _("Admitted to the session")),
    ("completed", _("Session completed")),
    ("contract", _("Contract signed")),
    ("trial", _("Trial period passed")),
    ("diploma", _("Diploma obtained")),
    ("durable_job", _("Durable job")),
    ("autonomous_housing", _("Autonomous housing")),
)
# Within a session's row, a step counts a subset of the people of another
# (FUNNEL_SQL): every step counts enrolments of the row (admitted); trial
# period passed and diploma are conditions on a contract signed since the
# session's start (the same EXISTS with one more condition). Completion,
# durable job and autonomous housing depend on no contract. A reader could
# subtract a cell from its ancestor: masking.suppress_table keeps that rest
# from being 1 to 4 people.
FUNNEL_NESTING = {
    "completed": "admitted",
    "contract": "admitted",
    "trial": "contract",
    "diploma": "contract",
    "durable_job": "admitted",
    "autonomous_housing": "admitted",
}
_DURABLE = _in(DURABLE_EMPLOYMENT)
_AUTONOMOUS = _in(AUTONOMOUS_HOUSING)
_CONTRACT_SINCE = (
    "SELECT 1 FROM placements_alternancecontract c WHERE c.organisation_id = %(org)s"
    " AND c.beneficiary_id = e.beneficiary_id AND c.signed_on >= s.start_date"
)
FUNNEL_SQL = f"""
SELECT s.id, s.name,
  count(*),
  count(*) FILTER (WHERE e.status = 'completed'),
  count(*) FILTER (WHERE EXISTS ({_CONTRACT_SINCE})),
  count(*) FILTER (WHERE EXISTS ({_CONTRACT_SINCE} AND c.trial_period_end < %(today)s
    AND (c.broken_on IS NULL OR c.broken_on > c.trial_period_end))),
  count(*) FILTER (WHERE EXISTS ({_CONTRACT_SINCE} AND c.diploma_result = 'obtained')),
  count(*) FILTER (WHERE b.exit_employment IN {_DURABLE} OR EXISTS (SELECT 1
    FROM placements_followup f WHERE f.organisation_id = %(org)s
    AND f.beneficiary_id = e.beneficiary_id AND f.employment IN {_DURABLE})),
  count(*) FILTER (WHERE b.exit_housing IN {_AUTONOMOUS} OR EXISTS (SELECT 1
    FROM placements_followup f WHERE f.organisation_id = %(org)s
    AND f.beneficiary_id = e.beneficiary_id AND f.housing IN {_AUTONOMOUS}) OR EXISTS (SELECT 1
    FROM housing_occupancy o WHERE o.organisation_id = %(org)s
    AND o.beneficiary_id = e.beneficiary_id AND o.destination IN {_AUTONOMOUS}))
FROM prep_sessions_enrolment e
JOIN prep_sessions_preparationsession s ON s.id = e.session_id
  AND s.organisation_id = e.organisation_id
JOIN beneficiaries_beneficiary b ON b.id = e.beneficiary_id
  AND b.organisation_id = e.organisation_id
WHERE e.organisation_id = %(org)s AND e.status IN {_in(SESSION_PLACES)}
  AND s.id IN ({{sessions}}) AND s.start_date <= %(end)s AND s.end_date >= %(start)s
GROUP BY s.id, s.name, s.start_date ORDER BY s.start_date, s.id
"""


def funnel(query: Query) -> Table:
    """The cohort of each session running during the period: of the people
    who took a place in it, how many reached each step (at any time since)."""
    codes = [code for code, _label in FUNNEL_STEPS]
    rows = {(r[0], r[1]): dict(zip(codes, r[2:], strict=True)) for r in query.run(FUNNEL_SQL)}
    published, totals = suppress_table(rows, codes, parents=FUNNEL_NESTING)
    return Table(
        title=str(_("Funnel per session")),
        columns=[str(label) for _code, label in FUNNEL_STEPS],
        rows=[(name, [published[(pk, name)][c] for c in codes]) for pk, name in rows],
        total=[totals[c] for c in codes] if rows else None,
    )


# --- stages over time ----------------------------------------------------------------
PIPELINE_STAGES = (
    ("referred", _("Referred")),
    ("candidate", _("Candidate")),
    ("admitted", _("Admitted")),
    ("in_session", _("In session")),
    ("seeking_contract", _("Seeking work-study")),
    ("in_contract", _("In work-study")),
)
# Each stay at a stage (from a transition to the next) enters the count on
# the last day of the month it starts in and leaves it on the last day of the
# month it ends in: its month k is the number of those days (as the midnight
# after them, %(months_at)s) it starts (ends) on or after, 0 before the
# period. The counts are the running sums of these moves: one pass over the
# transitions, in the order of their index, instead of a join of every stay
# with every month.
STAGES_SQL = """
WITH spans AS (
  SELECT t.to_state, t.at AS since,
    LEAD(t.at) OVER (PARTITION BY t.beneficiary_id ORDER BY t.at, t.id) AS until
  FROM beneficiaries_pathwaytransition t
  WHERE t.organisation_id = %(org)s AND t.beneficiary_id IN ({people})
    AND t.at < %(after_end_at)s
)
SELECT s.to_state, width_bucket(m.at, %(months_at)s::timestamptz[]), sum(m.delta)
FROM spans s CROSS JOIN LATERAL (VALUES (s.since, 1), (s.until, -1)) m(at, delta)
WHERE m.at IS NOT NULL
GROUP BY 1, 2
"""


def month_ends(period: Period) -> list[datetime.date]:
    """The last day of each month of the period (the period's last day for
    the last month)."""
    days = []
    day = period.start
    while day <= period.end:
        next_month = (day.replace(day=1) + datetime.timedelta(days=32)).replace(day=1)
        days.append(min(next_month - datetime.timedelta(days=1), period.end))
        day = next_month
    return days


def stage_counts(query: Query) -> dict[datetime.date, dict[str, int]]:
    """People at each stage on the last day of each month of the period (the
    period's last day for the last month), not masked."""
    moves: dict[int, dict[str, int]] = {}
    for state, month, delta in query.run(STAGES_SQL):
        moves.setdefault(month, {})[state] = delta
    counts = {}
    running = dict.fromkeys((code for code, _label in PIPELINE_STAGES), 0)
    for month, day in enumerate(month_ends(query.period)):
        for code in running:
            running[code] += moves.get(month, {}).get(code, 0)
        counts[day] = dict(running)
    return counts


def stages_over_time(query: Query) -> Table:
    """People at each stage of the pipeline month by month (stage_counts),
    each month a group suppressed."""
    codes = [code for code, _label in PIPELINE_STAGES]
    table = Table(
        title=str(_("People at each stage, month by month")),
        columns=[str(label) for _code, label in PIPELINE_STAGES],
    )
    for day, by_state in stage_counts(query).items():
        cells, _total = Group(by_state).published()
        table.rows.append((day.strftime("%m/%Y"), [cells[c] for c in codes]))
    return table


# --- outcomes at exit, 6 and 12 months ----------------------------------------------
OUTCOME_COLUMNS = (
    ("total", _("People")),
    ("durable", _("Durable employment")),
    ("autonomous", _("Autonomous housing")),
    ("positive", _("Positive")),
)
OUTCOMES_SQL = f"""
SELECT 0, count(*),
  count(*) FILTER (WHERE b.exit_employment IN {_DURABLE}),
  count(*) FILTER (WHERE b.exit_housing IN {_AUTONOMOUS}),
  count(*) FILTER (WHERE b.exit_employment IN {_DURABLE} AND b.exit_housing IN {_AUTONOMOUS})
FROM beneficiaries_beneficiary b
WHERE b.organisation_id = %(org)s AND b.id IN ({{people}}) AND b.state = 'exited'
  AND EXISTS (SELECT 1 FROM beneficiaries_pathwaytransition t WHERE t.organisation_id = %(org)s
    AND t.beneficiary_id = b.id AND t.to_state = 'exited'
    AND {_during("t.at")})
UNION ALL
SELECT f.months_after_exit, count(*),
  count(*) FILTER (WHERE f.employment IN {_DURABLE}),
  count(*) FILTER (WHERE f.housing IN {_AUTONOMOUS}),
  count(*) FILTER (WHERE f.employment IN {_DURABLE} AND f.housing IN {_AUTONOMOUS})
FROM placements_followup f
WHERE f.organisation_id = %(org)s AND f.beneficiary_id IN ({{people}})
  AND f.observed_on BETWEEN %(start)s AND %(end)s
GROUP BY f.months_after_exit
"""
MOMENTS = ((0, _("At exit")), (6, _("6 months after exit")), (12, _("12 months after exit")))


def outcomes(query: Query) -> Table:
    """Employment and housing at exit (exits of the period) and at 6 and 12
    months (follow-ups observed during the period). Each outcome is a part of
    the row's total: hidden when the rest is 1 to 4 (as the indicators), and
    positive (both) is also hidden when 1 to 4 below durable employment or
    autonomous housing. Rows are different people (no total to add up)."""
    found = {row[0]: row[1:] for row in query.run(OUTCOMES_SQL)}
    table = Table(
        title=str(_("Outcomes at exit, 6 and 12 months")),
        columns=[str(label) for _code, label in OUTCOME_COLUMNS],
    )
    for months, label in MOMENTS:
        total, durable, autonomous, positive = found.get(months, (0, 0, 0, 0))
        cells = [mask_count(total)]
        for count in (durable, autonomous, positive):
            cells.append(mask_part(count, total))
        # Positive is both durable employment and autonomous housing: a
        # subset of each. Shown beside one of them 1 to 4 above it, it would
        # tell the people with the one and not the other.
        for index, parent in ((1, durable), (2, autonomous)):
            shown = isinstance(cells[index], int) and isinstance(cells[3], int)
            if shown and is_small(parent - positive):
                cells[3] = SECONDARY
        table.rows.append((str(label), cells))
    return table


# --- demographics --------------------------------------------------------------------
AGE_BANDS = (
    ("18-25", _("18 to 25")),
    ("26-35", _("26 to 35")),
    ("36-45", _("36 to 45")),
    ("46+", _("46 and over")),
)
SEXES = (("F", _("Women")), ("M", _("Men")), ("X", _("Other / not stated")))
COUNTRY_GROUPS = (
    ("afghanistan", _("Afghanistan"), {"AF"}),
    ("horn", _("Horn of Africa and Sudan"), {"ER", "ET", "SO", "SD", "SS", "DJ"}),
    (
        "west_central_africa",
        _("West and Central Africa"),
        {
            "GN",
            "CI",
            "ML",
            "SN",
            "NG",
            "CM",
            "CD",
            "CG",
            "CF",
            "TD",
            "BF",
            "NE",
            "MR",
            "SL",
            "LR",
            "GM",
            "GW",
            "TG",
            "BJ",
            "GH",
        },
    ),
    ("middle_east", _("Middle East"), {"SY", "IQ", "YE", "PS", "LB", "IR", "TR", "JO"}),
    (
        "eastern_europe",
        _("Eastern Europe and Caucasus"),
        {"UA", "RU", "GE", "AM", "AZ", "BY", "MD", "AL", "XK", "RS"},
    ),
    ("other", _("Other or not stated"), set()),
)
DEMOGRAPHICS_SQL = f"""
SELECT
  CASE WHEN age < 26 THEN '18-25' WHEN age < 36 THEN '26-35' WHEN age < 46 THEN '36-45'
    ELSE '46+' END,
  sex, birth_country, count(*)
FROM (SELECT date_part('year', age(%(end)s::date, b.birth_date)) AS age, b.sex, b.birth_country
      FROM beneficiaries_beneficiary b WHERE {FOLLOWED}) people
GROUP BY 1, 2, 3
"""


def demographics(query: Query) -> list[Table]:
    """The people followed during the period by age band (on the last day),
    sex and group of countries of birth: three groups adding up to the same
    total, each suppressed."""
    ages = dict.fromkeys((c for c, _l in AGE_BANDS), 0)
    sexes = dict.fromkeys((c for c, _l in SEXES), 0)
    countries = dict.fromkeys((c for c, _l, _s in COUNTRY_GROUPS), 0)
    total = 0
    for band, sex, country, count in query.run(DEMOGRAPHICS_SQL):
        total += count
        ages[band] += count
        sexes[sex if sex in sexes else "X"] += count
        group = next((c for c, _l, codes in COUNTRY_GROUPS if country in codes), "other")
        countries[group] += count
    tables = []
    for title, labels, cells in (
        (_("Age on the last day of the period"), AGE_BANDS, ages),
        (_("Sex"), SEXES, sexes),
        (_("Country of birth"), [(c, lbl) for c, lbl, _s in COUNTRY_GROUPS], countries),
    ):
        published, shown_total = Group(cells, total=total).published()
        table = Table(title=str(title), columns=[str(_("People"))])
        table.rows = [(str(label), [published[code]]) for code, label in labels]
        table.total = [shown_total]
        tables.append(table)
    return tables

"""The home page after login, by role (SPEC §5.7, issue 15):

- caseworker: their caseload by stage and what needs them today, within
  their territories (named people: a caseworker opens these case files);
- coordinator and admin: the pipeline per territory, sessions filling and
  running, contracts in force, occupancy;
- manager: indicators and charts for a period and a scope — counts only,
  masked (thrasos.reports.masking), never a person.

Each section is one SQL statement over the modules' tables (the platform
never imports a module), so a dashboard costs a fixed number of queries."""

# The SQL is assembled from constants only; values are query parameters.
from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field

from django.db import connection
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from thrasos import permissions
from thrasos.reports import charts, figures
from thrasos.reports.indicators import BY_CODE, HEADLINE, Period, compute
from thrasos.reports.masking import mask_indicators

STATE_LABELS = dict(figures.PIPELINE_STAGES) | {
    "exited": _("Exited"),
    "not_admitted": _("Not admitted"),
    "withdrawn": _("Withdrawn"),
}
STATE_ORDER = [*(c for c, _l in figures.PIPELINE_STAGES), "exited", "not_admitted", "withdrawn"]

# --- the slot for due reminders ---------------------------------------------------
# The notifications module (SPEC §5.6) computes due reminders and stores them;
# it registers here a callable(membership) -> list[DueItem] of what is due for
# that member today, and the caseworker's dashboard lists them first. Until
# then the section says nothing is registered.
_due_reminder_sources: list[Callable] = []


def register_due_reminders(source: Callable) -> None:
    if source not in _due_reminder_sources:
        _due_reminder_sources.append(source)


@dataclass
class DueItem:
    """One thing that needs the caseworker: a label, when, a link."""

    label: str
    detail: str = ""
    on: datetime.date | None = None
    url: str = ""


@dataclass
class DueList:
    title: str
    items: list[DueItem] = field(default_factory=list)
    empty: str = ""


def _rows(sql: str, params: dict) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def _territory_filter(column: str, membership) -> tuple[str, list | None]:
    ids = permissions.territory_ids(membership)
    if ids is None:
        return "true", None
    return f"{column} = ANY(%(territories)s)", sorted(ids)


def _case_file(pk: int) -> str:
    return reverse("beneficiaries:detail", kwargs={"pk": pk})


def _name(first: str, last: str) -> str:
    return f"{first} {last}".strip()


# --- caseworker ---------------------------------------------------------------------
CASELOAD_SQL = """
SELECT b.state, count(*) FROM beneficiaries_beneficiary b
JOIN beneficiaries_beneficiaryreferent r ON r.beneficiary_id = b.id
  AND r.organisation_id = b.organisation_id
WHERE b.organisation_id = %(org)s AND r.membership_id = %(membership)s AND {territories}
GROUP BY b.state
"""
ALERTS_SQL = """
SELECT b.id, b.first_name, b.last_name, n.alert_urgency, n.occurred_on
FROM mentoring_mentoringnote n
JOIN mentoring_mentorship m ON m.id = n.mentorship_id AND m.organisation_id = n.organisation_id
JOIN beneficiaries_beneficiary b ON b.id = m.beneficiary_id
  AND b.organisation_id = m.organisation_id
WHERE n.organisation_id = %(org)s AND n.alert_urgency <> '' AND n.acknowledged_at IS NULL
  AND {territories} AND (EXISTS (SELECT 1 FROM beneficiaries_beneficiaryreferent r
    WHERE r.organisation_id = %(org)s AND r.beneficiary_id = b.id
    AND r.membership_id = %(membership)s)
  OR NOT EXISTS (SELECT 1 FROM beneficiaries_beneficiaryreferent r
    WHERE r.organisation_id = %(org)s AND r.beneficiary_id = b.id))
ORDER BY CASE n.alert_urgency WHEN 'urgent' THEN 0 WHEN 'soon' THEN 1 ELSE 2 END, n.created_at
LIMIT 20
"""
ATTENDANCE_SQL = """
SELECT a.id, a.title, a.kind, a.date, s.name,
  (SELECT count(*) FROM prep_sessions_enrolment e WHERE e.organisation_id = %(org)s
    AND e.session_id = s.id AND e.status IN ('enrolled', 'completed')
    AND (a.participant_id IS NULL OR e.beneficiary_id = a.participant_id)
    AND NOT EXISTS (SELECT 1 FROM prep_sessions_attendance at
      WHERE at.organisation_id = %(org)s AND at.activity_id = a.id AND at.enrolment_id = e.id))
FROM prep_sessions_activity a
JOIN prep_sessions_preparationsession s ON s.id = a.session_id
  AND s.organisation_id = a.organisation_id
WHERE a.organisation_id = %(org)s AND a.cancelled_at IS NULL
  AND a.date BETWEEN %(today)s - 30 AND %(today)s AND {territories}
ORDER BY a.date, a.start_time
"""
CONTRACT_DATES_SQL = """
SELECT b.id, b.first_name, b.last_name, c.trial_period_end, c.end_date
FROM placements_alternancecontract c
JOIN beneficiaries_beneficiary b ON b.id = c.beneficiary_id
  AND b.organisation_id = c.organisation_id
WHERE c.organisation_id = %(org)s AND c.status IN ('signed', 'in_progress') AND {territories}
  AND (c.trial_period_end BETWEEN %(today)s AND %(today)s + 14
       OR c.end_date BETWEEN %(today)s AND %(today)s + 60)
ORDER BY LEAST(c.trial_period_end, c.end_date)
"""
HOUSING_ENDS_SQL = """
SELECT b.id, b.first_name, b.last_name, o.planned_end_date, u.id, u.name
FROM housing_occupancy o
JOIN housing_place pl ON pl.id = o.place_id AND pl.organisation_id = o.organisation_id
JOIN housing_housingunit u ON u.id = pl.unit_id AND u.organisation_id = pl.organisation_id
JOIN beneficiaries_beneficiary b ON b.id = o.beneficiary_id
  AND b.organisation_id = o.organisation_id
WHERE o.organisation_id = %(org)s AND o.actual_end_date IS NULL AND {territories}
  AND o.planned_end_date <= %(today)s + 30
ORDER BY o.planned_end_date
"""
FOLLOW_UPS_SQL = """
SELECT b.id, b.first_name, b.last_name, f.months_after_exit, f.due_on
FROM placements_followup f
JOIN beneficiaries_beneficiary b ON b.id = f.beneficiary_id
  AND b.organisation_id = f.organisation_id
WHERE f.organisation_id = %(org)s AND f.observed_on IS NULL AND f.method = ''
  AND f.due_on <= %(today)s + 14 AND {territories}
ORDER BY f.due_on
"""


def caseworker(membership, today: datetime.date) -> dict:
    org = membership.organisation_id
    b_territories, ids = _territory_filter("b.current_territory_id", membership)
    s_territories, _ids = _territory_filter("s.territory_id", membership)
    u_territories, _ids = _territory_filter("u.territory_id", membership)
    params = {"org": org, "membership": membership.pk, "today": today, "territories": ids}
    by_state = dict(_rows(CASELOAD_SQL.format(territories=b_territories), params))
    caseload = [
        (STATE_LABELS[state], by_state[state], state) for state in STATE_ORDER if state in by_state
    ]
    alerts = DueList(str(_("Open mentor alerts")), empty=str(_("No open alert.")))
    urgency = {"urgent": _("Urgent"), "soon": _("Soon"), "to_know": _("To know")}
    for pk, first, last, level, on in _rows(ALERTS_SQL.format(territories=b_territories), params):
        alerts.items.append(
            DueItem(_name(first, last), str(urgency.get(level, level)), on, _case_file(pk))
        )
    attendance = DueList(str(_("Attendance to record")), empty=str(_("All attendance recorded.")))
    for pk, title, kind, on, session, missing in _rows(
        ATTENDANCE_SQL.format(territories=s_territories), params
    ):
        if missing:
            detail = _("%(session)s – %(count)s not recorded") % {
                "session": session,
                "count": missing,
            }
            attendance.items.append(
                DueItem(title or kind, str(detail), on,
                        reverse("sessions:attendance", kwargs={"pk": pk}))
            )  # fmt: skip
    contracts = DueList(
        str(_("Trial periods and contracts ending")), empty=str(_("Nothing ending soon."))
    )
    for pk, first, last, trial_end, end in _rows(
        CONTRACT_DATES_SQL.format(territories=b_territories), params
    ):
        if today <= trial_end <= today + datetime.timedelta(days=14):
            contracts.items.append(
                DueItem(_name(first, last), str(_("Trial period ends")), trial_end, _case_file(pk))
            )
        if today <= end <= today + datetime.timedelta(days=60):
            contracts.items.append(
                DueItem(_name(first, last), str(_("Contract ends")), end, _case_file(pk))
            )
    housing = DueList(str(_("Stays ending")), empty=str(_("No stay ends within 30 days.")))
    for _pk, first, last, planned, unit_pk, unit in _rows(
        HOUSING_ENDS_SQL.format(territories=u_territories), params
    ):
        label = _("Planned end – %(unit)s") if planned >= today else _("Overstay – %(unit)s")
        housing.items.append(
            DueItem(_name(first, last), str(label % {"unit": unit}), planned,
                    reverse("housing:unit", kwargs={"pk": unit_pk}))
        )  # fmt: skip
    follow_ups = DueList(str(_("Follow-ups due")), empty=str(_("No follow-up due.")))
    for pk, first, last, months, due in _rows(
        FOLLOW_UPS_SQL.format(territories=b_territories), params
    ):
        detail = _("%(months)s months after exit") % {"months": months}
        follow_ups.items.append(DueItem(_name(first, last), str(detail), due, _case_file(pk)))
    reminders = [item for source in _due_reminder_sources for item in source(membership)]
    return {
        "caseload": caseload,
        "caseload_total": sum(count for _l, count, _s in caseload),
        "reminders": reminders,
        "reminders_wired": bool(_due_reminder_sources),
        "due_lists": [alerts, attendance, contracts, housing, follow_ups],
    }


# --- coordinator and admin -------------------------------------------------------------
PIPELINE_SQL = """
SELECT tr.id, tr.name, b.state, count(*)
FROM beneficiaries_beneficiary b
JOIN accounts_territory tr ON tr.id = b.current_territory_id
  AND tr.organisation_id = b.organisation_id
WHERE b.organisation_id = %(org)s
GROUP BY tr.id, tr.name, b.state ORDER BY tr.name, tr.id
"""
SESSIONS_SQL = """
SELECT s.id, s.name, tr.name, s.status, s.start_date, s.end_date, s.capacity,
  count(e.id) FILTER (WHERE e.status IN ('enrolled', 'completed', 'dropped_out')),
  count(e.id) FILTER (WHERE e.status = 'waiting')
FROM prep_sessions_preparationsession s
JOIN accounts_territory tr ON tr.id = s.territory_id
  AND tr.organisation_id = s.organisation_id
LEFT JOIN prep_sessions_enrolment e ON e.session_id = s.id
  AND e.organisation_id = s.organisation_id
WHERE s.organisation_id = %(org)s AND s.status IN ('planned', 'recruiting', 'running')
GROUP BY s.id, tr.name ORDER BY s.start_date, s.id
"""
CONTRACTS_IN_FORCE_SQL = """
SELECT tr.id, count(DISTINCT c.beneficiary_id) FROM placements_alternancecontract c
JOIN beneficiaries_beneficiary b ON b.id = c.beneficiary_id
  AND b.organisation_id = c.organisation_id
JOIN accounts_territory tr ON tr.id = b.current_territory_id
  AND tr.organisation_id = b.organisation_id
WHERE c.organisation_id = %(org)s AND c.status IN ('signed', 'in_progress')
  AND c.start_date <= %(today)s AND c.end_date >= %(today)s
GROUP BY tr.id
"""
OCCUPANCY_TODAY_SQL = """
SELECT u.territory_id, count(pl.id),
  count(pl.id) FILTER (WHERE EXISTS (SELECT 1 FROM housing_occupancy o
    WHERE o.organisation_id = %(org)s AND o.place_id = pl.id AND o.start_date <= %(today)s
    AND COALESCE(o.actual_end_date, o.planned_end_date) > %(today)s))
FROM housing_place pl JOIN housing_housingunit u ON u.id = pl.unit_id
  AND u.organisation_id = pl.organisation_id
WHERE pl.organisation_id = %(org)s AND u.opened_on <= %(today)s
  AND (pl.closed_on IS NULL OR pl.closed_on > %(today)s)
  AND (u.closed_on IS NULL OR u.closed_on > %(today)s)
GROUP BY u.territory_id
"""


def coordinator(membership, today: datetime.date) -> dict:
    params = {"org": membership.organisation_id, "today": today}
    territories: dict[int, dict] = {}
    for pk, name, state, count in _rows(PIPELINE_SQL, params):
        row = territories.setdefault(pk, {"name": name, "states": {}, "total": 0})
        row["states"][state] = count
        row["total"] += count
    for pk, count in _rows(CONTRACTS_IN_FORCE_SQL, params):
        territories.setdefault(pk, {"name": "", "states": {}, "total": 0})["contracts"] = count
    for pk, places, occupied in _rows(OCCUPANCY_TODAY_SQL, params):
        row = territories.setdefault(pk, {"name": "", "states": {}, "total": 0})
        row["places"], row["occupied"] = places, occupied
    if any(not row["name"] for row in territories.values()):
        from thrasos.accounts.models import Territory

        names = dict(Territory.objects.values_list("pk", "name"))
        for pk, row in territories.items():
            row["name"] = row["name"] or names.get(pk, "")
    pipeline = [
        {
            "name": row["name"],
            "cells": [row["states"].get(state, 0) for state in STATE_ORDER],
            "total": row["total"],
            "contracts": row.get("contracts", 0),
            "places": row.get("places", 0),
            "occupied": row.get("occupied", 0),
        }
        for row in sorted(territories.values(), key=lambda r: r["name"])
    ]
    sessions = [
        {
            "url": reverse("sessions:detail", kwargs={"pk": pk}),
            "name": name,
            "territory": territory,
            "status": status,
            "start": start,
            "end": end,
            "capacity": capacity,
            "enrolled": enrolled,
            "waiting": waiting,
        }
        for pk, name, territory, status, start, end, capacity, enrolled, waiting in _rows(
            SESSIONS_SQL, params
        )
    ]
    return {
        "state_labels": [STATE_LABELS[s] for s in STATE_ORDER],
        "pipeline": pipeline,
        "sessions": sessions,
        "contracts_total": sum(row["contracts"] for row in pipeline),
        "places_total": sum(row["places"] for row in pipeline),
        "occupied_total": sum(row["occupied"] for row in pipeline),
    }


# --- manager -------------------------------------------------------------------------------
@dataclass(frozen=True)
class Figures:
    """Everything a manager's dashboard, the report and the API publish for
    a scope and a period: masked indicators and tables, and the charts."""

    indicators: dict  # code -> published value
    funnel: figures.Table
    stages: figures.Table
    outcomes: figures.Table
    demographics: list
    charts: list


def published_figures(
    *,
    organisation_id: int,
    scope_kind: str,
    scope_id: int | None,
    period: Period,
    today: datetime.date,
    with_charts: bool = True,
    with_demographics: bool = False,
) -> Figures:
    values = mask_indicators(
        compute(
            organisation_id=organisation_id,
            scope_kind=scope_kind,
            scope_id=scope_id,
            period=period,
            today=today,
        )
    )
    query = figures.Query(organisation_id, scope_kind, scope_id, period, today)
    funnel = figures.funnel(query)
    stages = figures.stages_over_time(query)
    outcomes = figures.outcomes(query)
    demographics = figures.demographics(query) if with_demographics else []
    drawn = []
    if with_charts:
        drawn = [
            charts.funnel_chart(funnel, funnel.total or [0] * len(funnel.columns)),
            charts.stages_chart(stages),
            charts.outcomes_chart(outcomes),
        ]
    return Figures(values, funnel, stages, outcomes, demographics, drawn)


def headline(values: dict) -> list[tuple]:
    return [(BY_CODE[code], values[code]) for code in HEADLINE]

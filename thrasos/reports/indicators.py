"""The programme's indicators, defined once (SPEC §5.7, issue 15).

Each indicator has a code, a French name, a definition in words (printed in
the activity report's appendix), a unit, and ONE SQL computation for a scope
(the organisation, one territory or one preparation session) and a period
(first and last day, both included). Dashboards, the PDF report, the API and
the aggregate exports all read `compute()`: no figure is computed twice.

The SQL reads the modules' tables by name: the platform never imports a module
(import-linter), and an aggregate over five modules is one statement. Every
table is filtered on `organisation_id` explicitly, and row-level security
applies underneath (the runtime role cannot bypass it). All indicators of one
scope and period are computed by one query (one scalar subquery each), so a
dashboard costs the same number of queries whatever the data.

Later modules add their indicators here, in the same form."""

# The SQL below is assembled from this module's constants only; every value
# (organisation, scope, dates) is a query parameter.
# ruff: noqa: S608
from __future__ import annotations

import datetime
import zoneinfo
from dataclasses import dataclass
from decimal import Decimal

from django.db import connection
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

# SPEC §5.7, verbatim. beneficiaries.pathway holds the same sets for the case
# file (tests/reports/test_indicators.py checks that they agree).
DURABLE_EMPLOYMENT = ("cdi", "cdd_6_plus", "temporary_6_plus", "qualifying_training")
AUTONOMOUS_HOUSING = ("social_housing", "private_rental", "sliding_lease", "social_residence")
# The pathway while the programme follows the person (SPEC §4).
ACTIVE_STATES = ("candidate", "admitted", "in_session", "seeking_contract", "in_contract")
# An enrolment that took a place in the session (not the waiting list, not
# removed before the start).
SESSION_PLACES = ("enrolled", "completed", "dropped_out")

DEFINITION_DURABLE_EMPLOYMENT = _(
    "Durable employment: a permanent contract (CDI), or a fixed-term contract or temporary "
    "work of 6 months or more, or a qualifying training."
)
DEFINITION_AUTONOMOUS_HOUSING = _(
    "Autonomous housing: a lease of one's own (social or private), a sliding lease, or a "
    "social residence / young workers' hostel (FJT)."
)
DEFINITION_POSITIVE_EXIT = _(
    "Positive exit: durable employment and autonomous housing together (as in the national "
    "AGIR programme)."
)


class Scope:
    ORGANISATION = "organisation"
    TERRITORY = "territory"
    SESSION = "session"
    KINDS = (ORGANISATION, TERRITORY, SESSION)


class Unit:
    PEOPLE = "people"  # counts of people: masked below 5
    COUNT = "count"  # counts of events that identify no one (notes, contracts in hours…)
    HOURS = "hours"
    PERCENT = "percent"

    LABELS = {
        PEOPLE: _("people"),
        COUNT: pgettext_lazy("unit of an indicator", "number"),
        HOURS: _("hours"),
        PERCENT: _("%"),
    }


@dataclass(frozen=True)
class Period:
    start: datetime.date
    end: datetime.date  # included

    def __post_init__(self):
        if self.end < self.start:
            raise ValueError("A period ends on or after its start.")


@dataclass(frozen=True)
class Indicator:
    code: str
    name: str  # French (gettext), short
    definition: str  # French (gettext), printed in the appendix
    unit: str
    section: str
    sql: str  # a scalar subquery; placeholders below
    # The people-count indicator a rate or an average is computed over: the
    # rate is masked when that base is (1 to 4 people).
    base: str | None = None
    scopes: tuple[str, ...] = Scope.KINDS
    # A rate's count of people on top (hidden when that count is).
    numerator: str | None = None
    # A count of people that is a part of another (durable exits of the
    # exits): the rest (whole - part) is a count of people too, hidden
    # below 5 by hiding the part (secondary suppression).
    part_of: str | None = None

    @property
    def masked_unit(self) -> bool:
        return self.unit == Unit.PEOPLE


class Section:
    PATHWAY = "pathway"
    SESSIONS = "sessions"
    CONTRACTS = "contracts"
    EXITS = "exits"
    HOUSING = "housing"
    MENTORING = "mentoring"

    LABELS = {
        PATHWAY: _("Pathway"),
        SESSIONS: _("Preparation sessions"),
        CONTRACTS: _("Work-study contracts"),
        EXITS: _("Exits and outcomes"),
        HOUSING: _("Housing"),
        MENTORING: _("Mentoring"),
    }


# --- SQL building blocks --------------------------------------------------------
# Placeholders, filled by _expand(): {people} the ids of the people of the
# scope, {sessions} the ids of its sessions, {places} the places of its
# housing. Parameters: %(org)s, %(scope_id)s, %(start)s, %(end)s, %(today)s.

_LOCAL = "(({col}) AT TIME ZONE 'Europe/Paris')::date"
PARIS = zoneinfo.ZoneInfo("Europe/Paris")


def _local(column: str) -> str:
    return _LOCAL.format(col=column)


def _during(column: str) -> str:
    """A timestamp on a day of the period (Paris time), as a range on the
    column itself: an index on it serves, and no row is converted."""
    return f"{column} >= %(start_at)s AND {column} < %(after_end_at)s"


def _in(values: tuple[str, ...]) -> str:
    return "(" + ", ".join(f"'{v}'" for v in values) + ")"


PEOPLE_SQL = {
    Scope.ORGANISATION: (
        "SELECT p.id FROM beneficiaries_beneficiary p WHERE p.organisation_id = %(org)s"
    ),
    Scope.TERRITORY: (
        "SELECT p.id FROM beneficiaries_beneficiary p WHERE p.organisation_id = %(org)s"
        " AND p.current_territory_id = %(scope_id)s"
    ),
    Scope.SESSION: (
        "SELECT p.beneficiary_id FROM prep_sessions_enrolment p WHERE p.organisation_id = %(org)s"
        f" AND p.session_id = %(scope_id)s AND p.status IN {_in(SESSION_PLACES)}"
    ),
}
SESSIONS_SQL = {
    Scope.ORGANISATION: (
        "SELECT s.id FROM prep_sessions_preparationsession s WHERE s.organisation_id = %(org)s"
    ),
    Scope.TERRITORY: (
        "SELECT s.id FROM prep_sessions_preparationsession s WHERE s.organisation_id = %(org)s"
        " AND s.territory_id = %(scope_id)s"
    ),
    Scope.SESSION: (
        "SELECT s.id FROM prep_sessions_preparationsession s WHERE s.organisation_id = %(org)s"
        " AND s.id = %(scope_id)s"
    ),
}
PLACES_SQL = {
    Scope.ORGANISATION: ("SELECT pl.id FROM housing_place pl WHERE pl.organisation_id = %(org)s"),
    Scope.TERRITORY: (
        "SELECT pl.id FROM housing_place pl JOIN housing_housingunit u ON u.id = pl.unit_id"
        " AND u.organisation_id = pl.organisation_id"
        " WHERE pl.organisation_id = %(org)s AND u.territory_id = %(scope_id)s"
    ),
    # Housing belongs to territories, not to sessions: the session's scope
    # counts its participants' stays instead (people_housed).
    Scope.SESSION: "SELECT NULL::bigint WHERE false",
}


def _entered(state: str) -> str:
    """People who entered a pathway stage during the period."""
    return (
        "SELECT count(DISTINCT t.beneficiary_id) FROM beneficiaries_pathwaytransition t"
        f" WHERE t.organisation_id = %(org)s AND t.to_state = '{state}'"
        f" AND {_during('t.at')}"
        " AND t.beneficiary_id IN ({people})"
    )


def _exited_with(condition: str) -> str:
    """People who exited during the period, with a condition on their exit
    situation (b.exit_employment, b.exit_housing)."""
    return (
        "SELECT count(*) FROM beneficiaries_beneficiary b WHERE b.organisation_id = %(org)s"
        " AND b.id IN ({people}) AND b.state = 'exited' AND EXISTS (SELECT 1 FROM"
        " beneficiaries_pathwaytransition t WHERE t.organisation_id = %(org)s"
        " AND t.beneficiary_id = b.id AND t.to_state = 'exited'"
        f" AND {_during('t.at')}) AND ({condition})"
    )


def _follow_up(months: int, condition: str) -> str:
    """People whose follow-up at `months` after exit was observed during the
    period, with a condition on what was observed (f.employment, f.housing)."""
    return (
        "SELECT count(DISTINCT f.beneficiary_id) FROM placements_followup f"
        f" WHERE f.organisation_id = %(org)s AND f.months_after_exit = {months}"
        " AND f.observed_on BETWEEN %(start)s AND %(end)s AND f.beneficiary_id IN ({people})"
        f" AND ({condition})"
    )


# The people of the scope followed during the period (alias b): their pathway
# was under way on at least one day of it.
FOLLOWED = (
    "b.organisation_id = %(org)s"
    " AND b.id IN ({people}) AND (EXISTS (SELECT 1 FROM beneficiaries_pathwaytransition t"
    " WHERE t.organisation_id = %(org)s AND t.beneficiary_id = b.id"
    f" AND t.to_state IN {_in(ACTIVE_STATES)}"
    f" AND {_during('t.at')})"
    " OR (SELECT t.to_state FROM beneficiaries_pathwaytransition t"
    " WHERE t.organisation_id = %(org)s AND t.beneficiary_id = b.id"
    " AND t.at < %(start_at)s ORDER BY t.at DESC, t.id DESC LIMIT 1)"
    f" IN {_in(ACTIVE_STATES)})"
)
_DURABLE = f"employment IN {_in(DURABLE_EMPLOYMENT)}"
_AUTONOMOUS = f"housing IN {_in(AUTONOMOUS_HOUSING)}"
_HOURS = "EXTRACT(EPOCH FROM (a.end_time - a.start_time)) / 3600.0"
_FLE_IN_PERIOD = (
    "a.organisation_id = %(org)s AND a.kind = 'fle' AND a.cancelled_at IS NULL"
    " AND a.date BETWEEN %(start)s AND %(end)s AND a.session_id IN ({sessions})"
)
# A contract in force on a day: started, not broken, not completed, not over.
_IN_FORCE_ON = (
    "c.start_date <= {day} AND c.end_date >= {day} AND c.status <> 'broken'"
    " AND (c.broken_on IS NULL OR c.broken_on > {day})"
    " AND (c.completed_on IS NULL OR c.completed_on > {day})"
)
_TRIAL_PASSED = (
    "c.trial_period_end < %(today)s AND (c.broken_on IS NULL OR c.broken_on > c.trial_period_end)"
)

INDICATORS: tuple[Indicator, ...] = (
    # --- pathway
    Indicator(
        "people_followed",
        _("People followed"),
        _(
            "People whose pathway was under way (from candidate to work-study) on at least one "
            "day of the period."
        ),
        Unit.PEOPLE,
        Section.PATHWAY,
        f"SELECT count(*) FROM beneficiaries_beneficiary b WHERE {FOLLOWED}",
    ),
    Indicator(
        "referred",
        _("People referred"),
        _("People referred to the programme by a partner during the period."),
        Unit.PEOPLE,
        Section.PATHWAY,
        _entered("referred"),
    ),
    Indicator(
        "admitted",
        _("People admitted"),
        _("People admitted to the programme (prerequisites checked) during the period."),
        Unit.PEOPLE,
        Section.PATHWAY,
        _entered("admitted"),
    ),
    Indicator(
        "not_admitted",
        _("People not admitted"),
        _("Candidates whose admission was refused during the period."),
        Unit.PEOPLE,
        Section.PATHWAY,
        _entered("not_admitted"),
    ),
    Indicator(
        "projects_validated",
        _("Professional projects validated"),
        _("People whose professional project was validated during the period."),
        Unit.PEOPLE,
        Section.PATHWAY,
        "SELECT count(DISTINCT pr.beneficiary_id) FROM placements_professionalproject pr"
        " WHERE pr.organisation_id = %(org)s AND pr.validated_on BETWEEN %(start)s AND %(end)s"
        " AND pr.beneficiary_id IN ({people})",
    ),
    Indicator(
        "withdrawn",
        _("Withdrawals"),
        _("People who left the programme before its end (abandon) during the period."),
        Unit.PEOPLE,
        Section.PATHWAY,
        _entered("withdrawn"),
    ),
    # --- sessions
    Indicator(
        "session_entries",
        _("Session participants"),
        _(
            "People who took a place in a preparation session running during the period "
            "(waiting list and removals before the start excluded)."
        ),
        Unit.PEOPLE,
        Section.SESSIONS,
        "SELECT count(DISTINCT e.beneficiary_id) FROM prep_sessions_enrolment e"
        " JOIN prep_sessions_preparationsession s ON s.id = e.session_id"
        " AND s.organisation_id = e.organisation_id WHERE e.organisation_id = %(org)s"
        f" AND e.status IN {_in(SESSION_PLACES)} AND e.session_id IN ({{sessions}})"
        " AND s.start_date <= %(end)s AND s.end_date >= %(start)s",
    ),
    Indicator(
        "session_completed",
        _("Sessions completed"),
        _("People who completed their preparation session during the period."),
        Unit.PEOPLE,
        Section.SESSIONS,
        "SELECT count(DISTINCT e.beneficiary_id) FROM prep_sessions_enrolment e"
        " WHERE e.organisation_id = %(org)s AND e.status = 'completed'"
        " AND e.ended_on BETWEEN %(start)s AND %(end)s AND e.session_id IN ({sessions})",
    ),
    Indicator(
        "session_dropped_out",
        _("Session drop-outs"),
        _("People who dropped out of their preparation session during the period."),
        Unit.PEOPLE,
        Section.SESSIONS,
        "SELECT count(DISTINCT e.beneficiary_id) FROM prep_sessions_enrolment e"
        " WHERE e.organisation_id = %(org)s AND e.status = 'dropped_out'"
        " AND e.ended_on BETWEEN %(start)s AND %(end)s AND e.session_id IN ({sessions})",
    ),
    Indicator(
        "fle_hours_scheduled",
        _("FLE hours planned"),
        _(
            "Hours of professional French (FLE) in the sessions' timetables during the period "
            "(cancelled activities excluded)."
        ),
        Unit.HOURS,
        Section.SESSIONS,
        f"SELECT COALESCE(sum({_HOURS}), 0) FROM prep_sessions_activity a WHERE {_FLE_IN_PERIOD}",
    ),
    Indicator(
        "fle_hours_held",
        _("FLE hours held"),
        _(
            "Hours of professional French (FLE) of the period that took place: activities "
            "whose attendance was recorded."
        ),
        Unit.HOURS,
        Section.SESSIONS,
        f"SELECT COALESCE(sum({_HOURS}), 0) FROM prep_sessions_activity a WHERE {_FLE_IN_PERIOD}"
        " AND EXISTS (SELECT 1 FROM prep_sessions_attendance at"
        " WHERE at.organisation_id = %(org)s AND at.activity_id = a.id)",
    ),
    Indicator(
        "fle_hours_per_participant",
        _("FLE hours attended per participant"),
        _(
            "Hours of FLE attended (present or late) during the period, averaged over the "
            "participants with at least one FLE attendance recorded."
        ),
        Unit.HOURS,
        Section.SESSIONS,
        f"SELECT round((sum({_HOURS}) FILTER (WHERE at.status IN ('present', 'late'))"
        " / NULLIF(count(DISTINCT e.beneficiary_id), 0))::numeric, 1)"
        " FROM prep_sessions_attendance at JOIN prep_sessions_activity a ON a.id = at.activity_id"
        " AND a.organisation_id = at.organisation_id JOIN prep_sessions_enrolment e"
        " ON e.id = at.enrolment_id AND e.organisation_id = at.organisation_id"
        f" WHERE at.organisation_id = %(org)s AND {_FLE_IN_PERIOD}",
        base="fle_participants",
    ),
    Indicator(
        "fle_participants",
        _("FLE participants"),
        _("People with at least one FLE attendance recorded during the period."),
        Unit.PEOPLE,
        Section.SESSIONS,
        "SELECT count(DISTINCT e.beneficiary_id) FROM prep_sessions_attendance at"
        " JOIN prep_sessions_activity a ON a.id = at.activity_id"
        " AND a.organisation_id = at.organisation_id JOIN prep_sessions_enrolment e"
        " ON e.id = at.enrolment_id AND e.organisation_id = at.organisation_id"
        f" WHERE at.organisation_id = %(org)s AND {_FLE_IN_PERIOD}",
    ),
    Indicator(
        "attendance_rate",
        _("Attendance rate"),
        _(
            "Share of the attendance records of the period's activities (every kind) marked "
            "present or late."
        ),
        Unit.PERCENT,
        Section.SESSIONS,
        "SELECT round(100.0 * count(*) FILTER (WHERE at.status IN ('present', 'late'))"
        " / NULLIF(count(*), 0), 1) FROM prep_sessions_attendance at"
        " JOIN prep_sessions_activity a ON a.id = at.activity_id"
        " AND a.organisation_id = at.organisation_id WHERE at.organisation_id = %(org)s"
        " AND a.cancelled_at IS NULL AND a.date BETWEEN %(start)s AND %(end)s"
        " AND a.session_id IN ({sessions})",
        base="attending_people",
    ),
    Indicator(
        "attending_people",
        _("Participants with attendance recorded"),
        _("People with at least one attendance recorded (any activity) during the period."),
        Unit.PEOPLE,
        Section.SESSIONS,
        "SELECT count(DISTINCT e.beneficiary_id) FROM prep_sessions_attendance at"
        " JOIN prep_sessions_activity a ON a.id = at.activity_id"
        " AND a.organisation_id = at.organisation_id JOIN prep_sessions_enrolment e"
        " ON e.id = at.enrolment_id AND e.organisation_id = at.organisation_id"
        " WHERE at.organisation_id = %(org)s AND a.cancelled_at IS NULL"
        " AND a.date BETWEEN %(start)s AND %(end)s AND a.session_id IN ({sessions})",
    ),
    # --- contracts
    Indicator(
        "contracts_signed",
        _("Contracts signed"),
        _("People who signed a work-study contract during the period."),
        Unit.PEOPLE,
        Section.CONTRACTS,
        "SELECT count(DISTINCT c.beneficiary_id) FROM placements_alternancecontract c"
        " WHERE c.organisation_id = %(org)s AND c.signed_on BETWEEN %(start)s AND %(end)s"
        " AND c.beneficiary_id IN ({people})",
    ),
    Indicator(
        "trial_periods_passed",
        _("Trial periods passed"),
        _(
            "People whose contract's trial period ended during the period (and before today) "
            "without the contract being broken."
        ),
        Unit.PEOPLE,
        Section.CONTRACTS,
        "SELECT count(DISTINCT c.beneficiary_id) FROM placements_alternancecontract c"
        " WHERE c.organisation_id = %(org)s AND c.trial_period_end BETWEEN %(start)s AND %(end)s"
        f" AND {_TRIAL_PASSED} AND c.beneficiary_id IN ({{people}})",
    ),
    Indicator(
        "contracts_broken",
        _("Contract breaks"),
        _("People whose work-study contract was broken (by either party) during the period."),
        Unit.PEOPLE,
        Section.CONTRACTS,
        "SELECT count(DISTINCT c.beneficiary_id) FROM placements_alternancecontract c"
        " WHERE c.organisation_id = %(org)s AND c.broken_on BETWEEN %(start)s AND %(end)s"
        " AND c.beneficiary_id IN ({people})",
    ),
    Indicator(
        "contracts_in_force",
        _("Contracts in force at the end of the period"),
        _(
            "People with a work-study contract started, neither broken nor completed, on the "
            "last day of the period (or today if the period is not over)."
        ),
        Unit.PEOPLE,
        Section.CONTRACTS,
        "SELECT count(DISTINCT c.beneficiary_id) FROM placements_alternancecontract c"
        " WHERE c.organisation_id = %(org)s AND "
        + _IN_FORCE_ON.format(day="LEAST(%(end)s, %(today)s)")
        + " AND c.beneficiary_id IN ({people})",
    ),
    Indicator(
        "diplomas_obtained",
        _("Diplomas obtained"),
        _(
            "People who obtained the diploma prepared in their contract, with the exam (or the "
            "end of the contract) during the period."
        ),
        Unit.PEOPLE,
        Section.CONTRACTS,
        "SELECT count(DISTINCT c.beneficiary_id) FROM placements_alternancecontract c"
        " WHERE c.organisation_id = %(org)s AND c.diploma_result = 'obtained'"
        " AND COALESCE(c.exam_date, c.completed_on, c.end_date) BETWEEN %(start)s AND %(end)s"
        " AND c.beneficiary_id IN ({people})",
    ),
    # --- exits and outcomes
    Indicator(
        "exits",
        _("Exits"),
        _("People who left the programme at the end of their pathway during the period."),
        Unit.PEOPLE,
        Section.EXITS,
        _exited_with("true"),
    ),
    Indicator(
        "exits_durable_employment",
        _("Exits to durable employment"),
        DEFINITION_DURABLE_EMPLOYMENT,
        Unit.PEOPLE,
        Section.EXITS,
        _exited_with("b.exit_" + _DURABLE),
        part_of="exits",
    ),
    Indicator(
        "exits_autonomous_housing",
        _("Exits to autonomous housing"),
        DEFINITION_AUTONOMOUS_HOUSING,
        Unit.PEOPLE,
        Section.EXITS,
        _exited_with("b.exit_" + _AUTONOMOUS),
        part_of="exits",
    ),
    Indicator(
        "positive_exits",
        _("Positive exits"),
        DEFINITION_POSITIVE_EXIT,
        Unit.PEOPLE,
        Section.EXITS,
        _exited_with(f"b.exit_{_DURABLE} AND b.exit_{_AUTONOMOUS}"),
        part_of="exits",
    ),
    Indicator(
        "positive_exit_rate",
        _("Positive exit rate"),
        _("Positive exits as a share of the exits of the period."),
        Unit.PERCENT,
        Section.EXITS,
        "SELECT round(100.0 * count(*) FILTER (WHERE b.exit_"
        + _DURABLE
        + " AND b.exit_"
        + _AUTONOMOUS
        + ") / NULLIF(count(*), 0), 1) FROM beneficiaries_beneficiary b"
        " WHERE b.organisation_id = %(org)s AND b.id IN ({people}) AND b.state = 'exited'"
        " AND EXISTS (SELECT 1 FROM beneficiaries_pathwaytransition t"
        " WHERE t.organisation_id = %(org)s AND t.beneficiary_id = b.id"
        f" AND t.to_state = 'exited' AND {_during('t.at')})",
        base="exits",
        numerator="positive_exits",
    ),
    Indicator(
        "follow_ups_6",
        _("Follow-ups at 6 months"),
        _("People whose situation 6 months after exit was observed during the period."),
        Unit.PEOPLE,
        Section.EXITS,
        _follow_up(6, "f.observed_on IS NOT NULL"),
    ),
    Indicator(
        "durable_employment_6",
        _("Durable employment at 6 months"),
        _(
            "Of the follow-ups at 6 months observed during the period, the people in durable "
            "employment (definition above)."
        ),
        Unit.PEOPLE,
        Section.EXITS,
        _follow_up(6, "f." + _DURABLE),
        part_of="follow_ups_6",
    ),
    Indicator(
        "positive_6",
        _("Positive situation at 6 months"),
        _(
            "Of the follow-ups at 6 months observed during the period, the people in durable "
            "employment and autonomous housing."
        ),
        Unit.PEOPLE,
        Section.EXITS,
        _follow_up(6, f"f.{_DURABLE} AND f.{_AUTONOMOUS}"),
        part_of="follow_ups_6",
    ),
    Indicator(
        "follow_ups_12",
        _("Follow-ups at 12 months"),
        _("People whose situation 12 months after exit was observed during the period."),
        Unit.PEOPLE,
        Section.EXITS,
        _follow_up(12, "f.observed_on IS NOT NULL"),
    ),
    Indicator(
        "durable_employment_12",
        _("Durable employment at 12 months"),
        _(
            "Of the follow-ups at 12 months observed during the period, the people in durable "
            "employment."
        ),
        Unit.PEOPLE,
        Section.EXITS,
        _follow_up(12, "f." + _DURABLE),
        part_of="follow_ups_12",
    ),
    Indicator(
        "positive_12",
        _("Positive situation at 12 months"),
        _(
            "Of the follow-ups at 12 months observed during the period, the people in durable "
            "employment and autonomous housing."
        ),
        Unit.PEOPLE,
        Section.EXITS,
        _follow_up(12, f"f.{_DURABLE} AND f.{_AUTONOMOUS}"),
        part_of="follow_ups_12",
    ),
    # --- housing
    Indicator(
        "people_housed",
        _("People housed"),
        _("People who stayed in the programme's housing on at least one night of the period."),
        Unit.PEOPLE,
        Section.HOUSING,
        "SELECT count(DISTINCT o.beneficiary_id) FROM housing_occupancy o"
        " WHERE o.organisation_id = %(org)s AND o.start_date <= %(end)s"
        " AND COALESCE(o.actual_end_date, o.planned_end_date) > %(start)s"
        " AND (o.place_id IN ({places}) OR (%(scope_kind)s = 'session'"
        " AND o.beneficiary_id IN ({people})))",
    ),
    Indicator(
        "occupancy_rate",
        _("Occupancy rate"),
        _(
            "Nights occupied in the programme's places over the nights the places were open "
            "(unit available, place not closed) during the period."
        ),
        Unit.PERCENT,
        Section.HOUSING,
        "SELECT round(100.0 * (SELECT COALESCE(sum(GREATEST(0,"
        " LEAST(COALESCE(o.actual_end_date, o.planned_end_date), %(end)s + 1)"
        " - GREATEST(o.start_date, %(start)s))), 0) FROM housing_occupancy o"
        " WHERE o.organisation_id = %(org)s AND o.place_id IN ({places}))"
        " / NULLIF(sum(GREATEST(0, LEAST(%(end)s + 1, COALESCE(pl.closed_on, %(end)s + 1),"
        " COALESCE(u.closed_on, %(end)s + 1)) - GREATEST(%(start)s, u.opened_on))), 0), 1)"
        " FROM housing_place pl JOIN housing_housingunit u ON u.id = pl.unit_id"
        " AND u.organisation_id = pl.organisation_id"
        " WHERE pl.organisation_id = %(org)s AND pl.id IN ({places})",
        scopes=(Scope.ORGANISATION, Scope.TERRITORY),
    ),
    Indicator(
        "housing_exits_autonomous",
        _("Housing exits to autonomous housing"),
        _(
            "People who left the programme's housing during the period for autonomous housing "
            "(definition above)."
        ),
        Unit.PEOPLE,
        Section.HOUSING,
        "SELECT count(DISTINCT o.beneficiary_id) FROM housing_occupancy o"
        " WHERE o.organisation_id = %(org)s AND o.actual_end_date BETWEEN %(start)s AND %(end)s"
        f" AND o.destination IN {_in(AUTONOMOUS_HOUSING)}"
        " AND (o.place_id IN ({places}) OR (%(scope_kind)s = 'session'"
        " AND o.beneficiary_id IN ({people})))",
    ),
    # --- mentoring
    Indicator(
        "people_mentored",
        _("People mentored"),
        _("People with a volunteer mentor on at least one day of the period."),
        Unit.PEOPLE,
        Section.MENTORING,
        "SELECT count(DISTINCT m.beneficiary_id) FROM mentoring_mentorship m"
        " WHERE m.organisation_id = %(org)s AND m.started_on <= %(end)s"
        " AND (m.ended_on IS NULL OR m.ended_on >= %(start)s) AND m.beneficiary_id IN ({people})",
    ),
    Indicator(
        "mentoring_notes",
        _("Mentoring reports"),
        _("Meetings, calls, outings and help with procedures reported by mentors."),
        Unit.COUNT,
        Section.MENTORING,
        "SELECT count(*) FROM mentoring_mentoringnote n JOIN mentoring_mentorship m"
        " ON m.id = n.mentorship_id AND m.organisation_id = n.organisation_id"
        " WHERE n.organisation_id = %(org)s AND n.occurred_on BETWEEN %(start)s AND %(end)s"
        " AND m.beneficiary_id IN ({people})",
    ),
    Indicator(
        "mentoring_hours",
        _("Mentoring hours"),
        _("Time spent by mentors with their mentees, as reported."),
        Unit.HOURS,
        Section.MENTORING,
        "SELECT round(COALESCE(sum(n.duration_minutes), 0) / 60.0, 1)"
        " FROM mentoring_mentoringnote n JOIN mentoring_mentorship m"
        " ON m.id = n.mentorship_id AND m.organisation_id = n.organisation_id"
        " WHERE n.organisation_id = %(org)s AND n.occurred_on BETWEEN %(start)s AND %(end)s"
        " AND m.beneficiary_id IN ({people})",
    ),
    Indicator(
        "mentoring_alerts",
        _("Mentor alerts"),
        _("Alerts raised by mentors for the caseworker during the period."),
        Unit.COUNT,
        Section.MENTORING,
        "SELECT count(*) FROM mentoring_mentoringnote n JOIN mentoring_mentorship m"
        " ON m.id = n.mentorship_id AND m.organisation_id = n.organisation_id"
        " WHERE n.organisation_id = %(org)s AND n.alert_urgency <> ''"
        f" AND {_during('n.created_at')}"
        " AND m.beneficiary_id IN ({people})",
    ),
)

BY_CODE: dict[str, Indicator] = {i.code: i for i in INDICATORS}
# The figures a funder reads first (dashboard cards, the report's first page).
HEADLINE = (
    "people_followed",
    "admitted",
    "contracts_signed",
    "trial_periods_passed",
    "diplomas_obtained",
    "exits",
    "positive_exits",
    "positive_exit_rate",
    "occupancy_rate",
    "people_mentored",
)


def expand(sql: str, scope_kind: str) -> str:
    return sql.format(
        people=PEOPLE_SQL[scope_kind],
        sessions=SESSIONS_SQL[scope_kind],
        places=PLACES_SQL[scope_kind],
    )


def parameters(
    organisation_id: int,
    scope_kind: str,
    scope_id: int | None,
    period: Period,
    today: datetime.date,
) -> dict:
    return {
        "org": organisation_id,
        "scope_kind": scope_kind,
        "scope_id": scope_id,
        "start": period.start,
        "end": period.end,
        # Midnight in Paris opening the period's first day and the day after its last.
        "start_at": datetime.datetime.combine(period.start, datetime.time(), tzinfo=PARIS),
        "after_end_at": datetime.datetime.combine(
            period.end + datetime.timedelta(days=1), datetime.time(), tzinfo=PARIS
        ),
        "today": today,
    }


def compute(
    *,
    organisation_id: int,
    scope_kind: str,
    scope_id: int | None,
    period: Period,
    today: datetime.date,
    codes: tuple[str, ...] | None = None,
) -> dict[str, Decimal | int | None]:
    """The raw (unmasked) value of each indicator for a scope and a period, in
    one query. None: not applicable to this scope, or no base (a rate of
    nothing). Callers show figures through thrasos.reports.masking."""
    if scope_kind not in Scope.KINDS:
        raise ValueError(f"unknown scope {scope_kind!r}")
    if (scope_kind == Scope.ORGANISATION) != (scope_id is None):
        raise ValueError("a territory or session scope names its id; the organisation does not")
    chosen = [BY_CODE[c] for c in codes] if codes else list(INDICATORS)
    applicable = [i for i in chosen if scope_kind in i.scopes]
    values: dict[str, Decimal | int | None] = {i.code: None for i in chosen}
    if not applicable:
        return values
    columns = ", ".join(f"({expand(i.sql, scope_kind)}) AS {i.code}" for i in applicable)
    with connection.cursor() as cursor:
        # The statement is large and its estimated cost high: PostgreSQL's JIT
        # then spends seconds compiling it (8.9 s against 0.5 s measured at
        # 80,000 case files). Off for this transaction only.
        cursor.execute("SET LOCAL jit = off")
        cursor.execute(
            f"SELECT {columns}",
            parameters(organisation_id, scope_kind, scope_id, period, today),
        )
        row = cursor.fetchone()
    for indicator, value in zip(applicable, row, strict=True):
        if isinstance(value, Decimal) and indicator.unit != Unit.PERCENT:
            value = value.quantize(Decimal("0.1"))
        values[indicator.code] = value
    return values

"""Reminders of the preparation sessions (thrasos.notifications.registry),
sent to the coordinators, and the daily automatic start of sessions on their
start date for organisations that chose it."""

import datetime
import logging

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from sessions.models import Activity, Attendance, Enrolment, PreparationSession
from thrasos.notifications import services as notification_services
from thrasos.notifications.recipients import coordinators
from thrasos.notifications.registry import (
    DailyJob,
    Option,
    ReminderKind,
    link_sql,
    register_daily_job,
    register_kind,
    register_option,
    stages,
)
from thrasos.tenancy import tenant_context

logger = logging.getLogger(__name__)

SESSION = PreparationSession._meta.db_table
ACTIVITY = Activity._meta.db_table
ATTENDANCE = Attendance._meta.db_table
ENROLMENT = Enrolment._meta.db_table
NOT_STARTED = "s.status IN ('planned', 'recruiting')"
TO_COORDINATORS = f"CROSS JOIN LATERAL ({coordinators()}) AS rcpt(recipient_id)"
# How far back a missed reminder is still worth sending.
CATCH_UP_DAYS = 7

STARTING_DUE, STARTING_WHERE = stages("s.start_date", [7])

SESSION_STARTING = ReminderKind(
    code="sessions.session_starting",
    label=_("Session starting"),
    title=_("%(subject)s starts on %(date)s"),
    email_title=_("A preparation session starts in a few days"),
    select=f"""
        SELECT rcpt.recipient_id, s.id AS object_id, {STARTING_DUE} AS due_on,
               s.start_date AS event_on, s.name AS subject,
               {link_sql("sessions:detail", "s.id")} AS link
        FROM {SESSION} s {TO_COORDINATORS}
        WHERE s.organisation_id = %(organisation_id)s AND {NOT_STARTED} AND {STARTING_WHERE}
    """,
)

SESSION_NOT_STARTED = ReminderKind(
    code="sessions.session_not_started",
    label=_("Session not started on its start date"),
    title=_("%(subject)s should have started on %(date)s: it is still not started"),
    email_title=_("A preparation session has reached its start date but is not started"),
    select=f"""
        SELECT rcpt.recipient_id, s.id AS object_id, s.start_date AS due_on,
               s.start_date AS event_on, s.name AS subject,
               {link_sql("sessions:detail", "s.id")} AS link
        FROM {SESSION} s {TO_COORDINATORS}
        WHERE s.organisation_id = %(organisation_id)s AND {NOT_STARTED}
          AND s.start_date BETWEEN %(today)s::date - 30 AND %(today)s::date
    """,
)

ATTENDANCE_MISSING = ReminderKind(
    code="sessions.attendance_missing",
    label=_("Attendance not recorded"),
    title=_("%(subject)s: attendance of %(date)s not recorded"),
    email_title=_("The attendance of an activity has not been recorded"),
    # The day after the activity, for a running session's activity that
    # was not cancelled, had participants, and has no attendance at all.
    select=f"""
        SELECT rcpt.recipient_id, a.id AS object_id, a.date + 1 AS due_on,
               a.date AS event_on, s.name AS subject,
               {link_sql("sessions:attendance", "a.id")} AS link
        FROM {ACTIVITY} a
        JOIN {SESSION} s ON s.id = a.session_id AND s.organisation_id = %(organisation_id)s
        {TO_COORDINATORS}
        WHERE a.organisation_id = %(organisation_id)s AND s.status = 'running'
          AND a.cancelled_at IS NULL
          AND a.date BETWEEN %(today)s::date - {CATCH_UP_DAYS} AND %(today)s::date - 1
          AND NOT EXISTS (SELECT 1 FROM {ATTENDANCE} t
                          WHERE t.organisation_id = %(organisation_id)s AND t.activity_id = a.id)
          AND EXISTS (SELECT 1 FROM {ENROLMENT} e
                      WHERE e.organisation_id = %(organisation_id)s AND e.session_id = s.id
                        AND e.status IN ('enrolled', 'completed', 'dropped_out'))
    """,
)

START_OPTION = Option(
    key="sessions.start_on_start_date",
    label=_("Start preparation sessions automatically on their start date"),
    help_text=_(
        "Every morning, sessions whose start date has come are started (their participants "
        "move to “in session”), in the name of the person who turned this on. A session that "
        "cannot start (a participant no longer admitted) stays planned and the coordinators "
        "are told."
    ),
)


def start_due_sessions(*, organisation_id: int, today: datetime.date | None = None) -> int:
    """Start the sessions whose start date has come (the last week, in case
    a morning was missed), one transaction each, through session_start."""
    from sessions.services import session_start

    today = today or timezone.localdate()
    with tenant_context(organisation_id):
        actor = notification_services.option_actor(START_OPTION.key)
        if actor is None:
            return 0
        due = list(
            PreparationSession.objects.filter(
                status__in=[
                    PreparationSession.Status.PLANNED,
                    PreparationSession.Status.RECRUITING,
                ],
                start_date__lte=today,
                start_date__gte=today - datetime.timedelta(days=CATCH_UP_DAYS),
            ).values_list("pk", flat=True)
        )
    started = 0
    for pk in due:
        try:
            with tenant_context(organisation_id):
                session = PreparationSession.objects.get(pk=pk)
                session_start(actor=actor, session=session, on=session.start_date)
        except ValidationError as error:
            logger.warning("session %s not started automatically: %s", pk, error.messages)
        else:
            started += 1
    return started


def register() -> None:
    register_kind(SESSION_STARTING)
    register_kind(SESSION_NOT_STARTED)
    register_kind(ATTENDANCE_MISSING)
    register_option(START_OPTION)
    register_daily_job(DailyJob("sessions.start_on_start_date", start_due_sessions))

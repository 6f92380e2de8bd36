"""Reminders of work-study contracts and of the follow-ups after exit
(thrasos.notifications.registry), sent to the person's referents, else the
caseworkers of their territory."""

from django.utils.translation import gettext_lazy as _

from beneficiaries.models import Beneficiary
from beneficiaries.reminders import OPEN_CASE, PERSON_LABEL, to_person
from placements.models import AlternanceContract, FollowUp
from sessions.models import Enrolment
from thrasos.notifications.registry import ReminderKind, link_sql, register_kind, stages

B = Beneficiary._meta.db_table
CONTRACT = AlternanceContract._meta.db_table
FOLLOW_UP = FollowUp._meta.db_table
ENROLMENT = Enrolment._meta.db_table
LIVE_CONTRACT = "c.status IN ('signed', 'in_progress')"
CASE_FILE_LINK = link_sql("beneficiaries:detail", "b.id")
# Eight weeks after the session without a contract.
NO_CONTRACT_WEEKS = 8

TRIAL_DUE, TRIAL_WHERE = stages("c.trial_period_end", [7])
END_DUE, END_WHERE = stages("c.end_date", [60, 30])
EXAM_DUE, EXAM_WHERE = stages("c.exam_date", [14])


def _contract_select(due: str, event: str, where: str) -> str:
    return f"""
        SELECT rcpt.recipient_id, c.id AS object_id, {due} AS due_on, {event} AS event_on,
               {PERSON_LABEL} AS subject, {CASE_FILE_LINK} AS link
        FROM {CONTRACT} c
        JOIN {B} b ON b.id = c.beneficiary_id AND b.organisation_id = %(organisation_id)s
        {to_person()}
        WHERE c.organisation_id = %(organisation_id)s AND {OPEN_CASE} AND {where}
    """


TRIAL_PERIOD_ENDING = ReminderKind(
    code="placements.trial_period_ending",
    label=_("Trial period ending"),
    title=_("%(subject)s: the trial period ends on %(date)s"),
    email_title=_("The trial period of a work-study contract ends in a few days"),
    select=_contract_select(TRIAL_DUE, "c.trial_period_end", f"{LIVE_CONTRACT} AND {TRIAL_WHERE}"),
)

CONTRACT_ENDING = ReminderKind(
    code="placements.contract_ending",
    label=_("Contract ending"),
    title=_("%(subject)s: the work-study contract ends on %(date)s"),
    email_title=_("A work-study contract ends soon"),
    select=_contract_select(END_DUE, "c.end_date", f"{LIVE_CONTRACT} AND {END_WHERE}"),
)

EXAM_COMING = ReminderKind(
    code="placements.exam_coming",
    label=_("Exam coming"),
    title=_("%(subject)s: exam on %(date)s"),
    email_title=_("An exam of a work-study contract is in two weeks"),
    select=_contract_select(
        EXAM_DUE,
        "c.exam_date",
        f"c.status <> 'broken' AND c.diploma_result = 'pending' AND {EXAM_WHERE}",
    ),
)

FOLLOW_UP_DUE = ReminderKind(
    code="placements.follow_up_due",
    label=_("Follow-up after exit due"),
    title=_("%(subject)s: follow-up after exit due on %(date)s"),
    email_title=_("A follow-up after exit (6 or 12 months) is due"),
    # A week before the due date, until a month after it while not recorded;
    # the person has exited by definition (no OPEN_CASE here).
    select=f"""
        SELECT rcpt.recipient_id, f.id AS object_id, f.due_on - 7 AS due_on,
               f.due_on AS event_on, {PERSON_LABEL} AS subject, {CASE_FILE_LINK} AS link
        FROM {FOLLOW_UP} f
        JOIN {B} b ON b.id = f.beneficiary_id AND b.organisation_id = %(organisation_id)s
        {to_person()}
        WHERE f.organisation_id = %(organisation_id)s AND f.observed_on IS NULL
          AND f.due_on BETWEEN %(today)s::date - 30 AND %(today)s::date + 7
    """,
)

NO_CONTRACT_AFTER_SESSION = ReminderKind(
    code="placements.no_contract_after_session",
    label=_("No contract after the session"),
    title=_("%(subject)s: no work-study contract eight weeks after the session (ended %(date)s)"),
    email_title=_("A person has no work-study contract eight weeks after their session"),
    # Still seeking a contract (the pathway says so), without a contract
    # signed or running; until a month after the date in case of a missed day.
    select=f"""
        SELECT rcpt.recipient_id, e.id AS object_id, e.ended_on + {NO_CONTRACT_WEEKS * 7} AS due_on,
               e.ended_on AS event_on, {PERSON_LABEL} AS subject, {CASE_FILE_LINK} AS link
        FROM {ENROLMENT} e
        JOIN {B} b ON b.id = e.beneficiary_id AND b.organisation_id = %(organisation_id)s
        {to_person()}
        WHERE e.organisation_id = %(organisation_id)s AND e.status = 'completed'
          AND e.ended_on + {NO_CONTRACT_WEEKS * 7}
              BETWEEN %(today)s::date - 30 AND %(today)s::date
          AND b.state = 'seeking_contract'
          AND NOT EXISTS (SELECT 1 FROM {CONTRACT} c
                          WHERE c.organisation_id = %(organisation_id)s
                            AND c.beneficiary_id = b.id AND {LIVE_CONTRACT})
    """,
)


def register() -> None:
    for kind in (
        TRIAL_PERIOD_ENDING,
        CONTRACT_ENDING,
        EXAM_COMING,
        FOLLOW_UP_DUE,
        NO_CONTRACT_AFTER_SESSION,
    ):
        register_kind(kind)

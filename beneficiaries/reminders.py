"""Reminders of the case files (thrasos.notifications.registry), and who
receives a reminder about a person — their referents, else the caseworkers of
their territory — for every module's kinds (`to_person`)."""

from django.utils.translation import gettext_lazy as _

from beneficiaries.models import Beneficiary, BeneficiaryReferent, Document
from beneficiaries.pathway import FINAL_STATES
from thrasos.notifications.recipients import active_members, caseworkers_by_territory
from thrasos.notifications.registry import (
    RETENTION_KIND_CODE,
    ReminderKind,
    link_sql,
    register_kind,
    stages,
)

B = Beneficiary._meta.db_table
REFERENT = BeneficiaryReferent._meta.db_table
DOCUMENT = Document._meta.db_table

# People whose pathway has ended get no reminder.
OPEN_CASE = "b.state NOT IN ({})".format(", ".join(f"'{state}'" for state in sorted(FINAL_STATES)))
PERSON_LABEL = "(upper(b.last_name) || ' ' || b.first_name)"


def to_person(beneficiary_alias: str = "b") -> str:
    """Joins giving the recipients of a reminder about a person
    (`rcpt.recipient_id`): their active referents, else (none) the active
    caseworkers of their territory. Set-based: the caseworkers of every
    territory are computed once and joined; the referents come from an index
    lookup per person."""
    b = beneficiary_alias
    return (
        "LEFT JOIN LATERAL ("
        f"SELECT array_agg(r.membership_id) AS ids FROM {REFERENT} r "
        f"WHERE r.organisation_id = %(organisation_id)s AND r.beneficiary_id = {b}.id "
        f"AND r.membership_id IN ({active_members()})) AS ref ON true "
        f"LEFT JOIN ({caseworkers_by_territory()}) AS cw "
        f"ON cw.territory_id = {b}.current_territory_id "
        "CROSS JOIN LATERAL unnest(COALESCE(ref.ids, cw.ids)) AS rcpt(recipient_id)"
    )


RESIDENCE_DUE, RESIDENCE_WHERE = stages("x.expiry", [90, 30, 7])
DOCUMENT_DUE, DOCUMENT_WHERE = stages("d.expires_on", [90, 30, 7])

RESIDENCE_EXPIRING = ReminderKind(
    code="beneficiaries.residence_expiring",
    label=_("Residence document expiring"),
    title=_("%(subject)s: residence document expires on %(date)s"),
    email_title=_("A residence document expires soon"),
    # The expiry written in the case file and that of the current residence
    # documents uploaded: the same date from both is one reminder.
    select=f"""
        SELECT rcpt.recipient_id, b.id AS object_id, {RESIDENCE_DUE} AS due_on,
               x.expiry AS event_on, {PERSON_LABEL} AS subject,
               {link_sql("beneficiaries:detail", "b.id")} AS link
        FROM (
            SELECT id AS beneficiary_id, residence_document_expiry AS expiry FROM {B}
            WHERE organisation_id = %(organisation_id)s
              AND residence_document_expiry IS NOT NULL
            UNION
            SELECT beneficiary_id, expires_on FROM {DOCUMENT}
            WHERE organisation_id = %(organisation_id)s AND kind = 'residence'
              AND replaced_by_id IS NULL AND expires_on IS NOT NULL
        ) x
        JOIN {B} b ON b.id = x.beneficiary_id AND b.organisation_id = %(organisation_id)s
        {to_person()}
        WHERE {RESIDENCE_WHERE} AND {OPEN_CASE}
    """,
)

DOCUMENT_EXPIRING = ReminderKind(
    code="beneficiaries.document_expiring",
    label=_("Document expiring"),
    title=_("%(subject)s: a document expires on %(date)s"),
    email_title=_("A document in a case file expires soon"),
    select=f"""
        SELECT rcpt.recipient_id, d.id AS object_id, {DOCUMENT_DUE} AS due_on,
               d.expires_on AS event_on, {PERSON_LABEL} AS subject,
               {link_sql("beneficiaries:detail", "b.id")} AS link
        FROM {DOCUMENT} d
        JOIN {B} b ON b.id = d.beneficiary_id AND b.organisation_id = %(organisation_id)s
        {to_person()}
        WHERE d.organisation_id = %(organisation_id)s AND d.kind <> 'residence'
          AND d.replaced_by_id IS NULL AND {DOCUMENT_WHERE} AND {OPEN_CASE}
    """,
)


def _inactive_records_select() -> str:
    """Records that become inactive (two years without activity, SPEC §5.8)
    in the next 30 days and that no reason to keep covers on that day: their
    referents, else their territory's caseworkers, are told 30 days before
    the retention task anonymises them. The last activity is the one the
    personal-data register defines (thrasos.privacy.selectors.last_activity_sql:
    one grouped scan per model, not one lookup per person), compiled from the
    ORM inside the organisation's tenant and inlined as literals."""
    from django.db import connection

    from thrasos.privacy import selectors as privacy
    from thrasos.privacy.models import Anonymisation, RetentionHold

    # Every person's last activity, set-based (one grouped scan per model).
    sql, params = privacy.last_activity_sql()
    last_activity = connection.ops.compose_sql(sql, params).replace("%", "%%")
    days = privacy.INACTIVITY.days + 1
    notice = privacy.NOTICE_DAYS
    return f"""
        SELECT rcpt.recipient_id, b.id AS object_id, la.inactive_on - {notice} AS due_on,
               la.inactive_on AS event_on, {PERSON_LABEL} AS subject,
               {link_sql("beneficiaries:detail", "b.id")} AS link
        FROM (
            SELECT x.id, (x.last_activity AT TIME ZONE 'Europe/Paris')::date + {days}
                   AS inactive_on
            FROM ({last_activity}) x
        ) la
        JOIN {B} b ON b.id = la.id AND b.organisation_id = %(organisation_id)s
        {to_person()}
        WHERE la.inactive_on > %(today)s::date
          AND la.inactive_on <= %(today)s::date + {notice}
          AND NOT EXISTS (
            SELECT 1 FROM {Anonymisation._meta.db_table} an
            WHERE an.organisation_id = %(organisation_id)s AND an.person_id = b.id
              AND an.status = '{Anonymisation.Status.DONE}')
          AND NOT EXISTS (
            SELECT 1 FROM {RetentionHold._meta.db_table} h
            WHERE h.organisation_id = %(organisation_id)s AND h.person_id = b.id
              AND h.keep_until >= la.inactive_on)
    """


RECORD_INACTIVE = ReminderKind(
    code=RETENTION_KIND_CODE,
    label=_("Record inactive for nearly two years"),
    title=_("%(subject)s: record anonymised on %(date)s unless a reason to keep it is recorded"),
    email_title=_("A case file will soon be anonymised for lack of activity"),
    select=_inactive_records_select,
)


def register() -> None:
    register_kind(RESIDENCE_EXPIRING)
    register_kind(DOCUMENT_EXPIRING)
    register_kind(RECORD_INACTIVE)

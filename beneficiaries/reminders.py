"""Reminders of the case files (thrasos.notifications.registry), and who
receives a reminder about a person — their referents, else the caseworkers of
their territory — for every module's kinds (`to_person`)."""

from django.utils.translation import gettext_lazy as _

from beneficiaries.models import Beneficiary, BeneficiaryReferent, Document
from beneficiaries.pathway import FINAL_STATES
from thrasos.notifications.recipients import active_members, caseworkers_by_territory
from thrasos.notifications.registry import ReminderKind, link_sql, register_kind, stages

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


def register() -> None:
    register_kind(RESIDENCE_EXPIRING)
    register_kind(DOCUMENT_EXPIRING)

"""Reminders of the programme's housing (thrasos.notifications.registry)."""

from django.utils.translation import gettext_lazy as _

from beneficiaries.models import Beneficiary
from beneficiaries.reminders import PERSON_LABEL, to_person
from housing.models import Occupancy, Place
from thrasos.notifications.registry import ReminderKind, link_sql, register_kind, stages

B = Beneficiary._meta.db_table
OCCUPANCY = Occupancy._meta.db_table
PLACE = Place._meta.db_table

ENDING_DUE, ENDING_WHERE = stages("o.planned_end_date", [30])

OCCUPANCY_ENDING = ReminderKind(
    code="housing.occupancy_ending",
    label=_("Housing ending"),
    title=_("%(subject)s: the stay in the programme's housing ends on %(date)s"),
    email_title=_("A stay in the programme's housing ends in a month"),
    # Occupancies not ended yet (an ended one has its actual end date).
    select=f"""
        SELECT rcpt.recipient_id, o.id AS object_id, {ENDING_DUE} AS due_on,
               o.planned_end_date AS event_on, {PERSON_LABEL} AS subject,
               {link_sql("housing:unit", "p.unit_id")} AS link
        FROM {OCCUPANCY} o
        JOIN {PLACE} p ON p.id = o.place_id AND p.organisation_id = %(organisation_id)s
        JOIN {B} b ON b.id = o.beneficiary_id AND b.organisation_id = %(organisation_id)s
        {to_person()}
        WHERE o.organisation_id = %(organisation_id)s AND o.actual_end_date IS NULL
          AND {ENDING_WHERE}
    """,
)


def register() -> None:
    register_kind(OCCUPANCY_ENDING)

"""Personal data of the preparation sessions, declared to the register
(thrasos.privacy.registry)."""

from sessions.models import Activity, ActivitySeries, Attendance, Enrolment, PreparationSession
from thrasos.permissions import Sensitivity
from thrasos.privacy.registry import clear, declare, keep

declare(
    PreparationSession,
    person=None,
    other={
        "name",
        "territory",
        "site",
        "start_date",
        "end_date",
        "capacity",
        "status",
        "training_provider",
        "planned_fle_hours",
        "created_at",
    },
)
declare(
    Enrolment,
    person="beneficiary",
    fields={
        "status": keep("Parcours dans la session ; indicateurs", Sensitivity.PATHWAY),
        "dropout_reason": keep("Indicateurs (motifs d'abandon)", Sensitivity.PATHWAY),
        "comment": clear("Suivi de la participation", Sensitivity.CASE_NOTES),
    },
    other={
        "session",
        "beneficiary",
        "waiting_position",
        "enrolled_on",
        "ended_on",
        "created_by",
        "created_at",
    },
)
declare(
    ActivitySeries,
    person=None,
    other={
        "session",
        "kind",
        "title",
        "weekdays",
        "first_date",
        "last_date",
        "start_time",
        "end_time",
        "created_by",
        "created_at",
    },
)
# An activity is about one person only when it is an individual appointment
# (its participant); its title and reason for cancelling may then name them.
declare(
    Activity,
    person="participant__beneficiary",
    fields={
        "title": clear("Objet d'un rendez-vous individuel", Sensitivity.CASE_NOTES),
        "cancel_reason": clear("Motif d'annulation d'un rendez-vous", Sensitivity.CASE_NOTES),
    },
    other={
        "session",
        "series",
        "kind",
        "date",
        "start_time",
        "end_time",
        "place",
        "facilitator",
        "partner",
        "participant",
        "cancelled_at",
    },
)
declare(
    Attendance,
    person="enrolment__beneficiary",
    fields={"status": keep("Assiduité ; heures de FLE des indicateurs", Sensitivity.PATHWAY)},
    other={"activity", "enrolment", "recorded_by", "recorded_at"},
)

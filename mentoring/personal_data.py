"""Personal data of mentoring, declared to the register
(thrasos.privacy.registry): the mentee's notes, and the volunteers' own
profile (kept while they volunteer)."""

from mentoring.models import (
    MentoringNote,
    MentoringSettings,
    Mentorship,
    Nudge,
    VolunteerProfile,
)
from thrasos.permissions import Sensitivity
from thrasos.privacy.registry import RETENTION_STAFF, clear, declare, keep

_VOLUNTEER = "Apparier un bénévole et une personne accompagnée"
declare(
    VolunteerProfile,
    person=None,
    fields={
        "availability": clear(_VOLUNTEER, Sensitivity.MENTORING),
        "languages": clear(_VOLUNTEER, Sensitivity.MENTORING),
        "skills": clear(_VOLUNTEER, Sensitivity.MENTORING),
        "charter_signed_on": keep("Engagement du bénévole (charte)", Sensitivity.MENTORING),
    },
    other={"membership", "territory", "is_active", "created_at"},
    retention=RETENTION_STAFF,
)
declare(
    Mentorship,
    person="beneficiary",
    fields={"end_comment": clear("Comprendre la fin d'un binôme", Sensitivity.MENTORING)},
    other={
        "volunteer",
        "beneficiary",
        "started_on",
        "ended_on",
        "status",
        "end_reason",
        "created_by",
        "created_at",
    },
)
_ACTIVITY = "Indicateurs de l'activité de parrainage"
declare(
    MentoringNote,
    person="mentorship__beneficiary",
    fields={
        "occurred_on": keep(_ACTIVITY),
        "duration_minutes": keep(_ACTIVITY),
        "kind": keep(_ACTIVITY),
        "topics": clear("Suivi du parrainage"),
        "summary": clear("Suivi du parrainage"),
        "alert_urgency": keep("Alerter le travailleur social"),
        "alert_reason": clear("Alerter le travailleur social"),
        "acknowledged_at": keep("Alerter le travailleur social"),
        "acknowledgement": clear("Réponse du travailleur social au bénévole"),
    },
    other={"mentorship", "author", "created_at", "updated_at", "acknowledged_by"},
)
declare(
    Nudge,
    person=None,
    fields={"message": clear("Relancer un bénévole silencieux", Sensitivity.MENTORING)},
    other={"volunteer", "author", "created_at"},
    retention=RETENTION_STAFF,
)

declare(MentoringSettings, person=None, other={"mentee_name"})

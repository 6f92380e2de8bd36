"""Personal data of placements, declared to the register
(thrasos.privacy.registry). The partner directory holds companies' data;
its contacts are people, kept while the partnership lasts."""

from placements.models import (
    AlternanceContract,
    DiplomaLevel,
    Employer,
    FollowUp,
    Opco,
    PartnerContact,
    ProfessionalProject,
    Sector,
    TrainingOrganisation,
)
from thrasos.permissions import Sensitivity
from thrasos.privacy.registry import RETENTION_PARTNER, clear, declare, keep

declare(Sector, person=None, other={"name", "position", "is_active"})
declare(DiplomaLevel, person=None, other={"level", "name"})
declare(Opco, person=None, other={"name", "is_active"})
_PARTNER = {
    "name",
    "siret",
    "address",
    "postcode",
    "city",
    "departement",
    "regions",
    "notes",
    "is_active",
    "created_at",
    "search_text",
}
declare(Employer, person=None, other=_PARTNER | {"sector", "naf_code"})
declare(TrainingOrganisation, person=None, other=_PARTNER | {"uai", "qualiopi", "qualiopi_on"})
_CONTACT = "Joindre l'interlocuteur d'un partenaire"
declare(
    PartnerContact,
    person=None,
    fields={
        "name": clear(_CONTACT, Sensitivity.CONTACT),
        "role": clear(_CONTACT, Sensitivity.CONTACT),
        "phone": clear(_CONTACT, Sensitivity.CONTACT),
        "email": clear(_CONTACT, Sensitivity.CONTACT),
    },
    other={"employer", "training_organisation"},
    retention=RETENTION_PARTNER,
)
_PROJECT = "Construire le projet professionnel ; indicateurs par secteur"
declare(
    ProfessionalProject,
    person="beneficiary",
    fields={
        **{
            name: keep(_PROJECT)
            for name in (
                "beneficiary",
                "target_job",
                "rome_code",
                "sector",
                "target_regions",
                "diploma_title",
                "rncp_code",
                "diploma_level",
                "status",
                "started_on",
                "validated_on",
                "abandoned_on",
            )
        },
        "comment": clear("Suivi du projet professionnel"),
    },
    other={"created_at"},
)
_CONTRACT = "Suivi du contrat en alternance ; indicateurs (contrats, ruptures, diplômes)"
_TUTOR = "Joindre le tuteur en entreprise"
declare(
    AlternanceContract,
    person="beneficiary",
    fields={
        **{
            name: keep(_CONTRACT)
            for name in AlternanceContract.FIELD_SENSITIVITY
            if name
            not in {
                "duration_justification",
                "work_site_justification",
                "tutor_name",
                "tutor_role",
                "tutor_contact",
                "break_reason",
            }
        },
        "duration_justification": clear("Justifier une durée hors 6 à 18 mois"),
        "work_site_justification": clear("Justifier un lieu de travail en Île-de-France"),
        "tutor_name": clear(_TUTOR),
        "tutor_role": clear(_TUTOR),
        "tutor_contact": clear(_TUTOR),
        "break_reason": clear("Comprendre une rupture de contrat"),
        "gross_monthly_pay": clear("Vérifier les conditions du contrat"),
    },
    other={"created_at"},
)
_OUTCOME = "Indicateurs de sortie à 6 et 12 mois"
declare(
    FollowUp,
    person="beneficiary",
    fields={
        **{
            name: keep(_OUTCOME)
            for name in (
                "beneficiary",
                "months_after_exit",
                "due_on",
                "observed_on",
                "method",
                "employment",
                "housing",
            )
        },
        "comment": clear("Suivi après la sortie"),
    },
    other={"recorded_by"},
)

"""The personal data of the case file, declared to the register
(thrasos.privacy.registry): purpose in French, sensitivity (from
FIELD_SENSITIVITY where the field policy already names the field) and what
anonymisation does. Found by thrasos.privacy's AppConfig."""

import datetime

from beneficiaries import extensions
from beneficiaries.models import (
    Beneficiary,
    BeneficiaryReferent,
    CaseNote,
    Document,
    LanguageAssessment,
    PathwayTransition,
    PrerequisiteCheck,
    PrerequisiteItem,
    ReferringOrganisation,
    TerritoryMove,
    search_columns,
)
from thrasos.permissions import Sensitivity
from thrasos.privacy import casefile
from thrasos.privacy.registry import (
    RETENTION_PARTNER,
    clear,
    declare,
    declare_person_model,
    keep,
    replace,
)

ANONYMOUS_LAST_NAME = "ANONYME"


def _anonymous_first_name(row) -> str:
    return f"n° {row.pk}"


def _age_band_birth_date(row) -> datetime.date:
    """The middle of the person's five-year band (1 July): ages and
    age bands of the indicators stay right within two years, the exact date
    goes."""
    year = row.birth_date.year
    return datetime.date(year - year % 5 + 2, 7, 1)


def _search_column(column: str):
    """The stored search copy of the anonymised name (and no phone): what
    Beneficiary.save() would write for it."""

    def anonymised(row) -> str:
        return search_columns(ANONYMOUS_LAST_NAME, _anonymous_first_name(row), "")[column]

    return anonymised


declare_person_model(Beneficiary)

declare(
    Beneficiary,
    person="",
    exported=False,  # the case file itself opens the export
    fields={
        "last_name": replace("Identifier la personne", lambda row: ANONYMOUS_LAST_NAME),
        "first_name": replace("Identifier la personne", _anonymous_first_name),
        "usual_name": clear("S'adresser à la personne comme elle le souhaite"),
        "phone": clear("Joindre la personne"),
        "email": clear("Joindre la personne"),
        "preferred_language": replace("Choisir la langue des messages", lambda row: "fr"),
        "languages": clear("Adapter l'accompagnement (interprétariat, appariement)"),
        "sex": keep("Statistiques anonymes demandées par les financeurs"),
        "birth_date": replace(
            "Vérifier la majorité, repérer les doublons ; tranche d'âge des indicateurs",
            _age_band_birth_date,
        ),
        "birth_country": clear("Connaître le parcours de la personne"),
        "nationality": keep("Statistiques anonymes demandées par les financeurs"),
        "protection_status": keep("Vérifier l'éligibilité au programme (BPI)"),
        "protection_decision_date": clear("Vérifier l'éligibilité au programme (BPI)"),
        "protection_reference": clear("Démarches administratives auprès de l'OFPRA/CNDA"),
        "residence_document_type": clear("Droit au séjour et au travail"),
        "residence_document_number": clear("Droit au séjour et au travail"),
        "residence_document_expiry": clear("Rappels avant l'expiration du titre de séjour"),
        "address": clear("Courriers et démarches administratives"),
        "france_travail_id": clear("Démarches avec France Travail"),
        "social_security": clear("Accès aux soins (prérequis du programme)"),
        "has_bank_account": clear("Prérequis du programme (versement du salaire)"),
        "referring_organisation": keep("Suivi des orientations par partenaire"),
        "referrer_contact": clear("Échanger avec le prescripteur"),
        "referral_date": keep("Indicateurs du parcours"),
        "referral_reason": clear("Comprendre la demande d'orientation"),
        "current_territory": keep(
            "Rattacher la personne à une équipe ; indicateurs par territoire"
        ),
        "state": keep("Étape du parcours ; indicateurs"),
        "state_changed_at": keep("Étape du parcours ; indicateurs"),
        "not_admitted_reason": keep("Indicateurs (motifs de non-admission)"),
        "withdrawal_reason": keep("Indicateurs (motifs d'abandon)"),
        "exit_employment": keep("Indicateurs de sortie (emploi durable)"),
        "exit_housing": keep("Indicateurs de sortie (logement autonome)"),
        "search_last_first": replace(
            "Recherche par nom (copie normalisée)",
            _search_column("search_last_first"),
            Sensitivity.CONTACT,
        ),
        "search_first_last": replace(
            "Recherche par nom (copie normalisée)",
            _search_column("search_first_last"),
            Sensitivity.CONTACT,
        ),
        "search_skeleton_lf": replace(
            "Recherche tolérante aux fautes (squelette du nom)",
            _search_column("search_skeleton_lf"),
            Sensitivity.CONTACT,
        ),
        "search_skeleton_fl": replace(
            "Recherche tolérante aux fautes (squelette du nom)",
            _search_column("search_skeleton_fl"),
            Sensitivity.CONTACT,
        ),
        "search_key_lf": replace(
            "Recherche tolérante aux fautes (début du squelette du nom)",
            _search_column("search_key_lf"),
            Sensitivity.CONTACT,
        ),
        "search_key_fl": replace(
            "Recherche tolérante aux fautes (début du squelette du nom)",
            _search_column("search_key_fl"),
            Sensitivity.CONTACT,
        ),
        "search_phone": replace(
            "Recherche par téléphone (copie normalisée)",
            _search_column("search_phone"),
            Sensitivity.CONTACT,
        ),
    },
    other={"created_at"},
)
declare(BeneficiaryReferent, person="beneficiary", other={"beneficiary", "membership"})
declare(
    PathwayTransition,
    person="beneficiary",
    fields={"comment": clear("Expliquer un changement d'étape", Sensitivity.CASE_NOTES)},
    other={"beneficiary", "from_state", "to_state", "at", "actor", "reason"},
    activity="at",
)
declare(
    TerritoryMove,
    person="beneficiary",
    other={"beneficiary", "from_territory", "to_territory", "moved_on", "actor", "at"},
    activity="at",
)
declare(
    CaseNote,
    person="beneficiary",
    fields={"body": clear("Suivi social et professionnel", Sensitivity.CASE_NOTES)},
    other={"beneficiary", "author", "at", "confidentiality"},
)
declare(
    PrerequisiteCheck,
    person="beneficiary",
    fields={
        "evidence": clear("Justifier un prérequis d'entrée", Sensitivity.ADMINISTRATIVE),
        "status": keep("Indicateurs d'entrée dans le programme", Sensitivity.PATHWAY),
    },
    other={"beneficiary", "item", "checked_on", "checked_by"},
)
declare(
    LanguageAssessment,
    person="beneficiary",
    fields={
        skill: keep("Niveau de français (CECRL) ; indicateurs de progression", Sensitivity.PATHWAY)
        for skill in LanguageAssessment.SKILLS
    },
    other={"beneficiary", "assessed_on", "kind", "assessor", "recorded_by", "created_at"},
)


def _document_files(document):
    return [document.file] if document.file else []


declare(
    Document,
    person="beneficiary",
    fields={
        "file": clear("Pièces justificatives du dossier", Sensitivity.DOCUMENTS),
        "original_name": clear("Pièces justificatives du dossier", Sensitivity.DOCUMENTS),
        "expires_on": clear("Rappels avant l'expiration d'une pièce", Sensitivity.DOCUMENTS),
    },
    other={
        "beneficiary",
        "kind",
        "content_type",
        "size",
        "uploaded_by",
        "uploaded_at",
        "replaced_by",
    },
    files=_document_files,
)
declare(
    ReferringOrganisation,
    person=None,
    other={"name", "kind", "city", "is_active"},
    retention=RETENTION_PARTNER,
)
declare(PrerequisiteItem, person=None, other={"label", "position", "is_active"})

extensions.register_case_file_section(
    extensions.CaseFileSection(
        template=casefile.SECTION_TEMPLATE, context=casefile.section_context, order=5
    )
)

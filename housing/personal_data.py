"""Personal data of housing, declared to the register
(thrasos.privacy.registry). Units and places are the charity's, not anyone's
personal data."""

from housing.models import HousingUnit, Occupancy, Place
from thrasos.permissions import Sensitivity
from thrasos.privacy.registry import clear, declare, keep

declare(
    HousingUnit,
    person=None,
    other={
        "territory",
        "name",
        "address",
        "postcode",
        "city",
        "departement",
        "kind",
        "landlord_kind",
        "lease_reference",
        "notes",
        "opened_on",
        "closed_on",
        "created_at",
    },
)
declare(Place, person=None, other={"unit", "label", "notes", "closed_on"})
_STAY = "Hébergement pendant la formation ; taux d'occupation"
declare(
    Occupancy,
    person="beneficiary",
    fields={
        "place": keep(_STAY, Sensitivity.ADMINISTRATIVE),
        "start_date": keep(_STAY, Sensitivity.ADMINISTRATIVE),
        "planned_end_date": keep(_STAY, Sensitivity.ADMINISTRATIVE),
        "actual_end_date": keep(_STAY, Sensitivity.ADMINISTRATIVE),
        "stay_started_on": keep(_STAY, Sensitivity.ADMINISTRATIVE),
        "early_end_reason": keep("Indicateurs (fins anticipées)", Sensitivity.ADMINISTRATIVE),
        "destination": keep("Indicateurs de sortie (logement autonome)", Sensitivity.PATHWAY),
        "short_stay_justification": clear(
            "Justifier un séjour de moins de six mois", Sensitivity.CASE_NOTES
        ),
        "early_end_justification": clear("Justifier une fin anticipée", Sensitivity.CASE_NOTES),
        "comment": clear("Suivi du logement", Sensitivity.CASE_NOTES),
    },
    other={"beneficiary", "moved_from", "created_by", "created_at"},
)

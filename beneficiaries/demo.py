"""Demo case files: realistic names (French and transliterated Arabic, Dari,
Pashto, Tigrinya, Sudanese names; accents, hyphens, apostrophes), every state
of the pathway, notes. Deterministic: the same data on every machine."""

import datetime
import random

from beneficiaries import services
from beneficiaries.models import Beneficiary, ReferringOrganisation
from beneficiaries.pathway import (
    ALLOWED,
    EmploymentOutcome,
    HousingOutcome,
    NotAdmittedReason,
    State,
    WithdrawalReason,
)
from beneficiaries.services import TransitionRequest

PEOPLE = [
    # (last name, first name, sex, nationality, languages)
    ("Abdel-Rahman", "Mohamed", "M", "SD", ["apd", "ar"]),
    ("Adam Ishag", "Abdelrahman", "M", "SD", ["apd", "ar"]),
    ("Abakar", "Hawa", "F", "SD", ["apd", "ar", "fr"]),
    ("Yagoub", "Musa", "M", "SD", ["apd"]),
    ("Osman", "Amna", "F", "SD", ["apd", "en"]),
    ("Mahamat", "Adam", "M", "TD", ["ar", "fr"]),
    ("Noori", "Ahmad Shah", "M", "AF", ["prs", "ps"]),
    ("Ahmadzai", "Mariam", "F", "AF", ["ps", "prs"]),
    ("Hakimi", "Farid", "M", "AF", ["prs", "fa"]),
    ("Rahimi", "Zahra", "F", "AF", ["prs"]),
    ("Safi", "Gul Ahmad", "M", "AF", ["ps"]),
    ("Stanekzai", "Shafiqullah", "M", "AF", ["ps", "en"]),
    ("Karimi", "Nazanin", "F", "IR", ["fa", "en"]),
    ("Tesfaye", "Yohannes", "M", "ER", ["ti", "am"]),
    ("Haile", "Selam", "F", "ER", ["ti"]),
    ("Gebremedhin", "Semhar", "F", "ER", ["ti", "ar"]),
    ("Kidane", "Filmon", "M", "ER", ["ti", "en"]),
    ("Berhane", "Senait", "F", "ER", ["ti"]),
    ("Tekle", "Mehari", "M", "ER", ["ti", "am"]),
    ("Al-Hassan", "Fatima", "F", "SY", ["ar", "en"]),
    ("Al-Khatib", "Rami", "M", "SY", ["ar"]),
    ("Ben Youssef", "Ahmed", "M", "SY", ["ar", "fr"]),
    ("El Amrani", "Yasmine", "F", "SY", ["ar", "fr"]),
    ("Abdel-Kader", "Omar", "M", "IQ", ["ar", "ku"]),
    ("N’Diaye", "Aïssatou", "F", "GN", ["ff", "fr"]),
    ("Diallo", "Mamadou Saliou", "M", "GN", ["ff", "fr"]),
    ("Koné", "Sékou", "M", "ML", ["bm", "fr"]),
    ("Traoré", "Fatoumata", "F", "ML", ["bm", "fr"]),
    ("D’Almeida", "Joël", "M", "CD", ["ln", "fr"]),
    ("Mukendi", "Grâce", "F", "CD", ["ln", "fr", "sw"]),
    ("Öztürk", "Zeynep", "F", "TR", ["tr", "ku"]),
    ("Kovalenko", "Olena", "F", "UA", ["uk", "ru"]),
    ("Beridze", "Giorgi", "M", "GE", ["ka", "ru"]),
    ("Hussain", "Bilal", "M", "PK", ["ur", "en"]),
    ("Rahman", "Nusrat", "F", "BD", ["bn", "en"]),
    ("Sivakumar", "Tharshan", "M", "LK", ["ta", "en"]),
    ("Farah", "Hodan", "F", "SO", ["so", "ar"]),
    ("Tadesse", "Meseret", "F", "ET", ["am", "om"]),
    ("Hoxha", "Arben", "M", "AL", ["sq"]),
    ("Dubois", "Hélène", "F", "", ["fr"]),
]

REFERRERS = [
    ("SIAO de la Gironde", ReferringOrganisation.Kind.SIAO, "Bordeaux"),
    ("CADA de Bègles", ReferringOrganisation.Kind.RECEPTION_CENTRE, "Bègles"),
    ("OFII – direction territoriale de Lyon", ReferringOrganisation.Kind.OFII, "Lyon"),
    ("France Travail Nantes Est", ReferringOrganisation.Kind.FRANCE_TRAVAIL, "Nantes"),
    ("CPH de Strasbourg", ReferringOrganisation.Kind.RECEPTION_CENTRE, "Strasbourg"),
    ("Association Accueil & Réfugiés", ReferringOrganisation.Kind.CHARITY, "Paris"),
]

FORWARD = [
    State.REFERRED,
    State.CANDIDATE,
    State.ADMITTED,
    State.IN_SESSION,
    State.SEEKING_CONTRACT,
    State.IN_CONTRACT,
    State.EXITED,
]
# How many of each state, out of 150.
DISTRIBUTION = {
    State.REFERRED: 18,
    State.CANDIDATE: 16,
    State.ADMITTED: 14,
    State.IN_SESSION: 22,
    State.SEEKING_CONTRACT: 20,
    State.IN_CONTRACT: 28,
    State.EXITED: 16,
    State.NOT_ADMITTED: 8,
    State.WITHDRAWN: 8,
}

NOTES = [
    "Premier entretien : motivation forte pour les métiers du bâtiment.",
    "Point sur le titre de séjour : renouvellement à anticiper.",
    "Visite du plateau technique du CFA, retour très positif.",
    "Appel de l’employeur : période d’essai qui se passe bien.",
    "Besoin d’accompagnement pour l’ouverture d’un compte bancaire.",
]


def path_to(state: str) -> list[str]:
    if state in (State.NOT_ADMITTED, State.WITHDRAWN):
        return [State.CANDIDATE, state]
    return FORWARD[1 : FORWARD.index(state) + 1]


def seed_beneficiaries(*, actor, territories, referents, count: int, seed: int) -> int:
    """Create `count` case files (in the current tenant) unless some exist."""
    if Beneficiary.objects.exists():
        return 0
    rng = random.Random(seed)  # noqa: S311 - demo data, not secrets
    referrers = [
        ReferringOrganisation.objects.get_or_create(
            name=name, defaults={"kind": kind, "city": city}
        )[0]
        for name, kind, city in REFERRERS
    ]
    scale = count / sum(DISTRIBUTION.values())
    states = [s for s, n in DISTRIBUTION.items() for _ in range(max(1, round(n * scale)))][:count]
    today = datetime.date(2026, 11, 1)
    for i, state in enumerate(states):
        last, first, sex, nationality, languages = PEOPLE[i % len(PEOPLE)]
        if i >= len(PEOPLE):
            first = f"{first} {('Jr', 'II', 'Aîné', 'Cadet')[i // len(PEOPLE) % 4]}"
        birth = datetime.date(1975 + rng.randrange(27), rng.randrange(1, 13), rng.randrange(1, 29))
        b = services.beneficiary_create(
            actor=actor,
            data={
                "last_name": last,
                "first_name": first,
                "sex": sex,
                "birth_date": birth,
                "nationality": nationality,
                "birth_country": nationality,
                "languages": languages,
                "preferred_language": languages[0],
                "protection_status": rng.choice(["refugee", "refugee", "subsidiary", "stateless"]),
                "protection_decision_date": today - datetime.timedelta(days=rng.randrange(60, 900)),
                "residence_document_type": rng.choice(["resident_card", "multi_year", "receipt"]),
                "residence_document_expiry": today
                + datetime.timedelta(days=rng.randrange(-30, 1500)),
                "phone": "06 " + " ".join(str(rng.randrange(10, 99)) for _ in range(4)),
                "social_security": rng.choice(["registered", "in_progress"]),
                "has_bank_account": rng.random() < 0.7,
                "referring_organisation": rng.choice(referrers),
                "referral_date": today - datetime.timedelta(days=rng.randrange(0, 700)),
                "referral_reason": "Personne isolée, projet d’emploi hors Île-de-France.",
                "current_territory": territories[i % len(territories)],
            },
            referents=[referents[i % len(referents)]] if referents else [],
            allow_duplicate=True,
        )
        for target in path_to(state):
            if target not in ALLOWED[b.state]:
                raise ValueError(f"demo path {state}: {b.state} -> {target} is not allowed")
            services.beneficiary_transition(
                actor=actor,
                beneficiary=b,
                request=TransitionRequest(
                    to_state=target,
                    reason=(
                        rng.choice(NotAdmittedReason.values)
                        if target == State.NOT_ADMITTED
                        else rng.choice(WithdrawalReason.values)
                        if target == State.WITHDRAWN
                        else ""
                    ),
                    exit_employment=rng.choice(EmploymentOutcome.values)
                    if target == State.EXITED
                    else "",
                    exit_housing=rng.choice(HousingOutcome.values)
                    if target == State.EXITED
                    else "",
                ),
            )
        for note in rng.sample(NOTES, rng.randrange(0, 3)):
            services.case_note_add(actor=actor, beneficiary=b, body=note, confidentiality="team")
    return len(states)

"""Demo case files: realistic names (French and transliterated Arabic, Dari,
Pashto, Tigrinya, Sudanese names; accents, hyphens, apostrophes), every state
of the pathway, notes. Deterministic: the same data on every machine."""

import datetime
import random

from django.utils import timezone

from beneficiaries import services
from beneficiaries.models import (
    Beneficiary,
    PrerequisiteCheck,
    PrerequisiteItem,
    ReferringOrganisation,
)
from beneficiaries.pathway import (
    ALLOWED,
    GUARDED_BY_PREREQUISITES,
    EmploymentOutcome,
    HousingOutcome,
    NotAdmittedReason,
    State,
    WithdrawalReason,
)
from beneficiaries.services import TransitionRequest

# Cultural groups: nationality, languages, last names, women's and men's first
# names. Names are combined within a group, so that 150 people are distinct.
GROUPS = [
    (
        "SD",
        ["apd", "ar"],
        ["Abdel-Rahman", "Adam Ishag", "Abakar", "Yagoub", "Osman", "Idriss"],
        ["Hawa", "Amna", "Fatna", "Khadija"],
        ["Mohamed", "Abdelrahman", "Musa", "Adam", "Ibrahim"],
    ),
    (
        "AF",
        ["prs", "ps"],
        ["Noori", "Ahmadzai", "Hakimi", "Rahimi", "Safi", "Stanekzai", "Popal"],
        ["Mariam", "Zahra", "Fereshta", "Shabnam"],
        ["Ahmad Shah", "Farid", "Gul Ahmad", "Shafiqullah", "Jawad"],
    ),
    (
        "ER",
        ["ti", "am"],
        ["Tesfaye", "Haile", "Gebremedhin", "Kidane", "Berhane", "Tekle"],
        ["Selam", "Semhar", "Senait", "Helen", "Yordanos"],
        ["Yohannes", "Filmon", "Mehari", "Dawit", "Robel"],
    ),
    (
        "SY",
        ["ar", "en"],
        ["Al-Hassan", "Al-Khatib", "Ben Youssef", "El Amrani", "Haddad"],
        ["Fatima", "Yasmine", "Rania", "Nour"],
        ["Rami", "Ahmed", "Omar", "Khaled"],
    ),
    (
        "GN",
        ["ff", "fr"],
        ["N’Diaye", "Diallo", "Barry", "Bah", "Sow"],
        ["Aïssatou", "Mariama", "Hadja"],
        ["Mamadou Saliou", "Alpha Oumar", "Thierno"],
    ),
    (
        "ML",
        ["bm", "fr"],
        ["Koné", "Traoré", "Keïta", "Coulibaly"],
        ["Fatoumata", "Awa", "Kadiatou"],
        ["Sékou", "Moussa", "Bakary"],
    ),
    (
        "CD",
        ["ln", "fr"],
        ["D’Almeida", "Mukendi", "Kabila", "Tshibanda"],
        ["Grâce", "Bénédicte", "Chantal"],
        ["Joël", "Patrick", "Héritier"],
    ),
    (
        "TR",
        ["tr", "ku"],
        ["Öztürk", "Yılmaz", "Şahin", "Çelik"],
        ["Zeynep", "Elif", "Gülşen"],
        ["Mehmet", "Emre", "Rıza"],
    ),
    (
        "UA",
        ["uk", "ru"],
        ["Kovalenko", "Shevchenko", "Bondarenko"],
        ["Olena", "Iryna", "Oksana"],
        ["Andriy", "Serhiy", "Taras"],
    ),
    (
        "ET",
        ["am", "om"],
        ["Tadesse", "Bekele", "Girma"],
        ["Meseret", "Tigist", "Hiwot"],
        ["Abebe", "Solomon", "Yonas"],
    ),
    (
        "",
        ["fr"],
        ["Dubois", "Le Goff", "Lefèvre", "Moreau-Lemaître"],
        ["Hélène", "Françoise", "Zoé"],
        ["Jérôme", "François", "Loïc"],
    ),
]


def people(rng: random.Random, count: int) -> list[tuple]:
    seen, result = set(), []
    while len(result) < count:
        nationality, languages, last_names, women, men = rng.choice(GROUPS)
        sex = rng.choice("FM")
        first = rng.choice(women if sex == "F" else men)
        last = rng.choice(last_names)
        if (last, first) in seen:
            continue
        seen.add((last, first))
        result.append((last, first, sex, nationality, languages))
    return result


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
    State.ADMITTED: 22,
    State.IN_SESSION: 14,
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


def seed_beneficiaries(
    *, actor, territories, referents, count: int, seed: int, session_start=None, pending=None
) -> int:
    """Create `count` case files (in the current tenant) unless some exist.

    `session_start(state, rng)` may give the start date of the preparation
    session a person of that final state goes through: that person is then
    referred and admitted before it, stops at `admitted`, and is appended to
    `pending` as (beneficiary, final state, session start) for the sessions
    demo to enrol, take through the session and carry on (finish_path)."""
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
    today = timezone.localdate()
    for i, (state, person) in enumerate(zip(states, people(rng, len(states)), strict=True)):
        last, first, sex, nationality, languages = person
        start = session_start(state, rng) if session_start else None
        if start is not None:
            # Admitted before the session (before today for a future one).
            admitted_by = min(start, today)
            referral = admitted_by - datetime.timedelta(days=rng.randrange(60, 160))
        else:
            referral = today - datetime.timedelta(
                days=rng.randrange(len(path_to(state)) * 45 + 10, 900)
            )
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
                "referral_date": referral,
                "referral_reason": "Personne isolée, projet d’emploi hors Île-de-France.",
                "current_territory": territories[rng.randrange(len(territories))],
            },
            referents=[referents[i % len(referents)]] if referents else [],
            allow_duplicate=True,
        )
        if start is not None:
            # Candidate and admitted before the session; the rest through it.
            _advance(actor, b, [State.CANDIDATE, State.ADMITTED], referral, admitted_by, rng)
            pending.append((b, state, start))
        else:
            # Stages spread between the referral and today, so that "since" varies.
            _advance(actor, b, path_to(state), referral, today, rng)
        for note in rng.sample(NOTES, rng.randrange(0, 3)):
            services.case_note_add(actor=actor, beneficiary=b, body=note, confidentiality="team")
    return len(states)


def _advance(actor, b, steps, after: datetime.date, before: datetime.date, rng) -> None:
    """Take `b` through `steps`, dated evenly between the two dates."""
    span = (before - after).days
    for n, target in enumerate(steps, start=1):
        when = after + datetime.timedelta(days=span * n // (len(steps) + 1))
        if target not in ALLOWED[b.state]:
            raise ValueError(f"demo path: {b.state} -> {target} is not allowed")
        if target in GUARDED_BY_PREREQUISITES:
            # Admitted after an intake that found every prerequisite met.
            services.prerequisites_set(
                actor=actor,
                beneficiary=b,
                values={
                    item: (PrerequisiteCheck.Status.MET, "")
                    for item in PrerequisiteItem.objects.filter(is_active=True)
                },
            )
        services.beneficiary_transition(
            actor=actor,
            beneficiary=b,
            request=TransitionRequest(
                at=timezone.make_aware(datetime.datetime.combine(when, datetime.time(10))),
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
                exit_housing=rng.choice(HousingOutcome.values) if target == State.EXITED else "",
            ),
        )


def finish_path(*, actor, beneficiary, state: str, after: datetime.date, rng) -> None:
    """After the session: on to `state` (in_contract, exited), dated between
    `after` and today (the contract a few weeks after the session, the exit
    at least six months into it)."""
    remaining = FORWARD[FORWARD.index(beneficiary.state) + 1 : FORWARD.index(state) + 1]
    if not remaining:
        return
    today = timezone.localdate()
    contract = min(after + datetime.timedelta(days=rng.randrange(20, 60)), today)
    _advance(
        actor, beneficiary, remaining[:1], contract - datetime.timedelta(days=1), contract, rng
    )
    if len(remaining) > 1:
        exit_on = min(contract + datetime.timedelta(days=rng.randrange(190, 300)), today)
        _advance(actor, beneficiary, remaining[1:], contract, exit_on, rng)


def seed_scale(*, total: int, organisations: int, stdout=None) -> None:
    """Many case files for benchmarks: `organisations` extra organisations
    ("Charge 01"…), the first holding 40 % of `total`, bulk-inserted (no
    per-row service call: names, states and dates are generated directly)."""
    from django.db import transaction

    from beneficiaries.models import BeneficiaryReferent, PathwayTransition, search_columns
    from thrasos.accounts.models import Membership, Organisation, Role, Territory, User
    from thrasos.tenancy import tenant_context

    rng = random.Random(2026)  # noqa: S311 - synthetic data
    operator = User.objects.filter(is_superuser=True).order_by("pk").first()
    shares = (
        [0.4] + [0.6 / (organisations - 1)] * (organisations - 1) if organisations > 1 else [1.0]
    )
    all_states = list(DISTRIBUTION)
    weights = list(DISTRIBUTION.values())
    for index, share in enumerate(shares, start=1):
        slug = f"charge-{index:02d}"
        organisation, _ = Organisation.objects.get_or_create(
            slug=slug, defaults={"name": f"Charge {index:02d}"}
        )
        count = int(total * share)
        with transaction.atomic(), tenant_context(organisation):
            existing = Beneficiary.objects.count()
            if existing >= count:
                continue
            territories = [
                Territory.objects.get_or_create(
                    name=f"Territoire {t}", defaults={"region": "75", "departement": "33"}
                )[0]
                for t in range(1, 9)
            ]
            coordinator, _ = User.objects.get_or_create(
                email=f"coordination@{slug}.bench.thrasos.fr",
                defaults={"first_name": "Coordination", "last_name": slug},
            )
            membership, _ = Membership.objects.get_or_create(
                user=coordinator, defaults={"role": Role.COORDINATOR}
            )
            actor = operator or coordinator
            now = timezone.now()
            batch, made = [], existing
            while made < count:
                nationality, languages, last_names, women, men = rng.choice(GROUPS)
                sex = rng.choice("FM")
                first = rng.choice(women if sex == "F" else men)
                last = f"{rng.choice(last_names)}{rng.randrange(1000):03d}"
                b = Beneficiary(
                    organisation=organisation,
                    last_name=last,
                    first_name=first,
                    sex=sex,
                    birth_date=datetime.date(
                        1975 + rng.randrange(27), rng.randrange(1, 13), rng.randrange(1, 29)
                    ),
                    nationality=nationality,
                    languages=languages,
                    preferred_language=languages[0],
                    protection_status="refugee",
                    current_territory=territories[rng.randrange(len(territories))],
                    state=rng.choices(all_states, weights)[0],
                    state_changed_at=now - datetime.timedelta(minutes=rng.randrange(1_000_000)),
                    referral_date=datetime.date(2025, 1, 1),
                    **search_columns(last, first),
                )
                batch.append(b)
                made += 1
                if len(batch) == 5000 or made == count:
                    Beneficiary.objects.bulk_create(batch)
                    PathwayTransition.objects.bulk_create(
                        PathwayTransition(
                            organisation=organisation,
                            beneficiary=x,
                            from_state="",
                            to_state=x.state,
                            at=x.state_changed_at,
                            actor=actor,
                        )
                        for x in batch
                    )
                    BeneficiaryReferent.objects.bulk_create(
                        BeneficiaryReferent(
                            organisation=organisation, beneficiary=x, membership=membership
                        )
                        for x in batch[::10]
                    )
                    batch = []
                    if stdout:
                        stdout.write(f"  {slug}: {made}/{count}")
    # Statistics for the planner on the fresh rows, as autovacuum would give
    # them later (ANALYZE needs the owner of the tables), and the visibility
    # map of the case files, without which the search's index-only scans read
    # the table until autovacuum comes by (VACUUM only outside a transaction).
    from django.db import connections

    owner = connections["owner"]
    with owner.cursor() as cursor:
        if owner.in_atomic_block:
            cursor.execute("ANALYZE")
        else:
            cursor.execute("VACUUM (ANALYZE) beneficiaries_beneficiary")
            cursor.execute("ANALYZE")


def demo_step(context) -> int:
    """Demo step (thrasos.core.registry): the organisation's case files. A
    sessions step before it may leave `session_start`; the people it sends
    to a session are left in `pending` for the step after."""
    return seed_beneficiaries(
        actor=context.actor,
        territories=context.territories,
        referents=context.caseworkers,
        count=context.count,
        seed=context.seed,
        session_start=context.shared.get("session_start"),
        pending=context.shared.setdefault("pending", []),
    )

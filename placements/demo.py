"""Demo data of the placements module (seed_demo): a partner directory
outside Île-de-France, and projects, contracts and follow-ups for the demo
people, matching the stages the earlier steps took them to.

People still seeking a contract go through the services (project validated,
some sign, one contract is broken). People the earlier steps already took to
`in_contract` or `exited` get the project and contract of that recorded stage,
dated from it, validated by the models (full_clean) without moving the
pathway again. Deterministic: the same data on every machine."""

import datetime
import random

from django.utils import timezone

from beneficiaries.models import Beneficiary, PathwayTransition
from beneficiaries.pathway import EmploymentOutcome, HousingOutcome, State

from . import services
from .models import (
    AlternanceContract,
    DiplomaLevel,
    Employer,
    FollowUp,
    Opco,
    ProfessionalProject,
    Sector,
    TrainingOrganisation,
    add_months,
    default_trial_period_end,
)
from .validators import luhn_ok

# (city, département, region) outside Île-de-France
CITIES = [
    ("Bordeaux", "33", "75"),
    ("Mérignac", "33", "75"),
    ("Périgueux", "24", "75"),
    ("Pau", "64", "75"),
    ("Limoges", "87", "75"),
    ("Lyon", "69", "84"),
    ("Villeurbanne", "69", "84"),
    ("Saint-Étienne", "42", "84"),
    ("Clermont-Ferrand", "63", "84"),
    ("Toulouse", "31", "76"),
    ("Montpellier", "34", "76"),
    ("Nîmes", "30", "76"),
    ("Rennes", "35", "53"),
    ("Nantes", "44", "52"),
    ("Angers", "49", "52"),
    ("Dijon", "21", "27"),
]
# (name pattern, sector position in DEFAULT_SECTORS, job, ROME, diploma, RNCP, level)
TRADES = [
    ("Bâtiment {city}", 0, "Maçon", "F1703", "CAP Maçon", "RNCP34866", 3),
    ("Couverture {city}", 0, "Couvreur", "F1610", "CAP Couvreur", "RNCP35020", 3),
    ("Hôtel des Arts {city}", 1, "Commis de cuisine", "G1602", "CAP Cuisine", "RNCP37859", 3),
    (
        "Brasserie du Marché {city}",
        1,
        "Serveur",
        "G1803",
        "CAP Commercialisation et services en HCR",
        "RNCP37858",
        3,
    ),
    (
        "Aide à domicile {city}",
        2,
        "Auxiliaire de vie",
        "K1302",
        "Titre pro Assistant de vie aux familles",
        "RNCP35665",
        3,
    ),
    (
        "Transports {city}",
        3,
        "Conducteur poids lourd",
        "N4101",
        "Titre pro Conducteur du transport routier",
        "RNCP35310",
        3,
    ),
    (
        "Logistique {city}",
        3,
        "Préparateur de commandes",
        "N1103",
        "Titre pro Préparateur de commandes",
        "RNCP38413",
        3,
    ),
    ("Mécanique {city}", 4, "Soudeur", "H2913", "CAP Réalisations industrielles", "RNCP37484", 3),
    (
        "Propreté {city}",
        5,
        "Agent de propreté",
        "K2204",
        "CAP Agent de propreté et d’hygiène",
        "RNCP35771",
        3,
    ),
    (
        "Maraîchage {city}",
        6,
        "Ouvrier maraîcher",
        "A1414",
        "CAPa Métiers de l’agriculture",
        "RNCP36359",
        3,
    ),
]
TRAINING = [
    "CFA du BTP {city}",
    "CFA Hôtellerie {city}",
    "Greta {city}",
    "AFPA {city}",
    "CFA Transport {city}",
]
BREAK_REASONS = [
    "Difficultés d’adaptation au poste",
    "Déménagement de l’entreprise",
    "Problèmes de santé",
]


def _siret(rng) -> str:
    base = f"{rng.randrange(10**12, 10**13):013d}"
    return base + next(str(d) for d in range(10) if luhn_ok(base + str(d)))


def _uai(rng) -> str:
    from .validators import uai_check_letter

    number = f"0{rng.randrange(100000, 999999)}"
    return number + uai_check_letter(number)


def seed_directory(*, count_employers: int, count_training: int, rng) -> None:
    sectors = list(Sector.objects.order_by("position", "id"))
    for i in range(count_employers):
        city, departement, region = CITIES[i % len(CITIES)]
        pattern, sector_index = TRADES[i % len(TRADES)][:2]
        services.employer_create(
            actor=None,
            data={
                "name": pattern.format(city=city),
                "siret": _siret(rng),
                "sector": sectors[sector_index],
                "address": f"{rng.randrange(1, 120)} rue de la République",
                "city": city,
                "departement": departement,
                "regions": [region],
            },
            contacts=[
                {
                    "name": rng.choice(["Mme Garcia", "M. Bernard", "Mme Petit", "M. Moreau"]),
                    "role": rng.choice(["Responsable RH", "Gérant·e", "Chef d’équipe"]),
                    "phone": f"0{rng.randrange(1, 6)} {rng.randrange(10, 99)} "
                    f"{rng.randrange(10, 99)} {rng.randrange(10, 99)} {rng.randrange(10, 99)}",
                }
            ],
        )
    for i in range(count_training):
        city, departement, region = CITIES[(i * 3) % len(CITIES)]
        is_cfa = i % 3 != 2
        services.training_organisation_create(
            actor=None,
            data={
                "name": TRAINING[i % len(TRAINING)].format(city=city),
                "siret": _siret(rng),
                "uai": _uai(rng) if is_cfa else "",
                "qualiopi": True,
                "qualiopi_on": datetime.date(2021 + i % 4, 1 + i % 12, 15),
                "city": city,
                "departement": departement,
                "regions": [region],
            },
        )


def _moment(person, state) -> datetime.date:
    transition = (
        PathwayTransition.objects.filter(beneficiary=person, to_state=state).order_by("at").last()
    )
    return timezone.localtime(transition.at).date()


def _project_data(trade, sectors, levels, started_on, region) -> dict:
    _, sector_index, job, rome, diploma, rncp, level = trade
    return {
        "target_job": job,
        "rome_code": rome,
        "sector": sectors[sector_index],
        "target_regions": [region],
        "diploma_title": diploma,
        "rncp_code": rncp,
        "diploma_level": levels.get(level),
        "started_on": started_on,
    }


def _contract_data(trade, employer, training, opco, signed_on, rng) -> dict:
    start = signed_on + datetime.timedelta(days=rng.randrange(0, 10))
    months = rng.choice([12, 12, 18, 24])
    end = add_months(start, months) - datetime.timedelta(days=1)
    kind = rng.choice(["apprenticeship", "apprenticeship", "professionalisation"])
    return {
        "kind": kind,
        "employer": employer,
        "training_organisation": training,
        "diploma_title": trade[4],
        "rncp_code": trade[5],
        "opco": opco,
        "signed_on": signed_on,
        "start_date": start,
        "end_date": end,
        "duration_justification": "Diplôme préparé en deux ans (BP)" if months > 18 else "",
        "trial_period_end": default_trial_period_end(kind, start, end),
        "work_city": employer.city,
        "work_departement": employer.departement,
        "tutor_name": rng.choice(["M. Lefèvre", "Mme Roux", "M. Fournier", "Mme Girard"]),
        "tutor_role": "Chef d’équipe",
        "weekly_hours": 35,
        "gross_monthly_pay": rng.choice([None, 1100, 1250, 1400]),
    }


def _recorded(instance):
    """A record of a stage the earlier demo steps already took the person to."""
    instance.full_clean(exclude=["organisation"])
    instance.save()
    return instance


def demo_step(context) -> None:
    if Employer.objects.exists():
        return
    rng = random.Random(context.seed * 7919)  # noqa: S311 - demo data
    big = context.count >= 100
    seed_directory(count_employers=40 if big else 12, count_training=15 if big else 5, rng=rng)
    employers = list(Employer.objects.select_related("sector").order_by("id"))
    trainings = list(TrainingOrganisation.objects.order_by("id"))
    sectors = list(Sector.objects.order_by("position", "id"))
    levels = {lv.level: lv for lv in DiplomaLevel.objects.all()}
    opcos = list(Opco.objects.order_by("name"))
    today = timezone.localdate()
    actor = context.actor

    def pick(person_index):
        employer = employers[person_index % len(employers)]
        trade = next(t for t in TRADES if sectors[t[1]].pk == employer.sector_id)
        region = next(c[2] for c in CITIES if c[0] == employer.city)
        return employer, trades_training(person_index), trade, region

    def trades_training(person_index):
        return trainings[person_index % len(trainings)]

    people = Beneficiary.objects.filter(
        state__in=[State.SEEKING_CONTRACT, State.IN_CONTRACT, State.EXITED]
    ).order_by("id")
    seeking_seen = 0
    for index, person in enumerate(people):
        employer, training, trade, region = pick(index)
        opco = opcos[index % len(opcos)]
        if person.state == State.SEEKING_CONTRACT:
            validated_on = _moment(person, State.SEEKING_CONTRACT)
            project = ProfessionalProject(
                beneficiary=person,
                status=ProfessionalProject.Status.VALIDATED,
                validated_on=validated_on,
                **_project_data(
                    trade, sectors, levels, validated_on - datetime.timedelta(days=30), region
                ),
            )
            _recorded(project)
            seeking_seen += 1
            # One in three signs now, through the services; one of those
            # breaks during the trial period and seeks again.
            if seeking_seen % 3 == 0:
                signed_on = max(validated_on, today - datetime.timedelta(days=25))
                contract = services.contract_sign(
                    actor=actor,
                    beneficiary=person,
                    data=_contract_data(trade, employer, training, opco, signed_on, rng),
                )
                if contract.start_date <= today:
                    services.contract_start(actor=actor, contract=contract)
                    if seeking_seen % 6 == 0:
                        services.contract_break(
                            actor=actor,
                            contract=contract,
                            on=min(today, contract.trial_period_end),
                            broken_by=AlternanceContract.BrokenBy.TRIAL,
                            reason=rng.choice(BREAK_REASONS),
                        )
            continue
        signed_on = _moment(person, State.IN_CONTRACT)
        project = ProfessionalProject(
            beneficiary=person,
            status=ProfessionalProject.Status.VALIDATED,
            validated_on=signed_on - datetime.timedelta(days=20),
            **_project_data(
                trade, sectors, levels, signed_on - datetime.timedelta(days=60), region
            ),
        )
        _recorded(project)
        data = _contract_data(trade, employer, training, opco, signed_on, rng)
        contract = AlternanceContract(beneficiary=person, project=project, **data)
        if person.state == State.IN_CONTRACT:
            if contract.end_date < today + datetime.timedelta(days=30):
                contract.end_date = today + datetime.timedelta(days=rng.randrange(60, 300))
                contract.trial_period_end = default_trial_period_end(
                    contract.kind, contract.start_date, contract.end_date
                )
                if contract.duration_out_of_bounds:
                    contract.duration_justification = "Prolongation après un redoublement"
            contract.status = (
                AlternanceContract.Status.IN_PROGRESS
                if contract.start_date <= today
                else AlternanceContract.Status.SIGNED
            )
        else:
            exited_on = _moment(person, State.EXITED)
            contract.start_date = min(contract.start_date, exited_on - datetime.timedelta(days=1))
            contract.end_date = max(contract.end_date, exited_on)
            contract.trial_period_end = default_trial_period_end(
                contract.kind, contract.start_date, contract.end_date
            )
            contract.status = AlternanceContract.Status.COMPLETED
            contract.completed_on = exited_on
            contract.exam_date = exited_on - datetime.timedelta(days=20)
            if contract.exam_date < contract.start_date:
                contract.exam_date = exited_on
            contract.diploma_result = rng.choice(["obtained", "obtained", "obtained", "failed"])
            if contract.duration_out_of_bounds and not contract.duration_justification:
                contract.duration_justification = "Contrat aligné sur le calendrier de l’examen"
        _recorded(contract)
        if person.state == State.EXITED:
            _follow_ups(person, actor, rng, today)


def _follow_ups(person, actor, rng, today) -> None:
    for follow_up in FollowUp.objects.filter(beneficiary=person, due_on__lte=today):
        unreachable = rng.random() < 0.15
        services.follow_up_record(
            actor=actor,
            follow_up=follow_up,
            data={
                "observed_on": min(
                    today, follow_up.due_on + datetime.timedelta(days=rng.randrange(0, 10))
                ),
                "method": "unreachable"
                if unreachable
                else rng.choice(["phone", "phone", "meeting", "employer"]),
                "employment": "" if unreachable else rng.choice(EmploymentOutcome.values[:4]),
                "housing": "" if unreachable else rng.choice(HousingOutcome.values[:5]),
            },
        )


def seed_scale(*, total: int, organisations: int, stdout=None) -> None:
    """Benchmark data in proportion (`seed_demo --scale`), after the case
    files of the "Charge NN" organisations: a directory of one employer for
    twenty-five people in contract (at least 40) and one training
    organisation for three employers; a validated project for everyone
    seeking a contract, in contract or exited; a contract for everyone in
    contract (signed or in progress, some trial periods ending soon), a
    completed one for everyone exited (with the 6- and 12-month follow-ups),
    and a broken one for one person seeking in six. Bulk-inserted (the rows
    are built as the services would leave them; the services themselves are
    exercised by the demo step and the tests)."""
    from django.db import transaction

    from beneficiaries.models import normalise_name
    from thrasos.accounts.models import Organisation
    from thrasos.tenancy import tenant_context

    rng = random.Random(2028)  # noqa: S311 - synthetic data
    today = timezone.localdate()
    for index in range(1, organisations + 1):
        slug = f"charge-{index:02d}"
        organisation = Organisation.objects.filter(slug=slug).first()
        if organisation is None:
            continue
        with transaction.atomic(), tenant_context(organisation):
            if Employer.objects.exists():
                continue
            services.referentials_seed_defaults()
            people = list(
                Beneficiary.objects.filter(
                    state__in=[State.SEEKING_CONTRACT, State.IN_CONTRACT, State.EXITED]
                )
                .order_by("id")
                .values_list("id", "state")
            )
            if not people:
                continue
            in_contract = sum(1 for _, state in people if state == State.IN_CONTRACT)
            sectors = list(Sector.objects.order_by("position", "id"))
            levels = {lv.level: lv for lv in DiplomaLevel.objects.all()}
            opcos = list(Opco.objects.order_by("name"))
            sirets: set[str] = set()

            def siret(seen=sirets):
                while (value := _siret(rng)) in seen:
                    pass
                seen.add(value)
                return value

            def partner(model, name, city, departement, region, **fields):
                return model(
                    name=name,
                    siret=siret(),
                    city=city,
                    departement=departement,
                    regions=[region],
                    address=f"{rng.randrange(1, 120)} rue de la République",
                    search_text=f"{normalise_name(name)} | {normalise_name(city)}",
                    **fields,
                )

            count_employers = max(40, in_contract // 25)
            employers = Employer.objects.bulk_create(
                (
                    partner(
                        Employer,
                        f"{TRADES[i % len(TRADES)][0].format(city=city)} {i:04d}",
                        city,
                        departement,
                        region,
                        sector=sectors[TRADES[i % len(TRADES)][1]],
                    )
                    for i in range(count_employers)
                    for city, departement, region in [CITIES[i % len(CITIES)]]
                ),
                batch_size=2000,
            )
            trainings = TrainingOrganisation.objects.bulk_create(
                (
                    partner(
                        TrainingOrganisation,
                        f"{TRAINING[i % len(TRAINING)].format(city=city)} {i:04d}",
                        city,
                        departement,
                        region,
                        uai=_uai(rng),
                        qualiopi=True,
                        qualiopi_on=datetime.date(2021 + i % 4, 1 + i % 12, 15),
                    )
                    for i in range(max(15, count_employers // 3))
                    for city, departement, region in [CITIES[(i * 3) % len(CITIES)]]
                ),
                batch_size=2000,
            )
            projects, contracts, follow_ups = [], [], []
            for n, (person_id, state) in enumerate(people):
                employer = employers[n % len(employers)]
                trade = next(t for t in TRADES if sectors[t[1]].pk == employer.sector_id)
                region = next(c[2] for c in CITIES if c[0] == employer.city)
                if state == State.IN_CONTRACT:
                    start = today - datetime.timedelta(days=rng.randrange(-30, 330))
                elif state == State.EXITED:
                    start = today - datetime.timedelta(days=rng.randrange(560, 900))
                else:
                    start = today - datetime.timedelta(days=rng.randrange(60, 300))
                validated_on = start - datetime.timedelta(days=rng.randrange(20, 60))
                projects.append(
                    ProfessionalProject(
                        beneficiary_id=person_id,
                        status=ProfessionalProject.Status.VALIDATED,
                        validated_on=validated_on,
                        **_project_data(
                            trade,
                            sectors,
                            levels,
                            validated_on - datetime.timedelta(days=30),
                            region,
                        ),
                    )
                )
                if state == State.SEEKING_CONTRACT and n % 6:
                    continue
                kind = ("apprenticeship", "apprenticeship", "professionalisation")[n % 3]
                end = add_months(start, 18 if n % 4 == 0 else 12) - datetime.timedelta(days=1)
                contract = AlternanceContract(
                    beneficiary_id=person_id,
                    project=projects[-1],
                    kind=kind,
                    employer=employer,
                    training_organisation=trainings[n % len(trainings)],
                    diploma_title=trade[4],
                    rncp_code=trade[5],
                    diploma_level=levels.get(trade[6]),
                    opco=opcos[n % len(opcos)],
                    signed_on=start - datetime.timedelta(days=rng.randrange(1, 15)),
                    start_date=start,
                    end_date=end,
                    trial_period_end=default_trial_period_end(kind, start, end),
                    work_city=employer.city,
                    work_departement=employer.departement,
                    tutor_name="M. Lefèvre",
                    tutor_role="Chef d’équipe",
                    weekly_hours=35,
                    status=AlternanceContract.Status.IN_PROGRESS
                    if start <= today
                    else AlternanceContract.Status.SIGNED,
                )
                if state == State.EXITED:
                    contract.status = AlternanceContract.Status.COMPLETED
                    contract.completed_on = end
                    contract.exam_date = end - datetime.timedelta(days=20)
                    contract.diploma_result = ("obtained", "obtained", "failed")[n % 3]
                    exited_on = min(today, end + datetime.timedelta(days=rng.randrange(1, 30)))
                    follow_ups += [
                        FollowUp(
                            beneficiary_id=person_id,
                            months_after_exit=m,
                            due_on=add_months(exited_on, m),
                        )
                        for m in (6, 12)
                    ]
                elif state == State.SEEKING_CONTRACT:
                    contract.status = AlternanceContract.Status.BROKEN
                    contract.broken_on = contract.trial_period_end
                    contract.broken_by = AlternanceContract.BrokenBy.TRIAL
                    contract.break_reason = BREAK_REASONS[n % len(BREAK_REASONS)]
                contracts.append(contract)
            ProfessionalProject.objects.bulk_create(projects, batch_size=5000)
            AlternanceContract.objects.bulk_create(contracts, batch_size=5000)
            FollowUp.objects.bulk_create(follow_ups, batch_size=5000)
            if stdout:
                stdout.write(
                    f"  {slug}: {len(employers)} employers, {len(trainings)} training "
                    f"organisations, {len(projects)} projects, {len(contracts)} contracts"
                )

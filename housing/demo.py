"""Demo housing: about 25 units and 60 places over the demo territories, and
occupancies for the people in work-study (some ended with their destination,
some ending soon, one move, a few vacancies), all through the services.
Deterministic: the same data on every machine."""

import datetime
import random

from django.core.exceptions import ValidationError
from django.utils import timezone

from beneficiaries.models import Beneficiary
from beneficiaries.pathway import State
from housing import services
from housing.models import Destination, EarlyEndReason, HousingUnit, LandlordKind, UnitKind

CITIES = {
    "33": [("Bordeaux", "33000"), ("Mérignac", "33700"), ("Pessac", "33600")],
    "69": [("Lyon", "69007"), ("Villeurbanne", "69100"), ("Vénissieux", "69200")],
    "44": [("Nantes", "44000"), ("Saint-Herblain", "44800"), ("Rezé", "44400")],
    "67": [("Strasbourg", "67000"), ("Schiltigheim", "67300"), ("Illkirch", "67400")],
    "31": [("Toulouse", "31000"), ("Blagnac", "31700")],
    "34": [("Montpellier", "34000"), ("Lunel", "34400")],
}
STREETS = [
    "rue des Tanneurs",
    "avenue Jean-Jaurès",
    "rue Victor-Hugo",
    "cours de la Libération",
    "rue du Moulin",
    "place de la République",
    "rue Pasteur",
    "allée des Tilleuls",
]
NAMES = ["Colocation", "Appartement", "Résidence"]
AUTONOMOUS = [
    Destination.SOCIAL,
    Destination.PRIVATE,
    Destination.SLIDING,
    Destination.RESIDENCE,
    Destination.HOSTED,
]
DAY = datetime.timedelta(days=1)


def _units(actor, territories, count, rng, today):
    places = []
    for i in range(count):
        territory = territories[i % len(territories)]
        city, postcode = rng.choice(CITIES.get(territory.departement, [("Paris", "75011")]))
        individual = i % 5 == 4
        unit = services.unit_create(
            actor=actor,
            data={
                "territory": territory,
                "name": f"{'Studio' if individual else rng.choice(NAMES)} {city} {i + 1}",
                "address": f"{rng.randint(2, 140)} {rng.choice(STREETS)}",
                "postcode": postcode,
                "city": city,
                "departement": territory.departement,
                "kind": UnitKind.INDIVIDUAL if individual else UnitKind.SHARED,
                "landlord_kind": rng.choice(LandlordKind.values),
                "lease_reference": f"BAIL-{2024 + i % 2}-{100 + i}",
                "opened_on": today - datetime.timedelta(days=720),
            },
        )
        for n in range(1 if individual else rng.choice([2, 2, 3, 3, 4])):
            place = services.place_create(
                actor=actor,
                unit=unit,
                data={"label": f"Chambre {n + 1}" if not individual else "Studio"},
            )
            place.free_from = unit.opened_on
            places.append(place)
    return places


def _free_place(places, territory_id, start, rng):
    candidates = [p for p in places if p.free_from <= start]
    local = [p for p in candidates if p.unit.territory_id == territory_id]
    pool = local or candidates
    return rng.choice(pool) if pool else None


def _book(actor, person, place, start, **kwargs):
    try:
        return services.occupancy_start(
            actor=actor, beneficiary=person, place=place, start_date=start, **kwargs
        )
    except ValidationError:
        return None


def seed_housing(*, actor, territories, units: int, seed: int) -> int:
    if HousingUnit.objects.exists():
        return 0
    rng = random.Random(seed)  # noqa: S311 - demo data
    today = timezone.localdate()
    places = _units(actor, territories, units, rng, today)
    in_contract = list(Beneficiary.objects.filter(state=State.IN_CONTRACT).order_by("pk"))
    seeking = list(Beneficiary.objects.filter(state=State.SEEKING_CONTRACT).order_by("pk"))
    admitted = list(Beneficiary.objects.filter(state=State.ADMITTED).order_by("pk"))
    created = 0
    current = []
    for n, person in enumerate(in_contract):
        if n % 5 in (0, 3):
            # Housed last year, left for housing of their own.
            start = today - datetime.timedelta(days=rng.randint(300, 420))
            place = _free_place(places, person.current_territory_id, start, rng)
            if place is None or (o := _book(actor, person, place, start)) is None:
                continue
            early = n % 15 == 0
            end = start + datetime.timedelta(days=110 if early else rng.randint(185, 240))
            services.occupancy_end(
                actor=actor,
                occupancy=o,
                end_date=min(end, today - DAY),
                destination=rng.choice(AUTONOMOUS),
                early_end_reason=EarlyEndReason.AUTONOMOUS_HOUSING if early else "",
                early_end_justification="Bail glissant proposé par le bailleur." if early else "",
            )
            place.free_from = min(end, today - DAY)
        else:
            start = today - datetime.timedelta(days=rng.randint(20, 175))
            place = _free_place(places, person.current_territory_id, start, rng)
            if place is None or (o := _book(actor, person, place, start)) is None:
                continue
            place.free_from = datetime.date.max
            if n % 6 == 1:
                services.occupancy_extend(
                    actor=actor, occupancy=o, planned_end_date=o.planned_end_date + 60 * DAY
                )
            current.append(o)
        created += 1
    # People seeking a work-study contract, until about one place in six is vacant.
    for person in seeking:
        if sum(p.free_from == datetime.date.max for p in places) >= len(places) * 5 // 6:
            break
        start = today - datetime.timedelta(days=rng.randint(5, 60))
        place = _free_place(places, person.current_territory_id, start, rng)
        if place is not None and _book(actor, person, place, start):
            place.free_from = datetime.date.max
            created += 1
    # One move inside the programme's housing, and two bookings ahead.
    for o in current[:1]:
        target = _free_place(places, o.place.unit.territory_id, today - 3 * DAY, rng)
        if target is not None and o.start_date < today - 3 * DAY:
            services.occupancy_move(actor=actor, occupancy=o, place=target, on=today - 3 * DAY)
            target.free_from = datetime.date.max
    for person in admitted[:2]:
        start = today + 14 * DAY
        place = _free_place(places, person.current_territory_id, start, rng)
        if place is not None and _book(actor, person, place, start):
            place.free_from = datetime.date.max
            created += 1
    return created


def demo_step(context) -> int:
    """After the case files and sessions: housing for the organisation."""
    return seed_housing(
        actor=context.actor,
        territories=context.territories,
        units=20 if context.count >= 100 else 5,
        seed=context.seed,
    )


def seed_scale(*, total: int, organisations: int, stdout=None) -> None:
    """Benchmark data in proportion (`seed_demo --scale`), after the case
    files of the "Charge NN" organisations: in each territory, places for the
    people in work-study there plus one in ten vacant, in units of one to
    four places; everyone in work-study housed now (some ending within 90
    days, some overstaying), and before them, on the same places, people now
    exited who left over the past year with their destination. Bulk-inserted
    in an order the exclusion constraints accept (the services are exercised
    by the demo step and the tests)."""
    from django.db import transaction

    from housing.models import Occupancy, Place, six_months_after
    from thrasos.accounts.models import Organisation, Territory, User
    from thrasos.tenancy import tenant_context

    rng = random.Random(2029)  # noqa: S311 - synthetic data
    today = timezone.localdate()
    for index in range(1, organisations + 1):
        slug = f"charge-{index:02d}"
        organisation = Organisation.objects.filter(slug=slug).first()
        if organisation is None:
            continue
        with transaction.atomic(), tenant_context(organisation):
            if HousingUnit.objects.exists():
                continue
            housed: dict[int, list[int]] = {}
            for person_id, territory_id in Beneficiary.objects.filter(
                state=State.IN_CONTRACT
            ).values_list("id", "current_territory_id"):
                housed.setdefault(territory_id, []).append(person_id)
            exited = list(
                Beneficiary.objects.filter(state=State.EXITED)
                .order_by("id")
                .values_list("id", flat=True)
            )
            if not housed:
                continue
            territories = Territory.objects.in_bulk(list(housed))
            actor = User.objects.filter(email=f"coordination@{slug}.bench.thrasos.fr").first()
            units, unit_sizes = [], []
            for territory_id, people in housed.items():
                territory = territories[territory_id]
                cities = CITIES.get(territory.departement) or [("Bordeaux", "33000")]
                wanted, made = len(people) + len(people) // 10 + 1, 0
                while made < wanted:
                    size = min(rng.choice([1, 2, 3, 3, 4]), wanted - made)
                    city, postcode = cities[len(units) % len(cities)]
                    units.append(
                        HousingUnit(
                            territory_id=territory_id,
                            name=f"{NAMES[len(units) % 3]} {len(units):05d}",
                            address=f"{rng.randrange(1, 90)} {rng.choice(STREETS)}",
                            postcode=postcode,
                            city=city,
                            departement=territory.departement,
                            kind=UnitKind.INDIVIDUAL if size == 1 else UnitKind.SHARED,
                            landlord_kind=rng.choice(LandlordKind.values),
                            opened_on=today - datetime.timedelta(days=900),
                        )
                    )
                    unit_sizes.append(size)
                    made += size
            HousingUnit.objects.bulk_create(units, batch_size=5000)
            places = Place.objects.bulk_create(
                (
                    Place(unit=unit, label=f"Chambre {n + 1}" if size > 1 else "Studio")
                    for unit, size in zip(units, unit_sizes, strict=True)
                    for n in range(size)
                ),
                batch_size=5000,
            )
            by_territory: dict[int, list] = {}
            for place in places:
                by_territory.setdefault(place.unit.territory_id, []).append(place)
            occupancies = []
            leavers = iter(exited)
            for territory_id, people in housed.items():
                for person_id, place in zip(people, by_territory[territory_id], strict=False):
                    start = today - datetime.timedelta(days=rng.randrange(20, 175))
                    planned = six_months_after(start) + datetime.timedelta(
                        days=rng.choice([0, 0, 30, 60])
                    )
                    occupancies.append(
                        Occupancy(
                            place=place,
                            beneficiary_id=person_id,
                            start_date=start,
                            planned_end_date=planned,
                            stay_started_on=start,
                            created_by=actor,
                        )
                    )
                    before = next(leavers, None)
                    if before is None:
                        continue
                    left = start - datetime.timedelta(days=rng.randrange(0, 40))
                    arrived = left - datetime.timedelta(days=rng.randrange(190, 260))
                    occupancies.append(
                        Occupancy(
                            place=place,
                            beneficiary_id=before,
                            start_date=arrived,
                            planned_end_date=six_months_after(arrived),
                            actual_end_date=left,
                            stay_started_on=arrived,
                            destination=rng.choice(AUTONOMOUS),
                            created_by=actor,
                        )
                    )
            Occupancy.objects.bulk_create(occupancies, batch_size=5000)
            if stdout:
                stdout.write(
                    f"  {slug}: {len(units)} housing units, {len(places)} places, "
                    f"{len(occupancies)} occupancies"
                )

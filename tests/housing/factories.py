"""Housing units, places and occupancies, built through the services."""

import datetime

from housing import services
from thrasos.tenancy import tenant_context

_count = {"n": 0}


def unit(org, territory, *, places=2, **fields):
    _count["n"] += 1
    data = {
        "territory": territory,
        "name": fields.pop("name", f"Colocation {_count['n']}"),
        "address": "12 rue des Lilas",
        "postcode": "33000",
        "city": "Bordeaux",
        "departement": "33",
        "kind": "shared_flat",
        "landlord_kind": "social",
        "opened_on": datetime.date(2025, 1, 1),
        **fields,
    }
    with tenant_context(org):
        u = services.unit_create(actor=None, data=data)
        for i in range(places):
            services.place_create(actor=None, unit=u, data={"label": f"Chambre {i + 1}"})
    return u


def places(org, u):
    with tenant_context(org):
        return list(u.places.order_by("label"))


def occupancy(org, actor, beneficiary, place, start, end=None, **fields):
    with tenant_context(org):
        return services.occupancy_start(
            actor=actor,
            beneficiary=beneficiary,
            place=place,
            start_date=start,
            planned_end_date=end,
            **fields,
        )


def days(n: int) -> datetime.timedelta:
    return datetime.timedelta(days=n)

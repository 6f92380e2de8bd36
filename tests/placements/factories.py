"""Placements objects built through the services (tests and the route matrix)."""

import datetime

from django.utils import timezone

from beneficiaries.services import TransitionRequest, beneficiary_transition
from placements import services
from placements.models import DiplomaLevel, Opco, Sector
from placements.validators import luhn_ok
from tests import factories
from thrasos.tenancy import tenant_context


def siret(n: int) -> str:
    """A valid SIRET (Luhn) built from a number."""
    base = f"{n:013d}"
    for last in range(10):
        if luhn_ok(base + str(last)):
            return base + str(last)
    raise AssertionError


def employer(org, name="Bâti Sud", n=1, **fields):
    with tenant_context(org):
        data = {
            "name": name,
            "siret": siret(n),
            "sector": Sector.objects.order_by("position").first(),
            "city": "Bordeaux",
            "departement": "33",
            "regions": ["75"],
            **fields,
        }
        return services.employer_create(
            actor=None, data=data, contacts=[{"name": "Mme Durand", "role": "RH"}]
        )


def training_organisation(org, name="CFA du Bâtiment", n=2, **fields):
    with tenant_context(org):
        data = {
            "name": name,
            "siret": siret(n),
            "uai": "0330135T",
            "qualiopi": True,
            "city": "Blanquefort",
            "departement": "33",
            "regions": ["75"],
            **fields,
        }
        return services.training_organisation_create(actor=None, data=data)


def in_session(org, territory, actor, **fields):
    """A case file moved to `in_session`."""
    person = factories.admitted(org, territory, actor, **fields)
    with tenant_context(org):
        beneficiary_transition(
            actor=actor, beneficiary=person, request=TransitionRequest(to_state="in_session")
        )
        person.refresh_from_db()
    return person


def project(org, person, actor, **fields):
    with tenant_context(org):
        data = {
            "target_job": "Maçon",
            "rome_code": "F1703",
            "sector": Sector.objects.order_by("position").first(),
            "target_regions": ["75"],
            "started_on": timezone.localdate() - datetime.timedelta(days=20),
            **fields,
        }
        return services.project_create(actor=actor, beneficiary=person, data=data)


def seeking(org, territory, actor, **fields):
    """A case file with a validated project, seeking a contract."""
    person = in_session(org, territory, actor, **fields)
    p = project(org, person, actor)
    with tenant_context(org):
        services.project_validate(actor=actor, project=p)
        person.refresh_from_db()
    return person


def contract_data(org, emp, training, *, start=None, months=12, **fields):
    start = start or timezone.localdate() - datetime.timedelta(days=10)
    from placements.models import add_months

    with tenant_context(org):
        opco = Opco.objects.first()
    return {
        "kind": "apprenticeship",
        "employer": emp,
        "training_organisation": training,
        "diploma_title": "CAP Maçon",
        "rncp_code": "RNCP34866",
        "opco": opco,
        "start_date": start,
        "end_date": add_months(start, months) - datetime.timedelta(days=1),
        "signed_on": start - datetime.timedelta(days=5),
        "work_city": "Bordeaux",
        "work_departement": "33",
        "tutor_name": "M. Martin",
        **fields,
    }


def contract(org, person, actor, emp, training, **fields):
    with tenant_context(org):
        return services.contract_sign(
            actor=actor, beneficiary=person, data=contract_data(org, emp, training, **fields)
        )


def finish(org, contract, actor):
    """The contract runs its course (started, then completed today): the
    person may then exit."""
    with tenant_context(org):
        services.contract_start(actor=actor, contract=contract)
        services.contract_complete(actor=actor, contract=contract)
        contract.refresh_from_db()
    return contract


def world(org, territory, actor, tag: str = "") -> dict:
    """The placements objects of the route matrix (tests/route_cases.py), in
    `territory`: a person in session without a project, one with a project in
    progress, one seeking a contract, a signed contract, a contract in
    progress, and a follow-up after exit."""
    emp = employer(org, name=f"Matrice BTP{tag}", n=11)
    training = training_organisation(org, name=f"CFA Matrice{tag}", n=12)
    fresh = in_session(org, territory, actor, last_name=f"Projet{tag}", first_name="Sans")
    with_project = in_session(org, territory, actor, last_name=f"Projet{tag}", first_name="Avec")
    current = project(org, with_project, actor)
    seeking_person = seeking(org, territory, actor, last_name=f"Recherche{tag}", first_name="Ali")
    signed_person = seeking(org, territory, actor, last_name=f"Signé{tag}", first_name="Bo")
    signed = contract(org, signed_person, actor, emp, training)
    running_person = seeking(org, territory, actor, last_name=f"EnCours{tag}", first_name="Cy")
    running = contract(
        org,
        running_person,
        actor,
        emp,
        training,
        start=timezone.localdate() - datetime.timedelta(days=200),
    )
    exited_person = seeking(org, territory, actor, last_name=f"Sorti{tag}", first_name="Dan")
    done = contract(
        org,
        exited_person,
        actor,
        emp,
        training,
        start=timezone.localdate() - datetime.timedelta(days=400),
    )
    with tenant_context(org):
        services.contract_start(actor=actor, contract=running)
        services.contract_start(actor=actor, contract=done)
        services.contract_complete(actor=actor, contract=done)
        beneficiary_transition(
            actor=actor,
            beneficiary=exited_person,
            request=TransitionRequest(
                to_state="exited", exit_employment="cdi", exit_housing="private_rental"
            ),
        )
        follow_up = exited_person.follow_ups.get(months_after_exit=6)
        sector = Sector.objects.order_by("position").last()
        level = DiplomaLevel.objects.order_by("level").last()
        opco = Opco.objects.order_by("name").last()
    return {
        "pl_sector": sector,
        "pl_level": level,
        "pl_opco": opco,
        "pl_employer": emp,
        "pl_training": training,
        "pl_fresh": fresh,
        "pl_project": current,
        "pl_seeking": seeking_person,
        "pl_signed": signed,
        "pl_running": running,
        "pl_follow_up": follow_up,
    }

"""Fuzzing of the API: schemathesis generates requests, valid and invalid,
for every operation of the OpenAPI schema (/api/schema/) and sends them, in
process through the Django test client, as the admin and as the volunteer of
organisation A, whose objects (route_cases.world) the ids point at.

A run fails on:
- any 5xx (an exception in a view fails with the request to reproduce it);
- an answer the schema does not document: status code, content type, body
  (schemathesis's not_a_server_error, status_code_conformance,
  content_type_conformance and response_schema_conformance);
- a volunteer's request that is not refused (the route matrix,
  tests/test_route_matrix.py, allows the volunteer no API route);
- an operation that rejects every schema-valid request the admin sent
  (schemathesis's "schema validation mismatch" warning: the schema does not
  state a constraint the API enforces), unless REJECTED_BY_RULE says why the
  constraint cannot be written in a schema.

The bound (README, "Tests"): per operation, ADMIN_EXAMPLES generated requests
as the admin and VOLUNTEER_EXAMPLES as the volunteer (the gate answers before
anything is parsed), plus the examples the schema gives; no shrinking, no
example database, derandomised: every run sends the same requests. Each
request runs in a savepoint rolled back after it, so each meets the same
data. At most about 1,000 requests: about a minute on two cores."""

import json
import time
from collections import Counter

import pytest
import requests
import schemathesis
from django.db import transaction
from django.test import Client
from django.urls import resolve
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.renderers import OpenApiJsonRenderer
from hypothesis import HealthCheck, Phase, settings
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from beneficiaries.models import ReferringOrganisation
from placements.models import DiplomaLevel, Opco, Sector
from tests import route_cases
from tests.test_route_matrix import ALLOWED
from thrasos.accounts.models import Role
from thrasos.tenancy import tenant_context

ADMIN_EXAMPLES = 25
VOLUNTEER_EXAMPLES = 5
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]

# Operations whose every generated valid request may be refused, and why: a
# rule about other objects or about today, which a schema cannot state. Their
# refusals are still documented answers (400), checked like any other.
REJECTED_BY_RULE = {
    "POST /api/employeurs/": "a SIRET carries a Luhn checksum, which no schema states",
    "PUT /api/employeurs/{id}/": "a SIRET carries a Luhn checksum, which no schema states",
    "POST /api/organismes-formation/": "a SIRET carries a Luhn checksum, which no schema states",
    "PUT /api/organismes-formation/{id}/": "a SIRET carries a Luhn checksum, which no schema"
    " states",
    "POST /api/contrats/": "a contract is recorded for a person seeking a contract (the"
    " person's stage, another object), with dates bound to one another",
    "POST /api/projets/": "started on a date from 2000 to today (relative to today)",
    "PUT /api/projets/{id}/": "started on a date from 2000 to today (relative to today)",
    "PUT /api/contrats/{id}/": "dates bound to one another (signature before the start, end"
    " after it, 6 to 18 months or a justification, trial period inside) and to today",
    "POST /api/contrats/{id}/break/": "a break is dated between the contract's signature"
    " (another object) and today",
    "POST /api/suivis/{id}/record/": "either 'unreachable', or a date with how the situation"
    " was known and the situations: a rule across fields",
    "POST /api/occupations/{id}/end/": "the exit date lies between the entry date of that"
    " occupancy and today: bounds taken from another object and from today",
    "POST /api/occupations/{id}/move/": "the move happens after the entry date of that"
    " occupancy (another object), into a place free from that day",
    "POST /api/occupations/{id}/extend/": "the planned end comes after the entry date of that"
    " occupancy (another object) and at most five years from today",
    "POST /api/beneficiaires/{id}/assessments/": "at least one skill's level (a rule across"
    " four fields) and a date from 2000 to today (relative to today): OpenAPI 3.0 states"
    " neither",
    "PUT /api/sessions/{id}/": "a session starts between 2000 and two years from today and"
    " lasts at most 26 weeks (thrasos.core.validators.DateRange): bounds relative to today"
    " and between two fields, which OpenAPI 3.0 cannot state",
    "POST /api/activites/": "the date must fall within the session's ten weeks",
    "PUT /api/activites/{id}/": "the date must fall within the session's ten weeks",
    "POST /api/beneficiaires/{id}/transition/": "the moves allowed depend on the person's"
    " current stage (beneficiaries.pathway.ALLOWED)",
    "POST /api/beneficiaires/{id}/documents/": "the file's type is read from its bytes"
    " (PDF, JPEG, PNG, WebP, docx, odt): generated bytes are none of them",
}


def _openapi() -> dict:
    """The document /api/schema/ serves (test_the_fuzzed_schema_is_the_served_one)."""
    generated = SchemaGenerator().get_schema(request=None, public=True)
    return json.loads(OpenApiJsonRenderer().render(generated))


OPENAPI = _openapi()
# The coverage phase is left out: it sends every value of every enum (the
# case file alone has two country fields) and is not bounded by max-examples.
CONFIG = schemathesis.Config.from_dict(
    {
        "generation": {
            "mode": "all",
            "no-shrink": True,
            "deterministic": True,
            "database": "none",
            # The session cookie is the test client's, never a generated one.
            "with-security-parameters": False,
        },
        "phases": {
            "examples": {"enabled": True},
            "coverage": {"enabled": False},
            "fuzzing": {"enabled": True},
            "stateful": {"enabled": False},
        },
    }
)
SCHEMA = schemathesis.openapi.from_dict(OPENAPI, config=CONFIG)
HYPOTHESIS = {
    "deadline": None,
    "derandomize": True,
    "database": None,
    "phases": [Phase.explicit, Phase.generate],
    # The world is built once per operation (a function-scoped fixture, on
    # purpose); each request rolls back what it wrote.
    "suppress_health_check": [HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
}


@pytest.fixture
def world(two_tenants):
    world = route_cases.world(two_tenants["a"])
    with tenant_context(two_tenants["a"]["org"]):
        world["referrer"] = ReferringOrganisation.objects.create(
            name="CADA de Lyon", kind=ReferringOrganisation.Kind.RECEPTION_CENTRE
        )
        # The organisation's referentials (seeded with it).
        world["pl_sector"] = Sector.objects.first()
        world["pl_diploma_level"] = DiplomaLevel.objects.first()
        world["pl_opco"] = Opco.objects.first()
    return world


def _client(world: dict, role: str) -> Client:
    client = Client()
    client.force_login(world["a"]["members"][role].user)
    return client


@pytest.fixture
def admin(world):
    return _client(world, Role.ADMIN)


@pytest.fixture
def volunteer(world):
    return _client(world, Role.VOLUNTEER)


# Ids a schema cannot name: each {id}, and each reference in a body, points at
# an object of world() that the operation can act on.
REFERENCES = {
    "current_territory": "territory",
    "territory": "territory",
    "referring_organisation": "referrer",
    "session": "running",
    "beneficiary": "admitted",
    "participant": "enrolled",
    "enrolment": "enrolled",
    "replaces": "document",
    "unit": "housing_unit",
    "volunteer": "volunteer_profile",
    "employer": "pl_employer",
    "training_organisation": "pl_training",
    "sector": "pl_sector",
    "diploma_level": "pl_diploma_level",
    "opco": "pl_opco",
    "place": "housing_free_place",
}


def _point_at_world(case, world: dict) -> None:
    if "id" in (case.path_parameters or {}):
        name = resolve(case.operation.path.replace("{id}", "1")).url_name
        case.path_parameters["id"] = world[route_cases.OBJECT_OF[name]].pk
    for body in case.body if isinstance(case.body, list) else [case.body]:
        if isinstance(body, dict):
            for field, key in REFERENCES.items():
                if type(body.get(field)) is int:  # a wrong type stays: invalid on purpose
                    body[field] = world[key].pk


def _send(client: Client, case) -> schemathesis.Response:
    """The case through the Django test client, in a savepoint rolled back."""
    kwargs = case.as_transport_kwargs(base_url="http://testserver")
    prepared = requests.Request(
        **{k: kwargs.get(k) for k in ("method", "url", "headers", "params", "data", "json")},
        files=kwargs.get("files"),
    ).prepare()
    sent = {"content-type", "content-length", "cookie"}
    started = time.perf_counter()
    try:
        with transaction.atomic():
            response = client.generic(
                prepared.method,
                prepared.url.removeprefix("http://testserver"),
                data=prepared.body or b"",
                content_type=prepared.headers.get("Content-Type", ""),
                headers={k: v for k, v in prepared.headers.items() if k.lower() not in sent},
            )
            transaction.set_rollback(True)
    except Exception as error:  # a 500: say which request
        error.add_note(f"Reproduce with: {case.as_curl_command()}")
        raise
    return schemathesis.Response(
        status_code=response.status_code,
        headers={k.lower(): [v] for k, v in response.headers.items()},
        content=response.content,
        request=prepared,
        elapsed=time.perf_counter() - started,
        verify=False,
    )


def _is_positive(case) -> bool:
    return case.meta is not None and case.meta.generation.mode == GenerationMode.POSITIVE


@pytest.fixture
def acceptance():
    """What the admin's valid requests got, checked once all were sent."""
    seen = {"operation": None, "positive": 0, "accepted": 0, "refusals": Counter()}
    yield seen
    operation = seen["operation"]
    if (
        seen["positive"]
        and not seen["accepted"]
        and operation not in REJECTED_BY_RULE
        and seen.get("admin_allowed", True)
    ):
        refusals = "\n".join(f"{n} × {r}" for r, n in seen["refusals"].most_common(8))
        pytest.fail(
            f"{operation} refused all {seen['positive']} requests valid under its schema: "
            f"the schema does not state what the API checks.\n{refusals}"
        )


@SCHEMA.parametrize()
@settings(max_examples=ADMIN_EXAMPLES, **HYPOTHESIS)
@pytest.mark.django_db
def test_admin(case, world, admin, acceptance):
    _point_at_world(case, world)
    response = _send(admin, case)
    case.validate_response(response, checks=CHECKS)
    if _is_positive(case):
        name = resolve(case.operation.path.replace("{id}", "1")).url_name
        # A route of another role (a volunteer's own pages): the admin's
        # refusal is the gate, checked by the route matrix.
        acceptance["admin_allowed"] = Role.ADMIN in ALLOWED[name].get(case.method.lower(), ())
        acceptance["operation"] = case.operation.label
        acceptance["positive"] += 1
        if response.status_code < 400:
            acceptance["accepted"] += 1
        else:
            acceptance["refusals"][(response.status_code, response.content[:200])] += 1


@SCHEMA.parametrize()
@settings(max_examples=VOLUNTEER_EXAMPLES, **HYPOTHESIS)
@pytest.mark.django_db
def test_volunteer(case, world, volunteer):
    _point_at_world(case, world)
    response = _send(volunteer, case)
    case.validate_response(response, checks=CHECKS)
    name = resolve(case.operation.path.replace("{id}", "1")).url_name
    if Role.VOLUNTEER in ALLOWED[name].get(case.method.lower(), ()):
        return  # a volunteer's own route (the route matrix pins who may use it)
    # The gate answers first: 404 on a route about one object, 403 elsewhere.
    refusal = 404 if "{id}" in case.operation.path else 403
    assert response.status_code == refusal, response.content[:300]


@pytest.mark.django_db
def test_the_fuzzed_schema_is_the_served_one(two_tenants):
    client = _client({"a": two_tenants["a"]}, Role.ADMIN)
    response = client.get("/api/schema/", {"format": "json"})
    assert response.status_code == 200
    assert json.loads(response.content)["paths"] == OPENAPI["paths"]

"""One person with one row of every relation the modules hold about them,
their identifying values written into free texts too (and changed once, so
that the change history holds the old values), and a second person who must
stay untouched."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from beneficiaries.models import Document, PrerequisiteItem
from beneficiaries.services import (
    beneficiary_update,
    case_note_add,
    document_add,
    language_assessment_add,
    prerequisites_set,
)
from placements import services as placement_services
from sessions import services as session_services
from tests import factories
from tests.housing import factories as housing_factories
from tests.mentoring import factories as mentoring_factories
from tests.placements import factories as placement_factories
from thrasos.accounts.models import Role
from thrasos.audit.services import access_log_record
from thrasos.privacy import services
from thrasos.tenancy import tenant_context

PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"

SECRETS = {
    "last_name": "Zébulonne",
    "first_name": "Quiterie",
    "birth_date": datetime.date(1991, 3, 27),
    "phone": "0611223344",
    "email": "quiterie.zebulonne@example.org",
    "residence_document_number": "RD77889911",
    "protection_reference": "OFPRA5544332",
    "france_travail_id": "FT99887766",
}
OLD_PHONE = "0755667788"


def _with_secrets(text: str) -> str:
    return f"{text} – {SECRETS['first_name']} {SECRETS['last_name']} {SECRETS['phone']}"


@pytest.fixture
def full_person(two_tenants):
    a = two_tenants["a"]
    org, territory = a["org"], a["territory"]
    actor = a["members"][Role.ADMIN].user
    person = factories.admitted(
        org, territory, actor, **{**SECRETS, "phone": OLD_PHONE, "address": "3 rue Zébulonne"}
    )
    other = factories.admitted(org, territory, actor, last_name="Témoin", first_name="Tom")
    session = factories.session(
        org, territory, start=timezone.localdate() - datetime.timedelta(days=7)
    )
    emp = placement_factories.employer(org, name="Bâti Test", n=31)
    training = placement_factories.training_organisation(org, name="CFA Test", n=32)
    unit = housing_factories.unit(org, territory, places=2, name="Colocation Z")
    place, _free = housing_factories.places(org, unit)
    with tenant_context(org):
        beneficiary_update(actor=actor, beneficiary=person, data={"phone": SECRETS["phone"]})
        person.refresh_from_db()
        case_note_add(
            actor=actor, beneficiary=person, body=_with_secrets("Entretien"), confidentiality="team"
        )
        items = list(PrerequisiteItem.objects.order_by("position"))
        prerequisites_set(
            actor=actor,
            beneficiary=person,
            values={items[0]: ("met", f"Titre {SECRETS['residence_document_number']}")},
        )
        language_assessment_add(
            actor=actor,
            beneficiary=person,
            data={
                "assessed_on": timezone.localdate(),
                "kind": "before_session",
                "assessor": "CFA Test",
                "oral_comprehension": "A2",
            },
        )
        document = document_add(
            actor=actor,
            beneficiary=person,
            kind=Document.Kind.RESIDENCE,
            uploaded=SimpleUploadedFile(
                f"titre-{SECRETS['residence_document_number']}.pdf", PDF, "application/pdf"
            ),
        )
        enrolment = session_services.enrolment_create(
            actor=actor, session=session, beneficiary=person, comment=_with_secrets("Inscrite")
        )
        session_services.enrolment_create(actor=actor, session=session, beneficiary=other)
        session_services.session_start(actor=actor, session=session)
        activity = session_services.activity_create(
            actor=actor,
            session=session,
            data={
                "kind": "workshop",
                "title": "Atelier CV",
                "date": timezone.localdate() - datetime.timedelta(days=1),
                "start_time": datetime.time(9),
                "end_time": datetime.time(10),
            },
        )
        session_services.attendance_record(
            actor=actor, activity=activity, marks={enrolment.pk: "present"}
        )
        person.refresh_from_db()
    project = placement_factories.project(org, person, actor, comment=_with_secrets("Projet"))
    with tenant_context(org):
        placement_services.project_validate(actor=actor, project=project)
    contract = placement_factories.contract(
        org, person, actor, emp, training, break_reason="", tutor_contact=SECRETS["phone"]
    )
    occupancy = housing_factories.occupancy(
        org,
        actor,
        person,
        place,
        timezone.localdate() - datetime.timedelta(days=5),
        comment=_with_secrets("Entrée"),
    )
    profile = mentoring_factories.profile(org, a["members"][Role.VOLUNTEER], territory)
    pair = mentoring_factories.pair(org, profile, person, actor=actor)
    note = mentoring_factories.note(org, pair, summary=_with_secrets("Appel"))
    with tenant_context(org):
        notice = services.information_notice_record(
            actor=actor,
            person=person,
            data={"received_on": timezone.localdate(), "language": "ar"},
        )
        hold = services.retention_hold_record(
            actor=actor,
            person=person,
            data={
                "reason": _with_secrets("Contentieux"),
                "keep_until": timezone.localdate() + datetime.timedelta(days=90),
            },
        )
        access_log_record(actor=actor, obj=person)
    # A reminder about the person names them in its subject (no foreign key).
    from tests.notifications.helpers import notification_for

    notification_for(
        org,
        a["members"][Role.CASEWORKER],
        subject=f"{person.last_name.upper()} {person.first_name}",
        object_id=person.pk,
    )
    with tenant_context(org):
        access_log_record(actor=a["members"][Role.COORDINATOR].user, obj=document)
        access_log_record(actor=actor, obj=other)
    return {
        "a": a,
        "org": org,
        "actor": actor,
        "person": person,
        "other": other,
        "document": document,
        "enrolment": enrolment,
        "activity": activity,
        "project": project,
        "contract": contract,
        "occupancy": occupancy,
        "pair": pair,
        "note": note,
        "notice": notice,
        "hold": hold,
    }

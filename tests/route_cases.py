"""What the role matrix (tests/test_route_matrix.py) sends to each route of
organisation A: the objects a route is about, and a valid body for every
write, so that a refusal seen there is the gate and not a validation error
(the allowed roles must succeed with the same body).

`world(a)` builds one organisation's objects through the services; `url()` and
`request_kwargs()` turn a route name and a method into a request."""

import datetime
import json

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from beneficiaries.models import Document, PrerequisiteItem
from beneficiaries.services import document_add
from sessions import services as session_services
from tests import factories
from tests.apitokens.helpers import pass_mfa
from tests.notifications.helpers import notification_for
from tests.placements.factories import world as placements_world
from thrasos.accounts.models import Invitation, MembershipTerritory, Role
from thrasos.apitokens.models import Scope
from thrasos.apitokens.services import api_token_create
from thrasos.notifications.registry import kinds as notification_kinds
from thrasos.tenancy import tenant_context

PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"


def world(a: dict) -> dict:
    """Organisation A's objects, in the caseworker's territories."""
    org, territory = a["org"], a["territory"]
    actor = a["members"][Role.ADMIN].user
    caseworker = a["members"][Role.CASEWORKER]
    second = factories.territory(org, "Territoire A2", "84", "69")
    with tenant_context(org):
        MembershipTerritory.objects.create(membership=caseworker, territory=second)
    person = factories.beneficiary(org, territory, actor, last_name="Matrice", first_name="Léa")
    admitted = factories.admitted(org, territory, actor, last_name="Admise", first_name="Inès")
    people = [
        factories.admitted(org, territory, actor, last_name=f"Inscrit{i}", first_name="Yan")
        for i in range(4)
    ]
    running = factories.session(org, territory, capacity=2, name="Session en cours")
    planned = factories.session(
        org,
        territory,
        start=timezone.localdate() + datetime.timedelta(days=60),
        name="Session prévue",
    )
    today = timezone.localdate()
    with tenant_context(org):
        document = document_add(
            actor=actor,
            beneficiary=person,
            kind=Document.Kind.IDENTITY,
            uploaded=SimpleUploadedFile("piece.pdf", PDF, content_type="application/pdf"),
        )
        enrolled = [
            session_services.enrolment_create(actor=actor, session=running, beneficiary=b)
            for b in people
        ]
        session_services.session_start(actor=actor, session=running)
        # Two places taken and two people waiting; a third place then frees
        # one, so that the first on the waiting list can be promoted.
        session_services.session_update(
            actor=actor, session=running, data={"capacity": 3, "name": running.name}
        )

        def activity(day_offset: int, hour: int):
            return session_services.activity_create(
                actor=actor,
                session=running,
                data={
                    "kind": "workshop",
                    "title": "Atelier CV",
                    "date": max(running.start_date, today - datetime.timedelta(days=day_offset)),
                    "start_time": datetime.time(hour),
                    "end_time": datetime.time(hour + 1),
                },
            )

        past, spare, cancelled = activity(1, 9), activity(2, 11), activity(3, 14)
        session_services.activity_cancel(actor=actor, activity=cancelled, reason="Grève")
        invitation = Invitation.objects.create(
            email="invitee@a.example.org",
            role=Role.VOLUNTEER,
            token_hash="matrix-a",
            invited_by=actor,
            expires_at="2099-01-01T00:00:00Z",
        )
        items = list(PrerequisiteItem.objects.order_by("position", "id"))
        tokens = {
            role: api_token_create(
                actor=member.user,
                membership=member,
                name="Intégration",
                scope=Scope.READ,
                expires_at=timezone.now() + datetime.timedelta(days=30),
            )[0]
            for role, member in a["members"].items()
        }
    return {
        "a": a,
        "territory": territory,
        "second_territory": second,
        "person": person,
        "admitted": admitted,
        "document": document,
        "running": running,
        "planned": planned,
        "enrolled": enrolled[0],
        "enrolled_2": enrolled[1],
        "waiting": enrolled[2],
        "waiting_2": enrolled[3],
        "past": past,
        "spare": spare,
        "cancelled": cancelled,
        "invitation": invitation,
        "member": a["members"][Role.VOLUNTEER],
        "items": items,
        "tokens": tokens,
        "notifications": {
            role: notification_for(org, member, subject="Matrice Léa")
            for role, member in a["members"].items()
        },
        **_housing(a, actor, people[0]),
        **placements_world(org, territory, actor),
        **_mentoring_world(a, actor),
        **_privacy_world(a, actor, person),
        "report": ready_report(org, a["members"][Role.MANAGER].user, "Organisation A"),
    }


def ready_report(org, actor, label: str):
    """An activity report already generated (thrasos/reports)."""
    from thrasos.reports.models import ReportFile, ReportRequest

    with tenant_context(org):
        report = ReportRequest.objects.create(
            requested_by=actor,
            scope_kind="organisation",
            scope_label=label,
            period_start=datetime.date(2026, 1, 1),
            period_end=datetime.date(2026, 6, 30),
            as_of=datetime.date(2026, 7, 1),
            status="ready",
            digest="0" * 64,
            pages=1,
        )
        ReportFile.objects.create(report=report, content=PDF, size=len(PDF))
    return report


def _housing(a: dict, actor, person) -> dict:
    """A unit of the caseworker's territory with a place occupied for a month
    and a free place."""
    from tests.housing import factories as housing_factories

    unit = housing_factories.unit(a["org"], a["territory"], places=2, name="Colocation Matrice")
    occupied, free = housing_factories.places(a["org"], unit)
    occupancy = housing_factories.occupancy(
        a["org"], actor, person, occupied, timezone.localdate() - datetime.timedelta(days=30)
    )
    return {
        "housing_unit": unit,
        "housing_free_place": free,
        "housing_occupancy": occupancy,
        "housing_person": factories.admitted(
            a["org"], a["territory"], actor, last_name="Logée", first_name="Awa"
        ),
    }


def _mentoring_world(a: dict, actor) -> dict:
    """The demo volunteer of A (territory A, with the caseworker) paired with
    one person, a note they may still correct and an open alert; a second
    volunteer paired with another person (not the first volunteer's)."""
    from tests.mentoring import factories as mentoring_factories

    org, territory = a["org"], a["territory"]
    profile = mentoring_factories.profile(org, a["members"][Role.VOLUNTEER], territory)
    mentee = factories.beneficiary(org, territory, actor, last_name="Binome", first_name="Sara")
    pair = mentoring_factories.pair(org, profile, mentee, actor=actor)
    return {
        "volunteer_profile": profile,
        "pair": pair,
        "mentoring_note": mentoring_factories.note(org, pair),
        "mentoring_alert": mentoring_factories.note(org, pair, alert="soon"),
    }


def _privacy_world(a: dict, actor, person) -> dict:
    """A subject access export of the person, ready to download."""
    from django.core.files.base import ContentFile

    from thrasos.privacy.models import SubjectAccessExport

    with tenant_context(a["org"]):
        export = SubjectAccessExport.objects.create(
            person=person, requested_by=actor, status=SubjectAccessExport.Status.READY
        )
        export.file.save(f"{a['org'].pk}/{export.pk}.zip", ContentFile(b"PK\x05\x06" + bytes(18)))
    return {"privacy_export": export}


# Route name -> the object of world() it is about.
OBJECT_OF = {
    "territory_edit": "territory",
    "member_edit": "member",
    "member_deactivate": "member",
    "member_reactivate": "member",
    "invitation_revoke": "invitation",
    "beneficiaries:detail": "person",
    "beneficiaries:summary_pdf": "person",
    "beneficiaries:edit": "person",
    "beneficiaries:transition": "person",
    "beneficiaries:note_add": "person",
    "beneficiaries:move": "person",
    "beneficiaries:prerequisites": "person",
    "beneficiaries:assessment_add": "person",
    "beneficiaries:document_upload": "person",
    "beneficiary-detail": "person",
    "beneficiary-notes": "person",
    "beneficiary-transition": "person",
    "beneficiary-assessments": "person",
    "beneficiary-documents": "person",
    "sessions:detail": "running",
    "sessions:edit": "planned",
    "sessions:status": "planned",
    "sessions:enrol": "planned",
    "sessions:activity_create": "running",
    "sessions:series_create": "running",
    "sessions:grid": "running",
    "sessions:ical": "running",
    "sessions:signin_sheet_week": "running",
    "sessions:signin_sheet": "past",
    "sessions:enrolment_end": "enrolled",
    "sessions:enrolment_promote": "waiting",
    "sessions:enrolment_remove": "waiting_2",
    "sessions:enrolment_reorder": "waiting_2",
    "sessions:attendance": "past",
    "sessions:activity_edit": "spare",
    "sessions:activity_cancel": "spare",
    "sessions:activity_restore": "cancelled",
    "session-detail": "planned",
    "session-enrol": "planned",
    "session-set-status": "planned",
    "enrolment-detail": "enrolled",
    "enrolment-complete": "enrolled",
    "enrolment-drop-out": "enrolled_2",
    "enrolment-promote": "waiting",
    "enrolment-remove": "waiting_2",
    "activity-detail": "spare",
    "activity-attendance": "past",
    "activity-cancel": "spare",
    "housing:unit": "housing_unit",
    "housing:unit_edit": "housing_unit",
    "housing:place_add": "housing_unit",
    "housing:place_close": "housing_free_place",
    "housing:place_book": "housing_free_place",
    "housing:occupancy_extend": "housing_occupancy",
    "housing:occupancy_move": "housing_occupancy",
    "housing:occupancy_end": "housing_occupancy",
    "housing:case_file_book": "housing_person",
    "housing-unit-detail": "housing_unit",
    "housing-place-detail": "housing_free_place",
    "housing-occupancy-detail": "housing_occupancy",
    "housing-occupancy-extend": "housing_occupancy",
    "housing-occupancy-move": "housing_occupancy",
    "housing-occupancy-end": "housing_occupancy",
    "placements:employer_detail": "pl_employer",
    "placements:employer_edit": "pl_employer",
    "placements:training_detail": "pl_training",
    "placements:training_edit": "pl_training",
    "placements:project_create": "pl_fresh",
    "placements:project_edit": "pl_project",
    "placements:project_validate": "pl_project",
    "placements:project_abandon": "pl_project",
    "placements:contract_create": "pl_seeking",
    "placements:contract_edit": "pl_signed",
    "placements:contract_start": "pl_signed",
    "placements:contract_break": "pl_signed",
    "placements:contract_complete": "pl_running",
    "placements:contract_result": "pl_running",
    "placements:follow_up_record": "pl_follow_up",
    "employer-detail": "pl_employer",
    "training-organisation-detail": "pl_training",
    "project-detail": "pl_project",
    "project-validate": "pl_project",
    "project-abandon": "pl_project",
    "contract-detail": "pl_signed",
    "contract-start": "pl_signed",
    "contract-break": "pl_signed",
    "contract-complete": "pl_running",
    "contract-result": "pl_running",
    "follow-up-detail": "pl_follow_up",
    "follow-up-record": "pl_follow_up",
    "mentoring:mentee": "pair",
    "mentoring:note_create": "pair",
    "mentoring:note_edit": "mentoring_note",
    "mentoring:alert_acknowledge": "mentoring_alert",
    "mentoring:volunteer_profile": "member",
    "mentoring:nudge": "volunteer_profile",
    "mentoring:mentorship_create": "person",
    "mentoring:mentorship_status": "pair",
    "mentorship-detail": "pair",
    "mentorship-set-status": "pair",
    "mentoring-note-detail": "mentoring_note",
    "mentoring-alert-detail": "mentoring_alert",
    "mentoring-alert-acknowledge": "mentoring_alert",
    "my-mentorship-detail": "pair",
    "my-mentorship-notes": "pair",
    "my-note-detail": "mentoring_note",
    "placements:sector_edit": "pl_sector",
    "placements:diploma_level_edit": "pl_level",
    "placements:opco_edit": "pl_opco",
    "privacy:person": "person",
    "privacy:notice_add": "person",
    "privacy:export_request": "person",
    "privacy:hold_add": "person",
    "privacy:anonymise": "person",
    "reports:status": "report",
    "reports:download": "report",
    "report-detail": "report",
}


def log_in(client, user) -> None:
    """Logged in through the real forms, password then code: creating an API
    token asks for a second factor passed just now."""
    pass_mfa(client, user)
    client.get(reverse("home"))  # the first request of a session writes it


def url(name: str, w: dict, role: str) -> str:
    if name == "api_token_revoke":
        return reverse(name, kwargs={"pk": w["tokens"][role].pk})
    if name == "privacy:export_download":
        return reverse(name, kwargs={"pk": w["person"].pk, "export_pk": w["privacy_export"].pk})
    if name in ("notifications:open", "notifications:read"):
        return reverse(name, kwargs={"pk": w["notifications"][role].pk})
    if name == "beneficiaries:document_download":
        return reverse(name, kwargs={"pk": w["person"].pk, "document_pk": w["document"].pk})
    if name in OBJECT_OF:
        return reverse(name, kwargs={"pk": w[OBJECT_OF[name]].pk})
    if name == "reports:export":
        return reverse(name, kwargs={"kind": "xlsx"})
    return reverse(name)


def _person_fields(w: dict) -> dict:
    return {
        "last_name": "Nouvelle",
        "first_name": "Personne",
        "sex": "F",
        "birth_date": "1990-03-04",
        "protection_status": "refugee",
        "preferred_language": "fr",
        "referral_date": timezone.localdate().isoformat(),
    }


def _session_fields(w: dict, name: str) -> dict:
    start = timezone.localdate() + datetime.timedelta(days=90)
    return {
        "name": name,
        "territory": w["territory"].pk,
        "start_date": start.isoformat(),
        "capacity": 12,
        "planned_fle_hours": 100,
    }


def _activity_fields(w: dict) -> dict:
    return {
        "kind": "workshop",
        "title": "Atelier entretien",
        "date": timezone.localdate().isoformat(),
        "start_time": "16:00",
        "end_time": "17:00",
    }


def _form(w: dict, name: str) -> dict:
    """Bodies of the page (and htmx) forms."""
    today = timezone.localdate().isoformat()
    match name:
        case "notifications:preferences":
            return {k.code: "digest" for k in notification_kinds()}
        case "notifications:options":
            return {"sessions.start_on_start_date": "on"}
        case "reports:index":
            return {"start": "2026-01-01", "end": "2026-06-30", "scope": "organisation"}
        case "territory_create" | "territory_edit":
            return {"name": "Territoire Nouveau", "region": "84", "departement": "69"}
        case "member_edit":
            return {"role": Role.VOLUNTEER, "territories": [w["territory"].pk]}
        case "invitation_create":
            return {
                "email": "nouvelle@a.example.org",
                "role": Role.CASEWORKER,
                "territories": [w["territory"].pk],
            }
        case "beneficiaries:create":
            return {**_person_fields(w), "current_territory": w["territory"].pk}
        case "beneficiaries:edit":
            return {**_person_fields(w), "last_name": "Matrice", "first_name": "Léa"}
        case "beneficiaries:transition":
            return {"to_state": "candidate", "on": today}
        case "beneficiaries:note_add":
            return {"body": "Rendez-vous fait.", "confidentiality": "team"}
        case "privacy:notice_add":
            return {"received_on": today, "language": "ar"}
        case "privacy:hold_add":
            keep_until = timezone.localdate() + datetime.timedelta(days=180)
            return {"reason": "Procédure en cours", "keep_until": keep_until.isoformat()}
        case "privacy:anonymise":
            return {"kind": "decision", "reason": "Demande du DPO", "confirm_name": "Matrice"}
        case "beneficiaries:move":
            return {"territory": w["second_territory"].pk, "moved_on": today}
        case "beneficiaries:prerequisites":
            data = {}
            for item in w["items"]:
                data[f"status_{item.pk}"] = "met"
                data[f"evidence_{item.pk}"] = "Vu"
            return data
        case "beneficiaries:assessment_add":
            return _assessment()
        case "beneficiaries:document_upload":
            return {"kind": Document.Kind.CV, "file": SimpleUploadedFile("cv.pdf", PDF)}
        case "sessions:create":
            return _session_fields(w, "Session nouvelle")
        case "sessions:edit":
            return {**_session_fields(w, "Session prévue"), "site": "Bordeaux"}
        case "sessions:status":
            return {"status": "recruiting"}
        case "sessions:enrol":
            return {"beneficiary": w["admitted"].pk}
        case "sessions:activity_create" | "sessions:activity_edit":
            return _activity_fields(w)
        case "sessions:series_create":
            return {**_activity_fields(w), "weekdays": ["0", "2"]}
        case "sessions:enrolment_end":
            return {"outcome": "completed", "on": today}
        case "sessions:enrolment_reorder":
            return {"direction": "up"}
        case "sessions:activity_cancel":
            return {"reason": "Formateur absent"}
        case "api_token_create":
            return {"name": "Tableau de bord", "scope": "read", "validity": "90"}
        case "sessions:attendance":
            return {f"p{w['enrolled'].pk}": "present", f"p{w['enrolled_2'].pk}": "late"}
        case "housing:unit_create" | "housing:unit_edit":
            return _unit_fields(w, "Colocation Nouvelle" if name.endswith("create") else None)
        case "housing:place_add":
            return {"label": "Chambre 9"}
        case "housing:place_close":
            return {"closed_on": (timezone.localdate() + datetime.timedelta(days=30)).isoformat()}
        case "housing:place_book":
            return {"beneficiary": w["housing_person"].pk, "start_date": today}
        case "housing:occupancy_extend":
            start = w["housing_occupancy"].start_date
            return {"planned_end_date": (start + datetime.timedelta(days=240)).isoformat()}
        case "housing:occupancy_move":
            return {"place": w["housing_free_place"].pk, "on": today}
        case "housing:occupancy_end":
            return {
                "end_date": today,
                "destination": "unknown",
                "early_end_reason": "other",
                "early_end_justification": "Départ sans préavis.",
            }
        case "housing:case_file_book":
            return {"start_date": today, "place": w["housing_free_place"].pk}
        case "mentoring:note_create" | "mentoring:note_edit":
            return {
                "kind": "call",
                "duration_minutes": "20",
                "topics": ["housing"],
                "summary": "Appel au sujet du logement.",
                "occurred_on": today,
            }
        case "mentoring:alert_acknowledge":
            return {"comment": "Vu, je l'appelle demain."}
        case "mentoring:volunteer_profile":
            return {
                "territory": w["territory"].pk,
                "availability": "Le mardi",
                "languages": ["fr"],
                "charter_signed_on": today,
                "is_active": "on",
            }
        case "mentoring:nudge":
            return {"message": "Des nouvelles de votre binôme ?"}
        case "mentoring:mentorship_create":
            return {"volunteer": w["volunteer_profile"].pk, "started_on": today}
        case "mentoring:mentorship_status":
            return {"status": "paused"}
        case "mentoring:settings":
            return {"mentee_name": "full"}
        case "placements:sector_create" | "placements:sector_edit":
            return {"name": "Propreté urbaine", "position": "20", "is_active": "on"}
        case "placements:diploma_level_edit":
            return {"name": "Niveau 8 – doctorat (renommé)"}
        case "placements:opco_create" | "placements:opco_edit":
            return {"name": "OPCO Nouveau", "is_active": "on"}
    return _placements_form(w, name)


def _unit_fields(w: dict, name: str | None) -> dict:
    return {
        "name": name or w["housing_unit"].name,
        "territory": w["territory"].pk,
        "kind": "shared_flat",
        "address": "3 rue du Port",
        "postcode": "33000",
        "city": "Bordeaux",
        "departement": "33",
        "landlord_kind": "private",
        "opened_on": "2025-01-01",
    }


def _assessment() -> dict:
    return {
        "assessed_on": timezone.localdate().isoformat(),
        "kind": "before_session",
        "assessor": "Organisme de formation",
        "oral_comprehension": "A2",
        "oral_expression": "A1",
        "written_comprehension": "A2",
        "written_expression": "A1",
    }


def _api(w: dict, name: str, method: str):
    """JSON bodies of the API's writes (None: multipart)."""
    today = timezone.localdate().isoformat()
    match (name, method):
        case ("report-list", "post"):
            return {"start": "2026-01-01", "end": "2026-06-30", "scope": "organisation"}
        case ("beneficiary-list", "post"):
            return {**_person_fields(w), "current_territory": w["territory"].pk}
        case ("beneficiary-detail", "put"):
            return {**_person_fields(w), "current_territory": w["territory"].pk}
        case ("beneficiary-detail", "patch"):
            return {"phone": "+33 6 12 34 56 78"}
        case ("beneficiary-transition", "post"):
            return {"to_state": "candidate"}
        case ("beneficiary-notes", "post"):
            return {"body": "Appel fait.", "confidentiality": "team"}
        case ("beneficiary-assessments", "post"):
            return _assessment()
        case ("beneficiary-documents", "post"):
            return None
        case ("session-list", "post"):
            return _session_fields(w, "Session API")
        case ("session-detail", "put"):
            return _session_fields(w, "Session prévue")
        case ("session-detail", "patch"):
            return {"site": "Lyon"}
        case ("session-enrol", "post"):
            return {"beneficiary": w["admitted"].pk}
        case ("session-set-status", "post"):
            return {"status": "recruiting"}
        case ("enrolment-complete", "post"):
            return {"on": today}
        case ("enrolment-drop-out", "post"):
            return {"on": today, "reason": "health", "comment": ""}
        case ("enrolment-promote" | "enrolment-remove", "post"):
            return {}
        case ("activity-list", "post"):
            return {**_activity_fields(w), "session": w["running"].pk}
        case ("activity-detail", "put"):
            return _activity_fields(w)
        case ("activity-detail", "patch"):
            return {"place": "Salle 2"}
        case ("activity-series", "post"):
            return {**_activity_fields(w), "session": w["running"].pk, "weekdays": [0, 2]}
        case ("activity-attendance", "post"):
            return [
                {"enrolment": w["enrolled"].pk, "status": "present"},
                {"enrolment": w["enrolled_2"].pk, "status": "late"},
            ]
        case ("activity-cancel", "post"):
            return {"reason": "Formateur absent"}
        case ("housing-unit-list", "post"):
            return _unit_fields(w, "Colocation API")
        case ("housing-unit-detail", "put"):
            return _unit_fields(w, None)
        case ("housing-unit-detail", "patch"):
            return {"notes": "Digicode au bureau."}
        case ("housing-place-list", "post"):
            return {"unit": w["housing_unit"].pk, "label": "Chambre 9"}
        case ("housing-occupancy-list", "post"):
            return {
                "place": w["housing_free_place"].pk,
                "beneficiary": w["housing_person"].pk,
                "start_date": today,
            }
        case ("housing-occupancy-extend", "post"):
            start = w["housing_occupancy"].start_date
            return {"planned_end_date": (start + datetime.timedelta(days=240)).isoformat()}
        case ("housing-occupancy-move", "post"):
            return {"place": w["housing_free_place"].pk, "on": today}
        case ("housing-occupancy-end", "post"):
            return {
                "end_date": today,
                "destination": "unknown",
                "early_end_reason": "other",
                "early_end_justification": "Départ sans préavis.",
            }
        case ("mentorship-list", "post"):
            return {
                "volunteer": w["volunteer_profile"].pk,
                "beneficiary": w["person"].pk,
                "started_on": today,
            }
        case ("mentorship-set-status", "post"):
            return {"status": "paused"}
        case ("mentoring-alert-acknowledge", "post"):
            return {"comment": "Vu, je l'appelle demain."}
        case ("my-mentorship-notes", "post"):
            return {
                "duration_minutes": 20,
                "kind": "call",
                "topics": ["housing"],
                "summary": "Appel au sujet du logement.",
            }
        case ("my-note-detail", "patch"):
            return {"duration_minutes": 30, "summary": "Appel corrigé : 30 minutes."}
    return _placements_api(w, name, method)


def request_kwargs(name: str, method: str, w: dict) -> dict:
    """The keyword arguments of the test client's call for a write."""
    if method == "get":
        return {}
    if name.startswith(
        (
            "beneficiary-",
            "session-",
            "enrolment-",
            "activity-",
            "housing-",
            *PLACEMENTS_API,
            "mentorship-",
            "mentoring-",
            "my-mentorship-",
            "my-note-",
            "report-",
        )
    ):
        body = _api(w, name, method)
        if body is None:
            return {"data": {"kind": Document.Kind.CV, "file": SimpleUploadedFile("cv.pdf", PDF)}}
        return {"data": json.dumps(body), "content_type": "application/json"}
    return {"data": _form(w, name)}


# --- placements

PLACEMENTS_API = ("employer-", "training-organisation-", "project-", "contract-", "follow-up-")


def _partner(w: dict, n: int, kind: str) -> dict:
    from tests.placements.factories import siret

    data = {
        "name": f"Partenaire {n}",
        "siret": siret(1000 + n),
        "city": "Lyon",
        "departement": "69",
        "regions": ["84"],
    }
    if kind == "employer":
        data["sector"] = w["pl_employer"].sector_id
    return data


def _project_fields(w: dict) -> dict:
    return {
        "target_job": "Aide-soignant",
        "rome_code": "J1501",
        "sector": w["pl_employer"].sector_id,
        "target_regions": ["84"],
        "started_on": timezone.localdate().isoformat(),
    }


def _contract_fields(w: dict) -> dict:
    start = timezone.localdate() - datetime.timedelta(days=3)
    return {
        "kind": "professionalisation",
        "employer": w["pl_employer"].pk,
        "training_organisation": w["pl_training"].pk,
        "diploma_title": "Titre pro Agent de propreté",
        "signed_on": (start - datetime.timedelta(days=2)).isoformat(),
        "start_date": start.isoformat(),
        "end_date": (start + datetime.timedelta(days=360)).isoformat(),
        "work_city": "Lyon",
        "work_departement": "69",
        "weekly_hours": "35",
    }


def _placements_form(w: dict, name: str) -> dict:
    today = timezone.localdate().isoformat()
    match name:
        case "placements:employer_create":
            return _partner(w, 1, "employer")
        case "placements:employer_edit":
            return {**_partner(w, 2, "employer"), "siret": w["pl_employer"].siret}
        case "placements:training_create":
            return _partner(w, 3, "training")
        case "placements:training_edit":
            return {**_partner(w, 4, "training"), "siret": w["pl_training"].siret}
        case "placements:project_create" | "placements:project_edit":
            return _project_fields(w)
        case "placements:project_validate":
            return {"on": today}
        case "placements:project_abandon":
            return {"on": today, "comment": "Réorientation"}
        case "placements:contract_create" | "placements:contract_edit":
            return _contract_fields(w)
        case "placements:contract_break":
            return {"on": today, "broken_by": "employer", "reason": "Fermeture du site"}
        case "placements:contract_complete":
            return {"on": today}
        case "placements:contract_result":
            return {"result": "obtained", "exam_date": today}
        case "placements:follow_up_record":
            return {
                "observed_on": today,
                "method": "phone",
                "employment": "cdi",
                "housing": "social_housing",
            }
    return {}


def _placements_api(w: dict, name: str, method: str):
    today = timezone.localdate().isoformat()
    match (name, method):
        case ("employer-list", "post"):
            return {**_partner(w, 5, "employer"), "contacts": [{"name": "Mme Lopez"}]}
        case ("employer-detail", "put"):
            return {**_partner(w, 6, "employer"), "siret": w["pl_employer"].siret}
        case ("training-organisation-list", "post"):
            return _partner(w, 7, "training")
        case ("training-organisation-detail", "put"):
            return {**_partner(w, 8, "training"), "siret": w["pl_training"].siret}
        case ("employer-detail" | "training-organisation-detail", "patch"):
            return {"notes": "Recrute en septembre"}
        case ("project-list", "post"):
            return {**_project_fields(w), "beneficiary": w["pl_fresh"].pk}
        case ("project-detail", "put"):
            return _project_fields(w)
        case ("project-detail", "patch"):
            return {"target_job": "Agent de service hospitalier"}
        case ("project-validate", "post"):
            return {}
        case ("project-abandon", "post"):
            return {"comment": "Réorientation"}
        case ("contract-list", "post"):
            return {**_contract_fields(w), "beneficiary": w["pl_seeking"].pk}
        case ("contract-detail", "put"):
            return _contract_fields(w)
        case ("contract-detail", "patch"):
            return {"tutor_name": "Mme Petit"}
        case ("contract-start" | "contract-complete", "post"):
            return {}
        case ("contract-break", "post"):
            return {"on": today, "broken_by": "both", "reason": "Accord commun"}
        case ("contract-result", "post"):
            return {"result": "failed", "exam_date": today}
        case ("follow-up-record", "post"):
            return {"observed_on": today, "method": "unreachable"}
    return {}

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from beneficiaries.models import Document
from beneficiaries.services import case_note_add, document_add
from mentoring import selectors, services
from mentoring.models import MentoringNote, Mentorship, Nudge, VolunteerProfile
from tests import factories, route_cases
from tests.mentoring import factories as mf
from tests.test_route_matrix import all_routes, classify, example_url
from thrasos.accounts.models import Role
from thrasos.tenancy import tenant_context

NOTE = {
    "kind": "call",
    "duration_minutes": "20",
    "topics": ["housing"],
    "summary": "Appel au sujet du logement.",
}


@pytest.fixture
def w(two_tenants):
    return {**mf.mentoring_world(two_tenants["a"]), "a": two_tenants["a"], "b": two_tenants["b"]}


@pytest.fixture
def volunteer(client, w):
    client.force_login(w["volunteer"].user)
    return client


@pytest.fixture
def caseworker(client, w):
    client.force_login(w["a"]["members"][Role.CASEWORKER].user)
    return client


def _count(model, org):
    with tenant_context(org):
        return model.objects.count()


# --- the volunteer


def test_my_mentees_shows_only_my_pairs_contact_and_alert_badge(volunteer, w):
    mf.note(w["org"], w["pair"], alert="urgent")
    response = volunteer.get(reverse("mentoring:index"))
    body = response.content.decode()
    assert response.status_code == 200
    assert "Amina M." in body and "0611223344" in body
    assert "1 alerte ouverte" in body
    assert "Karim" not in body and "Autre" not in body
    assert reverse("mentoring:note_create", args=[w["pair"].pk]) in body


def test_my_mentees_query_count_does_not_grow_with_the_mentees(
    volunteer, w, django_assert_num_queries
):
    url = reverse("mentoring:index")
    volunteer.get(url)
    with django_assert_num_queries(MY_MENTEES_QUERIES):
        volunteer.get(url)
    for i in range(3):
        person = factories.beneficiary(w["org"], w["territory"], w["admin"], last_name=f"Plus{i}")
        pair = mf.pair(w["org"], w["profile"], person, actor=w["admin"])
        mf.note(w["org"], pair, alert="soon")
    with django_assert_num_queries(MY_MENTEES_QUERIES):
        assert volunteer.get(url).status_code == 200


MY_MENTEES_QUERIES = 15  # + the organisation's name setting, the housing cities, the bell


def test_a_volunteer_cannot_reach_another_volunteers_mentee(volunteer, w):
    theirs = mf.note(w["org"], w["other_pair"])
    pair = w["other_pair"].pk
    assert volunteer.get(reverse("mentoring:mentee", args=[pair])).status_code == 404
    for url in (
        reverse("mentoring:note_create", args=[pair]),
        reverse("mentoring:note_edit", args=[theirs.pk]),
    ):
        assert volunteer.get(url).status_code == 404, url
        assert volunteer.post(url, {**NOTE, "summary": "Intrus"}).status_code == 404, url
    with tenant_context(w["org"]):
        assert MentoringNote.objects.get(pk=theirs.pk).summary == mf.SUMMARY
        assert MentoringNote.objects.count() == 1


def test_a_volunteer_of_another_organisation_gets_404(client, w):
    client.force_login(w["b"]["members"][Role.VOLUNTEER].user)
    assert client.get(reverse("mentoring:mentee", args=[w["pair"].pk])).status_code == 404
    assert (
        client.post(reverse("mentoring:note_create", args=[w["pair"].pk]), NOTE).status_code == 404
    )
    assert _count(MentoringNote, w["org"]) == 0


def test_writing_a_note_in_a_few_taps(volunteer, w):
    url = reverse("mentoring:note_create", args=[w["pair"].pk])
    page = volunteer.get(url).content.decode()
    assert 'type="radio" name="kind" value="call"' in page
    response = volunteer.post(url, {**NOTE, "occurred_on": timezone.localdate().isoformat()})
    assert response.status_code == 302
    assert response["Location"] == reverse("mentoring:mentee", args=[w["pair"].pk])
    with tenant_context(w["org"]):
        note = MentoringNote.objects.get()
    assert (note.kind, note.duration_minutes, note.topics) == ("call", 20, ["housing"])
    assert note.author == w["volunteer"].user and not note.has_alert
    mentee = volunteer.get(response["Location"]).content.decode()
    assert "Appel au sujet du logement." in mentee


def test_a_bad_note_gets_a_french_error_and_keeps_what_was_typed(volunteer, w):
    url = reverse("mentoring:note_create", args=[w["pair"].pk])
    tomorrow = (timezone.localdate() + datetime.timedelta(days=1)).isoformat()
    response = volunteer.post(
        url, {**NOTE, "occurred_on": tomorrow, "alert": "on", "summary": "Texte gardé"}
    )
    body = response.content.decode()
    assert response.status_code == 400
    assert "Choisissez" in body or "urgent" in body
    assert "Dites en quelques mots" in body
    assert "Texte gardé" in body
    response = volunteer.post(url, {**NOTE, "occurred_on": tomorrow})
    assert response.status_code == 400
    assert "ne peut pas être dans le futur" in response.content.decode()
    response = volunteer.post(url, {"summary": ""})
    assert response.status_code == 400
    assert _count(MentoringNote, w["org"]) == 0


def test_a_note_with_an_alert_and_its_acknowledgement_seen_by_the_volunteer(
    volunteer, client_factory, w
):
    url = reverse("mentoring:note_create", args=[w["pair"].pk])
    response = volunteer.post(
        url,
        {
            **NOTE,
            "occurred_on": timezone.localdate().isoformat(),
            "alert": "on",
            "alert_urgency": "urgent",
            "alert_reason": "Courrier d'expulsion reçu",
        },
    )
    assert response.status_code == 302
    with tenant_context(w["org"]):
        note = MentoringNote.objects.get()
    staff = client_factory()
    staff.force_login(w["a"]["members"][Role.CASEWORKER].user)
    inbox = staff.get(reverse("mentoring:alerts")).content.decode()
    assert "Courrier d&#x27;expulsion reçu" in inbox
    ack = reverse("mentoring:alert_acknowledge", args=[note.pk])
    bad = staff.post(ack, {"comment": " "})
    assert bad.status_code == 400 and "obligatoire" in bad.content.decode()
    assert staff.post(ack, {"comment": "J'appelle le bailleur."}).status_code == 302
    assert "Courrier" not in staff.get(reverse("mentoring:alerts")).content.decode()
    mentee = volunteer.get(reverse("mentoring:mentee", args=[w["pair"].pk])).content.decode()
    assert "J&#x27;appelle le bailleur." in mentee
    # A volunteer cannot acknowledge.
    assert volunteer.post(ack, {"comment": "x"}).status_code == 404


def test_a_note_is_corrected_within_48_hours_only(volunteer, w):
    note = mf.note(w["org"], w["pair"])
    url = reverse("mentoring:note_edit", args=[note.pk])
    assert volunteer.get(url).status_code == 200
    data = {**NOTE, "summary": "Corrigé", "occurred_on": note.occurred_on.isoformat()}
    assert volunteer.post(url, data).status_code == 302
    with tenant_context(w["org"]):
        MentoringNote.objects.filter(pk=note.pk).update(
            created_at=timezone.now() - datetime.timedelta(hours=49)
        )
    assert volunteer.get(url).status_code == 302
    response = volunteer.post(url, {**data, "summary": "Trop tard"})
    assert response.status_code == 400
    assert "48 heures" in response.content.decode()
    with tenant_context(w["org"]):
        assert MentoringNote.objects.get(pk=note.pk).summary == "Corrigé"


def test_a_nudge_appears_on_the_volunteers_home(caseworker, client_factory, w):
    url = reverse("mentoring:nudge", args=[w["profile"].pk])
    assert caseworker.post(url, {"message": ""}).status_code == 400
    assert caseworker.post(url, {"message": "Des nouvelles d'Amina ?"}).status_code == 302
    volunteer = client_factory()
    volunteer.force_login(w["volunteer"].user)
    assert (
        "Des nouvelles d&#x27;Amina ?" in volunteer.get(reverse("mentoring:index")).content.decode()
    )
    other = client_factory()
    other.force_login(w["other"].user)
    assert "Des nouvelles" not in other.get(reverse("mentoring:index")).content.decode()
    assert _count(Nudge, w["org"]) == 1


# --- supervision


def test_the_inbox_query_count_is_pinned(caseworker, w, django_assert_num_queries):
    mf.note(w["org"], w["pair"], alert="soon")
    caseworker.get(reverse("mentoring:alerts"))
    with django_assert_num_queries(INBOX_QUERIES):
        caseworker.get(reverse("mentoring:alerts"))
    for _ in range(3):
        mf.note(w["org"], w["other_pair"], alert="urgent")
    with django_assert_num_queries(INBOX_QUERIES):
        body = caseworker.get(reverse("mentoring:alerts")).content.decode()
    assert body.index("Karim") < body.index("Amina")  # urgent first


INBOX_QUERIES = 12  # + the count of the inbox's pages, the bell


def test_the_volunteers_list_query_count_is_pinned(caseworker, w, django_assert_num_queries):
    caseworker.get(reverse("mentoring:volunteers"))
    with django_assert_num_queries(VOLUNTEERS_QUERIES):
        body = caseworker.get(reverse("mentoring:volunteers")).content.decode()
    assert w["volunteer"].user.last_name in body
    for _ in range(3):
        member = factories.member(w["org"], Role.VOLUNTEER, territories=[w["territory"]], mfa=False)
        mf.profile(w["org"], member, w["territory"])
    with django_assert_num_queries(VOLUNTEERS_QUERIES):
        caseworker.get(reverse("mentoring:volunteers"))


def test_the_volunteers_list_counts_pairs_not_notes(caseworker, w):
    for _ in range(3):
        mf.note(w["org"], w["pair"])
    with tenant_context(w["org"]):
        profiles = {
            p.pk: p for p in selectors.volunteers_overview(w["a"]["members"][Role.CASEWORKER])
        }
    assert profiles[w["profile"].pk].current_mentees == 1
    assert profiles[w["profile"].pk].silence_days == 0


def test_the_volunteers_list_shows_a_volunteer_without_pairs(caseworker, w):
    member = factories.member(w["org"], Role.VOLUNTEER, territories=[w["territory"]], mfa=False)
    profile = mf.profile(w["org"], member, w["territory"])
    with tenant_context(w["org"]):
        profiles = {
            p.pk: p for p in selectors.volunteers_overview(w["a"]["members"][Role.CASEWORKER])
        }
    assert profiles[profile.pk].current_mentees == 0
    assert profiles[profile.pk].last_note_on is None
    assert profiles[profile.pk].silence_days is None
    body = caseworker.get(reverse("mentoring:volunteers")).content.decode()
    assert reverse("mentoring:nudge", args=[profile.pk]) in body
    assert reverse("mentoring:volunteer_profile", args=[member.pk]) in body


VOLUNTEERS_QUERIES = 12  # and the bell


def test_pairing_from_the_case_file(caseworker, w):
    person = factories.beneficiary(w["org"], w["territory"], w["admin"], last_name="Nouveau")
    url = reverse("mentoring:mentorship_create", args=[person.pk])
    today = timezone.localdate().isoformat()
    assert caseworker.post(url, {"volunteer": "", "started_on": today}).status_code == 400
    response = caseworker.post(url, {"volunteer": w["profile"].pk, "started_on": today})
    assert response.status_code == 302
    # A second mentor: allowed, with a warning.
    page = caseworker.get(url).content.decode()
    assert "a déjà un·e bénévole" in page
    response = caseworker.post(
        url, {"volunteer": w["other_profile"].pk, "started_on": today}, follow=True
    )
    assert "normalement" in response.content.decode()
    with tenant_context(w["org"]):
        assert Mentorship.objects.filter(beneficiary=person).count() == 2


def test_a_volunteer_without_a_signed_charter_is_not_offered(caseworker, w):
    member = factories.member(w["org"], Role.VOLUNTEER, territories=[w["territory"]], mfa=False)
    unsigned = mf.profile(w["org"], member, w["territory"], charter=False)
    url = reverse("mentoring:mentorship_create", args=[w["theirs"].pk])
    response = caseworker.post(
        url, {"volunteer": unsigned.pk, "started_on": timezone.localdate().isoformat()}
    )
    assert response.status_code == 400
    with tenant_context(w["org"]):
        assert not Mentorship.objects.filter(volunteer=unsigned).exists()


def test_ending_a_pair(caseworker, w):
    url = reverse("mentoring:mentorship_status", args=[w["pair"].pk])
    assert caseworker.post(url, {"status": "ended"}).status_code == 400
    response = caseworker.post(url, {"status": "ended", "reason": "goal_reached"})
    assert response.status_code == 302
    with tenant_context(w["org"]):
        assert Mentorship.objects.get(pk=w["pair"].pk).status == "ended"


def test_a_profile_from_the_volunteers_list(caseworker, w):
    member = factories.member(w["org"], Role.VOLUNTEER, territories=[w["territory"]], mfa=False)
    assert member.user.last_name in caseworker.get(reverse("mentoring:volunteers")).content.decode()
    url = reverse("mentoring:volunteer_profile", args=[member.pk])
    bad = caseworker.post(url, {"territory": "", "charter_signed_on": "2099-01-01"})
    assert bad.status_code == 400
    ok = caseworker.post(
        url, {"territory": w["territory"].pk, "languages": ["fr", "ar"], "is_active": "on"}
    )
    assert ok.status_code == 302
    with tenant_context(w["org"]):
        assert VolunteerProfile.objects.get(membership=member).languages == ["fr", "ar"]
    # Not a volunteer: 404.
    caseworker_pk = w["a"]["members"][Role.CASEWORKER].pk
    assert (
        caseworker.get(reverse("mentoring:volunteer_profile", args=[caseworker_pk])).status_code
        == 404
    )


# --- what a volunteer must never see (SPEC §2)

SENTINELS = {
    "protection_reference": "SENTINEL-OFPRA-7731",
    "residence_document_number": "SENTINEL-TITRE-5512",
    "address": "SENTINEL-ADRESSE-9034",
    "france_travail_id": "SENTINEL-FT-3390",
    "referrer_contact": "SENTINEL-PRESCRIPTEUR-1187",
    "referral_reason": "SENTINEL-MOTIF-6620",
}


def test_no_restricted_field_of_a_mentee_reaches_the_volunteer(volunteer, w):
    admin = w["admin"]
    with tenant_context(w["org"]):
        from beneficiaries.services import beneficiary_update

        beneficiary_update(
            actor=admin,
            beneficiary=w["mine"],
            data={
                **SENTINELS,
                "nationality": "ER",
                "birth_date": datetime.date(1987, 11, 23),
                "residence_document_type": "receipt",
            },
        )
        case_note_add(
            actor=admin, beneficiary=w["mine"], body="SENTINEL-NOTE-4471", confidentiality="team"
        )
        document_add(
            actor=admin,
            beneficiary=w["mine"],
            kind=Document.Kind.IDENTITY,
            uploaded=SimpleUploadedFile(
                "SENTINEL-DOC-2208.pdf", b"%PDF-1.4\n%%EOF\n", content_type="application/pdf"
            ),
        )
        note = services.note_create(
            actor=w["volunteer"].user,
            mentorship=w["pair"],
            data={"duration_minutes": 20, "kind": "call", "summary": "RDV"},
        )
    forbidden = [
        *SENTINELS.values(),
        "SENTINEL-NOTE-4471",
        "SENTINEL-DOC-2208",
        "23/11/1987",
        "1987-11-23",
        "Karim",  # another volunteer's mentee
    ]
    # Labels of the person's nationality and status: also in the API schema's
    # lists of choices, which name no one.
    labels = ["Érythrée", "Récépissé", "Réfugié"]
    objects = {"pk": w["pair"].pk}
    urls = []
    for name, path in all_routes():
        if classify(name, path) not in {"tenant", "account"}:
            continue
        kind = route_cases.OBJECT_OF.get(name)
        if kind in {"pair", "mentoring_note", "mentoring_alert"}:
            pk = objects["pk"] if kind == "pair" else note.pk
            urls.append(reverse(name, kwargs={"pk": pk}))
        else:
            urls.append(example_url(path))
    seen = 0
    for url in urls:
        response = volunteer.get(url)
        if response.status_code != 200 or getattr(response, "streaming", False):
            continue
        seen += 1
        body = response.content.decode(errors="replace")
        schema = url.startswith("/api/schema") or url.startswith("/api/docs")
        leaked = [s for s in (forbidden if schema else forbidden + labels) if s in body]
        assert leaked == [], (url, leaked)
    assert seen >= 6
    assert reverse("my-mentorship-notes", kwargs={"pk": w["pair"].pk}) in urls


def test_the_case_file_shows_the_pairs_and_the_notes(caseworker, w):
    mf.note(w["org"], w["pair"], summary="Visite de la mission locale ensemble.")
    body = caseworker.get(reverse("beneficiaries:detail", args=[w["mine"].pk])).content.decode()
    assert w["volunteer"].user.get_full_name() in body
    assert "Visite de la mission locale ensemble." in body  # the timeline
    assert reverse("mentoring:mentorship_create", args=[w["mine"].pk]) in body
    assert reverse("mentoring:mentorship_status", args=[w["pair"].pk]) in body


# --- the organisation's choices, the housing city, the inbox's pages


def test_the_organisation_decides_how_volunteers_see_names(client_factory, w):
    """Initial of the last name by default, on every volunteer page; the
    administrator may choose the full name (a French page, admin only)."""
    volunteer = client_factory()
    volunteer.force_login(w["volunteer"].user)
    pages = [
        reverse("mentoring:index"),
        reverse("mentoring:mentee", args=[w["pair"].pk]),
        reverse("mentoring:note_create", args=[w["pair"].pk]),
    ]
    for url in pages:
        body = volunteer.get(url).content.decode()
        assert "Amina M." in body and "MENTEE" not in body and "Mentee" not in body, url
    admin = client_factory()
    admin.force_login(w["a"]["members"][Role.ADMIN].user)
    url = reverse("mentoring:settings")
    page = admin.get(url).content.decode()
    assert "Comment les bénévoles voient-ils le nom" in page
    response = admin.post(url, {"mentee_name": "nothing"})
    assert response.status_code == 400
    assert "Choisissez" in response.content.decode() or "choix" in response.content.decode()
    assert admin.post(url, {"mentee_name": "full"}).status_code == 302
    for url in pages:
        body = volunteer.get(url).content.decode()
        assert "Amina Mentee" in body, url
    caseworker = client_factory()
    caseworker.force_login(w["a"]["members"][Role.CASEWORKER].user)
    assert caseworker.get(url).status_code in (403, 404)
    assert (
        caseworker.post(reverse("mentoring:settings"), {"mentee_name": "initial"}).status_code
        == 403
    )
    with tenant_context(w["org"]):
        assert selectors.mentoring_settings().mentee_name == "full"


def test_the_volunteer_sees_the_city_of_the_mentees_housing_only(volunteer, w):
    from tests.housing import factories as hf

    unit = hf.unit(
        w["org"], w["territory"], places=1, city="Mérignac", address="7 allée SECRETE-ADRESSE"
    )
    (place,) = hf.places(w["org"], unit)
    hf.occupancy(
        w["org"], w["admin"], w["mine"], place, timezone.localdate() - datetime.timedelta(days=3)
    )
    for url in (reverse("mentoring:index"), reverse("mentoring:mentee", args=[w["pair"].pk])):
        body = volunteer.get(url).content.decode()
        assert "Mérignac" in body, url
        assert "SECRETE-ADRESSE" not in body and unit.name not in body, url
    api = volunteer.get("/api/mes-binomes/").json()
    assert api[0]["housing_city"] == "Mérignac"
    assert "SECRETE-ADRESSE" not in volunteer.get("/api/mes-binomes/").content.decode()


def test_the_inbox_pages_its_alerts(caseworker, w, monkeypatch):
    monkeypatch.setattr(selectors, "ALERTS_PAGE_SIZE", 2)
    for urgency in ("urgent", "soon", "to_know", "urgent", "soon"):
        mf.note(w["org"], w["pair"], alert=urgency)
    url = reverse("mentoring:alerts")
    first = caseworker.get(url).content.decode()
    assert "5 alertes ouvertes" in first and "?page=2" in first
    third = caseworker.get(url + "?page=3").content.decode()
    assert "?page=2" in third and "?page=4" not in third
    assert third.count("mentoring-alert-card") == 1
    assert "mentoring-alert-to_know" in third  # the least urgent last
    assert caseworker.get(url + "?page=zz").status_code == 200

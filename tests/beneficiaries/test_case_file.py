"""The case file's layout and the pathway guard (issue 17, items 8, 9, 10):
panels saved in place with htmx or by a plain POST redirected to their
anchor, the prerequisites confirmation in the service, the page and the API,
the creation form, and the page's pinned query count."""

import re

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from beneficiaries import services
from beneficiaries.models import Beneficiary, PathwayTransition, PrerequisiteItem
from beneficiaries.services import TransitionRequest
from tests.factories import beneficiary, member
from thrasos.accounts.models import Role
from thrasos.tenancy import tenant_context

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def a(two_tenants):
    return two_tenants["a"]


@pytest.fixture
def caseworker(a):
    return a["members"][Role.CASEWORKER]


@pytest.fixture
def cw_client(client, caseworker):
    client.force_login(caseworker.user)
    return client


@pytest.fixture
def candidate(a):
    actor = a["members"][Role.ADMIN].user
    b = beneficiary(a["org"], a["territory"], actor)
    with tenant_context(a["org"]):
        services.beneficiary_transition(
            actor=actor, beneficiary=b, request=TransitionRequest(to_state="candidate")
        )
    return b


def _set_checklist(org, b, actor, status_of):
    """status_of(index) -> status, for each active item in order."""
    with tenant_context(org):
        items = list(PrerequisiteItem.objects.filter(is_active=True))
        services.prerequisites_set(
            actor=actor,
            beneficiary=b,
            values={item: (status_of(i), "") for i, item in enumerate(items)},
        )
        return items


# --- the guard, in the service


def test_admission_with_prerequisites_to_check_asks_a_confirmation_and_a_comment(a, candidate):
    actor = a["members"][Role.CASEWORKER].user
    _set_checklist(a["org"], candidate, actor, lambda i: "met" if i == 0 else "to_check")
    with tenant_context(a["org"]):
        with pytest.raises(ValidationError) as refused:
            services.beneficiary_transition(
                actor=actor, beneficiary=candidate, request=TransitionRequest(to_state="admitted")
            )
        assert "confirm_prerequisites" in refused.value.error_dict
        message = refused.value.error_dict["confirm_prerequisites"][0].messages[0]
        assert message.startswith("7 prérequis sur 8 ne sont pas remplis ou restent à vérifier")
        assert "Personne majeure isolée (à vérifier)" in message
        with pytest.raises(ValidationError) as refused:
            services.beneficiary_transition(
                actor=actor,
                beneficiary=candidate,
                request=TransitionRequest(to_state="admitted", confirm_prerequisites=True),
            )
        assert "comment" in refused.value.error_dict
        candidate.refresh_from_db()
        assert candidate.state == "candidate"
        services.beneficiary_transition(
            actor=actor,
            beneficiary=candidate,
            request=TransitionRequest(
                to_state="admitted",
                confirm_prerequisites=True,
                comment="Commission : admission décidée, pièces attendues.",
            ),
        )
        candidate.refresh_from_db()
        assert candidate.state == "admitted"
        recorded = PathwayTransition.objects.filter(beneficiary=candidate).latest("at", "id")
        assert recorded.reason == "prerequisites_confirmed"
        assert recorded.comment.startswith("Commission : admission décidée")
        assert "Compte bancaire (à vérifier)" in recorded.comment
        assert "Protection accordée" not in recorded.comment  # that one was met


def test_a_complete_checklist_needs_no_confirmation_and_other_moves_are_not_guarded(a, candidate):
    actor = a["members"][Role.CASEWORKER].user
    with tenant_context(a["org"]):
        # Not admitted / withdrawn: side exits, never guarded.
        other = beneficiary(a["org"], a["territory"], actor, first_name="Awa")
        services.beneficiary_transition(
            actor=actor,
            beneficiary=other,
            request=TransitionRequest(to_state="withdrawn", reason="moved"),
        )
    _set_checklist(a["org"], candidate, actor, lambda i: "met")
    with tenant_context(a["org"]):
        services.beneficiary_transition(
            actor=actor, beneficiary=candidate, request=TransitionRequest(to_state="admitted")
        )
        recorded = PathwayTransition.objects.filter(beneficiary=candidate).latest("at", "id")
        assert (recorded.reason, recorded.comment) == ("", "")


def test_a_not_met_prerequisite_is_named_as_such(a, candidate):
    actor = a["members"][Role.CASEWORKER].user
    _set_checklist(a["org"], candidate, actor, lambda i: "not_met" if i == 2 else "met")
    with tenant_context(a["org"]), pytest.raises(ValidationError) as refused:
        services.beneficiary_transition(
            actor=actor, beneficiary=candidate, request=TransitionRequest(to_state="admitted")
        )
    message = refused.value.error_dict["confirm_prerequisites"][0].messages[0]
    assert "1 prérequis sur 8" in message
    assert "Domicile en Île-de-France (non rempli)" in message


# --- the guard, on the page and in the API


def test_the_page_warns_then_refuses_then_records_the_confirmation(cw_client, a, candidate):
    detail = reverse("beneficiaries:detail", args=[candidate.pk])
    url = reverse("beneficiaries:transition", args=[candidate.pk])
    page = cw_client.get(detail).content.decode()
    assert "8 prérequis sur 8 ne sont pas remplis ou restent à vérifier" in page
    assert 'data-show-for="admitted"' in page
    response = cw_client.post(url, {"to_state": "admitted"})
    assert response.status_code == 400
    html = response.content.decode()
    assert "confirmez-le et expliquez pourquoi dans le commentaire" in html
    assert "Non enregistré" in html
    response = cw_client.post(url, {"to_state": "admitted", "confirm_prerequisites": "on"})
    assert response.status_code == 400
    assert "Expliquez pourquoi la personne passe à cette étape" in response.content.decode()
    with tenant_context(a["org"]):
        assert Beneficiary.objects.get(pk=candidate.pk).state == "candidate"
    response = cw_client.post(
        url,
        {"to_state": "admitted", "confirm_prerequisites": "on", "comment": "Commission du 2/12"},
    )
    assert response.status_code == 302
    assert response["Location"].endswith("#parcours")
    page = cw_client.get(detail).content.decode()
    assert "Commission du 2/12" in page
    assert "confirmé malgré des prérequis non remplis" in page


def test_the_api_answers_400_in_french_unless_confirmed_with_a_comment(cw_client, a, candidate):
    url = f"/api/beneficiaires/{candidate.pk}/transition/"
    response = cw_client.post(url, {"to_state": "admitted"}, content_type="application/json")
    assert response.status_code == 400
    body = response.json()
    assert "confirm_prerequisites" in str(body)
    assert "8 prérequis sur 8 ne sont pas remplis" in str(body)
    response = cw_client.post(
        url,
        {"to_state": "admitted", "confirm_prerequisites": True},
        content_type="application/json",
    )
    assert response.status_code == 400
    assert "Expliquez pourquoi" in str(response.json())
    response = cw_client.post(
        url,
        {
            "to_state": "admitted",
            "confirm_prerequisites": True,
            "comment": "Décision de commission",
        },
        content_type="application/json",
    )
    assert response.status_code == 200
    assert response.json()["state"] == "admitted"


# --- saving in place


def test_htmx_saves_answer_the_case_file_with_the_panel_confirmation(cw_client, a, candidate):
    url = reverse("beneficiaries:note_add", args=[candidate.pk])
    response = cw_client.post(url, {"body": "Appel ce matin", "confidentiality": "team"}, **HTMX)
    assert response.status_code == 200
    html = response.content.decode()
    notes = html[html.index('id="notes"') : html.index('id="sessions"')]
    assert "Note ajoutée." in notes and "autofocus" in notes
    assert notes.index("Note ajoutée.") < notes.index("Appel ce matin")
    # The header and the history are in the answer too (swapped out of band).
    assert 'id="casefile-header"' in html and 'id="historique"' in html
    # Refused: 200 for htmx (swapped in place), the text as typed, focus on the error.
    response = cw_client.post(url, {"body": "", "confidentiality": "secret"}, **HTMX)
    assert response.status_code == 200
    html = response.content.decode()
    notes = html[html.index('id="notes"') : html.index('id="sessions"')]
    assert "Non enregistré" in notes and "autofocus" in notes
    with tenant_context(a["org"]):
        assert candidate.notes.count() == 1


def test_without_javascript_saves_redirect_to_the_panel_and_errors_keep_the_page(
    cw_client, a, candidate
):
    pk = candidate.pk
    with tenant_context(a["org"]):
        checklist = {
            f"status_{item.pk}": "met" for item in PrerequisiteItem.objects.filter(is_active=True)
        }
    cases = [
        ("note_add", {"body": "Rendez-vous", "confidentiality": "team"}, "#notes"),
        (
            "assessment_add",
            {
                "assessed_on": "2026-11-20",
                "kind": "before_session",
                "assessor": "OF",
                "oral_comprehension": "A2",
            },
            "#prerequis",
        ),
        ("prerequisites", checklist, "#prerequis"),
    ]
    for name, data, anchor in cases:
        response = cw_client.post(reverse(f"beneficiaries:{name}", args=[pk]), data)
        assert response.status_code == 302, (name, response.content[:300])
        assert response["Location"] == f"/beneficiaires/{pk}/{anchor}"
    response = cw_client.post(reverse("beneficiaries:note_add", args=[pk]), {"body": ""})
    assert response.status_code == 400
    html = response.content.decode()
    # The whole case file, the refused form in its panel.
    assert 'id="parcours"' in html and "Non enregistré" in html


def test_every_form_of_the_case_file_has_its_own_ids(cw_client, candidate):
    html = cw_client.get(reverse("beneficiaries:detail", args=[candidate.pk])).content.decode()
    ids = re.findall(r'\bid="([^"]+)"', html)
    assert len(ids) == len(set(ids)), [i for i in ids if ids.count(i) > 1]
    for field in ("document_kind", "assessment_kind", "note_body", "pathway_to_state"):
        assert f'for="{field}"' in html and f'id="{field}"' in html
    assert 'id="id_kind"' not in html


def test_the_pathway_fields_are_tied_to_their_stage(cw_client, a):
    b = beneficiary(a["org"], a["territory"], a["members"][Role.ADMIN].user)
    html = cw_client.get(reverse("beneficiaries:detail", args=[b.pk])).content.decode()
    assert re.search(
        r'data-show-for="not_admitted">\s*<label for="pathway_not_admitted_reason"', html
    )
    assert re.search(r'data-show-for="withdrawn">\s*<label for="pathway_withdrawal_reason"', html)
    assert 'data-show-for="exited"' in html
    # A referred person cannot be admitted directly: no confirmation offered.
    assert "pathway_confirm_prerequisites" not in html
    # Exit fields sent with another stage are not recorded.
    cw_client.post(
        reverse("beneficiaries:transition", args=[b.pk]),
        {"to_state": "candidate", "exit_employment": "cdi", "exit_housing": "hosted"},
    )
    with tenant_context(a["org"]):
        b.refresh_from_db()
    assert (b.state, b.exit_employment, b.exit_housing) == ("candidate", "", "")


def test_the_stepper_shows_stage_since_and_next(cw_client, candidate):
    html = cw_client.get(reverse("beneficiaries:detail", args=[candidate.pk])).content.decode()
    header = html[
        html.index('id="casefile-header"') : html.index(
            "</header>", html.index('id="casefile-header"')
        )
    ]
    current = re.search(
        r'<li class="step step-current"\s+aria-current="step">(.*?)</li>', header, re.S
    )
    assert "Candidat·e" in current.group(1) and "depuis le" in current.group(1)
    assert header.count("step-done") == 1  # referred
    assert "Étape 2 sur 7" in header and "Prochaine étape" in header and "Admis·e" in header
    assert "0 prérequis sur 8 remplis" in header


def test_a_volunteer_or_another_tenant_gets_nothing(client, two_tenants, candidate):
    url = reverse("beneficiaries:transition", args=[candidate.pk])
    client.force_login(two_tenants["a"]["members"][Role.VOLUNTEER].user)
    assert client.post(url, {"to_state": "admitted"}, **HTMX).status_code == 404
    client.force_login(two_tenants["b"]["members"][Role.CASEWORKER].user)
    assert client.post(url, {"to_state": "admitted"}, **HTMX).status_code == 404
    assert client.get(reverse("beneficiaries:detail", args=[candidate.pk])).status_code == 404


# The case file, once the session is warm, whatever its history: session,
# user, tenant settings and their restore, the membership and its
# territories, the record, the history context, checklist (items, checks),
# history (stages, moves, notes, assessments), the later modules' sections
# and timeline sources, referents, documents, territories of the move form.
# Was 29 before the layout (assessments were read twice); the personal-data
# section adds two (the latest information notice, an anonymisation under way),
# the header's bell one (the unread notifications count).
DETAIL_QUERIES = 31


def test_the_case_file_query_count_is_pinned(cw_client, a, candidate, django_assert_num_queries):
    url = reverse("beneficiaries:detail", args=[candidate.pk])
    cw_client.get(url)
    with django_assert_num_queries(DETAIL_QUERIES):
        cw_client.get(url)
    actor = a["members"][Role.ADMIN].user
    _set_checklist(a["org"], candidate, actor, lambda i: "met" if i % 2 else "not_met")
    for i in range(5):
        cw_client.post(
            reverse("beneficiaries:note_add", args=[candidate.pk]),
            {"body": f"n{i}", "confidentiality": "team"},
        )
        cw_client.post(
            reverse("beneficiaries:assessment_add", args=[candidate.pk]),
            {
                "assessed_on": "2026-11-20",
                "kind": "before_session",
                "assessor": "OF",
                "oral_expression": "A2",
            },
        )
    with django_assert_num_queries(DETAIL_QUERIES):
        cw_client.get(url)


# --- the creation form


def test_the_creation_form_asks_first_what_opening_a_file_needs(cw_client, a, caseworker):
    html = cw_client.get(reverse("beneficiaries:create")).content.decode()
    first, later = html.split("Autres informations (facultatif")
    for name in ("last_name", "birth_date", "referring_organisation", "current_territory"):
        assert f'name="{name}"' in first
    for name in ("residence_document_number", "france_travail_id", "email", "address"):
        assert f'name="{name}"' in later and f'name="{name}"' not in first
    # The creator, a caseworker, is preselected as referent; their only territory too.
    assert re.search(rf'value="{caseworker.pk}"[^>]*checked', first)
    assert re.search(rf'<option value="{a["territory"].pk}" selected>', first)
    assert "confirm_not_duplicate" not in html  # asked only with a duplicate


def test_a_coordinator_is_not_preselected(client, a):
    coordinator = a["members"][Role.COORDINATOR]
    client.force_login(coordinator.user)
    html = client.get(reverse("beneficiaries:create")).content.decode()
    assert not re.search(rf'value="{coordinator.pk}"[^>]*checked', html)


def test_creating_with_the_first_fields_only_then_the_duplicate_at_the_top(
    cw_client, a, caseworker
):
    data = {
        "last_name": "Tesfaye",
        "first_name": "Lidya",
        "sex": "F",
        "birth_date": "1995-03-01",
        "protection_status": "refugee",
        "referral_date": "2026-11-02",
        "current_territory": a["territory"].pk,
        "referents": [caseworker.pk],
    }
    response = cw_client.post(reverse("beneficiaries:create"), data)
    assert response.status_code == 302
    with tenant_context(a["org"]):
        created = Beneficiary.objects.get()
        assert list(created.referents.all()) == [caseworker]
    response = cw_client.post(reverse("beneficiaries:create"), data)
    html = response.content.decode()
    warning = html.index("Doublon possible")
    # The warning, the existing file and the confirmation together, before the fields.
    assert warning < html.index(created.get_absolute_url()) < html.index("confirm_not_duplicate")
    assert html.index("confirm_not_duplicate") < html.index('name="last_name"')
    response = cw_client.post(
        reverse("beneficiaries:create"), {**data, "confirm_not_duplicate": "on"}
    )
    assert response.status_code == 302
    with tenant_context(a["org"]):
        assert Beneficiary.objects.count() == 2


def test_an_error_in_the_later_fields_opens_their_group(cw_client, a):
    response = cw_client.post(
        reverse("beneficiaries:create"),
        {
            "last_name": "Tesfaye",
            "first_name": "Lidya",
            "sex": "F",
            "birth_date": "1995-03-01",
            "protection_status": "refugee",
            "referral_date": "2026-11-02",
            "current_territory": a["territory"].pk,
            "email": "pas-un-email",
        },
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert re.search(r"<details\s+open>\s*<summary>Autres informations", html)
    assert "Saisissez une adresse e-mail valide." in html


def test_another_caseworker_of_the_territory_can_be_chosen(cw_client, a):
    colleague = member(a["org"], Role.CASEWORKER, territories=[a["territory"]], last_name="Zed")
    html = cw_client.get(reverse("beneficiaries:create")).content.decode()
    assert f'value="{colleague.pk}"' in html


def test_a_side_exit_is_shown_instead_of_a_next_stage(cw_client, a, candidate):
    with tenant_context(a["org"]):
        services.beneficiary_transition(
            actor=a["members"][Role.ADMIN].user,
            beneficiary=candidate,
            request=TransitionRequest(to_state="withdrawn", reason="moved"),
        )
    html = cw_client.get(reverse("beneficiaries:detail", args=[candidate.pk])).content.decode()
    start = html.index('id="casefile-header"')
    header = html[start : html.index("</header>", start)]
    assert "step-side-exit" in header and "Abandon" in header and "Déménagement" in header
    assert "Prochaine étape" not in header and "aria-current" not in header
    assert "Le parcours est clos." in html  # no stage left to record

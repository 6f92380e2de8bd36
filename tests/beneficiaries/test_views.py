import pytest
from django.urls import reverse

from beneficiaries.models import Beneficiary
from tests.factories import beneficiary, territory
from thrasos.accounts.models import Role
from thrasos.audit.models import AccessLog
from thrasos.tenancy import tenant_context

pytestmark = pytest.mark.django_db


@pytest.fixture
def a(two_tenants):
    return two_tenants["a"]


@pytest.fixture
def caseworker_client(client, a):
    client.force_login(a["members"][Role.CASEWORKER].user)
    return client


VALID = {
    "last_name": "Haile",
    "first_name": "Selam",
    "sex": "F",
    "birth_date": "1996-02-29",
    "protection_status": "refugee",
    "preferred_language": "ti",
    "languages": ["ti", "am"],
    "referral_date": "2026-11-02",
    "social_security": "registered",
    "has_bank_account": "true",
}


@pytest.mark.parametrize("role", [Role.VOLUNTEER, Role.MANAGER])
def test_volunteers_and_managers_are_refused_everywhere(client, a, role):
    b = beneficiary(a["org"], a["territory"], a["members"][Role.ADMIN].user)
    client.force_login(a["members"][role].user)
    for url in (reverse("beneficiaries:index"), reverse("beneficiaries:create")):
        assert client.get(url).status_code == 403, url
    for url in (
        reverse("beneficiaries:detail", args=[b.pk]),
        reverse("beneficiaries:edit", args=[b.pk]),
    ):
        assert client.get(url).status_code == 404, url


def test_caseworkers_see_only_their_territories(caseworker_client, a):
    admin = a["members"][Role.ADMIN].user
    other = territory(a["org"], "Autre territoire", "84", "69")
    mine = beneficiary(a["org"], a["territory"], admin, last_name="Dedans")
    theirs = beneficiary(a["org"], other, admin, last_name="Dehors")
    page = caseworker_client.get(reverse("beneficiaries:index"), {"files": "all"}).content.decode()
    assert "DEDANS" in page and "DEHORS" not in page
    assert caseworker_client.get(reverse("beneficiaries:detail", args=[mine.pk])).status_code == 200
    assert (
        caseworker_client.get(reverse("beneficiaries:detail", args=[theirs.pk])).status_code == 404
    )


def test_coordinators_see_every_territory(client, a):
    admin = a["members"][Role.ADMIN].user
    other = territory(a["org"], "Autre territoire", "84", "69")
    beneficiary(a["org"], other, admin, last_name="Dehors")
    client.force_login(a["members"][Role.COORDINATOR].user)
    assert "DEHORS" in client.get(reverse("beneficiaries:index")).content.decode()


def test_create_then_duplicate_warning_then_confirmed(caseworker_client, a):
    data = {**VALID, "current_territory": a["territory"].pk}
    response = caseworker_client.post(reverse("beneficiaries:create"), data)
    assert response.status_code == 302
    with tenant_context(a["org"]):
        created = Beneficiary.objects.get()
        assert created.languages == ["ti", "am"] and created.has_bank_account is True
    again = {**data, "last_name": "HAILE", "first_name": "sélam"}
    response = caseworker_client.post(reverse("beneficiaries:create"), again)
    html = response.content.decode()
    assert response.status_code == 200
    assert "Doublon possible" in html
    assert created.get_absolute_url() in html
    assert 'value="HAILE"' in html  # nothing typed is lost
    response = caseworker_client.post(
        reverse("beneficiaries:create"), {**again, "confirm_not_duplicate": "on"}
    )
    assert response.status_code == 302
    with tenant_context(a["org"]):
        assert Beneficiary.objects.count() == 2


def test_bad_input_gets_french_errors_and_nothing_is_saved(caseworker_client, a):
    data = {
        **VALID,
        "current_territory": a["territory"].pk,
        "birth_date": "31/02/1990",
        "email": "pas-un-email",
    }
    response = caseworker_client.post(reverse("beneficiaries:create"), data)
    html = response.content.decode()
    assert response.status_code == 200
    assert "Saisissez une date valide." in html
    assert "Saisissez une adresse e-mail valide." in html
    assert 'value="Haile"' in html
    with tenant_context(a["org"]):
        assert not Beneficiary.objects.exists()


def test_caseworker_cannot_create_in_another_territory(caseworker_client, a):
    other = territory(a["org"], "Autre territoire", "84", "69")
    response = caseworker_client.post(
        reverse("beneficiaries:create"), {**VALID, "current_territory": other.pk}
    )
    assert response.status_code == 200
    assert "Sélectionnez un choix valide" in response.content.decode()


def test_reading_a_case_file_writes_the_access_log(caseworker_client, a):
    b = beneficiary(a["org"], a["territory"], a["members"][Role.ADMIN].user)
    caseworker_client.get(reverse("beneficiaries:detail", args=[b.pk]))
    with tenant_context(a["org"]):
        entry = AccessLog.objects.get()
    assert (entry.user, entry.object_type, entry.object_id, entry.action) == (
        a["members"][Role.CASEWORKER].user,
        "beneficiaries.beneficiary",
        str(b.pk),
        "view",
    )
    assert entry.request_id


def test_transition_form_refuses_illegal_and_incomplete_moves(caseworker_client, a):
    b = beneficiary(a["org"], a["territory"], a["members"][Role.ADMIN].user)
    url = reverse("beneficiaries:transition", args=[b.pk])
    response = caseworker_client.post(url, {"to_state": "in_contract"})
    assert response.status_code == 400
    assert "Sélectionnez un choix valide" in response.content.decode()
    response = caseworker_client.post(url, {"to_state": "withdrawn"})
    assert response.status_code == 400
    assert "Indiquez la raison de l’abandon." in response.content.decode()
    response = caseworker_client.post(url, {"to_state": "candidate", "comment": "Entretien fait"})
    assert response.status_code == 302
    page = caseworker_client.get(reverse("beneficiaries:detail", args=[b.pk])).content.decode()
    assert "Candidat·e" in page and "Entretien fait" in page


def test_restricted_notes_are_hidden_from_other_caseworkers(client, a):
    b = beneficiary(a["org"], a["territory"], a["members"][Role.ADMIN].user)
    author = a["members"][Role.CASEWORKER]
    client.force_login(author.user)
    client.post(
        reverse("beneficiaries:note_add", args=[b.pk]),
        {"body": "Confidentiel : santé", "confidentiality": "restricted"},
    )
    client.post(
        reverse("beneficiaries:note_add", args=[b.pk]),
        {"body": "Point d’équipe", "confidentiality": "team"},
    )
    from tests.factories import member

    colleague = member(a["org"], Role.CASEWORKER, territories=[a["territory"]])
    client.force_login(colleague.user)
    page = client.get(reverse("beneficiaries:detail", args=[b.pk])).content.decode()
    assert "Point d’équipe" in page and "Confidentiel" not in page
    client.force_login(a["members"][Role.COORDINATOR].user)
    page = client.get(reverse("beneficiaries:detail", args=[b.pk])).content.decode()
    assert "Confidentiel : santé" in page


def test_search_and_filters_on_the_list(caseworker_client, a):
    admin = a["members"][Role.ADMIN].user
    beneficiary(a["org"], a["territory"], admin, last_name="Ngoué", first_name="Hélène")
    beneficiary(a["org"], a["territory"], admin, last_name="Abdel-Rahman", first_name="Omar")
    url = reverse("beneficiaries:index")
    html = caseworker_client.get(url, {"q": "helene"}).content.decode()
    assert "NGOUÉ" in html and "ABDEL-RAHMAN" not in html
    html = caseworker_client.get(url, {"q": "abdel rahman"}).content.decode()
    assert "ABDEL-RAHMAN" in html and "NGOUÉ" not in html
    html = caseworker_client.get(url, {"state": "candidate"}).content.decode()
    assert "Aucun dossier ne correspond." in html
    partial = caseworker_client.get(url, {"q": "omar"}, HTTP_HX_REQUEST="true").content.decode()
    assert "<html" not in partial and "ABDEL-RAHMAN" in partial


def test_keyset_pagination_walks_forward_and_back(caseworker_client, a, monkeypatch):
    from beneficiaries import selectors

    admin = a["members"][Role.ADMIN].user
    for i in range(7):
        beneficiary(a["org"], a["territory"], admin, last_name=f"Nom{i:02d}")
    original = selectors.paginate
    monkeypatch.setattr(
        selectors, "paginate", lambda *args, **kw: original(*args, **{**kw, "size": 3})
    )
    url = reverse("beneficiaries:index") + "?files=all"
    import re

    def names(html):
        return re.findall(r"NOM\d\d", html)

    html = caseworker_client.get(url).content.decode()
    assert names(html) == ["NOM00", "NOM01", "NOM02"]
    nxt = re.search(r"apres=([\w-]+)", html).group(1)
    html = caseworker_client.get(url + f"&apres={nxt}").content.decode()
    assert names(html) == ["NOM03", "NOM04", "NOM05"]
    prev = re.search(r"avant=([\w-]+)", html).group(1)
    html = caseworker_client.get(url + f"&avant={prev}").content.decode()
    assert names(html) == ["NOM00", "NOM01", "NOM02"]
    assert "Page précédente" not in html
    html = caseworker_client.get(url + "&apres=n'importe-quoi").content.decode()
    assert names(html) == ["NOM00", "NOM01", "NOM02"]


# The list page, once the session is warm: session, user, tenant settings (two
# round trips, plus their restore and a savepoint pair inside the test's
# transaction), memberships, page rows, the names of their territories, the
# bounded count, the filter choices (territories, referents and sessions in
# one query) — whatever the number of rows. When every match is on the one
# page, the count is the page's rows: no bounded count.
LIST_QUERIES = 14  # and the bell: the unread notifications count


def test_list_query_count_is_pinned_for_1_and_50_rows(
    caseworker_client, a, django_assert_num_queries
):
    admin = a["members"][Role.ADMIN].user
    url = reverse("beneficiaries:index") + "?files=all"
    beneficiary(a["org"], a["territory"], admin, last_name="Seul")
    caseworker_client.get(url)  # first request of the session writes it
    with django_assert_num_queries(LIST_QUERIES - 1):
        page = caseworker_client.get(url).content.decode()
    assert "SEUL" in page and "1 dossier" in page
    for i in range(49):
        beneficiary(a["org"], a["territory"], admin, last_name=f"Autre{i:02d}")
    with django_assert_num_queries(LIST_QUERIES - 1):
        page = caseworker_client.get(url).content.decode()
    assert page.count("AUTRE") == 49 and "50 dossiers" in page
    # One more: a second page, the count is read (bounded), the same cost.
    for i in range(51, 53):
        beneficiary(a["org"], a["territory"], admin, last_name=f"Autre{i:02d}")
    with django_assert_num_queries(LIST_QUERIES):
        page = caseworker_client.get(url).content.decode()
    assert "52 dossiers" in page
    # A cursor past the end (stale or edited): an empty page, the real count.
    from thrasos.core.pagination import _encode

    page = caseworker_client.get(url + "&apres=" + _encode(["zzzz", 10**9])).content.decode()
    assert "52 dossiers" in page


def test_detail_query_count_does_not_grow_with_history(caseworker_client, a):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    b = beneficiary(a["org"], a["territory"], a["members"][Role.ADMIN].user)
    url = reverse("beneficiaries:detail", args=[b.pk])
    with CaptureQueriesContext(connection) as first:
        caseworker_client.get(url)
    for i in range(10):
        caseworker_client.post(
            reverse("beneficiaries:note_add", args=[b.pk]),
            {"body": f"n{i}", "confidentiality": "team"},
        )
    with CaptureQueriesContext(connection) as later:
        caseworker_client.get(url)
    assert len(first) == len(later)


def test_a_stage_recorded_afterwards_keeps_its_date(caseworker_client, a):
    import datetime as dt

    from django.utils import timezone

    b = beneficiary(
        a["org"],
        a["territory"],
        a["members"][Role.ADMIN].user,
        referral_date=timezone.localdate() - dt.timedelta(days=20),
    )
    day = timezone.localdate() - dt.timedelta(days=5)
    response = caseworker_client.post(
        reverse("beneficiaries:transition", args=[b.pk]),
        {"to_state": "candidate", "on": day.isoformat()},
    )
    assert response.status_code == 302
    with tenant_context(a["org"]):
        b.refresh_from_db()
    assert timezone.localtime(b.state_changed_at).date() == day
    page = caseworker_client.get(reverse("beneficiaries:detail", args=[b.pk])).content.decode()
    assert f"{day:%d/%m/%Y}" in page


def test_caseworkers_move_only_to_their_territories_coordinators_anywhere(client, a):
    from django.utils import timezone

    admin = a["members"][Role.ADMIN].user
    other = territory(a["org"], "Autre territoire", "84", "69")
    b = beneficiary(a["org"], a["territory"], admin)
    url = reverse("beneficiaries:move", args=[b.pk])
    client.force_login(a["members"][Role.CASEWORKER].user)
    page = client.get(b.get_absolute_url()).content.decode()
    assert "Autre territoire" not in page  # not offered
    response = client.post(url, {"territory": other.pk, "moved_on": "2026-11-20"})
    assert response.status_code == 400
    assert "Sélectionnez un choix valide" in response.content.decode()
    response = client.post(url, {"territory": a["territory"].pk, "moved_on": "2026-11-20"})
    assert "La personne est déjà sur ce territoire." in response.content.decode()
    client.force_login(a["members"][Role.COORDINATOR].user)
    response = client.post(url, {"territory": other.pk, "moved_on": "2000-01-01"})
    assert "Cette date est avant le changement précédent" in response.content.decode()
    response = client.post(url, {"territory": other.pk, "moved_on": "2999-01-01"})
    assert (
        "Un changement de territoire ne peut pas être dans le futur." in response.content.decode()
    )
    today = timezone.localdate().isoformat()
    assert client.post(url, {"territory": other.pk, "moved_on": today}).status_code == 302
    with tenant_context(a["org"]):
        b.refresh_from_db()
        assert b.current_territory == other
        assert [m.to_territory for m in b.moves.all()] == [a["territory"], other]

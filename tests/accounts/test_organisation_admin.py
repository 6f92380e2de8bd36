"""Organisation administration: territories, members, invitations."""

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.factories import UserFactory
from thrasos.accounts.models import Invitation, Membership, Role, Territory, User
from thrasos.tenancy import tenant_context

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client, two_tenants):
    client.force_login(two_tenants["a"]["members"][Role.ADMIN].user)
    return client


@pytest.mark.parametrize("role", [Role.COORDINATOR, Role.CASEWORKER, Role.VOLUNTEER, Role.MANAGER])
def test_only_admins_reach_the_administration(client, two_tenants, role):
    client.force_login(two_tenants["a"]["members"][role].user)
    response = client.get(reverse("organisation_home"))
    assert response.status_code == 403
    assert "Accès refusé" in response.content.decode()


def test_admin_sees_own_organisation_only(admin_client, two_tenants):
    page = admin_client.get(reverse("organisation_home")).content.decode()
    assert "Territoire A" in page and "Territoire B" not in page
    assert "caseworker@a.example.org" in page and "caseworker@b.example.org" not in page


def test_create_territory_and_refuse_a_departement_outside_the_region(admin_client, two_tenants):
    url = reverse("territory_create")
    response = admin_client.post(
        url, {"name": "H&H Rhône", "region": "75", "departement": "69", "is_active": "on"}
    )
    assert response.status_code == 400
    assert "Ce département n’est pas dans la région choisie." in response.content.decode()
    assert 'value="H&amp;H Rhône"' in response.content.decode()  # nothing typed is lost
    response = admin_client.post(
        url, {"name": "H&H Rhône", "region": "84", "departement": "69", "is_active": "on"}
    )
    assert response.status_code == 302
    with tenant_context(two_tenants["a"]["org"]):
        territory = Territory.objects.get(name="H&H Rhône")
    assert territory.organisation_id == two_tenants["a"]["org"].pk


def test_duplicate_territory_name_gets_a_clear_error(admin_client):
    response = admin_client.post(
        reverse("territory_create"), {"name": "Territoire A", "region": "75", "departement": "33"}
    )
    assert response.status_code == 400
    assert "Un territoire de ce nom existe déjà." in response.content.decode()


def test_change_role_and_territories(admin_client, two_tenants):
    a = two_tenants["a"]
    manager = a["members"][Role.MANAGER]
    url = reverse("member_edit", args=[manager.pk])
    response = admin_client.post(url, {"role": Role.CASEWORKER})
    assert "au moins un territoire" in response.content.decode()
    response = admin_client.post(url, {"role": Role.CASEWORKER, "territories": [a["territory"].pk]})
    assert response.status_code == 302
    with tenant_context(a["org"]):
        manager.refresh_from_db()
        assert manager.role == Role.CASEWORKER
        assert list(manager.territories.all()) == [a["territory"]]


def test_territories_of_another_organisation_are_not_offered(admin_client, two_tenants):
    a, b = two_tenants["a"], two_tenants["b"]
    url = reverse("member_edit", args=[a["members"][Role.VOLUNTEER].pk])
    response = admin_client.post(url, {"role": Role.VOLUNTEER, "territories": [b["territory"].pk]})
    assert response.status_code == 400
    assert "Sélectionnez un choix valide" in response.content.decode()


def test_the_last_admin_cannot_be_removed(admin_client, two_tenants):
    admin = two_tenants["a"]["members"][Role.ADMIN]
    response = admin_client.post(reverse("member_deactivate", args=[admin.pk]), follow=True)
    assert "au moins un administrateur actif" in response.content.decode()
    with tenant_context(two_tenants["a"]["org"]):
        admin.refresh_from_db()
    assert admin.is_active


def test_deactivate_and_reactivate_a_member(admin_client, two_tenants):
    caseworker = two_tenants["a"]["members"][Role.CASEWORKER]
    admin_client.post(reverse("member_deactivate", args=[caseworker.pk]))
    with tenant_context(two_tenants["a"]["org"]):
        caseworker.refresh_from_db()
        assert not caseworker.is_active and caseworker.deactivated_at
    admin_client.post(reverse("member_reactivate", args=[caseworker.pk]))
    with tenant_context(two_tenants["a"]["org"]):
        caseworker.refresh_from_db()
        assert caseworker.is_active


@pytest.fixture
def invite(admin_client, two_tenants, django_capture_on_commit_callbacks):
    def send(email="nouvelle@example.org", role=Role.CASEWORKER):
        # The e-mail leaves after commit: run the on-commit callbacks.
        with django_capture_on_commit_callbacks(execute=True):
            response = admin_client.post(
                reverse("invitation_create"),
                {"email": email, "role": role, "territories": [two_tenants["a"]["territory"].pk]},
            )
        assert response.status_code == 302, response.content.decode()

    return send


def _link(mailoutbox) -> str:
    return re.search(r"http://testserver(/invitation/\S+/)", mailoutbox[-1].body).group(1)


def test_invitation_creates_the_account_and_membership_once(
    invite, client_factory, two_tenants, mailoutbox
):
    invite()
    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == ["nouvelle@example.org"]
    assert "Organisation A" in mailoutbox[0].subject
    link = _link(mailoutbox)
    guest = client_factory()
    page = guest.get(link)
    assert page.status_code == 200
    assert "Créer mon compte" in page.content.decode()
    response = guest.post(
        link,
        {"first_name": "Awa", "last_name": "Diallo", "password1": "court", "password2": "court"},
    )
    assert response.status_code == 200
    assert "trop court" in response.content.decode()
    assert not User.objects.filter(email="nouvelle@example.org").exists()
    strong = "une-phrase-de-passe-solide"
    response = guest.post(
        link, {"first_name": "Awa", "last_name": "Diallo", "password1": strong, "password2": strong}
    )
    assert response.status_code == 302
    user = User.objects.get(email="nouvelle@example.org")
    with tenant_context(two_tenants["a"]["org"]):
        membership = Membership.objects.get(user=user)
        assert membership.role == Role.CASEWORKER
        assert list(membership.territories.all()) == [two_tenants["a"]["territory"]]
    # Used: a second visit gets a clear French message, not a form.
    again = client_factory().get(link)
    assert again.status_code == 410
    assert "Cette invitation a déjà été utilisée." in again.content.decode()


def test_expired_and_withdrawn_invitations(
    invite, admin_client, client_factory, two_tenants, mailoutbox
):
    invite(email="tard@example.org")
    link = _link(mailoutbox)
    with tenant_context(two_tenants["a"]["org"]):
        Invitation.objects.filter(email="tard@example.org").update(
            expires_at=timezone.now() - timedelta(minutes=1)
        )
    response = client_factory().get(link)
    assert response.status_code == 410
    assert "Cette invitation a expiré" in response.content.decode()

    invite(email="retire@example.org")
    link = _link(mailoutbox)
    with tenant_context(two_tenants["a"]["org"]):
        invitation = Invitation.objects.get(email="retire@example.org")
    admin_client.post(reverse("invitation_revoke", args=[invitation.pk]))
    response = client_factory().get(link)
    assert response.status_code == 410
    assert "Cette invitation a été retirée" in response.content.decode()


@pytest.mark.parametrize("token", ["n-importe-quoi", "999999-abc", "abc", "1-", "-"])
def test_forged_invitation_links_are_refused_cleanly(client, two_tenants, token):
    response = client.get(reverse("invitation_accept", args=[token]))
    assert response.status_code == 410
    assert "Ce lien d’invitation n’est pas valide." in response.content.decode()


def test_existing_account_must_log_in_to_accept(invite, client_factory, two_tenants, mailoutbox):
    existing = UserFactory(email="deja@example.org")
    invite(email="deja@example.org", role=Role.VOLUNTEER)
    link = _link(mailoutbox)
    guest = client_factory()
    assert "Connectez-vous" in guest.get(link).content.decode()
    guest.force_login(existing)
    response = guest.post(link)
    assert response.status_code == 302
    with tenant_context(two_tenants["a"]["org"]):
        assert Membership.objects.get(user=existing).role == Role.VOLUNTEER


def test_inviting_a_member_again_is_refused(admin_client, two_tenants):
    response = admin_client.post(
        reverse("invitation_create"),
        {
            "email": "caseworker@a.example.org",
            "role": Role.CASEWORKER,
            "territories": [two_tenants["a"]["territory"].pk],
        },
    )
    assert response.status_code == 400
    assert "déjà membre" in response.content.decode()


def test_changes_are_in_the_history_with_the_acting_user(admin_client, two_tenants):
    from django.apps import apps

    a = two_tenants["a"]
    admin = a["members"][Role.ADMIN]
    admin_client.post(
        reverse("territory_edit", args=[a["territory"].pk]),
        {"name": "Territoire A renommé", "region": "75", "departement": "33", "is_active": "on"},
    )
    with tenant_context(a["org"]):
        event = (
            apps.get_model("accounts", "TerritoryEvent")
            .objects.filter(pgh_obj_id=a["territory"].pk, pgh_label="update")
            .get()
        )
    assert event.name == "Territoire A renommé"
    assert event.pgh_context["user"] == admin.user_id
    assert event.pgh_context["request_id"]

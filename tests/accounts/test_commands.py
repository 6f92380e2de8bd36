import re

import pytest
from django.core.management import CommandError, call_command

from tests.factories import UserFactory
from thrasos.accounts.models import Invitation, Organisation
from thrasos.tenancy import tenant_context

pytestmark = pytest.mark.django_db


@pytest.fixture
def operator():
    return UserFactory(email="ops@example.org", is_staff=True, is_superuser=True)


def test_create_organisation_and_invite_its_first_admin(
    operator, capsys, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        call_command(
            "create_organisation",
            "Entraide Bretagne",
            slug="entraide-bzh",
            admin_email="Chef@Example.org",
        )
    out = capsys.readouterr().out
    organisation = Organisation.objects.get(slug="entraide-bzh")
    assert re.search(r"/invitation/\d+-\S+/", out)
    with tenant_context(organisation):
        invitation = Invitation.objects.get()
    assert (invitation.email, invitation.role) == ("chef@example.org", "admin")
    assert mailoutbox[0].to == ["chef@example.org"]


def test_duplicate_slug_is_a_clear_error(operator):
    call_command("create_organisation", "Une", slug="une")
    with pytest.raises(CommandError, match=r"existe déjà|already exists"):
        call_command("create_organisation", "Une autre", slug="une")


def test_tenant_commands_refuse_an_unknown_organisation(operator):
    with pytest.raises(CommandError, match="No organisation with the slug 'inconnue'"):
        call_command("invite", organisation="inconnue", email="x@example.org", role="admin")


def test_invite_refuses_a_territory_of_another_organisation(operator, two_tenants):
    with pytest.raises(CommandError, match="Unknown territories: Territoire B"):
        call_command(
            "invite",
            organisation="org-a",
            email="x@example.org",
            role="caseworker",
            territory=["Territoire B"],
        )

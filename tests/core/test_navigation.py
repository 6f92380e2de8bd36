"""The main navigation offers only what the role can open (issue 17), and the
pages with several forms give each field its own id."""

import re
from collections import Counter

import pytest
from django.urls import reverse

from tests import factories
from thrasos.accounts.models import Role

pytestmark = pytest.mark.django_db


def _nav(html: str) -> list[str]:
    nav = html.split('aria-label="Navigation principale"', 1)[1].split("</nav>", 1)[0]
    modules = nav.split('class="nav-modules"', 1)
    if len(modules) == 1:
        return []
    return re.findall(r'<a href="([^"]+)"', modules[1].split("</ul>", 1)[0])


EXPECTED = {
    Role.ADMIN: [
        "/beneficiaires/",
        "/sessions/",
        "/alternance/",
        "/logement/",
        "/parrainage/",
        "/rapports/",
    ],
    Role.COORDINATOR: [
        "/beneficiaires/",
        "/sessions/",
        "/alternance/",
        "/logement/",
        "/parrainage/",
        "/rapports/",
    ],
    Role.CASEWORKER: [
        "/beneficiaires/",
        "/sessions/",
        "/alternance/",
        "/logement/",
        "/parrainage/",
    ],
    Role.VOLUNTEER: ["/parrainage/"],
    Role.MANAGER: ["/logement/chiffres/", "/rapports/"],
}


@pytest.mark.parametrize("role", Role.values)
def test_navigation_offers_what_the_role_opens(client, two_tenants, role):
    client.force_login(two_tenants["a"]["members"][role].user)
    home = client.get(reverse("home"))
    links = _nav(home.content.decode())
    assert links == EXPECTED[role]
    # Every link of the navigation (and of the home page's module list) opens.
    for href in links:
        assert client.get(href, follow=True).status_code == 200, href
    if role == Role.MANAGER:
        # The occupancy figures, never who lives where.
        assert ">Occupation des logements<" in home.content.decode()
        assert client.get("/logement/").status_code == 403


def test_a_forbidden_page_is_the_french_error_page(client, two_tenants):
    client.force_login(two_tenants["a"]["members"][Role.VOLUNTEER].user)
    response = client.get(reverse("sessions:index"))
    assert response.status_code == 403
    html = response.content.decode()
    assert "Accès refusé" in html and 'lang="fr"' in html
    # The error page keeps the navigation of the role.
    assert _nav(html) == ["/parrainage/"]


def test_user_menu_is_in_the_header_for_every_page(client, two_tenants):
    client.force_login(two_tenants["a"]["members"][Role.CASEWORKER].user)
    html = client.get(reverse("home")).content.decode()
    header = html.split("</header>", 1)[0]
    for label in (
        "Changer de mot de passe",
        "Double authentification",
        "Se déconnecter",
    ):
        assert label in header or label.lower() in header.lower()


def _duplicate_ids(html: str) -> list[str]:
    counts = Counter(re.findall(r'\sid="([^"]+)"', html))
    return [i for i, n in counts.items() if n > 1]


def test_every_form_of_the_case_file_has_its_own_ids(client, two_tenants):
    a = two_tenants["a"]
    actor = a["members"][Role.COORDINATOR].user
    person = factories.beneficiary(a["org"], a["territory"], actor)
    client.force_login(a["members"][Role.CASEWORKER].user)
    html = client.get(person.get_absolute_url()).content.decode()
    assert _duplicate_ids(html) == []
    assert 'id="document_kind"' in html and 'id="assessment_kind"' in html
    assert html.count('for="document_kind"') == 1


def test_every_form_of_the_session_page_has_its_own_ids(client, two_tenants):
    a = two_tenants["a"]
    session = factories.session(a["org"], a["territory"])
    client.force_login(a["members"][Role.CASEWORKER].user)
    html = client.get(session.get_absolute_url()).content.decode()
    assert _duplicate_ids(html) == []
    assert 'id="status_on"' in html and 'id="enrol_on"' in html


def test_languages_spoken_offers_its_options(client, two_tenants):
    a = two_tenants["a"]
    actor = a["members"][Role.COORDINATOR].user
    person = factories.beneficiary(a["org"], a["territory"], actor)
    client.force_login(a["members"][Role.CASEWORKER].user)
    for url in (reverse("beneficiaries:create"), reverse("beneficiaries:edit", args=[person.pk])):
        html = client.get(url).content.decode()
        select = html.split('name="languages"', 1)[1].split("</select>", 1)[0]
        assert '<option value="ti">Tigrigna</option>' in select or 'value="ti"' in select
        assert select.count("<option") >= 20
    # Chosen languages are saved.
    data = {
        "last_name": person.last_name,
        "first_name": person.first_name,
        "sex": "F",
        "birth_date": "1994-05-17",
        "protection_status": "refugee",
        "preferred_language": "fr",
        "referral_date": "2026-01-05",
        "languages": ["ar", "ti"],
    }
    response = client.post(reverse("beneficiaries:edit", args=[person.pk]), data)
    assert response.status_code == 302, response.content.decode()[-2000:]
    from thrasos.tenancy import tenant_context

    with tenant_context(a["org"]):
        person.refresh_from_db()
    assert person.languages == ["ar", "ti"]


def test_case_file_link_only_where_the_case_file_opens(two_tenants):
    from django.template import Context, Template

    from thrasos.tenancy import tenant_context

    a = two_tenants["a"]
    actor = a["members"][Role.COORDINATOR].user
    elsewhere = factories.territory(a["org"], "Territoire Ailleurs", "84", "69")
    here = factories.beneficiary(a["org"], a["territory"], actor, last_name="Ici")
    there = factories.beneficiary(a["org"], elsewhere, actor, last_name="Ailleurs")
    template = Template('{% load thrasos %}{% case_file_link b "#placements" %}')

    def render(role, person):
        with tenant_context(a["org"]):
            context = Context({"current_membership": a["members"][role], "b": person})
            return template.render(context)

    assert render(Role.CASEWORKER, here) == (
        f'<a href="{here.get_absolute_url()}#placements">{here.full_name}</a>'
    )
    assert render(Role.CASEWORKER, there) == there.full_name
    assert render(Role.COORDINATOR, there).startswith("<a href=")
    assert render(Role.VOLUNTEER, here) == here.full_name

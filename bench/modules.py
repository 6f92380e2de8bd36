"""Benchmark of the later modules' list pages (run by `make bench`): the
alternance contracts, the housing units and the volunteers, each next to its
minimal rendering (bench/floor.py) with the ratio page / (empty page +
minimal rendering); target <= 1.3x (issue 18), as the beneficiaries list.

Placements and housing are read in the demo organisation "hh-urgence" (the
scale seed has no contracts or housing); volunteers in "charge-01", which the
scale seed gives one volunteer per fifteen people in work-study.
This is a measurement, not a test: it prints and exits 0."""

import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "thrasos.settings")

import django

django.setup()

from allauth.mfa.models import Authenticator  # noqa: E402
from allauth.mfa.totp.internal.auth import TOTP  # noqa: E402
from django.conf import settings  # noqa: E402
from django.test import Client  # noqa: E402
from django.utils import timezone  # noqa: E402
from floor import HEADER, bare, empty_page, measure, minimal, queries  # noqa: E402

from housing import selectors as housing  # noqa: E402
from mentoring import selectors as mentoring  # noqa: E402
from placements import selectors as placements  # noqa: E402
from placements.views import PAGE_SIZE as CONTRACTS_PAGE  # noqa: E402
from thrasos.accounts.models import Membership, Organisation  # noqa: E402
from thrasos.tenancy import platform_context, tenant_context  # noqa: E402

settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]

CONTRACTS = bare(
    '<table>{% for c in rows %}<tr><td><a href="/beneficiaires/{{ c.beneficiary_id }}/">'
    "{{ c.beneficiary.last_name }} {{ c.beneficiary.first_name }}</a> "
    "{{ c.beneficiary.current_territory.name }}</td><td>"
    "{{ c.get_status_display }}</td><td>{{ c.employer.name }}</td><td>"
    "{{ c.training_organisation.name }}</td><td>{{ c.start_date|date:'d/m/Y' }} – "
    "{{ c.end_date|date:'d/m/Y' }}</td><td>{{ c.trial_period_end|date:'d/m/Y' }}</td><td>"
    "{% if c.status == 'completed' %}{{ c.get_diploma_result_display }}{% endif %}</td></tr>"
    "{% endfor %}</table>"
)
UNITS = bare(
    '<table>{% for u in units %}<tr><td><a href="/logement/logements/{{ u.pk }}/">'
    "{{ u.name }}</a> {{ u.city }}</td><td>{{ u.free_places }} / {{ u.open_places }}</td><td>"
    "{{ u.territory.name }}</td><td>{{ u.get_kind_display }}</td></tr>{% endfor %}</table>"
    "<table>{% for f in freeing %}<tr><td>{{ f.within }}</td><td>{{ f.occupancy.place }}</td>"
    "<td>{{ f.occupancy.beneficiary.last_name }}</td></tr>{% endfor %}</table>"
)
VOLUNTEERS = bare(
    "<table>{% for p in profiles %}<tr><td>{{ p.membership.user.first_name }} "
    "{{ p.membership.user.last_name }}{% if not p.is_active %} paused{% endif %}</td><td>"
    "{{ p.territory.name }}</td><td>{{ p.charter_signed_on|date:'d/m/Y' }}</td><td>"
    "{{ p.current_mentees }}</td><td>{{ p.last_note_on|date:'d/m/Y'|default:'—' }}</td><td>"
    "{{ p.silence_days }}</td></tr>{% endfor %}</table>"
    "<ul>{% for m in without_profile %}<li>{{ m.user.first_name }} {{ m.user.last_name }}"
    "</li>{% endfor %}</ul>"
)


def _coordinator(slug: str):
    with platform_context():
        organisation = Organisation.objects.get(slug=slug)
    with tenant_context(organisation):
        membership = (
            Membership.objects.select_related("user").filter(role="coordinator").order_by("pk")
        ).first()
    user = membership.user
    if not Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists():
        TOTP.activate(user, "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP")
    client = Client()
    client.force_login(user)
    return organisation, membership, client


def main():
    demo, demo_member, demo_client = _coordinator("hh-urgence")
    charge, charge_member, charge_client = _coordinator("charge-01")
    today = timezone.localdate()
    cases = (
        (
            "contracts (placements)",
            demo_client,
            "/alternance/contrats/",
            minimal(
                demo,
                lambda: {
                    # The page's rows read as the page reads them: its first
                    # keyset page (50 rows and one to know there is a next).
                    "rows": list(
                        placements.contract_list_rows(
                            placements.contracts_for(demo_member)
                        ).order_by("end_date", "id")[: CONTRACTS_PAGE + 1]
                    )
                },
                CONTRACTS,
            ),
        ),
        (
            "housing units",
            demo_client,
            "/logement/",
            minimal(
                demo,
                lambda: {
                    "units": list(housing.units_list(demo_member, today)),
                    "freeing": housing.freeing_soon(demo_member, today),
                },
                UNITS,
            ),
        ),
        (
            "volunteers (mentoring)",
            charge_client,
            "/parrainage/benevoles/",
            minimal(
                charge,
                lambda: {
                    "profiles": mentoring.volunteers_overview(charge_member),
                    "without_profile": list(
                        mentoring.volunteer_members_without_profile(charge_member)
                    ),
                },
                VOLUNTEERS,
            ),
        ),
    )
    print(HEADER)
    for name, client, url, floor in cases:
        measure(
            name,
            lambda client=client, url=url: client.get(url),
            floor,
            empty=empty_page(client),
            target=1.3,
            queries=str(queries(client, url)),
        )


if __name__ == "__main__":
    main()

"""Demo data for trying Thrasos locally. Idempotent: running it again updates
what it created and adds nothing twice."""

from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import (
    TOTP,
    format_hotp_value,
    hotp_value,
    yield_hotp_counters_from_time,
)
from allauth.mfa.utils import decrypt
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from thrasos.accounts import services
from thrasos.accounts.mfa_secrets import MfaSecretError
from thrasos.accounts.models import (
    Membership,
    MembershipTerritory,
    Organisation,
    Role,
    Territory,
    User,
)
from thrasos.core import registry
from thrasos.tenancy import tenant_context

DEMO_PASSWORD = "thrasos-demo-2026"  # noqa: S105 - printed on purpose, demo only
# One TOTP secret for every demo account with MFA, printed with the logins, so
# that a person can add it to an authenticator app or ask `seed_demo --code`.
DEMO_TOTP_SECRET = "JBSWY3DPEHPK3PXPTHRASOSDEMOKEYAA"  # noqa: S105

ORGANISATIONS = {
    "hh-urgence": (
        "Habitat et Humanisme – Urgence",
        [
            ("H&H Gironde", "75", "33"),
            ("H&H Rhône", "84", "69"),
            ("H&H Loire-Atlantique", "52", "44"),
            ("H&H Bas-Rhin", "44", "67"),
        ],
    ),
    "solidarite-occitanie": (
        "Solidarité Accueil Occitanie",
        [("SAO Toulouse", "76", "31"), ("SAO Montpellier", "76", "34")],
    ),
}

# e-mail, first name, last name, [(organisation slug, role, territory names)]
DEMO_USERS = [
    ("admin@demo.thrasos.fr", "Nadia", "Benali", [("hh-urgence", Role.ADMIN, [])]),
    (
        "coordination@demo.thrasos.fr",
        "Hélène",
        "Marchand",
        [("hh-urgence", Role.COORDINATOR, []), ("solidarite-occitanie", Role.COORDINATOR, [])],
    ),
    (
        "travailleur.social@demo.thrasos.fr",
        "Karim",
        "Haddad",
        [("hh-urgence", Role.CASEWORKER, ["H&H Gironde", "H&H Rhône"])],
    ),
    (
        "benevole@demo.thrasos.fr",
        "Françoise",
        "Le Goff",
        [("hh-urgence", Role.VOLUNTEER, ["H&H Gironde"])],
    ),
    ("direction@demo.thrasos.fr", "Olivier", "Dumas", [("hh-urgence", Role.MANAGER, [])]),
    (
        "admin@solidarite-occitanie.demo.thrasos.fr",
        "Marie",
        "Fabre",
        [("solidarite-occitanie", Role.ADMIN, [])],
    ),
    (
        "accompagnement@solidarite-occitanie.demo.thrasos.fr",
        "Yohannes",
        "Tesfaye",
        [("solidarite-occitanie", Role.CASEWORKER, ["SAO Toulouse"])],
    ),
]
OPERATOR = ("operateur@demo.thrasos.fr", "Camille", "Roux")
SESSION_TERRITORIES = ("H&H Gironde", "H&H Rhône", "SAO Toulouse")


def current_code(secret: str = DEMO_TOTP_SECRET) -> str:
    counter = next(iter(yield_hotp_counters_from_time()))
    return format_hotp_value(hotp_value(secret, counter))


class Command(BaseCommand):
    help = "Create or refresh the demo data (refused when DJANGO_DEBUG is false)."

    def add_arguments(self, parser):
        parser.add_argument("--logins", action="store_true", help="Only print the demo logins.")
        parser.add_argument("--code", action="store_true", help="Print the current demo TOTP code.")
        parser.add_argument(
            "--scale",
            type=int,
            metavar="N",
            help="Also bulk-create N case files over --organisations benchmark organisations.",
        )
        parser.add_argument("--organisations", type=int, default=20)
        parser.add_argument(
            "--allow-production",
            action="store_true",
            help="Load demo data even with DJANGO_DEBUG=false (never on a real instance).",
        )

    def handle(
        self, *args, logins: bool, code: bool, allow_production: bool, scale=None, **options
    ):
        if code:
            self.stdout.write(current_code())
            return
        if logins:
            self.print_logins()
            return
        if not settings.DEBUG and not allow_production:
            raise CommandError(
                "Refusing to load demo data with DJANGO_DEBUG=false: demo accounts have a "
                "published password. Use --allow-production only on a throw-away instance."
            )
        with transaction.atomic():
            organisations = self.seed_organisations()
            self.seed_users(organisations)
            created = self.seed_case_files(organisations)
        self.stdout.write(
            f"  demo data ready: {len(organisations)} organisations, {created} new case files"
        )
        if scale:
            if scale < 1 or options["organisations"] < 1:
                raise CommandError("--scale and --organisations take positive numbers.")
            for seeder in registry.scale_seeders():
                seeder(total=scale, organisations=options["organisations"], stdout=self.stdout)

    def seed_case_files(self, organisations) -> int:
        """The modules' demo steps (thrasos.core.registry), in their order,
        inside each organisation that gets case files."""
        created = 0
        for slug, count in (("hh-urgence", 150), ("solidarite-occitanie", 30)):
            with tenant_context(organisations[slug]):
                caseworkers = list(
                    Membership.objects.filter(role=Role.CASEWORKER).select_related("user")
                )
                actor = (
                    caseworkers[0].user
                    if caseworkers
                    else Membership.objects.filter(role=Role.ADMIN).first().user
                )
                context = registry.DemoContext(
                    organisation=organisations[slug],
                    actor=actor,
                    territories=list(Territory.objects.order_by("name")),
                    caseworkers=caseworkers,
                    count=count,
                    seed=len(slug),
                    shared={"session_territories": SESSION_TERRITORIES},
                )
                for step in registry.demo_steps():
                    created += step(context) or 0
        return created

    def seed_organisations(self) -> dict[str, Organisation]:
        organisations = {}
        for slug, (name, territories) in ORGANISATIONS.items():
            organisation = Organisation.objects.filter(slug=slug).first()
            if organisation is None:
                organisation = services.organisation_create(name=name, slug=slug)
            organisations[slug] = organisation
            with tenant_context(organisation):
                for territory_name, region, departement in territories:
                    Territory.objects.update_or_create(
                        name=territory_name,
                        defaults={"region": region, "departement": departement},
                    )
        return organisations

    def seed_user(self, email, first_name, last_name, *, operator=False) -> User:
        user, _ = User.objects.get_or_create(
            email=email, defaults={"first_name": first_name, "last_name": last_name}
        )
        user.first_name, user.last_name = first_name, last_name
        user.is_staff = user.is_superuser = operator
        user.is_active = True
        user.set_password(DEMO_PASSWORD)
        user.save()
        return user

    def seed_users(self, organisations) -> None:
        operator = self.seed_user(*OPERATOR, operator=True)
        self.ensure_totp(operator)
        for email, first_name, last_name, roles in DEMO_USERS:
            user = self.seed_user(email, first_name, last_name)
            for slug, role, territory_names in roles:
                with tenant_context(organisations[slug]):
                    membership, _ = Membership.objects.update_or_create(
                        user=user, defaults={"role": role, "is_active": True}
                    )
                    MembershipTerritory.objects.filter(membership=membership).delete()
                    for territory in Territory.objects.filter(name__in=territory_names):
                        MembershipTerritory.objects.create(
                            membership=membership, territory=territory
                        )
            if any(role != Role.VOLUNTEER for _, role, _ in roles):
                self.ensure_totp(user)

    @staticmethod
    def ensure_totp(user: User) -> None:
        existing = Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).first()
        try:
            if existing and decrypt(existing.data["secret"]) == DEMO_TOTP_SECRET:
                return
        except MfaSecretError:
            pass  # encrypted with a development key since lost: enrol again
        if existing:
            existing.delete()
        TOTP.activate(user, DEMO_TOTP_SECRET)

    def print_logins(self) -> None:
        self.stdout.write(f"  Demo logins (password for all: {DEMO_PASSWORD}):")
        self.stdout.write(f"    {OPERATOR[0]:<52} platform operator (Django admin)")
        for email, first_name, last_name, roles in DEMO_USERS:
            described = ", ".join(f"{Role(role).label} @ {slug}" for slug, role, _ in roles)
            self.stdout.write(f"    {email:<52} {first_name} {last_name}: {described}")
        self.stdout.write(
            "  Two-factor code for every account but the volunteer: add the secret "
            f"{DEMO_TOTP_SECRET} to an authenticator app,\n"
            "  or run `make demo-code` for the current code."
        )

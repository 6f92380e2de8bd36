"""Demo data for trying Thrasos locally. Idempotent: running it again updates
what it created and adds nothing twice."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from thrasos.accounts.models import User

DEMO_PASSWORD = "thrasos-demo-2026"  # noqa: S105 - printed on purpose, demo only

DEMO_USERS = [
    # (e-mail, first name, last name, platform operator)
    ("operateur@demo.thrasos.fr", "Camille", "Opérateur", True),
    ("coordination@demo.thrasos.fr", "Hélène", "Coordinatrice", False),
]


class Command(BaseCommand):
    help = "Create or refresh the demo data (refused when DJANGO_DEBUG is false)."

    def add_arguments(self, parser):
        parser.add_argument("--logins", action="store_true", help="Only print the demo logins.")
        parser.add_argument(
            "--allow-production",
            action="store_true",
            help="Load demo data even with DJANGO_DEBUG=false (never on a real instance).",
        )

    def handle(self, *args, logins: bool, allow_production: bool, **options):
        if logins:
            self.print_logins()
            return
        if not settings.DEBUG and not allow_production:
            raise CommandError(
                "Refusing to load demo data with DJANGO_DEBUG=false: demo accounts have a "
                "published password. Use --allow-production only on a throw-away instance."
            )
        with transaction.atomic():
            for email, first_name, last_name, operator in DEMO_USERS:
                user, created = User.objects.get_or_create(
                    email=email,
                    defaults={"first_name": first_name, "last_name": last_name},
                )
                user.first_name, user.last_name = first_name, last_name
                user.is_staff = user.is_superuser = operator
                user.is_active = True
                user.set_password(DEMO_PASSWORD)
                user.save()
                verb = "created" if created else "refreshed"
                self.stdout.write(f"  demo user {verb}: {email}")

    def print_logins(self) -> None:
        self.stdout.write(f"  Demo logins (password for all: {DEMO_PASSWORD}):")
        for email, first_name, last_name, operator in DEMO_USERS:
            role = "platform operator" if operator else "programme staff"
            self.stdout.write(f"    {email:<34} {first_name} {last_name} – {role}")

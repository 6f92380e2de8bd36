from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from thrasos.accounts import services


class Command(BaseCommand):
    help = "Create an organisation (a tenant) and invite its first administrator."

    def add_arguments(self, parser):
        parser.add_argument("name")
        parser.add_argument("--slug", required=True, help="Short name used in commands.")
        parser.add_argument("--admin-email", help="Invite this person as administrator.")

    def handle(self, *args, name, slug, admin_email, **options):
        try:
            organisation = services.organisation_create(name=name, slug=slug)
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from None
        self.stdout.write(f"Organisation created: {organisation.name} ({organisation.slug})")
        if admin_email:
            call_command(
                "invite",
                organisation=slug,
                email=admin_email,
                role="admin",
                stdout=self.stdout,
            )

from django.core.management.base import BaseCommand, CommandError

from thrasos.accounts.models import Organisation
from thrasos.tenancy import tenant_context


class TenantCommand(BaseCommand):
    """A management command that works inside one organisation, named by
    --organisation SLUG. Subclasses implement handle_tenant()."""

    def add_arguments(self, parser):
        parser.add_argument("--organisation", required=True, help="Slug of the organisation.")

    def handle(self, *args, organisation: str, **options):
        found = Organisation.objects.filter(slug=organisation).first()
        if found is None:
            raise CommandError(f"No organisation with the slug {organisation!r}.")
        if not found.is_active:
            raise CommandError(f"The organisation {organisation!r} is deactivated.")
        with tenant_context(found):
            return self.handle_tenant(found, *args, **options)

    def handle_tenant(self, organisation: Organisation, *args, **options):
        raise NotImplementedError

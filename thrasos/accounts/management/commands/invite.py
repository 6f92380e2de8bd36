from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management.base import CommandError
from django.db import transaction

from thrasos import permissions
from thrasos.accounts import services
from thrasos.accounts.models import Role, Territory, User
from thrasos.core.management.base import TenantCommand


class Command(TenantCommand):
    help = "Invite someone into an organisation (e-mail sent; the link is also printed)."

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument("--email", required=True)
        parser.add_argument("--role", required=True, choices=Role.values)
        parser.add_argument("--territory", action="append", default=[], help="Territory name.")
        parser.add_argument(
            "--invited-by",
            help="E-mail of the platform operator or member sending it (default: first operator).",
        )

    def handle_tenant(self, organisation, *, email, role, territory, invited_by, **options):
        territories = list(Territory.objects.filter(name__in=territory))
        missing = set(territory) - {t.name for t in territories}
        if missing:
            raise CommandError(f"Unknown territories: {', '.join(sorted(missing))}")
        if role in permissions.TERRITORY_BOUND_ROLES and not territories:
            raise CommandError("Caseworkers and volunteers need at least one --territory.")
        inviter = (
            User.objects.filter(email__iexact=invited_by).first()
            if invited_by
            else User.objects.filter(is_superuser=True, is_active=True).order_by("pk").first()
        )
        if inviter is None:
            raise CommandError("No inviting user: create a platform operator (createsuperuser).")
        try:
            with transaction.atomic():
                invitation, token = services.invitation_send(
                    actor=inviter,
                    email=email,
                    role=role,
                    territories=territories,
                    base_url=settings.THRASOS_BASE_URL,
                )
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from None
        link = settings.THRASOS_BASE_URL.rstrip("/") + f"/invitation/{token}/"
        self.stdout.write(f"Invitation sent to {invitation.email} ({role}): {link}")

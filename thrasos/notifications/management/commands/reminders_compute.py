"""Compute the reminders of one organisation for one day, as the daily sweep
does (without the daily jobs), or show what it would create (--dry-run)."""

import datetime

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from thrasos.accounts.models import Organisation
from thrasos.notifications import registry, services
from thrasos.tenancy import tenant_context


class Command(BaseCommand):
    help = "Compute the reminders of one organisation for one day (--dry-run: only show them)."

    def add_arguments(self, parser):
        parser.add_argument("--organisation", required=True, help="Its short name (slug).")
        parser.add_argument("--day", help="YYYY-MM-DD (default: today, Europe/Paris).")
        parser.add_argument("--kind", action="append", help="Only this kind (repeatable).")
        parser.add_argument("--dry-run", action="store_true", help="Create nothing, print.")

    def handle(self, *args, organisation, day, kind, dry_run, **options):
        org = Organisation.objects.filter(slug=organisation).first()
        if org is None:
            raise CommandError(f"No organisation with the short name {organisation!r}.")
        try:
            today = datetime.date.fromisoformat(day) if day else timezone.localdate()
        except ValueError:
            raise CommandError(f"--day {day!r}: expected YYYY-MM-DD.") from None
        known = {k.code for k in registry.kinds()}
        unknown = sorted(set(kind or ()) - known)
        if unknown:
            raise CommandError(f"Unknown kind(s) {unknown}; known: {sorted(known)}")
        with tenant_context(org):
            if dry_run:
                preview = services.reminders_preview(today=today, codes=kind)
                for code, rows in preview.items():
                    self.stdout.write(f"{code}: {len(rows)} to create")
                    for recipient, object_id, due_on, event_on, subject, link in rows:
                        date = f" · date {event_on:%d/%m/%Y}" if event_on else ""
                        self.stdout.write(
                            f"  member {recipient} · object {object_id} · due {due_on:%d/%m/%Y}"
                            f"{date} · {subject} · {link}"
                        )
                total = sum(len(r) for r in preview.values())
                self.stdout.write(f"Dry run for {org.slug} on {today:%d/%m/%Y}: {total} to create.")
                return
            results = services.reminders_compute(today=today, codes=kind)
        for result in results:
            self.stdout.write(f"{result.kind}: {result.created} created, {result.emails} e-mails")
        total = sum(r.created for r in results)
        self.stdout.write(f"{org.slug} on {today:%d/%m/%Y}: {total} reminders created.")

"""What housing adds to a case file: the current place and the history, and
timeline events (entry, move, exit). Called by beneficiaries.extensions after
the case file's access check (case-file roles only)."""

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from beneficiaries.extensions import CaseFileSection
from housing.models import Occupancy
from thrasos import permissions
from thrasos.core.dates import moment_of

TIMELINE_TEMPLATE = "housing/includes/_timeline_occupancy.html"


def _occupancies(beneficiary) -> list[Occupancy]:
    # The section and the timeline read the same rows: once per page.
    if not hasattr(beneficiary, "_housing_occupancies"):
        beneficiary._housing_occupancies = list(
            Occupancy.objects.filter(beneficiary=beneficiary)
            .select_related("place__unit")
            .order_by("-start_date", "-id")
        )
    return beneficiary._housing_occupancies


def section_context(beneficiary, membership) -> dict:
    today = timezone.localdate()
    occupancies = _occupancies(beneficiary)
    current = next((o for o in occupancies if o.is_current(today)), None)
    return {
        "occupancies": occupancies,
        "current": current,
        "overstaying": current is not None and current.is_overstaying(today),
        "today": today,
        "may_book": permissions.can_manage_housing(membership),
    }


SECTION = CaseFileSection(
    template="housing/includes/_case_file_section.html",
    context=section_context,
    order=30,
    anchor="logement",
    title=_("Housing"),
)


def timeline_events(beneficiary, membership):
    occupancies = _occupancies(beneficiary)
    moved = {o.moved_from_id for o in occupancies if o.moved_from_id}
    today = timezone.localdate()
    for o in occupancies:
        if o.start_date > today:
            continue
        yield {
            "at": moment_of(o.start_date, o.created_at),
            "kind": "housing",
            "object": {"event": "moved_in" if o.moved_from_id else "entered", "occupancy": o},
            "template": TIMELINE_TEMPLATE,
        }
        if o.actual_end_date and o.pk not in moved:
            yield {
                "at": moment_of(o.actual_end_date, o.created_at),
                "kind": "housing",
                "object": {"event": "left", "occupancy": o},
                "template": TIMELINE_TEMPLATE,
            }

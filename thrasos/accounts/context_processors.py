from dataclasses import dataclass
from functools import cache

from django.urls import NoReverseMatch, resolve, reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from thrasos import permissions
from thrasos.core.gates import view_gate


@dataclass(frozen=True)
class NavEntry:
    """One module of the main navigation: the first of its routes (by URL
    name) whose gate admits the member is shown; none, the entry is left out.
    The routes are named, not imported: the platform never imports a module."""

    routes: tuple[str, ...]
    labels: tuple[Promise, ...]
    description: Promise


NAVIGATION = (
    NavEntry(("beneficiaries:index",), (_("Beneficiaries"),), _("case files and pathways")),
    NavEntry(
        ("sessions:index",),
        (_("Sessions"),),
        _("10-week preparation sessions, timetable and attendance"),
    ),
    NavEntry(
        ("placements:index",),
        (_("Work-study"),),
        _("professional projects and alternance contracts"),
    ),
    NavEntry(
        # Managers open the occupancy figures only, never who lives where.
        ("housing:index", "housing:figures"),
        (_("Housing"), _("Housing occupancy")),
        _("housing units, places and occupancy"),
    ),
    NavEntry(("mentoring:index",), (_("Mentoring"),), _("volunteer mentors and their notes")),
    NavEntry(
        ("reports:index",),
        (_("Reports"),),
        _("indicators and PDF activity reports, figures only"),
    ),
)


@cache
def _gate_of(url_name: str):
    try:
        path = reverse(url_name)
    except NoReverseMatch:  # a module that is not installed
        return None, None
    return path, view_gate(resolve(path).func)


def navigation(membership) -> list[dict]:
    """What the member's role can open, from the routes' own gates, so that
    the navigation never offers a page that answers 403 or 404."""
    entries = []
    for entry in NAVIGATION:
        for url_name, label in zip(entry.routes, entry.labels, strict=True):
            path, gate = _gate_of(url_name)
            if gate is not None and gate.admits(membership, "GET"):
                # The module's first route is its root: it marks the current
                # page, whichever of the module's pages is open.
                root, _gate = _gate_of(entry.routes[0])
                entries.append(
                    {
                        "url": path,
                        "root": root or path,
                        "label": label,
                        "description": entry.description,
                    }
                )
                break
    return entries


def tenancy(request):
    membership = getattr(request, "membership", None)
    return {
        "current_membership": membership,
        "current_organisation": getattr(request, "organisation", None),
        "user_memberships": getattr(request, "memberships", []),
        "can_administer": permissions.can_administer(membership),
        "nav_modules": navigation(membership) if membership is not None else [],
    }

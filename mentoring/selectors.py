"""Reads of the mentoring module, always starting from the member.

A volunteer reaches only the pairs whose volunteer profile is their own
membership's (thrasos.permissions.is_own_mentorship), and of each mentee only
the fields the field policy gives their role (contact details); everything
else is 404, whatever the id. Supervisors (caseworkers, coordinators,
admins) reach the pairs of their territories."""

import datetime

from django.core.paginator import Paginator
from django.db.models import Count, Exists, Max, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import ngettext

from beneficiaries.models import Beneficiary, BeneficiaryReferent
from mentoring.models import (
    MentoringNote,
    MentoringSettings,
    Mentorship,
    Nudge,
    VolunteerProfile,
)
from thrasos import permissions
from thrasos.accounts.models import Membership, Role
from thrasos.referentials.languages import LANGUAGES


def mentee_fields(membership) -> list[str]:
    """The beneficiary fields this member may read (a volunteer: contact)."""
    return permissions.readable_fields(membership.role, Beneficiary.FIELD_SENSITIVITY)


def volunteer_profile_of(membership) -> VolunteerProfile | None:
    if not permissions.can_mentor(membership):
        return None
    return VolunteerProfile.objects.filter(membership=membership).first()


def mentorships_for(membership):
    """The pairs a member may reach: a volunteer their own current pairs, a
    supervisor those of their territories. Others: 404."""
    if permissions.can_mentor(membership):
        return Mentorship.objects.current().filter(volunteer__membership=membership)
    if permissions.can_supervise_mentoring(membership):
        return Mentorship.objects.in_territories(permissions.territory_ids(membership))
    raise Http404


def _mentee_queryset(membership):
    """Pairs with their beneficiary restricted to the readable fields: what a
    volunteer may not read is not even loaded."""
    fields = [f"beneficiary__{name}" for name in mentee_fields(membership)]
    return (
        mentorships_for(membership)
        .select_related("beneficiary", "volunteer__membership")
        .only(
            "id",
            "organisation_id",
            "status",
            "started_on",
            "volunteer__id",
            "volunteer__membership__id",
            "beneficiary__id",
            *fields,
        )
    )


def mentorship_get(membership, pk: int) -> Mentorship:
    """404 alike for a missing pair, another organisation's, another
    volunteer's, or one outside the supervisor's territories."""
    mentorship = get_object_or_404(_mentee_queryset(membership), pk=pk)
    if permissions.can_mentor(membership) and not permissions.is_own_mentorship(
        membership, mentorship
    ):
        raise Http404
    return mentorship


def my_mentees_queryset(membership):
    """ "Mes binômes": each current pair with the date of its last note and
    its open alerts, in one query."""
    if not permissions.can_mentor(membership):
        raise Http404
    return (
        _mentee_queryset(membership)
        .annotate(
            last_note_on=Max("notes__occurred_on"),
            open_alerts=Count(
                "notes",
                filter=~Q(notes__alert_urgency="") & Q(notes__acknowledged_at__isnull=True),
            ),
        )
        .order_by("beneficiary__first_name", "id")
    )


def my_mentees(membership) -> list[Mentorship]:
    return with_mentee_details(membership, list(my_mentees_queryset(membership)))


def my_mentee_get(membership, pk) -> Mentorship:
    """One of the volunteer's own pairs, with the same figures (404 otherwise)."""
    mentorship = get_object_or_404(my_mentees_queryset(membership), pk=pk)
    if not permissions.is_own_mentorship(membership, mentorship):
        raise Http404
    return with_mentee_details(membership, [mentorship])[0]


def mentoring_settings() -> MentoringSettings:
    """The organisation's mentoring settings (the defaults until saved)."""
    return MentoringSettings.objects.first() or MentoringSettings()


def mentee_name(person, *, full: bool) -> str:
    """First name, then the last name in full or its initial, as the
    organisation decided (MentoringSettings.mentee_name)."""
    last = person.last_name or ""
    if full or not last:
        return f"{person.first_name} {last}".strip()
    return f"{person.first_name} {last[:1].upper()}."


def with_mentee_details(membership, mentorships: list[Mentorship]) -> list[Mentorship]:
    """What the volunteer's pages and API show beside the contact fields:
    the name as the organisation decided, and the city (only the city) of
    the mentee's current programme housing. Two queries for any number."""
    from housing.selectors import current_cities  # housing says what may be shown

    full = mentoring_settings().full_names
    cities = current_cities({m.beneficiary_id for m in mentorships}, timezone.localdate())
    for mentorship in mentorships:
        mentorship.mentee_name = mentee_name(mentorship.beneficiary, full=full)
        mentorship.mentee_full_names = full
        mentorship.housing_city = cities.get(mentorship.beneficiary_id, "")
    return mentorships


def mentee_languages(person) -> list[str]:
    names = dict(LANGUAGES)
    return [str(names.get(code, code)) for code in person.languages or []]


def pair_notes(mentorship: Mentorship) -> list[MentoringNote]:
    return list(mentorship.notes.all())


def note_get(membership, pk: int) -> MentoringNote:
    """A note of one of the member's own pairs (a volunteer) — 404 otherwise."""
    note = get_object_or_404(
        MentoringNote.objects.select_related("mentorship__volunteer"),
        pk=pk,
        mentorship__in=mentorships_for(membership),
    )
    if permissions.can_mentor(membership) and not permissions.is_own_mentorship(
        membership, note.mentorship
    ):
        raise Http404
    return note


def pending_nudges(profile: VolunteerProfile | None) -> list[Nudge]:
    """The nudges sent since the volunteer's last note (written after a
    nudge, a note answers it)."""
    if profile is None:
        return []
    last_written = (
        MentoringNote.objects.filter(mentorship__volunteer=profile)
        .aggregate(at=Max("created_at"))
        .get("at")
    )
    nudges = profile.nudges.select_related("author")
    if last_written is not None:
        nudges = nudges.filter(created_at__gt=last_written)
    return list(nudges[:3])


# --- supervision


def _referent_rule(membership):
    """A caseworker's alerts: people of their territories they are referent
    for, or who have no referent yet (nobody else would see them)."""
    mine = BeneficiaryReferent.objects.filter(
        beneficiary_id=OuterRef("mentorship__beneficiary_id"), membership=membership
    )
    anyone = BeneficiaryReferent.objects.filter(
        beneficiary_id=OuterRef("mentorship__beneficiary_id")
    )
    return Q(Exists(mine)) | ~Q(Exists(anyone))


def alerts_for(membership):
    """Alerts a supervisor sees: coordinators and admins all, caseworkers
    those of the people they follow (see _referent_rule)."""
    if not permissions.can_supervise_mentoring(membership):
        raise Http404
    alerts = MentoringNote.objects.alerts().filter(
        mentorship__in=Mentorship.objects.in_territories(permissions.territory_ids(membership))
    )
    if membership.role == Role.CASEWORKER:
        alerts = alerts.filter(_referent_rule(membership))
    return alerts


ALERTS_PAGE_SIZE = 25


def open_alerts_queryset(membership):
    """The open alerts of the member's inbox, urgent first, then oldest."""
    return (
        alerts_for(membership)
        .open_alerts()
        .select_related(
            "mentorship__beneficiary", "mentorship__volunteer__membership__user", "author"
        )
        .urgent_first()
    )


def open_alerts(membership, page: int | str = 1):
    """A page of the inbox (ALERTS_PAGE_SIZE alerts; an open inbox is short,
    so page numbers, with the total shown)."""
    return Paginator(open_alerts_queryset(membership), ALERTS_PAGE_SIZE).get_page(page)


def alert_get(membership, pk: int) -> MentoringNote:
    return get_object_or_404(alerts_for(membership).select_related("mentorship"), pk=pk)


def volunteers_for(membership):
    """The volunteer profiles of the supervisor's territories."""
    if not permissions.can_supervise_mentoring(membership):
        raise Http404
    return VolunteerProfile.objects.in_territories(permissions.territory_ids(membership))


def volunteer_get(membership, pk: int) -> VolunteerProfile:
    return get_object_or_404(volunteers_for(membership).select_related("membership__user"), pk=pk)


def volunteer_members_without_profile(membership):
    """Volunteers of the supervisor's territories who have no profile yet."""
    if not permissions.can_supervise_mentoring(membership):
        raise Http404
    members = Membership.objects.active().filter(
        role=Role.VOLUNTEER, volunteer_profile__isnull=True
    )
    territory_ids = permissions.territory_ids(membership)
    if territory_ids is not None:
        members = members.filter(territories__in=territory_ids).distinct()
    return members.select_related("user").order_by("user__last_name", "id")


def volunteer_member_get(membership, pk: int) -> Membership:
    """A volunteer membership the supervisor may give a profile to."""
    if not permissions.can_manage_mentorships(membership):
        raise Http404
    members = Membership.objects.active().filter(role=Role.VOLUNTEER)
    territory_ids = permissions.territory_ids(membership)
    if territory_ids is not None:
        members = members.filter(territories__in=territory_ids).distinct()
    return get_object_or_404(members.select_related("user"), pk=pk)


# What a row of the volunteers list reads: no other column.
VOLUNTEER_LIST_COLUMNS = (
    "id",
    "organisation_id",
    "membership_id",
    "territory_id",
    "charter_signed_on",
    "is_active",
    "membership__id",
    "membership__user_id",
    "membership__user__id",
    "membership__user__first_name",
    "membership__user__last_name",
    "territory__id",
    "territory__name",
)


def volunteers_overview(membership) -> list[VolunteerProfile]:
    """The volunteers list: charter, current mentees, last note, silence in
    days — one query whatever the number of volunteers.

    The mentee count and the last note are correlated subqueries on the
    indexes (organisation, volunteer, status) and (organisation, mentorship,
    occurred_on), not a join of every profile with every pair and every note
    grouped afterwards: that join multiplied the rows by the notes (2,000
    rows for 168 volunteers), sorted them with every column of the user and
    took 400 ms at 1,700 volunteers."""
    today = timezone.localdate()
    current_mentees = (
        Mentorship.objects.filter(volunteer=OuterRef("pk"))
        .current()
        .order_by()
        .values("volunteer")
        .annotate(n=Count("id"))
        .values("n")
    )
    last_note = (
        MentoringNote.objects.filter(mentorship__volunteer=OuterRef("pk"))
        .order_by()
        .values("mentorship__volunteer")
        .annotate(on=Max("occurred_on"))
        .values("on")
    )
    profiles = list(
        volunteers_for(membership)
        .select_related("membership__user", "territory")
        .only(*VOLUNTEER_LIST_COLUMNS)
        .annotate(
            current_mentees=Coalesce(Subquery(current_mentees), 0),
            last_note_on=Subquery(last_note),
        )
        .order_by("territory__name", "membership__user__last_name", "id")
    )
    for profile in profiles:
        profile.silence_days = (today - profile.last_note_on).days if profile.last_note_on else None
    return profiles


def label_volunteers(profiles: list[VolunteerProfile]) -> None:
    """Give each row of the volunteers list its name, links and silence,
    worked out once per page rather than once per row in the template (two
    reverse() and a plural translation per row)."""
    profile_link = reverse("mentoring:volunteer_profile", args=[0]).removesuffix("0/profil/")
    nudge_link = reverse("mentoring:nudge", args=[0]).removesuffix("0/relance/")
    for profile in profiles:
        profile.full_name = profile.membership.user.get_full_name()
        profile.profile_link = f"{profile_link}{profile.membership_id}/profil/"
        profile.nudge_link = f"{nudge_link}{profile.pk}/relance/"
        days = profile.silence_days
        profile.silence_label = (
            "—"
            if days is None
            else ngettext("%(counter)s day", "%(counter)s days", days) % {"counter": days}
        )


# --- the case file


def mentorships_of(beneficiary) -> list[Mentorship]:
    """The pairs of a case file, for its section (the case file's access
    check has run)."""
    return list(
        Mentorship.objects.filter(beneficiary=beneficiary)
        .select_related("volunteer__membership__user")
        .annotate(last_note_on=Max("notes__occurred_on"))
        .order_by("-started_on", "-id")
    )


def notes_of(beneficiary):
    return MentoringNote.objects.filter(mentorship__beneficiary=beneficiary).select_related(
        "author", "mentorship"
    )


def silent_since(profile: VolunteerProfile) -> datetime.date | None:
    return MentoringNote.objects.filter(mentorship__volunteer=profile).aggregate(
        on=Max("occurred_on")
    )["on"]

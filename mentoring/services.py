"""Every write of the mentoring module: volunteer profiles, pairs, notes with
their alerts, acknowledgements and nudges. Each refuses with a French
ValidationError; the capability was checked by the caller's gate, the
object-level rule (whose note, whose pair) is checked again here."""

import datetime

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from mentoring.models import (
    NOTE_EDIT_WINDOW,
    MenteeName,
    MentoringNote,
    MentoringSettings,
    Mentorship,
    Nudge,
    VolunteerProfile,
)
from mentoring.reminders import ALERT_CODE
from thrasos.accounts.models import Membership, Role, User
from thrasos.notifications.services import notify_on_commit

PROFILE_FIELDS = (
    "territory",
    "availability",
    "languages",
    "skills",
    "charter_signed_on",
    "is_active",
)
NOTE_FIELDS = (
    "occurred_on",
    "duration_minutes",
    "kind",
    "topics",
    "summary",
    "alert_urgency",
    "alert_reason",
)


# --- the organisation's settings


@transaction.atomic
def mentoring_settings_save(*, actor: User, mentee_name: str) -> MentoringSettings:
    """How volunteers see their mentees' names (an administrator's choice)."""
    if mentee_name not in MenteeName.values:
        raise ValidationError({"mentee_name": _("Choose how volunteers see the names.")})
    settings, _created = MentoringSettings.objects.select_for_update().get_or_create()
    settings.mentee_name = mentee_name
    settings.full_clean(exclude=["organisation"], validate_constraints=False)
    settings.save()
    return settings


# --- volunteer profiles


@transaction.atomic
def volunteer_profile_save(*, actor: User, membership: Membership, data: dict) -> VolunteerProfile:
    """Create or change the profile of a member with the volunteer role; its
    territory is one of the member's territories."""
    if membership.role != Role.VOLUNTEER:
        raise ValidationError(_("Only a member with the volunteer role has a volunteer profile."))
    profile = VolunteerProfile.objects.select_for_update().filter(
        membership=membership
    ).first() or VolunteerProfile(membership=membership)
    for field in PROFILE_FIELDS:
        if field in data:
            setattr(profile, field, data[field])
    profile.full_clean(exclude=["organisation"])
    if not membership.territories.filter(pk=profile.territory_id).exists():
        raise ValidationError({"territory": _("The volunteer is not a member of this territory.")})
    profile.save()
    return profile


# --- mentorships


def other_mentors(beneficiary, *, exclude: Mentorship | None = None) -> list[Mentorship]:
    """The person's other current pairs (normally none: a warning, not a rule)."""
    pairs = Mentorship.objects.current().filter(beneficiary=beneficiary)
    if exclude is not None:
        pairs = pairs.exclude(pk=exclude.pk)
    return list(pairs.select_related("volunteer__membership__user"))


@transaction.atomic
def mentorship_create(
    *,
    actor: User,
    volunteer: VolunteerProfile,
    beneficiary,
    started_on: datetime.date | None = None,
) -> Mentorship:
    """Pair a volunteer with a person of the same territory. The volunteer
    must have signed the charter and not be on a break."""
    errors = {}
    if volunteer.charter_signed_on is None:
        errors["volunteer"] = _(
            "This volunteer has not signed the volunteer charter: they cannot be paired yet."
        )
    elif not volunteer.is_active:
        errors["volunteer"] = _("This volunteer is taking a break: they cannot be paired.")
    elif volunteer.territory_id != beneficiary.current_territory_id:
        errors["volunteer"] = _("The volunteer and the person must be of the same territory.")
    if errors:
        raise ValidationError(errors)
    if Mentorship.objects.current().filter(volunteer=volunteer, beneficiary=beneficiary).exists():
        raise ValidationError(_("This volunteer is already paired with this person."))
    mentorship = Mentorship(
        volunteer=volunteer,
        beneficiary=beneficiary,
        started_on=started_on or timezone.localdate(),
        created_by=actor,
    )
    mentorship.full_clean(exclude=["organisation"], validate_constraints=False)
    try:
        with transaction.atomic():
            mentorship.save()
    except IntegrityError:  # a pair made at the same moment by someone else
        raise ValidationError(_("This volunteer is already paired with this person.")) from None
    return mentorship


@transaction.atomic
def mentorship_set_status(
    *,
    actor: User,
    mentorship: Mentorship,
    status: str,
    on: datetime.date | None = None,
    reason: str = "",
    comment: str = "",
) -> Mentorship:
    """Pause, resume or end a pair. Ending needs a date and a reason; an
    ended pair stays ended (a new pair can be made)."""
    locked = Mentorship.objects.select_for_update().get(pk=mentorship.pk)
    if locked.status == Mentorship.Status.ENDED:
        raise ValidationError(_("This pair has ended: make a new one if needed."))
    if status not in Mentorship.Status.values or status == locked.status:
        raise ValidationError({"status": _("Choose another status.")})
    if status == Mentorship.Status.ENDED:
        if not reason:
            raise ValidationError({"reason": _("Say why the pair ends.")})
        locked.ended_on = on or timezone.localdate()
        locked.end_reason = reason
        locked.end_comment = comment
        if locked.ended_on > timezone.localdate():
            raise ValidationError({"on": _("This date cannot be in the future.")})
        if locked.ended_on < locked.started_on:
            raise ValidationError({"on": _("A pair cannot end before it started.")})
    locked.status = status
    locked.full_clean(exclude=["organisation"], validate_constraints=False)
    locked.save()
    return locked


# --- notes and alerts


def _check_author(actor: User, mentorship: Mentorship) -> None:
    if mentorship.volunteer.membership.user_id != actor.pk:
        raise ValidationError(_("Only the volunteer of the pair writes its notes."))


def _apply_note(note: MentoringNote, data: dict) -> None:
    for field in NOTE_FIELDS:
        if field in data:
            setattr(note, field, data[field] if data[field] is not None else "")
    note.topics = sorted(set(note.topics or []))
    errors = {}
    if note.alert_urgency and not (note.alert_reason or "").strip():
        errors["alert_reason"] = _("Say in a few words why the caseworker should know.")
    if not note.alert_urgency:
        note.alert_reason = ""
    if note.occurred_on and note.occurred_on < note.mentorship.started_on:
        errors["occurred_on"] = _("This date is before the start of the pair (%(date)s).") % {
            "date": note.mentorship.started_on.strftime("%d/%m/%Y")
        }
    if note.occurred_on and note.occurred_on > timezone.localdate():
        errors["occurred_on"] = _("This date cannot be in the future.")
    if errors:
        raise ValidationError(errors)
    note.full_clean(exclude=["organisation"])


@transaction.atomic
def note_create(*, actor: User, mentorship: Mentorship, data: dict) -> MentoringNote:
    """A note by the pair's volunteer, on an active pair."""
    mentorship = Mentorship.objects.select_related("volunteer__membership").get(pk=mentorship.pk)
    _check_author(actor, mentorship)
    if mentorship.status != Mentorship.Status.ACTIVE:
        raise ValidationError(_("This pair is not active: no new note can be written."))
    note = MentoringNote(mentorship=mentorship, author=actor)
    _apply_note(note, data)
    note.save()
    if note.alert_urgency:
        notify_on_commit(ALERT_CODE, note.pk)
    return note


@transaction.atomic
def note_update(*, actor: User, note: MentoringNote, data: dict) -> MentoringNote:
    """Its author corrects a note during 48 hours, unless its alert has
    been acknowledged; afterwards it is kept as written."""
    locked = (
        MentoringNote.objects.select_for_update()
        .select_related("mentorship__volunteer__membership")
        .get(pk=note.pk)
    )
    if locked.author_id != actor.pk:
        raise ValidationError(_("Only the author of a note can correct it."))
    if locked.acknowledged_at is not None:
        raise ValidationError(_("The caseworker has answered this alert: the note is kept."))
    if timezone.now() >= locked.created_at + NOTE_EDIT_WINDOW:
        raise ValidationError(
            _("A note can be corrected for 48 hours; after that it is kept as written.")
        )
    _apply_note(locked, data)
    locked.save()
    if locked.alert_urgency:
        # An alert added while correcting: notified at once too (once: the
        # reminder's key is the note and its day).
        notify_on_commit(ALERT_CODE, locked.pk)
    return locked


@transaction.atomic
def alert_acknowledge(*, actor: User, note: MentoringNote, comment: str) -> MentoringNote:
    """A supervisor takes note of an alert, with a word the volunteer sees."""
    locked = MentoringNote.objects.select_for_update().get(pk=note.pk)
    if not locked.alert_urgency:
        raise ValidationError(_("This note raises no alert."))
    if locked.acknowledged_at is not None:
        raise ValidationError(_("This alert has already been acknowledged."))
    comment = (comment or "").strip()
    if not comment:
        raise ValidationError({"comment": _("Write a word for the volunteer.")})
    locked.acknowledged_at = timezone.now()
    locked.acknowledged_by = actor
    locked.acknowledgement = comment
    locked.full_clean(exclude=["organisation"])
    locked.save(update_fields=["acknowledged_at", "acknowledged_by", "acknowledgement"])
    return locked


# --- nudges


@transaction.atomic
def nudge_send(*, actor: User, volunteer: VolunteerProfile, message: str) -> Nudge:
    """A message on the volunteer's home page until their next note."""
    nudge = Nudge(volunteer=volunteer, author=actor, message=(message or "").strip())
    if not nudge.message:
        raise ValidationError({"message": _("Write a message.")})
    nudge.full_clean(exclude=["organisation"])
    nudge.save()
    return nudge

"""Pages of the mentoring module.

Volunteers (phone first): "Mes binômes", the mentee page, the note form.
Supervisors: the alert inbox, the volunteers list, profiles, pairing, nudges.
Every view names its capability first (thrasos.core.gates); the object-level
rule of a volunteer (their own pairs only) is in mentoring.selectors."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from beneficiaries.selectors import beneficiary_get
from mentoring import selectors, services
from mentoring.forms import (
    AcknowledgeForm,
    MentoringSettingsForm,
    MentorshipForm,
    MentorshipStatusForm,
    NoteForm,
    NudgeForm,
    VolunteerProfileForm,
)
from mentoring.models import VolunteerProfile
from thrasos import permissions
from thrasos.core.forms import form_status, submit
from thrasos.core.gates import gate

CSS = "css/mentoring.css"


def _page(request, template, context, *, status=200):
    return render(
        request,
        template,
        {
            "mentoring_css": CSS,
            "may_configure_mentoring": permissions.can_administer(request.membership),
            **context,
        },
        status=status,
    )


@gate(read=permissions.can_use_mentoring)
def index(request):
    """A volunteer's home ("Mes binômes"); supervisors go to their inbox."""
    membership = request.membership
    if not permissions.can_mentor(membership):
        return redirect("mentoring:alerts")
    profile = selectors.volunteer_profile_of(membership)
    return _page(
        request,
        "mentoring/my_mentees.html",
        {
            "profile": profile,
            "mentorships": selectors.my_mentees(membership),
            "nudges": selectors.pending_nudges(profile),
        },
    )


@gate(read=permissions.can_mentor)
def mentee(request, pk: int):
    mentorship = selectors.mentorship_get(request.membership, pk)
    selectors.with_mentee_details(request.membership, [mentorship])
    return _page(
        request,
        "mentoring/mentee.html",
        {
            "mentorship": mentorship,
            "person": mentorship.beneficiary,
            "languages": selectors.mentee_languages(mentorship.beneficiary),
            "notes": selectors.pair_notes(mentorship),
        },
    )


@gate(permissions.can_mentor)
def note_create(request, pk: int):
    mentorship = selectors.mentorship_get(request.membership, pk)
    selectors.with_mentee_details(request.membership, [mentorship])
    form = NoteForm(request.POST or None)
    note = submit(
        request,
        form,
        lambda data: services.note_create(
            actor=request.user, mentorship=mentorship, data=form.note_data()
        ),
    )
    if note is not None:
        messages.success(request, _("Note saved. Thank you!"))
        return redirect(mentorship)
    return _page(
        request,
        "mentoring/note_form.html",
        {
            "form": form,
            "mentorship": mentorship,
            "person": mentorship.beneficiary,
            "title": _("Write a note"),
        },
        status=form_status(form),
    )


@gate(permissions.can_mentor)
def note_edit(request, pk: int):
    note = selectors.note_get(request.membership, pk)
    mentorship = selectors.mentorship_get(request.membership, note.mentorship_id)
    selectors.with_mentee_details(request.membership, [mentorship])
    form = NoteForm(request.POST or None, note=note)
    if not note.is_editable() and request.method == "GET":
        messages.warning(
            request, _("A note can be corrected for 48 hours; after that it is kept as written.")
        )
        return redirect(mentorship)
    saved = submit(
        request,
        form,
        lambda data: services.note_update(actor=request.user, note=note, data=form.note_data()),
    )
    if saved is not None:
        messages.success(request, _("Note corrected."))
        return redirect(mentorship)
    return _page(
        request,
        "mentoring/note_form.html",
        {
            "form": form,
            "mentorship": mentorship,
            "person": mentorship.beneficiary,
            "title": _("Correct the note"),
        },
        status=form_status(form),
    )


# --- supervision


@gate(read=permissions.can_supervise_mentoring)
def alerts(request):
    return _page(
        request,
        "mentoring/alerts.html",
        {
            "alerts": selectors.open_alerts(request.membership, request.GET.get("page", 1)),
            "form": AcknowledgeForm(),
        },
    )


@gate(write=permissions.can_manage_mentorships)
def alert_acknowledge(request, pk: int):
    note = selectors.alert_get(request.membership, pk)
    form = AcknowledgeForm(request.POST)
    if (
        submit(
            request,
            form,
            lambda data: services.alert_acknowledge(
                actor=request.user, note=note, comment=data["comment"]
            ),
        )
        is not None
    ):
        messages.success(request, _("Alert acknowledged: the volunteer will see your answer."))
        return redirect("mentoring:alerts")
    return _page(
        request,
        "mentoring/form_page.html",
        {
            "form": form,
            "title": _("Acknowledge the alert"),
            "note": note,
            "back": "mentoring:alerts",
        },
        status=form_status(form),
    )


@gate(read=permissions.can_supervise_mentoring)
def volunteers(request):
    profiles = selectors.volunteers_overview(request.membership)
    selectors.label_volunteers(profiles)
    return _page(
        request,
        "mentoring/volunteers.html",
        {
            "profiles": profiles,
            "without_profile": list(
                selectors.volunteer_members_without_profile(request.membership)
            ),
        },
    )


@gate(permissions.can_manage_mentorships)
def volunteer_profile(request, pk: int):
    """Create or change the profile of a volunteer (pk: the membership)."""
    membership = selectors.volunteer_member_get(request.membership, pk)
    instance = VolunteerProfile.objects.filter(membership=membership).first()
    form = VolunteerProfileForm(request.POST or None, instance=instance, membership=membership)
    saved = submit(
        request,
        form,
        lambda data: services.volunteer_profile_save(
            actor=request.user, membership=membership, data=data
        ),
    )
    if saved is not None:
        messages.success(request, _("Volunteer profile saved."))
        return redirect("mentoring:volunteers")
    return _page(
        request,
        "mentoring/form_page.html",
        {
            "form": form,
            "title": _("Volunteer profile"),
            "subtitle": membership.user,
            "back": "mentoring:volunteers",
        },
        status=form_status(form),
    )


@gate(permissions.can_manage_mentorships)
def nudge(request, pk: int):
    profile = selectors.volunteer_get(request.membership, pk)
    form = NudgeForm(request.POST or None)
    if (
        submit(
            request,
            form,
            lambda data: services.nudge_send(
                actor=request.user, volunteer=profile, message=data["message"]
            ),
        )
        is not None
    ):
        messages.success(request, _("Nudge sent: the volunteer sees it on their home page."))
        return redirect("mentoring:volunteers")
    return _page(
        request,
        "mentoring/form_page.html",
        {
            "form": form,
            "title": _("Nudge the volunteer"),
            "subtitle": profile,
            "back": "mentoring:volunteers",
        },
        status=form_status(form),
    )


@gate(permissions.can_manage_mentorships)
def mentorship_create(request, pk: int):
    """Pair a volunteer with the person of case file `pk`."""
    beneficiary = beneficiary_get(request.membership, pk)
    form = MentorshipForm(request.POST or None, beneficiary=beneficiary)
    mentorship = submit(
        request,
        form,
        lambda data: services.mentorship_create(
            actor=request.user,
            volunteer=data["volunteer"],
            beneficiary=beneficiary,
            started_on=data["started_on"],
        ),
    )
    if mentorship is not None:
        messages.success(request, _("Pair created."))
        others = services.other_mentors(beneficiary, exclude=mentorship)
        if others:
            messages.warning(
                request,
                _("This person now has %(count)s mentors: a person normally has one.")
                % {"count": len(others) + 1},
            )
        return redirect(beneficiary)
    return _page(
        request,
        "mentoring/form_page.html",
        {
            "form": form,
            "title": _("Pair with a volunteer"),
            "subtitle": beneficiary,
            "back_url": beneficiary.get_absolute_url(),
            "warning": _("This person already has a mentor: a person normally has one.")
            if services.other_mentors(beneficiary)
            else "",
        },
        status=form_status(form),
    )


@gate(permissions.can_manage_mentorships)
def mentorship_status(request, pk: int):
    mentorship = selectors.mentorship_get(request.membership, pk)
    form = MentorshipStatusForm(request.POST or None, initial={"status": mentorship.status})
    saved = submit(
        request,
        form,
        lambda data: services.mentorship_set_status(
            actor=request.user,
            mentorship=mentorship,
            status=data["status"],
            on=data["on"],
            reason=data["reason"],
            comment=data["comment"],
        ),
    )
    if saved is not None:
        messages.success(request, _("Pair updated."))
        return redirect(mentorship.beneficiary)
    return _page(
        request,
        "mentoring/form_page.html",
        {
            "form": form,
            "title": _("Pause or end the pair"),
            "subtitle": mentorship,
            "back_url": mentorship.beneficiary.get_absolute_url(),
        },
        status=form_status(form),
    )


# --- the organisation's settings


@gate(permissions.can_administer)
def settings_edit(request):
    """An administrator chooses how volunteers see their mentees' names."""
    current = selectors.mentoring_settings()
    form = MentoringSettingsForm(request.POST or None, initial={"mentee_name": current.mentee_name})
    saved = submit(
        request,
        form,
        lambda data: services.mentoring_settings_save(
            actor=request.user, mentee_name=data["mentee_name"]
        ),
    )
    if saved is not None:
        messages.success(request, _("Mentoring settings saved."))
        return redirect("mentoring:settings")
    return _page(
        request,
        "mentoring/form_page.html",
        {"form": form, "title": _("Mentoring settings"), "back": "mentoring:alerts"},
        status=form_status(form),
    )

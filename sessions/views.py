from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from beneficiaries.selectors import beneficiaries_for
from sessions import ical, selectors, services
from sessions.forms import (
    ActivityForm,
    AttendanceForm,
    CancelForm,
    EnrolmentEndForm,
    EnrolmentForm,
    SeriesForm,
    SessionForm,
    SessionStatusForm,
    enrolment_candidates,
)
from sessions.models import Enrolment
from thrasos import permissions
from thrasos.core.forms import add_validation_error, form_status, submit
from thrasos.core.gates import gate


def _form_page(request, session, form, *, title, status=200, submit_label=None):
    return render(
        request,
        "sessions/form_page.html",
        {"form": form, "session": session, "title": title, "submit_label": submit_label},
        status=status,
    )


@gate(read=permissions.can_view_sessions)
def session_list(request):
    sessions = selectors.sessions_list(request.membership)
    return render(request, "sessions/list.html", {"sessions": sessions})


@gate(permissions.can_manage_sessions)
def session_create(request):
    territory_ids = permissions.territory_ids(request.membership)
    form = SessionForm(request.POST or None, territory_ids=territory_ids)
    if submit(request, form, lambda data: services.session_create(actor=request.user, data=data)):
        messages.success(request, _("Session created."))
        return redirect(form.result)
    return _form_page(request, None, form, title=_("New session"), status=form_status(form))


@gate(read=permissions.can_view_sessions)
def session_detail(request, pk: int):
    session = selectors.session_get(request.membership, pk)
    figures = selectors.session_figures(session)
    waiting = list(session.enrolments.waiting().select_related("beneficiary"))
    candidates = enrolment_candidates(beneficiaries_for(request.membership), session)
    return render(
        request,
        "sessions/detail.html",
        {
            "session": session,
            "figures": figures,
            "funnel": selectors.cohort_funnel(figures),
            "waiting": waiting,
            "places_left": max(0, session.capacity - len(figures.participants)),
            "weeks": selectors.timetable_by_week(session),
            "status_form": SessionStatusForm(session=session),
            "enrolment_form": EnrolmentForm(candidates=candidates)
            if session.status != session.Status.CLOSED
            else None,
            "end_form": EnrolmentEndForm(),
        },
    )


@gate(permissions.can_manage_sessions)
def session_edit(request, pk: int):
    session = selectors.session_get(request.membership, pk)
    form = SessionForm(
        request.POST or None,
        instance=session,
        territory_ids=permissions.territory_ids(request.membership),
    )
    if submit(
        request,
        form,
        lambda data: services.session_update(actor=request.user, session=session, data=data),
    ):
        messages.success(request, _("Session saved."))
        return redirect(session)
    return _form_page(request, session, form, title=_("Edit the session"), status=form_status(form))


@gate(write=permissions.can_manage_sessions)
def session_status(request, pk: int):
    session = selectors.session_get(request.membership, pk)
    form = SessionStatusForm(request.POST, session=session)
    if submit(
        request,
        form,
        lambda data: services.session_set_status(
            actor=request.user,
            session=session,
            status=data["status"],
            on=data["on"],
        ),
    ):
        messages.success(request, _("Session status changed."))
        return redirect(session)
    return _form_page(request, session, form, title=_("Session status"), status=400)


@gate(permissions.can_manage_sessions)
def enrolment_create(request, pk: int):
    session = selectors.session_get(request.membership, pk)
    candidates = enrolment_candidates(beneficiaries_for(request.membership), session)
    form = EnrolmentForm(request.POST or None, candidates=candidates)
    if submit(
        request,
        form,
        lambda data: services.enrolment_create(
            actor=request.user,
            session=session,
            beneficiary=data["beneficiary"],
            on=data["on"],
            comment=data["comment"],
        ),
    ):
        if form.result.status == Enrolment.Status.WAITING:
            messages.warning(
                request,
                _("The session is full: %(name)s is on the waiting list.")
                % {"name": form.result.beneficiary.full_name},
            )
        else:
            messages.success(request, _("Participant enrolled."))
        return redirect(session)
    return _form_page(
        request,
        session,
        form,
        title=_("Enrol a participant"),
        status=form_status(form),
        submit_label=_("Enrol"),
    )


@gate(permissions.can_manage_sessions)
def enrolment_end(request, pk: int):
    enrolment = selectors.enrolment_get(request.membership, pk)
    form = EnrolmentEndForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            if data["outcome"] == Enrolment.Status.COMPLETED:
                services.enrolment_complete(actor=request.user, enrolment=enrolment, on=data["on"])
            else:
                services.enrolment_drop_out(
                    actor=request.user,
                    enrolment=enrolment,
                    reason=data["reason"],
                    on=data["on"],
                    comment=data["comment"],
                )
        except ValidationError as error:
            add_validation_error(form, error)
        else:
            messages.success(request, _("Enrolment updated."))
            return redirect(enrolment.session)
    return _form_page(
        request,
        enrolment.session,
        form,
        title=_("End of session for %(name)s") % {"name": enrolment.beneficiary.full_name},
        status=form_status(form),
    )


def _enrolment_action(request, pk: int, action, success: str):
    enrolment = selectors.enrolment_get(request.membership, pk)
    try:
        action(enrolment)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, success)
    return redirect(enrolment.session)


@gate(write=permissions.can_manage_sessions)
def enrolment_promote(request, pk: int):
    return _enrolment_action(
        request,
        pk,
        lambda e: services.enrolment_promote(actor=request.user, enrolment=e),
        _("Participant enrolled from the waiting list."),
    )


@gate(write=permissions.can_manage_sessions)
def enrolment_remove(request, pk: int):
    return _enrolment_action(
        request,
        pk,
        lambda e: services.enrolment_remove(actor=request.user, enrolment=e),
        _("Removed from the session."),
    )


@gate(write=permissions.can_manage_sessions)
def enrolment_reorder(request, pk: int):
    up = request.POST.get("direction") != "down"
    return _enrolment_action(
        request,
        pk,
        lambda e: services.enrolment_move_in_waiting_list(actor=request.user, enrolment=e, up=up),
        _("Waiting list reordered."),
    )


@gate(permissions.can_manage_sessions)
def activity_create(request, pk: int):
    session = selectors.session_get(request.membership, pk)
    form = ActivityForm(request.POST or None, session=session)
    if submit(
        request,
        form,
        lambda data: services.activity_create(actor=request.user, session=session, data=data),
    ):
        messages.success(request, _("Activity added."))
        return redirect(session)
    return _form_page(request, session, form, title=_("New activity"), status=form_status(form))


@gate(permissions.can_manage_sessions)
def series_create(request, pk: int):
    session = selectors.session_get(request.membership, pk)
    form = SeriesForm(request.POST or None)
    if submit(
        request,
        form,
        lambda data: services.activity_series_create(actor=request.user, session=session, **data),
    ):
        count = form.result.occurrences.count()
        messages.success(
            request,
            ngettext(
                "%(count)s activity added to the timetable.",
                "%(count)s activities added to the timetable.",
                count,
            )
            % {"count": count},
        )
        return redirect(session)
    return _form_page(
        request,
        session,
        form,
        title=_("Recurring activity"),
        status=form_status(form),
        submit_label=_("Create the activities"),
    )


@gate(permissions.can_manage_sessions)
def activity_edit(request, pk: int):
    activity = selectors.activity_get(request.membership, pk)
    form = ActivityForm(request.POST or None, instance=activity, session=activity.session)
    if submit(
        request,
        form,
        lambda data: services.activity_update(actor=request.user, activity=activity, data=data),
    ):
        messages.success(request, _("Activity saved."))
        return redirect(activity.session)
    return _form_page(
        request,
        activity.session,
        form,
        title=_("Edit this activity"),
        status=form_status(form),
    )


@gate(permissions.can_manage_sessions)
def activity_cancel(request, pk: int):
    activity = selectors.activity_get(request.membership, pk)
    form = CancelForm(request.POST or None)
    if submit(
        request,
        form,
        lambda data: services.activity_cancel(
            actor=request.user, activity=activity, reason=data["reason"]
        ),
    ):
        messages.success(request, _("Activity cancelled."))
        return redirect(activity.session)
    return _form_page(
        request,
        activity.session,
        form,
        title=_("Cancel %(activity)s") % {"activity": activity},
        status=form_status(form),
        submit_label=_("Cancel this activity"),
    )


@gate(write=permissions.can_manage_sessions)
def activity_restore(request, pk: int):
    activity = selectors.activity_get(request.membership, pk)
    services.activity_restore(actor=request.user, activity=activity)
    messages.success(request, _("Activity restored."))
    return redirect(activity.session)


@gate(read=permissions.can_view_sessions, write=permissions.can_manage_sessions)
def attendance(request, pk: int):
    """The group screen: one row per participant, four choices each. htmx
    posts it and gets the form back with what was saved."""
    activity = selectors.activity_get(request.membership, pk)
    participants = services.expected_participants(activity)
    recorded = dict(activity.attendances.values_list("enrolment_id", "status"))
    form = AttendanceForm(request.POST or None, participants=participants, recorded=recorded)
    saved = None
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                saved = services.attendance_record(
                    actor=request.user, activity=activity, marks=form.marks()
                )
            except ValidationError as error:
                add_validation_error(form, error)
                status = 400
            else:
                if not request.headers.get("HX-Request"):
                    messages.success(request, _("Attendance saved."))
                    return redirect("sessions:attendance", activity.pk)
                recorded = dict(activity.attendances.values_list("enrolment_id", "status"))
                form = AttendanceForm(participants=participants, recorded=recorded)
        else:
            status = 400
    context = {"activity": activity, "form": form, "saved": saved}
    template = (
        "sessions/includes/_attendance_form.html"
        if request.headers.get("HX-Request")
        else "sessions/attendance.html"
    )
    return render(request, template, context, status=status)


@gate(read=permissions.can_view_sessions)
def attendance_grid(request, pk: int):
    """Participants × activities of the whole session, read-only; each
    column links to the group screen of its activity."""
    session = selectors.session_get(request.membership, pk)
    figures = selectors.session_figures(session, with_marks=True)
    activities = list(session.activities.order_by("date", "start_time", "id"))
    letters = selectors.STATUS_LETTERS
    rows = [
        (
            person,
            [(m, letters.get(m, "")) for m in (person.marks.get(a.pk, "") for a in activities)],
        )
        for person in figures.participants
    ]
    return render(
        request,
        "sessions/grid.html",
        {
            "session": session,
            "activities": activities,
            "rows": rows,
        },
    )


@gate(read=permissions.can_view_sessions)
def session_ical(request, pk: int):
    session = selectors.session_get(request.membership, pk)
    response = HttpResponse(
        ical.session_calendar(session), content_type="text/calendar; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="session-{session.pk}.ics"'
    return response

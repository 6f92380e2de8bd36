import datetime

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.dates import WEEKDAYS_ABBR
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from beneficiaries.selectors import beneficiaries_for
from sessions import ical, selectors, services, signin
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
from sessions.models import ActivityKind, Enrolment
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


def _label_timetable(weeks):
    """Give each activity of the timetable its links and labels, worked out
    once per page: 150 activities had four reverse(), a lazy kind label and
    three date/time formats each in the template."""
    link = reverse("sessions:attendance", args=[0]).removesuffix("0/")
    kinds = {kind: str(label) for kind, label in ActivityKind.choices}
    weekdays = {day: str(name) for day, name in WEEKDAYS_ABBR.items()}
    for _monday, activities, _current in weeks:
        for a in activities:
            base = f"{link}{a.pk}/"
            a.attendance_href = base
            a.signin_sheet_href = f"{base}emargement.pdf"
            a.edit_href = f"{base}modifier/"
            a.cancel_href = f"{base}annuler/"
            a.restore_href = f"{base}retablir/"
            a.kind_label = a.title or kinds.get(a.kind, a.kind)
            a.day_label = f"{weekdays[a.date.weekday()]} {a.date.day:02d}/{a.date.month:02d}"
            a.time_label = f"{a.start_time:%H:%M}–{a.end_time:%H:%M}"
    return weeks


@gate(read=permissions.can_view_sessions)
def session_detail(request, pk: int):
    session = selectors.session_get(request.membership, pk)
    # The timetable's activities (with their durations) serve the figures too.
    weeks = selectors.timetable_by_week(session)
    figures = selectors.session_figures(
        session, activities=[a for _monday, items, _current in weeks for a in items]
    )
    selectors.mark_participant_views(request.membership, figures.participants)
    waiting = list(session.enrolments.waiting().select_related("beneficiary"))
    candidates = enrolment_candidates(beneficiaries_for(request.membership), session)
    places_left = max(0, session.capacity - len(figures.participants))
    return render(
        request,
        "sessions/detail.html",
        {
            "session": session,
            "figures": figures,
            "funnel": selectors.cohort_funnel(figures),
            "waiting": waiting,
            "places_left": places_left,
            "is_full": places_left == 0 and session.status != session.Status.CLOSED,
            "weeks": _label_timetable(weeks),
            # Several forms on one page: each its own ids ("on" is in both).
            "status_form": SessionStatusForm(session=session, auto_id="status_%s"),
            "enrolment_form": EnrolmentForm(candidates=candidates, auto_id="enrol_%s")
            if session.status != session.Status.CLOSED
            else None,
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


@gate(permissions.can_manage_sessions)
def enrolment_remove(request, pk: int):
    """Removing someone from a session or its waiting list is asked first
    (GET: the question; POST: done), so that one click never does it."""
    if request.method == "POST":
        return _enrolment_action(
            request,
            pk,
            lambda e: services.enrolment_remove(actor=request.user, enrolment=e),
            _("Removed from the session."),
        )
    enrolment = selectors.enrolment_get(request.membership, pk)
    waiting = enrolment.status == Enrolment.Status.WAITING
    return render(
        request,
        "core/confirm.html",
        {
            "title": (
                _("Remove %(name)s from the waiting list?")
                if waiting
                else _("Remove %(name)s from the session?")
            )
            % {"name": enrolment.beneficiary.full_name},
            "context_line": enrolment.session.name,
            "explanation": _(
                "The person leaves the waiting list; enrolling them again puts them at its end."
            )
            if waiting
            else _(
                "The place is freed. The person stays admitted and can be enrolled again "
                "in this or another session."
            ),
            "action": request.path,
            "confirm_label": _("Remove"),
            "cancel_url": enrolment.session.get_absolute_url(),
        },
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


def _row_to_save(request, participants) -> int | None:
    """The participant whose row htmx saves on its own (a choice changed),
    None for the whole group."""
    try:
        row = int(request.POST.get("row", ""))
    except ValueError:
        return None
    return row if any(e.pk == row for e in participants) else None


@gate(read=permissions.can_view_sessions, write=permissions.can_manage_sessions)
def attendance(request, pk: int):
    """The group screen: one row per participant, four choices each, nobody
    pre-filled. Without JavaScript the form is saved as a whole; with htmx each
    row is saved when its choice changes (only its status comes back, so the
    radios and the focus stay where they are) and the whole form when a
    button is pressed."""
    activity = selectors.activity_get(request.membership, pk)
    participants = services.expected_participants(activity)
    recorded = dict(activity.attendances.values_list("enrolment_id", "status"))
    # Bound on any POST, even an empty one (nothing chosen gets its message).
    form = AttendanceForm(
        request.POST if request.method == "POST" else None,
        participants=participants,
        recorded=recorded,
    )
    saved = None
    status = 200
    htmx = bool(request.headers.get("HX-Request"))
    row = _row_to_save(request, participants) if request.method == "POST" else None
    if request.method == "POST":
        if form.is_valid():
            marks = form.marks(all_present="all_present" in request.POST, only=row)
            if not marks:
                form.add_error(
                    None,
                    _("Choose an attendance for at least one person, or “Everyone present”."),
                )
                status = 400
            else:
                try:
                    saved = services.attendance_record(
                        actor=request.user, activity=activity, marks=marks
                    )
                except ValidationError as error:
                    add_validation_error(form, error)
                    status = 400
                else:
                    if not htmx:
                        messages.success(request, _("Attendance saved."))
                        return redirect("sessions:attendance", activity.pk)
                    recorded = dict(activity.attendances.values_list("enrolment_id", "status"))
                    form = AttendanceForm(participants=participants, recorded=recorded)
        else:
            status = 400
    context = {
        "activity": activity,
        "form": form,
        "saved": saved,
        "can_record": activity.date <= timezone.localdate() and not activity.is_cancelled,
    }
    if htmx and row is not None:
        return render(
            request, "sessions/includes/_attendance_row_status.html", context, status=status
        )
    template = "sessions/includes/_attendance_form.html" if htmx else "sessions/attendance.html"
    return render(request, template, context, status=status)


@gate(read=permissions.can_view_sessions)
def attendance_today(request):
    """Today's activities of the member's sessions, with how many people are
    still to record, and the earlier ones of the last two weeks whose
    attendance is incomplete: the way in to the group screen."""
    today = timezone.localdate()
    return render(
        request,
        "sessions/today.html",
        {
            "today": today,
            "activities": selectors.activities_to_record(request.membership, today),
        },
    )


def _grid_columns(activities) -> list[dict]:
    """The grid's column heads, worked out once per page: link, kind
    abbreviation and label, date and time (no reverse(), lazy translation or
    date format per column in the template)."""
    link = reverse("sessions:attendance", args=[0]).removesuffix("0/")
    abbreviations = {kind: str(text) for kind, text in selectors.KIND_ABBREVIATIONS.items()}
    kinds = {kind: str(label) for kind, label in ActivityKind.choices}
    return [
        {
            "href": f"{link}{a.pk}/",
            "is_cancelled": a.is_cancelled,
            "title": f"{a.title or kinds.get(a.kind, a.kind)} {a.start_time:%H:%M}",
            "day": f"{a.date.day:02d}/{a.date.month:02d}",
            "kind_label": kinds.get(a.kind, a.kind),
            "abbreviation": abbreviations[a.kind],
        }
        for a in activities
    ]


def _grid_cells(marks: dict, activities) -> str:
    """A participant's row of marks as HTML: 150 activities × 20 people are
    3,000 cells, each with a few distinct values, written once per distinct
    mark rather than through the template's loop once per cell."""
    cells = {}
    for status, letter in selectors.STATUS_LETTERS.items():
        cells[status] = format_html('<td class="mark-{}">{}</td>', status, letter)
    cells[""] = mark_safe('<td class="mark-none">–</td>')
    parts = []
    for a in activities:
        mark = marks.get(a.pk, "")
        if mark not in cells:
            cells[mark] = format_html('<td class="mark-{}">–</td>', mark)
        parts.append(cells[mark])
    return mark_safe("".join(parts))  # noqa: S308 - every part built by format_html


@gate(read=permissions.can_view_sessions)
def attendance_grid(request, pk: int):
    """Participants × activities of the whole session, read-only; each
    column links to the group screen of its activity."""
    session = selectors.session_get(request.membership, pk)
    activities = list(session.activities.with_hours().order_by("date", "start_time", "id"))
    figures = selectors.session_figures(session, with_marks=True, activities=activities)
    rows = [(person, _grid_cells(person.marks, activities)) for person in figures.participants]
    return render(
        request,
        "sessions/grid.html",
        {
            "session": session,
            "columns": _grid_columns(activities),
            "rows": rows,
            "status_legend": selectors.status_legend(),
            "kind_legend": selectors.kind_legend(),
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


def _pdf(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response


@gate(read=permissions.can_view_sessions)
def signin_sheet(request, pk: int):
    """The sign-in sheet of one activity (PDF)."""
    activity = selectors.activity_get(request.membership, pk)
    if activity.is_cancelled:
        messages.error(request, _("This activity is cancelled: it has no sign-in sheet."))
        return redirect(activity.session)
    return _pdf(
        signin.activity_sheet(activity),
        f"emargement-{activity.date:%Y-%m-%d}-{activity.pk}.pdf",
    )


@gate(read=permissions.can_view_sessions)
def signin_sheet_week(request, pk: int):
    """The sign-in sheet of one week of a session (PDF); ?semaine=YYYY-MM-DD,
    any day of the week (default: this week, or the session's first)."""
    session = selectors.session_get(request.membership, pk)
    raw = request.GET.get("semaine")
    if raw:
        try:
            day = datetime.date.fromisoformat(raw)
        except ValueError:
            messages.error(request, _("Unknown week: give a date as YYYY-MM-DD."))
            return redirect(session)
    else:
        day = min(max(timezone.localdate(), session.start_date), session.end_date)
    if not session.start_date - datetime.timedelta(days=6) <= day <= session.end_date:
        messages.error(request, _("This week is outside the session."))
        return redirect(session)
    monday = signin.week_monday(day)
    return _pdf(
        signin.week_sheet(session, monday),
        f"emargement-{session.pk}-semaine-{monday:%Y-%m-%d}.pdf",
    )

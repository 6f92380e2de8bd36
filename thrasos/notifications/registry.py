"""The catalogue of reminders: every module declares its kinds here, the same
way, in its AppConfig.ready() (the platform never imports a module):

    from thrasos.notifications.registry import ReminderKind, register_kind

    register_kind(ReminderKind(
        code="housing.occupancy_ending",
        label=_("Housing ending"),
        title=_("%(subject)s: housing ends on %(date)s"),
        email_title=_("A stay in the programme's housing ends soon"),
        select=OCCUPANCY_ENDING_SQL,
    ))

`select` is ONE SQL query, run inside the organisation's tenant, that returns
the reminders due on a day as rows of

    recipient_id  (accounts_membership.id)
    object_id     (the id of what the reminder is about)
    due_on        (the day it falls due: part of the unique key)
    event_on      (the date of what is reminded, or NULL)
    subject       (a short label shown in the application, never e-mailed)
    link          (a path into the application)

with the parameters %(organisation_id)s and %(today)s. The framework wraps it
in one INSERT … SELECT … ON CONFLICT DO NOTHING per kind and organisation
(thrasos/notifications/services.py): never one query per person. The helpers
`stages()` and `link_sql()` below write the common parts.

Kinds raised by an event rather than by the calendar (a mentor's alert) set
`immediate=True` and are computed for one object at once by
`notify_on_commit(code, object_id)`; the daily sweep still runs their query,
which catches any event whose task was lost.

Options (`register_option`) are automations an organisation may choose on
its notification settings page (e.g. starting sessions on their start date).

Not here yet: "record inactive for nearly two years" (SPEC §5.8) belongs to
the personal-data work, which defines inactivity: it registers its kind with
register_kind() like any module (see RETENTION_KIND_CODE)."""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from django.urls import reverse

# Reserved for the data-protection work (SPEC §5.8): it registers this kind.
RETENTION_KIND_CODE = "audit.record_inactive"


@dataclass(frozen=True)
class ReminderKind:
    code: str
    label: Any  # lazy text: filters and preferences
    title: Any  # lazy text with %(subject)s and %(date)s: the application
    email_title: Any  # lazy text without personal data: e-mails
    select: str | Callable[[], str]
    # Default e-mail channel (thrasos.notifications.models.Channel).
    default_channel: str = "digest"
    immediate: bool = False


@dataclass(frozen=True)
class Option:
    key: str
    label: Any
    help_text: Any = ""


@dataclass(frozen=True)
class DailyJob:
    """A daily action in each organisation (after the reminders)."""

    name: str
    run: Callable[..., int]  # run(organisation_id=…, today=…) -> how many things done


_kinds: dict[str, ReminderKind] = {}
_options: dict[str, Option] = {}
_daily_jobs: dict[str, DailyJob] = {}


def register_kind(kind: ReminderKind) -> None:
    existing = _kinds.get(kind.code)
    if existing is not None and existing != kind:
        raise ValueError(f"Reminder kind {kind.code!r} is registered twice, differently.")
    _kinds[kind.code] = kind


def kinds() -> list[ReminderKind]:
    return sorted(_kinds.values(), key=lambda k: k.code)


def get_kind(code: str) -> ReminderKind | None:
    return _kinds.get(code)


def register_option(option: Option) -> None:
    _options[option.key] = option


def options() -> list[Option]:
    return sorted(_options.values(), key=lambda o: o.key)


def register_daily_job(job: DailyJob) -> None:
    _daily_jobs[job.name] = job


def daily_jobs() -> list[DailyJob]:
    return sorted(_daily_jobs.values(), key=lambda j: j.name)


# --- helpers for the SQL of a kind ------------------------------------------------


def _quote(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


_LINK = re.compile(r"__LINK\[([\w:.-]+)\|([\w.]+)\]__")


def link_sql(viewname: str, id_column: str) -> str:
    """SQL for the path of `viewname` with one integer argument taken from
    `id_column` ('/beneficiaires/' || b.id || '/'). Resolved when the query
    first runs: kinds are declared before the URLs can be read."""
    return f"__LINK[{viewname}|{id_column}]__"


def _link(match: re.Match) -> str:
    viewname, id_column = match.groups()
    marker = 987654321
    path = reverse(viewname, args=[marker])
    before, after = path.split(str(marker))
    return f"({_quote(before)} || {id_column} || {_quote(after)})"


@functools.cache
def _resolved(select: str) -> str:
    return _LINK.sub(_link, select)


def resolved_select(kind: ReminderKind) -> str:
    """The kind's query with its links resolved. A kind whose query depends on
    what other modules declared (e.g. the last activity of a record, from the
    personal-data register) gives a function that writes it, called inside
    the organisation's tenant when the query runs."""
    select = kind.select() if callable(kind.select) else kind.select
    return _resolved(select)


def stages(date_column: str, days_before: Sequence[int]) -> tuple[str, str]:
    """Reminders N days before a date, at several stages (90, 30, 7): the
    current stage is the smallest N with date − today ≤ N. A reminder is due
    from the stage's day until the date itself, so a record created late (a
    permit expiring in 20 days) still gets the 30-day reminder, once.

    Returns (due_on SQL, WHERE condition SQL)."""
    ordered = sorted(days_before)
    days = f"({date_column} - %(today)s::date)"
    case = " ".join(f"WHEN {days} <= {n} THEN {date_column} - {n}" for n in ordered)
    due_on = f"(CASE {case} END)"
    where = f"{date_column} BETWEEN %(today)s::date AND %(today)s::date + {ordered[-1]}"
    return due_on, where

"""Reads of the privacy app. "Last activity" of a person is defined here,
once: the latest change recorded in the change history on any row about the
person (their case file, notes, attendance, contracts, housing, mentoring
notes… every model of the register that has a `person` lookup and records
its changes), or the latest dated pathway move."""

from __future__ import annotations

import datetime

import pghistory.models
from django.apps import apps
from django.db import connection, models
from django.db.models.expressions import RawSQL
from django.db.models.functions import Coalesce, Greatest
from django.utils import timezone

from thrasos.privacy import registry
from thrasos.privacy.models import (
    Anonymisation,
    InformationNotice,
    RetentionHold,
    RetentionRun,
    SubjectAccessExport,
)

# SPEC §5.8: a record inactive for 2 years is anonymised; referents are told
# 30 days before.
INACTIVITY = datetime.timedelta(days=2 * 365)
NOTICE_DAYS = 30

_EPOCH = datetime.datetime(1970, 1, 1, tzinfo=datetime.UTC)


def latest_notice(person) -> InformationNotice | None:
    return (
        InformationNotice.objects.filter(person=person)
        .select_related("given_by")
        .order_by("-received_on", "-id")
        .first()
    )


def anonymisation_of(person) -> Anonymisation | None:
    return Anonymisation.objects.filter(person=person, status=Anonymisation.Status.DONE).first()


def event_model(model) -> type[pghistory.models.Event] | None:
    for candidate in apps.get_models():
        if (
            issubclass(candidate, pghistory.models.Event)
            and not candidate._meta.proxy
            and getattr(candidate, "pgh_tracked_model", None) is model
        ):
            return candidate
    return None


def _last_activity_of(declared: registry.PersonalModel):
    """The latest change of the person's rows of one model: its change
    history, or the field dating its rows (append-only models)."""
    lookup = {declared.person or "pk": models.OuterRef("pk")}
    events = event_model(declared.model)
    if events is not None:
        if declared.person == "":
            lookup = {"pgh_obj_id": models.OuterRef("pk")}
        rows, field = events.objects.filter(**lookup), "pgh_created_at"
    elif declared.activity:
        rows, field = declared.model.objects.filter(**lookup), declared.activity
    else:
        return None
    return models.Subquery(
        rows.order_by(f"-{field}").values(field)[:1], output_field=models.DateTimeField()
    )


def _activity_rows(declared: registry.PersonalModel):
    """The same rows as _last_activity_of(), for every person at once: the
    latest change per person of one model (person id `who`, datetime `at`)."""
    events = event_model(declared.model)
    if events is not None:
        person = "pgh_obj" if declared.person == "" else declared.person
        rows, field = events.objects.all(), "pgh_created_at"
    elif declared.activity:
        person = declared.person or "pk"
        rows, field = declared.model.objects.all(), declared.activity
    else:
        return None
    return (
        rows.filter(**{f"{person}__isnull": False})
        .order_by()
        .values(who=models.F(person))
        .annotate(at=models.Max(field))
        .values_list("who", "at")
    )


def last_activity_sql() -> tuple[str, list]:
    """SQL (and its parameters) of every person of the current organisation
    with their last activity: columns `id`, `last_activity` (the epoch for a
    record with no activity at all, as with_last_activity()). Set-based: one
    grouped scan of each model's rows instead of one lookup per person and
    model, for the daily sweeps over whole organisations (with_last_activity()
    costs about 0.2 ms a person: minutes over 80,000 case files). Runs inside
    the tenant: row-level security filters every table."""
    parts, params = [], []
    for declared in registry.person_models():
        rows = _activity_rows(declared)
        if rows is None:
            continue
        sql, part_params = rows.query.sql_with_params()
        parts.append(f"({sql})")
        params.extend(part_params)
    person = registry.person_model()._meta.db_table
    quoted = connection.ops.quote_name
    union = " UNION ALL ".join(parts)
    # Assembled from the ORM's own SQL and a table name; values are parameters.
    sql = (
        f"SELECT p.id, COALESCE(la.last_activity, %s) AS last_activity FROM {quoted(person)} p"  # noqa: S608
        f" LEFT JOIN (SELECT u.who, max(u.at) AS last_activity FROM ({union}) u GROUP BY u.who)"
        " la ON la.who = p.id"
    )
    return sql, [_EPOCH, *params]


def _people_whose_last_activity(condition: str, bounds: list):
    """The people whose last activity meets `condition` (SQL over
    `last_activity`), computed set-based, then annotated with their last
    activity one by one (few rows)."""
    sql, params = last_activity_sql()
    # `condition` is one of this module's constants; values are parameters.
    ids = RawSQL(f"SELECT x.id FROM ({sql}) x WHERE {condition}", [*params, *bounds])  # noqa: S608, S611
    return with_last_activity(registry.person_model().objects.filter(pk__in=ids))


def with_last_activity(queryset):
    """Annotate `last_activity` (a datetime) on a queryset of people: one
    lookup per person and model, for one person or a few (last_activity_sql()
    for whole organisations)."""
    latest = [
        Coalesce(expression, models.Value(_EPOCH))
        for declared in registry.person_models()
        if (expression := _last_activity_of(declared)) is not None
    ]
    return queryset.annotate(last_activity=Greatest(*latest))


def _not_anonymised(queryset):
    done = Anonymisation.objects.filter(
        person=models.OuterRef("pk"), status=Anonymisation.Status.DONE
    )
    return queryset.exclude(models.Exists(done))


def _held_on(queryset, day: datetime.date):
    holds = RetentionHold.objects.filter(person=models.OuterRef("pk"), keep_until__gte=day)
    return queryset.annotate(held=models.Exists(holds))


def inactive_records(*, today: datetime.date | None = None):
    """People whose last activity is 2 years old or more on `today`: the
    retention task anonymises those that no reason keeps (`held`)."""
    today = today or timezone.localdate()
    cutoff = _start_of(today - INACTIVITY)
    people = _not_anonymised(_people_whose_last_activity("x.last_activity < %s", [cutoff]))
    return _held_on(people, today)


def records_becoming_inactive(days: int, *, today: datetime.date | None = None):
    """People whose record becomes inactive (2 years without activity) within
    the next `days` days — today excluded, already inactive excluded — and
    that no reason to keep covers on that day. For the reminder "record
    inactive for nearly two years" (the notifications module): each row has
    `last_activity`; its inactive day is last_activity + 2 years."""
    today = today or timezone.localdate()
    start = _start_of(today - INACTIVITY)
    end = _start_of(today + datetime.timedelta(days=days) - INACTIVITY)
    people = _not_anonymised(
        _people_whose_last_activity("x.last_activity >= %s AND x.last_activity < %s", [start, end])
    )
    return _held_on(people, today + datetime.timedelta(days=days)).filter(held=False)


def inactive_on(last_activity: datetime.datetime) -> datetime.date:
    """The first day the record counts as inactive (two full years after
    the day of its last activity), the day the retention task anonymises it."""
    return timezone.localtime(last_activity).date() + INACTIVITY + datetime.timedelta(days=1)


def inactive_on_soon(person, *, today: datetime.date | None = None) -> datetime.date | None:
    """The day the person's record becomes inactive, when that is within
    NOTICE_DAYS days and no reason keeps it (the case file flags it)."""
    today = today or timezone.localdate()
    # The same test as records_becoming_inactive(NOTICE_DAYS) for one person
    # (that one scans the whole organisation), with the last activity computed
    # once and compared here: filtering on it
    # repeats its dozen subqueries in the SQL for each bound (planning the
    # query cost more than running it, on every case file).
    start = _start_of(today - INACTIVITY)
    end = _start_of(today + datetime.timedelta(days=NOTICE_DAYS) - INACTIVITY)
    people = with_last_activity(registry.person_model().objects.filter(pk=person.pk))
    row = (
        _held_on(_not_anonymised(people), today + datetime.timedelta(days=NOTICE_DAYS))
        .values("last_activity", "held")
        .first()
    )
    if row is None or row["held"] or not start <= row["last_activity"] < end:
        return None
    return inactive_on(row["last_activity"])


def _start_of(day: datetime.date) -> datetime.datetime:
    """Midnight in Paris starting `day` (the cutoffs compare datetimes)."""
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def holds_of(person):
    return RetentionHold.objects.filter(person=person).select_related("recorded_by")


def exports_of(person):
    return SubjectAccessExport.objects.filter(person=person).select_related("requested_by")


def recent_runs(limit: int = 20):
    return RetentionRun.objects.order_by("-started_at", "-id")[:limit]

"""Writes of the privacy app: information notices, anonymisation (and
erasure on request), reasons to keep a record, subject access exports and
the retention runs."""

from __future__ import annotations

import datetime
import logging

import pghistory
from django.contrib.postgres.fields import ArrayField
from django.core.exceptions import ValidationError
from django.db import connection, connections, models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from thrasos.privacy import registry, selectors
from thrasos.privacy.models import (
    Anonymisation,
    AnonymisationKind,
    InformationNotice,
    RetentionHold,
    RetentionRun,
    SubjectAccessExport,
)
from thrasos.privacy.registry import Erase

logger = logging.getLogger(__name__)


@transaction.atomic
def information_notice_record(*, actor, person, data: dict) -> InformationNotice:
    notice = InformationNotice(person=person, given_by=actor, **data)
    notice.full_clean()
    notice.save()
    return notice


@transaction.atomic
def retention_hold_record(*, actor, person, data: dict) -> RetentionHold:
    hold = RetentionHold(person=person, recorded_by=actor, **data)
    hold.full_clean()
    if hold.keep_until <= timezone.localdate():
        raise ValidationError({"keep_until": _("The new date must be in the future.")})
    hold.save()
    return hold


def _erased_value(model, name: str, declared: registry.PersonalField, row):
    if declared.erase == Erase.REPLACE:
        return declared.replacement(row)
    field = model._meta.get_field(name)
    if isinstance(field, ArrayField):
        return []
    if field.null:
        return None
    if isinstance(field, (models.CharField, models.TextField, models.FileField)):
        return ""
    raise TypeError(f"{model._meta.label}.{name} cannot be cleared: declare a replacement")


def _history_ids(declared: registry.PersonalModel, person, live_ids: set[int]) -> set[int]:
    """The ids of the person's rows in the change history, rows deleted
    since included."""
    events = selectors.event_model(declared.model)
    if events is None:
        return set()
    if declared.person == "":
        return {person.pk}
    first = declared.person.split("__", 1)[0]
    if declared.model._meta.get_field(first).related_model is registry.person_model():
        lookup = {f"{first}_id": person.pk}
    else:
        lookup = {declared.person: person}
    past = set(events.objects.filter(**lookup).values_list("pgh_obj_id", flat=True))
    return live_ids | past


def _scrub_history(anonymisation: Anonymisation, declared, columns: list[str], ids: set[int]):
    events = selectors.event_model(declared.model)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT privacy_scrub_history(%s, %s, %s, %s, %s)",
            [
                anonymisation.pk,
                events._meta.db_table,
                declared.model._meta.db_table,
                columns,
                sorted(ids),
            ],
        )
        (rows,) = cursor.fetchone()
    return rows


@transaction.atomic
def person_anonymise(
    *,
    actor,
    person,
    kind: str,
    reason: str,
    requested_on: datetime.date | None = None,
) -> Anonymisation:
    """Irreversible. Every personal field of the register that the
    indicators do not need is replaced or cleared on every row about the
    person, the same values are scrubbed from the change history (through
    the database function privacy_scrub_history, the one path that may
    change history rows), their documents and exports are deleted from
    storage once the transaction commits. What the indicators need stays:
    dates, stages, outcomes, territory, an age band."""
    if not (reason or "").strip():
        raise ValidationError({"reason": _("Give the reason for the anonymisation.")})
    if kind == AnonymisationKind.ERASURE_REQUEST and requested_on is None:
        raise ValidationError({"requested_on": _("Give the date of the person's request.")})
    if kind != AnonymisationKind.ERASURE_REQUEST:
        requested_on = None
    # One at a time per person (two admins confirming together).
    person = type(person).objects.select_for_update().get(pk=person.pk)
    if selectors.anonymisation_of(person) is not None:
        raise ValidationError(_("This person's data has already been anonymised."))
    record = Anonymisation(
        person=person,
        kind=kind,
        reason=reason.strip(),
        requested_on=requested_on,
        actor=actor,
    )
    record.full_clean()
    record.save()
    with connection.cursor() as cursor:
        cursor.execute("SELECT txid_current()")
        (record.transaction_id,) = cursor.fetchone()
    Anonymisation.objects.filter(pk=record.pk).update(transaction_id=record.transaction_id)

    files = []
    summary = {"rows": {}, "history": {}, "files": 0}
    for anonymiser in registry.anonymisers():
        changed = anonymiser(person)
        if changed:
            summary["rows"][f"{anonymiser.__module__}.{anonymiser.__name__}"] = changed
    with pghistory.context(anonymisation=record.pk):
        for declared in registry.person_models():
            erased = {n: f for n, f in declared.fields.items() if f.erase != Erase.KEEP}
            if not erased:
                continue
            rows = list(registry.rows_of(declared, person))
            for row in rows:
                if declared.files is not None:
                    files.extend(declared.files(row))
                values = {n: _erased_value(declared.model, n, f, row) for n, f in erased.items()}
                declared.model.objects.filter(pk=row.pk).update(**values)
            if rows:
                summary["rows"][declared.label] = len(rows)
            ids = _history_ids(declared, person, {row.pk for row in rows})
            if ids and selectors.event_model(declared.model) is not None:
                columns = [declared.model._meta.get_field(n).column for n in erased]
                summary["history"][declared.label] = _scrub_history(record, declared, columns, ids)
    summary["files"] = len(files)
    record.status = Anonymisation.Status.DONE
    record.completed_at = timezone.now()
    record.summary = summary
    record.save(update_fields=["status", "completed_at", "summary"])
    names = [(f.storage, f.name) for f in files if f.name]
    transaction.on_commit(lambda: _delete_files(names))
    return record


def _delete_files(names) -> None:
    for storage, name in names:
        try:
            storage.delete(name)
        except OSError:
            logger.exception("could not delete an anonymised person's file")


@transaction.atomic
def export_request(*, actor, person) -> SubjectAccessExport:
    from thrasos.privacy import tasks

    export = SubjectAccessExport.objects.create(person=person, requested_by=actor)
    tasks.export_build.delay_on_commit(export.pk, organisation_id=export.organisation_id)
    return export


def retention_run(*, today: datetime.date | None = None) -> RetentionRun:
    """Anonymise every record inactive for 2 years that no reason keeps, in
    the current organisation; report the run."""
    today = today or timezone.localdate()
    run = RetentionRun.objects.create(
        kind=RetentionRun.Kind.RECORDS, cutoff=today - selectors.INACTIVITY
    )
    people = list(selectors.inactive_records(today=today))
    run.examined = len(people)
    for person in people:
        if person.held:
            run.kept += 1
            continue
        person_anonymise(
            actor=None,
            person=person,
            kind=AnonymisationKind.RETENTION,
            reason=_("No activity since %(date)s (2 years).")
            % {"date": timezone.localtime(person.last_activity).strftime("%d/%m/%Y")},
        )
        run.anonymised += 1
    run.finished_at = timezone.now()
    run.save()
    return run


def access_log_purge(organisation_id: int) -> RetentionRun:
    """Delete the organisation's access-log rows older than 12 months, as the
    owner role: the runtime role may not delete them, and the table's trigger
    refuses any younger row, whoever asks (SPEC §5.8)."""
    from thrasos.tenancy import tenant_context

    with tenant_context(organisation_id, using="owner"), connections["owner"].cursor() as cursor:
        # The same bound as the table's trigger (audit migration 0002).
        cursor.execute("DELETE FROM audit_accesslog WHERE at < now() - interval '12 months'")
        deleted = cursor.rowcount
    now = timezone.now()
    return RetentionRun.objects.create(
        kind=RetentionRun.Kind.ACCESS_LOG, finished_at=now, started_at=now, deleted=deleted
    )

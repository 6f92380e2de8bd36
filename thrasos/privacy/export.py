"""The subject access export (GDPR art. 15): everything held about one
person — every row of every model of the register that is about them, the
access log of who read their record, and what other modules add through
registry.register_export_source — as export.json and a readable export.pdf,
with their documents' files, in one ZIP. Built by a Celery task."""

from __future__ import annotations

import datetime
import decimal
import io
import json
import re
import zipfile

from django.core.files.base import ContentFile
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from thrasos.audit.models import AccessAction, AccessLog
from thrasos.audit.services import access_log_record
from thrasos.core.pdf import render_pdf
from thrasos.privacy import registry
from thrasos.privacy.models import SubjectAccessExport


def _value(row, field: models.Field):
    value = field.value_from_object(row)
    if value is None or value == "" or value == []:
        return None
    if field.is_relation:
        related = getattr(row, field.name)
        return str(related) if related is not None else None
    if field.choices:
        labels = dict(field.flatchoices)
        if isinstance(value, list):
            return [str(labels.get(v, v)) for v in value]
        return str(labels.get(value, value))
    if isinstance(field, models.FileField):
        return value.name if hasattr(value, "name") else str(value)
    if isinstance(value, datetime.datetime):
        return timezone.localtime(value).isoformat()
    if isinstance(value, (datetime.date, datetime.time)):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return str(value)
    return value


# Fields that Django names from their attribute (no verbose name): a label
# a reader understands.
FIELD_LABELS = {
    "author": _("written by"),
    "actor": _("recorded by"),
    "recorded_by": _("recorded by"),
    "uploaded_by": _("uploaded by"),
    "created_by": _("created by"),
    "checked_by": _("checked by"),
    "created_at": _("created on"),
    "updated_at": _("changed on"),
    "recorded_at": _("recorded on"),
    "content_type": _("file type"),
    "file": _("file (name on the server)"),
    "search_last_first": _("name search (normalised)"),
    "search_first_last": _("name search (normalised)"),
}


def _label(field: models.Field) -> str:
    return str(FIELD_LABELS.get(field.name, field.verbose_name))


def _row(declared: registry.PersonalModel, row) -> dict:
    person = registry.person_model()
    fields = [
        f
        for f in declared.model._meta.concrete_fields
        if (f.name in declared.fields or f.name in declared.other)
        # The person themselves, on each row about them: said once.
        and not (f.is_relation and f.related_model is person and declared.person)
    ]
    data = {str(_("number")): row.pk}
    for field in fields:
        value = _value(row, field)
        if value is not None:
            data[_label(field)] = value
    return data


_ISO = re.compile(r"^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2})[^ ]*)?$")


def _readable(value):
    """Dates as a French reader writes them, for the PDF (the JSON keeps
    ISO 8601)."""
    if isinstance(value, list):
        return ", ".join(str(_readable(v)) for v in value)
    if isinstance(value, str) and (match := _ISO.match(value)):
        year, month, day, hour, minute = match.groups()
        return f"{day}/{month}/{year}" + (f" {hour}:{minute}" if hour else "")
    return value


def readable_sections(sections: dict) -> dict:
    return {
        title: [{key: _readable(value) for key, value in row.items()} for row in rows]
        for title, rows in sections.items()
    }


# Keys of the access-log section (in the language of the export).
ACCESS_LOG, BY, WHAT = _("access log"), _("by"), _("what")


def person_data(person) -> tuple[dict, list[tuple[str, object]]]:
    """({section title: rows}, [(zip name, file)]) for one person."""
    own = registry.declaration(type(person))
    sections: dict[str, list[dict]] = {str(own.model._meta.verbose_name): [_row(own, person)]}
    files: list[tuple[str, object]] = []
    logged = [(type(person)._meta.label_lower, [str(person.pk)])]
    for declared in registry.person_models():
        if not declared.exported or declared.person == "":
            continue
        rows = list(registry.rows_of(declared, person).order_by("pk"))
        if not rows:
            continue
        sections[str(declared.model._meta.verbose_name_plural)] = [
            _row(declared, row) for row in rows
        ]
        logged.append((declared.model._meta.label_lower, [str(row.pk) for row in rows]))
        if declared.files is not None:
            for row in rows:
                for file in declared.files(row):
                    name = getattr(row, "download_name", None) or file.name.rsplit("/", 1)[-1]
                    files.append((f"documents/{row.pk}-{name}", file))
    access = models.Q()
    for object_type, ids in logged:
        access |= models.Q(object_type=object_type, object_id__in=ids)
    sections[str(ACCESS_LOG)] = [
        {
            str(_("date")): timezone.localtime(entry.at).isoformat(),
            str(BY): str(entry.user) if entry.user else None,
            str(_("action")): entry.get_action_display(),
            str(WHAT): f"{entry.object_type} {entry.object_id}",
        }
        for entry in AccessLog.objects.filter(access).select_related("user").order_by("at", "id")
    ]
    for source in registry.export_sources():
        for title, rows in source(person):
            sections[str(title)] = list(rows)
    return sections, files


def build_zip(person, *, generated_at: datetime.datetime) -> bytes:
    sections, files = person_data(person)
    payload = {
        "person": str(person),
        "generated_at": timezone.localtime(generated_at).isoformat(),
        "sections": sections,
    }
    pdf = render_pdf(
        "privacy/pdf/export.html",
        {
            "person": person,
            "sections": readable_sections(sections),
            "generated_at": generated_at,
        },
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(
            "export.json", json.dumps(payload, ensure_ascii=False, indent=2, default=str)
        )
        archive.writestr("export.pdf", pdf)
        for name, file in files:
            try:
                with file.open("rb") as handle:
                    archive.writestr(name, handle.read())
            except FileNotFoundError:
                archive.writestr(f"{name}.manquant.txt", "Fichier introuvable sur le serveur.")
    return buffer.getvalue()


def export_build(export_id: int) -> None:
    """Idempotent: an export already ready is left as it is."""
    export = SubjectAccessExport.objects.select_related("person", "requested_by").get(pk=export_id)
    if export.status == SubjectAccessExport.Status.READY:
        return
    now = timezone.now()
    content = build_zip(export.person, generated_at=now)
    export.file.save(f"{export.organisation_id}/{export.pk}.zip", ContentFile(content), save=False)
    export.size = len(content)
    export.status = SubjectAccessExport.Status.READY
    export.finished_at = now
    export.save(update_fields=["file", "size", "status", "finished_at"])
    access_log_record(
        actor=export.requested_by,
        obj=export.person,
        action=AccessAction.EXPORT,
        detail="subject access export",
    )

"""The privacy app's own records, declared to the register like any other."""

from thrasos.permissions import Sensitivity
from thrasos.privacy.models import (
    Anonymisation,
    HistoryScrub,
    InformationNotice,
    RetentionHold,
    RetentionRun,
    SubjectAccessExport,
)
from thrasos.privacy.registry import clear, declare, keep

_NOTICE = "Prouver que la personne a été informée sur ses données (RGPD, art. 13)"
declare(
    InformationNotice,
    person="person",
    fields={
        "received_on": keep(_NOTICE, Sensitivity.PATHWAY),
        "language": keep(_NOTICE, Sensitivity.PATHWAY),
    },
    other={"person", "given_by", "recorded_at"},
)
declare(
    Anonymisation,
    person="person",
    exported=False,
    fields={
        "reason": keep("Justifier une anonymisation", Sensitivity.PATHWAY),
        "requested_on": keep(
            "Date de la demande d'effacement (RGPD, art. 17)", Sensitivity.PATHWAY
        ),
    },
    other={
        "person",
        "kind",
        "actor",
        "status",
        "transaction_id",
        "started_at",
        "completed_at",
        "summary",
    },
)
declare(
    HistoryScrub,
    person=None,
    other={"anonymisation", "event_table", "columns", "rows", "at", "db_user"},
)
declare(
    RetentionHold,
    person="person",
    fields={
        "reason": clear("Justifier la conservation d'un dossier inactif", Sensitivity.PATHWAY),
        "keep_until": keep("Date du prochain examen du dossier", Sensitivity.PATHWAY),
    },
    other={"person", "recorded_by", "recorded_at"},
)
declare(
    RetentionRun,
    person=None,
    other={
        "kind",
        "started_at",
        "finished_at",
        "cutoff",
        "examined",
        "anonymised",
        "kept",
        "deleted",
        "error",
    },
)


def _export_files(export):
    return [export.file] if export.file else []


declare(
    SubjectAccessExport,
    person="person",
    exported=False,
    fields={"file": clear("Répondre à une demande d'accès (RGPD, art. 15)", Sensitivity.DOCUMENTS)},
    other={"person", "requested_by", "requested_at", "status", "size", "finished_at"},
    files=_export_files,
)

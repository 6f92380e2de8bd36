"""The access log, declared to the register (thrasos.privacy.registry): who
read whose record. Its rows about a person are listed in their subject access
export (thrasos.privacy.export) and deleted after 12 months."""

from thrasos.audit.models import AccessLog
from thrasos.permissions import Sensitivity
from thrasos.privacy.registry import RETENTION_ACCESS_LOG, clear, declare

declare(
    AccessLog,
    person=None,
    fields={
        "detail": clear(
            "Tracer les consultations (filtres d'un export)", Sensitivity.ADMINISTRATIVE
        ),
    },
    other={"at", "user", "action", "object_type", "object_id", "request_id"},
    retention=RETENTION_ACCESS_LOG,
)

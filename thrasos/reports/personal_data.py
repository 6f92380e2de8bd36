"""The reports' data, declared to the register (thrasos.privacy.registry):
aggregates only, masked below 5 people, and who asked for them."""

from thrasos.privacy.registry import RETENTION_STAFF, declare
from thrasos.reports.models import ReportFile, ReportRequest

declare(
    ReportRequest,
    person=None,
    other={
        "requested_by",
        "requested_at",
        "scope_kind",
        "scope_id",
        "scope_label",
        "period_start",
        "period_end",
        "as_of",
        "status",
        "updated_at",
        "completed_at",
        "figures",
        "digest",
        "pages",
        "error",
    },
    retention=RETENTION_STAFF,
)
declare(ReportFile, person=None, other={"report", "content", "size"}, retention=RETENTION_STAFF)

"""After a load run (bench/load.sh): every write the server acknowledged must
be in the database. Prints notes and attendance sent, found and lost; exits 1
when a write is lost."""

import json
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "thrasos.settings")

import django  # noqa: E402 - after the settings module is named

django.setup()

from beneficiaries.models import CaseNote  # noqa: E402
from sessions.models import Activity, Attendance  # noqa: E402
from thrasos.accounts.models import Organisation  # noqa: E402
from thrasos.tenancy import platform_context, tenant_context  # noqa: E402


def main() -> int:
    writes = json.loads((ROOT / ".local" / "load" / "writes.json").read_text())
    users = json.loads((ROOT / ".local" / "load" / "users.json").read_text())["users"]
    with platform_context():
        organisations = list(
            Organisation.objects.filter(slug__in={u["organisation"] for u in users})
        )
    notes, marks = set(), {}
    for organisation in organisations:
        with tenant_context(organisation):
            notes |= set(
                CaseNote.objects.filter(body__startswith=f"Charge {writes['run']} ").values_list(
                    "body", flat=True
                )
            )
            mine = Activity.objects.filter(pk__in=[int(a) for a in writes["attendance"]])
            for activity_id, enrolment_id, status in Attendance.objects.filter(
                activity__in=mine
            ).values_list("activity_id", "enrolment_id", "status"):
                marks.setdefault(str(activity_id), {})[f"p{enrolment_id}"] = status
    lost_notes = [n for n in writes["notes"] if n not in notes]
    lost_attendance = []
    for activity, sent in writes["attendance"].items():
        stored = {k: v for k, v in marks.get(activity, {}).items() if k in sent}
        later = writes["attendance_unacknowledged"].get(activity, [])
        if stored != sent and stored not in later:
            lost_attendance.append(activity)
    rows = sum(len(m) for m in writes["attendance"].values())
    print(
        f"notes: {len(writes['notes'])} acknowledged, "
        f"{len(writes['notes_unacknowledged'])} without answer, "
        f"{len([n for n in writes['notes_unacknowledged'] if n in notes])} of those saved; "
        f"lost: {len(lost_notes)}"
    )
    print(
        f"attendance: {len(writes['attendance'])} activities ({rows} rows) as last "
        f"acknowledged; lost: {len(lost_attendance)}"
    )
    print(f"writes refused or unanswered (user-visible errors): {len(writes['errors'])}")
    return 1 if lost_notes or lost_attendance else 0


if __name__ == "__main__":
    sys.exit(main())

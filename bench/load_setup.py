"""Prepares the load test (bench/load.sh): 50 caseworkers spread over three
organisations of the scale data ("charge-01" to "charge-03"), each with a
password, a TOTP authenticator, every territory of its organisation, and an
activity of its own to record attendance on (a session of eight people per
organisation, built through the services by bench/sessions.py's helper).
Writes what the simulated users need to `.local/load/users.json`.
Idempotent: a second run reuses what the first made."""

import json
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "thrasos.settings")

import django  # noqa: E402 - after the settings module is named

django.setup()

import importlib.util  # noqa: E402

from allauth.mfa.models import Authenticator  # noqa: E402
from allauth.mfa.totp.internal.auth import TOTP  # noqa: E402

from beneficiaries.models import Beneficiary  # noqa: E402
from sessions.models import Activity, Enrolment  # noqa: E402
from thrasos.accounts.models import (  # noqa: E402
    Membership,
    MembershipTerritory,
    Organisation,
    Role,
    Territory,
    User,
)
from thrasos.tenancy import platform_context, tenant_context  # noqa: E402

# bench/sessions.py builds a session through the services; loaded by path
# (its module name is the sessions app's).
_spec = importlib.util.spec_from_file_location("bench_sessions", ROOT / "bench" / "sessions.py")
_bench_sessions = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_bench_sessions)
_build = _bench_sessions._build

USERS = int(os.environ.get("LOAD_USERS", "50"))
ORGANISATIONS = ["charge-01", "charge-02", "charge-03"]
PASSWORD = "charge-de-test-2026"  # noqa: S105 - local throw-away accounts
SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"  # noqa: S105 - the bench accounts
OUT = ROOT / ".local" / "load"


def main():
    OUT.mkdir(parents=True, exist_ok=True)
    users = []
    per_org = -(-USERS // len(ORGANISATIONS))
    for slug in ORGANISATIONS:
        with platform_context():
            organisation = Organisation.objects.get(slug=slug)
        with tenant_context(organisation):
            coordinator = (
                Membership.objects.select_related("user").filter(role=Role.COORDINATOR).first()
            ).user
            territories = list(Territory.objects.order_by("name"))
            session = _build(
                organisation,
                coordinator,
                territories[0],
                name=f"Charge {slug}",
                people=8,
                activities=per_org,
            )
            activities = list(
                Activity.objects.filter(session=session).order_by("date", "start_time", "id")
            )
            fields = [
                f"p{e.pk}"
                for e in Enrolment.objects.filter(session=session).exclude(status="removed")
            ]
            people = list(Beneficiary.objects.order_by("id").values_list("id", flat=True)[:2000])
            names = sorted(
                {
                    n.split()[0].rstrip("0123456789")
                    for n in Beneficiary.objects.values_list("search_last_first", flat=True)[:500]
                }
            )
            for n in range(per_org):
                if len(users) == USERS:
                    break
                email = f"charge.{len(users):02d}@{slug}.bench.thrasos.fr"
                user, created = User.objects.get_or_create(
                    email=email, defaults={"first_name": "Charge", "last_name": f"{n:02d}"}
                )
                if created or not user.check_password(PASSWORD):
                    user.set_password(PASSWORD)
                    user.save()
                membership, _ = Membership.objects.get_or_create(
                    user=user, defaults={"role": Role.CASEWORKER}
                )
                for territory in territories:
                    MembershipTerritory.objects.get_or_create(
                        membership=membership, territory=territory
                    )
                if not Authenticator.objects.filter(
                    user=user, type=Authenticator.Type.TOTP
                ).exists():
                    TOTP.activate(user, SECRET)
                users.append(
                    {
                        "email": email,
                        "organisation": slug,
                        "people": people[n::per_org][:40],
                        "names": names,
                        "activity": activities[n].pk,
                        "fields": fields,
                    }
                )
    (OUT / "users.json").write_text(
        json.dumps({"password": PASSWORD, "secret": SECRET, "users": users})
    )
    print(f"{len(users)} caseworkers in {', '.join(ORGANISATIONS)} -> {OUT / 'users.json'}")


if __name__ == "__main__":
    main()

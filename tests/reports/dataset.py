"""A hand-built data set whose indicators are worked out by hand
(tests/reports/test_indicators.py). Rows are written directly with the ORM,
at chosen dates, so that every figure is known; the period is the first half
of 2026 and "today" is 15 July 2026.

Organisation A, territory T1 (Gironde) and T2 (Rhône):
- P1 (T1): session S1, completed; project validated 16/03; contract C1
  signed 25/03, trial passed 16/05, diploma obtained (exam 15/06), completed
  19/06; exit 20/06 (CDI, social housing: positive); housed O1 on PL1 from
  01/04 to 20/06 (to social housing); mentored (M1 from 01/02, 2 notes, one
  alert).
- P2 (T1): admitted 10/01, session S1 completed; project validated 20/03;
  contract C2 signed 05/04 (trial passed 25/05, in force on 30/06); housed O2
  on PL2 from 10/04 (open).
- P3 (T1): referred 01/02, candidate 15/02, not admitted 01/03.
- P4 (T1): withdrew in 2025: not followed in the period.
- P5 (T1): referred 20/01, candidate 01/02, admitted 10/02; waiting list of S1.
- P6 (T1): session S1, dropped out 01/02 (withdrawn).
- P7 (T1): contract C3 since 2025, broken 20/02; exit 01/03 (short CDD, social
  housing); housed O3 on PL1 until 01/03 (to social housing).
- P8 (T1): contract C4 completed 30/04, diploma failed; exit 01/05 (temporary
  work ≥ 6 months, hosted).
- P9 (T1): exited 2025; follow-up at 12 months observed 05/06 (CDI, private
  rental), at 6 months observed 01/12/2025.
- P10 (T2): exited 2025; follow-up at 6 months observed 02/04 (job seeking).
- Q1 (T2): referred 01/03. Q2 (T2): candidate since 01/12/2025, housed O4 on
  PL3 (unit U2 open from 01/04) from 01/05, enrolled in S2 (autumn).
Organisation B: one positive exit in the period (must never count for A)."""

import datetime
from decimal import Decimal

from django.utils import timezone

from thrasos.accounts.models import Role
from thrasos.reports.indicators import Period
from thrasos.tenancy import tenant_context

PERIOD = Period(datetime.date(2026, 1, 1), datetime.date(2026, 6, 30))
TODAY = datetime.date(2026, 7, 15)

STAGES = ("referred", "candidate", "admitted", "in_session", "seeking_contract", "in_contract")


def d(text: str) -> datetime.date:
    return datetime.date.fromisoformat(text)


def noon(text: str) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(d(text), datetime.time(12)))


def person(org, territory, actor, name: str, path: list[tuple[str, str]], **exit_situation):
    """A case file whose pathway is exactly `path` [(state, date), …]."""
    from beneficiaries.models import Beneficiary, PathwayTransition
    from tests import factories

    b = factories.beneficiary(org, territory, actor, last_name=name, first_name="Test")
    with tenant_context(org):
        PathwayTransition.objects.filter(beneficiary=b).delete()
        previous = ""
        for state, day in path:
            PathwayTransition.objects.create(
                beneficiary=b, from_state=previous, to_state=state, actor=actor, at=noon(day)
            )
            previous = state
        Beneficiary.objects.filter(pk=b.pk).update(
            state=previous, state_changed_at=noon(path[-1][1]), **exit_situation
        )
        b.refresh_from_db()
    return b


def _path(*pairs):
    return list(pairs)


def build(two_tenants) -> dict:
    from beneficiaries.models import Beneficiary
    from housing.models import HousingUnit, Occupancy, Place
    from mentoring.models import MentoringNote, Mentorship, VolunteerProfile
    from placements.models import AlternanceContract, FollowUp, ProfessionalProject, Sector
    from sessions.models import Activity, Attendance, Enrolment, PreparationSession
    from tests import factories
    from tests.placements import factories as placements

    a = two_tenants["a"]
    org, t1 = a["org"], a["territory"]
    actor = a["members"][Role.ADMIN].user
    t2 = factories.territory(org, "Territoire Rhône", departement="69")
    full = [
        ("referred", "2025-03-01"),
        ("candidate", "2025-04-01"),
        ("admitted", "2025-05-01"),
        ("in_session", "2025-06-01"),
        ("seeking_contract", "2025-08-20"),
        ("in_contract", "2025-09-01"),
    ]
    p = {}
    p[1] = person(
        org, t1, actor, "P1",
        [("referred", "2025-10-01"), ("candidate", "2025-11-01"), ("admitted", "2025-12-01"),
         ("in_session", "2026-01-05"), ("seeking_contract", "2026-03-16"),
         ("in_contract", "2026-04-01"), ("exited", "2026-06-20")],
        exit_employment="cdi", exit_housing="social_housing",
    )  # fmt: skip
    p[2] = person(
        org, t1, actor, "P2",
        [("referred", "2025-10-01"), ("candidate", "2025-11-01"), ("admitted", "2026-01-10"),
         ("in_session", "2026-01-12"), ("seeking_contract", "2026-03-20"),
         ("in_contract", "2026-04-10")],
    )  # fmt: skip
    p[3] = person(
        org,
        t1,
        actor,
        "P3",
        [("referred", "2026-02-01"), ("candidate", "2026-02-15"), ("not_admitted", "2026-03-01")],
    )
    p[4] = person(
        org,
        t1,
        actor,
        "P4",
        [("referred", "2025-06-01"), ("candidate", "2025-07-01"), ("withdrawn", "2025-09-01")],
    )
    p[5] = person(
        org,
        t1,
        actor,
        "P5",
        [("referred", "2026-01-20"), ("candidate", "2026-02-01"), ("admitted", "2026-02-10")],
    )
    p[6] = person(
        org, t1, actor, "P6",
        [("referred", "2025-09-01"), ("candidate", "2025-09-15"), ("admitted", "2025-10-01"),
         ("in_session", "2026-01-05"), ("withdrawn", "2026-02-01")],
    )  # fmt: skip
    p[7] = person(
        org, t1, actor, "P7", [*full, ("exited", "2026-03-01")],
        exit_employment="cdd_under_6", exit_housing="social_housing",
    )  # fmt: skip
    p[8] = person(
        org, t1, actor, "P8", [*full, ("exited", "2026-05-01")],
        exit_employment="temporary_6_plus", exit_housing="hosted",
    )  # fmt: skip
    p[9] = person(
        org, t1, actor, "P9",
        [("referred", "2024-01-01"), ("candidate", "2024-02-01"), ("admitted", "2024-03-01"),
         ("in_session", "2024-04-01"), ("seeking_contract", "2024-06-15"),
         ("in_contract", "2024-07-01"), ("exited", "2025-06-01")],
        exit_employment="cdi", exit_housing="hosted",
    )  # fmt: skip
    p[10] = person(
        org, t2, actor, "P10", [*full, ("exited", "2025-10-01")],
        exit_employment="job_seeking", exit_housing="hosted",
    )  # fmt: skip
    person(org, t2, actor, "Q1", [("referred", "2026-03-01")])
    q2 = person(org, t2, actor, "Q2", [("referred", "2025-11-01"), ("candidate", "2025-12-01")])

    emp = placements.employer(org, name="Bâti Test", n=31)
    training = placements.training_organisation(org, name="CFA Test", n=32)
    with tenant_context(org):
        # --- sessions
        s1 = PreparationSession.objects.create(
            name="Session 2026-1", territory=t1, start_date=d("2026-01-05"),
            end_date=d("2026-03-13"), capacity=12, status="closed",
            planned_fle_hours=Decimal("120"),
        )  # fmt: skip
        s2 = PreparationSession.objects.create(
            name="Session 2026-3", territory=t2, start_date=d("2026-09-07"),
            end_date=d("2026-11-13"), capacity=12, status="recruiting",
            planned_fle_hours=Decimal("120"),
        )  # fmt: skip

        def enrol(session, b, status, enrolled, ended=None, position=None):
            return Enrolment.objects.create(
                session=session, beneficiary=b, status=status, enrolled_on=d(enrolled),
                ended_on=d(ended) if ended else None, waiting_position=position,
                dropout_reason="personal" if status == "dropped_out" else "", created_by=actor,
            )  # fmt: skip

        e1 = enrol(s1, p[1], "completed", "2026-01-05", "2026-03-13")
        e2 = enrol(s1, p[2], "completed", "2026-01-12", "2026-03-13")
        e6 = enrol(s1, p[6], "dropped_out", "2026-01-05", "2026-02-01")
        enrol(s1, p[5], "waiting", "2026-02-10", position=1)
        enrol(s2, q2, "enrolled", "2026-06-01")

        def activity(kind, day, start, end, cancelled=False):
            return Activity.objects.create(
                session=s1, kind=kind, date=d(day), start_time=datetime.time(*start),
                end_time=datetime.time(*end),
                cancelled_at=noon(day) if cancelled else None,
            )  # fmt: skip

        a1 = activity("fle", "2026-01-06", (9,), (12,))
        a2 = activity("fle", "2026-01-08", (9,), (11,))
        activity("fle", "2026-02-10", (9,), (12,), cancelled=True)
        activity("fle", "2026-03-10", (9,), (10, 30))
        a5 = activity("workshop", "2026-01-07", (14,), (16,))
        for act, marks in (
            (a1, ((e1, "present"), (e2, "late"), (e6, "unexcused"))),
            (a2, ((e1, "present"), (e2, "excused"), (e6, "present"))),
            (a5, ((e1, "present"), (e2, "present"))),
        ):
            for enrolment, status in marks:
                Attendance.objects.create(
                    activity=act, enrolment=enrolment, status=status, recorded_by=actor
                )

        # --- placements
        sector = Sector.objects.order_by("pk").first()
        for b, validated in ((p[1], "2026-03-16"), (p[2], "2026-03-20")):
            ProfessionalProject.objects.create(
                beneficiary=b, target_job="Maçon", sector=sector, status="validated",
                started_on=d("2026-02-01"), validated_on=d(validated),
            )  # fmt: skip

        def contract(b, signed, start, end, trial, **fields):
            return AlternanceContract.objects.create(
                beneficiary=b, kind="apprenticeship", employer=emp, training_organisation=training,
                diploma_title="CAP Maçon", start_date=d(start), end_date=d(end),
                trial_period_end=d(trial), work_city="Bordeaux", work_departement="33",
                signed_on=d(signed), **fields,
            )  # fmt: skip

        contract(
            p[1], "2026-03-25", "2026-04-01", "2026-06-19", "2026-05-16", status="completed",
            completed_on=d("2026-06-19"), diploma_result="obtained", exam_date=d("2026-06-15"),
        )  # fmt: skip
        contract(p[2], "2026-04-05", "2026-04-10", "2027-04-09", "2026-05-25", status="in_progress")
        contract(
            p[7], "2025-08-25", "2025-09-01", "2026-08-31", "2025-10-16", status="broken",
            broken_on=d("2026-02-20"), broken_by="employer", break_reason="Test",
        )  # fmt: skip
        contract(
            p[8], "2025-08-28", "2025-09-01", "2026-04-30", "2025-10-16", status="completed",
            completed_on=d("2026-04-30"), diploma_result="failed", exam_date=d("2026-04-20"),
        )  # fmt: skip
        for b, months, due, observed, employment, housing in (
            (p[9], 12, "2026-06-01", "2026-06-05", "cdi", "private_rental"),
            (p[9], 6, "2025-12-01", "2025-12-01", "cdi", "hosted"),
            (p[10], 6, "2026-04-01", "2026-04-02", "job_seeking", "social_housing"),
        ):
            FollowUp.objects.create(
                beneficiary=b, months_after_exit=months, due_on=d(due), observed_on=d(observed),
                method="phone", employment=employment, housing=housing, recorded_by=actor,
            )  # fmt: skip

        # --- housing
        u1 = HousingUnit.objects.create(
            territory=t1, name="Colocation Test", address="1 rue Test", city="Bordeaux",
            departement="33", kind="shared_flat", landlord_kind="social", opened_on=d("2025-01-01"),
        )  # fmt: skip
        u2 = HousingUnit.objects.create(
            territory=t2, name="Studio Test", address="2 rue Test", city="Lyon",
            departement="69", kind="individual", landlord_kind="private", opened_on=d("2026-04-01"),
        )  # fmt: skip
        pl1 = Place.objects.create(unit=u1, label="Chambre 1")
        pl2 = Place.objects.create(unit=u1, label="Chambre 2")
        pl3 = Place.objects.create(unit=u2, label="Studio")

        def stay(b, place, start, planned, actual=None, destination=""):
            return Occupancy.objects.create(
                place=place, beneficiary=b, start_date=d(start), planned_end_date=d(planned),
                actual_end_date=d(actual) if actual else None, stay_started_on=d(start),
                destination=destination, created_by=actor,
                early_end_reason="autonomous_housing" if actual and actual < planned else "",
                early_end_justification="Test" if actual and actual < planned else "",
            )  # fmt: skip

        stay(p[7], pl1, "2025-09-01", "2026-03-01", "2026-03-01", "social_housing")
        stay(p[1], pl1, "2026-04-01", "2026-10-01", "2026-06-20", "social_housing")
        stay(p[2], pl2, "2026-04-10", "2026-10-10")
        stay(q2, pl3, "2026-05-01", "2026-11-01")

        # --- mentoring
        volunteer = a["members"][Role.VOLUNTEER]
        profile = VolunteerProfile.objects.create(
            membership=volunteer, territory=t1, charter_signed_on=d("2025-01-10")
        )
        m1 = Mentorship.objects.create(
            volunteer=profile, beneficiary=p[1], started_on=d("2026-02-01"), created_by=actor
        )
        m2 = Mentorship.objects.create(
            volunteer=profile, beneficiary=p[7], started_on=d("2025-06-01"),
            ended_on=d("2025-12-15"), status="ended", end_reason="goal_reached", created_by=actor,
        )  # fmt: skip
        for mentorship, day, minutes, urgency in (
            (m1, "2026-02-10", 60, ""),
            (m1, "2026-03-05", 30, "soon"),
            (m2, "2025-11-01", 45, ""),
        ):
            note = MentoringNote.objects.create(
                mentorship=mentorship, author=volunteer.user, occurred_on=d(day),
                duration_minutes=minutes, kind="meeting", topics=["housing"],
                summary="Rencontre", alert_urgency=urgency,
                alert_reason="Test" if urgency else "",
            )  # fmt: skip
            MentoringNote.objects.filter(pk=note.pk).update(created_at=noon(day))
        assert Beneficiary.objects.count() == 12

    # --- organisation B: a positive exit in the period
    b = two_tenants["b"]
    b_admin = b["members"][Role.ADMIN].user
    person(
        b["org"], b["territory"], b_admin, "B1", [*full, ("exited", "2026-02-01")],
        exit_employment="cdi", exit_housing="social_housing",
    )  # fmt: skip
    return {"org": org, "t1": t1, "t2": t2, "s1": s1, "s2": s2, "people": p}

"""Benchmark of the reports (run by `make bench`).

1. The PDF activity report of an organisation of 500 people over one year
   ("bench-reports", built once in bulk, kept in the local database): the
   worker time of the three tasks (figures, then PDF), cold (first report of
   a fresh worker process) and warm (median of the next ones), the peak
   memory of that process (its maximum resident set size), and WeasyPrint's
   time for a plain document of the same page count rendered in the same
   process: the ratio of the two.
2. The manager's dashboard on the largest organisation of the scale data
   (`seed_demo --scale`): its query count (the same at every size) and its
   median and p95.
Targets (issue 15): report ≤ 4 s of worker time and ≤ 5x the plain
document, peak memory ≤ 300 MB. This is a measurement, not a test: it prints
and exits 0."""

import datetime
import json
import os
import random
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "thrasos.settings")

import django

django.setup()

from allauth.mfa.models import Authenticator  # noqa: E402
from allauth.mfa.totp.internal.auth import TOTP  # noqa: E402
from django.conf import settings  # noqa: E402
from django.db import connection, connections  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from timing import timed  # noqa: E402 - bench/timing.py

from thrasos.accounts.models import Membership, Organisation, Role, Territory, User  # noqa: E402
from thrasos.accounts.services import organisation_create  # noqa: E402
from thrasos.tenancy import platform_context, tenant_context  # noqa: E402

SLUG = "bench-reports"
PEOPLE = 500
YEAR = 2025
PERIOD = (datetime.date(YEAR, 1, 1), datetime.date(YEAR, 12, 31))
settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]


def _at(day: datetime.date) -> datetime.datetime:
    return datetime.datetime(day.year, day.month, day.day, 12, tzinfo=datetime.UTC)


def build(organisation, actor) -> None:
    """500 people over the year, every module touched, in bulk."""
    from beneficiaries.models import Beneficiary, PathwayTransition
    from housing.models import HousingUnit, Occupancy, Place
    from mentoring.models import MentoringNote, Mentorship, VolunteerProfile
    from placements.models import AlternanceContract, Employer, FollowUp, TrainingOrganisation
    from sessions.models import Activity, Attendance, Enrolment, PreparationSession
    from tests.placements.factories import siret

    rng = random.Random(15)
    territories = [
        Territory.objects.get_or_create(name=name, defaults={"region": r, "departement": d})[0]
        for name, r, d in (("Gironde", "75", "33"), ("Rhône", "84", "69"))
    ]
    sector = organisation_sector()
    employer = Employer.objects.create(
        name="Bâti Banc", siret=siret(901), city="Bordeaux", departement="33", sector=sector
    )
    training = TrainingOrganisation.objects.create(
        name="CFA Banc", siret=siret(902), city="Bordeaux", departement="33"
    )
    countries = ["AF", "ER", "SD", "SY", "GN", "UA", "SO", "CI", ""]
    people = Beneficiary.objects.bulk_create(
        Beneficiary(
            last_name=f"Banc{i:03d}",
            first_name="Personne",
            sex=rng.choice("FMM"),
            birth_date=datetime.date(1970 + rng.randrange(35), 1 + rng.randrange(12), 1),
            birth_country=rng.choice(countries),
            protection_status="refugee",
            current_territory=territories[i % 2],
            referral_date=PERIOD[0] + datetime.timedelta(days=rng.randrange(200)),
            search_last_first=f"banc{i:03d} personne",
            search_first_last=f"personne banc{i:03d}",
        )
        for i in range(PEOPLE)
    )
    sessions = [
        PreparationSession.objects.create(
            name=f"Session {YEAR}-{n + 1}",
            territory=territories[n % 2],
            start_date=start,
            end_date=start + datetime.timedelta(weeks=10),
            capacity=60,
            status="closed",
            planned_fle_hours=120,
        )
        for n, start in enumerate(
            [datetime.date(YEAR, 1, 13), datetime.date(YEAR, 5, 5), datetime.date(YEAR, 9, 8)]
        )
    ]
    activities = {
        s.pk: Activity.objects.bulk_create(
            Activity(
                session=s,
                kind="fle" if k % 3 else "workshop",
                title=f"Activité {k}",
                date=s.start_date + datetime.timedelta(days=k * 2),
                start_time=datetime.time(9),
                end_time=datetime.time(12),
            )
            for k in range(30)
        )
        for s in sessions
    }
    transitions, enrolments, contracts, follow_ups = [], [], [], []
    for i, person in enumerate(people):
        day = person.referral_date
        path = [("referred", day)]
        stages = ["candidate", "admitted"]
        session = sessions[i % 3] if i < 180 else None
        for state in stages:
            day += datetime.timedelta(days=rng.randrange(5, 25))
            path.append((state, day))
        if session is not None:
            path.append(("in_session", session.start_date))
            dropped = rng.random() < 0.15
            enrolments.append(
                Enrolment(
                    session=session,
                    beneficiary=person,
                    status="dropped_out" if dropped else "completed",
                    enrolled_on=session.start_date,
                    ended_on=session.end_date,
                    dropout_reason="personal" if dropped else "",
                    created_by=actor,
                )
            )
            if dropped:
                path.append(("withdrawn", session.end_date))
            else:
                path.append(("seeking_contract", session.end_date))
                if rng.random() < 0.7 and session.end_date < datetime.date(YEAR, 11, 1):
                    signed = session.end_date + datetime.timedelta(days=rng.randrange(10, 40))
                    path.append(("in_contract", signed))
                    broken = rng.random() < 0.15
                    contracts.append(
                        AlternanceContract(
                            beneficiary=person,
                            kind="apprenticeship",
                            employer=employer,
                            training_organisation=training,
                            diploma_title="CAP",
                            start_date=signed,
                            end_date=signed + datetime.timedelta(days=365),
                            trial_period_end=signed + datetime.timedelta(days=45),
                            work_city="Bordeaux",
                            work_departement="33",
                            signed_on=signed,
                            status="broken" if broken else "in_progress",
                            broken_on=signed + datetime.timedelta(days=60) if broken else None,
                            broken_by="employer" if broken else "",
                        )
                    )
        elif rng.random() < 0.2:
            path.append(("not_admitted", day + datetime.timedelta(days=10)))
        previous = ""
        for state, when in path:
            transitions.append(
                PathwayTransition(
                    beneficiary=person,
                    from_state=previous,
                    to_state=state,
                    actor=actor,
                    at=_at(when),
                )
            )
            previous = state
        person.state = previous
    # Exits from the year before, followed up during this one.
    for person in people[450:]:
        transitions.append(
            PathwayTransition(
                beneficiary=person,
                from_state="in_contract",
                to_state="exited",
                actor=actor,
                at=_at(datetime.date(YEAR, 6, 1)),
            )
        )
        person.state = "exited"
        person.exit_employment = rng.choice(["cdi", "cdd_6_plus", "job_seeking"])
        person.exit_housing = rng.choice(["social_housing", "hosted"])
        follow_ups.append(
            FollowUp(
                beneficiary=person,
                months_after_exit=6,
                due_on=datetime.date(YEAR, 12, 1),
                observed_on=datetime.date(YEAR, 12, 3),
                method="phone",
                employment=person.exit_employment,
                housing=person.exit_housing,
            )
        )
    PathwayTransition.objects.bulk_create(transitions, batch_size=2000)
    Beneficiary.objects.bulk_update(people, ["state", "exit_employment", "exit_housing"])
    enrolments = Enrolment.objects.bulk_create(enrolments)
    Attendance.objects.bulk_create(
        [
            Attendance(
                activity=a,
                enrolment=e,
                recorded_by=actor,
                status=rng.choice(["present", "present", "present", "late", "excused"]),
            )
            for e in enrolments
            for a in activities[e.session_id]
        ],
        batch_size=2000,
    )
    AlternanceContract.objects.bulk_create(contracts)
    FollowUp.objects.bulk_create(follow_ups)
    unit = HousingUnit.objects.create(
        territory=territories[0],
        name="Colocation Banc",
        address="1 rue",
        city="Bordeaux",
        departement="33",
        kind="shared_flat",
        landlord_kind="social",
        opened_on=datetime.date(YEAR - 1, 1, 1),
    )
    places = Place.objects.bulk_create(Place(unit=unit, label=f"Chambre {n}") for n in range(40))
    Occupancy.objects.bulk_create(
        Occupancy(
            place=places[n],
            beneficiary=c.beneficiary,
            start_date=c.start_date,
            planned_end_date=c.start_date + datetime.timedelta(days=200),
            stay_started_on=c.start_date,
            created_by=actor,
        )
        for n, c in enumerate(contracts[:40])
    )
    volunteer = Membership.objects.filter(role=Role.VOLUNTEER).first()
    if volunteer is not None:
        profile = VolunteerProfile.objects.create(
            membership=volunteer, territory=territories[0], charter_signed_on=PERIOD[0]
        )
        pairs = Mentorship.objects.bulk_create(
            Mentorship(
                volunteer=profile,
                beneficiary=p,
                started_on=datetime.date(YEAR, 3, 1),
                created_by=actor,
            )
            for p in people[:60]
        )
        MentoringNote.objects.bulk_create(
            MentoringNote(
                mentorship=m,
                author=volunteer.user,
                occurred_on=datetime.date(YEAR, 3 + k, 10),
                duration_minutes=30,
                kind="meeting",
                topics=["housing"],
                summary="Rencontre",
            )
            for m in pairs
            for k in range(8)
        )


def organisation_sector():
    from placements.models import Sector

    return Sector.objects.order_by("pk").first()


def _with_mfa(user):
    """Managers must have a second factor before they see a page."""
    if not Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists():
        TOTP.activate(user, "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP")
    return user


def ensure_organisation():
    with platform_context():
        organisation = Organisation.objects.filter(slug=SLUG).first()
        created = organisation is None
        if created:
            organisation = organisation_create(name="Banc d’essai rapports", slug=SLUG)
    user, _ = User.objects.get_or_create(
        email=f"direction@{SLUG}.bench.thrasos.fr",
        defaults={"first_name": "Direction", "last_name": "Banc"},
    )
    volunteer, _ = User.objects.get_or_create(
        email=f"benevole@{SLUG}.bench.thrasos.fr",
        defaults={"first_name": "Bénévole", "last_name": "Banc"},
    )
    _with_mfa(user)
    with tenant_context(organisation):
        Membership.objects.get_or_create(user=user, defaults={"role": Role.MANAGER})
        Membership.objects.get_or_create(user=volunteer, defaults={"role": Role.VOLUNTEER})
        from beneficiaries.models import Beneficiary

        if not Beneficiary.objects.exists():
            print(f"building {SLUG}: {PEOPLE} people over {YEAR}…", flush=True)
            build(organisation, user)
    return organisation, user


# --- the report, in a fresh process (as a worker) -----------------------------------
PLAIN = """{% extends "pdf/base.html" %}
{% block title %}Document simple{% endblock %}
{% block header %}Document simple{% endblock %}
{% block content %}{% for page in pages %}
<section{% if not forloop.first %} class="page-break"{% endif %}>
<h2>Page {{ page }}</h2>{% for p in paragraphs %}<p>{{ p }}</p>{% endfor %}
<table>{% for r in rows %}<tr><th>Ligne {{ r }}</th><td>{{ r }}</td><td>{{ page }}</td></tr>
{% endfor %}</table></section>{% endfor %}{% endblock %}"""


def one_report(organisation_id: int, user_id: int, runs: int) -> dict:
    """Run in a child process: what a worker does, timed."""
    from django.template import engines

    from thrasos.core import pdf
    from thrasos.reports import tasks
    from thrasos.reports.indicators import Period
    from thrasos.reports.models import ReportRequest
    from thrasos.reports.services import report_request_create

    for task in (tasks.report_generate, tasks.report_compute, tasks.report_render):
        task.delay_on_commit = lambda *args, **kwargs: None
    # What a worker process does at its start (worker_process_init), before
    # it takes its first task: timed apart, not part of a report.
    from thrasos.reports.report import warm_up

    started = time.perf_counter()
    warm_up()
    warm_up_time = time.perf_counter() - started
    times, pages, digests = [], 0, set()
    for _ in range(runs):
        with tenant_context(organisation_id):
            report = report_request_create(
                actor=User.objects.get(pk=user_id),
                organisation_id=organisation_id,
                scope_kind="organisation",
                scope_id=None,
                scope_label="Banc",
                period=Period(*PERIOD),
                today=datetime.date(YEAR + 1, 3, 1),
            )
        started = time.perf_counter()
        for task in (tasks.report_generate, tasks.report_compute, tasks.report_render):
            task.apply(args=[report.pk], kwargs={"organisation_id": organisation_id}, throw=True)
        times.append(time.perf_counter() - started)
        with tenant_context(organisation_id):
            report = ReportRequest.objects.get(pk=report.pk)
        pages = report.pages
        digests.add(report.digest)
    # A plain document of the same page count, in the same process.
    template = engines["django"].from_string(PLAIN)
    context = {
        "pages": range(pages),
        "paragraphs": ["Texte courant d’un document simple, sans graphique. " * 6] * 4,
        "rows": range(12),
    }
    plain_times = []
    for _ in range(runs):
        started = time.perf_counter()
        from weasyprint import HTML

        html = template.render(context)
        document = HTML(
            string=html, base_url=pdf.STATIC_PREFIX, url_fetcher=pdf.StaticOnlyFetcher()
        ).render()
        document.write_pdf()
        plain_times.append(time.perf_counter() - started)
        plain_pages = len(document.pages)
    return {
        "times": times,
        "warm_up": warm_up_time,
        "pages": pages,
        "digests": len(digests),
        "plain_times": plain_times,
        "plain_pages": plain_pages,
        "maxrss_kb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
    }


def report_benchmark(organisation, user) -> None:
    runs = int(os.environ.get("BENCH_REPORT_RUNS", "4"))
    child = subprocess.run(  # noqa: S603  (this very script, a fixed command)
        [sys.executable, __file__, "--one-report", str(organisation.pk), str(user.pk), str(runs)],
        capture_output=True,
        text=True,
        check=True,
    )
    result = json.loads(child.stdout.strip().splitlines()[-1])
    cold, warm = result["times"][0], statistics.median(result["times"][1:] or result["times"])
    plain = statistics.median(result["plain_times"])
    memory = result["maxrss_kb"] / 1024
    print(f"\nactivity report of {PEOPLE} people over {YEAR}: {result['pages']} pages")
    print(f"  worker start (warm-up, worker_process_init): {result['warm_up']:6.2f} s")
    print(f"  worker time, first report of the process: {cold:6.2f} s")
    print(f"  worker time, median of the next {runs - 1}:      {warm:6.2f} s  (target ≤ 4 s)")
    print(f"  plain document, {result['plain_pages']} pages, WeasyPrint: {plain:6.2f} s")
    print(f"  ratio report / plain document: {warm / plain:5.1f}x  (target ≤ 5x)")
    print(f"  peak memory of the worker process: {memory:6.0f} MB  (target ≤ 300 MB)")
    print(f"  load average (1, 5, 15 min): {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    print(f"  distinct digests over {runs} reports of unchanged data: {result['digests']}")


# --- the manager's dashboard on the scale data ----------------------------------------
def dashboard_benchmark() -> None:
    with platform_context():
        # The scale organisations, and this benchmark's own (500 people) as
        # the small end of the query-count comparison.
        candidates = list(Organisation.objects.filter(slug__startswith="charge-"))
        candidates += list(Organisation.objects.filter(slug=SLUG))
    if len(candidates) < 2:
        print("\nno scale data (seed_demo --scale): dashboard not measured")
        return
    sizes = []
    for organisation in candidates:
        with tenant_context(organisation), connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM beneficiaries_beneficiary")
            sizes.append((cursor.fetchone()[0], organisation))
    sizes.sort(key=lambda item: item[0])
    (small_count, small), (large_count, large) = sizes[0], sizes[-1]
    with connections["owner"].cursor() as cursor:
        cursor.execute("ANALYZE")
    user, _ = User.objects.get_or_create(
        email="direction@scale.bench.thrasos.fr",
        defaults={"first_name": "Direction", "last_name": "Échelle"},
    )
    _with_mfa(user)
    for organisation in (small, large):
        with tenant_context(organisation):
            Membership.objects.get_or_create(user=user, defaults={"role": Role.MANAGER})
    today = datetime.date.today()
    params = f"?start={today.year}-01-01&end={today.isoformat()}&scope=organisation"
    counts = {}
    for label, organisation in (("small", small), ("large", large)):
        client = Client()
        client.force_login(user)
        session = client.session
        session["thrasos_organisation_id"] = organisation.pk
        session.save()
        status = client.get("/" + params).status_code
        with CaptureQueriesContext(connection) as captured:
            client.get("/" + params)
        counts[label] = (len(captured), status, client)
    median, p95 = timed(lambda: counts["large"][2].get("/" + params))
    print(
        f"\nmanager dashboard (indicators and three charts, year to date, whole organisation):"
        f"\n  queries: {counts['small'][0]} at {small_count:,} case files, "
        f"{counts['large'][0]} at {large_count:,} (HTTP {counts['small'][1]}, {counts['large'][1]})"
        f"\n  median {median:.0f} ms, p95 {p95:.0f} ms at {large_count:,} case files"
    )


def main():
    if sys.argv[1:] == ["--dashboard"]:
        dashboard_benchmark()
        return
    if len(sys.argv) > 1 and sys.argv[1] == "--one-report":
        organisation_id, user_id, runs = map(int, sys.argv[2:5])
        print(json.dumps(one_report(organisation_id, user_id, runs)))
        return
    organisation, user = ensure_organisation()
    report_benchmark(organisation, user)
    dashboard_benchmark()


if __name__ == "__main__":
    main()

import pytest
from django.core.management import call_command

from beneficiaries.models import Beneficiary
from beneficiaries.pathway import State
from sessions.models import Activity, Attendance, Enrolment, PreparationSession
from thrasos.accounts.models import Membership, Organisation, Role
from thrasos.tenancy import tenant_context

pytestmark = pytest.mark.django_db


def test_demo_data_covers_every_role_and_state_and_is_idempotent(capsys):
    call_command("seed_demo", allow_production=True)
    call_command("seed_demo", allow_production=True)
    organisation = Organisation.objects.get(slug="hh-urgence")
    with tenant_context(organisation):
        assert set(Membership.objects.values_list("role", flat=True)) == set(Role.values)
        assert Beneficiary.objects.count() == 150
        assert set(Beneficiary.objects.values_list("state", flat=True)) == set(State.values)
        assert Beneficiary.objects.values("state_changed_at__date").distinct().count() > 50
        names = set(Beneficiary.objects.values_list("last_name", flat=True))
    assert any("-" in n for n in names)  # Abdel-Rahman
    assert any("’" in n for n in names)  # N’Diaye
    assert any(not n.isascii() for n in names)  # Öztürk, Koné
    assert len(names) > 30
    with tenant_context(Organisation.objects.get(slug="solidarite-occitanie")):
        assert Beneficiary.objects.count() == 30


def test_demo_sessions_match_the_pathways(capsys):
    call_command("seed_demo", allow_production=True)
    call_command("seed_demo", allow_production=True)
    with tenant_context(Organisation.objects.get(slug="hh-urgence")):
        statuses = list(
            PreparationSession.objects.order_by("start_date").values_list("status", flat=True)
        )
        assert statuses == ["closed"] * 4 + ["running", "recruiting"]
        assert Activity.objects.count() > 6 * 40
        assert Attendance.objects.count() > 2000
        assert Enrolment.objects.filter(status="waiting").exists()
        assert Enrolment.objects.filter(status="dropped_out").exists()
        # Everyone in session is enrolled in the running session, and every
        # person enrolled there is in session (or dropped out: withdrawn).
        running = PreparationSession.objects.get(status="running")
        in_session = set(
            Beneficiary.objects.filter(state=State.IN_SESSION).values_list("id", flat=True)
        )
        assert in_session == set(
            running.enrolments.filter(status="enrolled").values_list("beneficiary_id", flat=True)
        )
        for state in (State.SEEKING_CONTRACT, State.IN_CONTRACT, State.EXITED):
            people = Beneficiary.objects.filter(state=state)
            assert people.exists()
            assert not people.exclude(enrolments__status="completed").exists(), state
        for e in Enrolment.objects.filter(status="dropped_out").select_related("beneficiary"):
            assert e.beneficiary.state == State.WITHDRAWN


def test_demo_data_is_refused_in_production(settings):
    from django.core.management import CommandError

    settings.DEBUG = False
    with pytest.raises(CommandError, match="Refusing to load demo data"):
        call_command("seed_demo")

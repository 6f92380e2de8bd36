import pytest
from django.core.management import call_command

from mentoring.models import MentoringNote, Mentorship, VolunteerProfile
from thrasos.accounts.models import Organisation
from thrasos.tenancy import tenant_context

pytestmark = pytest.mark.django_db


def test_demo_mentoring(capsys):
    call_command("seed_demo", allow_production=True)
    call_command("seed_demo", allow_production=True)  # idempotent
    total = 0
    for slug in ("hh-urgence", "solidarite-occitanie"):
        with tenant_context(Organisation.objects.get(slug=slug)):
            total += VolunteerProfile.objects.count()
            assert Mentorship.objects.exists()
    assert 10 <= total <= 14
    with tenant_context(Organisation.objects.get(slug="hh-urgence")):
        demo = Mentorship.objects.filter(
            volunteer__membership__user__email="benevole@demo.thrasos.fr"
        )
        assert demo.count() == 2
        assert VolunteerProfile.objects.filter(charter_signed_on__isnull=True).exists()
        open_urgent = MentoringNote.objects.open_alerts().filter(alert_urgency="urgent")
        assert open_urgent.filter(mentorship__in=demo).count() == 1
        assert MentoringNote.objects.alerts().filter(acknowledged_at__isnull=False).exists()
        assert MentoringNote.objects.count() > 50
        for pair in Mentorship.objects.select_related("volunteer", "beneficiary"):
            assert pair.volunteer.territory_id == pair.beneficiary.current_territory_id
            assert pair.beneficiary.state in ("in_contract", "seeking_contract")


@pytest.mark.django_db(databases=["default", "owner"])
def test_scale_adds_volunteers_in_proportion():
    from beneficiaries.demo import seed_scale as seed_case_files
    from beneficiaries.models import Beneficiary
    from mentoring.demo import seed_scale

    seed_case_files(total=600, organisations=1)
    seed_scale(total=600, organisations=1)
    seed_scale(total=600, organisations=1)  # idempotent
    with tenant_context(Organisation.objects.get(slug="charge-01")):
        paired_states = Beneficiary.objects.filter(state__in=["in_contract", "seeking_contract"])
        volunteers = VolunteerProfile.objects.count()
        assert 1 <= volunteers <= max(8, paired_states.count() // 10)
        pairs = Mentorship.objects.select_related("volunteer", "beneficiary")
        assert pairs.exists()
        for pair in pairs:
            assert pair.volunteer.territory_id == pair.beneficiary.current_territory_id
        assert MentoringNote.objects.count() == 6 * pairs.count()

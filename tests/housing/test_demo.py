import pytest
from django.core.management import call_command
from django.utils import timezone

from housing.models import HousingUnit, Occupancy, Place
from thrasos.accounts.models import Organisation
from thrasos.tenancy import tenant_context

pytestmark = pytest.mark.django_db


def test_demo_housing_through_the_services(capsys):
    call_command("seed_demo", allow_production=True)
    call_command("seed_demo", allow_production=True)  # idempotent
    today = timezone.localdate()
    units = places = 0
    for slug in ("hh-urgence", "solidarite-occitanie"):
        with tenant_context(Organisation.objects.get(slug=slug)):
            units += HousingUnit.objects.count()
            places += Place.objects.count()
            if slug == "hh-urgence":
                occupancies = Occupancy.objects.all()
                current = occupancies.current_on(today).count()
                assert (
                    occupancies.filter(actual_end_date__isnull=False)
                    .exclude(destination="")
                    .exists()
                )
                assert occupancies.filter(moved_from__isnull=False).count() == 1
                assert 5 < current < Place.objects.count()  # a few vacancies
    assert units == 25
    assert 50 <= places <= 75


@pytest.mark.django_db(databases=["default", "owner"])
def test_scale_adds_housing_in_proportion():
    from beneficiaries.demo import seed_scale as seed_case_files
    from beneficiaries.models import Beneficiary
    from housing.demo import seed_scale

    seed_case_files(total=600, organisations=1)
    seed_scale(total=600, organisations=1)
    seed_scale(total=600, organisations=1)  # idempotent
    today = timezone.localdate()
    with tenant_context(Organisation.objects.get(slug="charge-01")):
        in_contract = Beneficiary.objects.filter(state="in_contract")
        places = Place.objects.count()
        assert in_contract.count() < places <= in_contract.count() * 1.2 + 8
        current = Occupancy.objects.current_on(today)
        assert current.count() == in_contract.count()
        assert set(current.values_list("beneficiary_id", flat=True)) == set(
            in_contract.values_list("id", flat=True)
        )
        ended = Occupancy.objects.filter(actual_end_date__isnull=False)
        assert ended.exists() and not ended.filter(destination="").exists()
        assert not ended.exclude(beneficiary__state="exited").exists()
        for occupancy in current.select_related("place__unit", "beneficiary")[:50]:
            assert occupancy.place.unit.territory_id == occupancy.beneficiary.current_territory_id
        for occupancy in Occupancy.objects.all()[:50]:
            occupancy.full_clean()

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

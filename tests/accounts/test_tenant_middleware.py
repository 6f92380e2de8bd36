"""The request runs in one transaction inside the tenant, with its database
settings set without savepoints: nothing may leak past the request, and a
failed request keeps none of its writes."""

import pytest
from django.http import HttpResponse
from django.test import RequestFactory

from beneficiaries.models import ReferringOrganisation
from thrasos.accounts.middleware import TenantMiddleware
from thrasos.accounts.models import Role
from thrasos.tenancy import current_organisation_id, tenant_context

pytestmark = pytest.mark.django_db


def _request(user):
    from django.contrib.sessions.backends.db import SessionStore

    request = RequestFactory().get("/")
    request.user = user
    request.session = SessionStore()
    return request


def test_the_tenant_is_entered_for_the_view_then_left(two_tenants):
    a = two_tenants["a"]
    seen = {}

    def view(request):
        seen["organisation"] = current_organisation_id()
        seen["rows"] = ReferringOrganisation.objects.count()
        return HttpResponse()

    with tenant_context(two_tenants["b"]["org"]):
        ReferringOrganisation.objects.create(name="De B", kind="siao")
    TenantMiddleware(view)(_request(a["members"][Role.CASEWORKER].user))
    assert seen == {"organisation": a["org"].pk, "rows": 0}
    # Inside an enclosing transaction (this test) the settings are restored.
    assert current_organisation_id() is None


def test_a_failed_request_keeps_none_of_its_writes(two_tenants):
    a = two_tenants["a"]

    def failing_view(request):
        ReferringOrganisation.objects.create(name="Écrit puis échoué", kind="siao")
        return HttpResponse(status=500)

    def fine_view(request):
        ReferringOrganisation.objects.create(name="Écrit", kind="siao")
        return HttpResponse()

    user = a["members"][Role.CASEWORKER].user
    TenantMiddleware(failing_view)(_request(user))
    TenantMiddleware(fine_view)(_request(user))
    with tenant_context(a["org"]):
        assert list(ReferringOrganisation.objects.values_list("name", flat=True)) == ["Écrit"]

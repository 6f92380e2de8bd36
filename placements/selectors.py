"""Reads of the placements module, always from the member's scope."""

import datetime

from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone

from thrasos import permissions

from .models import (
    AlternanceContract,
    Employer,
    FollowUp,
    ProfessionalProject,
    TrainingOrganisation,
)


def _check(membership) -> None:
    # Volunteers and managers: no individual contract, whatever the id.
    if not permissions.can_view_placements(membership):
        raise Http404


def employers_for(membership):
    _check(membership)
    return Employer.objects.select_related("sector")


def training_organisations_for(membership):
    _check(membership)
    return TrainingOrganisation.objects.all()


def employer_get(membership, pk: int) -> Employer:
    return get_object_or_404(employers_for(membership), pk=pk)


def training_organisation_get(membership, pk: int) -> TrainingOrganisation:
    return get_object_or_404(training_organisations_for(membership), pk=pk)


def contracts_for(membership):
    """Caseworkers the contracts of the people of their territories; admins
    and coordinators all of the organisation's."""
    _check(membership)
    return AlternanceContract.objects.in_territories(
        permissions.territory_ids(membership)
    ).select_related("beneficiary", "employer", "training_organisation", "opco", "diploma_level")


def contract_get(membership, pk: int) -> AlternanceContract:
    return get_object_or_404(contracts_for(membership), pk=pk)


def projects_for(membership):
    _check(membership)
    return ProfessionalProject.objects.in_territories(
        permissions.territory_ids(membership)
    ).select_related("beneficiary", "sector", "diploma_level")


def project_get(membership, pk: int) -> ProfessionalProject:
    return get_object_or_404(projects_for(membership), pk=pk)


def follow_ups_for(membership):
    _check(membership)
    queryset = FollowUp.objects.select_related("beneficiary")
    ids = permissions.territory_ids(membership)
    if ids is not None:
        queryset = queryset.filter(beneficiary__current_territory_id__in=ids)
    return queryset


def follow_up_get(membership, pk: int) -> FollowUp:
    return get_object_or_404(follow_ups_for(membership), pk=pk)


def apply_contract_filters(queryset, data: dict):
    """The contracts list's filters, for the page, the export and the API."""
    today = timezone.localdate()
    if data.get("status"):
        queryset = queryset.filter(status=data["status"])
    if data.get("employer"):
        queryset = queryset.filter(employer=data["employer"])
    if data.get("training_organisation"):
        queryset = queryset.filter(training_organisation=data["training_organisation"])
    if data.get("territory"):
        queryset = queryset.filter(beneficiary__current_territory=data["territory"])
    if data.get("trial_ending"):
        queryset = queryset.in_force().filter(
            trial_period_end__gte=today, trial_period_end__lte=today + datetime.timedelta(days=30)
        )
    if data.get("ending"):
        queryset = queryset.in_force().filter(
            end_date__gte=today, end_date__lte=today + datetime.timedelta(days=60)
        )
    return queryset


def apply_partner_filters(queryset, data: dict, *, employers: bool):
    queryset = queryset.search(data.get("q") or "")
    if data.get("region"):
        queryset = queryset.in_region(data["region"])
    if employers and data.get("sector"):
        queryset = queryset.filter(sector=data["sector"])
    return queryset


def partner_links(membership, partner) -> dict:
    """The contracts (in the member's scope) and projects linked to a partner."""
    field = "employer" if isinstance(partner, Employer) else "training_organisation"
    contracts = list(contracts_for(membership).filter(**{field: partner}).order_by("-start_date"))
    projects = []
    if isinstance(partner, Employer):
        ids = {c.project_id for c in contracts if c.project_id}
        projects = list(projects_for(membership).filter(pk__in=ids))
    return {"contracts": contracts, "projects": projects}

"""Reads of the placements module, always from the member's scope."""

import datetime

from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone

from beneficiaries.models import Beneficiary
from thrasos import permissions
from thrasos.accounts.models import Territory

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


# What a row of the contracts list reads: no other column.
CONTRACT_LIST_COLUMNS = (
    "id",
    "organisation_id",
    "beneficiary_id",
    "employer_id",
    "training_organisation_id",
    "status",
    "diploma_result",
    "start_date",
    "end_date",
    "trial_period_end",
)


def contract_list_rows(queryset):
    """The contracts list's rows, their people, territories and partners
    read by prefetch after the page's LIMIT (joined before it, the planner,
    misled by row-level security's filters on every table, sorted every
    contract of the organisation), each with the columns the list shows."""
    return (
        queryset.select_related(None)
        .only(*CONTRACT_LIST_COLUMNS)
        .prefetch_related(
            Prefetch(
                "beneficiary",
                Beneficiary.objects.only(
                    "id", "organisation_id", "last_name", "first_name", "current_territory_id"
                ).prefetch_related(
                    Prefetch("current_territory", Territory.objects.only("id", "name"))
                ),
            ),
            Prefetch("employer", Employer.objects.only("id", "organisation_id", "name")),
            Prefetch(
                "training_organisation",
                TrainingOrganisation.objects.only("id", "organisation_id", "name"),
            ),
        )
    )


def label_contract_rows(membership, rows) -> None:
    """Give each row of the contracts list its case-file link (only where the
    member opens that case file: thrasos.permissions.opens_case_file_in),
    employer link and labels, worked out once per page rather than once per
    row in the template (a template tag, reverse() and choice lookups)."""
    if not rows:
        return
    case_file = reverse("beneficiaries:detail", args=[0]).removesuffix("0/")
    employer = reverse("placements:employer_detail", args=[0]).removesuffix("0/")
    statuses = {value: str(label) for value, label in AlternanceContract.Status.choices}
    results = {
        value: str(label)
        for value, label in AlternanceContract._meta.get_field("diploma_result").choices
    }
    for c in rows:
        person = c.beneficiary
        c.case_file_href = (
            f"{case_file}{person.pk}/#placements"
            if permissions.opens_case_file_in(membership, person.current_territory_id)
            else ""
        )
        c.employer_href = f"{employer}{c.employer_id}/"
        c.status_label = statuses.get(c.status, c.status)
        c.diploma_result_label = results.get(c.diploma_result, c.diploma_result)


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

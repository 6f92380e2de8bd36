"""What the placements module adds to a case file: the professional project,
the contracts and the follow-ups after exit, and their timeline events.
Called by beneficiaries.extensions after the case file's access check."""

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from beneficiaries.extensions import CaseFileSection
from beneficiaries.pathway import State, WithdrawalReason, is_positive_exit
from sessions.models import Activity, ActivityKind, Enrolment
from thrasos import permissions
from thrasos.core.dates import moment_of

from .models import AlternanceContract, FollowUp, ProfessionalProject

TIMELINE_TEMPLATE = "placements/includes/_timeline.html"


def _data(beneficiary) -> dict:
    # The section and the timeline read the same rows: once per page.
    if not hasattr(beneficiary, "_placements"):
        beneficiary._placements = {
            "projects": list(
                ProfessionalProject.objects.filter(beneficiary=beneficiary).select_related(
                    "sector", "diploma_level"
                )
            ),
            "contracts": list(
                AlternanceContract.objects.filter(beneficiary=beneficiary).select_related(
                    "employer", "training_organisation", "opco"
                )
            ),
            "follow_ups": list(FollowUp.objects.filter(beneficiary=beneficiary)),
        }
    return beneficiary._placements


def platform_visits(beneficiary) -> list:
    """Technical-platform visits of the sessions the person took part in,
    shown beside the project."""
    sessions = (
        Enrolment.objects.filter(beneficiary=beneficiary)
        .exclude(status=Enrolment.Status.REMOVED)
        .values("session_id")
    )
    return list(
        Activity.objects.filter(
            kind=ActivityKind.PLATFORM_VISIT, cancelled_at__isnull=True, session_id__in=sessions
        ).order_by("date", "start_time")[:20]
    )


def section_context(beneficiary, membership) -> dict:
    if not permissions.can_view_placements(membership):
        return {"placements": None}
    data = _data(beneficiary)
    current = next((p for p in data["projects"] if p.status != "abandoned"), None)
    exited = beneficiary.state == State.EXITED
    return {
        "placements": {
            **data,
            "current_project": current,
            "visits": platform_visits(beneficiary),
            "contract_in_force": next((c for c in data["contracts"] if c.in_force), None),
            "may_manage": permissions.can_manage_placements(membership),
            "exited": exited,
            "positive_exit": is_positive_exit(beneficiary.exit_employment, beneficiary.exit_housing)
            if exited
            else None,
            "follow_up_outcomes": [
                (f, is_positive_exit(f.employment, f.housing)) for f in data["follow_ups"]
            ],
            "may_sign": beneficiary.state == State.SEEKING_CONTRACT,
            "today": timezone.localdate(),
            "broken_by_choices": AlternanceContract.BrokenBy.choices,
            "withdrawal_choices": WithdrawalReason.choices,
            "result_choices": AlternanceContract.Result.choices,
        }
    }


SECTION = CaseFileSection(
    template="placements/includes/_case_file_section.html",
    context=section_context,
    order=20,
    anchor="alternance",
    title=_("Work-study"),
)


def _event(at, event: str, obj) -> dict:
    return {
        "at": at,
        "kind": "placement",
        "object": {"event": event, "item": obj},
        "template": TIMELINE_TEMPLATE,
    }


def timeline_events(beneficiary, membership):
    if not permissions.can_view_placements(membership):
        return
    data = _data(beneficiary)
    for project in data["projects"]:
        yield _event(moment_of(project.started_on, project.created_at), "project_started", project)
        if project.validated_on:
            yield _event(moment_of(project.validated_on), "project_validated", project)
        if project.abandoned_on:
            yield _event(moment_of(project.abandoned_on), "project_abandoned", project)
    for contract in data["contracts"]:
        yield _event(
            moment_of(contract.signed_on, contract.created_at), "contract_signed", contract
        )
        if contract.status != "signed" and contract.start_date <= (
            contract.broken_on or contract.completed_on or contract.start_date
        ):
            yield _event(moment_of(contract.start_date), "contract_started", contract)
        if contract.broken_on:
            yield _event(moment_of(contract.broken_on), "contract_broken", contract)
        if contract.completed_on:
            yield _event(moment_of(contract.completed_on), "contract_completed", contract)
    for follow_up in data["follow_ups"]:
        if follow_up.observed_on:
            yield _event(moment_of(follow_up.observed_on), "follow_up", follow_up)

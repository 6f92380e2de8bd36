"""Every write of the placements module goes through these functions. The
pathway moves only through beneficiaries.services.beneficiary_transition."""

import datetime

from django.core.exceptions import ValidationError
from django.db import IntegrityError, OperationalError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from beneficiaries.models import Beneficiary
from beneficiaries.pathway import State
from beneficiaries.services import TransitionRequest, beneficiary_transition
from thrasos.accounts.models import User
from thrasos.core.dates import moment_of
from thrasos.core.db import is_lock_conflict
from thrasos.core.validators import validate_fields

from .models import (
    DEFAULT_DIPLOMA_LEVELS,
    DEFAULT_OPCOS,
    DEFAULT_SECTORS,
    AlternanceContract,
    DiplomaLevel,
    Employer,
    FollowUp,
    Opco,
    PartnerContact,
    ProfessionalProject,
    Sector,
    TrainingOrganisation,
    add_months,
    default_trial_period_end,
)
from .validators import compact

# --- referentials


def referentials_seed_defaults(organisation=None) -> None:
    """Sectors in tension, diploma levels and the 11 OPCOs of a new
    organisation, inside its tenant (registered as an organisation default)."""
    if not Sector.objects.exists():
        Sector.objects.bulk_create(
            Sector(name=str(name), position=i) for i, name in enumerate(DEFAULT_SECTORS)
        )
    if not DiplomaLevel.objects.exists():
        DiplomaLevel.objects.bulk_create(
            DiplomaLevel(level=level, name=str(name)) for level, name in DEFAULT_DIPLOMA_LEVELS
        )
    if not Opco.objects.exists():
        Opco.objects.bulk_create(Opco(name=name) for name in DEFAULT_OPCOS)


@transaction.atomic
def referential_save(*, actor: User, instance, data: dict):
    """Create or rename an entry of a referential (sector, diploma level, OPCO)."""
    for field, value in data.items():
        setattr(instance, field, value.strip() if isinstance(value, str) else value)
    instance.full_clean(exclude=["organisation"])
    duplicate = type(instance).objects.filter(name__iexact=instance.name).exclude(pk=instance.pk)
    if duplicate.exists():
        raise ValidationError({"name": _("This name is already in the list.")})
    try:
        with transaction.atomic():
            instance.save()
    except IntegrityError as error:  # the same name saved meanwhile
        raise ValidationError({"name": _("This name is already in the list.")}) from error
    return instance


# --- partner directory

CONTACT_FIELDS = ("name", "role", "phone", "email")


def _clean_partner(partner) -> None:
    partner.siret = compact(partner.siret)
    if hasattr(partner, "uai"):
        partner.uai = compact(partner.uai).upper()
    partner.regions = sorted(set(partner.regions or []))
    partner.full_clean(exclude=["organisation", "search_text"])


def _save_unique(partner) -> None:
    """The database refuses a duplicate SIRET (a race past full_clean)."""
    try:
        with transaction.atomic():
            partner.save()
    except IntegrityError as error:
        if "siret" in str(error):
            raise ValidationError(
                {"siret": _("A partner with this SIRET is already in the directory.")}
            ) from error
        raise


def _set_contacts(partner, contacts: list[dict] | None, field: str) -> None:
    if contacts is None:
        return
    rows = []
    for data in contacts:
        data = {k: (data.get(k) or "").strip() for k in CONTACT_FIELDS}
        if not any(data.values()):
            continue
        contact = PartnerContact(**{field: partner}, **data)
        contact.full_clean(exclude=["organisation", "employer", "training_organisation"])
        rows.append(contact)
    PartnerContact.objects.filter(**{field: partner}).delete()
    PartnerContact.objects.bulk_create(rows)


@transaction.atomic
def employer_create(*, actor: User, data: dict, contacts: list[dict] | None = None) -> Employer:
    employer = Employer(**data)
    _clean_partner(employer)
    _save_unique(employer)
    _set_contacts(employer, contacts, "employer")
    return employer


@transaction.atomic
def employer_update(
    *, actor: User, employer: Employer, data: dict, contacts: list[dict] | None = None
) -> Employer:
    data.pop("organisation", None)
    for field, value in data.items():
        setattr(employer, field, value)
    _clean_partner(employer)
    _save_unique(employer)
    _set_contacts(employer, contacts, "employer")
    return employer


@transaction.atomic
def training_organisation_create(
    *, actor: User, data: dict, contacts: list[dict] | None = None
) -> TrainingOrganisation:
    organisation = TrainingOrganisation(**data)
    _clean_partner(organisation)
    _save_unique(organisation)
    _set_contacts(organisation, contacts, "training_organisation")
    return organisation


@transaction.atomic
def training_organisation_update(
    *,
    actor: User,
    training_organisation: TrainingOrganisation,
    data: dict,
    contacts: list[dict] | None = None,
) -> TrainingOrganisation:
    data.pop("organisation", None)
    for field, value in data.items():
        setattr(training_organisation, field, value)
    _clean_partner(training_organisation)
    _save_unique(training_organisation)
    _set_contacts(training_organisation, contacts, "training_organisation")
    return training_organisation


# --- professional project


def _locked_person(beneficiary: Beneficiary) -> Beneficiary:
    return Beneficiary.objects.select_for_update().get(pk=beneficiary.pk)


@transaction.atomic
def project_create(*, actor: User, beneficiary: Beneficiary, data: dict) -> ProfessionalProject:
    person = _locked_person(beneficiary)
    if person.state in (State.EXITED, State.NOT_ADMITTED, State.WITHDRAWN):
        raise ValidationError(_("This person has left the programme."))
    data = {"started_on": timezone.localdate(), **data}
    if ProfessionalProject.objects.filter(beneficiary=person).exclude(status="abandoned").exists():
        raise ValidationError(_("This person already has a current project."))
    project = ProfessionalProject(beneficiary=person, **data)
    project.status = ProfessionalProject.Status.IN_PROGRESS
    project.target_regions = sorted(set(project.target_regions or []))
    project.full_clean(exclude=["organisation"])
    project.save()
    return project


@transaction.atomic
def project_update(*, actor: User, project: ProfessionalProject, data: dict) -> ProfessionalProject:
    for protected in ("status", "beneficiary", "organisation", "validated_on", "abandoned_on"):
        data.pop(protected, None)
    for field, value in data.items():
        setattr(project, field, value)
    project.target_regions = sorted(set(project.target_regions or []))
    project.full_clean(exclude=["organisation"])
    project.save()
    return project


@transaction.atomic
def project_validate(
    *, actor: User, project: ProfessionalProject, on: datetime.date | None = None
) -> ProfessionalProject:
    """Validating the project is what moves a person in session to
    `seeking_contract` (SPEC §4); a person already past that stage (a new
    project after a break) keeps their stage."""
    project = ProfessionalProject.objects.select_for_update().get(pk=project.pk)
    if project.status != ProfessionalProject.Status.IN_PROGRESS:
        raise ValidationError(_("Only a project in progress can be validated."))
    on = on or timezone.localdate()
    if on > timezone.localdate():
        raise ValidationError({"on": _("A project cannot be validated in the future.")})
    if on < project.started_on:
        raise ValidationError({"on": _("A project cannot be validated before it started.")})
    person = _locked_person(project.beneficiary)
    if person.state == State.IN_SESSION:
        beneficiary_transition(
            actor=actor,
            beneficiary=person,
            request=TransitionRequest(
                to_state=State.SEEKING_CONTRACT,
                comment=_("Professional project validated: %(job)s") % {"job": project.target_job},
                at=moment_of(on),
            ),
        )
    elif person.state not in (State.SEEKING_CONTRACT, State.IN_CONTRACT):
        raise ValidationError(
            _(
                "A project is validated during or after the preparation session "
                "(the person is “%(state)s”)."
            )
            % {"state": State(person.state).label}
        )
    project.status = ProfessionalProject.Status.VALIDATED
    project.validated_on = on
    project.save(update_fields=["status", "validated_on"])
    return project


@transaction.atomic
def project_abandon(
    *, actor: User, project: ProfessionalProject, on: datetime.date | None = None, comment: str = ""
) -> ProfessionalProject:
    project = ProfessionalProject.objects.select_for_update().get(pk=project.pk)
    if project.status == ProfessionalProject.Status.ABANDONED:
        raise ValidationError(_("This project is already abandoned."))
    on = on or timezone.localdate()
    if on > timezone.localdate() or on < project.started_on:
        raise ValidationError({"on": _("Give a date between the start of the project and today.")})
    project.status = ProfessionalProject.Status.ABANDONED
    project.abandoned_on = on
    if comment.strip():
        project.comment = comment.strip()
    validate_fields(project, "comment")
    project.save(update_fields=["status", "abandoned_on", "comment"])
    return project


# --- alternance contract


def trial_period_proposal(kind: str, start: datetime.date, end: datetime.date) -> datetime.date:
    return default_trial_period_end(kind, start, end)


def _save_contract(contract: AlternanceContract) -> None:
    """The exclusion constraint is the wall; its refusal becomes a message.

    Two requests inserting overlapping contracts at the same moment can each
    wait for the other: PostgreSQL then cancels one (deadlock detected). That
    one is retried once, after its savepoint is rolled back: by then the other
    has committed or given up, so the retry either saves or meets the
    constraint. A second lock conflict is refused in French, never a 500."""
    refused = _("This person already has a contract in force over these dates.")
    for attempt in (1, 2):
        try:
            with transaction.atomic():
                contract.save()
            return
        except IntegrityError as error:
            if "placements_one_contract_in_force" in str(error):
                raise ValidationError(refused) from error
            raise
        except OperationalError as error:
            if not is_lock_conflict(error):
                raise
            if attempt == 2:
                raise ValidationError(
                    _(
                        "Another contract was being recorded for this person at the same "
                        "moment: reload the case file and check before trying again."
                    )
                ) from error


@transaction.atomic
def contract_sign(*, actor: User, beneficiary: Beneficiary, data: dict) -> AlternanceContract:
    """Record a signed contract: the person seeking a contract moves to
    `in_contract`. The trial period's end is proposed when not given."""
    person = _locked_person(beneficiary)
    if person.state != State.SEEKING_CONTRACT:
        raise ValidationError(
            _(
                "A contract is recorded for a person whose project is validated and who is seeking "
                "a work-study contract (the person is “%(state)s”)."
            )
            % {"state": State(person.state).label}
        )
    data = dict(data)
    data.setdefault("signed_on", timezone.localdate())
    if not data.get("signed_on"):
        data["signed_on"] = timezone.localdate()
    contract = AlternanceContract(beneficiary=person, **data)
    if not contract.trial_period_end and contract.start_date and contract.end_date:
        contract.trial_period_end = default_trial_period_end(
            contract.kind, contract.start_date, contract.end_date
        )
    if contract.project_id is None:
        contract.project = person.projects.exclude(status="abandoned").first()
    contract.status = AlternanceContract.Status.SIGNED
    contract.diploma_result = AlternanceContract.Result.PENDING
    if contract.signed_on and contract.signed_on > timezone.localdate():
        raise ValidationError({"signed_on": _("A signature cannot be in the future.")})
    contract.full_clean(exclude=["organisation"])
    _save_contract(contract)
    beneficiary_transition(
        actor=actor,
        beneficiary=person,
        request=TransitionRequest(
            to_state=State.IN_CONTRACT,
            comment=_("Contract signed with %(employer)s") % {"employer": contract.employer.name},
            at=max(moment_of(contract.signed_on), person.state_changed_at),
        ),
    )
    return contract


@transaction.atomic
def contract_update(*, actor: User, contract: AlternanceContract, data: dict) -> AlternanceContract:
    """Correct the contract's terms; its status has its own services."""
    contract = AlternanceContract.objects.select_for_update().get(pk=contract.pk)
    for protected in (
        "status",
        "beneficiary",
        "organisation",
        "broken_on",
        "broken_by",
        "break_reason",
        "completed_on",
        "diploma_result",
    ):
        data.pop(protected, None)
    for field, value in data.items():
        setattr(contract, field, value)
    if not contract.trial_period_end and contract.start_date and contract.end_date:
        contract.trial_period_end = default_trial_period_end(
            contract.kind, contract.start_date, contract.end_date
        )
    contract.full_clean(exclude=["organisation"])
    _save_contract(contract)
    return contract


def _locked_contract(contract: AlternanceContract) -> AlternanceContract:
    return AlternanceContract.objects.select_for_update().get(pk=contract.pk)


def _check_day(on: datetime.date, contract: AlternanceContract, field: str = "on") -> None:
    if on > timezone.localdate():
        raise ValidationError({field: _("This date cannot be in the future.")})
    if on < contract.start_date:
        raise ValidationError({field: _("This date is before the start of the contract.")})


@transaction.atomic
def contract_start(*, actor: User, contract: AlternanceContract) -> AlternanceContract:
    contract = _locked_contract(contract)
    if contract.status != AlternanceContract.Status.SIGNED:
        raise ValidationError(_("Only a signed contract can start."))
    if contract.start_date > timezone.localdate():
        raise ValidationError(
            _("The contract starts on %(date)s: it can be marked as started from that day.")
            % {"date": contract.start_date.strftime("%d/%m/%Y")}
        )
    contract.status = AlternanceContract.Status.IN_PROGRESS
    contract.save(update_fields=["status"])
    return contract


@transaction.atomic
def contract_break(
    *,
    actor: User,
    contract: AlternanceContract,
    on: datetime.date,
    broken_by: str,
    reason: str,
    withdraw: bool = False,
    withdrawal_reason: str = "",
) -> AlternanceContract:
    """A broken contract returns the person to `seeking_contract` (the break
    is in the timeline), unless they leave the programme (`withdraw`)."""
    contract = _locked_contract(contract)
    if not contract.in_force:
        raise ValidationError(_("Only a contract in force can be broken."))
    errors = {}
    if broken_by not in AlternanceContract.BrokenBy.values:
        errors["broken_by"] = _("Say who ended the contract.")
    if not (reason or "").strip():
        errors["reason"] = _("Give the reason for the break.")
    if on is None:
        errors["on"] = _("Give the date of the break.")
    if errors:
        raise ValidationError(errors)
    if on > timezone.localdate():
        raise ValidationError({"on": _("A break cannot be recorded in the future.")})
    if on < contract.signed_on:
        raise ValidationError({"on": _("A break cannot be before the signature.")})
    if on > contract.end_date:
        raise ValidationError({"on": _("This date is after the end of the contract.")})
    if broken_by == AlternanceContract.BrokenBy.TRIAL and on > contract.trial_period_end:
        raise ValidationError(
            {
                "broken_by": _("The trial period ended on %(date)s.")
                % {"date": contract.trial_period_end.strftime("%d/%m/%Y")}
            }
        )
    contract.status = AlternanceContract.Status.BROKEN
    contract.broken_on = on
    contract.broken_by = broken_by
    contract.break_reason = reason.strip()
    validate_fields(contract, "break_reason")
    contract.save(update_fields=["status", "broken_on", "broken_by", "break_reason"])
    person = _locked_person(contract.beneficiary)
    if person.state == State.IN_CONTRACT:
        at = moment_of(on)
        at = max(at, person.state_changed_at)
        beneficiary_transition(
            actor=actor,
            beneficiary=person,
            request=TransitionRequest(
                to_state=State.WITHDRAWN if withdraw else State.SEEKING_CONTRACT,
                reason=withdrawal_reason if withdraw else "",
                comment=_("Contract with %(employer)s broken: %(reason)s")
                % {"employer": contract.employer.name, "reason": contract.break_reason},
                at=at,
            ),
        )
    return contract


@transaction.atomic
def contract_complete(
    *, actor: User, contract: AlternanceContract, on: datetime.date | None = None
) -> AlternanceContract:
    contract = _locked_contract(contract)
    if contract.status != AlternanceContract.Status.IN_PROGRESS:
        raise ValidationError(_("Only a contract in progress can be completed."))
    on = on or min(contract.end_date, timezone.localdate())
    _check_day(on, contract)
    contract.status = AlternanceContract.Status.COMPLETED
    contract.completed_on = on
    contract.save(update_fields=["status", "completed_on"])
    return contract


@transaction.atomic
def contract_record_result(
    *,
    actor: User,
    contract: AlternanceContract,
    result: str,
    exam_date: datetime.date | None = None,
) -> AlternanceContract:
    contract = _locked_contract(contract)
    if result not in AlternanceContract.Result.values:
        raise ValidationError({"result": _("Choose the diploma result.")})
    if contract.status == AlternanceContract.Status.SIGNED:
        raise ValidationError(_("The contract has not started yet."))
    if exam_date is not None:
        contract.exam_date = exam_date
    if result != AlternanceContract.Result.PENDING and (
        contract.exam_date is None or contract.exam_date > timezone.localdate()
    ):
        raise ValidationError({"exam_date": _("A result comes after the exam: give its date.")})
    contract.diploma_result = result
    contract.full_clean(exclude=["organisation"])
    contract.save(update_fields=["diploma_result", "exam_date"])
    return contract


# --- follow-ups after exit


def follow_ups_schedule(*, beneficiary: Beneficiary, exited_on: datetime.date) -> list[FollowUp]:
    """The 6- and 12-month follow-ups, created at exit (idempotent)."""
    rows = [
        FollowUp(beneficiary=beneficiary, months_after_exit=m, due_on=add_months(exited_on, m))
        for m in (6, 12)
    ]
    existing = set(
        FollowUp.objects.filter(beneficiary=beneficiary).values_list("months_after_exit", flat=True)
    )
    return FollowUp.objects.bulk_create(r for r in rows if r.months_after_exit not in existing)


def _refuse_leaving_with_a_contract_in_force(beneficiary: Beneficiary, to_state: str) -> None:
    """A person does not leave the programme (exit, withdrawal, not admitted)
    with a contract still signed or in progress in the record: what happened
    to the contract is a fact the caseworker states (completed, or broken by
    whom and why), never a guess made for them. The refusal rolls the stage
    change back and says which action to take first; a break that ticks “The
    person leaves the programme” does both in one step."""
    if to_state not in (State.EXITED, State.WITHDRAWN, State.NOT_ADMITTED):
        return
    contract = (
        AlternanceContract.objects.in_force()
        .filter(beneficiary=beneficiary)
        .select_related("employer")
        .first()
    )
    if contract is None:
        return
    values = {"employer": contract.employer.name, "status": contract.get_status_display()}
    if to_state == State.EXITED:
        message = _(
            "The contract with %(employer)s is still “%(status)s”: record its completion "
            "(or its break) on the contract before the exit."
        )
    else:
        message = _(
            "The contract with %(employer)s is still “%(status)s”: record its break on the "
            "contract, ticking “The person leaves the programme”."
        )
    raise ValidationError(message % values, code="contract_in_force")


def on_pathway_changed(sender, *, beneficiary, transition, actor, **kwargs) -> None:
    _refuse_leaving_with_a_contract_in_force(beneficiary, transition.to_state)
    if transition.to_state == State.EXITED:
        follow_ups_schedule(
            beneficiary=beneficiary, exited_on=timezone.localtime(transition.at).date()
        )


@transaction.atomic
def follow_up_record(*, actor: User, follow_up: FollowUp, data: dict) -> FollowUp:
    """The situation observed, or “unreachable” (then no situation)."""
    follow_up = FollowUp.objects.select_for_update().get(pk=follow_up.pk)
    for field in ("observed_on", "method", "employment", "housing", "comment"):
        if field in data:
            setattr(follow_up, field, data[field] or ("" if field != "observed_on" else None))
    errors = {}
    if follow_up.observed_on is None:
        errors["observed_on"] = _("Give the date of the follow-up.")
    elif follow_up.observed_on > timezone.localdate():
        errors["observed_on"] = _("A follow-up cannot be recorded in the future.")
    if not follow_up.method:
        errors["method"] = _(
            "Say how the situation was obtained, or that the person was unreachable."
        )
    elif follow_up.method == FollowUp.Method.UNREACHABLE:
        follow_up.employment = follow_up.housing = ""
    else:
        if not follow_up.employment:
            errors["employment"] = _("Give the employment situation.")
        if not follow_up.housing:
            errors["housing"] = _("Give the housing situation.")
    if errors:
        raise ValidationError(errors)
    follow_up.recorded_by = actor
    follow_up.full_clean(exclude=["organisation"])
    follow_up.save()
    return follow_up

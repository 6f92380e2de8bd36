"""Every write on a case file goes through these functions."""

import datetime
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from beneficiaries import pathway, selectors
from beneficiaries.models import (
    Beneficiary,
    BeneficiaryReferent,
    CaseNote,
    PathwayTransition,
    PrerequisiteCheck,
    TerritoryMove,
    normalise_name,
)
from beneficiaries.pathway import State
from beneficiaries.signals import pathway_changed
from thrasos.accounts.models import Membership, Territory, User
from thrasos.core.dates import moment_of
from thrasos.core.validators import validate_fields


def possible_duplicates(*, last_name: str, first_name: str, birth_date, exclude_pk=None):
    """Same normalised names (either order) and same date of birth."""
    names = {
        f"{normalise_name(last_name)} {normalise_name(first_name)}".strip(),
        f"{normalise_name(first_name)} {normalise_name(last_name)}".strip(),
    }
    found = Beneficiary.objects.filter(birth_date=birth_date, search_last_first__in=names)
    if exclude_pk:
        found = found.exclude(pk=exclude_pk)
    return found


@transaction.atomic
def beneficiary_create(
    *, actor: User, data: dict, referents: list[Membership] = (), allow_duplicate: bool = False
) -> Beneficiary:
    """Create a case file in the `referred` state. Refuses a probable
    duplicate unless `allow_duplicate` (the user saw the warning)."""
    beneficiary = Beneficiary(**data)
    beneficiary.full_clean(exclude=["organisation", "search_last_first", "search_first_last"])
    if (
        not allow_duplicate
        and possible_duplicates(
            last_name=beneficiary.last_name,
            first_name=beneficiary.first_name,
            birth_date=beneficiary.birth_date,
        ).exists()
    ):
        raise ValidationError(
            _("A person with the same name and date of birth already has a case file."),
            code="duplicate",
        )
    # Referred on the referral date (recorded afterwards, often).
    referred_at = moment_of(beneficiary.referral_date)
    beneficiary.state = State.REFERRED
    beneficiary.state_changed_at = referred_at
    beneficiary.save()
    PathwayTransition.objects.create(
        beneficiary=beneficiary, from_state="", to_state=State.REFERRED, actor=actor, at=referred_at
    )
    TerritoryMove.objects.create(
        beneficiary=beneficiary,
        from_territory=None,
        to_territory=beneficiary.current_territory,
        moved_on=beneficiary.referral_date,
        actor=actor,
    )
    BeneficiaryReferent.objects.bulk_create(
        BeneficiaryReferent(beneficiary=beneficiary, membership=m) for m in referents
    )
    return beneficiary


@transaction.atomic
def beneficiary_update(*, actor: User, beneficiary: Beneficiary, data: dict) -> Beneficiary:
    """Edit the record. The pathway state and the territory have their own
    services (dated events)."""
    for protected in ("state", "current_territory", "organisation"):
        data.pop(protected, None)
    for field, value in data.items():
        setattr(beneficiary, field, value)
    beneficiary.full_clean(exclude=["organisation", "search_last_first", "search_first_last"])
    beneficiary.save()
    return beneficiary


@dataclass(frozen=True)
class TransitionRequest:
    to_state: str
    comment: str = ""
    reason: str = ""
    exit_employment: str = ""
    exit_housing: str = ""
    at: datetime.datetime | None = None  # when it happened; default now
    # The actor saw that prerequisites are not met or still to check and moves
    # on anyway (pathway.GUARDED_BY_PREREQUISITES); needs a comment.
    confirm_prerequisites: bool = False


def _unmet_summary(unmet: list) -> str:
    labels = dict(PrerequisiteCheck.Status.choices)
    return ", ".join(f"{item.label} ({str(labels[status]).lower()})" for item, status in unmet)


def _guard_prerequisites(beneficiary: Beneficiary, request: TransitionRequest) -> str:
    """Refuses a guarded move while prerequisites are not met, unless
    confirmed with a comment; returns what to record with the stage (the
    items not met at that moment), or "" when the checklist is complete."""
    if request.to_state not in pathway.GUARDED_BY_PREREQUISITES:
        return ""
    rows = selectors.checklist(beneficiary)
    unmet = selectors.unmet_prerequisites(rows)
    if not unmet:
        return ""
    summary = _unmet_summary(unmet)
    if not request.confirm_prerequisites:
        raise ValidationError(
            {
                "confirm_prerequisites": _(
                    "%(count)s of %(total)s prerequisites are not met or still to check "
                    "(%(items)s). To move on anyway, confirm it and explain why in the comment."
                )
                % {"count": len(unmet), "total": len(rows), "items": summary}
            },
            code="unmet_prerequisites",
        )
    if not request.comment.strip():
        raise ValidationError(
            {
                "comment": _(
                    "Explain why the person moves on although prerequisites are not met "
                    "or still to check."
                )
            },
            code="unmet_prerequisites_comment",
        )
    return _("Confirmed with prerequisites not met or still to check: %(items)s.") % {
        "items": summary
    }


@transaction.atomic
def beneficiary_transition(
    *, actor: User, beneficiary: Beneficiary, request: TransitionRequest
) -> PathwayTransition:
    """Move along the pathway. Only the transitions of pathway.ALLOWED are
    accepted; the others are refused with a message saying why."""
    locked = Beneficiary.objects.select_for_update().get(pk=beneficiary.pk)
    target = request.to_state
    if target not in State.values:
        raise ValidationError(_("Unknown pathway state."), code="unknown_state")
    if target not in pathway.ALLOWED[locked.state]:
        raise ValidationError(
            _("A person who is “%(current)s” cannot become “%(target)s”.")
            % {"current": State(locked.state).label, "target": State(target).label},
            code="illegal_transition",
        )
    if target == State.NOT_ADMITTED and request.reason not in pathway.NotAdmittedReason.values:
        raise ValidationError({"reason": _("Give the reason why the person is not admitted.")})
    if target == State.WITHDRAWN and request.reason not in pathway.WithdrawalReason.values:
        raise ValidationError({"reason": _("Give the reason for the withdrawal.")})
    if target == State.EXITED:
        errors = {}
        if request.exit_employment not in pathway.EmploymentOutcome.values:
            errors["exit_employment"] = _("Give the employment situation at exit.")
        if request.exit_housing not in pathway.HousingOutcome.values:
            errors["exit_housing"] = _("Give the housing situation at exit.")
        if errors:
            raise ValidationError(errors)
    at = request.at or timezone.now()
    if at > timezone.now() + datetime.timedelta(minutes=5):
        raise ValidationError({"at": _("A stage cannot be recorded in the future.")})
    if at < locked.state_changed_at:
        raise ValidationError(
            {
                "at": _("This date is before the current stage (%(date)s).")
                % {"date": timezone.localtime(locked.state_changed_at).strftime("%d/%m/%Y")}
            }
        )
    confirmed = _guard_prerequisites(locked, request)
    transition = PathwayTransition(
        beneficiary=locked,
        at=at,
        from_state=locked.state,
        to_state=target,
        actor=actor,
        comment=request.comment.strip(),
        reason=request.reason if target in pathway.NEEDS_REASON else "",
    )
    validate_fields(transition, "comment")
    if confirmed:
        # Kept with the stage: the override, and what was missing then.
        limit = PathwayTransition._meta.get_field("comment").max_length
        transition.reason = pathway.PREREQUISITES_CONFIRMED
        transition.comment = f"{transition.comment}\n\n{confirmed}"
        if len(transition.comment) > limit:
            transition.comment = transition.comment[: limit - 1] + "…"
    transition.save()
    locked.state = target
    locked.state_changed_at = transition.at
    if target == State.NOT_ADMITTED:
        locked.not_admitted_reason = request.reason
    elif target == State.WITHDRAWN:
        locked.withdrawal_reason = request.reason
    elif target == State.EXITED:
        locked.exit_employment = request.exit_employment
        locked.exit_housing = request.exit_housing
    locked.save()
    pathway_changed.send(sender=Beneficiary, beneficiary=locked, transition=transition, actor=actor)
    beneficiary.refresh_from_db()
    return transition


@transaction.atomic
def beneficiary_move(
    *, actor: User, beneficiary: Beneficiary, territory: Territory, moved_on=None
) -> TerritoryMove:
    if territory.pk == beneficiary.current_territory_id:
        raise ValidationError({"territory": _("The person is already in this territory.")})
    moved_on = moved_on or timezone.localdate()
    if moved_on > timezone.localdate():
        raise ValidationError({"moved_on": _("A move cannot be recorded in the future.")})
    last = beneficiary.moves.order_by("-moved_on", "-id").first()
    if last is not None and moved_on < last.moved_on:
        raise ValidationError(
            {
                "moved_on": _("This date is before the previous move (%(date)s).")
                % {"date": last.moved_on.strftime("%d/%m/%Y")}
            }
        )
    move = TerritoryMove.objects.create(
        beneficiary=beneficiary,
        from_territory_id=beneficiary.current_territory_id,
        to_territory=territory,
        moved_on=moved_on,
        actor=actor,
    )
    beneficiary.current_territory = territory
    beneficiary.save(update_fields=["current_territory"])
    return move


@transaction.atomic
def case_note_add(
    *, actor: User, beneficiary: Beneficiary, body: str, confidentiality: str
) -> CaseNote:
    note = CaseNote(
        beneficiary=beneficiary, author=actor, body=body.strip(), confidentiality=confidentiality
    )
    note.full_clean(exclude=["organisation"])
    note.save()
    return note


def prerequisites_seed_defaults(organisation=None) -> None:
    """The default checklist of a new organisation (SPEC §5.1), inside its
    tenant (registered as an organisation default)."""
    from beneficiaries.models import DEFAULT_PREREQUISITES, PrerequisiteItem

    if PrerequisiteItem.objects.exists():
        return
    PrerequisiteItem.objects.bulk_create(
        PrerequisiteItem(label=str(label), position=i)
        for i, label in enumerate(DEFAULT_PREREQUISITES)
    )


@transaction.atomic
def prerequisites_set(*, actor: User, beneficiary: Beneficiary, values: dict) -> int:
    """values: {item: (status, evidence)}. Records who and when for each item
    whose status or evidence changed; returns how many changed."""
    from beneficiaries.models import PrerequisiteCheck

    existing = {c.item_id: c for c in PrerequisiteCheck.objects.filter(beneficiary=beneficiary)}
    changed = 0
    for item, (status, evidence) in values.items():
        check = existing.get(item.pk)
        if check is not None and (check.status, check.evidence) == (status, evidence):
            continue
        if check is None:
            if status == PrerequisiteCheck.Status.TO_CHECK and not evidence:
                continue
            check = PrerequisiteCheck(beneficiary=beneficiary, item=item)
        check.status, check.evidence = status, evidence.strip()
        check.checked_on = timezone.localdate()
        check.checked_by = actor
        check.save()
        changed += 1
    return changed


@transaction.atomic
def language_assessment_add(*, actor: User, beneficiary: Beneficiary, data: dict):
    from beneficiaries.models import LanguageAssessment

    assessment = LanguageAssessment(beneficiary=beneficiary, recorded_by=actor, **data)
    assessment.full_clean(exclude=["organisation"])
    assessment.save()
    return assessment


DOCUMENT_MAX_BYTES = 10 * 1024 * 1024
DOCUMENT_TYPES = {
    "application/pdf": "PDF",
    "image/jpeg": "JPEG",
    "image/png": "PNG",
    "image/webp": "WebP",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "Word (docx)",
    "application/vnd.oasis.opendocument.text": "OpenDocument (odt)",
}


def _detect_type(uploaded) -> str | None:
    import filetype

    uploaded.seek(0)
    head = uploaded.read(8192)
    uploaded.seek(0)
    kind = filetype.guess(head)
    return kind.mime if kind else None


@transaction.atomic
def document_add(
    *, actor: User, beneficiary: Beneficiary, kind: str, uploaded, expires_on=None, replaces=None
):
    """Store a document privately after checking its size and its type from
    its bytes (not its name or the browser's word). Replacing keeps the old
    document, marked as replaced, in the history."""
    from beneficiaries.models import Document

    if uploaded.size > DOCUMENT_MAX_BYTES:
        raise ValidationError(
            {"file": _("The file is too large (%(size)s MB at most).") % {"size": 10}}
        )
    content_type = _detect_type(uploaded)
    if content_type not in DOCUMENT_TYPES:
        raise ValidationError(
            {
                "file": _("This type of file is not accepted. Accepted: %(types)s.")
                % {"types": ", ".join(DOCUMENT_TYPES.values())}
            }
        )
    if replaces is not None and (
        replaces.beneficiary_id != beneficiary.pk or replaces.replaced_by_id
    ):
        raise ValidationError(_("This document cannot be replaced."))
    document = Document(
        beneficiary=beneficiary,
        kind=replaces.kind if replaces else kind,
        original_name=uploaded.name[:255],
        content_type=content_type,
        size=uploaded.size,
        expires_on=expires_on,
        uploaded_by=actor,
    )
    validate_fields(document, "expires_on")
    document.organisation_id = beneficiary.organisation_id
    document.file.save(uploaded.name, uploaded, save=False)
    document.save()
    if replaces is not None:
        replaces.replaced_by = document
        replaces.save(update_fields=["replaced_by"])
    return document

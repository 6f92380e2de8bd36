"""The beneficiary's pathway (SPEC §4): states and the allowed transitions."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class State(models.TextChoices):
    REFERRED = "referred", _("Referred")
    CANDIDATE = "candidate", _("Candidate")
    ADMITTED = "admitted", _("Admitted")
    IN_SESSION = "in_session", _("In session")
    SEEKING_CONTRACT = "seeking_contract", _("Project validated, seeking work-study")
    IN_CONTRACT = "in_contract", _("In work-study")
    EXITED = "exited", _("Exited")
    NOT_ADMITTED = "not_admitted", _("Not admitted")
    WITHDRAWN = "withdrawn", _("Withdrawn")


FINAL_STATES = frozenset({State.EXITED, State.NOT_ADMITTED, State.WITHDRAWN})

# Forward moves; any non-final state may also go to not_admitted (before
# admission) or withdrawn (at any point). Each requires what REQUIREMENTS says.
ALLOWED: dict[str, frozenset[str]] = {
    State.REFERRED: frozenset({State.CANDIDATE, State.NOT_ADMITTED, State.WITHDRAWN}),
    State.CANDIDATE: frozenset({State.ADMITTED, State.NOT_ADMITTED, State.WITHDRAWN}),
    State.ADMITTED: frozenset({State.IN_SESSION, State.WITHDRAWN}),
    State.IN_SESSION: frozenset({State.SEEKING_CONTRACT, State.WITHDRAWN}),
    State.SEEKING_CONTRACT: frozenset({State.IN_CONTRACT, State.WITHDRAWN}),
    # Back to seeking a contract after a break (placements.services.contract_break).
    State.IN_CONTRACT: frozenset({State.SEEKING_CONTRACT, State.EXITED, State.WITHDRAWN}),
    State.EXITED: frozenset(),
    State.NOT_ADMITTED: frozenset(),
    State.WITHDRAWN: frozenset(),
}

NEEDS_REASON = frozenset({State.NOT_ADMITTED, State.WITHDRAWN})
# The entry prerequisites (the organisation's checklist, SPEC §5.1) inform the
# admission decision: becoming "admitted" while an item is not met or still to
# check needs an explicit confirmation and a comment, recorded with the stage.
# Later stages are reached through admission (and are moved automatically by
# the sessions and placements modules), so the question is asked once, there.
GUARDED_BY_PREREQUISITES = frozenset({State.ADMITTED})
# The reason recorded on a transition confirmed despite the checklist.
PREREQUISITES_CONFIRMED = "prerequisites_confirmed"
# The main line of the pathway, in order, for the case file's stepper.
MAIN_LINE = (
    State.REFERRED,
    State.CANDIDATE,
    State.ADMITTED,
    State.IN_SESSION,
    State.SEEKING_CONTRACT,
    State.IN_CONTRACT,
    State.EXITED,
)
NEEDS_EXIT_SITUATION = frozenset({State.EXITED})

# What it takes to reach each stage, shown under "what is next".
NEXT_STEP_HINTS = {
    State.CANDIDATE: _("Intake interview and prerequisites checklist."),
    State.ADMITTED: _("Admission decision, once the prerequisites are met."),
    State.IN_SESSION: _("Enrolment in a preparation session (Sessions)."),
    State.SEEKING_CONTRACT: _("Professional project validated (Work-study)."),
    State.IN_CONTRACT: _("Work-study contract signed (Work-study)."),
    State.EXITED: _("End of the contract, with the situation at exit."),
}


def allowed_targets(state: str) -> list[str]:
    """In the order of the pathway, for forms and buttons."""
    targets = ALLOWED.get(state, frozenset())
    return [s for s in State.values if s in targets]


class NotAdmittedReason(models.TextChoices):
    PREREQUISITES = "prerequisites", _("Prerequisites not met")
    NOT_ALONE = "not_alone", _("Not a person living alone")
    FRENCH_LEVEL = "french_level", _("French level too low")
    MOBILITY = "mobility", _("Not willing to move")
    DECLINED = "declined", _("Declined the programme")
    OTHER = "other", _("Other")


class WithdrawalReason(models.TextChoices):
    PERSONAL = "personal", _("Personal reasons")
    HEALTH = "health", _("Health")
    EMPLOYMENT = "employment", _("Found a job elsewhere")
    HOUSING = "housing", _("Housing found elsewhere")
    MOVED = "moved", _("Moved away")
    NO_CONTACT = "no_contact", _("No longer in contact")
    RULES = "rules", _("Breach of the programme's rules")
    OTHER = "other", _("Other")


class EmploymentOutcome(models.TextChoices):
    CDI = "cdi", _("Permanent contract (CDI)")
    CDD_LONG = "cdd_6_plus", _("Fixed-term contract of 6 months or more")
    CDD_SHORT = "cdd_under_6", _("Fixed-term contract under 6 months")
    TEMPORARY_LONG = "temporary_6_plus", _("Temporary work of 6 months or more")
    TEMPORARY_SHORT = "temporary_under_6", _("Temporary work under 6 months")
    TRAINING = "qualifying_training", _("Qualifying training")
    JOB_SEEKING = "job_seeking", _("Job seeking")
    OTHER = "other", _("Other")


class HousingOutcome(models.TextChoices):
    SOCIAL = "social_housing", _("Social housing")
    PRIVATE = "private_rental", _("Private rental")
    SLIDING = "sliding_lease", _("Sliding lease")
    RESIDENCE = "social_residence", _("Social residence / FJT")
    HOSTED = "hosted", _("Hosted by a third party")
    OTHER = "other", _("Other")


DURABLE_EMPLOYMENT = frozenset(
    {
        EmploymentOutcome.CDI,
        EmploymentOutcome.CDD_LONG,
        EmploymentOutcome.TEMPORARY_LONG,
        EmploymentOutcome.TRAINING,
    }
)
AUTONOMOUS_HOUSING = frozenset(
    {
        HousingOutcome.SOCIAL,
        HousingOutcome.PRIVATE,
        HousingOutcome.SLIDING,
        HousingOutcome.RESIDENCE,
    }
)


def is_positive_exit(employment: str, housing: str) -> bool:
    """SPEC §5.7, the one place the rule is computed: durable employment AND
    autonomous housing (as in the national AGIR programme)."""
    return employment in DURABLE_EMPLOYMENT and housing in AUTONOMOUS_HOUSING

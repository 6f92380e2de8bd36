"""Who may see and do what inside an organisation: role predicates and the
field-visibility policy, in one place. Pages, API, exports and PDFs all ask
here; none of them decides on its own.

SPEC §2: admins and coordinators see every territory of their organisation;
caseworkers the beneficiaries of their territories; volunteers only their own
mentees, and only contact and mentoring fields; managers aggregated figures
only, never an individual record."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from django.db import models
from django.utils.translation import gettext_lazy as _

from thrasos.accounts.models import Role

if TYPE_CHECKING:
    from thrasos.accounts.models import Membership

STAFF_ROLES = frozenset({Role.ADMIN, Role.COORDINATOR, Role.CASEWORKER, Role.MANAGER})
MFA_REQUIRED_ROLES = STAFF_ROLES
ALL_TERRITORY_ROLES = frozenset({Role.ADMIN, Role.COORDINATOR})
CASE_FILE_ROLES = frozenset({Role.ADMIN, Role.COORDINATOR, Role.CASEWORKER})
SESSION_ROLES = frozenset({Role.ADMIN, Role.COORDINATOR, Role.CASEWORKER})
# Who can be named a person's referent (case files, reminders).
REFERENT_ROLES = frozenset({Role.CASEWORKER, Role.COORDINATOR})
# Roles that work in territories: such a member needs at least one.
TERRITORY_BOUND_ROLES = frozenset({Role.CASEWORKER, Role.VOLUNTEER})


class Sensitivity(models.TextChoices):
    """What kind of personal data a field holds. Each personal field of the
    programme's models declares one; the policy below maps roles to kinds."""

    CONTACT = "contact", _("Contact details")
    MENTORING = "mentoring", _("Mentoring")
    IDENTITY = "identity", _("Identity")
    PATHWAY = "pathway", _("Pathway and programme data")
    ADMINISTRATIVE = "administrative", _("Administrative situation")
    PROTECTION = "protection", _("Protection and residence documents")
    CASE_NOTES = "case_notes", _("Caseworker notes")
    DOCUMENTS = "documents", _("Documents")
    HEALTH = "health", _("Health-related information")


_EVERYTHING = frozenset(Sensitivity)

READABLE: dict[str, frozenset[Sensitivity]] = {
    Role.ADMIN: _EVERYTHING,
    Role.COORDINATOR: _EVERYTHING,
    Role.CASEWORKER: _EVERYTHING,
    # Never: nationality, protection status, residence documents, documents,
    # caseworker notes, health (SPEC §2).
    Role.VOLUNTEER: frozenset({Sensitivity.CONTACT, Sensitivity.MENTORING}),
    # Aggregates only: no individual field at all.
    Role.MANAGER: frozenset(),
}


def may_read(role: str, sensitivity: Sensitivity) -> bool:
    return sensitivity in READABLE.get(role, frozenset())


def readable_fields(role: str, field_sensitivities: dict[str, Sensitivity]) -> list[str]:
    """The fields a role may read, from a model's {field: sensitivity} map."""
    return [name for name, kind in field_sensitivities.items() if may_read(role, kind)]


def requires_mfa(roles: Iterable[str], *, platform_operator: bool = False) -> bool:
    return platform_operator or any(role in MFA_REQUIRED_ROLES for role in roles)


def sees_service_health(user) -> bool:
    """The details of /healthz (what failed, the worker's heartbeat): platform
    operators only, not organisation roles (requests from the machine itself
    are allowed by thrasos.core.health)."""
    return user.is_authenticated and (user.is_staff or user.is_superuser)


# Capabilities: what a member may do, by name. Every page, htmx endpoint, API
# action, export and download declares the ones it needs through
# thrasos.core.gates, which checks them before anything else runs. Each takes
# the request's membership (None: no membership in this organisation).
# Capabilities that grant the same roles today keep separate names: the route
# matrix (tests/test_route_matrix.py) pins which roles each route admits, so
# changing one rule is one edit here and one in the matrix.


def is_member(membership: Membership | None) -> bool:
    """Any role of the current organisation (home, organisation switch)."""
    return membership is not None


def can_administer(membership: Membership | None) -> bool:
    """Territories, members, invitations, referentials, settings."""
    return membership is not None and membership.role == Role.ADMIN


def sees_all_territories(membership: Membership | None) -> bool:
    return membership is not None and membership.role in ALL_TERRITORY_ROLES


def can_open_case_files(membership: Membership | None) -> bool:
    """Read individual case files, their documents and history (within
    territory_ids for caseworkers)."""
    return membership is not None and membership.role in CASE_FILE_ROLES


def can_edit_case_files(membership: Membership | None) -> bool:
    """Create case files and change them: identity, pathway stages, notes,
    territory moves, checklist, assessments, documents."""
    return membership is not None and membership.role in CASE_FILE_ROLES


def can_export_case_files(membership: Membership | None) -> bool:
    """Lists of named people leaving the application (CSV, spreadsheets)."""
    return membership is not None and membership.role in CASE_FILE_ROLES


def can_view_sessions(membership: Membership | None) -> bool:
    """Preparation sessions, their timetable, participants and attendance."""
    return membership is not None and membership.role in SESSION_ROLES


def can_manage_sessions(membership: Membership | None) -> bool:
    """Create and change sessions, enrolments, activities and attendance."""
    return membership is not None and membership.role in SESSION_ROLES


def can_mentor(membership: Membership | None) -> bool:
    """A volunteer's own mentoring pages (their mentees only: the object-level
    rule comes with the mentoring module)."""
    return membership is not None and membership.role == Role.VOLUNTEER


def can_use_mentoring(membership: Membership | None) -> bool:
    """The mentoring module: volunteers for their pairs, case-file roles to
    supervise them."""
    return can_mentor(membership) or can_open_case_files(membership)


def sees_aggregates_only(membership: Membership | None) -> bool:
    return membership is not None and membership.role == Role.MANAGER


def territory_ids(membership: Membership) -> frozenset[int] | None:
    """The territories whose records the member may see; None means all of the
    organisation's. Caseworkers and volunteers are bound to their territories."""
    if sees_all_territories(membership):
        return None
    # Asked several times per request: remembered on the membership object.
    if not hasattr(membership, "_territory_ids"):
        membership._territory_ids = frozenset(membership.territories.values_list("id", flat=True))
    return membership._territory_ids


def opens_case_file_in(membership: Membership | None, territory_id: int | None) -> bool:
    """Whether the member opens the case file of a person whose current
    territory is this one: case-file roles, within their territories for
    caseworkers. A page links to a case file only when this holds, so that no
    link leads to a 404."""
    if not can_open_case_files(membership):
        return False
    ids = territory_ids(membership)
    return ids is None or territory_id in ids


class ParticipantView(models.TextChoices):
    """What a member sees of a session's participant (SPEC §5.2)."""

    # The case file opens: every column, and the name links to it.
    CASE_FILE = "case_file", _("Case file")
    # A participant of a session the member runs, whose case file belongs to
    # another territory (enrolled from there, or moved since): the name and
    # the attendance, what running the activities needs; no case file, no
    # pathway stage.
    NAME_AND_ATTENDANCE = "name_and_attendance", _("Name and attendance")


def session_participant_view(
    membership: Membership | None, beneficiary_territory_id: int | None
) -> ParticipantView:
    """For a member who sees the session (sessions.selectors scope it to their
    territories): the whole participant where the case file opens, otherwise
    the name and attendance only."""
    if opens_case_file_in(membership, beneficiary_territory_id):
        return ParticipantView.CASE_FILE
    return ParticipantView.NAME_AND_ATTENDANCE


# --- housing (units, places, occupancies: housing/)
HOUSING_ROLES = frozenset({Role.ADMIN, Role.COORDINATOR, Role.CASEWORKER})
HOUSING_FIGURES_ROLES = HOUSING_ROLES | {Role.MANAGER}


def can_view_housing(membership: Membership | None) -> bool:
    """Units, places, who occupies them (caseworkers: their territories)."""
    return membership is not None and membership.role in HOUSING_ROLES


def can_manage_housing(membership: Membership | None) -> bool:
    """Create and change units and places, book, extend, move and end
    occupancies (caseworkers: in their territories)."""
    return membership is not None and membership.role in HOUSING_ROLES


def can_view_housing_figures(membership: Membership | None) -> bool:
    """Occupancy rate and vacancy days: aggregates, no one named (managers too)."""
    return membership is not None and membership.role in HOUSING_FIGURES_ROLES


# --- placements (partner directory, professional projects, alternance contracts, follow-ups)
PLACEMENT_ROLES = frozenset({Role.ADMIN, Role.COORDINATOR, Role.CASEWORKER})


def can_view_placements(membership: Membership | None) -> bool:
    """The partner directory, and the projects, contracts and follow-ups of
    the case files the member opens (never volunteers or managers)."""
    return membership is not None and membership.role in PLACEMENT_ROLES


def can_manage_placements(membership: Membership | None) -> bool:
    """Directory entries, projects, contracts and their stages, follow-ups."""
    return membership is not None and membership.role in PLACEMENT_ROLES


def can_export_placements(membership: Membership | None) -> bool:
    """The contracts list as a spreadsheet (named people)."""
    return membership is not None and membership.role in PLACEMENT_ROLES


# --- mentoring (mentoring/): supervision by case-file roles; a volunteer's
# own pairs as an object-level rule, applied by mentoring.selectors, which
# start from the membership.
MENTORING_SUPERVISOR_ROLES = CASE_FILE_ROLES


def can_supervise_mentoring(membership: Membership | None) -> bool:
    """The alert inbox, the volunteers list and the mentoring of a case file
    (caseworkers within their territories)."""
    return membership is not None and membership.role in MENTORING_SUPERVISOR_ROLES


def can_manage_mentorships(membership: Membership | None) -> bool:
    """Volunteer profiles, pairing and ending pairs, acknowledging alerts,
    nudging a volunteer."""
    return membership is not None and membership.role in MENTORING_SUPERVISOR_ROLES


def is_own_mentorship(membership: Membership | None, mentorship) -> bool:
    """The object-level rule of a volunteer: a pair is theirs when its
    volunteer profile belongs to this very membership (and the pair has not
    ended). Nothing else of the organisation is."""
    return (
        can_mentor(membership)
        and mentorship.status != "ended"
        and mentorship.volunteer.membership_id == membership.pk
    )


# --- personal data (thrasos/privacy/): the register, information notices,
# subject access exports, anonymisation and retention (SPEC §5.8)
PERSONAL_DATA_ROLES = frozenset({Role.ADMIN, Role.COORDINATOR})


def can_view_data_register(membership: Membership | None) -> bool:
    """The register of personal fields (purpose, sensitivity, who reads,
    retention) and the retention runs."""
    return membership is not None and membership.role in PERSONAL_DATA_ROLES


def can_record_information_notice(membership: Membership | None) -> bool:
    """Record that a person received the information notice (case-file
    roles, within their territories)."""
    return membership is not None and membership.role in CASE_FILE_ROLES


def can_export_personal_data(membership: Membership | None) -> bool:
    """Everything held about one person, as a ZIP (subject access request)."""
    return membership is not None and membership.role in PERSONAL_DATA_ROLES


def can_manage_retention(membership: Membership | None) -> bool:
    """The records becoming inactive, and a reason to keep one."""
    return membership is not None and membership.role in PERSONAL_DATA_ROLES


def can_anonymise(membership: Membership | None) -> bool:
    """Irreversible: the person's data replaced or cleared, their documents
    deleted and their change history scrubbed."""
    return membership is not None and membership.role == Role.ADMIN


# --- reports (thrasos/reports/): indicators, dashboards, PDF activity reports,
# aggregate exports. Figures only, masked below 5 people: managers see these
# and nothing else; caseworkers have their caseload on their home page.
REPORT_ROLES = frozenset({Role.ADMIN, Role.COORDINATOR, Role.MANAGER})


def can_view_indicators(membership: Membership | None) -> bool:
    """The indicators and charts of a period and a scope (aggregates)."""
    return membership is not None and membership.role in REPORT_ROLES


def can_request_reports(membership: Membership | None) -> bool:
    """Ask for a PDF activity report and follow its progress."""
    return membership is not None and membership.role in REPORT_ROLES


def can_download_reports(membership: Membership | None) -> bool:
    """Download a generated activity report (each download in the access log)."""
    return membership is not None and membership.role in REPORT_ROLES


def can_export_aggregates(membership: Membership | None) -> bool:
    """The indicators and tables as CSV or XLSX (aggregates, masked)."""
    return membership is not None and membership.role in REPORT_ROLES

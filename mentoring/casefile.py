"""What the mentoring module adds to a case file (for the case-file roles:
the case file's access check has run): a section with the person's pairs and
their last note, and the mentoring notes in the timeline."""

from django.utils.translation import gettext_lazy as _

from beneficiaries.extensions import CaseFileSection
from mentoring import selectors
from thrasos import permissions
from thrasos.core.dates import moment_of

TIMELINE_TEMPLATE = "mentoring/includes/_timeline_note.html"


def section_context(beneficiary, membership) -> dict:
    return {
        "mentorships": selectors.mentorships_of(beneficiary),
        "can_manage_mentorships": permissions.can_manage_mentorships(membership),
    }


SECTION = CaseFileSection(
    template="mentoring/includes/_case_file_section.html",
    context=section_context,
    order=40,
    anchor="parrainage",
    title=_("Mentoring"),
)


def timeline_events(beneficiary, membership):
    if not permissions.can_supervise_mentoring(membership):
        return
    for note in selectors.notes_of(beneficiary):
        yield {
            "at": moment_of(note.occurred_on, note.created_at),
            "kind": "mentoring_note",
            "object": note,
            "template": TIMELINE_TEMPLATE,
        }

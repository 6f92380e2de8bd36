"""What the privacy app adds to a case file (registered by
beneficiaries/personal_data.py in beneficiaries.extensions): the information
notice — or that it is missing — and, for those allowed, the subject access
export and the anonymisation."""

from thrasos import permissions


def section_context(person, membership) -> dict:
    from thrasos.privacy import selectors
    from thrasos.privacy.forms import InformationNoticeForm

    inactive_on = None
    if permissions.can_manage_retention(membership):
        inactive_on = selectors.inactive_on_soon(person)
    return {
        "person": person,
        "inactive_on": inactive_on,
        "notice_form": InformationNoticeForm(),
        "notice": selectors.latest_notice(person),
        "anonymised": selectors.anonymisation_of(person),
        "may_record_notice": permissions.can_record_information_notice(membership),
        "may_export": permissions.can_export_personal_data(membership),
        "may_anonymise": permissions.can_anonymise(membership),
    }


SECTION_TEMPLATE = "privacy/includes/_case_file_section.html"

"""Mentoring objects built through the services."""

import datetime

from django.utils import timezone

from mentoring import services
from thrasos.accounts.models import Role
from thrasos.tenancy import tenant_context

SUMMARY = "Appel pour parler du logement."


def profile(org, membership, territory, *, actor=None, charter=True, **fields):
    data = {
        "territory": territory,
        "availability": "Mardi après-midi",
        "languages": ["fr", "en"],
        "charter_signed_on": timezone.localdate() - datetime.timedelta(days=30)
        if charter
        else None,
        **fields,
    }
    with tenant_context(org):
        return services.volunteer_profile_save(actor=actor, membership=membership, data=data)


def pair(org, volunteer_profile, beneficiary, *, actor, days_ago=60):
    with tenant_context(org):
        return services.mentorship_create(
            actor=actor,
            volunteer=volunteer_profile,
            beneficiary=beneficiary,
            started_on=timezone.localdate() - datetime.timedelta(days=days_ago),
        )


def note(org, mentorship, *, alert="", **fields):
    data = {
        "occurred_on": timezone.localdate(),
        "duration_minutes": 20,
        "kind": "call",
        "topics": ["housing"],
        "summary": SUMMARY,
        "alert_urgency": alert,
        "alert_reason": "Risque d'expulsion" if alert else "",
        **fields,
    }
    with tenant_context(org):
        return services.note_create(
            actor=mentorship.volunteer.membership.user, mentorship=mentorship, data=data
        )


def mentoring_world(tenant):
    """Organisation `tenant`'s volunteer with one mentee, and a second
    volunteer of the same territory with another mentee."""
    from tests import factories

    org, territory = tenant["org"], tenant["territory"]
    admin = tenant["members"][Role.ADMIN].user
    volunteer = tenant["members"][Role.VOLUNTEER]
    other = factories.member(org, Role.VOLUNTEER, territories=[territory], mfa=False)
    mine = factories.beneficiary(
        org, territory, admin, last_name="Mentee", first_name="Amina", phone="0611223344"
    )
    theirs = factories.beneficiary(org, territory, admin, last_name="Autre", first_name="Karim")
    p1 = profile(org, volunteer, territory)
    p2 = profile(org, other, territory)
    return {
        "org": org,
        "territory": territory,
        "admin": admin,
        "volunteer": volunteer,
        "other": other,
        "profile": p1,
        "other_profile": p2,
        "mine": mine,
        "theirs": theirs,
        "pair": pair(org, p1, mine, actor=admin),
        "other_pair": pair(org, p2, theirs, actor=admin),
    }

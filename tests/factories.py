import factory

from thrasos.accounts.models import User

DEFAULT_PASSWORD = "un-mot-de-passe-de-test"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("email",)
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"user{n}@example.org")
    first_name = factory.Faker("first_name", locale="fr_FR")
    last_name = factory.Faker("last_name", locale="fr_FR")
    password = factory.django.Password(DEFAULT_PASSWORD)


def organisation(name: str, slug: str):
    from thrasos.accounts.services import organisation_create

    return organisation_create(name=name, slug=slug)


def territory(org, name: str, region: str = "75", departement: str = "33"):
    from thrasos.accounts.models import Territory
    from thrasos.tenancy import tenant_context

    with tenant_context(org):
        return Territory.objects.create(name=name, region=region, departement=departement)


def member(org, role: str, *, territories=(), mfa: bool = True, **user_fields):
    """A user with one membership in `org` (and a TOTP authenticator unless
    mfa=False, so that staff roles get past the MFA enrolment gate)."""
    from allauth.mfa.totp.internal.auth import TOTP

    from thrasos.accounts.models import Membership, MembershipTerritory
    from thrasos.tenancy import tenant_context

    user = UserFactory(**user_fields)
    with tenant_context(org):
        membership = Membership.objects.create(user=user, role=role)
        for t in territories:
            MembershipTerritory.objects.create(membership=membership, territory=t)
    if mfa:
        TOTP.activate(user, TOTP_SECRET)
    return membership


TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"


def beneficiary(org, territory, actor, **fields):
    """A case file created through the service (state `referred`)."""
    import datetime

    from beneficiaries.services import beneficiary_create
    from thrasos.tenancy import tenant_context

    data = {
        "last_name": "Ngoué",
        "first_name": "Hélène",
        "sex": "F",
        "birth_date": datetime.date(1994, 5, 17),
        "protection_status": "refugee",
        "current_territory": territory,
        **fields,
    }
    with tenant_context(org):
        return beneficiary_create(actor=actor, data=data, allow_duplicate=True)


def admitted(org, territory, actor, **fields):
    """A case file moved through the pathway to `admitted`."""
    from beneficiaries.services import TransitionRequest, beneficiary_transition
    from thrasos.tenancy import tenant_context

    b = beneficiary(org, territory, actor, **fields)
    with tenant_context(org):
        beneficiary_transition(
            actor=actor, beneficiary=b, request=TransitionRequest(to_state="candidate")
        )
        # The checklist is left to check: admitted with the confirmation it asks.
        beneficiary_transition(
            actor=actor,
            beneficiary=b,
            request=TransitionRequest(
                to_state="admitted", confirm_prerequisites=True, comment="Admis·e (test)."
            ),
        )
    return b


def session(org, territory, *, start=None, capacity=12, **fields):
    """A preparation session (10 weeks from `start`, by default the Monday
    three weeks ago, so that it has a past and a future)."""
    import datetime

    from django.utils import timezone

    from sessions.services import session_create
    from thrasos.tenancy import tenant_context

    if start is None:
        today = timezone.localdate()
        start = today - datetime.timedelta(days=today.weekday() + 21)
    data = {
        "name": fields.pop("name", f"Session {start:%Y-%m-%d}"),
        "territory": territory,
        "start_date": start,
        "capacity": capacity,
        "planned_fle_hours": 120,
        **fields,
    }
    with tenant_context(org):
        return session_create(actor=None, data=data)

"""Demo data of the mentoring module (a demo step, thrasos.core.registry):
volunteers over the organisation's territories (the demo volunteer among
them, with two mentees), pairs for people in work-study or after their
session, a few months of notes with some alerts — one urgent and not yet
acknowledged. Everything goes through the services."""

import datetime
import random

from django.utils import timezone

from beneficiaries.models import Beneficiary
from beneficiaries.pathway import State
from mentoring import services
from mentoring.models import MentoringNote, Mentorship, NoteKind, Topic, Urgency, VolunteerProfile
from thrasos.accounts.models import Membership, MembershipTerritory, Role, User
from thrasos.core.dates import moment_of

DEMO_VOLUNTEER = "benevole@demo.thrasos.fr"
FIRST_NAMES = [
    "Jacqueline",
    "Bernard",
    "Monique",
    "Alain",
    "Sylvie",
    "Gérard",
    "Martine",
    "Philippe",
    "Chantal",
    "Daniel",
    "Isabelle",
    "Jean-Pierre",
    "Odile",
    "Thierry",
]
LAST_NAMES = [
    "Moreau",
    "Lefèvre",
    "Garnier",
    "Chevalier",
    "Perrin",
    "Roussel",
    "Gauthier",
    "Mercier",
    "Blanc",
    "Guérin",
    "Boyer",
    "Lemoine",
    "Rolland",
    "Picard",
]
SUMMARIES = {
    NoteKind.MEETING: "Rencontre au café, point sur la semaine et les prochains rendez-vous.",
    NoteKind.CALL: "Appel pour préparer le rendez-vous de la semaine prochaine.",
    NoteKind.OUTING: "Visite de la médiathèque et inscription à un atelier de conversation.",
    NoteKind.PROCEDURE: "Aide pour remplir le dossier en ligne, pièces listées ensemble.",
    NoteKind.OTHER: "Échange de messages, tout va bien.",
}
ALERTS = [
    (Urgency.TO_KNOW, "Souhaite changer d'horaires de travail, en parle à son employeur."),
    (Urgency.SOON, "Courrier de la CAF pas compris, à voir avec la référente."),
    (Urgency.URGENT, "Risque de perdre son logement à la fin du mois, propriétaire pressant."),
]
# The people a volunteer accompanies: in work-study, or after their session.
PAIRED_STATES = (State.IN_CONTRACT, State.SEEKING_CONTRACT)


def _volunteers(context) -> list[Membership]:
    """The demo volunteer (when a member here) and new ones, about one for
    fifteen case files, spread over the territories."""
    members = list(Membership.objects.filter(role=Role.VOLUNTEER).select_related("user"))
    wanted = max(2, context.count // 15)
    slug = context.organisation.slug
    for index in range(len(members), wanted):
        territory = context.territories[index % len(context.territories)]
        user, _ = User.objects.get_or_create(
            email=f"benevole.{index}@{slug}.demo.thrasos.fr",
            defaults={
                "first_name": FIRST_NAMES[index % len(FIRST_NAMES)],
                "last_name": LAST_NAMES[(index * 3) % len(LAST_NAMES)],
            },
        )
        user.set_unusable_password()
        user.save(update_fields=["password"])
        membership, _ = Membership.objects.get_or_create(
            user=user, defaults={"role": Role.VOLUNTEER}
        )
        MembershipTerritory.objects.get_or_create(membership=membership, territory=territory)
        members.append(membership)
    return members


def seed_mentoring(context) -> None:
    if Mentorship.objects.exists():
        return
    rng = random.Random(context.seed + 40)  # noqa: S311 - demo data, not secrets
    today = timezone.localdate()
    volunteers = _volunteers(context)
    acknowledger = context.caseworkers[0].user if context.caseworkers else context.actor
    taken: set[int] = set()
    for index, membership in enumerate(volunteers):
        territory = membership.territories.order_by("name").first()
        if territory is None:
            continue
        signed = index != len(volunteers) - 1  # one volunteer has not signed yet
        profile = services.volunteer_profile_save(
            actor=context.actor,
            membership=membership,
            data={
                "territory": territory,
                "availability": rng.choice(
                    ["Mardi et jeudi après-midi", "Le samedi matin", "En semaine après 17 h"]
                ),
                "languages": rng.choice([["fr"], ["fr", "en"], ["fr", "ar"], ["fr", "es"]]),
                "skills": rng.choice(
                    ["Ancienne comptable", "Bricolage, permis B", "Professeur retraité"]
                ),
                "charter_signed_on": today - datetime.timedelta(days=rng.randint(120, 700))
                if signed
                else None,
            },
        )
        if not signed:
            continue
        demo = membership.user.email == DEMO_VOLUNTEER
        candidates = list(
            Beneficiary.objects.filter(current_territory=territory, state__in=PAIRED_STATES)
            .exclude(pk__in=taken)
            .order_by("id")[:20]
        )
        rng.shuffle(candidates)
        for person in candidates[: 2 if demo else rng.choice([1, 1, 2])]:
            taken.add(person.pk)
            _pair_with_notes(context, rng, profile, person, today, acknowledger=acknowledger)
    _ensure_one_urgent_open()


def _pair_with_notes(context, rng, profile, person, today, *, acknowledger) -> None:
    started = today - datetime.timedelta(days=rng.randint(60, 150))
    pair = services.mentorship_create(
        actor=context.actor, volunteer=profile, beneficiary=person, started_on=started
    )
    author = profile.membership.user
    day = started + datetime.timedelta(days=rng.randint(2, 7))
    while day <= today - datetime.timedelta(days=rng.randint(2, 10)):
        kind = rng.choice(list(NoteKind))
        alert = rng.random() < 0.12
        urgency, reason = rng.choice(ALERTS[:2]) if alert else ("", "")
        note = services.note_create(
            actor=author,
            mentorship=pair,
            data={
                "occurred_on": day,
                "duration_minutes": rng.choice([20, 30, 45, 60, 90, 120]),
                "kind": kind,
                "topics": rng.sample(list(Topic.values), rng.randint(1, 2)),
                "summary": SUMMARIES[kind],
                "alert_urgency": urgency,
                "alert_reason": reason,
            },
        )
        # Written the evening it happened: past its correction window.
        MentoringNote.objects.filter(pk=note.pk).update(created_at=moment_of(day))
        if alert:
            services.alert_acknowledge(
                actor=acknowledger, note=note, comment="Merci, je m'en occupe cette semaine."
            )
        day += datetime.timedelta(days=rng.randint(6, 16))


def _ensure_one_urgent_open() -> None:
    """An urgent alert nobody has acknowledged yet, from the demo volunteer
    when they are a member here (the inbox shows it first)."""
    pairs = Mentorship.objects.active().select_related("volunteer__membership__user")
    pair = next(
        (p for p in pairs if p.volunteer.membership.user.email == DEMO_VOLUNTEER), pairs.first()
    )
    if pair is None:
        return
    urgency, reason = ALERTS[2]
    services.note_create(
        actor=pair.volunteer.membership.user,
        mentorship=pair,
        data={
            "occurred_on": timezone.localdate(),
            "duration_minutes": 45,
            "kind": NoteKind.MEETING,
            "topics": [Topic.HOUSING],
            "summary": "Rencontre chez elle : elle a reçu une lettre du propriétaire.",
            "alert_urgency": urgency,
            "alert_reason": reason,
        },
    )


def demo_step(context) -> None:
    seed_mentoring(context)


def seed_scale(*, total: int, organisations: int, stdout=None) -> None:
    """Benchmark data in proportion (`seed_demo --scale`), after the case
    files of the "Charge NN" organisations: one volunteer for about fifteen
    people in work-study or after their session, each paired with up to two
    of them, and one note a fortnight over three months. Bulk-inserted."""
    from django.db import transaction

    from thrasos.accounts.models import Organisation
    from thrasos.tenancy import tenant_context

    rng = random.Random(2027)  # noqa: S311 - synthetic data
    today = timezone.localdate()
    for index in range(1, organisations + 1):
        slug = f"charge-{index:02d}"
        organisation = Organisation.objects.filter(slug=slug).first()
        if organisation is None:
            continue
        with transaction.atomic(), tenant_context(organisation):
            if Mentorship.objects.exists():
                continue
            people = list(
                Beneficiary.objects.filter(state__in=PAIRED_STATES).values_list(
                    "id", "current_territory_id"
                )
            )
            actor = User.objects.filter(email=f"coordination@{slug}.bench.thrasos.fr").first()
            if not people or actor is None:
                continue
            by_territory: dict[int, list[int]] = {}
            for person_id, territory_id in people:
                by_territory.setdefault(territory_id, []).append(person_id)
            profiles, pairs = [], []
            for territory_id, ids in by_territory.items():
                for n in range(max(1, len(ids) // 15)):
                    user, _ = User.objects.get_or_create(
                        email=f"benevole.{territory_id}.{n}@{slug}.bench.thrasos.fr",
                        defaults={"first_name": "Bénévole", "last_name": f"{slug}-{n}"},
                    )
                    membership, _ = Membership.objects.get_or_create(
                        user=user, defaults={"role": Role.VOLUNTEER}
                    )
                    MembershipTerritory.objects.get_or_create(
                        membership=membership, territory_id=territory_id
                    )
                    profiles.append(
                        VolunteerProfile(
                            membership=membership,
                            territory_id=territory_id,
                            charter_signed_on=today - datetime.timedelta(days=365),
                        )
                    )
                    for person_id in ids[2 * n : 2 * n + 2]:
                        pairs.append((len(profiles) - 1, person_id))
            VolunteerProfile.objects.bulk_create(profiles)
            mentorships = Mentorship.objects.bulk_create(
                Mentorship(
                    volunteer=profiles[p],
                    beneficiary_id=person_id,
                    started_on=today - datetime.timedelta(days=90),
                    created_by=actor,
                )
                for p, person_id in pairs
            )
            notes = []
            for pair in mentorships:
                for week in range(0, 12, 2):
                    day = today - datetime.timedelta(days=84 - week * 7 + rng.randrange(3))
                    kind = rng.choice(list(NoteKind))
                    notes.append(
                        MentoringNote(
                            mentorship=pair,
                            author=pair.volunteer.membership.user,
                            occurred_on=day,
                            duration_minutes=rng.choice([20, 30, 60]),
                            kind=kind,
                            topics=[rng.choice(list(Topic.values))],
                            summary=SUMMARIES[kind],
                        )
                    )
            MentoringNote.objects.bulk_create(notes, batch_size=5000)
            if stdout:
                stdout.write(f"  {slug}: {len(profiles)} volunteers, {len(mentorships)} pairs")

import datetime
import threading

import psycopg
import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, OperationalError, connection, transaction
from django.utils import timezone

from beneficiaries.models import Beneficiary
from beneficiaries.pathway import EmploymentOutcome, HousingOutcome, is_positive_exit
from beneficiaries.services import TransitionRequest, beneficiary_transition
from placements import services
from placements.models import (
    AlternanceContract,
    DiplomaLevel,
    Employer,
    FollowUp,
    Opco,
    ProfessionalProject,
    Sector,
    add_months,
)
from tests import factories
from tests.placements import factories as pf
from thrasos.accounts.models import Role
from thrasos.tenancy import tenant_context

pytestmark = pytest.mark.django_db


@pytest.fixture
def a(two_tenants):
    data = two_tenants["a"]
    data["actor"] = data["members"][Role.COORDINATOR].user
    return data


def test_referentials_are_seeded_for_a_new_organisation(a):
    with tenant_context(a["org"]):
        assert Sector.objects.count() >= 7
        assert list(DiplomaLevel.objects.values_list("level", flat=True)) == [3, 4, 5, 6, 7, 8]
        assert Opco.objects.count() == 11
        assert DiplomaLevel.objects.get(level=3).name.startswith("Niveau 3 – CAP")


def test_employer_siret_is_checked_and_unique_per_organisation(a, two_tenants):
    employer = pf.employer(a["org"], siret="732 829 320 00074")
    assert employer.siret == "73282932000074"
    with tenant_context(a["org"]), pytest.raises(ValidationError) as error:
        services.employer_create(
            actor=a["actor"],
            data={
                "name": "Autre",
                "siret": "73282932000074",
                "sector": employer.sector,
                "city": "Lyon",
                "departement": "69",
            },
        )
    assert "siret" in error.value.message_dict
    with tenant_context(a["org"]), pytest.raises(ValidationError) as error:
        services.employer_create(
            actor=a["actor"],
            data={
                "name": "Faux",
                "siret": "73282932000075",
                "sector": employer.sector,
                "city": "Lyon",
                "departement": "69",
            },
        )
    assert "chiffre de contrôle" in error.value.message_dict["siret"][0]
    # Another organisation may list the same employer.
    pf.employer(two_tenants["b"]["org"], siret="73282932000074")


def test_the_database_refuses_a_duplicate_siret(a):
    employer = pf.employer(a["org"])
    with tenant_context(a["org"]):
        clone = Employer(
            name="Clone",
            siret=employer.siret,
            sector=employer.sector,
            city="Pau",
            departement="64",
        )
        with pytest.raises(IntegrityError), transaction.atomic():
            clone.save()


def test_directory_search_is_accent_insensitive(a):
    pf.employer(a["org"], name="Hôtel Béarnais", n=5, city="Pau", departement="64")
    pf.employer(a["org"], name="Garage Dupont", n=6)
    with tenant_context(a["org"]):
        assert [e.name for e in Employer.objects.search("hotel bearn")] == ["Hôtel Béarnais"]
        assert [e.name for e in Employer.objects.search("PAU")] == ["Hôtel Béarnais"]
        assert Employer.objects.in_region("75").count() == 2


def test_training_organisation_uai_and_qualiopi(a):
    with tenant_context(a["org"]), pytest.raises(ValidationError) as error:
        services.training_organisation_create(
            actor=a["actor"],
            data={
                "name": "CFA",
                "siret": pf.siret(9),
                "uai": "0330135M",
                "city": "Pau",
                "departement": "64",
                "qualiopi_on": datetime.date(2022, 1, 1),
            },
        )
    assert set(error.value.message_dict) == {"uai", "qualiopi"}


def test_contacts_are_replaced_and_need_a_name(a):
    employer = pf.employer(a["org"])
    with tenant_context(a["org"]):
        assert [c.name for c in employer.contacts.all()] == ["Mme Durand"]
        services.employer_update(
            actor=a["actor"],
            employer=employer,
            data={},
            contacts=[{"name": "M. Ali", "email": "ali@example.org"}, {"name": ""}],
        )
        assert [c.name for c in employer.contacts.all()] == ["M. Ali"]
        with pytest.raises(ValidationError):
            services.employer_update(
                actor=a["actor"], employer=employer, data={}, contacts=[{"email": "pas-un-mail"}]
            )


# --- professional project


def test_validating_the_project_moves_the_person_to_seeking_contract(a):
    person = pf.in_session(a["org"], a["territory"], a["actor"])
    project = pf.project(a["org"], person, a["actor"])
    with tenant_context(a["org"]):
        services.project_validate(actor=a["actor"], project=project)
        person.refresh_from_db()
        assert person.state == "seeking_contract"
        project.refresh_from_db()
        assert project.status == "validated" and project.validated_on == timezone.localdate()
        last = person.transitions.last()
        assert last.to_state == "seeking_contract" and "Maçon" in last.comment
        with pytest.raises(ValidationError):
            services.project_validate(actor=a["actor"], project=project)


def test_a_project_is_validated_only_once_the_session_is_reached(a):
    person = factories.admitted(a["org"], a["territory"], a["actor"])
    project = pf.project(a["org"], person, a["actor"])
    with tenant_context(a["org"]):
        with pytest.raises(ValidationError) as error:
            services.project_validate(actor=a["actor"], project=project)
        assert "Admis" in error.value.messages[0]
        person.refresh_from_db()
        assert person.state == "admitted"


def test_project_needs_a_region_and_warns_on_ile_de_france_only(a):
    person = pf.in_session(a["org"], a["territory"], a["actor"])
    with pytest.raises(ValidationError) as error:
        pf.project(a["org"], person, a["actor"], target_regions=[])
    assert "target_regions" in error.value.message_dict
    project = pf.project(a["org"], person, a["actor"], target_regions=["11"])
    assert project.only_ile_de_france
    with pytest.raises(ValidationError) as error:
        pf.project(a["org"], person, a["actor"])
    assert "projet en cours" in error.value.messages[0]


def test_bad_rome_and_rncp_codes_are_refused(a):
    person = pf.in_session(a["org"], a["territory"], a["actor"])
    with pytest.raises(ValidationError) as error:
        pf.project(a["org"], person, a["actor"], rome_code="F17", rncp_code="12345")
    assert set(error.value.message_dict) == {"rome_code", "rncp_code"}
    with tenant_context(a["org"]):
        assert not ProfessionalProject.objects.exists()


def test_abandoning_a_project_allows_a_new_one(a):
    person = pf.in_session(a["org"], a["territory"], a["actor"])
    project = pf.project(a["org"], person, a["actor"])
    with tenant_context(a["org"]):
        services.project_abandon(actor=a["actor"], project=project, comment="Métier trop physique")
    pf.project(a["org"], person, a["actor"], target_job="Cuisinier")


# --- alternance contract


@pytest.fixture
def partners(a):
    return pf.employer(a["org"]), pf.training_organisation(a["org"])


def test_signing_moves_the_person_in_contract_with_a_proposed_trial_period(a, partners):
    person = pf.seeking(a["org"], a["territory"], a["actor"])
    contract = pf.contract(a["org"], person, a["actor"], *partners)
    with tenant_context(a["org"]):
        person.refresh_from_db()
    assert person.state == "in_contract"
    assert contract.status == "signed"
    assert contract.trial_period_end == contract.start_date + datetime.timedelta(days=44)
    assert contract.project is not None


def test_trial_period_proposal_by_kind():
    start = datetime.date(2027, 1, 10)
    assert services.trial_period_proposal(
        "professionalisation", start, datetime.date(2027, 12, 31)
    ) == datetime.date(2027, 2, 9)
    assert services.trial_period_proposal(
        "professionalisation", start, datetime.date(2027, 5, 31)
    ) == datetime.date(2027, 1, 23)


def test_a_contract_is_only_for_a_person_seeking_one(a, partners):
    person = pf.in_session(a["org"], a["territory"], a["actor"])
    with pytest.raises(ValidationError) as error:
        pf.contract(a["org"], person, a["actor"], *partners)
    assert "En session" in error.value.messages[0]
    with tenant_context(a["org"]):
        assert not AlternanceContract.objects.exists()


@pytest.mark.parametrize("months", [5, 19])
def test_a_duration_outside_6_to_18_months_needs_a_justification(a, partners, months):
    person = pf.seeking(a["org"], a["territory"], a["actor"])
    with pytest.raises(ValidationError) as error:
        pf.contract(a["org"], person, a["actor"], *partners, months=months)
    assert f"{months} mois" in error.value.message_dict["duration_justification"][0]
    contract = pf.contract(
        a["org"],
        person,
        a["actor"],
        *partners,
        months=months,
        duration_justification="Diplôme en un an et demi plus le rattrapage",
    )
    assert contract.months == months


@pytest.mark.parametrize("months", [6, 18])
def test_6_and_18_months_need_no_justification(a, partners, months):
    person = pf.seeking(a["org"], a["territory"], a["actor"])
    assert pf.contract(a["org"], person, a["actor"], *partners, months=months).months == months


def test_a_work_site_in_ile_de_france_needs_a_justification(a, partners):
    person = pf.seeking(a["org"], a["territory"], a["actor"])
    with pytest.raises(ValidationError) as error:
        pf.contract(a["org"], person, a["actor"], *partners, work_departement="93")
    assert "Île-de-France" in error.value.message_dict["work_site_justification"][0]
    pf.contract(
        a["org"],
        person,
        a["actor"],
        *partners,
        work_departement="93",
        work_site_justification="Chantier de six mois à Saint-Denis, puis Bordeaux",
    )


def test_bad_contract_input_is_refused_with_nothing_saved(a, partners):
    person = pf.seeking(a["org"], a["territory"], a["actor"])
    with pytest.raises(ValidationError) as error:
        pf.contract(
            a["org"],
            person,
            a["actor"],
            *partners,
            weekly_hours=60,
            gross_monthly_pay=-1,
            rncp_code="RNCP",
        )
    assert {"weekly_hours", "gross_monthly_pay", "rncp_code"} <= set(error.value.message_dict)
    with tenant_context(a["org"]):
        assert not AlternanceContract.objects.exists()
        assert Beneficiary.objects.get(pk=person.pk).state == "seeking_contract"


def test_the_database_refuses_two_contracts_in_force_over_the_same_dates(a, partners):
    person = pf.seeking(a["org"], a["territory"], a["actor"])
    first = pf.contract(a["org"], person, a["actor"], *partners)
    data = pf.contract_data(a["org"], *partners, start=first.start_date + datetime.timedelta(30))
    with tenant_context(a["org"]):
        second = AlternanceContract(beneficiary=person, trial_period_end=data["start_date"], **data)
        with (
            pytest.raises(IntegrityError, match="placements_one_contract_in_force"),
            transaction.atomic(),
        ):
            second.save()
        # Once the first is broken, a new contract over the same days is fine.
        services.contract_break(
            actor=a["actor"],
            contract=first,
            on=timezone.localdate(),
            broken_by="employer",
            reason="Fin de chantier",
        )
        second.save()


def _race(a, person, data, *, unlock: bool, monkeypatch) -> list[str]:
    """Two threads sign a contract for `person` at the same moment, through
    the service. `unlock` lifts the service's lock on the person, so that
    both inserts reach the exclusion constraint together."""
    if unlock:
        monkeypatch.setattr(services, "_locked_person", lambda b: Beneficiary.objects.get(pk=b.pk))
    barrier = threading.Barrier(2)
    outcomes = []

    def sign():
        try:
            with tenant_context(a["org"]), transaction.atomic():
                barrier.wait(timeout=10)
                services.contract_sign(actor=a["actor"], beneficiary=person, data=data)
            outcomes.append("saved")
        except ValidationError as error:
            outcomes.append(error.messages[0])
        finally:
            connection.close()

    threads = [threading.Thread(target=sign) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return outcomes


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("unlock", [False, True], ids=["service", "constraint"])
def test_two_racing_requests_cannot_both_sign(two_tenants, unlock, monkeypatch):
    """Whatever stops the second request (the lock on the person, the
    exclusion constraint, or PostgreSQL breaking a deadlock between the two
    inserts), it gets a French refusal, never a 500, and one contract stays."""
    a = {**two_tenants["a"], "actor": two_tenants["a"]["members"][Role.COORDINATOR].user}
    partners = pf.employer(a["org"]), pf.training_organisation(a["org"])
    person = pf.seeking(a["org"], a["territory"], a["actor"])
    data = pf.contract_data(a["org"], *partners)
    outcomes = _race(a, person, data, unlock=unlock, monkeypatch=monkeypatch)
    assert outcomes.count("saved") == 1, outcomes
    (refusal,) = [o for o in outcomes if o != "saved"]
    assert refusal in {
        "Cette personne a déjà un contrat en vigueur sur ces dates.",
        "Un autre contrat était enregistré pour cette personne au même moment : rechargez le "
        "dossier et vérifiez avant de réessayer.",
    } or refusal.startswith("Un contrat s’enregistre pour une personne"), refusal
    with tenant_context(a["org"]):
        assert AlternanceContract.objects.filter(beneficiary=person).count() == 1


def _lock_conflict(sqlstate_class):
    def save(*args, **kwargs):
        try:
            raise sqlstate_class("deadlock detected")
        except sqlstate_class as cause:
            raise OperationalError("deadlock detected") from cause

    return save


@pytest.mark.parametrize(
    "sqlstate_class", [psycopg.errors.DeadlockDetected, psycopg.errors.SerializationFailure]
)
def test_a_deadlock_is_retried_once_then_refused_in_french(
    a, partners, monkeypatch, sqlstate_class
):
    """PostgreSQL cancelling one of two racing inserts (deadlock) is retried
    once: the retry saves; two in a row give the French refusal, nothing saved."""
    real_save = AlternanceContract.save
    calls = []

    def once_then_real(self, *args, **kwargs):
        calls.append(1)
        if len(calls) == 1:
            _lock_conflict(sqlstate_class)()
        return real_save(self, *args, **kwargs)

    person = pf.seeking(a["org"], a["territory"], a["actor"])
    monkeypatch.setattr(AlternanceContract, "save", once_then_real)
    contract = pf.contract(a["org"], person, a["actor"], *partners)
    assert len(calls) == 2 and contract.pk
    other = pf.seeking(a["org"], a["territory"], a["actor"], last_name="Autre")
    monkeypatch.setattr(AlternanceContract, "save", _lock_conflict(sqlstate_class))
    with pytest.raises(ValidationError) as error:
        pf.contract(a["org"], other, a["actor"], *partners)
    assert "au même moment" in error.value.messages[0]
    with tenant_context(a["org"]):
        assert not AlternanceContract.objects.filter(beneficiary=other).exists()
        assert Beneficiary.objects.get(pk=other.pk).state == "seeking_contract"


def test_another_database_error_is_not_taken_for_a_race(a, partners, monkeypatch):
    def fails(*args, **kwargs):
        raise OperationalError("server closed the connection")

    person = pf.seeking(a["org"], a["territory"], a["actor"])
    monkeypatch.setattr(AlternanceContract, "save", fails)
    with pytest.raises(OperationalError):
        pf.contract(a["org"], person, a["actor"], *partners)


def test_break_returns_the_person_to_seeking_contract(a, partners):
    person = pf.seeking(a["org"], a["territory"], a["actor"])
    contract = pf.contract(a["org"], person, a["actor"], *partners)
    with tenant_context(a["org"]):
        services.contract_start(actor=a["actor"], contract=contract)
        with pytest.raises(ValidationError) as error:
            services.contract_break(
                actor=a["actor"],
                contract=contract,
                on=timezone.localdate(),
                broken_by="",
                reason="",
            )
        assert set(error.value.message_dict) == {"broken_by", "reason"}
        services.contract_break(
            actor=a["actor"],
            contract=contract,
            on=timezone.localdate(),
            broken_by="trial_period",
            reason="Ne convient pas au poste",
        )
        person.refresh_from_db()
        contract.refresh_from_db()
        assert "rompu" in person.transitions.last().comment
    assert person.state == "seeking_contract"
    assert contract.status == "broken" and contract.broken_by == "trial_period"


def test_a_break_after_the_trial_period_cannot_be_a_trial_break(a, partners):
    person = pf.seeking(a["org"], a["territory"], a["actor"])
    start = timezone.localdate() - datetime.timedelta(days=100)
    contract = pf.contract(a["org"], person, a["actor"], *partners, start=start)
    with tenant_context(a["org"]), pytest.raises(ValidationError) as error:
        services.contract_break(
            actor=a["actor"],
            contract=contract,
            on=timezone.localdate(),
            broken_by="trial_period",
            reason="x",
        )
    assert "période d’essai" in error.value.message_dict["broken_by"][0]


def test_a_break_with_withdrawal_leaves_the_programme(a, partners):
    person = pf.seeking(a["org"], a["territory"], a["actor"])
    contract = pf.contract(a["org"], person, a["actor"], *partners)
    with tenant_context(a["org"]):
        services.contract_break(
            actor=a["actor"],
            contract=contract,
            on=timezone.localdate(),
            broken_by="apprentice",
            reason="Retour auprès de la famille",
            withdraw=True,
            withdrawal_reason="moved",
        )
        person.refresh_from_db()
    assert person.state == "withdrawn" and person.withdrawal_reason == "moved"


def test_complete_and_record_the_diploma_result(a, partners):
    person = pf.seeking(a["org"], a["territory"], a["actor"])
    start = timezone.localdate() - datetime.timedelta(days=400)
    contract = pf.contract(a["org"], person, a["actor"], *partners, start=start)
    with tenant_context(a["org"]):
        with pytest.raises(ValidationError):
            services.contract_complete(actor=a["actor"], contract=contract)
        services.contract_start(actor=a["actor"], contract=contract)
        with pytest.raises(ValidationError) as error:
            services.contract_record_result(actor=a["actor"], contract=contract, result="obtained")
        assert "exam_date" in error.value.message_dict
        services.contract_record_result(
            actor=a["actor"],
            contract=contract,
            result="obtained",
            exam_date=timezone.localdate() - datetime.timedelta(days=3),
        )
        services.contract_complete(actor=a["actor"], contract=contract)
        contract.refresh_from_db()
    assert contract.status == "completed" and contract.diploma_result == "obtained"


# --- exit and follow-ups


def _exit(a, person, employment="cdi", housing="social_housing"):
    with tenant_context(a["org"]):
        beneficiary_transition(
            actor=a["actor"],
            beneficiary=person,
            request=TransitionRequest(
                to_state="exited", exit_employment=employment, exit_housing=housing
            ),
        )


def test_follow_ups_are_created_at_exit(a, partners):
    person = pf.seeking(a["org"], a["territory"], a["actor"])
    pf.finish(a["org"], pf.contract(a["org"], person, a["actor"], *partners), a["actor"])
    _exit(a, person)
    today = timezone.localdate()
    with tenant_context(a["org"]):
        rows = list(FollowUp.objects.filter(beneficiary=person))
    assert [(f.months_after_exit, f.due_on) for f in rows] == [
        (6, add_months(today, 6)),
        (12, add_months(today, 12)),
    ]


@pytest.mark.parametrize("to_state", ["exited", "withdrawn"])
def test_leaving_with_a_contract_in_force_is_refused_until_its_end_is_recorded(
    a, partners, to_state
):
    """Exit or withdrawal with a contract still signed or in progress: the
    stage change is refused (rolled back) with the action to take first;
    once the contract is completed (exit) or broken with the withdrawal
    ticked, the person has left and no contract stays in force."""
    person = pf.seeking(a["org"], a["territory"], a["actor"])
    contract = pf.contract(a["org"], person, a["actor"], *partners)
    request = TransitionRequest(
        to_state=to_state, reason="moved", exit_employment="cdi", exit_housing="social_housing"
    )
    with tenant_context(a["org"]):
        with pytest.raises(ValidationError) as error:
            beneficiary_transition(actor=a["actor"], beneficiary=person, request=request)
        assert "Le contrat avec Bâti Sud est encore « Signé »" in error.value.messages[0]
        expected = "sa fin" if to_state == "exited" else "« La personne quitte le programme »"
        assert expected in error.value.messages[0]
        assert Beneficiary.objects.get(pk=person.pk).state == "in_contract"
        assert not FollowUp.objects.filter(beneficiary=person).exists()
        if to_state == "exited":
            pf.finish(a["org"], contract, a["actor"])
            beneficiary_transition(actor=a["actor"], beneficiary=person, request=request)
        else:
            services.contract_break(
                actor=a["actor"],
                contract=contract,
                on=timezone.localdate(),
                broken_by="apprentice",
                reason="Départ",
                withdraw=True,
                withdrawal_reason="moved",
            )
        assert Beneficiary.objects.get(pk=person.pk).state == to_state
        assert not AlternanceContract.objects.in_force().filter(beneficiary=person).exists()


def test_recording_a_follow_up(a, partners):
    person = pf.seeking(a["org"], a["territory"], a["actor"])
    pf.finish(a["org"], pf.contract(a["org"], person, a["actor"], *partners), a["actor"])
    _exit(a, person)
    with tenant_context(a["org"]):
        follow_up = FollowUp.objects.get(beneficiary=person, months_after_exit=6)
        with pytest.raises(ValidationError) as error:
            services.follow_up_record(
                actor=a["actor"], follow_up=follow_up, data={"method": "phone"}
            )
        assert set(error.value.message_dict) == {"observed_on", "employment", "housing"}
        services.follow_up_record(
            actor=a["actor"],
            follow_up=follow_up,
            data={
                "observed_on": timezone.localdate(),
                "method": "unreachable",
                "employment": "cdi",
            },
        )
        follow_up.refresh_from_db()
    assert follow_up.is_done and follow_up.employment == "" and follow_up.recorded_by == a["actor"]


@pytest.mark.parametrize("employment", EmploymentOutcome.values)
@pytest.mark.parametrize("housing", HousingOutcome.values)
def test_positive_exit_rule_on_each_outcome_pair(employment, housing):
    durable = employment in {"cdi", "cdd_6_plus", "temporary_6_plus", "qualifying_training"}
    autonomous = housing in {
        "social_housing",
        "private_rental",
        "sliding_lease",
        "social_residence",
    }
    assert is_positive_exit(employment, housing) is (durable and autonomous)


def test_cross_tenant_references_are_refused_by_the_database(a, two_tenants, partners):
    b = two_tenants["b"]
    employer_b = pf.employer(b["org"], name="Employeur B", n=77)
    person = pf.seeking(a["org"], a["territory"], a["actor"])
    data = pf.contract_data(a["org"], employer_b, partners[1])
    with tenant_context(a["org"]):
        contract = AlternanceContract(
            beneficiary=person, trial_period_end=data["start_date"], **data
        )
        with pytest.raises(IntegrityError), transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            contract.save()
        # The service says it in French before the database has to.
        with pytest.raises(ValidationError) as error:
            services.contract_sign(actor=a["actor"], beneficiary=person, data=data)
        assert "employer" in error.value.message_dict


def test_demo_data_of_the_placements(capsys):
    from django.core.management import call_command

    from placements.models import TrainingOrganisation
    from thrasos.accounts.models import Organisation

    call_command("seed_demo", allow_production=True)
    call_command("seed_demo", allow_production=True)
    with tenant_context(Organisation.objects.get(slug="hh-urgence")):
        assert Employer.objects.count() == 40
        assert TrainingOrganisation.objects.count() == 15
        assert not Employer.objects.filter(departement__in=["75", "92", "93", "94"]).exists()
        statuses = set(AlternanceContract.objects.values_list("status", flat=True))
        assert {"in_progress", "completed", "broken"} <= statuses
        assert AlternanceContract.objects.filter(diploma_result="obtained").exists()
        assert FollowUp.objects.filter(observed_on__isnull=False).exists()
        for person in Beneficiary.objects.filter(state="in_contract"):
            assert person.contracts.in_force().count() == 1


@pytest.mark.django_db(databases=["default", "owner"])
def test_scale_adds_partners_projects_and_contracts_in_proportion():
    from beneficiaries.demo import seed_scale as seed_case_files
    from placements.demo import seed_scale
    from placements.models import TrainingOrganisation
    from placements.validators import validate_siret
    from thrasos.accounts.models import Organisation

    seed_case_files(total=600, organisations=1)
    seed_scale(total=600, organisations=1)
    seed_scale(total=600, organisations=1)  # idempotent
    with tenant_context(Organisation.objects.get(slug="charge-01")):
        assert Employer.objects.count() == 40 and TrainingOrganisation.objects.count() == 15
        for employer in Employer.objects.all():
            validate_siret(employer.siret)
        # What the service would have stored: the directory's search finds them.
        assert Employer.objects.search("batiment").exists()
        people = Beneficiary.objects.filter(state__in=["seeking_contract", "in_contract", "exited"])
        assert ProfessionalProject.objects.count() == people.count()
        for person in people.filter(state="in_contract"):
            assert person.contracts.in_force().count() == 1
        for person in people.filter(state="exited"):
            (contract,) = person.contracts.all()
            assert contract.status == "completed" and contract.end_date < timezone.localdate()
            assert person.follow_ups.count() == 2
        assert not AlternanceContract.objects.filter(
            beneficiary__state="seeking_contract", status__in=["signed", "in_progress"]
        ).exists()
        assert AlternanceContract.objects.filter(status="broken").exists()
        for contract in AlternanceContract.objects.all()[:50]:
            contract.full_clean()

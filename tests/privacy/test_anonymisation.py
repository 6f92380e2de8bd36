"""Anonymisation: no trace of the person left in any table of the database —
history tables included — what the indicators need unchanged, the other
person untouched; the history scrub only through its narrow path."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.utils import DatabaseError

from beneficiaries.models import Beneficiary
from housing.models import Occupancy
from placements.models import AlternanceContract
from sessions.models import Attendance
from tests.privacy.conftest import OLD_PHONE, SECRETS
from thrasos.privacy import services
from thrasos.privacy.models import Anonymisation, AnonymisationKind, HistoryScrub
from thrasos.tenancy import tenant_context


def _needles() -> list[str]:
    birth = SECRETS["birth_date"]
    return [
        SECRETS["last_name"],
        SECRETS["first_name"],
        "zebulonne",  # the normalised search columns
        "quiterie",
        birth.isoformat(),
        birth.strftime("%d/%m/%Y"),
        SECRETS["phone"],
        OLD_PHONE,
        SECRETS["email"],
        SECRETS["residence_document_number"],
        SECRETS["protection_reference"],
        SECRETS["france_travail_id"],
    ]


def _search_every_table(needles: list[str]) -> list[tuple[str, str, str]]:
    """Every text-like column (text, varchar, json, arrays, dates cast to
    text) of every table of the public schema, history tables included, as
    the owner role would see it within the tenant (row-level security is
    applied: the setting is the person's organisation)."""
    found = []
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT c.table_name, c.column_name
            FROM information_schema.columns c
            JOIN information_schema.tables t USING (table_schema, table_name)
            WHERE c.table_schema = 'public' AND t.table_type = 'BASE TABLE'
              AND (c.data_type IN ('text', 'character varying', 'character', 'jsonb', 'json',
                                   'ARRAY', 'date', 'timestamp with time zone'))
            ORDER BY 1, 2
            """
        )
        columns = cursor.fetchall()
        assert len(columns) > 200
        tables = {table for table, _ in columns}
        assert any(table.endswith("event") for table in tables)
        patterns = [f"%{needle}%" for needle in needles]
        for table, column in columns:
            cursor.execute(
                f'SELECT "{column}"::text FROM "{table}"'  # noqa: S608
                f' WHERE "{column}"::text ILIKE ANY(%s)',
                [patterns],
            )
            for (value,) in cursor.fetchall():
                found += [(table, column, n) for n in needles if n.casefold() in value.casefold()]
    return found


@pytest.mark.django_db
def test_anonymisation_leaves_no_trace_in_any_table_and_keeps_the_indicators(
    full_person, django_capture_on_commit_callbacks
):
    person, org = full_person["person"], full_person["org"]
    document = full_person["document"]
    with tenant_context(org):
        # Before: the search finds the person everywhere (the test can fail).
        before = _search_every_table(_needles())
        assert {t for t, _c, _n in before} >= {
            "beneficiaries_beneficiary",
            "beneficiaries_beneficiaryevent",
            "beneficiaries_casenote",
            "beneficiaries_casenoteevent",
            "mentoring_mentoringnoteevent",
            "housing_occupancyevent",
            "prep_sessions_enrolmentevent",
            "placements_professionalprojectevent",
            "privacy_retentionholdevent",
        }
        person.refresh_from_db()
        state, territory = person.state, person.current_territory_id
        indicators = (
            list(Attendance.objects.filter(enrolment__beneficiary=person).values("status")),
            list(
                AlternanceContract.objects.filter(beneficiary=person).values(
                    "start_date", "end_date", "status", "kind"
                )
            ),
            list(Occupancy.objects.filter(beneficiary=person).values("start_date", "destination")),
        )
        with django_capture_on_commit_callbacks(execute=True):
            record = services.person_anonymise(
                actor=full_person["actor"],
                person=person,
                kind=AnonymisationKind.ERASURE_REQUEST,
                reason="Demande écrite reçue",
                requested_on=datetime.date.today(),
            )
        assert _search_every_table(_needles()) == []
        after = Beneficiary.objects.get(pk=person.pk)
        assert (after.state, after.current_territory_id) == (state, territory)
        assert after.birth_date.year // 5 == SECRETS["birth_date"].year // 5
        assert after.sex == "F" and after.protection_status == "refugee"
        assert indicators == (
            list(Attendance.objects.filter(enrolment__beneficiary=person).values("status")),
            list(
                AlternanceContract.objects.filter(beneficiary=person).values(
                    "start_date", "end_date", "status", "kind"
                )
            ),
            list(Occupancy.objects.filter(beneficiary=person).values("start_date", "destination")),
        )
        other = Beneficiary.objects.get(pk=full_person["other"].pk)
        assert other.last_name == "Témoin"
        record.refresh_from_db()
        assert record.status == Anonymisation.Status.DONE
        assert record.requested_on == datetime.date.today()
        # The history scrub recorded itself, table by table.
        scrubs = set(
            HistoryScrub.objects.filter(anonymisation=record).values_list("event_table", flat=True)
        )
        assert "beneficiaries_beneficiaryevent" in scrubs
    assert not document.file.storage.exists(document.file.name)


@pytest.mark.django_db
def test_anonymisation_asks_a_reason_and_is_done_once(full_person):
    person, org = full_person["person"], full_person["org"]
    with tenant_context(org):
        with pytest.raises(ValidationError):
            services.person_anonymise(
                actor=full_person["actor"], person=person, kind="decision", reason=" "
            )
        with pytest.raises(ValidationError):
            services.person_anonymise(
                actor=full_person["actor"],
                person=person,
                kind=AnonymisationKind.ERASURE_REQUEST,
                reason="Demande",
            )
        assert Beneficiary.objects.get(pk=person.pk).last_name == SECRETS["last_name"]
        services.person_anonymise(
            actor=full_person["actor"], person=person, kind="decision", reason="Décision"
        )
        with pytest.raises(ValidationError):
            services.person_anonymise(
                actor=full_person["actor"], person=person, kind="decision", reason="Encore"
            )


@pytest.mark.django_db
def test_the_runtime_role_cannot_change_history_except_through_a_pending_anonymisation(
    full_person,
):
    org = full_person["org"]
    with tenant_context(org):
        with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("UPDATE beneficiaries_beneficiaryevent SET phone = ''")
        with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("DELETE FROM beneficiaries_beneficiaryevent")
        with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(
                "INSERT INTO privacy_historyscrub (organisation_id, anonymisation_id,"
                " event_table, columns, rows, at, db_user) VALUES"
                " (%s, 1, 'x', 'y', 0, now(), 'me')",
                [org.pk],
            )
        # A pending anonymisation of another transaction is refused.
        stale = Anonymisation.objects.create(
            person=full_person["person"],
            kind="decision",
            reason="x",
            transaction_id=1,
        )
        with (
            pytest.raises(DatabaseError, match="no anonymisation pending"),
            transaction.atomic(),
            connection.cursor() as cursor,
        ):
            cursor.execute(
                "SELECT privacy_scrub_history(%s, %s, %s, %s, %s)",
                [
                    stale.pk,
                    "beneficiaries_beneficiaryevent",
                    "beneficiaries_beneficiary",
                    ["phone"],
                    [full_person["person"].pk],
                ],
            )
        # Within the anonymising transaction: only history tables of tenant
        # tables, never the ids.
        with connection.cursor() as cursor:
            cursor.execute("SELECT txid_current()")
            Anonymisation.objects.filter(pk=stale.pk).update(transaction_id=cursor.fetchone()[0])
        for event_table, live_table, columns in (
            ("audit_accesslog", "audit_accesslogevent", ["detail"]),
            ("accounts_organisationevent", "accounts_organisation", ["name"]),
            ("beneficiaries_beneficiaryevent", "beneficiaries_beneficiary", ["organisation_id"]),
            ("beneficiaries_beneficiaryevent", "beneficiaries_beneficiary", ["pgh_obj_id"]),
        ):
            with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
                cursor.execute(
                    "SELECT privacy_scrub_history(%s, %s, %s, %s, %s)",
                    [stale.pk, event_table, live_table, columns, [full_person["person"].pk]],
                )

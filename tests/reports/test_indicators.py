"""Each indicator on the hand-built data set (tests/reports/dataset.py), with
the figure worked out by hand, for the organisation, a territory and a
session."""

import datetime
from decimal import Decimal

import pytest

from beneficiaries import pathway
from thrasos.accounts.models import Role
from thrasos.reports import indicators
from thrasos.reports.indicators import INDICATORS, Scope, compute
from thrasos.tenancy import tenant_context

from . import dataset

D = Decimal

# code: (organisation, territory T1, territory T2, session S1)
EXPECTED = {
    "people_followed": (8, 7, 1, 3),
    "referred": (3, 2, 1, 0),
    "admitted": (2, 2, 0, 1),
    "not_admitted": (1, 1, 0, 0),
    "projects_validated": (2, 2, 0, 2),
    "withdrawn": (1, 1, 0, 1),
    "session_entries": (3, 3, 0, 3),
    "session_completed": (2, 2, 0, 2),
    "session_dropped_out": (1, 1, 0, 1),
    "fle_hours_scheduled": (D("6.5"), D("6.5"), D("0.0"), D("6.5")),
    "fle_hours_held": (D("5.0"), D("5.0"), D("0.0"), D("5.0")),
    "fle_participants": (3, 3, 0, 3),
    "fle_hours_per_participant": (D("3.3"), D("3.3"), None, D("3.3")),
    "attendance_rate": (D("75.0"), D("75.0"), None, D("75.0")),
    "attending_people": (3, 3, 0, 3),
    "contracts_signed": (2, 2, 0, 2),
    "trial_periods_passed": (2, 2, 0, 2),
    "contracts_broken": (1, 1, 0, 0),
    "contracts_in_force": (1, 1, 0, 1),
    "diplomas_obtained": (1, 1, 0, 1),
    "exits": (3, 3, 0, 1),
    "exits_durable_employment": (2, 2, 0, 1),
    "exits_autonomous_housing": (2, 2, 0, 1),
    "positive_exits": (1, 1, 0, 1),
    "positive_exit_rate": (D("33.3"), D("33.3"), None, D("100.0")),
    "follow_ups_6": (1, 0, 1, 0),
    "durable_employment_6": (0, 0, 0, 0),
    "positive_6": (0, 0, 0, 0),
    "follow_ups_12": (1, 1, 0, 0),
    "durable_employment_12": (1, 1, 0, 0),
    "positive_12": (1, 1, 0, 0),
    "people_housed": (4, 3, 1, 2),
    "occupancy_rate": (D("62.3"), D("61.0"), D("67.0"), None),
    "housing_exits_autonomous": (2, 2, 0, 1),
    "people_mentored": (1, 1, 0, 1),
    "mentoring_notes": (2, 2, 0, 2),
    "mentoring_hours": (D("1.5"), D("1.5"), D("0.0"), D("1.5")),
    "mentoring_alerts": (1, 1, 0, 1),
}


def test_every_indicator_has_an_expected_figure_and_a_definition():
    assert set(EXPECTED) == {i.code for i in INDICATORS}
    for indicator in INDICATORS:
        assert str(indicator.name) and str(indicator.definition)
        assert indicator.unit in indicators.Unit.LABELS
        assert indicator.base is None or indicator.base in indicators.BY_CODE


def test_the_spec_definitions_are_the_case_files():
    assert set(indicators.DURABLE_EMPLOYMENT) == set(pathway.DURABLE_EMPLOYMENT)
    assert set(indicators.AUTONOMOUS_HOUSING) == set(pathway.AUTONOMOUS_HOUSING)


@pytest.fixture
def data(two_tenants):
    return dataset.build(two_tenants)


def _compute(data, kind, scope_id):
    with tenant_context(data["org"]):
        return compute(
            organisation_id=data["org"].pk,
            scope_kind=kind,
            scope_id=scope_id,
            period=dataset.PERIOD,
            today=dataset.TODAY,
        )


@pytest.mark.django_db
def test_each_indicator_for_each_scope_on_the_hand_built_data(data):
    scopes = [
        (Scope.ORGANISATION, None),
        (Scope.TERRITORY, data["t1"].pk),
        (Scope.TERRITORY, data["t2"].pk),
        (Scope.SESSION, data["s1"].pk),
    ]
    got = {code: [] for code in EXPECTED}
    for kind, scope_id in scopes:
        values = _compute(data, kind, scope_id)
        for code in EXPECTED:
            got[code].append(values[code])
    wrong = {
        code: (got[code], expected)
        for code, expected in EXPECTED.items()
        if tuple(got[code]) != expected
    }
    assert wrong == {}


@pytest.mark.django_db
def test_all_indicators_in_one_query(data, django_assert_num_queries):
    # One statement, after turning PostgreSQL's JIT off for the transaction.
    with tenant_context(data["org"]), django_assert_num_queries(2):
        compute(
            organisation_id=data["org"].pk,
            scope_kind=Scope.ORGANISATION,
            scope_id=None,
            period=dataset.PERIOD,
            today=dataset.TODAY,
        )


@pytest.mark.django_db
def test_another_organisation_sees_none_of_it(data, two_tenants):
    org_b = two_tenants["b"]["org"]
    with tenant_context(org_b):
        values = compute(
            organisation_id=org_b.pk,
            scope_kind=Scope.ORGANISATION,
            scope_id=None,
            period=dataset.PERIOD,
            today=dataset.TODAY,
        )
    assert values["exits"] == 1 and values["positive_exits"] == 1
    assert values["contracts_signed"] == 0 and values["people_housed"] == 0
    # Asking for A's figures from B's tenant: row-level security answers nothing.
    with tenant_context(org_b):
        values = compute(
            organisation_id=data["org"].pk,
            scope_kind=Scope.ORGANISATION,
            scope_id=None,
            period=dataset.PERIOD,
            today=dataset.TODAY,
        )
    assert values["people_followed"] == 0 and values["exits"] == 0


def test_a_scope_is_named_consistently():
    period = dataset.PERIOD
    with pytest.raises(ValueError):
        compute(organisation_id=1, scope_kind="region", scope_id=1, period=period, today=period.end)
    with pytest.raises(ValueError):
        compute(organisation_id=1, scope_kind="territory", scope_id=None, period=period,
                today=period.end)  # fmt: skip


def test_people_at_each_stage_month_by_month_on_paris_days(two_tenants):
    """The stays at each stage against a count made here, person by person,
    with a transition at 00:30 in Paris on the 1st of February (23:30 UTC
    the day before): it counts from February."""
    import zoneinfo

    from beneficiaries.models import PathwayTransition
    from thrasos.reports import figures

    data = dataset.build(two_tenants)
    org = data["org"]
    a = two_tenants["a"]
    late = dataset.person(
        org, a["territory"], a["members"][Role.ADMIN].user, "Minuit",
        [("referred", "2026-01-10"), ("candidate", "2026-01-20")],
    )  # fmt: skip
    paris = zoneinfo.ZoneInfo("Europe/Paris")
    with tenant_context(org):
        PathwayTransition.objects.filter(beneficiary=late, to_state="candidate").update(
            at=datetime.datetime(2026, 2, 1, 0, 30, tzinfo=paris)
        )
        query = figures.Query(org.pk, "organisation", None, dataset.PERIOD, dataset.TODAY)
        counts = figures.stage_counts(query)
        paths = {}
        for t in PathwayTransition.objects.order_by("at", "id"):
            paths.setdefault(t.beneficiary_id, []).append(
                (t.at.astimezone(paris).date(), t.to_state)
            )
    expected = {}
    for day in figures.month_ends(dataset.PERIOD):
        expected[day] = dict.fromkeys(dataset.STAGES, 0)
        for path in paths.values():
            state = next((s for d, s in reversed(path) if d <= day), None)
            if state in expected[day]:
                expected[day][state] += 1
    assert counts == expected
    assert sum(sum(c.values()) for c in counts.values()) > 0

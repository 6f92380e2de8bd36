"""The register of personal data: every field of every tenant model is
classified, personal ones with a purpose and a sensitivity that agree with
the field policy (FIELD_SENSITIVITY)."""

import pghistory.models
from django.apps import apps

from thrasos.permissions import Sensitivity
from thrasos.privacy import registry
from thrasos.privacy.registry import Erase
from thrasos.tenancy import TenantModel

# Columns every tenant model has, that say nothing about anyone.
STRUCTURAL = {"id", "organisation"}
# Names that, on any model, hold personal data: declaring them "other" needs
# a named reason here.
LOOKS_PERSONAL = (
    "name",
    "phone",
    "email",
    "address",
    "birth",
    "body",
    "summary",
    "comment",
    "justification",
    "reason",
    "message",
    "evidence",
    "contact",
    "notes",
    "title",
)
NOT_PERSONAL_DESPITE_THE_NAME = {
    # Partners are companies and the charity's own housing; their names,
    # addresses and notes are not a person's.
    "beneficiaries.ReferringOrganisation": {"name"},
    "prep_sessions.PreparationSession": {"name"},
    "prep_sessions.ActivitySeries": {"title"},
    "placements.Sector": {"name"},
    "placements.DiplomaLevel": {"name"},
    "placements.Opco": {"name"},
    "placements.Employer": {"name", "address", "notes"},
    "placements.TrainingOrganisation": {"name", "address", "notes"},
    "housing.HousingUnit": {"name", "address", "notes"},
    "housing.Place": {"notes"},
    # A setting: how volunteers see a mentee's name (initial or full), no name in it.
    "mentoring.MentoringSettings": {"mentee_name"},
    "accounts.Territory": {"name"},
    "apitokens.ApiToken": {"name"},
    # Codes, not texts: the reason is a choice.
    "beneficiaries.PathwayTransition": {"reason"},
    "prep_sessions.Enrolment": {"dropout_reason"},
    "mentoring.Mentorship": {"end_reason"},
    "housing.Occupancy": {"early_end_reason"},
    "mentoring.MentoringNote": {"alert_reason"},
    # Counts of rows per table, no one named.
    "privacy.Anonymisation": {"summary"},
}


def _tenant_models():
    return [
        m
        for m in apps.get_models()
        if issubclass(m, TenantModel) and not issubclass(m, pghistory.models.Event)
    ]


def test_every_field_of_every_tenant_model_is_classified():
    missing, both, stale = [], [], []
    for model in _tenant_models():
        declared = registry.declaration(model)
        names = {f.name for f in model._meta.concrete_fields} - STRUCTURAL
        if declared is None:
            missing.append(f"{model._meta.label} (all fields)")
            continue
        personal, other = set(declared.fields), set(declared.other)
        missing += [f"{model._meta.label}.{n}" for n in sorted(names - personal - other)]
        both += [f"{model._meta.label}.{n}" for n in sorted(personal & other)]
        stale += [f"{model._meta.label}.{n}" for n in sorted((personal | other) - names)]
    assert missing == [], "declare these fields in the app's personal_data.py"
    assert both == []
    assert stale == []


def test_fields_that_look_personal_are_declared_personal():
    suspicious = []
    for model in _tenant_models():
        declared = registry.declaration(model)
        allowed = NOT_PERSONAL_DESPITE_THE_NAME.get(model._meta.label, set())
        for name in declared.other:
            if any(word in name for word in LOOKS_PERSONAL) and name not in allowed:
                suspicious.append(f"{model._meta.label}.{name}")
    assert suspicious == []


def test_personal_fields_have_a_french_purpose_and_the_policys_sensitivity():
    problems = []
    for declared in registry.declared_models():
        policy = getattr(declared.model, "FIELD_SENSITIVITY", {})
        for name in policy:
            if name not in declared.fields:
                problems.append(f"{declared.label}.{name}: in FIELD_SENSITIVITY, not declared")
        for name, field in declared.fields.items():
            if len(str(field.purpose)) < 10:
                problems.append(f"{declared.label}.{name}: no purpose")
            if field.sensitivity is None and name not in policy:
                problems.append(f"{declared.label}.{name}: no sensitivity")
            if field.sensitivity is not None and policy.get(name, field.sensitivity) != (
                field.sensitivity
            ):
                problems.append(f"{declared.label}.{name}: sensitivity differs from policy")
            assert isinstance(declared.sensitivity(name), Sensitivity)
            if field.erase == Erase.REPLACE:
                assert field.replacement is not None, name
    assert problems == []


def test_the_person_followed_is_declared_and_rows_about_them_say_how_to_reach_them():
    person = registry.person_model()
    assert registry.declaration(person).person == ""
    for declared in registry.person_models():
        if declared.person:
            field = declared.model._meta.get_field(declared.person.split("__")[0])
            assert field.is_relation, declared.label

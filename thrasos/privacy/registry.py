"""The register of personal data (GDPR art. 30): every field of every tenant
model is either declared personal — with its sensitivity (the field policy of
thrasos.permissions), its purpose in French and what anonymisation does to
it — or named as holding no personal data. Each module declares its own
models in a `personal_data.py` module, found by PrivacyConfig.ready(): the
platform never imports a module, and a module added later only declares its
fields (tests/privacy/test_registry.py fails on a field nobody classified).

The same declarations drive the subject access export (which rows belong to a
person: `person`, a lookup from the model to the person followed), the
anonymisation (what is cleared, replaced or kept for the indicators) and the
admin page that lists them."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _

from thrasos.permissions import READABLE, Sensitivity


class Erase:
    """What anonymisation does to a personal field."""

    CLEAR = "clear"  # blank, NULL or empty list
    REPLACE = "replace"  # a neutral value computed by `replacement`
    KEEP = "keep"  # an indicator needs it (dates, stages, outcomes, territory)

    LABELS = {
        CLEAR: _("cleared"),
        REPLACE: _("replaced"),
        KEEP: _("kept (indicators)"),
    }


@dataclass(frozen=True)
class PersonalField:
    purpose: str
    # None: taken from the model's FIELD_SENSITIVITY (the field policy the
    # pages, API and exports already apply), which must then name the field.
    sensitivity: Sensitivity | None = None
    erase: str = Erase.CLEAR
    # For Erase.REPLACE: (row) -> value.
    replacement: Callable[[Any], Any] | None = None


@dataclass
class PersonalModel:
    model: type[models.Model]
    # Lookup from this model to the person followed ("" for the person's own
    # model, None when the rows are not about a person followed: staff,
    # partners' contacts).
    person: str | None
    fields: dict[str, PersonalField]
    # Fields that hold no personal data (ids of other rows, technical dates,
    # stages and outcomes that are only meaningful with the person's id).
    other: frozenset[str] = field(default_factory=frozenset)
    retention: str = ""
    # Whether the subject access export lists these rows (False: rows whose
    # content is reached another way, e.g. the person's own model).
    exported: bool = True
    # (row) -> files to delete from storage on anonymisation.
    files: Callable[[Any], Iterable[Any]] | None = None
    # For a model whose changes are not recorded (append-only rows): the
    # field that dates each row, for the person's last activity.
    activity: str | None = None

    @property
    def label(self) -> str:
        return self.model._meta.label

    def sensitivity(self, name: str) -> Sensitivity:
        declared = self.fields[name].sensitivity
        if declared is not None:
            return declared
        return self.model.FIELD_SENSITIVITY[name]


# How long the programme keeps a case file (SPEC §5.8), as shown on the
# register page.
RETENTION_CASE_FILE = _(
    "2 years after the last activity, then anonymised (unless a reason to keep it is recorded)"
)
RETENTION_STAFF = _("while the membership lasts")
RETENTION_ACCESS_LOG = _("12 months, then deleted")
RETENTION_PARTNER = _("while the partnership lasts")

_models: dict[str, PersonalModel] = {}
_person_model: list[type[models.Model]] = []
_export_sources: list[Callable[[Any], Iterable[tuple[str, list[dict]]]]] = []


def declare(
    model: type[models.Model],
    *,
    person: str | None,
    fields: dict[str, PersonalField] | None = None,
    other: Iterable[str] = (),
    retention: str = RETENTION_CASE_FILE,
    exported: bool = True,
    files: Callable[[Any], Iterable[Any]] | None = None,
    activity: str | None = None,
) -> PersonalModel:
    declared = PersonalModel(
        model=model,
        person=person,
        fields=dict(fields or {}),
        other=frozenset(other),
        retention=retention,
        exported=exported,
        files=files,
        activity=activity,
    )
    _models[declared.label] = declared
    return declared


def declare_person_model(model: type[models.Model]) -> None:
    """The model of the people the programme follows (beneficiaries)."""
    if model not in _person_model:
        _person_model.append(model)


def person_model() -> type[models.Model]:
    if not _person_model:
        raise LookupError("No module declared the model of the people followed.")
    return _person_model[0]


def register_export_source(source: Callable[[Any], Iterable[tuple[str, list[dict]]]]) -> None:
    """A module whose data about a person is not a declared model's rows (e.g.
    the notifications about them, built later) adds it to the subject access
    export: source(person) yields (section title, list of plain dicts)."""
    if source not in _export_sources:
        _export_sources.append(source)


def export_sources() -> list:
    return list(_export_sources)


_anonymisers: list[Callable[[Any], int]] = []


def register_anonymiser(anonymiser: Callable[[Any], int]) -> None:
    """A module holding a copy of a person's name where no declared field
    reaches it (e.g. a reminder's subject) removes it when the person is
    anonymised: anonymiser(person) -> rows changed, called with the person's
    values as they were, inside the anonymisation's transaction."""
    if anonymiser not in _anonymisers:
        _anonymisers.append(anonymiser)


def anonymisers() -> list:
    return list(_anonymisers)


def declared_models() -> list[PersonalModel]:
    return sorted(_models.values(), key=lambda d: d.label)


def declaration(model: type[models.Model]) -> PersonalModel | None:
    return _models.get(model._meta.label)


def person_models() -> list[PersonalModel]:
    """The declared models whose rows are about a person followed."""
    return [d for d in declared_models() if d.person is not None]


def rows_of(declared: PersonalModel, person) -> models.QuerySet:
    if declared.person == "":
        return declared.model.objects.filter(pk=person.pk)
    return declared.model.objects.filter(**{declared.person: person})


def who_reads(sensitivity: Sensitivity) -> list[str]:
    """The roles whose field policy lets them read this kind of data."""
    return [role for role, kinds in READABLE.items() if sensitivity in kinds]


def clear(purpose: str, sensitivity: Sensitivity | None = None) -> PersonalField:
    return PersonalField(purpose=purpose, sensitivity=sensitivity, erase=Erase.CLEAR)


def keep(purpose: str, sensitivity: Sensitivity | None = None) -> PersonalField:
    return PersonalField(purpose=purpose, sensitivity=sensitivity, erase=Erase.KEEP)


def replace(
    purpose: str, replacement: Callable[[Any], Any], sensitivity: Sensitivity | None = None
) -> PersonalField:
    return PersonalField(
        purpose=purpose, sensitivity=sensitivity, erase=Erase.REPLACE, replacement=replacement
    )

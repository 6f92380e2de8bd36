"""Placements (SPEC §5.3): the partner directory, the referentials it uses,
the professional project, the alternance contract and the follow-ups after
exit."""

import datetime

from django.conf import settings
from django.contrib.postgres.constraints import ExclusionConstraint
from django.contrib.postgres.fields import ArrayField, DateRangeField, RangeOperators
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Func, Q, Value
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from beneficiaries.models import normalise_name
from beneficiaries.pathway import EmploymentOutcome, HousingOutcome
from thrasos.audit.history import track_changes
from thrasos.core.fields import BoundedTextField
from thrasos.core.validators import PROGRAMME_EARLIEST, DateRange
from thrasos.permissions import Sensitivity
from thrasos.referentials import geo
from thrasos.tenancy import TenantModel, TerritoryQuerySet, tenant_manager

from .validators import validate_naf, validate_rncp, validate_rome, validate_siret, validate_uai

ILE_DE_FRANCE = "11"


# --- referentials (per organisation, defaults seeded, editable by admins)


@track_changes
class Sector(TenantModel):
    """A sector in tension (“secteur en tension”)."""

    name = models.CharField(_("name"), max_length=100)
    position = models.PositiveSmallIntegerField(_("order"), default=0)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("sector")
        verbose_name_plural = _("sectors")
        ordering = ["position", "name"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "name"], name="placements_sector_name")
        ]

    def __str__(self) -> str:
        return self.name


@track_changes
class DiplomaLevel(TenantModel):
    """The French qualification levels (3: CAP … 8: doctorate)."""

    level = models.PositiveSmallIntegerField(
        _("level"), validators=[MinValueValidator(3), MaxValueValidator(8)]
    )
    name = models.CharField(_("name"), max_length=100)

    class Meta:
        verbose_name = _("diploma level")
        verbose_name_plural = _("diploma levels")
        ordering = ["level"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "level"], name="placements_diploma_level"
            ),
            models.CheckConstraint(
                condition=Q(level__gte=3, level__lte=8), name="placements_diploma_level_range"
            ),
        ]

    def __str__(self) -> str:
        return self.name


@track_changes
class Opco(TenantModel):
    """An OPCO (opérateur de compétences), which funds the contract."""

    name = models.CharField(_("name"), max_length=100)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("OPCO")
        verbose_name_plural = _("OPCOs")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "name"], name="placements_opco_name")
        ]

    def __str__(self) -> str:
        return self.name


DEFAULT_SECTORS = [
    _("Construction and public works"),
    _("Hotels and restaurants"),
    _("Personal care and assistance"),
    _("Transport and logistics"),
    _("Industry"),
    _("Cleaning"),
    _("Agriculture"),
    _("Retail"),
    _("Health and social care"),
]
DEFAULT_DIPLOMA_LEVELS = [
    (3, _("Level 3 – CAP, BEP")),
    (4, _("Level 4 – bac pro, BP, BT")),
    (5, _("Level 5 – BTS, DUT")),
    (6, _("Level 6 – bachelor, licence pro")),
    (7, _("Level 7 – master, engineering degree")),
    (8, _("Level 8 – doctorate")),
]
DEFAULT_OPCOS = [
    "AFDAS",
    "AKTO",
    "ATLAS",
    "Constructys",
    "OCAPIAT",
    "OPCO 2i",
    "OPCO Commerce",
    "OPCO EP",
    "OPCO Mobilités",
    "OPCO Santé",
    "Uniformation",
]


# --- partner directory


class PartnerQuerySet(models.QuerySet):
    def search(self, query: str):
        """Accent- and case-insensitive, on the name and the city (stored
        normalised), or the beginning of the SIRET."""
        needle = normalise_name(query)
        if not needle:
            return self
        condition = Q(search_text__contains=needle)
        digits = "".join(c for c in query if c.isdigit())
        if len(digits) >= 3 and digits == query.replace(" ", ""):
            condition |= Q(siret__startswith=digits)
        return self.filter(condition)

    def in_region(self, region: str):
        return self.filter(regions__contains=[region])


class Partner(TenantModel):
    """What employers and training organisations share."""

    name = models.CharField(_("name"), max_length=200)
    siret = models.CharField(
        _("SIRET"), max_length=14, validators=[validate_siret], help_text=_("14 digits.")
    )
    address = models.CharField(_("address"), max_length=255, blank=True)
    postcode = models.CharField(_("postcode"), max_length=5, blank=True)
    city = models.CharField(_("city"), max_length=100)
    departement = models.CharField(_("département"), max_length=3, choices=geo.DEPARTEMENT_CHOICES)
    regions = ArrayField(
        models.CharField(max_length=2, choices=geo.REGION_CHOICES),
        verbose_name=_("regions it recruits in"),
        default=list,
        blank=True,
    )
    notes = BoundedTextField(_("notes"), max_length=5_000, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    search_text = models.CharField(max_length=320, editable=False, db_collation="C")

    objects = tenant_manager(PartnerQuerySet)

    class Meta:
        abstract = True
        ordering = ["search_text", "id"]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        self.search_text = f"{normalise_name(self.name)} | {normalise_name(self.city)}"
        if kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = {*kwargs["update_fields"], "search_text"}
        super().save(*args, **kwargs)

    @property
    def region_names(self) -> list[str]:
        return [geo.REGIONS.get(code, code) for code in self.regions]

    @property
    def region(self) -> str:
        return geo.region_of(self.departement) if self.departement in geo.DEPARTEMENTS else ""


@track_changes
class Employer(Partner):
    sector = models.ForeignKey(
        Sector, on_delete=models.PROTECT, related_name="+", verbose_name=_("sector")
    )
    naf_code = models.CharField(_("NAF code"), max_length=6, blank=True, validators=[validate_naf])

    class Meta(Partner.Meta):
        verbose_name = _("employer")
        verbose_name_plural = _("employers")
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "siret"],
                name="placements_employer_siret",
                violation_error_message=_(
                    "An employer with this SIRET is already in the directory."
                ),
            )
        ]
        indexes = [
            models.Index(
                fields=["organisation", "search_text", "id"], name="placements_emp_search"
            ),
        ]

    def get_absolute_url(self) -> str:
        return reverse("placements:employer_detail", args=[self.pk])


@track_changes
class TrainingOrganisation(Partner):
    """A training organisation; an apprentice training centre (CFA) has a UAI."""

    uai = models.CharField(
        _("UAI"),
        max_length=8,
        blank=True,
        validators=[validate_uai],
        help_text=_("Apprentice training centres: 7 digits and a letter."),
    )
    qualiopi = models.BooleanField(_("Qualiopi certified"), default=False)
    qualiopi_on = models.DateField(
        _("Qualiopi certification date"),
        null=True,
        blank=True,
        validators=[DateRange(earliest=datetime.date(2019, 1, 1))],
    )

    class Meta(Partner.Meta):
        verbose_name = _("training organisation")
        verbose_name_plural = _("training organisations")
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "siret"],
                name="placements_training_siret",
                violation_error_message=_(
                    "A training organisation with this SIRET is already in the directory."
                ),
            )
        ]
        indexes = [
            models.Index(fields=["organisation", "search_text", "id"], name="placements_to_search"),
        ]

    def clean(self) -> None:
        super().clean()
        if self.qualiopi_on and not self.qualiopi:
            raise ValidationError(
                {"qualiopi": _("A certification date is given: tick “Qualiopi certified”.")}
            )

    def get_absolute_url(self) -> str:
        return reverse("placements:training_detail", args=[self.pk])


@track_changes
class PartnerContact(TenantModel):
    """A person to call at an employer or a training organisation."""

    employer = models.ForeignKey(
        Employer, on_delete=models.CASCADE, null=True, blank=True, related_name="contacts"
    )
    training_organisation = models.ForeignKey(
        TrainingOrganisation,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="contacts",
    )
    name = models.CharField(_("name"), max_length=150)
    role = models.CharField(_("role"), max_length=100, blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)

    class Meta:
        verbose_name = _("contact")
        verbose_name_plural = _("contacts")
        ordering = ["name", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(employer__isnull=False, training_organisation__isnull=True)
                | Q(employer__isnull=True, training_organisation__isnull=False),
                name="placements_contact_one_partner",
            )
        ]

    def __str__(self) -> str:
        return self.name


# --- the person's professional project


class ProjectQuerySet(TerritoryQuerySet):
    territory_field = "beneficiary__current_territory"


@track_changes
class ProfessionalProject(TenantModel):
    class Status(models.TextChoices):
        IN_PROGRESS = "in_progress", _("In progress")
        VALIDATED = "validated", _("Validated")
        ABANDONED = "abandoned", _("Abandoned")

    beneficiary = models.ForeignKey(
        "beneficiaries.Beneficiary", on_delete=models.CASCADE, related_name="projects"
    )
    target_job = models.CharField(_("target job"), max_length=200)
    rome_code = models.CharField(
        _("ROME code"), max_length=5, blank=True, validators=[validate_rome]
    )
    sector = models.ForeignKey(
        Sector, on_delete=models.PROTECT, related_name="+", verbose_name=_("sector")
    )
    target_regions = ArrayField(
        models.CharField(max_length=2, choices=geo.REGION_CHOICES),
        verbose_name=_("target regions"),
        default=list,
    )
    diploma_title = models.CharField(_("target diploma"), max_length=200, blank=True)
    rncp_code = models.CharField(
        _("RNCP code"), max_length=10, blank=True, validators=[validate_rncp]
    )
    diploma_level = models.ForeignKey(
        DiplomaLevel,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("diploma level"),
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.IN_PROGRESS
    )
    started_on = models.DateField(
        _("started on"), validators=[DateRange(earliest=PROGRAMME_EARLIEST)]
    )
    validated_on = models.DateField(_("validated on"), null=True, blank=True)
    abandoned_on = models.DateField(_("abandoned on"), null=True, blank=True)
    comment = BoundedTextField(_("comment"), max_length=2_000, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = tenant_manager(ProjectQuerySet)

    FIELD_SENSITIVITY = {
        name: Sensitivity.PATHWAY
        for name in (
            "beneficiary",
            "target_job",
            "rome_code",
            "sector",
            "target_regions",
            "diploma_title",
            "rncp_code",
            "diploma_level",
            "status",
            "started_on",
            "validated_on",
            "abandoned_on",
            "comment",
        )
    }

    class Meta:
        verbose_name = _("professional project")
        verbose_name_plural = _("professional projects")
        ordering = ["-started_on", "-id"]
        constraints = [
            # One current project at a time; abandoned ones stay as history.
            models.UniqueConstraint(
                fields=["organisation", "beneficiary"],
                condition=~Q(status="abandoned"),
                name="placements_one_current_project",
                violation_error_message=_("This person already has a current project."),
            )
        ]

    def __str__(self) -> str:
        return self.target_job

    @property
    def region_names(self) -> list[str]:
        return [geo.REGIONS.get(code, code) for code in self.target_regions]

    @property
    def only_ile_de_france(self) -> bool:
        return bool(self.target_regions) and set(self.target_regions) == {ILE_DE_FRANCE}

    def clean(self) -> None:
        super().clean()
        if not self.target_regions:
            raise ValidationError({"target_regions": _("Give at least one target region.")})


# --- the alternance contract


class ContractQuerySet(TerritoryQuerySet):
    territory_field = "beneficiary__current_territory"

    def in_force(self):
        return self.filter(status__in=AlternanceContract.IN_FORCE)


class DateRangeOf(Func):
    """daterange(start, end, '[]'), for the exclusion constraint."""

    function = "daterange"
    output_field = DateRangeField()


@track_changes
class AlternanceContract(TenantModel):
    class Kind(models.TextChoices):
        APPRENTICESHIP = "apprenticeship", _("Apprenticeship contract")
        PROFESSIONALISATION = "professionalisation", _("Professionalisation contract")

    class Status(models.TextChoices):
        SIGNED = "signed", _("Signed")
        IN_PROGRESS = "in_progress", _("In progress")
        COMPLETED = "completed", pgettext_lazy("contract", "Completed")
        BROKEN = "broken", _("Broken")

    class BrokenBy(models.TextChoices):
        EMPLOYER = "employer", _("The employer")
        APPRENTICE = "apprentice", _("The apprentice")
        BOTH = "both", _("Both (mutual agreement)")
        TRIAL = "trial_period", _("During the trial period")

    class Result(models.TextChoices):
        PENDING = "pending", _("Pending")
        OBTAINED = "obtained", _("Obtained")
        FAILED = "failed", _("Failed")

    IN_FORCE = (Status.SIGNED, Status.IN_PROGRESS)
    # SPEC §5.3: 6 to 18 months; outside, a written justification.
    MIN_MONTHS, MAX_MONTHS = 6, 18

    beneficiary = models.ForeignKey(
        "beneficiaries.Beneficiary", on_delete=models.CASCADE, related_name="contracts"
    )
    kind = models.CharField(_("type"), max_length=20, choices=Kind.choices)
    employer = models.ForeignKey(
        Employer, on_delete=models.PROTECT, related_name="contracts", verbose_name=_("employer")
    )
    training_organisation = models.ForeignKey(
        TrainingOrganisation,
        on_delete=models.PROTECT,
        related_name="contracts",
        verbose_name=_("training organisation"),
    )
    project = models.ForeignKey(
        ProfessionalProject,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="contracts",
        verbose_name=_("professional project"),
    )
    diploma_title = models.CharField(_("diploma prepared"), max_length=200)
    rncp_code = models.CharField(
        _("RNCP code"), max_length=10, blank=True, validators=[validate_rncp]
    )
    diploma_level = models.ForeignKey(
        DiplomaLevel,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("diploma level"),
    )
    opco = models.ForeignKey(
        Opco,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("OPCO"),
    )
    start_date = models.DateField(
        _("start date"), validators=[DateRange(earliest=PROGRAMME_EARLIEST, years_ahead=1)]
    )
    end_date = models.DateField(_("end date"))
    duration_justification = BoundedTextField(
        _("justification of the duration"),
        max_length=2_000,
        blank=True,
        help_text=_("Needed when the contract lasts less than 6 or more than 18 months."),
    )
    trial_period_end = models.DateField(_("end of the trial period"))
    exam_date = models.DateField(_("exam date"), null=True, blank=True)
    work_city = models.CharField(_("work site: city"), max_length=100)
    work_departement = models.CharField(
        _("work site: département"), max_length=3, choices=geo.DEPARTEMENT_CHOICES
    )
    work_site_justification = BoundedTextField(
        _("justification of a work site in Île-de-France"), max_length=2_000, blank=True
    )
    tutor_name = models.CharField(_("tutor"), max_length=150, blank=True)
    tutor_role = models.CharField(_("tutor's role"), max_length=100, blank=True)
    tutor_contact = models.CharField(_("tutor's phone or e-mail"), max_length=200, blank=True)
    weekly_hours = models.DecimalField(
        _("weekly hours"),
        max_digits=4,
        decimal_places=1,
        default=35,
        validators=[MinValueValidator(1), MaxValueValidator(48)],
    )
    gross_monthly_pay = models.DecimalField(
        _("gross monthly pay (€)"),
        max_digits=7,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.SIGNED
    )
    signed_on = models.DateField(_("signed on"))
    broken_on = models.DateField(_("broken on"), null=True, blank=True)
    broken_by = models.CharField(_("ended by"), max_length=20, choices=BrokenBy.choices, blank=True)
    break_reason = BoundedTextField(_("reason for the break"), max_length=2_000, blank=True)
    completed_on = models.DateField(_("completed on"), null=True, blank=True)
    diploma_result = models.CharField(
        _("diploma result"), max_length=10, choices=Result.choices, default=Result.PENDING
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = tenant_manager(ContractQuerySet)

    FIELD_SENSITIVITY = {
        name: Sensitivity.PATHWAY
        for name in (
            "beneficiary",
            "kind",
            "employer",
            "training_organisation",
            "project",
            "diploma_title",
            "rncp_code",
            "diploma_level",
            "opco",
            "start_date",
            "end_date",
            "duration_justification",
            "trial_period_end",
            "exam_date",
            "work_city",
            "work_departement",
            "work_site_justification",
            "tutor_name",
            "tutor_role",
            "tutor_contact",
            "weekly_hours",
            "status",
            "signed_on",
            "broken_on",
            "broken_by",
            "break_reason",
            "completed_on",
            "diploma_result",
        )
    } | {"gross_monthly_pay": Sensitivity.ADMINISTRATIVE}

    class Meta:
        verbose_name = _("alternance contract")
        verbose_name_plural = _("alternance contracts")
        ordering = ["-start_date", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__gt=F("start_date")), name="placements_contract_dates"
            ),
            models.CheckConstraint(
                condition=Q(trial_period_end__gte=F("start_date"))
                & Q(trial_period_end__lte=F("end_date")),
                name="placements_contract_trial",
            ),
            models.CheckConstraint(
                condition=Q(weekly_hours__gt=0) & Q(weekly_hours__lte=48),
                name="placements_contract_hours",
            ),
            models.CheckConstraint(
                condition=Q(gross_monthly_pay__isnull=True) | Q(gross_monthly_pay__gte=0),
                name="placements_contract_pay",
            ),
            # Two contracts in force for one person over the same days: refused
            # by the database, also when two requests race.
            ExclusionConstraint(
                name="placements_one_contract_in_force",
                expressions=[
                    (F("organisation"), RangeOperators.EQUAL),
                    (F("beneficiary"), RangeOperators.EQUAL),
                    (DateRangeOf("start_date", "end_date", Value("[]")), RangeOperators.OVERLAPS),
                ],
                condition=Q(status__in=["signed", "in_progress"]),
                violation_error_message=_(
                    "This person already has a contract in force over these dates."
                ),
            ),
        ]
        indexes = [
            models.Index(
                fields=["organisation", "status", "end_date"], name="placements_ctr_status"
            ),
            models.Index(fields=["organisation", "employer"], name="placements_ctr_employer"),
            models.Index(
                fields=["organisation", "training_organisation"], name="placements_ctr_training"
            ),
            models.Index(fields=["organisation", "beneficiary"], name="placements_ctr_person"),
            # The contracts list: by end date, paged by keyset (end_date, id);
            # "trial period ending within 30 days".
            models.Index(fields=["organisation", "end_date", "id"], name="placements_ctr_end"),
            models.Index(fields=["organisation", "trial_period_end"], name="placements_ctr_trial"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} – {self.employer}"

    @property
    def months(self) -> int:
        """Whole months from the start to the end (the end day included)."""
        end = self.end_date + datetime.timedelta(days=1)
        months = (end.year - self.start_date.year) * 12 + end.month - self.start_date.month
        if end.day < self.start_date.day:
            months -= 1
        return months

    @property
    def duration_out_of_bounds(self) -> bool:
        if not (self.start_date and self.end_date):
            return False
        end = self.end_date + datetime.timedelta(days=1)
        return end < add_months(self.start_date, self.MIN_MONTHS) or end > add_months(
            self.start_date, self.MAX_MONTHS
        )

    @property
    def work_site_in_ile_de_france(self) -> bool:
        return (
            self.work_departement in geo.DEPARTEMENTS
            and geo.region_of(self.work_departement) == ILE_DE_FRANCE
        )

    @property
    def in_force(self) -> bool:
        return self.status in self.IN_FORCE

    def clean(self) -> None:
        super().clean()
        errors = {}
        if self.start_date and self.end_date:
            if self.end_date <= self.start_date:
                errors["end_date"] = _("The end date must be after the start date.")
            elif self.duration_out_of_bounds and not self.duration_justification.strip():
                errors["duration_justification"] = _(
                    "The contract lasts %(months)s months, outside the 6 to 18 months of the "
                    "programme: write why."
                ) % {"months": self.months}
        if self.start_date and self.signed_on and self.signed_on > self.start_date:
            errors["signed_on"] = _("A contract is signed before it starts, or on its first day.")
        if (
            self.trial_period_end
            and self.start_date
            and self.end_date
            and not self.start_date <= self.trial_period_end <= self.end_date
        ):
            errors["trial_period_end"] = _(
                "The trial period ends between the start and the end of the contract."
            )
        if self.exam_date and self.start_date and self.exam_date < self.start_date:
            errors["exam_date"] = _("The exam cannot be before the start of the contract.")
        if self.work_site_in_ile_de_france and not self.work_site_justification.strip():
            errors["work_site_justification"] = _(
                "The programme places people outside Île-de-France: write why this work site "
                "is in Île-de-France."
            )
        if errors:
            raise ValidationError(errors)


def add_months(day: datetime.date, months: int) -> datetime.date:
    """The same day `months` later (the last day of a shorter month)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    for candidate in (day.day, 30, 29, 28):
        try:
            return datetime.date(year, month, min(day.day, candidate))
        except ValueError:
            continue
    raise AssertionError("unreachable")


def default_trial_period_end(kind: str, start: datetime.date, end: datetime.date) -> datetime.date:
    """A proposal the caseworker may change: apprenticeship, the first 45 days
    (Code du travail L6222-18); professionalisation under a fixed-term
    contract, two weeks up to six months, one month beyond (L1242-10)."""
    if kind == AlternanceContract.Kind.APPRENTICESHIP:
        proposed = start + datetime.timedelta(days=44)
    elif end < add_months(start, 6):
        proposed = start + datetime.timedelta(days=13)
    else:
        proposed = add_months(start, 1) - datetime.timedelta(days=1)
    return min(proposed, end)


# --- after exit


@track_changes
class FollowUp(TenantModel):
    """The situation observed 6 and 12 months after exit (created at exit)."""

    class Method(models.TextChoices):
        PHONE = "phone", _("Phone call")
        MEETING = "meeting", _("Meeting")
        EMPLOYER = "employer", _("Through the employer")
        UNREACHABLE = "unreachable", _("Unreachable")

    beneficiary = models.ForeignKey(
        "beneficiaries.Beneficiary", on_delete=models.CASCADE, related_name="follow_ups"
    )
    months_after_exit = models.PositiveSmallIntegerField(
        _("months after exit"), choices=[(6, _("6 months")), (12, _("12 months"))]
    )
    due_on = models.DateField(_("due on"))
    observed_on = models.DateField(
        _("observed on"), null=True, blank=True, validators=[DateRange(earliest=PROGRAMME_EARLIEST)]
    )
    method = models.CharField(_("how"), max_length=20, choices=Method.choices, blank=True)
    employment = models.CharField(
        _("employment"), max_length=30, choices=EmploymentOutcome.choices, blank=True
    )
    housing = models.CharField(
        _("housing"), max_length=30, choices=HousingOutcome.choices, blank=True
    )
    comment = BoundedTextField(_("comment"), max_length=2_000, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )

    FIELD_SENSITIVITY = {
        name: Sensitivity.PATHWAY
        for name in (
            "beneficiary",
            "months_after_exit",
            "due_on",
            "observed_on",
            "method",
            "employment",
            "housing",
            "comment",
        )
    }

    class Meta:
        verbose_name = _("follow-up")
        verbose_name_plural = _("follow-ups")
        ordering = ["due_on", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "beneficiary", "months_after_exit"],
                name="placements_follow_up_once",
            ),
            models.CheckConstraint(
                condition=Q(months_after_exit__in=[6, 12]), name="placements_follow_up_months"
            ),
        ]

    @property
    def is_done(self) -> bool:
        return self.observed_on is not None


# Module-level names of the choice sets, for the API schema's enum names
# (SPECTACULAR_SETTINGS["ENUM_NAME_OVERRIDES"]).
ContractKind = AlternanceContract.Kind
ContractStatus = AlternanceContract.Status
DiplomaResult = AlternanceContract.Result
ProjectStatus = ProfessionalProject.Status

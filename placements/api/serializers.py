from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from beneficiaries.models import Beneficiary
from beneficiaries.pathway import WithdrawalReason
from thrasos.core.api import PolicyFieldsMixin, TenantPrimaryKeyField
from thrasos.referentials import geo

from ..models import (
    AlternanceContract,
    DiplomaLevel,
    Employer,
    FollowUp,
    Opco,
    ProfessionalProject,
    Sector,
    TrainingOrganisation,
)
from ..validators import validate_naf, validate_rncp, validate_rome


def format_field(validator, *, max_length: int) -> serializers.RegexField:
    """A code written in a known format (ROME, RNCP, NAF), or "" (blank): the
    pattern appears in the OpenAPI schema; the model's validator (run by the
    service) stays the rule and gives the same French message."""
    return serializers.RegexField(
        regex=rf"^(?:{validator.pattern})$",
        max_length=max_length,
        required=False,
        allow_blank=True,
        error_messages={"invalid": validator.message},
    )


class ContactSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=150)
    role = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")
    phone = serializers.CharField(max_length=30, required=False, allow_blank=True, default="")
    email = serializers.EmailField(required=False, allow_blank=True, default="")


REGIONS = serializers.ListField(
    child=serializers.ChoiceField(choices=geo.REGION_CHOICES), required=False
)
PARTNER_FIELDS = [
    "id",
    "name",
    "siret",
    "address",
    "postcode",
    "city",
    "departement",
    "regions",
    "notes",
    "is_active",
    "contacts",
]


class PartnerSerializer(serializers.ModelSerializer):
    contacts = ContactSerializer(many=True, required=False)
    regions = serializers.ListField(
        child=serializers.ChoiceField(choices=geo.REGION_CHOICES), required=False
    )

    def get_unique_together_validators(self):
        # A duplicate SIRET is refused by the service (and the database).
        return []


class EmployerSerializer(PartnerSerializer):
    sector = TenantPrimaryKeyField(Sector)
    naf_code = format_field(validate_naf, max_length=6)

    class Meta:
        model = Employer
        fields = [*PARTNER_FIELDS[:3], "sector", "naf_code", *PARTNER_FIELDS[3:]]


class TrainingOrganisationSerializer(PartnerSerializer):
    class Meta:
        model = TrainingOrganisation
        fields = [*PARTNER_FIELDS[:3], "uai", "qualiopi", "qualiopi_on", *PARTNER_FIELDS[3:]]


class ProjectSerializer(PolicyFieldsMixin, serializers.ModelSerializer):
    beneficiary = TenantPrimaryKeyField(Beneficiary)
    sector = TenantPrimaryKeyField(Sector)
    diploma_level = TenantPrimaryKeyField(DiplomaLevel, required=False, allow_null=True)
    target_regions = serializers.ListField(
        child=serializers.ChoiceField(choices=geo.REGION_CHOICES),
        allow_empty=False,
        min_length=1,
        error_messages={
            "empty": _("Give at least one target region."),
            "min_length": _("Give at least one target region."),
        },
    )
    rome_code = format_field(validate_rome, max_length=5)
    rncp_code = format_field(validate_rncp, max_length=10)
    only_ile_de_france = serializers.BooleanField(read_only=True)

    class Meta:
        model = ProfessionalProject
        fields = [
            "id",
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
            "only_ile_de_france",
        ]
        read_only_fields = ["status", "validated_on", "abandoned_on"]

    def get_unique_together_validators(self):
        return []

    def to_representation(self, instance):
        data = super().to_representation(instance)
        if "target_regions" in data:
            data["only_ile_de_france"] = instance.only_ile_de_france
        return data


class ProjectUpdateSerializer(ProjectSerializer):
    beneficiary = serializers.PrimaryKeyRelatedField(read_only=True)


class ContractSerializer(PolicyFieldsMixin, serializers.ModelSerializer):
    beneficiary = TenantPrimaryKeyField(Beneficiary)
    employer = TenantPrimaryKeyField(Employer)
    training_organisation = TenantPrimaryKeyField(TrainingOrganisation)
    project = TenantPrimaryKeyField(ProfessionalProject, required=False, allow_null=True)
    diploma_level = TenantPrimaryKeyField(DiplomaLevel, required=False, allow_null=True)
    opco = TenantPrimaryKeyField(Opco, required=False, allow_null=True)
    trial_period_end = serializers.DateField(required=False)
    signed_on = serializers.DateField(required=False)
    rncp_code = format_field(validate_rncp, max_length=10)

    class Meta:
        model = AlternanceContract
        fields = ["id", *AlternanceContract.FIELD_SENSITIVITY]
        read_only_fields = [
            "status",
            "broken_on",
            "broken_by",
            "break_reason",
            "completed_on",
            "diploma_result",
        ]

    def get_validators(self):
        # The exclusion constraint is the service's (and the database's) to enforce.
        return []


class ContractUpdateSerializer(ContractSerializer):
    beneficiary = serializers.PrimaryKeyRelatedField(read_only=True)


class DaySerializer(serializers.Serializer):
    on = serializers.DateField(required=False, allow_null=True, default=None)


class AbandonSerializer(DaySerializer):
    comment = serializers.CharField(max_length=2_000, required=False, allow_blank=True, default="")


class BreakSerializer(serializers.Serializer):
    on = serializers.DateField()
    broken_by = serializers.ChoiceField(choices=AlternanceContract.BrokenBy.choices)
    reason = serializers.CharField(max_length=2_000)
    withdraw = serializers.BooleanField(required=False, default=False)
    withdrawal_reason = serializers.ChoiceField(
        choices=WithdrawalReason.choices, required=False, allow_blank=True, default=""
    )

    def validate(self, data):
        if data["withdraw"] and not data["withdrawal_reason"]:
            raise serializers.ValidationError(
                {"withdrawal_reason": [_("Give the reason for leaving the programme.")]}
            )
        return data


class ResultSerializer(serializers.Serializer):
    result = serializers.ChoiceField(choices=AlternanceContract.Result.choices)
    exam_date = serializers.DateField(required=False, allow_null=True, default=None)


class FollowUpSerializer(PolicyFieldsMixin, serializers.ModelSerializer):
    class Meta:
        model = FollowUp
        fields = ["id", *FollowUp.FIELD_SENSITIVITY]
        read_only_fields = ["beneficiary", "months_after_exit", "due_on"]

from django.utils.translation import gettext_lazy as _
from django_countries.serializers import CountryFieldMixin
from rest_framework import serializers

from beneficiaries import pathway
from beneficiaries.models import (
    Beneficiary,
    CaseNote,
    Document,
    LanguageAssessment,
    PathwayTransition,
)
from thrasos import permissions
from thrasos.accounts.models import Territory
from thrasos.core.api import PolicyFieldsMixin, TenantPrimaryKeyField

RECORD_FIELDS = list(Beneficiary.FIELD_SENSITIVITY)
TRANSITION_COMMENT_MAX = PathwayTransition._meta.get_field("comment").max_length


class BeneficiaryListSerializer(PolicyFieldsMixin, serializers.ModelSerializer):
    current_territory = serializers.PrimaryKeyRelatedField(read_only=True)

    class Meta:
        model = Beneficiary
        fields = [
            "id",
            "last_name",
            "first_name",
            "birth_date",
            "state",
            "state_changed_at",
            "current_territory",
        ]


class BeneficiarySerializer(PolicyFieldsMixin, CountryFieldMixin, serializers.ModelSerializer):
    current_territory = TenantPrimaryKeyField(Territory)
    referring_organisation = TenantPrimaryKeyField(
        Beneficiary._meta.get_field("referring_organisation").related_model,
        required=False,
        allow_null=True,
    )
    state = serializers.CharField(read_only=True)
    state_changed_at = serializers.DateTimeField(read_only=True)
    # Set by the pathway, "" until then. Declared so that the schema says so:
    # DRF drops allow_blank from the fields of Meta.read_only_fields.
    not_admitted_reason = serializers.ChoiceField(
        pathway.NotAdmittedReason.choices, allow_blank=True, read_only=True
    )
    withdrawal_reason = serializers.ChoiceField(
        pathway.WithdrawalReason.choices, allow_blank=True, read_only=True
    )
    exit_employment = serializers.ChoiceField(
        pathway.EmploymentOutcome.choices, allow_blank=True, read_only=True
    )
    exit_housing = serializers.ChoiceField(
        pathway.HousingOutcome.choices, allow_blank=True, read_only=True
    )

    class Meta:
        model = Beneficiary
        fields = ["id", *RECORD_FIELDS]

    def validate_current_territory(self, territory):
        allowed = permissions.territory_ids(self.context["request"].membership)
        if allowed is not None and territory.pk not in allowed:
            raise serializers.ValidationError(_("This territory is not one of yours."))
        if self.instance is not None and territory.pk != self.instance.current_territory_id:
            raise serializers.ValidationError(
                _("The territory changes through the “move” action (a dated event).")
            )
        return territory


class TransitionSerializer(serializers.Serializer):
    to_state = serializers.ChoiceField(choices=pathway.State.choices)
    comment = serializers.CharField(
        required=False, allow_blank=True, default="", max_length=TRANSITION_COMMENT_MAX
    )
    # The values beneficiary_transition accepts, stated in the schema: the
    # reason of a non-admission or of a withdrawal, the situation at exit.
    reason = serializers.ChoiceField(
        choices=list(
            {
                **dict(pathway.NotAdmittedReason.choices),
                **dict(pathway.WithdrawalReason.choices),
            }.items()
        ),
        required=False,
        allow_blank=True,
        default="",
    )
    exit_employment = serializers.ChoiceField(
        choices=pathway.EmploymentOutcome.choices, required=False, allow_blank=True, default=""
    )
    exit_housing = serializers.ChoiceField(
        choices=pathway.HousingOutcome.choices, required=False, allow_blank=True, default=""
    )
    confirm_prerequisites = serializers.BooleanField(
        required=False,
        default=False,
        help_text=_(
            "Becoming admitted while prerequisites are not met or still to check is "
            "refused (400) unless this is true and a comment explains why."
        ),
    )


class CaseNoteSerializer(serializers.ModelSerializer):
    author = serializers.StringRelatedField()

    class Meta:
        model = CaseNote
        fields = ["id", "at", "author", "body", "confidentiality"]
        read_only_fields = ["id", "at", "author"]
        # Optional in the schema: without the model's default, leaving it out
        # reached case_note_add() without it (a TypeError, a 500).
        extra_kwargs = {"confidentiality": {"default": CaseNote.Confidentiality.TEAM}}


class LanguageAssessmentSerializer(serializers.ModelSerializer):
    class Meta:
        model = LanguageAssessment
        fields = [
            "id",
            "assessed_on",
            "kind",
            "assessor",
            "oral_comprehension",
            "oral_expression",
            "written_comprehension",
            "written_expression",
        ]


class DocumentSerializer(serializers.ModelSerializer):
    file = serializers.FileField(write_only=True)
    replaces = serializers.IntegerField(write_only=True, required=False)
    download = serializers.SerializerMethodField()

    class Meta:
        model = Document
        fields = [
            "id",
            "kind",
            "file",
            "replaces",
            "original_name",
            "content_type",
            "size",
            "expires_on",
            "uploaded_at",
            "download",
        ]
        read_only_fields = ["original_name", "content_type", "size", "uploaded_at"]

    def get_download(self, document) -> str:
        from django.urls import reverse

        return reverse(
            "beneficiaries:document_download", args=[document.beneficiary_id, document.pk]
        )

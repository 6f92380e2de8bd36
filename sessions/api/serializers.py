from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from beneficiaries.pathway import WithdrawalReason
from sessions.models import (
    Activity,
    ActivityKind,
    AttendanceStatus,
    Enrolment,
    PreparationSession,
    Weekday,
)
from thrasos import permissions
from thrasos.accounts.models import Territory
from thrasos.core.api import TenantPrimaryKeyField


class SessionSerializer(serializers.ModelSerializer):
    territory = TenantPrimaryKeyField(Territory)
    end_date = serializers.DateField(required=False)
    status = serializers.CharField(read_only=True)

    class Meta:
        model = PreparationSession
        fields = [
            "id",
            "name",
            "territory",
            "site",
            "start_date",
            "end_date",
            "capacity",
            "status",
            "training_provider",
            "planned_fle_hours",
        ]
        extra_kwargs = {
            # Bounds the schema states; the model-level ones come with the
            # hardening work (MinValueValidator).
            "capacity": {"min_value": 1, "error_messages": {"min_value": _("At least one place.")}},
            "planned_fle_hours": {"min_value": 0},
        }

    def validate_territory(self, territory):
        allowed = permissions.territory_ids(self.context["request"].membership)
        if allowed is not None and territory.pk not in allowed:
            raise serializers.ValidationError(_("This territory is not one of yours."))
        return territory

    def validate_name(self, value):
        duplicates = PreparationSession.objects.filter(name__iexact=value.strip())
        if self.instance is not None:
            duplicates = duplicates.exclude(pk=self.instance.pk)
        if duplicates.exists():
            raise serializers.ValidationError(_("A session already has this name."))
        return value.strip()


class SessionStatusSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=PreparationSession.Status.choices)
    on = serializers.DateField(required=False, allow_null=True, default=None)


class EnrolmentSerializer(serializers.ModelSerializer):
    beneficiary_name = serializers.CharField(source="beneficiary.full_name", read_only=True)
    # "" until a drop-out: declared so that the schema says so (DRF drops
    # allow_blank from read-only fields).
    dropout_reason = serializers.ChoiceField(
        WithdrawalReason.choices, allow_blank=True, read_only=True
    )

    class Meta:
        model = Enrolment
        fields = [
            "id",
            "session",
            "beneficiary",
            "beneficiary_name",
            "status",
            "waiting_position",
            "enrolled_on",
            "ended_on",
            "dropout_reason",
            "comment",
        ]
        read_only_fields = fields


def _text(model, field: str) -> serializers.CharField:
    """An optional text of a plain serializer, bounded like the model field
    it ends up in."""
    max_length = model._meta.get_field(field).max_length
    return serializers.CharField(
        required=False, allow_blank=True, default="", max_length=max_length
    )


class EnrolSerializer(serializers.Serializer):
    beneficiary = serializers.IntegerField(help_text="Id of an admitted case file.")
    on = serializers.DateField(required=False, allow_null=True, default=None)
    comment = _text(Enrolment, "comment")


class EnrolmentEndSerializer(serializers.Serializer):
    on = serializers.DateField(required=False, allow_null=True, default=None)
    reason = serializers.ChoiceField(choices=WithdrawalReason.choices, required=False)
    comment = _text(Enrolment, "comment")


class DropOutSerializer(EnrolmentEndSerializer):
    # Required: enrolment_drop_out refuses a drop-out without its reason.
    reason = serializers.ChoiceField(choices=WithdrawalReason.choices)
    comment = _text(Enrolment, "comment")


class ActivitySerializer(serializers.ModelSerializer):
    participant = TenantPrimaryKeyField(Enrolment, required=False, allow_null=True)
    cancelled = serializers.SerializerMethodField()

    class Meta:
        model = Activity
        fields = [
            "id",
            "session",
            "series",
            "kind",
            "title",
            "date",
            "start_time",
            "end_time",
            "place",
            "facilitator",
            "partner",
            "participant",
            "cancelled",
            "cancel_reason",
        ]
        read_only_fields = ["id", "session", "series", "cancelled", "cancel_reason"]

    def get_cancelled(self, activity) -> bool:
        return activity.is_cancelled


class ActivityCreateSerializer(ActivitySerializer):
    session = serializers.IntegerField(help_text="Id of the session.")

    class Meta(ActivitySerializer.Meta):
        read_only_fields = ["id", "series", "cancelled", "cancel_reason"]


class SeriesSerializer(serializers.Serializer):
    session = serializers.IntegerField(help_text="Id of the session.")
    kind = serializers.ChoiceField(
        choices=[(k, v) for k, v in ActivityKind.choices if k != ActivityKind.INDIVIDUAL]
    )
    weekdays = serializers.ListField(
        child=serializers.ChoiceField(choices=Weekday.choices), allow_empty=False, min_length=1
    )  # min_length: what the schema shows of allow_empty=False (minItems)
    start_time = serializers.TimeField()
    end_time = serializers.TimeField()
    first_date = serializers.DateField(required=False, allow_null=True, default=None)
    last_date = serializers.DateField(required=False, allow_null=True, default=None)
    title = _text(Activity, "title")
    place = _text(Activity, "place")
    facilitator = _text(Activity, "facilitator")
    partner = _text(Activity, "partner")
    skip_public_holidays = serializers.BooleanField(required=False, default=True)


class CancelSerializer(serializers.Serializer):
    reason = _text(Activity, "cancel_reason")


class AttendanceMarkSerializer(serializers.Serializer):
    enrolment = serializers.IntegerField()
    status = serializers.ChoiceField(choices=AttendanceStatus.choices)


class AttendanceSerializer(serializers.Serializer):
    enrolment = serializers.IntegerField()
    beneficiary_name = serializers.CharField()
    status = serializers.CharField(allow_blank=True)

from rest_framework import serializers

from beneficiaries.models import Beneficiary
from mentoring.models import MentoringNote, Mentorship, NoteKind, Topic, Urgency, VolunteerProfile
from thrasos.core.api import PolicyFieldsMixin, TenantPrimaryKeyField


class NoteSerializer(serializers.ModelSerializer):
    """A note as its volunteer and the supervisors read it."""

    class Meta:
        model = MentoringNote
        fields = [
            "id",
            "mentorship",
            "occurred_on",
            "duration_minutes",
            "kind",
            "topics",
            "summary",
            "alert_urgency",
            "alert_reason",
            "acknowledged_at",
            "acknowledgement",
            "created_at",
        ]
        read_only_fields = fields


class NoteWriteSerializer(serializers.Serializer):
    """What a volunteer sends; the rules are the service's (400 in French)."""

    occurred_on = serializers.DateField(required=False)
    duration_minutes = serializers.IntegerField(min_value=5, max_value=720)
    kind = serializers.ChoiceField(choices=NoteKind.choices)
    topics = serializers.ListField(
        child=serializers.ChoiceField(choices=Topic.choices), required=False, default=list
    )
    summary = serializers.CharField(max_length=2_000)
    alert_urgency = serializers.ChoiceField(
        choices=Urgency.choices, required=False, allow_blank=True, default=""
    )
    alert_reason = serializers.CharField(
        max_length=1_000, required=False, allow_blank=True, default=""
    )


class NoteCorrectionSerializer(NoteWriteSerializer):
    """A correction: only the fields sent change (PATCH)."""

    duration_minutes = serializers.IntegerField(min_value=5, max_value=720, required=False)
    kind = serializers.ChoiceField(choices=NoteKind.choices, required=False)
    summary = serializers.CharField(max_length=2_000, required=False)
    topics = serializers.ListField(
        child=serializers.ChoiceField(choices=Topic.choices), required=False
    )
    alert_urgency = serializers.ChoiceField(
        choices=Urgency.choices, required=False, allow_blank=True
    )
    alert_reason = serializers.CharField(max_length=1_000, required=False, allow_blank=True)


class MentorshipSerializer(serializers.ModelSerializer):
    volunteer = TenantPrimaryKeyField(VolunteerProfile)
    beneficiary = TenantPrimaryKeyField(Beneficiary)
    started_on = serializers.DateField(required=False)

    class Meta:
        model = Mentorship
        fields = [
            "id",
            "volunteer",
            "beneficiary",
            "started_on",
            "ended_on",
            "status",
            "end_reason",
            "end_comment",
        ]
        read_only_fields = ["ended_on", "status", "end_reason", "end_comment"]


class MentorshipStatusSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=Mentorship.Status.choices)
    on = serializers.DateField(required=False, allow_null=True, default=None)
    reason = serializers.ChoiceField(
        choices=Mentorship.EndReason.choices, required=False, allow_blank=True, default=""
    )
    comment = serializers.CharField(max_length=1_000, required=False, allow_blank=True, default="")


class AcknowledgeSerializer(serializers.Serializer):
    comment = serializers.CharField(max_length=1_000)


class AlertSerializer(NoteSerializer):
    beneficiary = serializers.IntegerField(source="mentorship.beneficiary_id", read_only=True)
    volunteer = serializers.IntegerField(source="mentorship.volunteer_id", read_only=True)

    class Meta(NoteSerializer.Meta):
        fields = [*NoteSerializer.Meta.fields, "beneficiary", "volunteer"]
        read_only_fields = fields


class MenteeSerializer(PolicyFieldsMixin, serializers.ModelSerializer):
    """The mentee as the volunteer's pages show them: the contact fields the
    field policy gives the member's role, nothing else."""

    class Meta:
        model = Beneficiary
        fields = ["id", *Beneficiary.FIELD_SENSITIVITY]


class MyMentorshipSerializer(serializers.ModelSerializer):
    """What "Mes binômes" shows: the name as the organisation decided (with
    the initial only, `mentee.last_name` is that initial too), the contact
    fields, the city of the mentee's programme housing (never the address),
    the last note and the open alerts."""

    mentee = MenteeSerializer(source="beneficiary", read_only=True)
    mentee_name = serializers.CharField(read_only=True)
    housing_city = serializers.CharField(read_only=True)
    last_note_on = serializers.DateField(read_only=True, allow_null=True)
    open_alerts = serializers.IntegerField(read_only=True)

    class Meta:
        model = Mentorship
        fields = [
            "id",
            "status",
            "started_on",
            "mentee",
            "mentee_name",
            "housing_city",
            "last_note_on",
            "open_alerts",
        ]
        read_only_fields = fields

    def to_representation(self, instance):
        data = super().to_representation(instance)
        mentee = data.get("mentee") or {}
        if not getattr(instance, "mentee_full_names", False) and mentee.get("last_name"):
            mentee["last_name"] = mentee["last_name"][:1].upper()
        return data

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from beneficiaries.models import Beneficiary
from beneficiaries.selectors import beneficiaries_for
from housing import selectors
from housing.models import (
    Destination,
    EarlyEndReason,
    HousingUnit,
    Occupancy,
    Place,
    six_months_after,
)
from thrasos import permissions
from thrasos.accounts.models import Territory
from thrasos.core.api import TenantPrimaryKeyField


class HousingUnitSerializer(serializers.ModelSerializer):
    territory = TenantPrimaryKeyField(Territory)
    opened_on = serializers.DateField(required=False)

    class Meta:
        model = HousingUnit
        fields = [
            "id",
            "name",
            "territory",
            "kind",
            "address",
            "postcode",
            "city",
            "departement",
            "landlord_kind",
            "lease_reference",
            "notes",
            "opened_on",
            "closed_on",
        ]

    def validate_territory(self, territory):
        allowed = permissions.territory_ids(self.context["request"].membership)
        if allowed is not None and territory.pk not in allowed:
            raise serializers.ValidationError(_("This territory is not one of yours."))
        return territory


@extend_schema_field(OpenApiTypes.INT)
class _InScope(TenantPrimaryKeyField):
    """A related object of the member's scope only (units of their
    territories, case files they may open): anything else is unknown."""

    def __init__(self, model, scope, **kwargs):
        self.scope = scope
        super().__init__(model, **kwargs)

    def get_queryset(self):
        return self.scope(self.context["request"].membership)


class PlaceSerializer(serializers.ModelSerializer):
    unit = _InScope(HousingUnit, selectors.units_for)

    class Meta:
        model = Place
        fields = ["id", "unit", "label", "notes", "closed_on"]
        read_only_fields = ["closed_on"]


class OccupancySerializer(serializers.ModelSerializer):
    class Meta:
        model = Occupancy
        fields = [
            "id",
            "place",
            "beneficiary",
            "start_date",
            "planned_end_date",
            "actual_end_date",
            "stay_started_on",
            "moved_from",
            "short_stay_justification",
            "early_end_reason",
            "early_end_justification",
            "destination",
            "comment",
        ]
        read_only_fields = fields


class OccupancyCreateSerializer(serializers.Serializer):
    place = _InScope(Place, selectors.places_for)
    beneficiary = _InScope(Beneficiary, beneficiaries_for)
    start_date = serializers.DateField()
    planned_end_date = serializers.DateField(required=False, allow_null=True, default=None)
    short_stay_justification = serializers.CharField(
        required=False, allow_blank=True, default="", max_length=1000
    )
    comment = serializers.CharField(required=False, allow_blank=True, default="", max_length=1000)


class OccupancyExtendSerializer(serializers.Serializer):
    planned_end_date = serializers.DateField()
    short_stay_justification = serializers.CharField(
        required=False, allow_blank=True, default=None, max_length=1000
    )


class OccupancyMoveSerializer(serializers.Serializer):
    place = _InScope(Place, selectors.places_for)
    on = serializers.DateField()
    planned_end_date = serializers.DateField(required=False, allow_null=True, default=None)
    short_stay_justification = serializers.CharField(
        required=False, allow_blank=True, default="", max_length=1000
    )


class OccupancyEndSerializer(serializers.Serializer):
    end_date = serializers.DateField()
    destination = serializers.ChoiceField(choices=Destination.choices)
    early_end_reason = serializers.ChoiceField(
        choices=EarlyEndReason.choices, required=False, allow_blank=True, default=""
    )
    early_end_justification = serializers.CharField(
        required=False, allow_blank=True, default="", max_length=1000
    )
    comment = serializers.CharField(required=False, allow_blank=True, default="", max_length=1000)


class AvailabilitySerializer(serializers.Serializer):
    start = serializers.DateField(required=False)
    end = serializers.DateField(required=False)

    def validate(self, data):
        data.setdefault("start", timezone.localdate())
        data.setdefault("end", six_months_after(data["start"]))
        if data["end"] <= data["start"]:
            raise serializers.ValidationError({"end": _("The end must be after the start.")})
        if (data["end"] - data["start"]).days > 3 * 366:
            raise serializers.ValidationError({"end": _("Three years at most.")})
        return data

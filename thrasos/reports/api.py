"""API of the reports: the indicators of a scope and a period (published,
masked figures) and the activity reports asked for, with their state.
Admins, coordinators and managers; everybody else is refused by the gate."""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError as DjangoValidationError
from django.urls import reverse
from django.utils import timezone
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.exceptions import ValidationError
from rest_framework.pagination import CursorPagination
from rest_framework.response import Response

from thrasos import permissions
from thrasos.core.api import schema_generation
from thrasos.core.gates import Gate
from thrasos.reports import services
from thrasos.reports.forms import ScopePeriodForm
from thrasos.reports.indicators import INDICATORS, Unit, compute
from thrasos.reports.masking import RULE, mask_indicators
from thrasos.reports.models import ReportRequest

SCOPE_PATTERN = r"^(organisation|territory:[0-9]+|session:[0-9]+)$"


class ScopePeriodSerializer(serializers.Serializer):
    """A period (both days included; by default from 1 January to today) and
    a scope: "organisation", "territory:<id>" or "session:<id>"."""

    start = serializers.DateField(required=False)
    end = serializers.DateField(required=False)
    scope = serializers.RegexField(SCOPE_PATTERN, required=False, max_length=40)


def _scope_period_form(request, data) -> ScopePeriodForm:
    """The page's form, so that the API refuses exactly what the page does,
    with the same French messages."""
    today = timezone.localdate()
    serializer = ScopePeriodSerializer(data=data)
    serializer.is_valid(raise_exception=True)
    values = ScopePeriodForm.initial_for(today) | {
        k: v for k, v in serializer.validated_data.items() if v is not None
    }
    form = ScopePeriodForm(
        {k: v.isoformat() if isinstance(v, datetime.date) else v for k, v in values.items()},
        organisation_id=request.membership.organisation_id,
        today=today,
    )
    if not form.is_valid():
        raise ValidationError({k: [str(e) for e in v] for k, v in form.errors.items()})
    return form


class IndicatorSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    definition = serializers.CharField()
    unit = serializers.ChoiceField(choices=list(Unit.LABELS))
    value = serializers.JSONField(
        allow_null=True,
        help_text='A number, "< 5" for a masked count of people, or null (not applicable).',
    )


class IndicatorSetSerializer(serializers.Serializer):
    scope = serializers.CharField()
    scope_label = serializers.CharField()
    start = serializers.DateField()
    end = serializers.DateField()
    masking_rule = serializers.CharField()
    indicators = IndicatorSerializer(many=True)


class OneObjectSchema(AutoSchema):
    """The indicators' list action answers one object (a set of figures)."""

    def _is_list_view(self, serializer=None) -> bool:
        return False


class IndicatorViewSet(viewsets.GenericViewSet):
    """The programme's indicators for a scope and a period: published
    figures only (counts of 1 to 4 people masked as "< 5")."""

    gate = Gate(read=permissions.can_view_indicators)
    serializer_class = IndicatorSetSerializer
    pagination_class = None
    schema = OneObjectSchema()

    @extend_schema(
        parameters=[
            OpenApiParameter("start", datetime.date, description="First day (default 1 January)"),
            OpenApiParameter("end", datetime.date, description="Last day (default today)"),
            OpenApiParameter(
                "scope", str, pattern=SCOPE_PATTERN, description="Default organisation"
            ),
        ],
        responses={200: IndicatorSetSerializer},
    )
    def list(self, request, format=None):
        form = _scope_period_form(request, request.query_params)
        kind, scope_id = form.scope_kind_and_id
        values = mask_indicators(
            compute(
                organisation_id=request.membership.organisation_id,
                scope_kind=kind,
                scope_id=scope_id,
                period=form.period,
                today=timezone.localdate(),
            )
        )
        return Response(
            {
                "scope": form.cleaned_data["scope"],
                "scope_label": form.scope_label(),
                "start": form.period.start,
                "end": form.period.end,
                "masking_rule": str(RULE),
                "indicators": [
                    {
                        "code": i.code,
                        "name": str(i.name),
                        "definition": str(i.definition),
                        "unit": i.unit,
                        "value": values[i.code],
                    }
                    for i in INDICATORS
                ],
            }
        )


class ReportRequestSerializer(serializers.ModelSerializer):
    requested_by = serializers.SerializerMethodField()
    download_url = serializers.SerializerMethodField()

    class Meta:
        model = ReportRequest
        fields = [
            "id",
            "requested_at",
            "requested_by",
            "scope_kind",
            "scope_id",
            "scope_label",
            "period_start",
            "period_end",
            "as_of",
            "status",
            "completed_at",
            "digest",
            "pages",
            "error",
            "download_url",
        ]
        read_only_fields = fields

    def get_requested_by(self, report) -> str:
        user = report.requested_by
        return user.get_full_name() or user.email

    def get_download_url(self, report) -> str | None:
        if report.status != "ready":
            return None
        return reverse("reports:download", kwargs={"pk": report.pk})


class ReportPagination(CursorPagination):
    ordering = ("-requested_at", "-id")
    page_size = 50


class ReportRequestViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """Activity reports asked for (the organisation's history) and their
    state: queued, computing, rendering, ready or failed. Creating one asks
    the worker to generate it; the PDF downloads from `download_url`."""

    gate = Gate(read=permissions.can_request_reports, write=permissions.can_request_reports)
    serializer_class = ReportRequestSerializer
    pagination_class = ReportPagination

    def get_queryset(self):
        if schema_generation(self):
            return ReportRequest.objects.none()
        return ReportRequest.objects.select_related("requested_by")

    @extend_schema(request=ScopePeriodSerializer, responses={201: ReportRequestSerializer})
    def create(self, request):
        form = _scope_period_form(request, request.data)
        kind, scope_id = form.scope_kind_and_id
        try:
            report = services.report_request_create(
                actor=request.user,
                organisation_id=request.membership.organisation_id,
                scope_kind=kind,
                scope_id=scope_id,
                scope_label=form.scope_label(),
                period=form.period,
            )
        except DjangoValidationError as error:
            raise ValidationError(error.message_dict) from error
        return Response(self.get_serializer(report).data, status=status.HTTP_201_CREATED)

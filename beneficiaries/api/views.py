from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.pagination import CursorPagination
from rest_framework.parsers import MultiPartParser
from rest_framework.response import Response

from beneficiaries import pathway, selectors, services
from beneficiaries.api.serializers import (
    BeneficiaryListSerializer,
    BeneficiarySerializer,
    CaseNoteSerializer,
    DocumentSerializer,
    LanguageAssessmentSerializer,
    TransitionSerializer,
)
from beneficiaries.forms import ListFilterForm
from beneficiaries.models import Beneficiary
from beneficiaries.services import TransitionRequest
from thrasos import permissions
from thrasos.audit.services import access_log_for_request
from thrasos.core.api import schema_generation
from thrasos.core.api_schema import ID
from thrasos.core.gates import Gate


class NamePagination(CursorPagination):
    ordering = ("search_last_first", "id")
    page_size = 50


class BeneficiaryViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """Case files of the current organisation, within the member's scope."""

    gate = Gate(read=permissions.can_open_case_files, write=permissions.can_edit_case_files)
    pagination_class = NamePagination

    def get_queryset(self):
        if schema_generation(self):
            return Beneficiary.objects.none()
        membership = self.request.membership
        queryset = selectors.beneficiaries_for(membership).select_related("current_territory")
        if self.action != "list":
            return queryset
        # The page's filters, validated the same way: a bad value is a 400.
        filters = ListFilterForm(
            self.request.query_params, territory_ids=permissions.territory_ids(membership)
        )
        if not filters.is_valid():
            raise serializers.ValidationError(filters.errors)
        return selectors.list_rows(
            selectors.apply_filters(queryset, filters.cleaned_data, membership)
        )

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "q",
                str,
                description="Name (accents and case ignored, tolerant of typos and "
                "transliterations), phone number (6 digits or more) or date of birth "
                "(31/12/1990 or 1990-12-31)",
            ),
            OpenApiParameter(
                "files",
                str,
                enum=["all", "mine"],
                description="mine: the people the member is a referent of (default: all)",
            ),
            OpenApiParameter("state", str, enum=pathway.State.values),
            OpenApiParameter("territory", ID),
            OpenApiParameter("referent", ID, description="Membership id of a referent"),
            OpenApiParameter("session", ID, description="Preparation session id"),
        ]
    )
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    def get_serializer_class(self):
        return BeneficiaryListSerializer if self.action == "list" else BeneficiarySerializer

    def retrieve(self, request, *args, **kwargs):
        beneficiary = self.get_object()
        access_log_for_request(request, beneficiary, detail="api")
        return Response(self.get_serializer(beneficiary).data)

    def perform_create(self, serializer):
        serializer.instance = services.beneficiary_create(
            actor=self.request.user,
            data=dict(serializer.validated_data),
            allow_duplicate=self.request.query_params.get("allow_duplicate") == "true",
        )

    def perform_update(self, serializer):
        data = dict(serializer.validated_data)
        data.pop("current_territory", None)
        services.beneficiary_update(
            actor=self.request.user, beneficiary=serializer.instance, data=data
        )

    @extend_schema(request=TransitionSerializer, responses=BeneficiarySerializer)
    @action(detail=True, methods=["post"])
    def transition(self, request, pk=None):
        beneficiary = self.get_object()
        serializer = TransitionSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.beneficiary_transition(
            actor=request.user,
            beneficiary=beneficiary,
            request=TransitionRequest(**serializer.validated_data),
        )
        return Response(BeneficiarySerializer(beneficiary, context={"request": request}).data)

    # GET lists (unpaginated), POST creates (201): one schema per method.
    @extend_schema(methods=["GET"], responses=CaseNoteSerializer(many=True))
    @extend_schema(
        methods=["POST"], request=CaseNoteSerializer, responses={201: CaseNoteSerializer}
    )
    @action(detail=True, methods=["get", "post"], pagination_class=None)
    def notes(self, request, pk=None):
        beneficiary = self.get_object()
        if request.method == "POST":
            serializer = CaseNoteSerializer(data=request.data)
            serializer.is_valid(raise_exception=True)
            note = services.case_note_add(
                actor=request.user, beneficiary=beneficiary, **serializer.validated_data
            )
            return Response(CaseNoteSerializer(note).data, status=status.HTTP_201_CREATED)
        notes = selectors.visible_notes(beneficiary, request.membership)
        return Response(CaseNoteSerializer(notes, many=True).data)

    @extend_schema(methods=["GET"], responses=LanguageAssessmentSerializer(many=True))
    @extend_schema(
        methods=["POST"],
        request=LanguageAssessmentSerializer,
        responses={201: LanguageAssessmentSerializer},
    )
    @action(detail=True, methods=["get", "post"], pagination_class=None)
    def assessments(self, request, pk=None):
        beneficiary = self.get_object()
        if request.method == "POST":
            serializer = LanguageAssessmentSerializer(data=request.data)
            serializer.is_valid(raise_exception=True)
            assessment = services.language_assessment_add(
                actor=request.user, beneficiary=beneficiary, data=serializer.validated_data
            )
            return Response(
                LanguageAssessmentSerializer(assessment).data, status=status.HTTP_201_CREATED
            )
        return Response(LanguageAssessmentSerializer(beneficiary.assessments.all(), many=True).data)

    @extend_schema(methods=["GET"], responses=DocumentSerializer(many=True))
    @extend_schema(
        methods=["POST"], request=DocumentSerializer, responses={201: DocumentSerializer}
    )
    @action(
        detail=True,
        methods=["get", "post"],
        parser_classes=[MultiPartParser],  # a file: multipart only
        pagination_class=None,
    )
    def documents(self, request, pk=None):
        """Current documents; POST (multipart) adds one, or replaces one with
        `replaces`. Files are downloaded through the `download` link."""
        beneficiary = self.get_object()
        if request.method == "POST":
            serializer = DocumentSerializer(data=request.data)
            serializer.is_valid(raise_exception=True)
            data = serializer.validated_data
            replaces = None
            if data.get("replaces"):
                replaces = beneficiary.documents.filter(pk=data["replaces"]).first()
                if replaces is None:
                    raise DjangoValidationError({"replaces": _("Unknown document.")})
            document = services.document_add(
                actor=request.user,
                beneficiary=beneficiary,
                kind=data["kind"],
                uploaded=data["file"],
                expires_on=data.get("expires_on"),
                replaces=replaces,
            )
            return Response(DocumentSerializer(document).data, status=status.HTTP_201_CREATED)
        current = beneficiary.documents.filter(replaced_by=None)
        return Response(DocumentSerializer(current, many=True).data)

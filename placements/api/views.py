from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.pagination import CursorPagination
from rest_framework.response import Response

from beneficiaries.selectors import beneficiaries_for
from thrasos import permissions
from thrasos.core.api import schema_generation
from thrasos.core.gates import Gate

from .. import selectors, services
from ..forms import ContractFilterForm, DirectoryFilterForm
from ..models import (
    AlternanceContract,
    Employer,
    FollowUp,
    ProfessionalProject,
    TrainingOrganisation,
)
from .serializers import (
    AbandonSerializer,
    BreakSerializer,
    ContractSerializer,
    ContractUpdateSerializer,
    DaySerializer,
    EmployerSerializer,
    FollowUpSerializer,
    ProjectSerializer,
    ProjectUpdateSerializer,
    ResultSerializer,
    TrainingOrganisationSerializer,
)

PLACEMENTS_GATE = Gate(
    read=permissions.can_view_placements, write=permissions.can_manage_placements
)


class IdPagination(CursorPagination):
    ordering = ("-id",)
    page_size = 100


def _filters(form_class, request, **kwargs):
    """The page's filters, validated the same way: a bad value is a 400."""
    form = form_class(request.query_params or None, **kwargs)
    if form.is_bound and not form.is_valid():
        raise serializers.ValidationError(form.errors)
    return form.cleaned_data if form.is_bound else {}


def _person(request, pk) -> object:
    person = beneficiaries_for(request.membership).filter(pk=getattr(pk, "pk", pk)).first()
    if person is None:
        raise serializers.ValidationError({"beneficiary": [_("Unknown case file.")]})
    return person


class _PartnerViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    gate = PLACEMENTS_GATE
    pagination_class = IdPagination
    employers = True

    def _split(self, serializer):
        data = dict(serializer.validated_data)
        return data, data.pop("contacts", None)


class EmployerViewSet(_PartnerViewSet):
    """The organisation's employers; `?q=` (accent-insensitive), `?sector=`, `?region=`."""

    serializer_class = EmployerSerializer

    def get_queryset(self):
        if schema_generation(self):
            return Employer.objects.none()
        queryset = selectors.employers_for(self.request.membership).prefetch_related("contacts")
        if self.action == "list":
            queryset = selectors.apply_partner_filters(
                queryset, _filters(DirectoryFilterForm, self.request), employers=True
            )
        return queryset

    def perform_create(self, serializer):
        data, contacts = self._split(serializer)
        serializer.instance = services.employer_create(
            actor=self.request.user, data=data, contacts=contacts
        )

    def perform_update(self, serializer):
        data, contacts = self._split(serializer)
        services.employer_update(
            actor=self.request.user, employer=serializer.instance, data=data, contacts=contacts
        )


class TrainingOrganisationViewSet(_PartnerViewSet):
    """The organisation's training organisations; `?q=`, `?region=`."""

    serializer_class = TrainingOrganisationSerializer

    def get_queryset(self):
        if schema_generation(self):
            return TrainingOrganisation.objects.none()
        queryset = selectors.training_organisations_for(self.request.membership).prefetch_related(
            "contacts"
        )
        if self.action == "list":
            queryset = selectors.apply_partner_filters(
                queryset, _filters(DirectoryFilterForm, self.request), employers=False
            )
        return queryset

    def perform_create(self, serializer):
        data, contacts = self._split(serializer)
        serializer.instance = services.training_organisation_create(
            actor=self.request.user, data=data, contacts=contacts
        )

    def perform_update(self, serializer):
        data, contacts = self._split(serializer)
        services.training_organisation_update(
            actor=self.request.user,
            training_organisation=serializer.instance,
            data=data,
            contacts=contacts,
        )


class ProjectViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """Professional projects of the case files the member opens."""

    gate = PLACEMENTS_GATE
    pagination_class = IdPagination

    def get_serializer_class(self):
        if self.action in ("update", "partial_update"):
            return ProjectUpdateSerializer
        return ProjectSerializer

    def get_queryset(self):
        if schema_generation(self):
            return ProfessionalProject.objects.none()
        return selectors.projects_for(self.request.membership)

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        person = _person(self.request, data.pop("beneficiary"))
        serializer.instance = services.project_create(
            actor=self.request.user, beneficiary=person, data=data
        )

    def perform_update(self, serializer):
        services.project_update(
            actor=self.request.user,
            project=serializer.instance,
            data=dict(serializer.validated_data),
        )

    def _answer(self, request, project):
        project.refresh_from_db()
        return Response(ProjectSerializer(project, context={"request": request}).data)

    @extend_schema(request=DaySerializer, responses=ProjectSerializer)
    @action(detail=True, methods=["post"])
    def validate(self, request, pk=None):
        """Validate the project: a person in session moves to `seeking_contract`."""
        project = self.get_object()
        body = DaySerializer(data=request.data)
        body.is_valid(raise_exception=True)
        services.project_validate(actor=request.user, project=project, **body.validated_data)
        return self._answer(request, project)

    @extend_schema(request=AbandonSerializer, responses=ProjectSerializer)
    @action(detail=True, methods=["post"])
    def abandon(self, request, pk=None):
        project = self.get_object()
        body = AbandonSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        services.project_abandon(actor=request.user, project=project, **body.validated_data)
        return self._answer(request, project)


class ContractViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """Alternance contracts of the member's territories. Filters as on the
    page: `?status=`, `?employer=`, `?training_organisation=`, `?territory=`,
    `?trial_ending=true` (30 days), `?ending=true` (60 days). Creating one
    records a signed contract (the person moves to `in_contract`)."""

    gate = PLACEMENTS_GATE
    pagination_class = IdPagination

    def get_serializer_class(self):
        if self.action in ("update", "partial_update"):
            return ContractUpdateSerializer
        return ContractSerializer

    def get_queryset(self):
        if schema_generation(self):
            return AlternanceContract.objects.none()
        queryset = selectors.contracts_for(self.request.membership)
        if self.action == "list":
            queryset = selectors.apply_contract_filters(
                queryset,
                _filters(
                    ContractFilterForm,
                    self.request,
                    territory_ids=permissions.territory_ids(self.request.membership),
                ),
            )
        return queryset

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        person = _person(self.request, data.pop("beneficiary"))
        serializer.instance = services.contract_sign(
            actor=self.request.user, beneficiary=person, data=data
        )

    def perform_update(self, serializer):
        services.contract_update(
            actor=self.request.user,
            contract=serializer.instance,
            data=dict(serializer.validated_data),
        )

    def _answer(self, request, contract, code=status.HTTP_200_OK):
        contract.refresh_from_db()
        return Response(ContractSerializer(contract, context={"request": request}).data, code)

    @extend_schema(request=None, responses=ContractSerializer)
    @action(detail=True, methods=["post"])
    def start(self, request, pk=None):
        contract = self.get_object()
        services.contract_start(actor=request.user, contract=contract)
        return self._answer(request, contract)

    @extend_schema(request=BreakSerializer, responses=ContractSerializer)
    @action(detail=True, methods=["post"], url_path="break", url_name="break")
    def break_(self, request, pk=None):
        """A break returns the person to `seeking_contract`, or `withdrawn` with `withdraw`."""
        contract = self.get_object()
        body = BreakSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        services.contract_break(actor=request.user, contract=contract, **body.validated_data)
        return self._answer(request, contract)

    @extend_schema(request=DaySerializer, responses=ContractSerializer)
    @action(detail=True, methods=["post"])
    def complete(self, request, pk=None):
        contract = self.get_object()
        body = DaySerializer(data=request.data)
        body.is_valid(raise_exception=True)
        services.contract_complete(actor=request.user, contract=contract, **body.validated_data)
        return self._answer(request, contract)

    @extend_schema(request=ResultSerializer, responses=ContractSerializer)
    @action(detail=True, methods=["post"])
    def result(self, request, pk=None):
        contract = self.get_object()
        body = ResultSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        services.contract_record_result(
            actor=request.user, contract=contract, **body.validated_data
        )
        return self._answer(request, contract)


class FollowUpViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Follow-ups 6 and 12 months after exit (created at exit); `record` fills one in."""

    gate = PLACEMENTS_GATE
    serializer_class = FollowUpSerializer
    pagination_class = IdPagination

    def get_queryset(self):
        if schema_generation(self):
            return FollowUp.objects.none()
        return selectors.follow_ups_for(self.request.membership)

    @extend_schema(request=FollowUpSerializer, responses=FollowUpSerializer)
    @action(detail=True, methods=["post"])
    def record(self, request, pk=None):
        follow_up = self.get_object()
        body = FollowUpSerializer(follow_up, data=request.data, context={"request": request})
        body.is_valid(raise_exception=True)
        services.follow_up_record(
            actor=request.user, follow_up=follow_up, data=dict(body.validated_data)
        )
        follow_up.refresh_from_db()
        return Response(FollowUpSerializer(follow_up, context={"request": request}).data)


ROUTES = [
    ("employeurs", EmployerViewSet, "employer"),
    ("organismes-formation", TrainingOrganisationViewSet, "training-organisation"),
    ("projets", ProjectViewSet, "project"),
    ("contrats", ContractViewSet, "contract"),
    ("suivis", FollowUpViewSet, "follow-up"),
]

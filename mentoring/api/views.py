"""The mentoring API: pairs, notes and alerts for the supervisors (their
territories), and a volunteer-facing part (`mes-binomes`) that exposes
exactly what the volunteer's pages show."""

from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.pagination import CursorPagination, PageNumberPagination
from rest_framework.response import Response

from beneficiaries.selectors import beneficiary_get
from mentoring import selectors, services
from mentoring.api.serializers import (
    AcknowledgeSerializer,
    AlertSerializer,
    MentorshipSerializer,
    MentorshipStatusSerializer,
    MyMentorshipSerializer,
    NoteCorrectionSerializer,
    NoteSerializer,
    NoteWriteSerializer,
)
from mentoring.models import MentoringNote, Mentorship
from thrasos import permissions
from thrasos.core.api import schema_generation
from thrasos.core.gates import Gate

SUPERVISION_GATE = Gate(
    read=permissions.can_supervise_mentoring, write=permissions.can_manage_mentorships
)


class IdPagination(CursorPagination):
    ordering = ("-id",)
    page_size = 100


class AlertPagination(PageNumberPagination):
    """The inbox is ordered by urgency, not by id: numbered pages."""

    page_size = selectors.ALERTS_PAGE_SIZE


class MentorshipViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    """Pairs of the member's territories; created, paused and ended by
    caseworkers, coordinators and admins."""

    gate = SUPERVISION_GATE
    serializer_class = MentorshipSerializer
    pagination_class = IdPagination

    def get_queryset(self):
        if schema_generation(self):
            return Mentorship.objects.none()
        return selectors.mentorships_for(self.request.membership)

    def perform_create(self, serializer):
        data = serializer.validated_data
        beneficiary = data["beneficiary"]
        # The person must be one the member may open (404 alike otherwise).
        beneficiary = beneficiary_get(self.request.membership, beneficiary.pk)
        serializer.instance = services.mentorship_create(
            actor=self.request.user,
            volunteer=selectors.volunteer_get(self.request.membership, data["volunteer"].pk),
            beneficiary=beneficiary,
            started_on=data.get("started_on"),
        )

    @extend_schema(request=MentorshipStatusSerializer, responses=MentorshipSerializer)
    @action(detail=True, methods=["post"], url_path="statut")
    def set_status(self, request, pk=None):
        mentorship = self.get_object()
        body = MentorshipStatusSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        mentorship = services.mentorship_set_status(
            actor=request.user, mentorship=mentorship, **body.validated_data
        )
        return Response(MentorshipSerializer(mentorship).data)


class NoteViewSet(viewsets.ReadOnlyModelViewSet):
    """Mentoring notes of the pairs of the member's territories."""

    gate = Gate(read=permissions.can_supervise_mentoring)
    serializer_class = NoteSerializer
    pagination_class = IdPagination

    def get_queryset(self):
        if schema_generation(self):
            return MentoringNote.objects.none()
        return MentoringNote.objects.filter(
            mentorship__in=selectors.mentorships_for(self.request.membership)
        )


class AlertViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Alerts the member sees (their inbox): open ones in the list, urgent
    first; acknowledge with a comment the volunteer sees."""

    gate = SUPERVISION_GATE
    serializer_class = AlertSerializer
    pagination_class = AlertPagination

    def get_queryset(self):
        if schema_generation(self):
            return MentoringNote.objects.none()
        alerts = selectors.alerts_for(self.request.membership).select_related("mentorship")
        if self.action == "list":
            return alerts.open_alerts().urgent_first()
        return alerts

    @extend_schema(request=AcknowledgeSerializer, responses=AlertSerializer)
    @action(detail=True, methods=["post"], url_path="prise-en-compte")
    def acknowledge(self, request, pk=None):
        note = self.get_object()
        body = AcknowledgeSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        note = services.alert_acknowledge(
            actor=request.user, note=note, comment=body.validated_data["comment"]
        )
        return Response(AlertSerializer(note).data)


class MyMentorshipViewSet(viewsets.ReadOnlyModelViewSet):
    """The volunteer's own pairs ("Mes binômes"): each mentee's contact
    fields only, the date of the last note, open alerts; their notes, and
    writing a note."""

    gate = Gate(read=permissions.can_mentor, write=permissions.can_mentor)
    serializer_class = MyMentorshipSerializer
    pagination_class = None

    def get_queryset(self):
        if schema_generation(self):
            return Mentorship.objects.none()
        return selectors.my_mentees_queryset(self.request.membership)

    def get_object(self):
        return selectors.my_mentee_get(self.request.membership, self.kwargs["pk"])

    def list(self, request, *args, **kwargs):
        mentorships = selectors.my_mentees(request.membership)
        return Response(self.get_serializer(mentorships, many=True).data)

    @extend_schema(methods=["get"], responses=NoteSerializer(many=True))
    @extend_schema(methods=["post"], request=NoteWriteSerializer, responses={201: NoteSerializer})
    @action(detail=True, methods=["get", "post"])
    def notes(self, request, pk=None):
        mentorship = self.get_object()
        if request.method == "GET":
            return Response(NoteSerializer(selectors.pair_notes(mentorship), many=True).data)
        body = NoteWriteSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        note = services.note_create(
            actor=request.user, mentorship=mentorship, data=dict(body.validated_data)
        )
        return Response(NoteSerializer(note).data, status=status.HTTP_201_CREATED)


class MyNoteViewSet(mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """A note of the volunteer's own pairs (`mes-comptes-rendus/{id}/`):
    read it, and correct it (PATCH) during the 48 hours its author may, as
    the page "Corriger" does; afterwards it is kept as written (400)."""

    gate = Gate(read=permissions.can_mentor, write=permissions.can_mentor)
    serializer_class = NoteSerializer
    http_method_names = ["get", "patch", "head", "options"]

    def get_queryset(self):
        if schema_generation(self):
            return MentoringNote.objects.none()
        return MentoringNote.objects.filter(
            mentorship__in=selectors.mentorships_for(self.request.membership)
        )

    def get_object(self):
        return selectors.note_get(self.request.membership, self.kwargs["pk"])

    @extend_schema(request=NoteCorrectionSerializer, responses=NoteSerializer)
    def partial_update(self, request, *args, **kwargs):
        note = self.get_object()
        body = NoteCorrectionSerializer(data=request.data, partial=True)
        body.is_valid(raise_exception=True)
        note = services.note_update(actor=request.user, note=note, data=dict(body.validated_data))
        return Response(NoteSerializer(note).data)

from django.http import Http404
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.pagination import CursorPagination
from rest_framework.response import Response

from beneficiaries.selectors import beneficiaries_for
from sessions import selectors, services
from sessions.api.serializers import (
    ActivityCreateSerializer,
    ActivitySerializer,
    AttendanceMarkSerializer,
    AttendanceSerializer,
    CancelSerializer,
    DropOutSerializer,
    EnrolmentEndSerializer,
    EnrolmentSerializer,
    EnrolSerializer,
    SeriesSerializer,
    SessionSerializer,
    SessionStatusSerializer,
)
from sessions.models import Activity, Enrolment, PreparationSession
from thrasos import permissions
from thrasos.core.api import schema_generation
from thrasos.core.api_schema import ID
from thrasos.core.gates import Gate

SESSIONS_GATE = Gate(read=permissions.can_view_sessions, write=permissions.can_manage_sessions)


def _of_session(queryset, session: str | None):
    """The ?session= filter of the enrolment and activity lists."""
    if not session:
        return queryset
    if not session.isdigit():
        raise serializers.ValidationError({"session": [_("A session id is a number.")]})
    return queryset.filter(session_id=int(session))


class SessionPagination(CursorPagination):
    ordering = ("-start_date", "id")
    page_size = 50


class IdPagination(CursorPagination):
    """Enrolments and activities: a whole session fits in one page."""

    ordering = ("id",)
    page_size = 200


class SessionViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """Preparation sessions of the member's territories."""

    gate = SESSIONS_GATE
    serializer_class = SessionSerializer
    pagination_class = SessionPagination

    def get_queryset(self):
        if schema_generation(self):
            return PreparationSession.objects.none()
        return selectors.sessions_for(self.request.membership).select_related("territory")

    def perform_create(self, serializer):
        serializer.instance = services.session_create(
            actor=self.request.user, data=dict(serializer.validated_data)
        )

    def perform_update(self, serializer):
        services.session_update(
            actor=self.request.user,
            session=serializer.instance,
            data=dict(serializer.validated_data),
        )

    @extend_schema(request=SessionStatusSerializer, responses=SessionSerializer)
    @action(detail=True, methods=["post"], url_path="status")
    def set_status(self, request, pk=None):
        session = self.get_object()
        serializer = SessionStatusSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.session_set_status(
            actor=request.user,
            session=session,
            **serializer.validated_data,
        )
        session.refresh_from_db()
        return Response(SessionSerializer(session, context={"request": request}).data)

    @extend_schema(request=EnrolSerializer, responses={201: EnrolmentSerializer})
    @action(detail=True, methods=["post"])
    def enrol(self, request, pk=None):
        """Enrol an admitted person; a full session puts them on the waiting
        list (status `waiting`)."""
        session = self.get_object()
        serializer = EnrolSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        beneficiary = (
            beneficiaries_for(request.membership)
            .filter(pk=serializer.validated_data["beneficiary"])
            .first()
        )
        if beneficiary is None:
            raise serializers.ValidationError({"beneficiary": [_("Unknown case file.")]})
        enrolment = services.enrolment_create(
            actor=request.user,
            session=session,
            beneficiary=beneficiary,
            on=serializer.validated_data["on"],
            comment=serializer.validated_data["comment"],
        )
        return Response(EnrolmentSerializer(enrolment).data, status=status.HTTP_201_CREATED)


class EnrolmentViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Enrolments and waiting lists; `?session=` filters one session."""

    gate = SESSIONS_GATE
    serializer_class = EnrolmentSerializer
    pagination_class = IdPagination

    def get_queryset(self):
        if schema_generation(self):
            return Enrolment.objects.none()
        queryset = Enrolment.objects.filter(
            session__in=selectors.sessions_for(self.request.membership)
        ).select_related("beneficiary")
        return _of_session(queryset, self.request.query_params.get("session"))

    @extend_schema(
        parameters=[OpenApiParameter("session", ID, description="Only this session")],
    )
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    def _act(self, enrolment, service, **kwargs):
        service(actor=self.request.user, enrolment=enrolment, **kwargs)
        enrolment.refresh_from_db()
        return Response(EnrolmentSerializer(enrolment).data)

    @extend_schema(request=None, responses=EnrolmentSerializer)
    @action(detail=True, methods=["post"])
    def promote(self, request, pk=None):
        return self._act(self.get_object(), services.enrolment_promote)

    @extend_schema(request=None, responses=EnrolmentSerializer)
    @action(detail=True, methods=["post"])
    def remove(self, request, pk=None):
        return self._act(self.get_object(), services.enrolment_remove)

    # The enrolment is looked up before the body is read, as in the other
    # actions: another organisation's enrolment is a 404 whatever the body.
    @extend_schema(request=EnrolmentEndSerializer, responses=EnrolmentSerializer)
    @action(detail=True, methods=["post"])
    def complete(self, request, pk=None):
        enrolment = self.get_object()
        serializer = EnrolmentEndSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        return self._act(enrolment, services.enrolment_complete, on=serializer.validated_data["on"])

    @extend_schema(request=DropOutSerializer, responses=EnrolmentSerializer)
    @action(detail=True, methods=["post"], url_path="drop-out")
    def drop_out(self, request, pk=None):
        enrolment = self.get_object()
        serializer = DropOutSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        return self._act(
            enrolment,
            services.enrolment_drop_out,
            reason=data["reason"],
            on=data["on"],
            comment=data["comment"],
        )


class ActivityViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """The timetable; `?session=` filters one session. Activities are created
    in a session (`sessions/{id}/…` is the page; here `POST activities/` with
    `session`) or as a recurring series (`POST activities/series/`)."""

    gate = SESSIONS_GATE
    serializer_class = ActivitySerializer
    pagination_class = IdPagination

    def get_queryset(self):
        if schema_generation(self):
            return Activity.objects.none()
        queryset = Activity.objects.filter(
            session__in=selectors.sessions_for(self.request.membership)
        ).select_related("session")
        return _of_session(queryset, self.request.query_params.get("session"))

    def _session(self, data: dict):
        """The session named in a validated body, within the member's scope
        (unknown and not yours read alike)."""
        try:
            return selectors.session_get(self.request.membership, data.pop("session"))
        except Http404:
            raise serializers.ValidationError({"session": [_("Unknown session.")]}) from None

    @extend_schema(
        parameters=[OpenApiParameter("session", ID, description="Only this session")],
    )
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    @extend_schema(request=ActivityCreateSerializer, responses={201: ActivitySerializer})
    def create(self, request, *args, **kwargs):
        serializer = ActivityCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        session = self._session(data)
        activity = services.activity_create(actor=request.user, session=session, data=data)
        return Response(self.get_serializer(activity).data, status=status.HTTP_201_CREATED)

    def perform_update(self, serializer):
        services.activity_update(
            actor=self.request.user,
            activity=serializer.instance,
            data=dict(serializer.validated_data),
        )
        serializer.instance.refresh_from_db()

    @extend_schema(request=SeriesSerializer, responses={201: ActivitySerializer(many=True)})
    @action(detail=False, methods=["post"], pagination_class=None)
    def series(self, request):
        """A recurring activity: one occurrence per chosen weekday between
        the two dates (the session's by default), public holidays left out."""
        serializer = SeriesSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        session = self._session(data)
        series = services.activity_series_create(actor=request.user, session=session, **data)
        occurrences = series.occurrences.order_by("date", "start_time")
        return Response(
            ActivitySerializer(occurrences, many=True).data, status=status.HTTP_201_CREATED
        )

    @extend_schema(request=CancelSerializer, responses=ActivitySerializer)
    @action(detail=True, methods=["post"])
    def cancel(self, request, pk=None):
        activity = self.get_object()
        serializer = CancelSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.activity_cancel(
            actor=request.user,
            activity=activity,
            **serializer.validated_data,
        )
        activity.refresh_from_db()
        return Response(ActivitySerializer(activity).data)

    @extend_schema(
        request=AttendanceMarkSerializer(many=True), responses=AttendanceSerializer(many=True)
    )
    @action(detail=True, methods=["get", "post"], pagination_class=None)
    def attendance(self, request, pk=None):
        """Expected participants and their attendance. POST a list of
        {enrolment, status} to record or change it."""
        activity = self.get_object()
        if request.method == "POST":
            serializer = AttendanceMarkSerializer(data=request.data, many=True)
            serializer.is_valid(raise_exception=True)
            marks = {m["enrolment"]: m["status"] for m in serializer.validated_data}
            services.attendance_record(actor=request.user, activity=activity, marks=marks)
        recorded = dict(activity.attendances.values_list("enrolment_id", "status"))
        rows = [
            {
                "enrolment": e.pk,
                "beneficiary_name": e.beneficiary.full_name,
                "status": recorded.get(e.pk, ""),
            }
            for e in services.expected_participants(activity)
        ]
        return Response(AttendanceSerializer(rows, many=True).data)

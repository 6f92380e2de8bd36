from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.pagination import CursorPagination
from rest_framework.response import Response

from housing import selectors, services
from housing.api.serializers import (
    AvailabilitySerializer,
    HousingUnitSerializer,
    OccupancyCreateSerializer,
    OccupancyEndSerializer,
    OccupancyExtendSerializer,
    OccupancyMoveSerializer,
    OccupancySerializer,
    PlaceSerializer,
)
from housing.models import HousingUnit, Occupancy, Place
from thrasos import permissions
from thrasos.core.api import schema_generation
from thrasos.core.gates import Gate

HOUSING_GATE = Gate(read=permissions.can_view_housing, write=permissions.can_manage_housing)


class IdPagination(CursorPagination):
    ordering = ("id",)
    page_size = 200


class HousingUnitViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """Housing units of the member's territories."""

    gate = HOUSING_GATE
    serializer_class = HousingUnitSerializer
    pagination_class = IdPagination

    def get_queryset(self):
        if schema_generation(self):
            return HousingUnit.objects.none()
        return selectors.units_for(self.request.membership)

    def perform_create(self, serializer):
        serializer.instance = services.unit_create(
            actor=self.request.user, data=dict(serializer.validated_data)
        )

    def perform_update(self, serializer):
        serializer.instance = services.unit_update(
            actor=self.request.user, unit=serializer.instance, data=dict(serializer.validated_data)
        )


class PlaceViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    """Places (rooms, beds) of the member's units; `available` lists those
    free on every day of a period."""

    gate = HOUSING_GATE
    serializer_class = PlaceSerializer
    pagination_class = IdPagination

    def get_queryset(self):
        if schema_generation(self):
            return Place.objects.none()
        return selectors.places_for(self.request.membership)

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        serializer.instance = services.place_create(
            actor=self.request.user, unit=data.pop("unit"), data=data
        )

    @extend_schema(
        parameters=[
            OpenApiParameter("start", str, description="First night (YYYY-MM-DD), today if absent"),
            OpenApiParameter(
                "end", str, description="Day of leaving (excluded), six months after the start"
            ),
        ],
        responses=PlaceSerializer(many=True),
    )
    @action(detail=False, methods=["get"], pagination_class=None)  # one plain list
    def available(self, request, *args, **kwargs):
        query = AvailabilitySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        places = selectors.free_places(
            request.membership, query.validated_data["start"], query.validated_data["end"]
        )
        return Response(PlaceSerializer(places, many=True).data)


class OccupancyViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Occupancies of the member's units: create (book), extend, move, end."""

    gate = HOUSING_GATE
    serializer_class = OccupancySerializer
    pagination_class = IdPagination

    def get_queryset(self):
        if schema_generation(self):
            return Occupancy.objects.none()
        return Occupancy.objects.filter(
            place__unit__in=selectors.units_for(self.request.membership)
        )

    def _answer(self, occupancy, code=status.HTTP_200_OK):
        return Response(OccupancySerializer(occupancy).data, status=code)

    @extend_schema(request=OccupancyCreateSerializer, responses={201: OccupancySerializer})
    def create(self, request):
        serializer = OccupancyCreateSerializer(data=request.data, context={"request": request})
        serializer.is_valid(raise_exception=True)
        occupancy = services.occupancy_start(actor=request.user, **serializer.validated_data)
        return self._answer(occupancy, status.HTTP_201_CREATED)

    @extend_schema(request=OccupancyExtendSerializer, responses=OccupancySerializer)
    @action(detail=True, methods=["post"])
    def extend(self, request, pk=None):
        occupancy = self.get_object()
        serializer = OccupancyExtendSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        return self._answer(
            services.occupancy_extend(
                actor=request.user, occupancy=occupancy, **serializer.validated_data
            )
        )

    @extend_schema(request=OccupancyMoveSerializer, responses={201: OccupancySerializer})
    @action(detail=True, methods=["post"])
    def move(self, request, pk=None):
        """End here and start in `place` the same day: the new occupancy."""
        occupancy = self.get_object()
        serializer = OccupancyMoveSerializer(data=request.data, context={"request": request})
        serializer.is_valid(raise_exception=True)
        return self._answer(
            services.occupancy_move(
                actor=request.user, occupancy=occupancy, **serializer.validated_data
            ),
            status.HTTP_201_CREATED,
        )

    @extend_schema(request=OccupancyEndSerializer, responses=OccupancySerializer)
    @action(detail=True, methods=["post"])
    def end(self, request, pk=None):
        occupancy = self.get_object()
        serializer = OccupancyEndSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        return self._answer(
            services.occupancy_end(
                actor=request.user, occupancy=occupancy, **serializer.validated_data
            )
        )

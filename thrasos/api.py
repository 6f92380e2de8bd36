"""The /api/ router. Each module registers its viewsets here."""

from django.urls import path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView
from rest_framework import routers

from beneficiaries.api.views import BeneficiaryViewSet
from sessions.api.views import ActivityViewSet, EnrolmentViewSet, SessionViewSet
from thrasos import permissions
from thrasos.core.gates import Gate


class Router(routers.DefaultRouter):
    class APIRootView(routers.APIRootView):
        gate = Gate(read=permissions.is_member)


router = Router()
router.register("beneficiaires", BeneficiaryViewSet, basename="beneficiary")
router.register("sessions", SessionViewSet, basename="session")
router.register("inscriptions", EnrolmentViewSet, basename="enrolment")
router.register("activites", ActivityViewSet, basename="activity")

urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
    *router.urls,
]

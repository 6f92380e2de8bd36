"""The /api/ router: the viewsets the modules registered (thrasos.core.registry)."""

from django.urls import path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework import routers

from thrasos import permissions
from thrasos.core import registry
from thrasos.core.gates import Gate


class Router(routers.DefaultRouter):
    class APIRootView(routers.APIRootView):
        gate = Gate(read=permissions.is_member)


router = Router()
for route in registry.api_routes():
    router.register(route.prefix, route.viewset, basename=route.basename)

urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    # The split view serves Swagger UI's start-up script as a file (?script):
    # no inline script or style, so our CSP lets it run (offline: sidecar).
    path(
        "docs/",
        SpectacularSwaggerSplitView.as_view(
            url_name="api-schema", template_name="api/swagger_ui.html"
        ),
        name="api-docs",
    ),
    *router.urls,
]

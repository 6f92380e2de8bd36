"""The /api/ router: the viewsets the modules registered (thrasos.core.registry)."""

from django.urls import path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView
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
    path("docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
    *router.urls,
]

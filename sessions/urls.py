from django.urls import path
from django.utils.translation import gettext_lazy as _

from thrasos.core.views import module_pending

app_name = "sessions"

urlpatterns = [
    path("", module_pending, {"title": _("Preparation sessions")}, name="index"),
]

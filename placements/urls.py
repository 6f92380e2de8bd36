from django.urls import path
from django.utils.translation import gettext_lazy as _

from thrasos import permissions
from thrasos.core.gates import gate
from thrasos.core.views import module_pending

app_name = "placements"

urlpatterns = [
    path(
        "",
        gate(read=permissions.can_open_case_files)(module_pending),
        {"title": _("Placements")},
        name="index",
    ),
]
